"""Handlers: train a group, read its training status, read a training operation.

Two emulator profiles (``EmulatorConfig.profile``):

* ``observed`` (default), as the real service was recorded (tests/reference/recordings/README.md
  behaviours 1-5): Train -> 202, empty body, ``Operation-Location:
  {scheme}://{host}/face/{apiVersion}/{persongroups|largepersongroups}/{id}/training`` (absolute, on the
  request's host; every version) with ``Access-Control-Expose-Headers: Operation-Location``, no
  ``Retry-After``; the training has no queue, so the first status read is ``running``.
  Recorded: tests/reference/recordings/face/v1.2-preview.1/test-proxy-python/test_identify.pyTestIdentifytest_identify_from_person_group.elided.json
  entries 10-11, …test_identify_from_large_person_group.elided.json entries 10-11,
  tests/reference/recordings/face/v1.0-preview/net-sessionrecords/FaceSnapshotTestPersonGroup.elided.json entries 3-4,
  tests/reference/recordings/face/v1.0/net-sessionrecords/FaceSnapshotTestLargePersonGroup.elided.json entries 3-4.
  This departs from the documents (Sources below): the Train Person Group reference spells the header
  ``operation-Location`` and specs/face.yaml, following the v1.2 swagger's GetOperationResult, resolves it to
  ``/operations/{operationId}``; the Get Training Status reference documents notStarted -> running.
* ``docs``: the documents literally: v1.1+ adds ``operation-Location:
  {scheme}://{host}/face/{apiVersion}/operations/{operationId}``; v1.0 sends no such header; the first
  20 % of the duration is ``notStarted``.

In both, training while the group's training is notStarted or running -> 409
``PersonGroupTrainingNotFinished``, and every training is also readable at ``/operations/{operationId}``.

* Duration = ``training_seconds × (1 + 0.05 × persons + 0.01 × faces)``, at most half an hour (weights and cap
  configurable: ``EmulatorConfig.training_per_person``, ``training_per_face``, ``training_max_seconds``); then succeeded, or failed with
  a message when the group has no persons or no faces. Status is derived from timestamps on each read
  (``emulator.training``); the body's fields per profile are ``views.training_body``.
* Get training status -> 200 TrainingResult; never trained -> 404 ``PersonGroupNotTrained``.
* ``GET /operations/{operationId}`` (v1.1+) -> 200 OperationResult agreeing with ``/training``;
  unknown id -> 404 ``NotFound``; malformed id -> 400 ``BadArgument`` (specs/face.yaml decisions).

Sources: https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 (202, empty body, operation-Location; asynchronous; duration depends on
persons and faces); https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 (statuses; failed when no person or no persisted face; 404
PersonGroupNotTrained); https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/54923347f07c69f929305d5c2fd3fa7fda1dab96/specification/ai/Face/routes.persongroup.tsp (v1.0 has no header), https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json.
"""

from __future__ import annotations

import math
import uuid

from cognitive_conformance.emulator.services.face import errors
from cognitive_conformance.emulator.routing import NO_BODY, HandlerContext, Reply
from cognitive_conformance.emulator.services.face import views
from cognitive_conformance.emulator.services.face.models import Operation
from cognitive_conformance.emulator.services.face.state import face_state, find_group
from cognitive_conformance.emulator.training import TrainingState, derive, start_training, training_duration

__all__ = [
    "OPERATION_LOCATION_HEADER",
    "OBSERVED_OPERATION_LOCATION_HEADER",
    "NO_PERSON_MESSAGE",
    "NO_FACE_MESSAGE",
    "data_weight",
    "train_person_group",
    "get_person_group_training_status",
    "get_operation_result",
]

OPERATION_LOCATION_HEADER = "operation-Location"
"""The documents' spelling (docs profile)."""
OBSERVED_OPERATION_LOCATION_HEADER = "Operation-Location"
"""The recorded spelling (tests/reference/recordings/face/v1.2-preview.1/test-proxy-python/test_identify.pyTestIdentifytest_identify_from_person_group.elided.json entry 10)."""
NO_PERSON_MESSAGE = {
    "persongroups": "There is no person in the person group.",
    "largepersongroups": "There is no person in the large person group.",
}
NO_FACE_MESSAGE = {
    "persongroups": "There is no persisted face in the person group.",
    "largepersongroups": "There is no persisted face in the large person group.",
}


def data_weight(persons: int, faces: int, *, per_person: float = 0.05, per_face: float = 0.01) -> float:
    """How a group's data lengthens its training: ``1 + per_person × persons + per_face × faces``.

    The weights are ``EmulatorConfig.training_per_person`` / ``training_per_face`` (defaults 0.05 and 0.01);
    the duration is capped at ``EmulatorConfig.training_max_seconds`` (see its sources).
    """
    return 1.0 + per_person * persons + per_face * faces


async def train_person_group(ctx: HandlerContext) -> Reply:
    """TrainPersonGroup / TrainLargePersonGroup."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        group = find_group(state, inputs.kind, inputs.group_id)
        if group.is_training(ctx.now):
            raise errors.group_training_not_finished(inputs.kind)
        persons, faces = len(group.persons), group.face_count()
        base = float(ctx.config.training_seconds)
        scale = ctx.behaviour.training_scale
        config = ctx.config
        weight = data_weight(persons, faces, per_person=config.training_per_person, per_face=config.training_per_face)
        duration = training_duration(base, weight=weight, scale=scale, cap=config.training_max_seconds)
        queue_basis = duration if math.isfinite(duration) else training_duration(base, weight=weight, cap=config.training_max_seconds)
        if ctx.config.profile != "docs":
            queue_basis = 0.0  # observed: no notStarted phase; the first read is running (README behaviour 3)
        failure: str | None = None
        if ctx.behaviour.empty_training_fails:
            if persons == 0:
                failure = NO_PERSON_MESSAGE[inputs.kind]
            elif faces == 0:
                failure = NO_FACE_MESSAGE[inputs.kind]
        record = start_training(
            ctx.now,
            duration=duration,
            queue_basis=queue_basis,
            succeeds=failure is None,
            failure_message=failure,
            previous=group.training,
        )
        operation_id = str(uuid.uuid4())
        if group.training is not None and derive(group.training, ctx.now).state is TrainingState.SUCCEEDED:
            group.prior_success_id = group.operation_id
            group.prior_trained = group.trained
        # What this training learns: mutations wait for it (409), so the group's faces now are what it ends with.
        group.trained = tuple((p.person_id, f.feature) for p in group.persons.values() for f in p.faces.values())
        group.training = record
        group.operation_id = operation_id
        state.operations[operation_id] = Operation(operation_id, inputs.kind, inputs.group_id, record)
    return Reply(202, json=NO_BODY, headers=_train_headers(ctx, operation_id))


def _train_headers(ctx: HandlerContext, operation_id: str) -> dict[str, str]:
    """The train 202's headers in the emulator's profile (module docstring)."""
    if ctx.config.profile == "docs":
        if ctx.version == "v1.0":
            return {}
        return {OPERATION_LOCATION_HEADER: f"{ctx.base_url}/face/{ctx.version}/operations/{operation_id}"}
    # Recorded on v1.0 too (FaceSnapshotTestLargePersonGroup.elided.json entry 3, there with an internal host).
    location = f"{ctx.base_url}/face/{ctx.version}/{ctx.inputs.kind}/{ctx.inputs.group_id}/training"
    return {OBSERVED_OPERATION_LOCATION_HEADER: location, "Access-Control-Expose-Headers": OBSERVED_OPERATION_LOCATION_HEADER}


async def get_person_group_training_status(ctx: HandlerContext) -> Reply:
    """GetPersonGroupTrainingStatus / GetLargePersonGroupTrainingStatus."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        group = find_group(state, inputs.kind, inputs.group_id, include_deleted=ctx.behaviour.deleted_readable)
        if group.training is None:
            raise errors.group_not_trained(inputs.kind)
        view = derive(group.training, ctx.now)
        return Reply(200, json=views.training_body(group, view, ctx.version, profile=ctx.config.profile))


async def get_operation_result(ctx: HandlerContext) -> Reply:
    """GetOperationResult (v1.1+): the training operation's status."""
    with face_state(ctx.store, ctx.key) as state:
        operation = state.operations.get(ctx.inputs.operation_id)
        if operation is None:
            raise errors.operation_not_found()
        view = derive(operation.training, ctx.now)
        return Reply(200, json=views.operation_body(operation, view, ctx.version))
