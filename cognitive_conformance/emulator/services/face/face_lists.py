"""Handlers: FaceLists and LargeFaceLists and their persisted faces (both kinds share a handler).

* create ``PUT`` -> 200 empty body; 409 ``FaceListExists`` / ``LargeFaceListExists`` if the id is taken;
* get -> 200 list (``recognitionModel`` only with ``returnRecognitionModel=true``; Get Face List also
  lists its ``persistedFaces``); update ``PATCH`` -> 200 empty; delete -> 200 empty, always allowed (a
  LargeFaceList's running training is cancelled);
* list -> 200 bare array sorted by id, ids strictly after ``start``, at most ``top``;
* add face -> 200 ``{persistedFaceId}`` (a FaceList holds at most 1,000 faces: 403 ``QuotaExceeded``);
  get / update / delete face (LargeFaceList: all three; FaceList: delete only) -> 200;
* adding or deleting a face of a LargeFaceList while it trains -> 409 ``LargeFaceListTrainingNotFinished``
  (the decision the person-group operations make for their faces, specs/face.yaml).

Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json
(FaceListOperations_*; "Face List is a list of faces, up to 1,000 faces"; lists "stored in alphabetical order").
"""

from __future__ import annotations

import uuid
from datetime import datetime

from cognitive_conformance.emulator.routing import HandlerContext, Reply
from cognitive_conformance.emulator.services.face import list_errors
from cognitive_conformance.emulator.services.face.list_views import list_body
from cognitive_conformance.emulator.services.face.models import FaceCollection, FaceState, PersistedFace
from cognitive_conformance.emulator.services.face.state import face_state
from cognitive_conformance.emulator.services.face.validation import UNSET
from cognitive_conformance.emulator.services.face.views import face_body

__all__ = [
    "FACE_LIST_MAX_FACES",
    "find_list",
    "create_face_list",
    "get_face_list",
    "update_face_list",
    "delete_face_list",
    "get_face_lists",
    "add_face_list_face",
    "get_face_list_face",
    "update_face_list_face",
    "delete_face_list_face",
    "get_face_list_faces",
]

FACE_LIST_MAX_FACES = 1000
"""A FaceList holds up to 1,000 faces (CreateFaceList description); a LargeFaceList up to 1,000,000."""


def find_list(state: FaceState, kind: str, list_id: str) -> FaceCollection:
    """The list, or 404 ``FaceListNotFound`` / ``LargeFaceListNotFound``."""
    collection = state.face_lists.get((kind, list_id))
    if collection is None:
        raise list_errors.list_not_found(kind)
    return collection


def _ensure_not_training(collection: FaceCollection, now: datetime) -> None:
    if collection.is_training(now):
        raise list_errors.list_training_not_finished()


def _find_face(collection: FaceCollection, face_id: str) -> PersistedFace:
    face = collection.faces.get(face_id)
    if face is None:
        raise list_errors.list_face_not_found()
    return face


async def create_face_list(ctx: HandlerContext) -> Reply:
    """CreateFaceList / CreateLargeFaceList."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        key = (inputs.kind, inputs.list_id)
        if key in state.face_lists:
            raise list_errors.list_exists(inputs.kind)
        state.face_lists[key] = FaceCollection(
            kind=inputs.kind,
            list_id=inputs.list_id,
            name=inputs.name,
            user_data=inputs.user_data,
            recognition_model=inputs.recognition_model,
            created_at=ctx.now,
        )
    return Reply(200)


async def get_face_list(ctx: HandlerContext) -> Reply:
    """GetFaceList (with its persistedFaces) / GetLargeFaceList."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        collection = find_list(state, inputs.kind, inputs.list_id)
        body = list_body(collection, with_model=inputs.with_model, with_faces=inputs.kind == "facelists")
    return Reply(200, json=body)


async def update_face_list(ctx: HandlerContext) -> Reply:
    """UpdateFaceList / UpdateLargeFaceList: only the fields sent change."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        collection = find_list(state, inputs.kind, inputs.list_id)
        if inputs.name is not UNSET:
            collection.name = inputs.name
        if inputs.user_data is not UNSET:
            collection.user_data = inputs.user_data
    return Reply(200)


async def delete_face_list(ctx: HandlerContext) -> Reply:
    """DeleteFaceList / DeleteLargeFaceList: removes the list, its faces and its training."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        find_list(state, inputs.kind, inputs.list_id)
        del state.face_lists[(inputs.kind, inputs.list_id)]
    return Reply(200)


async def get_face_lists(ctx: HandlerContext) -> Reply:
    """GetFaceLists / GetLargeFaceLists."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        found = sorted((c for (kind, _), c in state.face_lists.items() if kind == inputs.kind), key=lambda c: c.list_id)
        if inputs.start is not None:
            found = [c for c in found if c.list_id > inputs.start]
        body = [list_body(c, with_model=inputs.with_model) for c in found[: inputs.top]]
    return Reply(200, json=body)


async def add_face_list_face(ctx: HandlerContext) -> Reply:
    """AddFaceListFace[FromUrl] / AddLargeFaceListFace[FromUrl]."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        collection = find_list(state, inputs.kind, inputs.list_id)
        _ensure_not_training(collection, ctx.now)
        if inputs.kind == "facelists" and len(collection.faces) >= FACE_LIST_MAX_FACES:
            raise list_errors.list_faces_quota_exceeded()
        face_id = str(uuid.uuid4())
        collection.faces[face_id] = PersistedFace(persisted_face_id=face_id, user_data=inputs.user_data)
    return Reply(200, json={"persistedFaceId": face_id})


async def get_face_list_face(ctx: HandlerContext) -> Reply:
    """GetLargeFaceListFace."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        face = _find_face(find_list(state, inputs.kind, inputs.list_id), inputs.persisted_face_id)
        return Reply(200, json=face_body(face))


async def update_face_list_face(ctx: HandlerContext) -> Reply:
    """UpdateLargeFaceListFace (``userData`` only)."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        face = _find_face(find_list(state, inputs.kind, inputs.list_id), inputs.persisted_face_id)
        if inputs.user_data is not UNSET:
            face.user_data = inputs.user_data
    return Reply(200)


async def delete_face_list_face(ctx: HandlerContext) -> Reply:
    """DeleteFaceListFace / DeleteLargeFaceListFace."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        collection = find_list(state, inputs.kind, inputs.list_id)
        _find_face(collection, inputs.persisted_face_id)
        _ensure_not_training(collection, ctx.now)
        del collection.faces[inputs.persisted_face_id]
    return Reply(200)


async def get_face_list_faces(ctx: HandlerContext) -> Reply:
    """GetLargeFaceListFaces: faces in ascending persistedFaceId order, paged by ``start``/``top``."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        faces = sorted(find_list(state, inputs.kind, inputs.list_id).faces.values(), key=lambda f: f.persisted_face_id)
        if inputs.start is not None:
            faces = [f for f in faces if f.persisted_face_id > inputs.start]
        body = [face_body(f) for f in faces[: inputs.top]]
    return Reply(200, json=body)
