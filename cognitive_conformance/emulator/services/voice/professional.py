"""Handlers: professional voice - training sets and their data uploads, models, endpoints, base models.

* ``TrainingSets_Create`` -> 201 (not long-running); the project must exist and be ``ProfessionalVoice``.
  ``TrainingSets_UploadData`` -> 202, no body, ``Operation-Id`` / ``Operation-Location``; the training set's
  status is that of its latest upload (none yet: ``NotStarted``). The emulator cannot read customer storage:
  data is *accessible* when every container URL carries a SAS signature (``sig=``), else the upload ends
  ``Failed``. An accessible upload adds :func:`_utterances` utterances of :data:`SECONDS_PER_UTTERANCE` s each.
* ``Models_Create`` -> 201 ``NotStarted`` + LRO headers; project ``ProfessionalVoice``, consent ``Succeeded`` in
  that project, training set in that project (else 400 ``BadRequest``). Training takes
  ``training_seconds × (1 + utterances / 1000)``; a training set without succeeded data makes the model end
  ``Failed`` with the version's reason for it (:data:`DATA_NOT_READY`).
* ``Endpoints_Create`` -> 201 ``NotStarted`` + LRO headers; the model must be ``Succeeded`` in that project.
  ``Endpoints_Suspend`` (a ``Succeeded`` endpoint) -> 202, ``Disabling`` -> ``Disabled``;
  ``Endpoints_Resume`` (a ``Disabled`` endpoint) -> 202, ``Running`` -> ``Succeeded``; each takes half a
  training duration. Any other state -> 400 ``BadRequest``.
* ``BaseModels_List``: a bare array in 2024-02-01-preview, ``{value}`` in 2026-01-01.

Operation-Id retry/reuse as in :func:`~emulator.services.voice.state.replayed`.

Source: https://github.com/Azure/azure-rest-api-specs/blob/0eaa5cbcc2df77e52a6dd5ffa7b3632bc5ac9473/specification/cognitiveservices/data-plane/Speech/TextToSpeech/stable/2026-01-01/texttospeech.json
(TrainingSets_*, Models_*, Endpoints_*, BaseModels_List, ModelFailureReason DataNotReady);
https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json
(the same operations; no DataNotReady; BaseModels_List an array); examples create_model.json, suspend_endpoint.json,
resume_endpoint.json, get_trainingset.json, get_base_models.json of
https://github.com/Azure/azure-rest-api-specs/tree/834ccb24549bc9d35bb143ed0c31641cb2092da5/specification/cognitiveservices/data-plane/Speech/TextToSpeech/stable/2026-01-01/examples;
specs/customvoice.yaml.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from cognitive_conformance.emulator.routing import NO_BODY, HandlerContext, Reply
from cognitive_conformance.emulator.services.voice import errors, views
from cognitive_conformance.emulator.services.voice.models import Endpoint, Operation, TrainingSet, Upload, VoiceModel, VoiceState, status_at
from cognitive_conformance.emulator.services.voice.state import lro_headers, new_record, referenced_project, replayed, usable_consent, voice_state

__all__ = [
    "DATA_NOT_READY",
    "SECONDS_PER_UTTERANCE",
    "training_sets_create",
    "training_sets_get",
    "training_sets_list",
    "training_sets_delete",
    "training_sets_upload_data",
    "models_create",
    "models_get",
    "models_list",
    "models_delete",
    "endpoints_create",
    "endpoints_get",
    "endpoints_list",
    "endpoints_delete",
    "endpoints_suspend",
    "endpoints_resume",
    "base_models_list",
    "ready_utterances",
]

PROFESSIONAL = "ProfessionalVoice"
DATA_NOT_READY = {"2024-02-01-preview": "Internal", "2026-01-01": "DataNotReady"}
"""The ``ModelFailureReason`` of a model whose training data is not ready, per version: 2026-01-01 documents
``DataNotReady``; 2024-02-01-preview has no data reason, so its generic ``Internal`` ("Custom Voice Service error")."""
SECONDS_PER_UTTERANCE = 12.0
"""Audio seconds counted per utterance (the example's 300 utterances last 3600.5 s)."""
RECIPE_VERSION = "V7.2023.03"
"""The recipe version the service picks (example create_model.json)."""


def _find(table: dict[str, Any], what: str, rid: str) -> Any:
    item = table.get(rid)
    if item is None:
        raise errors.not_found(what, rid)
    return item


def _render(kind: str, ctx: HandlerContext) -> Callable[[Any], dict[str, Any]]:
    if kind == "training_sets":
        return lambda t: views.training_set_body(t, ctx.now, ctx.version)
    return lambda item: (views.model_body if kind == "models" else views.endpoint_body)(item, ctx.now)


_WHAT = {"training_sets": ("Training set", "trainingsets"), "models": ("Model", "models"), "endpoints": ("Endpoint", "endpoints")}


async def _get(ctx: HandlerContext, kind: str) -> Reply:
    with voice_state(ctx.store, ctx.key) as state:
        return Reply(200, json=_render(kind, ctx)(_find(getattr(state, kind), _WHAT[kind][0], ctx.inputs.id)))


async def _list(ctx: HandlerContext, kind: str) -> Reply:
    with voice_state(ctx.store, ctx.key) as state:
        body = views.page(ctx, _WHAT[kind][1], list(getattr(state, kind).values()), _render(kind, ctx), ctx.inputs)
    return Reply(200, json=body)


async def _delete(ctx: HandlerContext, kind: str, guard: Callable[[VoiceState], None] | None = None) -> Reply:
    with voice_state(ctx.store, ctx.key) as state:
        _find(getattr(state, kind), _WHAT[kind][0], ctx.inputs.id)
        if guard is not None:
            guard(state)
        del getattr(state, kind)[ctx.inputs.id]
    return Reply(204, json=NO_BODY)


def ready_utterances(training_set: TrainingSet, now: datetime) -> tuple[int, float]:
    """Utterances and seconds of the training set's succeeded uploads at ``now``."""
    done = [u for u in training_set.uploads if status_at(u.record, now)[0] == "Succeeded"]
    return sum(u.utterances for u in done), sum(u.seconds for u in done)


def _accessible(*sources: dict[str, Any] | None) -> bool:
    for source in sources:
        if source is not None and "sig" not in parse_qs(urlsplit(str(source["containerUrl"])).query):
            return False
    return True


def _utterances(source: dict[str, Any]) -> int:
    """A deterministic utterance count (200..499) for the data under ``source`` (its URL without SAS, its prefix)."""
    where = f"{str(source['containerUrl']).split('?', 1)[0]}|{source.get('prefix') or ''}"
    return 200 + int(hashlib.sha256(where.encode()).hexdigest()[:8], 16) % 300


def _new_operation_id(state: VoiceState, wanted: str | None) -> str:
    return wanted if wanted is not None and wanted not in state.operations else str(uuid.uuid4())


# ----------------------------------------------------------------------------- training sets


async def training_sets_create(ctx: HandlerContext) -> Reply:
    """TrainingSets_Create."""
    inputs = ctx.inputs
    with voice_state(ctx.store, ctx.key) as state:
        if inputs.id in state.training_sets:
            raise errors.already_exists("Training set", inputs.id)
        referenced_project(state, inputs.project_id, kind=PROFESSIONAL)
        training_set = TrainingSet(
            inputs.id, inputs.project_id, inputs.locale, inputs.voice_kind, inputs.display_name, inputs.description, ctx.now
        )
        state.training_sets[inputs.id] = training_set
        return Reply(201, json=views.training_set_body(training_set, ctx.now, ctx.version))


async def training_sets_get(ctx: HandlerContext) -> Reply:
    """TrainingSets_Get."""
    return await _get(ctx, "training_sets")


async def training_sets_list(ctx: HandlerContext) -> Reply:
    """TrainingSets_List."""
    return await _list(ctx, "training_sets")


async def training_sets_delete(ctx: HandlerContext) -> Reply:
    """TrainingSets_Delete -> 204."""
    return await _delete(ctx, "training_sets")


async def training_sets_upload_data(ctx: HandlerContext) -> Reply:
    """TrainingSets_UploadData -> 202 with Operation-Id / Operation-Location and no body."""
    inputs = ctx.inputs
    with voice_state(ctx.store, ctx.key) as state:
        training_set = _find(state.training_sets, "Training set", inputs.id)
        earlier = replayed(state, ctx, "upload", inputs.operation_id, inputs.fingerprint)
        if earlier is not None:
            return Reply(202, json=NO_BODY, headers=lro_headers(ctx, inputs.operation_id))
        accessible = _accessible(inputs.audios, inputs.scripts)
        utterances = _utterances(inputs.audios) if accessible else 0
        record = new_record(ctx, succeeds=accessible)
        training_set.uploads.append(Upload(record, utterances, utterances * SECONDS_PER_UTTERANCE, inputs.contextual))
        operation_id = _new_operation_id(state, inputs.operation_id)
        state.operations[operation_id] = Operation(operation_id, "upload", inputs.id, inputs.fingerprint, record)
        return Reply(202, json=NO_BODY, headers=lro_headers(ctx, operation_id))


# ----------------------------------------------------------------------------- models


async def models_create(ctx: HandlerContext) -> Reply:
    """Models_Create: training starts."""
    inputs = ctx.inputs
    with voice_state(ctx.store, ctx.key) as state:
        earlier = replayed(state, ctx, "model", inputs.operation_id, inputs.fingerprint)
        if earlier is not None:
            return Reply(201, json=views.model_body(earlier, ctx.now), headers=lro_headers(ctx, earlier.operation_id))
        if inputs.id in state.models:
            raise errors.already_exists("Model", inputs.id)
        referenced_project(state, inputs.project_id, kind=PROFESSIONAL)
        usable_consent(state, inputs.consent_id, inputs.project_id, ctx.now)
        training_set = state.training_sets.get(inputs.training_set_id)
        if training_set is None:
            raise errors.bad_request(f"The training set '{inputs.training_set_id}' does not exist.")
        if training_set.project_id != inputs.project_id:
            raise errors.bad_request(f"The training set '{inputs.training_set_id}' belongs to another project.")
        utterances, _ = ready_utterances(training_set, ctx.now)
        failure = None if utterances > 0 else DATA_NOT_READY.get(ctx.version, "Internal")
        record = new_record(ctx, succeeds=failure is None, weight=1.0 + utterances / 1000)
        operation_id = _new_operation_id(state, inputs.operation_id)
        model = VoiceModel(
            id=inputs.id,
            project_id=inputs.project_id,
            consent_id=inputs.consent_id,
            training_set_id=inputs.training_set_id,
            recipe={"kind": inputs.recipe_kind, "version": RECIPE_VERSION},
            locale=inputs.locale or training_set.locale,
            voice_name=inputs.voice_name,
            description=inputs.description,
            record=record,
            failure_reason=failure,
            operation_id=operation_id,
        )
        state.models[inputs.id] = model
        state.operations[operation_id] = Operation(operation_id, "model", inputs.id, inputs.fingerprint, record)
        return Reply(201, json=views.model_body(model, ctx.now), headers=lro_headers(ctx, operation_id))


async def models_get(ctx: HandlerContext) -> Reply:
    """Models_Get."""
    return await _get(ctx, "models")


async def models_list(ctx: HandlerContext) -> Reply:
    """Models_List."""
    return await _list(ctx, "models")


async def models_delete(ctx: HandlerContext) -> Reply:
    """Models_Delete -> 204; a model an endpoint still serves -> 400 BadRequest."""

    def not_deployed(state: VoiceState) -> None:
        serving = sorted(e.id for e in state.endpoints.values() if e.model_id == ctx.inputs.id)
        if serving:
            raise errors.bad_request(f"The model '{ctx.inputs.id}' is deployed to endpoint {serving[0]}; delete the endpoint first.")

    return await _delete(ctx, "models", not_deployed)


# ----------------------------------------------------------------------------- endpoints


async def endpoints_create(ctx: HandlerContext) -> Reply:
    """Endpoints_Create: deployment starts."""
    inputs = ctx.inputs
    with voice_state(ctx.store, ctx.key) as state:
        earlier = replayed(state, ctx, "endpoint", inputs.operation_id, inputs.fingerprint)
        if earlier is not None:
            return Reply(201, json=views.endpoint_body(earlier, ctx.now), headers=lro_headers(ctx, earlier.operation_id))
        if inputs.id in state.endpoints:
            raise errors.already_exists("Endpoint", inputs.id)
        referenced_project(state, inputs.project_id, kind=PROFESSIONAL)
        model = state.models.get(inputs.model_id)
        if model is None or model.project_id != inputs.project_id:
            raise errors.bad_request(f"The model '{inputs.model_id}' does not exist in project '{inputs.project_id}'.")
        status, _ = status_at(model.record, ctx.now)
        if status != "Succeeded":
            raise errors.bad_request(f"The model '{inputs.model_id}' is {status}; it must be Succeeded.")
        operation_id = _new_operation_id(state, inputs.operation_id)
        record = new_record(ctx, succeeds=True)
        endpoint = Endpoint(
            inputs.id, inputs.project_id, inputs.model_id, inputs.kind, inputs.display_name, inputs.description, ctx.now, record, operation_id
        )
        state.endpoints[inputs.id] = endpoint
        state.operations[operation_id] = Operation(operation_id, "endpoint", inputs.id, inputs.fingerprint, record)
        return Reply(201, json=views.endpoint_body(endpoint, ctx.now), headers=lro_headers(ctx, operation_id))


async def endpoints_get(ctx: HandlerContext) -> Reply:
    """Endpoints_Get."""
    return await _get(ctx, "endpoints")


async def endpoints_list(ctx: HandlerContext) -> Reply:
    """Endpoints_List."""
    return await _list(ctx, "endpoints")


async def endpoints_delete(ctx: HandlerContext) -> Reply:
    """Endpoints_Delete -> 204."""
    return await _delete(ctx, "endpoints")


_DONE = {"suspend": "suspended", "resume": "resumed"}


async def _act(ctx: HandlerContext, action: str, needs: str) -> Reply:
    inputs = ctx.inputs
    with voice_state(ctx.store, ctx.key) as state:
        endpoint = _find(state.endpoints, "Endpoint", inputs.id)
        earlier = replayed(state, ctx, action, inputs.operation_id, inputs.fingerprint)
        if earlier is not None:
            return Reply(202, json=views.endpoint_body(earlier, ctx.now), headers=lro_headers(ctx, inputs.operation_id))
        status = views.endpoint_status(endpoint, ctx.now)[0]
        if status != needs:
            raise errors.bad_request(f"The endpoint '{endpoint.id}' is {status}; only a {needs} endpoint can be {_DONE[action]}.")
        operation_id = _new_operation_id(state, inputs.operation_id)
        endpoint.record = new_record(ctx, succeeds=True, weight=0.5)
        endpoint.action = action  # type: ignore[assignment]
        endpoint.operation_id = operation_id
        state.operations[operation_id] = Operation(operation_id, action, inputs.id, inputs.fingerprint, endpoint.record)  # type: ignore[arg-type]
        return Reply(202, json=views.endpoint_body(endpoint, ctx.now), headers=lro_headers(ctx, operation_id))


async def endpoints_suspend(ctx: HandlerContext) -> Reply:
    """Endpoints_Suspend: a Succeeded endpoint -> Disabling -> Disabled."""
    return await _act(ctx, "suspend", "Succeeded")


async def endpoints_resume(ctx: HandlerContext) -> Reply:
    """Endpoints_Resume: a Disabled endpoint -> Running -> Succeeded."""
    return await _act(ctx, "resume", "Disabled")


# ----------------------------------------------------------------------------- base models


async def base_models_list(ctx: HandlerContext) -> Reply:
    """BaseModels_List: an array (2024-02-01-preview) or ``{value}`` (2026-01-01)."""
    items = views.base_models(ctx.version)
    return Reply(200, json=items if ctx.version == "2024-02-01-preview" else {"value": items})
