"""Handlers: create, get, update, delete and list PersonGroups / LargePersonGroups.

* create ``PUT`` -> 200 empty body; 409 ``...Exists`` if the id is taken;
* get -> 200 group (``recognitionModel`` only with ``returnRecognitionModel=true``);
* update ``PATCH`` -> 200 empty; delete -> 200 empty, always allowed, cancels a running training;
* list -> 200 bare array sorted by id, ids strictly after ``start``, at most ``top``.

Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (operations and statuses), https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (paging), https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes (409 PersonGroupExists).
"""

from __future__ import annotations


from cognitive_conformance.emulator.services.face import errors
from cognitive_conformance.emulator.routing import HandlerContext, Reply
from cognitive_conformance.emulator.services.face import views
from cognitive_conformance.emulator.services.face.models import Group
from cognitive_conformance.emulator.services.face.state import face_state, find_group, first_page
from cognitive_conformance.emulator.services.face.validation import UNSET

__all__ = ["create_person_group", "get_person_group", "update_person_group", "delete_person_group", "get_person_groups"]


async def create_person_group(ctx: HandlerContext) -> Reply:
    """CreatePersonGroup / CreateLargePersonGroup."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        key = (inputs.kind, inputs.group_id)
        if key in state.groups:
            raise errors.group_exists(inputs.kind)
        state.deleted.pop(key, None)
        state.groups[key] = Group(
            kind=inputs.kind,
            group_id=inputs.group_id,
            name=inputs.name,
            user_data=inputs.user_data,
            recognition_model=inputs.recognition_model,
            created_at=ctx.now,
        )
    return Reply(200)


async def get_person_group(ctx: HandlerContext) -> Reply:
    """GetPersonGroup / GetLargePersonGroup."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        group = find_group(state, inputs.kind, inputs.group_id, include_deleted=ctx.behaviour.deleted_readable)
        return Reply(200, json=views.group_body(group, with_model=inputs.with_model))


async def update_person_group(ctx: HandlerContext) -> Reply:
    """UpdatePersonGroup / UpdateLargePersonGroup: only the fields sent change."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        group = find_group(state, inputs.kind, inputs.group_id)
        if inputs.name is not UNSET:
            group.name = inputs.name
        if inputs.user_data is not UNSET:
            group.user_data = inputs.user_data
    return Reply(200)


async def delete_person_group(ctx: HandlerContext) -> Reply:
    """DeletePersonGroup / DeleteLargePersonGroup: removes persons and faces, cancels its training."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        key = (inputs.kind, inputs.group_id)
        group = find_group(state, inputs.kind, inputs.group_id)
        del state.groups[key]
        if group.training is not None:
            group.training = group.training.cancel(ctx.now)
            operation = state.operations.get(group.operation_id or "")
            if operation is not None:
                operation.training = group.training
        if ctx.behaviour.deleted_readable:
            state.deleted[key] = group
    return Reply(200)


async def get_person_groups(ctx: HandlerContext) -> Reply:
    """GetPersonGroups / GetLargePersonGroups."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        start = inputs.start
        candidates = (g for (kind, _), g in state.groups.items() if kind == inputs.kind and (start is None or g.group_id > start))
        page = first_page(candidates, len(state.groups), inputs.top, _group_id)
        body = [views.group_body(g, with_model=inputs.with_model) for g in page]
    return Reply(200, json=body)


def _group_id(group: Group) -> str:
    return group.group_id
