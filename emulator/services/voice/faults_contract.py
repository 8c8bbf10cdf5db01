"""Custom Voice faults on the contract's shape: status codes, LRO headers, id limits.

Each rewrites the finished reply of one kind of request so that it breaks exactly one
documented rule, and names the check that must catch it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from emulator.errors import ERROR_CODE_HEADER
from emulator.faults import Exchange, Fault, register_fault
from emulator.routing import Reply

__all__ = ["CreateReturns200", "DeleteReturns200WithBody", "DropOperationId", "DropOperationLocation", "LongIdsAccepted"]

_LRO_CREATES = frozenset({"Consents_Post", "Consents_Create", "PersonalVoices_Post", "PersonalVoices_Create"})
_DELETES = frozenset({"Projects_Delete", "Consents_Delete", "PersonalVoices_Delete"})
_ID_CHARS = re.compile(r"^[a-zA-Z0-9._-]+$")


def _voice(exchange: Exchange) -> bool:
    return exchange.service == "customvoice"


def _without(headers: dict[str, str], name: str) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() != name}


@register_fault
class CreateReturns200(Fault):
    name = "voice-create-returns-200"
    description = "Consent and personal-voice creates answer 200 instead of 201 Created."
    breaks = "Creates answer 201 Created with Operation-Id and Operation-Location (https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json)."
    expected_check = "status_code_documented"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if _voice(exchange) and exchange.operation_id in _LRO_CREATES and reply.status == 201:
            return replace(reply, status=200)
        return reply


@register_fault
class DeleteReturns200WithBody(Fault):
    name = "voice-delete-returns-200-with-body"
    description = "Deletes answer 200 with a JSON body instead of 204 No Content."
    breaks = "Projects/Consents/PersonalVoices_Delete answer 204 (https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json; tests/reference/azure-examples/custom-voice/2024-02-01-preview/delete_project.json)."
    expected_check = "status_code_documented"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if _voice(exchange) and exchange.operation_id in _DELETES and reply.status == 204:
            return replace(reply, status=200, json={"deleted": exchange.path.rstrip("/").rsplit("/", 1)[-1]}, content=None)
        return reply


@register_fault
class DropOperationId(Fault):
    name = "voice-drop-operation-id"
    description = "Creates omit the Operation-Id response header."
    breaks = "A create returns Operation-Id, equal to the id in Operation-Location (https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview sample response; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json)."
    expected_check = "operation_id_header_present"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if _voice(exchange) and exchange.operation_id in _LRO_CREATES and 200 <= reply.status < 300:
            return replace(reply, headers=_without(reply.headers, "operation-id"))
        return reply


@register_fault
class DropOperationLocation(Fault):
    name = "voice-drop-operation-location"
    description = "Creates omit the Operation-Location response header."
    breaks = "A create returns Operation-Location …/customvoice/operations/{id}?api-version=… (https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json)."
    expected_check = "lro_operation_location_present"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if _voice(exchange) and exchange.operation_id in _LRO_CREATES and 200 <= reply.status < 300:
            return replace(reply, headers=_without(reply.headers, "operation-location"))
        return reply


@register_fault
class LongIdsAccepted(Fault):
    name = "voice-long-ids-accepted"
    description = "Resource ids longer than 64 characters are not rejected (a missing resource is 404 instead of 400)."
    breaks = "Resource ids match ^[a-zA-Z0-9][a-zA-Z0-9._-]{1,62}[a-zA-Z0-9]$, 3..64 characters, else 400 BadArgument (https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json ResourceId)."
    expected_check = "documented_outcome_for_situation"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        last = exchange.path.rstrip("/").rsplit("/", 1)[-1]
        if _voice(exchange) and reply.status == 400 and len(last) > 64 and _ID_CHARS.match(last):
            error = {"code": "NotFound", "message": f"The resource '{last}' was not found."}
            headers = _without(reply.headers, ERROR_CODE_HEADER)
            headers[ERROR_CODE_HEADER] = "NotFound"
            return replace(reply, status=404, json={"error": error}, headers=headers, content=None)
        return reply
