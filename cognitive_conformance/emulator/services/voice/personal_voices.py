"""Handlers: PersonalVoices_Create (JSON, blob ``audios``) / PersonalVoices_Post (multipart) / Get / List / Delete.

* create -> 201 with the personal voice at ``NotStarted``, a ``speakerProfileId`` GUID assigned once,
  and ``Operation-Id`` / ``Operation-Location``. Before that: the project exists and is of kind
  ``PersonalVoice``; the consent exists, belongs to that project and is ``Succeeded`` (else 400
  ``BadRequest``); the id is new; Operation-Id retry/reuse as in :func:`~emulator.services.voice.state.replayed`.
* outcome, decided at submission and reached after ``training_seconds × (1 + 0.1 × (files - 1))``:
  ``Failed`` + ``InaccessibleCustomerStorage`` when the blob source cannot be listed or read
  (:mod:`emulator.services.voice.blob`); ``Failed`` + ``Internal`` when a blob is not a WAV or MP3 file of a
  documented kind (``audio_files.py``); ``Failed`` + ``SpeakerVerificationFailed`` when the voiceprint of the training audio
  (:func:`emulator.audio.analyse` over all files) has a similarity below :data:`SPEAKER_MATCH_THRESHOLD`
  with the consent's; else ``Succeeded``.

The threshold: over the six synthetic speakers of ``strategies/audio.py`` (2-3 s clips, three seeds)
same-speaker similarity was at least 0.974 and different-speaker similarity at most 0.734.

Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (Personal Voices - Post: 201, Operation-Location/Operation-Id, speakerProfileId,
failure reasons "SpeakerVerificationFailed", "InaccessibleCustomerStorage"); https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json;
specs/customvoice.yaml PersonalVoices_Create / PersonalVoices_Post.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import numpy as np

from cognitive_conformance.emulator.audio import analyse, similarity
from cognitive_conformance.emulator.services.voice.audio_files import samples_of
from cognitive_conformance.emulator.routing import NO_BODY, HandlerContext, Reply
from cognitive_conformance.emulator.services.voice import errors, views
from cognitive_conformance.emulator.services.voice.blob import BlobSourceError, read_blob_audio
from cognitive_conformance.emulator.services.voice.models import Operation, PersonalVoice
from cognitive_conformance.emulator.services.voice.state import (
    find_personal_voice,
    lro_headers,
    new_record,
    referenced_project,
    replayed,
    usable_consent,
    voice_state,
)

__all__ = [
    "SPEAKER_MATCH_THRESHOLD",
    "personal_voices_create",
    "personal_voices_post",
    "personal_voices_get",
    "personal_voices_list",
    "personal_voices_delete",
]

SPEAKER_MATCH_THRESHOLD = 0.85
"""Minimum voiceprint similarity between consent and training audio (emulator decision, measured above)."""


def _verify(consent_print: tuple[float, ...] | None, samples: tuple[np.ndarray, ...], skip: bool) -> str | None:
    if skip:
        return None
    training = analyse(np.concatenate(samples) if samples else np.zeros(0, dtype=np.int16))
    if consent_print is None or similarity(consent_print, training.voiceprint) < SPEAKER_MATCH_THRESHOLD:
        return "SpeakerVerificationFailed"
    return None


async def _blob_samples(ctx: HandlerContext, source: dict[str, Any]) -> tuple[tuple[np.ndarray, ...] | None, str | None]:
    limits = ctx.config.limits
    try:
        blobs = await read_blob_audio(
            source,
            timeout_s=limits.image_fetch_timeout,
            max_total_bytes=limits.max_form_total_bytes,
            transport=ctx.config.image_fetch_transport,
        )
    except BlobSourceError:
        return None, "InaccessibleCustomerStorage"
    decoded = [samples_of(b)[0] for b in blobs]
    if any(samples is None for samples in decoded):
        return None, "Internal"
    return tuple(decoded), None


def _public_source(source: dict[str, Any] | None) -> dict[str, Any] | None:
    """The ``audios`` echoed back: the container URL without its SAS query."""
    if source is None:
        return None
    url = str(source["containerUrl"]).split("?", 1)[0]
    echoed: dict[str, Any] = {"containerUrl": url, "extensions": list(source["extensions"])}
    if source.get("prefix") is not None:
        echoed["prefix"] = source["prefix"]
    return echoed


async def _create(ctx: HandlerContext) -> Reply:
    inputs = ctx.inputs

    def precheck(state: Any) -> Reply | tuple[float, ...] | None:
        earlier = replayed(state, ctx, "personalvoice", inputs.operation_id, inputs.fingerprint)
        if earlier is not None:
            return Reply(201, json=views.personal_voice_body(earlier, ctx.now), headers=lro_headers(ctx, earlier.operation_id))
        if inputs.id in state.personal_voices:
            raise errors.already_exists("Personal voice", inputs.id)
        referenced_project(state, inputs.project_id, kind="PersonalVoice")
        return usable_consent(state, inputs.consent_id, inputs.project_id, ctx.now).voiceprint

    with voice_state(ctx.store, ctx.key) as state:
        checked = precheck(state)
    if isinstance(checked, Reply):
        return checked
    samples, failure = (inputs.samples, None) if inputs.samples is not None else await _blob_samples(ctx, inputs.audios)
    if failure is None:
        failure = await asyncio.to_thread(_verify, checked, samples or (), not ctx.behaviour.verify_training_identity)
    with voice_state(ctx.store, ctx.key) as state:
        checked = precheck(state)
        if isinstance(checked, Reply):
            return checked
        operation_id = inputs.operation_id
        if operation_id is None or operation_id in state.operations:
            operation_id = str(uuid.uuid4())
        files = len(samples) if samples else 1
        record = new_record(ctx, succeeds=failure is None, weight=1.0 + 0.1 * (files - 1))
        voice = PersonalVoice(
            id=inputs.id,
            project_id=inputs.project_id,
            consent_id=inputs.consent_id,
            speaker_profile_id=str(uuid.uuid4()),
            display_name=inputs.display_name,
            description=inputs.description,
            properties=inputs.properties,
            audios=_public_source(inputs.audios),
            record=record,
            failure_reason=failure,
            operation_id=operation_id,
        )
        state.personal_voices[inputs.id] = voice
        state.operations[operation_id] = Operation(operation_id, "personalvoice", inputs.id, inputs.fingerprint, record)
        return Reply(201, json=views.personal_voice_body(voice, ctx.now), headers=lro_headers(ctx, operation_id))


async def personal_voices_create(ctx: HandlerContext) -> Reply:
    """PersonalVoices_Create (JSON, audio in Azure Blob Storage)."""
    return await _create(ctx)


async def personal_voices_post(ctx: HandlerContext) -> Reply:
    """PersonalVoices_Post (multipart, audio files in the request)."""
    return await _create(ctx)


async def personal_voices_get(ctx: HandlerContext) -> Reply:
    """PersonalVoices_Get."""
    with voice_state(ctx.store, ctx.key) as state:
        return Reply(200, json=views.personal_voice_body(find_personal_voice(state, ctx.inputs.id), ctx.now))


async def personal_voices_list(ctx: HandlerContext) -> Reply:
    """PersonalVoices_List."""
    with voice_state(ctx.store, ctx.key) as state:
        body = views.page(
            ctx,
            "personalvoices",
            list(state.personal_voices.values()),
            lambda v: views.personal_voice_body(v, ctx.now),
            ctx.inputs,
        )
    return Reply(200, json=body)


async def personal_voices_delete(ctx: HandlerContext) -> Reply:
    """PersonalVoices_Delete -> 204."""
    with voice_state(ctx.store, ctx.key) as state:
        find_personal_voice(state, ctx.inputs.id)
        del state.personal_voices[ctx.inputs.id]
    return Reply(204, json=NO_BODY)
