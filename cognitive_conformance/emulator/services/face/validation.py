"""Face request validators: raw request -> typed inputs, or the documented error.

Rules (each cites its source):

* ``personGroupId``/``largePersonGroupId``: ``^[a-z0-9-_]+$``, 1..64 chars, else 404
  ``PersonGroupNotFound``/``LargePersonGroupNotFound`` "... ID is invalid." (https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 pattern; https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 404; https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes),
  except on create: 400 ``BadArgument`` (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes; specs/face.yaml).
* ``personId``/``persistedFaceId``: uuid, else 404 ``PersonNotFound`` "Person ID is invalid." /
  ``PersistedFaceNotFound`` "Persisted face ID is invalid." (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes); ``operationId``: uuid, else
  400 ``BadArgument`` (specs/face.yaml decision).
* body ``name`` 1..128 ("'name' is empty." / "'name' is too long."), ``userData`` <= 16384 (groups, persons) or
  <= 1024 (faces) ("'userData' is too long."), ``recognitionModel`` in recognition_01..04 ("'recognitionModel' is
  invalid."); a body that is not a JSON object or has wrongly typed fields: "Request body is invalid." (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes, https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json).
* list ``start`` <= 64 chars ("'start' is too long."), ``top`` integer 1..1000 ("'top' is invalid.") (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json, https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes).
* add face: ``targetFace`` = 4 comma-separated integers ("Invalid argument targetFace."), inside the image with
  positive width/height ("Argument targetFace out of range."); ``detectionModel`` in detection_01..03
  ("'detectionModel' is invalid."); the image obeys :mod:`emulator.services.face.images` (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes, https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from cognitive_conformance.emulator.services.face import errors
from cognitive_conformance.emulator.pipeline.validation import ensure_object
from cognitive_conformance.emulator.routing import RawInput
from cognitive_conformance.emulator.services.face.fetch import fetch_image
from cognitive_conformance.emulator.services.face.images import CheckedImage, check_image
from cognitive_conformance.emulator.services.face.models import GroupKind
from cognitive_conformance.emulator.services.face.recognition import face_feature

__all__ = [
    "RECOGNITION_MODELS",
    "DETECTION_MODELS",
    "GROUP_ID_PATTERN",
    "UNSET",
    "GroupRef",
    "CreateGroupInput",
    "GetGroupInput",
    "UpdateGroupInput",
    "ListGroupsInput",
    "PersonRef",
    "CreatePersonInput",
    "UpdatePersonInput",
    "ListPersonsInput",
    "AddFaceInput",
    "FaceRef",
    "UpdateFaceInput",
    "OperationRef",
    "validators",
    "validate_operation_ref",
    "image_bytes",
    "parse_person_id",
    "UUID_PATTERN",
]

RECOGNITION_MODELS = ("recognition_01", "recognition_02", "recognition_03", "recognition_04")
DETECTION_MODELS = ("detection_01", "detection_02", "detection_03")
GROUP_ID_PATTERN = re.compile(r"^[a-z0-9\-_]{1,64}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
UUID_PATTERN = _UUID
"""A UUID in any case (personId, persistedFaceId, operationId, faceId)."""
_INT = re.compile(r"^-?\d{1,10}$")  # the integer as written, no padding: " 3" is not an integer (schema type)
_GROUP_PARAM = {"persongroups": "personGroupId", "largepersongroups": "largePersonGroupId"}
GROUP_USER_DATA_MAX = 16384
FACE_USER_DATA_MAX = 1024
NAME_MAX = 128


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
"""A PATCH field that was not sent (distinct from JSON null)."""


@dataclass(frozen=True)
class GroupRef:
    kind: GroupKind
    group_id: str


@dataclass(frozen=True)
class CreateGroupInput(GroupRef):
    name: str
    user_data: str | None
    recognition_model: str


@dataclass(frozen=True)
class GetGroupInput(GroupRef):
    with_model: bool


@dataclass(frozen=True)
class UpdateGroupInput(GroupRef):
    name: Any
    user_data: Any


@dataclass(frozen=True)
class ListGroupsInput:
    kind: GroupKind
    start: str | None
    top: int
    with_model: bool


@dataclass(frozen=True)
class PersonRef(GroupRef):
    person_id: str


@dataclass(frozen=True)
class CreatePersonInput(GroupRef):
    name: str
    user_data: str | None


@dataclass(frozen=True)
class UpdatePersonInput(PersonRef):
    name: Any
    user_data: Any


@dataclass(frozen=True)
class ListPersonsInput(GroupRef):
    start: str | None
    top: int


@dataclass(frozen=True)
class AddFaceInput(PersonRef):
    image: CheckedImage
    user_data: str | None
    target_face: tuple[int, int, int, int] | None
    detection_model: str
    feature: tuple[float, ...] = ()


@dataclass(frozen=True)
class FaceRef(PersonRef):
    persisted_face_id: str


@dataclass(frozen=True)
class UpdateFaceInput(FaceRef):
    user_data: Any


@dataclass(frozen=True)
class OperationRef:
    operation_id: str


# ----------------------------------------------------------------------------- field rules


def _group_id(raw: RawInput, kind: GroupKind, *, creating: bool = False) -> str:
    value = raw.path_params.get(_GROUP_PARAM[kind], "")
    if not GROUP_ID_PATTERN.fullmatch(value):
        raise errors.group_id_invalid_on_create(kind) if creating else errors.group_id_invalid(kind)
    return value


def parse_person_id(raw: RawInput) -> str:
    """The ``personId`` path parameter, lower-cased; a malformed one is 404 ``PersonNotFound`` "Person ID is invalid."."""
    value = raw.path_params.get("personId", "")
    if not _UUID.fullmatch(value):
        raise errors.person_id_invalid()
    return value.lower()


def _face_id(raw: RawInput) -> str:
    value = raw.path_params.get("persistedFaceId", "")
    if not _UUID.fullmatch(value):
        raise errors.persisted_face_id_invalid()
    return value.lower()


def _name(body: dict[str, Any], *, required: bool) -> Any:
    if "name" not in body:
        if required:
            raise errors.bad_argument("'name' is empty.")
        return UNSET
    if body["name"] is None:  # the schema's name is a string (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json); null is not "absent"
        raise errors.bad_argument("'name' is empty.") if required else errors.invalid_request_body()
    value = body["name"]
    if not isinstance(value, str):
        raise errors.invalid_request_body()
    if not value.strip():
        raise errors.bad_argument("'name' is empty.")
    if len(value) > NAME_MAX:
        raise errors.bad_argument("'name' is too long.")
    return value


def _user_data(container: Any, limit: int, *, key: str = "userData") -> Any:
    if key not in container:
        return UNSET
    value = container[key]
    if not isinstance(value, str):  # including null: userData is a string (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json), not nullable
        raise errors.invalid_request_body()
    if len(value) > limit:
        raise errors.bad_argument("'userData' is too long.")
    return value


def _optional(value: Any) -> Any:
    return None if value is UNSET else value


def _bool_query(raw: RawInput, name: str) -> bool:
    value = raw.query.get(name)
    if value is None:
        return False
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise errors.bad_argument(f"'{name}' is invalid.")
    return lowered == "true"


def _paging(raw: RawInput) -> tuple[str | None, int]:
    start = raw.query.get("start")
    if start is not None and len(start) > 64:
        raise errors.bad_argument("'start' is too long.")
    top_text = raw.query.get("top")
    top = 1000
    if top_text is not None:
        if not _INT.fullmatch(top_text):
            raise errors.bad_argument("'top' is invalid.")
        top = int(top_text)
        if not 1 <= top <= 1000:
            raise errors.bad_argument("'top' is invalid.")
    return (start or None), top


def _target_face(raw: RawInput) -> tuple[int, int, int, int] | None:
    text = raw.query.get("targetFace")
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) != 4 or not all(_INT.fullmatch(p) for p in parts):
        raise errors.bad_argument("Invalid argument targetFace.")
    left, top, width, height = (int(p) for p in parts)
    return left, top, width, height


def _check_target_inside(target: tuple[int, int, int, int] | None, image: CheckedImage) -> None:
    if target is None:
        return
    left, top, width, height = target
    if left < 0 or top < 0 or width <= 0 or height <= 0 or left + width > image.width or top + height > image.height:
        raise errors.bad_argument("Argument targetFace out of range.")


async def image_bytes(raw: RawInput, config: Any) -> bytes:
    """The image of an add-face or detect request: the body (``application/octet-stream``), or the download of
    ``{"url"}`` (``application/json``; 400 ``InvalidURL`` when there is none or it cannot be fetched)."""
    if raw.json is None and not (raw.media_type or "").endswith("json"):
        return raw.body
    url = ensure_object(raw.json).get("url")
    if not isinstance(url, str) or not url:
        raise errors.invalid_url()
    limits = config.limits
    return await fetch_image(
        url,
        max_bytes=limits.max_image_bytes,
        timeout=limits.image_fetch_timeout,
        policy=config.fetch_policy,
        transport=config.image_fetch_transport,
    )


# ----------------------------------------------------------------------------- validators

Validator = Callable[[RawInput, Any], Awaitable[Any]]


def validators(kind: GroupKind) -> dict[str, Validator]:
    """The validators of every group/person/face operation for ``kind``, by role."""

    async def group_ref(raw: RawInput, config: Any) -> GroupRef:
        return GroupRef(kind, _group_id(raw, kind))

    async def create_group(raw: RawInput, config: Any) -> CreateGroupInput:
        group_id = _group_id(raw, kind, creating=True)
        body = ensure_object(raw.json)
        name = _name(body, required=True)
        user_data = _optional(_user_data(body, GROUP_USER_DATA_MAX))
        # absent -> the default; an explicit null is not a RecognitionModel (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json enum, not nullable)
        model = body.get("recognitionModel", "recognition_01")
        if not isinstance(model, str) or model not in RECOGNITION_MODELS:
            raise errors.bad_argument("'recognitionModel' is invalid.")
        return CreateGroupInput(kind, group_id, name, user_data, model)

    async def get_group(raw: RawInput, config: Any) -> GetGroupInput:
        group_id = _group_id(raw, kind)
        return GetGroupInput(kind, group_id, _bool_query(raw, "returnRecognitionModel"))

    async def update_group(raw: RawInput, config: Any) -> UpdateGroupInput:
        group_id = _group_id(raw, kind)
        body = ensure_object(raw.json)
        return UpdateGroupInput(kind, group_id, _name(body, required=False), _user_data(body, GROUP_USER_DATA_MAX))

    async def list_groups(raw: RawInput, config: Any) -> ListGroupsInput:
        start, top = _paging(raw)
        return ListGroupsInput(kind, start, top, _bool_query(raw, "returnRecognitionModel"))

    async def create_person(raw: RawInput, config: Any) -> CreatePersonInput:
        group_id = _group_id(raw, kind)
        body = ensure_object(raw.json)
        name = _name(body, required=True)
        return CreatePersonInput(kind, group_id, name, _optional(_user_data(body, GROUP_USER_DATA_MAX)))

    async def person_ref(raw: RawInput, config: Any) -> PersonRef:
        return PersonRef(kind, _group_id(raw, kind), parse_person_id(raw))

    async def update_person(raw: RawInput, config: Any) -> UpdatePersonInput:
        group_id, person_id = _group_id(raw, kind), parse_person_id(raw)
        body = ensure_object(raw.json)
        return UpdatePersonInput(kind, group_id, person_id, _name(body, required=False), _user_data(body, GROUP_USER_DATA_MAX))

    async def list_persons(raw: RawInput, config: Any) -> ListPersonsInput:
        group_id = _group_id(raw, kind)
        start, top = _paging(raw)
        return ListPersonsInput(kind, group_id, start, top)

    async def add_face(raw: RawInput, config: Any) -> AddFaceInput:
        group_id, person_id = _group_id(raw, kind), parse_person_id(raw)
        user_data = _optional(_user_data(raw.query, FACE_USER_DATA_MAX))
        target = _target_face(raw)
        detection_model = raw.query.get("detectionModel", "detection_01")  # present but empty is not an enum value
        if detection_model not in DETECTION_MODELS:
            raise errors.bad_argument("'detectionModel' is invalid.")
        limits = config.limits
        data = await image_bytes(raw, config)
        image = check_image(data, min_bytes=limits.min_image_bytes, max_bytes=limits.max_image_bytes)
        _check_target_inside(target, image)
        return AddFaceInput(kind, group_id, person_id, image, user_data, target, detection_model, face_feature(data))

    async def face_ref(raw: RawInput, config: Any) -> FaceRef:
        return FaceRef(kind, _group_id(raw, kind), parse_person_id(raw), _face_id(raw))

    async def update_face(raw: RawInput, config: Any) -> UpdateFaceInput:
        group_id, person_id, face_id = _group_id(raw, kind), parse_person_id(raw), _face_id(raw)
        body = ensure_object(raw.json)
        return UpdateFaceInput(kind, group_id, person_id, face_id, _user_data(body, FACE_USER_DATA_MAX))

    return {
        "group_ref": group_ref,
        "create_group": create_group,
        "get_group": get_group,
        "update_group": update_group,
        "list_groups": list_groups,
        "create_person": create_person,
        "person_ref": person_ref,
        "update_person": update_person,
        "list_persons": list_persons,
        "add_face": add_face,
        "face_ref": face_ref,
        "update_face": update_face,
    }


async def validate_operation_ref(raw: RawInput, config: Any) -> OperationRef:
    """``operationId`` must be a uuid, else 400 BadArgument (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json ``format: uuid``; specs/face.yaml decision)."""
    value = raw.path_params.get("operationId", "")
    if not _UUID.fullmatch(value):
        raise errors.operation_id_invalid()
    return OperationRef(value.lower())


