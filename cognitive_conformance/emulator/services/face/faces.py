"""Handlers: add, get, update and delete a person's persisted faces.

Add returns 200 ``{persistedFaceId}``; a person holds at most 248 faces (403 QuotaExceeded
"Persisted face number reached limit."); adding or deleting while the group trains is 409.
The image was already checked by the validator (see ``images.py``).

Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (AddPersonGroupPersonFace[FromUrl] 200), https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (248 faces), https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes;
tests/reference/azure-examples/face/v1.1-preview.1/PersonGroupOperations_AddPersonGroupPersonFaceFromUrl.json 403/409 examples.
"""

from __future__ import annotations

import uuid

from cognitive_conformance.emulator.services.face import errors
from cognitive_conformance.emulator.routing import HandlerContext, Reply
from cognitive_conformance.emulator.services.face import views
from cognitive_conformance.emulator.services.face.models import PersistedFace
from cognitive_conformance.emulator.services.face.state import ensure_not_training, face_state, find_face, find_group, find_person
from cognitive_conformance.emulator.services.face.validation import UNSET

__all__ = [
    "add_person_group_person_face",
    "get_person_group_person_face",
    "update_person_group_person_face",
    "delete_person_group_person_face",
]


async def add_person_group_person_face(ctx: HandlerContext) -> Reply:
    """AddPersonGroupPersonFace (stream) and AddPersonGroupPersonFaceFromUrl, both kinds."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        group = find_group(state, inputs.kind, inputs.group_id)
        person = find_person(group, inputs.person_id)
        ensure_not_training(group, ctx.now)
        if len(person.faces) >= ctx.config.limits.max_faces_per_person:
            raise errors.quota_exceeded("Persisted face number reached limit.")
        face_id = str(uuid.uuid4())
        person.faces[face_id] = PersistedFace(persisted_face_id=face_id, user_data=inputs.user_data, feature=inputs.feature)
    return Reply(200, json={"persistedFaceId": face_id})


async def get_person_group_person_face(ctx: HandlerContext) -> Reply:
    """GetPersonGroupPersonFace / GetLargePersonGroupPersonFace."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        person = find_person(find_group(state, inputs.kind, inputs.group_id), inputs.person_id)
        return Reply(200, json=views.face_body(find_face(person, inputs.persisted_face_id)))


async def update_person_group_person_face(ctx: HandlerContext) -> Reply:
    """UpdatePersonGroupPersonFace / UpdateLargePersonGroupPersonFace (``userData`` only)."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        person = find_person(find_group(state, inputs.kind, inputs.group_id), inputs.person_id)
        face = find_face(person, inputs.persisted_face_id)
        if inputs.user_data is not UNSET:
            face.user_data = inputs.user_data
    return Reply(200)


async def delete_person_group_person_face(ctx: HandlerContext) -> Reply:
    """DeletePersonGroupPersonFace / DeleteLargePersonGroupPersonFace (409 while training)."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        group = find_group(state, inputs.kind, inputs.group_id)
        person = find_person(group, inputs.person_id)
        find_face(person, inputs.persisted_face_id)
        ensure_not_training(group, ctx.now)
        del person.faces[inputs.persisted_face_id]
    return Reply(200)
