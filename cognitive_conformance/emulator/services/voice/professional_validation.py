"""Professional voice request validators: training sets, data uploads, models, endpoints.

Rules (specs/customvoice.yaml, the same decisions as :mod:`emulator.services.voice.validation`):

* training set, model and their ``projectId`` / ``consentId`` / ``trainingSetId`` / ``modelId`` references
  match the ResourceId pattern; an endpoint id (path, body) is a UUID, else 400 ``BadArgument``
  (https://github.com/Azure/azure-rest-api-specs/blob/0eaa5cbcc2df77e52a6dd5ffa7b3632bc5ac9473/specification/cognitiveservices/data-plane/Speech/TextToSpeech/stable/2026-01-01/texttospeech.json
  parameters.PathId / PathUuid, definitions.ResourceId);
* ``TrainingSetCreate``: ``locale`` (BCP-47) and ``projectId`` required, ``voiceKind`` one of Male/Female;
  ``Dataset``: ``kind`` one of AudioAndScript/LongAudio/AudioOnly, ``audios`` (and an optional ``scripts``)
  an ``AzureBlobContentSource``; ``processAs`` Segmented/Contextual when given; ``ModelCreate``: ``recipe``
  with a ``kind``, ``projectId``, ``consentId``, ``trainingSetId``; ``EndpointCreate``: ``projectId``,
  ``modelId``, ``properties.kind`` HighPerformance/FastResume when given;
* a body ``id`` equals the path id; unknown members are ignored; optional strings may be ``null`` only for
  ``description``.

Each long-running input carries a ``fingerprint`` of the request's meaning for the Operation-Id rule.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from cognitive_conformance.emulator.pipeline.validation import ensure_object
from cognitive_conformance.emulator.routing import RawInput
from cognitive_conformance.emulator.services.voice.errors import bad_argument
from cognitive_conformance.emulator.services.voice.validation import (
    _body_id,
    _fingerprint,
    _locale,
    _operation_id_header,
    _optional_str,
    _path_id,
    _resource_id,
    blob_source,
)

__all__ = [
    "VOICE_KINDS",
    "DATASET_KINDS",
    "ENDPOINT_KINDS",
    "EndpointRef",
    "TrainingSetInput",
    "UploadInput",
    "ModelInput",
    "EndpointInput",
    "validate_endpoint_id",
    "validate_endpoint_action",
    "validate_training_set",
    "validate_upload",
    "validate_model",
    "validate_endpoint",
]

VOICE_KINDS = ("Male", "Female")
DATASET_KINDS = ("AudioAndScript", "LongAudio", "AudioOnly")
PROCESS_AS = ("Segmented", "Contextual")
ENDPOINT_KINDS = ("HighPerformance", "FastResume")


@dataclass(frozen=True)
class EndpointRef:
    id: str
    operation_id: str | None = None
    fingerprint: str = ""


@dataclass(frozen=True)
class TrainingSetInput:
    id: str
    project_id: str
    locale: str
    voice_kind: str | None
    display_name: str | None
    description: str | None


@dataclass(frozen=True)
class UploadInput:
    id: str
    operation_id: str | None
    kind: str
    contextual: bool
    audios: dict[str, Any]
    scripts: dict[str, Any] | None
    fingerprint: str


@dataclass(frozen=True)
class ModelInput:
    id: str
    operation_id: str | None
    project_id: str
    consent_id: str
    training_set_id: str
    recipe_kind: str
    locale: str | None
    voice_name: str | None
    description: str | None
    fingerprint: str


@dataclass(frozen=True)
class EndpointInput:
    id: str
    operation_id: str | None
    project_id: str
    model_id: str
    kind: str
    display_name: str | None
    description: str | None
    fingerprint: str


def _uuid(value: Any, what: str) -> str:
    try:
        return str(uuid.UUID(str(value))) if isinstance(value, str) and len(value) == 36 else _bad_uuid(what)
    except ValueError:
        return _bad_uuid(what)


def _bad_uuid(what: str) -> str:
    raise bad_argument(f"The {what} is invalid. It must be a UUID.")


def _enum(body: dict[str, Any], name: str, values: tuple[str, ...], *, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None and not required and name not in body:
        return None
    if value not in values:
        raise bad_argument(f"'{name}' must be one of {', '.join(values)}.")
    return value


async def validate_endpoint_id(raw: RawInput, config: Any) -> EndpointRef:
    """Any ``/endpoints/{id}`` read or delete: the id is a UUID."""
    return EndpointRef(_uuid(raw.path_params.get("id"), "endpoint ID"))


async def validate_endpoint_action(raw: RawInput, config: Any) -> EndpointRef:
    """Endpoints_Suspend / Endpoints_Resume: a UUID and an optional Operation-Id."""
    eid = _uuid(raw.path_params.get("id"), "endpoint ID")
    return EndpointRef(eid, _operation_id_header(raw), _fingerprint("endpoint-action", eid, raw.method))


async def validate_training_set(raw: RawInput, config: Any) -> TrainingSetInput:
    """TrainingSets_Create: ``TrainingSetCreate``."""
    tid = _path_id(raw)
    body = ensure_object(raw.json)
    _body_id(body, tid)
    return TrainingSetInput(
        id=tid,
        project_id=_resource_id(body.get("projectId"), "projectId"),
        locale=_locale(body.get("locale")),
        voice_kind=_enum(body, "voiceKind", VOICE_KINDS),
        display_name=_optional_str(body, "displayName", min_length=1),
        description=_optional_str(body, "description", nullable=True),
    )


async def validate_upload(raw: RawInput, config: Any) -> UploadInput:
    """TrainingSets_UploadData: ``Dataset``."""
    tid = _path_id(raw)
    op = _operation_id_header(raw)
    body = ensure_object(raw.json)
    kind = _enum(body, "kind", DATASET_KINDS, required=True)
    process_as = _enum(body, "processAs", PROCESS_AS)
    audios = blob_source(body.get("audios"), "audios")
    scripts = blob_source(body["scripts"], "scripts") if body.get("scripts") is not None else None
    _optional_str(body, "displayName")
    _optional_str(body, "description", nullable=True)
    payload = {"kind": kind, "processAs": process_as, "audios": audios, "scripts": scripts}
    return UploadInput(
        id=tid,
        operation_id=op,
        kind=str(kind),
        contextual=process_as == "Contextual",
        audios=audios,
        scripts=scripts,
        fingerprint=_fingerprint("upload", tid, payload),
    )


async def validate_model(raw: RawInput, config: Any) -> ModelInput:
    """Models_Create: ``ModelCreate``."""
    mid = _path_id(raw)
    op = _operation_id_header(raw)
    body = ensure_object(raw.json)
    _body_id(body, mid)
    recipe = body.get("recipe")
    if not isinstance(recipe, dict) or not isinstance(recipe.get("kind"), str) or not recipe["kind"]:
        raise bad_argument("'recipe' is required and must name its 'kind' (e.g. Default).")
    if "version" in recipe and not isinstance(recipe["version"], str):
        raise bad_argument("'recipe.version' must be a string.")
    locale = _locale(body["locale"]) if "locale" in body else None
    known = ("voiceName", "description", "projectId", "consentId", "trainingSetId", "locale")
    return ModelInput(
        id=mid,
        operation_id=op,
        project_id=_resource_id(body.get("projectId"), "projectId"),
        consent_id=_resource_id(body.get("consentId"), "consentId"),
        training_set_id=_resource_id(body.get("trainingSetId"), "trainingSetId"),
        recipe_kind=recipe["kind"],
        locale=locale,
        voice_name=_optional_str(body, "voiceName", min_length=1),
        description=_optional_str(body, "description", nullable=True),
        fingerprint=_fingerprint("model", mid, {**{k: body.get(k) for k in known}, "recipe": recipe}),
    )


async def validate_endpoint(raw: RawInput, config: Any) -> EndpointInput:
    """Endpoints_Create: ``EndpointCreate``."""
    eid = _uuid(raw.path_params.get("id"), "endpoint ID")
    op = _operation_id_header(raw)
    body = ensure_object(raw.json)
    if "id" in body and (not isinstance(body["id"], str) or body["id"].lower() != eid):
        raise bad_argument("The 'id' in the body must equal the ID in the URL.")
    properties = body.get("properties")
    if properties is not None and not isinstance(properties, dict):
        raise bad_argument("'properties' must be an object.")
    kind = _enum(properties or {}, "kind", ENDPOINT_KINDS) or "HighPerformance"
    known = ("displayName", "description", "projectId", "modelId")
    return EndpointInput(
        id=eid,
        operation_id=op,
        project_id=_resource_id(body.get("projectId"), "projectId"),
        model_id=_resource_id(body.get("modelId"), "modelId"),
        kind=kind,
        display_name=_optional_str(body, "displayName", min_length=1),
        description=_optional_str(body, "description", nullable=True),
        fingerprint=_fingerprint("endpoint", eid, {**{k: body.get(k) for k in known}, "kind": kind}),
    )
