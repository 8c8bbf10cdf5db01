"""Request validators of the FaceList / LargeFaceList operations: raw request -> typed inputs.

The field rules are those of the person-group operations (``validation.py``), with the
list's own id and error codes:

* ``faceListId`` / ``largeFaceListId``: ``^[a-z0-9-_]+$``, 1..64 characters, else 404
  ``FaceListNotFound`` / ``LargeFaceListNotFound`` "... ID is invalid." (400 ``BadArgument`` on create);
* ``persistedFaceId``: a uuid, else 404 ``PersistedFaceNotFound`` "Persisted face ID is invalid.";
* create body: ``name`` 1..128, ``userData`` <= 16384, ``recognitionModel`` recognition_01..04
  (CreateCollectionRequest); update body: ``name`` / ``userData``; face ``userData`` <= 1024;
* list ``start`` <= 64 characters and ``top`` 1..1000 (LargeFaceList lists only);
* add face: ``targetFace``, ``detectionModel`` and the image rule of ``images.py``, from the body
  (``application/octet-stream``) or ``{"url"}`` (``application/json``).

Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json
(FaceListOperations_*: faceListId / largeFaceListId pattern, minLength 1, maxLength 64; CreateCollectionRequest;
FaceUserData maxLength 1024; start/top of GetLargeFaceLists and GetLargeFaceListFaces).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from emulator import errors
from emulator.pipeline.validation import ensure_object
from emulator.routing import RawInput
from emulator.services.face import list_errors
from emulator.services.face.fetch import fetch_image
from emulator.services.face.images import CheckedImage, check_image
from emulator.services.face.models import ListKind
from emulator.services.face.validation import (
    _UUID,
    DETECTION_MODELS,
    FACE_USER_DATA_MAX,
    GROUP_ID_PATTERN,
    GROUP_USER_DATA_MAX,
    RECOGNITION_MODELS,
    _bool_query,
    _check_target_inside,
    _name,
    _optional,
    _paging,
    _target_face,
    _user_data,
)

__all__ = [
    "LIST_ID_PARAM",
    "ListRef",
    "CreateListInput",
    "GetListInput",
    "UpdateListInput",
    "ListListsInput",
    "AddListFaceInput",
    "ListFaceRef",
    "UpdateListFaceInput",
    "ListFacesInput",
    "list_validators",
]

LIST_ID_PARAM = {"facelists": "faceListId", "largefacelists": "largeFaceListId"}


@dataclass(frozen=True)
class ListRef:
    kind: ListKind
    list_id: str


@dataclass(frozen=True)
class CreateListInput(ListRef):
    name: str
    user_data: str | None
    recognition_model: str


@dataclass(frozen=True)
class GetListInput(ListRef):
    with_model: bool


@dataclass(frozen=True)
class UpdateListInput(ListRef):
    name: Any
    user_data: Any


@dataclass(frozen=True)
class ListListsInput:
    kind: ListKind
    start: str | None
    top: int
    with_model: bool


@dataclass(frozen=True)
class AddListFaceInput(ListRef):
    image: CheckedImage
    user_data: str | None
    target_face: tuple[int, int, int, int] | None
    detection_model: str


@dataclass(frozen=True)
class ListFaceRef(ListRef):
    persisted_face_id: str


@dataclass(frozen=True)
class UpdateListFaceInput(ListFaceRef):
    user_data: Any


@dataclass(frozen=True)
class ListFacesInput(ListRef):
    start: str | None
    top: int


def _list_id(raw: RawInput, kind: ListKind, *, creating: bool = False) -> str:
    value = raw.path_params.get(LIST_ID_PARAM[kind], "")
    if not GROUP_ID_PATTERN.fullmatch(value):
        raise list_errors.list_id_invalid_on_create(kind) if creating else list_errors.list_id_invalid(kind)
    return value


def _face_id(raw: RawInput) -> str:
    value = raw.path_params.get("persistedFaceId", "")
    if not _UUID.fullmatch(value):
        raise list_errors.list_face_id_invalid()
    return value.lower()


async def _image(raw: RawInput, config: Any) -> CheckedImage:
    """The add-face image: the body bytes, or the image downloaded from ``{"url"}``."""
    limits = config.limits
    if raw.json is not None or (raw.media_type or "").endswith("json"):
        body = ensure_object(raw.json)
        url = body.get("url")
        # A missing or non-string url is an invalid URL: fetch_image's URL check answers 400 InvalidURL.
        data = await fetch_image(
            url if isinstance(url, str) else "", max_bytes=limits.max_image_bytes, timeout=limits.image_fetch_timeout, transport=config.image_fetch_transport
        )
    else:
        data = raw.body
    return check_image(data, min_bytes=limits.min_image_bytes, max_bytes=limits.max_image_bytes)


Validator = Callable[[RawInput, Any], Awaitable[Any]]


def list_validators(kind: ListKind) -> dict[str, Validator]:
    """The validators of every FaceList (or LargeFaceList) operation, by role."""

    async def list_ref(raw: RawInput, config: Any) -> ListRef:
        return ListRef(kind, _list_id(raw, kind))

    async def create_list(raw: RawInput, config: Any) -> CreateListInput:
        list_id = _list_id(raw, kind, creating=True)
        body = ensure_object(raw.json)
        name = _name(body, required=True)
        user_data = _optional(_user_data(body, GROUP_USER_DATA_MAX))
        model = body.get("recognitionModel", "recognition_01")
        if not isinstance(model, str) or model not in RECOGNITION_MODELS:
            raise errors.bad_argument("'recognitionModel' is invalid.")
        return CreateListInput(kind, list_id, name, user_data, model)

    async def get_list(raw: RawInput, config: Any) -> GetListInput:
        list_id = _list_id(raw, kind)
        return GetListInput(kind, list_id, _bool_query(raw, "returnRecognitionModel"))

    async def update_list(raw: RawInput, config: Any) -> UpdateListInput:
        list_id = _list_id(raw, kind)
        body = ensure_object(raw.json)
        return UpdateListInput(kind, list_id, _name(body, required=False), _user_data(body, GROUP_USER_DATA_MAX))

    async def list_lists(raw: RawInput, config: Any) -> ListListsInput:
        start, top = _paging(raw)
        return ListListsInput(kind, start, top, _bool_query(raw, "returnRecognitionModel"))

    async def add_face(raw: RawInput, config: Any) -> AddListFaceInput:
        list_id = _list_id(raw, kind)
        user_data = _optional(_user_data(raw.query, FACE_USER_DATA_MAX))
        target = _target_face(raw)
        detection_model = raw.query.get("detectionModel") or "detection_01"
        if detection_model not in DETECTION_MODELS:
            raise errors.bad_argument("'detectionModel' is invalid.")
        image = await _image(raw, config)
        _check_target_inside(target, image)
        return AddListFaceInput(kind, list_id, image, user_data, target, detection_model)

    async def face_ref(raw: RawInput, config: Any) -> ListFaceRef:
        return ListFaceRef(kind, _list_id(raw, kind), _face_id(raw))

    async def update_face(raw: RawInput, config: Any) -> UpdateListFaceInput:
        list_id, face_id = _list_id(raw, kind), _face_id(raw)
        body = ensure_object(raw.json)
        return UpdateListFaceInput(kind, list_id, face_id, _user_data(body, FACE_USER_DATA_MAX))

    async def list_faces(raw: RawInput, config: Any) -> ListFacesInput:
        list_id = _list_id(raw, kind)
        start, top = _paging(raw)
        return ListFacesInput(kind, list_id, start, top)

    return {
        "list_ref": list_ref,
        "create_list": create_list,
        "get_list": get_list,
        "update_list": update_list,
        "list_lists": list_lists,
        "add_face": add_face,
        "face_ref": face_ref,
        "update_face": update_face,
        "list_faces": list_faces,
    }
