"""Handlers: Consents_Create (JSON ``audioUrl``) / Consents_Post (multipart ``audiodata``) / Get / List / Delete.

* create -> 201 with the consent at ``NotStarted`` + ``Operation-Id`` / ``Operation-Location``; the
  project must exist (else 400 ``BadRequest``), the id must be new (else 400 ``BadRequest``);
  Operation-Id retry/reuse as in :func:`emulator.services.voice.state.replayed`;
* outcome, decided at submission and reached after ``training_seconds``: ``Succeeded`` when the
  consent audio holds at least :data:`MIN_CONSENT_SPEECH_S` of speech; ``Failed`` with
  ``AudioAndScriptNotMatch`` when it holds less (no statement can be in it); ``Failed`` with
  ``Internal`` when ``audioUrl`` cannot be downloaded or is not a supported WAV or MP3 file (``audio_files.py``; emulator
  decisions: the service does not document them). The consent's voiceprint is kept for speaker
  verification of personal voices.

Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (Consents_*), https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (ConsentFailureReason); example
tests/reference/azure-examples/custom-voice/2024-02-01-preview/create_consent_with_multipart_form.json; specs/customvoice.yaml.
"""

from __future__ import annotations

import asyncio
import uuid

import httpx
import numpy as np

from cognitive_conformance.emulator.audio import analyse
from cognitive_conformance.emulator.services.voice.audio_files import samples_of
from cognitive_conformance.emulator.routing import NO_BODY, HandlerContext, Reply
from cognitive_conformance.emulator.services.voice import errors, views
from cognitive_conformance.emulator.services.voice.models import Consent, Operation
from cognitive_conformance.emulator.services.voice.state import (
    find_consent,
    lro_headers,
    new_record,
    referenced_project,
    replayed,
    voice_state,
)

__all__ = ["MIN_CONSENT_SPEECH_S", "consents_create", "consents_post", "consents_get", "consents_list", "consents_delete"]

MIN_CONSENT_SPEECH_S = 1.0
"""Less speech than this cannot hold the consent statement -> ``AudioAndScriptNotMatch`` (emulator decision)."""


async def _download(ctx: HandlerContext, url: str) -> np.ndarray | None:
    """The decoded audio at ``url``, or ``None`` if it cannot be read or decoded."""
    limits = ctx.config.limits
    try:
        async with httpx.AsyncClient(
            timeout=limits.image_fetch_timeout, transport=ctx.config.image_fetch_transport, follow_redirects=False
        ) as client:
            response = await client.get(url)
            if not 200 <= response.status_code < 300 or len(response.content) > limits.max_form_file_bytes:
                return None
            return samples_of(response.content)[0]
    except (httpx.HTTPError, ValueError):
        return None


def _outcome(samples: np.ndarray | None) -> tuple[str | None, tuple[float, ...] | None]:
    if samples is None:
        return "Internal", None
    analysis = analyse(samples)
    if analysis.speech_s < MIN_CONSENT_SPEECH_S:
        return "AudioAndScriptNotMatch", analysis.voiceprint
    return None, analysis.voiceprint


async def _create(ctx: HandlerContext) -> Reply:
    inputs = ctx.inputs
    with voice_state(ctx.store, ctx.key) as state:
        earlier = replayed(state, ctx, "consent", inputs.operation_id, inputs.fingerprint)
        if earlier is not None:
            return Reply(201, json=views.consent_body(earlier, ctx.now), headers=lro_headers(ctx, earlier.operation_id))
        if inputs.id in state.consents:
            raise errors.already_exists("Consent", inputs.id)
        referenced_project(state, inputs.project_id)
    samples = inputs.samples if inputs.samples is not None else await _download(ctx, inputs.audio_url)
    failure, voiceprint = await asyncio.to_thread(_outcome, samples)
    with voice_state(ctx.store, ctx.key) as state:
        earlier = replayed(state, ctx, "consent", inputs.operation_id, inputs.fingerprint)
        if earlier is not None:
            return Reply(201, json=views.consent_body(earlier, ctx.now), headers=lro_headers(ctx, earlier.operation_id))
        if inputs.id in state.consents:
            raise errors.already_exists("Consent", inputs.id)
        referenced_project(state, inputs.project_id)
        operation_id = inputs.operation_id
        if operation_id is None or operation_id in state.operations:
            operation_id = str(uuid.uuid4())
        record = new_record(ctx, succeeds=failure is None)
        consent = Consent(
            id=inputs.id,
            project_id=inputs.project_id,
            voice_talent_name=inputs.voice_talent_name,
            company_name=inputs.company_name,
            locale=inputs.locale,
            display_name=inputs.display_name,
            description=inputs.description,
            properties=inputs.properties,
            record=record,
            failure_reason=failure,
            voiceprint=voiceprint,
            operation_id=operation_id,
        )
        state.consents[inputs.id] = consent
        state.operations[operation_id] = Operation(operation_id, "consent", inputs.id, inputs.fingerprint, record)
        return Reply(201, json=views.consent_body(consent, ctx.now), headers=lro_headers(ctx, operation_id))


async def consents_create(ctx: HandlerContext) -> Reply:
    """Consents_Create (JSON with ``audioUrl``)."""
    return await _create(ctx)


async def consents_post(ctx: HandlerContext) -> Reply:
    """Consents_Post (multipart with the ``audiodata`` file)."""
    return await _create(ctx)


async def consents_get(ctx: HandlerContext) -> Reply:
    """Consents_Get."""
    with voice_state(ctx.store, ctx.key) as state:
        return Reply(200, json=views.consent_body(find_consent(state, ctx.inputs.id), ctx.now))


async def consents_list(ctx: HandlerContext) -> Reply:
    """Consents_List."""
    with voice_state(ctx.store, ctx.key) as state:
        body = views.page(ctx, "consents", list(state.consents.values()), lambda c: views.consent_body(c, ctx.now), ctx.inputs)
    return Reply(200, json=body)


async def consents_delete(ctx: HandlerContext) -> Reply:
    """Consents_Delete -> 204."""
    with voice_state(ctx.store, ctx.key) as state:
        find_consent(state, ctx.inputs.id)
        del state.consents[ctx.inputs.id]
    return Reply(204, json=NO_BODY)
