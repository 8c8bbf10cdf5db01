"""Request validators of the FaceList / LargeFaceList operations: raw request -> typed inputs.

The field rules are those of the person-group operations, applied by the person-group validators
of ``validation.py`` themselves (one place for each rule); the list's own id and face id are
checked here, with the list's error codes:

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

from dataclasses import dataclass, replace
from typing import Any, Awaitable, Callable

from cognitive_conformance.emulator.routing import RawInput
from cognitive_conformance.emulator.services.face import list_errors
from cognitive_conformance.emulator.services.face.images import CheckedImage
from cognitive_conformance.emulator.services.face.models import ListKind
from cognitive_conformance.emulator.services.face.validation import _UUID, GROUP_ID_PATTERN, _paging, validators

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


# The person-group validators hold the body, query and image rules; a list request is handed to them
# with its (already checked) id in the person-group id segment. Add face also needs the person segment
# a person's face has: the nil UUID fills it, it is never looked up.
_GROUP_RULES = validators("persongroups")
_NO_PERSON = "00000000-0000-0000-0000-000000000000"


def _as_group_request(raw: RawInput, list_id: str, *, with_person: bool = False) -> RawInput:
    params = {"personGroupId": list_id, **({"personId": _NO_PERSON} if with_person else {})}
    return replace(raw, path_params=params)


Validator = Callable[[RawInput, Any], Awaitable[Any]]


def list_validators(kind: ListKind) -> dict[str, Validator]:
    """The validators of every FaceList (or LargeFaceList) operation, by role."""

    async def list_ref(raw: RawInput, config: Any) -> ListRef:
        return ListRef(kind, _list_id(raw, kind))

    async def create_list(raw: RawInput, config: Any) -> CreateListInput:
        list_id = _list_id(raw, kind, creating=True)
        group = await _GROUP_RULES["create_group"](_as_group_request(raw, list_id), config)
        return CreateListInput(kind, list_id, group.name, group.user_data, group.recognition_model)

    async def get_list(raw: RawInput, config: Any) -> GetListInput:
        list_id = _list_id(raw, kind)
        group = await _GROUP_RULES["get_group"](_as_group_request(raw, list_id), config)
        return GetListInput(kind, list_id, group.with_model)

    async def update_list(raw: RawInput, config: Any) -> UpdateListInput:
        list_id = _list_id(raw, kind)
        group = await _GROUP_RULES["update_group"](_as_group_request(raw, list_id), config)
        return UpdateListInput(kind, list_id, group.name, group.user_data)

    async def list_lists(raw: RawInput, config: Any) -> ListListsInput:
        groups = await _GROUP_RULES["list_groups"](raw, config)
        return ListListsInput(kind, groups.start, groups.top, groups.with_model)

    async def add_face(raw: RawInput, config: Any) -> AddListFaceInput:
        list_id = _list_id(raw, kind)
        face = await _GROUP_RULES["add_face"](_as_group_request(raw, list_id, with_person=True), config)
        return AddListFaceInput(kind, list_id, face.image, face.user_data, face.target_face, face.detection_model)

    async def face_ref(raw: RawInput, config: Any) -> ListFaceRef:
        return ListFaceRef(kind, _list_id(raw, kind), _face_id(raw))

    async def update_face(raw: RawInput, config: Any) -> UpdateListFaceInput:
        list_id, face_id = _list_id(raw, kind), _face_id(raw)
        params = {"personGroupId": list_id, "personId": _NO_PERSON, "persistedFaceId": face_id}
        face = await _GROUP_RULES["update_face"](replace(raw, path_params=params), config)
        return UpdateListFaceInput(kind, list_id, face_id, face.user_data)

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
