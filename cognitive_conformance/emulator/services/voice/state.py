"""Access to the Custom Voice partition of the store, lookups with the documented errors, LRO helpers.

* unknown resource in the URL -> 404 ``NotFound``; a referenced project/consent that does not exist,
  a consent that is not ``Succeeded`` or belongs to another project, a project of the wrong kind ->
  400 ``BadRequest`` (specs/customvoice.yaml);
* Operation-Id: the same id with the identical request returns the original operation and resource
  (safe retry); with a different request -> 400 ``BadRequest`` (https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json parameters.HeaderOperationId; https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview);
* creates answer ``Operation-Id`` and the absolute ``Operation-Location``
  ``{scheme}://{host}/customvoice/operations/{id}?api-version={version}``.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, ContextManager

from cognitive_conformance.emulator.routing import HandlerContext
from cognitive_conformance.emulator.services.voice import errors
from cognitive_conformance.emulator.services.voice.models import Consent, Operation, PersonalVoice, Project, VoiceState, status_at
from cognitive_conformance.emulator.training import TrainingRecord, start_training

__all__ = [
    "SERVICE_NAME",
    "voice_state",
    "find_project",
    "find_consent",
    "find_personal_voice",
    "referenced_project",
    "usable_consent",
    "lro_headers",
    "replayed",
    "new_record",
]

SERVICE_NAME = "customvoice"
#: The table of the resource each kind of operation acts on.
_TABLES = {
    "consent": "consents",
    "personalvoice": "personal_voices",
    "model": "models",
    "endpoint": "endpoints",
    "upload": "training_sets",
    "suspend": "endpoints",
    "resume": "endpoints",
}
#: Operations acting on an existing resource (its ``operation_id``, if any, is that of its latest action).
_ACTIONS = frozenset({"upload", "suspend", "resume"})


def voice_state(store: Any, key: str) -> ContextManager[VoiceState]:
    """Lock the store and yield this key's Custom Voice state."""
    return store.partition(key, SERVICE_NAME, VoiceState)


def find_project(state: VoiceState, project_id: str) -> Project:
    """The project named in the URL, or 404 ``NotFound``."""
    project = state.projects.get(project_id)
    if project is None:
        raise errors.not_found("Project", project_id)
    return project


def find_consent(state: VoiceState, consent_id: str) -> Consent:
    """The consent named in the URL, or 404 ``NotFound``."""
    consent = state.consents.get(consent_id)
    if consent is None:
        raise errors.not_found("Consent", consent_id)
    return consent


def find_personal_voice(state: VoiceState, voice_id: str) -> PersonalVoice:
    """The personal voice named in the URL, or 404 ``NotFound``."""
    voice = state.personal_voices.get(voice_id)
    if voice is None:
        raise errors.not_found("Personal voice", voice_id)
    return voice


def referenced_project(state: VoiceState, project_id: str, *, kind: str | None = None) -> Project:
    """A project referenced by a body/form: missing or of another kind -> 400 ``BadRequest``."""
    project = state.projects.get(project_id)
    if project is None:
        raise errors.bad_request(f"The project '{project_id}' does not exist.")
    if kind is not None and project.kind != kind:
        raise errors.bad_request(f"The project '{project_id}' is of kind {project.kind}; a {kind} project is required.")
    return project


def usable_consent(state: VoiceState, consent_id: str, project_id: str, now: datetime) -> Consent:
    """The consent a personal voice uses: it exists, belongs to ``project_id`` and is ``Succeeded`` (else 400 BadRequest)."""
    consent = state.consents.get(consent_id)
    if consent is None:
        raise errors.bad_request(f"The consent '{consent_id}' does not exist.")
    if consent.project_id != project_id:
        raise errors.bad_request(f"The consent '{consent_id}' belongs to another project.")
    status, _ = status_at(consent.record, now)
    if status != "Succeeded":
        raise errors.bad_request(f"The consent '{consent_id}' is {status}; it must be Succeeded.")
    return consent


def lro_headers(ctx: HandlerContext, operation_id: str) -> dict[str, str]:
    """``Operation-Id`` + absolute ``Operation-Location`` (https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json; example tests/reference/azure-examples/custom-voice/2024-02-01-preview/create_consent.json)."""
    location = f"{ctx.base_url}/customvoice/operations/{operation_id}?api-version={ctx.version}"
    return {"Operation-Id": operation_id, "Operation-Location": location}


def replayed(state: VoiceState, ctx: HandlerContext, kind: str, operation_id: str | None, fingerprint: str) -> Any | None:
    """The resource of an identical earlier request with this Operation-Id, ``None`` if the id is new; else 400.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json parameters.HeaderOperationId; https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (Operation-Id request header).
    """
    if operation_id is None:
        return None
    operation: Operation | None = state.operations.get(operation_id)
    if operation is None:
        return None
    behaviour = ctx.behaviour
    if not behaviour.reject_reused_operation_ids and operation.fingerprint != fingerprint:
        return None
    if operation.fingerprint == fingerprint and operation.kind == kind and behaviour.replay_identical_retries:
        resource = getattr(state, _TABLES[kind]).get(operation.resource_id)
        # A resource made by the operation still carries its id (not one deleted and made again since).
        if resource is not None and (kind in _ACTIONS or resource.operation_id == operation_id):
            return resource
    raise errors.operation_id_reused(operation_id)


def new_record(ctx: HandlerContext, *, succeeds: bool, weight: float = 1.0) -> TrainingRecord:
    """A training record from now: ``training_seconds × weight × training_scale``; first 20 % NotStarted."""
    base = float(ctx.config.training_seconds) * weight
    scale = ctx.behaviour.training_scale
    duration = math.inf if math.isinf(scale) else base * scale
    return start_training(
        ctx.now,
        duration=duration,
        queue_basis=duration if math.isfinite(duration) else base,
        succeeds=succeeds,
        failure_message=None,
        previous=None,
    )
