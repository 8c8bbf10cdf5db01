"""Handler: Operations_Get -> ``{id, status}``; an unknown id -> 404 ``NotFound``.

The operation shares the training record of the consent or personal voice it created, so its status
is always the resource's (NotStarted -> Running -> Succeeded | Failed).

Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (Operation has only id and status); example
tests/reference/azure-examples/custom-voice/2024-02-01-preview/get_operation.json; specs/customvoice.yaml Operations_Get.
"""

from __future__ import annotations

from cognitive_conformance.emulator.routing import HandlerContext, Reply
from cognitive_conformance.emulator.services.voice import errors, views
from cognitive_conformance.emulator.services.voice.state import voice_state

__all__ = ["operations_get"]


async def operations_get(ctx: HandlerContext) -> Reply:
    """Operations_Get."""
    with voice_state(ctx.store, ctx.key) as state:
        operation = state.operations.get(ctx.inputs.id)
        if operation is None:
            raise errors.not_found("Operation", ctx.inputs.id)
        return Reply(200, json=views.operation_body(operation, ctx.now))
