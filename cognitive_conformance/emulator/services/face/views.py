"""JSON representations of Face resources, spelled per API version.

* group: ``{personGroupId | largePersonGroupId, name, userData?, recognitionModel?}``
* person: ``{personId, name, userData?, persistedFaceIds}``; face: ``{persistedFaceId, userData?}``
* training status, ``observed`` profile (default; as recorded, tests/reference/recordings/README.md behaviours 4-5):
  ``running``: only ``status``, ``createdDateTime`` (the time of the train call) and ``lastActionDateTime`` (equal to
  it while running); ``succeeded`` adds ``lastSuccessfulTrainingDateTime`` (= ``lastActionDateTime``) and, for a
  PersonGroup from v1.1, ``lastSuccessfulTrainingId``; ``lastSuccessfulTrainingDateTime`` is absent until a
  training has succeeded; v1.0 also sends ``"message": null``; ``failed`` carries the failure ``message``.
* training status, ``docs`` profile: ``{status, createdDateTime, lastActionDateTime, lastSuccessfulTrainingDateTime,
  message?}``; ``status`` is ``nonstarted|running|succeeded|failed`` on v1.0 and
  ``notStarted|running|succeeded|failed`` on v1.1+; ``createdDateTime`` is the group's creation
  time; ``lastActionDateTime`` is null until the group trained successfully once;
  ``message`` only when failed; ``lastSuccessfulTrainingDateTime`` before any success is
  ``createdDateTime`` on v1.1+ (required there; tests/reference/azure-examples/face/v1.2/ example) and omitted on v1.0 (optional in https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json).
  Timestamps are RFC 3339 UTC with ``Z``.
* operation: ``{operationId, status, createdTime, lastActionTime, finishedTime?, message?}``.

Sources: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (schemas; "could be null value when the group is not successfully
trained"; message "omitted when training succeed"), https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (status spellings); https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247.
"""

from __future__ import annotations

from typing import Any

from cognitive_conformance.emulator.clock import format_rfc3339
from cognitive_conformance.emulator.services.face.models import DirectoryOperation, Group, Operation, Person, PersistedFace
from cognitive_conformance.emulator.training import TrainingState, TrainingView

__all__ = ["ID_FIELD", "in_progress", "status_spelling", "group_body", "person_body", "face_body", "training_body", "operation_body"]

ID_FIELD = {"persongroups": "personGroupId", "largepersongroups": "largePersonGroupId"}


def in_progress(reply: Any) -> bool:
    """A 200 training-status or operation read that is not terminal yet (``ServiceDefinition.in_progress``)."""
    body = reply.json if reply.status == 200 else None
    return isinstance(body, dict) and body.get("status") in {"nonstarted", "notStarted", "running"}


def status_spelling(state: TrainingState, version: str) -> str:
    """``TrainingState`` -> the documented enum value of ``version`` (https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json)."""
    if state is TrainingState.NOT_STARTED:
        return "nonstarted" if version == "v1.0" else "notStarted"
    return state.value


def group_body(group: Group, *, with_model: bool) -> dict[str, Any]:
    """A PersonGroup/LargePersonGroup object."""
    body: dict[str, Any] = {ID_FIELD[group.kind]: group.group_id, "name": group.name}
    if group.user_data is not None:
        body["userData"] = group.user_data
    if with_model:
        body["recognitionModel"] = group.recognition_model
    return body


def person_body(person: Person) -> dict[str, Any]:
    """A PersonGroupPerson object."""
    body: dict[str, Any] = {"personId": person.person_id, "name": person.name}
    if person.user_data is not None:
        body["userData"] = person.user_data
    body["persistedFaceIds"] = list(person.faces)
    return body


def face_body(face: PersistedFace) -> dict[str, Any]:
    """A PersonGroupPersonFace object."""
    body: dict[str, Any] = {"persistedFaceId": face.persisted_face_id}
    if face.user_data is not None:
        body["userData"] = face.user_data
    return body


def _ts(value: Any) -> str | None:
    return None if value is None else format_rfc3339(value)


def training_body(group: Group, view: TrainingView, version: str, *, profile: str = "observed") -> dict[str, Any]:
    """The TrainingResult (v1.1+) / TrainingStatus (v1.0) of ``group`` at the view's instant, in the emulator's profile."""
    if profile != "docs":
        return _observed_training_body(group, view, version)
    body: dict[str, Any] = {
        "status": status_spelling(view.state, version),
        "createdDateTime": format_rfc3339(group.created_at),
        "lastActionDateTime": _ts(view.group_last_action_at),
    }
    if view.last_success_at is not None:
        body["lastSuccessfulTrainingDateTime"] = format_rfc3339(view.last_success_at)
    elif version != "v1.0":
        # Required and non-nullable from v1.1 (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json TrainingResult); before any success the upstream
        # v1.2 example shows it equal to createdDateTime, so that is what is sent. v1.0: optional, omitted.
        body["lastSuccessfulTrainingDateTime"] = body["createdDateTime"]
    if view.state is TrainingState.FAILED and view.message:
        body["message"] = view.message
    return body


def _observed_training_body(group: Group, view: TrainingView, version: str) -> dict[str, Any]:
    """The training status as the real service sends it (module docstring).

    Recorded: tests/reference/recordings/face/v1.2-preview.1/test-proxy-python/test_identify.pyTestIdentifytest_identify_from_person_group.elided.json
    entry 11 (running: three fields) and entry 12 (succeeded: + lastSuccessfulTrainingId, lastSuccessfulTrainingDateTime);
    …test_identify_from_large_person_group.elided.json entry 12 (LargePersonGroup: no lastSuccessfulTrainingId);
    tests/reference/recordings/face/v1.0-preview/net-sessionrecords/FaceSnapshotTestPersonGroup.elided.json entries 4-5;
    tests/reference/recordings/face/v1.0/net-sessionrecords/FaceSnapshotTestLargePersonGroup.elided.json entries 4-5
    (v1.0: ``"message": null``). Departs from the v1.2 swagger's TrainingResult
    (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json:
    ``lastSuccessfulTrainingDateTime`` required; ``createdDateTime`` read as the group's creation), which the ``docs``
    profile follows.
    """
    training = group.training
    submitted = training.submitted_at if training is not None else view.submitted_at
    body: dict[str, Any] = {
        "status": status_spelling(view.state, version),
        "createdDateTime": format_rfc3339(submitted),
        "lastActionDateTime": format_rfc3339(view.last_action_at),
    }
    if version == "v1.0":
        body["message"] = None
    if view.state is TrainingState.FAILED and view.message:
        body["message"] = view.message
    if view.last_success_at is not None:
        success_id = group.operation_id if view.state is TrainingState.SUCCEEDED else group.prior_success_id
        if group.kind == "persongroups" and version != "v1.0" and success_id:
            body["lastSuccessfulTrainingId"] = success_id
        body["lastSuccessfulTrainingDateTime"] = format_rfc3339(view.last_success_at)
    return body


def operation_body(operation: Operation | DirectoryOperation, view: TrainingView, version: str) -> dict[str, Any]:
    """The OperationResult of a training operation (v1.1+)."""
    body: dict[str, Any] = {
        "operationId": operation.operation_id,
        "status": status_spelling(view.state, version),
        "createdTime": format_rfc3339(view.submitted_at),
        "lastActionTime": format_rfc3339(view.last_action_at),
    }
    if view.finished_at is not None:
        body["finishedTime"] = format_rfc3339(view.finished_at)
    if view.state is TrainingState.FAILED and view.message:
        body["message"] = view.message
    location = getattr(operation, "resource_location", None)
    if location and view.state is TrainingState.SUCCEEDED:
        body["resourceLocation"] = location  # a dynamic person group's operation (recorded: [JPD] entry 4)
    return body
