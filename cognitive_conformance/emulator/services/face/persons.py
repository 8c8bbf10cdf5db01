"""Handlers: create, get, update, delete and list persons of a group.

Create returns 200 ``{personId}`` (not 201). Adding or deleting persons while the group
trains is 409 ``PersonGroupTrainingNotFinished``. Lists are sorted by ``personId`` with the
same ``start``/``top`` paging as groups.

Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (CreatePersonGroupPerson 200 ``{personId: uuid}``), https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (quotas,
paging), https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes PersonNotFound, QuotaExceeded "Person number reached person group level limit.".
"""

from __future__ import annotations


import uuid

from cognitive_conformance.emulator.services.face import errors
from cognitive_conformance.emulator.routing import HandlerContext, Reply
from cognitive_conformance.emulator.services.face import views
from cognitive_conformance.emulator.services.face.models import Person
from cognitive_conformance.emulator.services.face.state import ensure_not_training, face_state, find_group, find_person, first_page
from cognitive_conformance.emulator.services.face.validation import UNSET

__all__ = [
    "create_person_group_person",
    "get_person_group_person",
    "update_person_group_person",
    "delete_person_group_person",
    "get_person_group_persons",
]

_LEVEL = {"persongroups": "person group", "largepersongroups": "large person group"}


async def create_person_group_person(ctx: HandlerContext) -> Reply:
    """CreatePersonGroupPerson / CreateLargePersonGroupPerson."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        group = find_group(state, inputs.kind, inputs.group_id)
        ensure_not_training(group, ctx.now)
        if len(group.persons) >= ctx.config.limits.max_persons_per_group:
            raise errors.quota_exceeded(f"Person number reached {_LEVEL[inputs.kind]} level limit.")
        person_id = str(uuid.uuid4())
        group.persons[person_id] = Person(person_id=person_id, name=inputs.name, user_data=inputs.user_data)
    return Reply(200, json={"personId": person_id})


async def get_person_group_person(ctx: HandlerContext) -> Reply:
    """GetPersonGroupPerson / GetLargePersonGroupPerson."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        person = find_person(find_group(state, inputs.kind, inputs.group_id), inputs.person_id)
        return Reply(200, json=views.person_body(person))


async def update_person_group_person(ctx: HandlerContext) -> Reply:
    """UpdatePersonGroupPerson / UpdateLargePersonGroupPerson."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        person = find_person(find_group(state, inputs.kind, inputs.group_id), inputs.person_id)
        if inputs.name is not UNSET:
            person.name = inputs.name
        if inputs.user_data is not UNSET:
            person.user_data = inputs.user_data
    return Reply(200)


async def delete_person_group_person(ctx: HandlerContext) -> Reply:
    """DeletePersonGroupPerson / DeleteLargePersonGroupPerson (409 while training)."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        group = find_group(state, inputs.kind, inputs.group_id)
        find_person(group, inputs.person_id)
        ensure_not_training(group, ctx.now)
        del group.persons[inputs.person_id]
    return Reply(200)


async def get_person_group_persons(ctx: HandlerContext) -> Reply:
    """GetPersonGroupPersons / GetLargePersonGroupPersons."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        group = find_group(state, inputs.kind, inputs.group_id)
        start = inputs.start
        candidates = group.persons.values() if start is None else (p for p in group.persons.values() if p.person_id > start)
        page = first_page(candidates, len(group.persons), inputs.top, _person_id)
        body = [views.person_body(p) for p in page]
    return Reply(200, json=body)


def _person_id(person: Person) -> str:
    return person.person_id
