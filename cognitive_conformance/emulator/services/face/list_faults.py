"""Faults of the FaceList / LargeFaceList contract: each breaks one rule and names the check that catches it.

All are reply transformations (``Fault.transform``) on the list operations only, so the
faithful handlers stay free of fault flags. Rules and their public sources:

* Train Large Face List answers 202 with an ``operation-Location`` that resolves to the list's
  ``/training`` (v1.2 Face.json FaceListOperations_TrainLargeFaceList; the recorded service);
* a terminal training status never changes on re-read; a list without faces fails its training;
  a never-trained list's status is 404 ``LargeFaceListNotTrained``; a deleted face list is 404.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cognitive_conformance.emulator.errors import ERROR_CODE_HEADER
from cognitive_conformance.emulator.faults import Exchange, Fault, register_fault
from cognitive_conformance.emulator.routing import Reply
from cognitive_conformance.emulator.services.face.large_face_lists import NO_FACE_MESSAGE

__all__ = [
    "LargeFaceListTrainReturns200",
    "LargeFaceListDropOperationLocation",
    "LargeFaceListLocationNotTraining",
    "LargeFaceListTrainingRegresses",
    "LargeFaceListNotTrainedReturns200",
    "EmptyLargeFaceListSucceeds",
    "DeletedFaceListReadable",
]

_F12 = (
    "https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/"
    "specification/ai/data-plane/Face/stable/v1.2/Face.json"
)
_FERR = "https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes"
_RECORDED = (
    "https://github.com/Azure/azure-sdk-assets/blob/0b4013000f3d2dec08f3220b605dfacef9736f67/python/sdk/face/"
    "azure-ai-vision-face/tests/recordings/test_find_similar.pyTestFindSimilartest_find_similar_from_large_face_list.json"
)
_TRAIN = "FaceListOperations_TrainLargeFaceList"
_STATUS = "FaceListOperations_GetLargeFaceListTrainingStatus"


def _without_header(headers: dict[str, str], name: str) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() != name.lower()}


def _status_body(exchange: Exchange, reply: Reply) -> dict[str, Any] | None:
    if exchange.operation_id == _STATUS and reply.status == 200 and isinstance(reply.json, dict):
        return reply.json
    return None


@register_fault
class LargeFaceListTrainReturns200(Fault):
    name = "large-face-list-train-returns-200"
    description = "Train Large Face List answers 200 instead of 202 Accepted."
    breaks = f"Train Large Face List returns 202 with an empty body ({_F12}, FaceListOperations_TrainLargeFaceList)."
    expected_check = "status_code_documented"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if exchange.operation_id == _TRAIN and reply.status == 202:
            return replace(reply, status=200)
        return reply


@register_fault
class LargeFaceListDropOperationLocation(Fault):
    name = "large-face-list-drop-operation-location"
    description = "Train Large Face List (v1.1+) omits the operation-Location header."
    breaks = f"From v1.1-preview.1 the train 202 carries operation-Location ({_F12}, FaceListOperations_TrainLargeFaceList)."
    expected_check = "lro_operation_location_present"
    api_version = "v1.2"
    api_versions = ("v1.1-preview.1", "v1.2-preview.1", "v1.2")  # v1.0 documents no header

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if exchange.operation_id == _TRAIN and reply.status == 202:
            return replace(reply, headers=_without_header(reply.headers, "operation-location"))
        return reply


@register_fault
class LargeFaceListLocationNotTraining(Fault):
    name = "large-face-list-location-not-training"
    description = "Train Large Face List's operation-Location points at a path no operation serves instead of the list's /training."
    breaks = f"operation-Location is the location of the list's TrainingResult, …/largefacelists/{{id}}/training ({_F12}; {_RECORDED})."
    expected_check = "lro_operation_location_present"
    api_version = "v1.2"
    api_versions = ("v1.1-preview.1", "v1.2-preview.1", "v1.2")  # v1.0 documents no header

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        location = next((v for k, v in reply.headers.items() if k.lower() == "operation-location"), None)
        if exchange.operation_id == _TRAIN and reply.status == 202 and location and location.endswith("/training"):
            headers = _without_header(reply.headers, "operation-location")
            headers["Operation-Location"] = location[: -len("/training")] + "/trainings/latest"
            return replace(reply, headers=headers)
        return reply


@register_fault
class LargeFaceListTrainingRegresses(Fault):
    """Once a list's training status URL reported ``succeeded``, later reads of it report ``running``."""

    name = "large-face-list-training-regresses"
    description = "After a large face list's training reported succeeded, later status reads report running again."
    breaks = f"A terminal training status (succeeded/failed) does not change until the next train ({_F12}, TrainingResult; {_RECORDED})."
    expected_check = "lro_terminal_sticky"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _status_body(exchange, reply)
        if body is None or body.get("status") != "succeeded":
            return reply
        with exchange.store.partition(exchange.key or "", f"fault:{self.name}", set) as seen:
            if exchange.path not in seen:
                seen.add(exchange.path)
                return reply
        regressed = {k: v for k, v in body.items() if k != "lastSuccessfulTrainingDateTime"}
        regressed["status"] = "running"
        return replace(reply, json=regressed)


@register_fault
class LargeFaceListNotTrainedReturns200(Fault):
    name = "large-face-list-not-trained-returns-200"
    description = "Training status of a never-trained large face list is 200 running instead of 404 LargeFaceListNotTrained."
    breaks = f"Get Large Face List Training Status of a never-trained list is 404 LargeFaceListNotTrained ({_FERR})."
    expected_check = "lro_not_trained_before_train"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if exchange.operation_id == _STATUS and reply.status == 404 and reply.error is not None and reply.error.code == "LargeFaceListNotTrained":
            from cognitive_conformance.emulator.clock import format_rfc3339

            now = format_rfc3339(exchange.now)
            body = {"status": "running", "createdDateTime": now, "lastActionDateTime": now}
            return Reply(200, json=body, headers=_without_header(reply.headers, ERROR_CODE_HEADER))
        return reply


@register_fault
class EmptyLargeFaceListSucceeds(Fault):
    name = "empty-large-face-list-succeeds"
    description = "Training a large face list without faces ends succeeded instead of failed."
    breaks = "A large face list without persisted faces cannot be trained: its training ends failed (specs/face.yaml TrainLargeFaceList decision, as for an empty person group)."
    expected_check = "lro_empty_group_fails"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _status_body(exchange, reply)
        if body is None or body.get("status") != "failed" or body.get("message") != NO_FACE_MESSAGE:
            return reply
        changed = {k: v for k, v in body.items() if k != "message"}
        changed["status"] = "succeeded"
        changed["lastSuccessfulTrainingDateTime"] = body.get("lastActionDateTime")
        if exchange.version == "v1.0":
            changed["message"] = None
        return replace(reply, json=changed)


@register_fault
class DeletedFaceListReadable(Fault):
    name = "deleted-face-list-readable"
    description = "A deleted face list can still be read with GET (an empty list)."
    breaks = f"After Delete Face List the list is 404 FaceListNotFound ({_F12}, FaceListOperations_DeleteFaceList; {_FERR})."
    expected_check = "deleted_resource_not_found"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        op = exchange.operation_id
        if op not in ("FaceListOperations_DeleteFaceList", "FaceListOperations_GetFaceList"):
            return reply
        with exchange.store.partition(exchange.key or "", f"fault:{self.name}", set) as deleted:
            if op == "FaceListOperations_DeleteFaceList" and reply.status == 200:
                deleted.add(exchange.path)
                return reply
            if op != "FaceListOperations_GetFaceList" or reply.status != 404 or exchange.path not in deleted:
                return reply
        list_id = exchange.path.rstrip("/").rsplit("/", 1)[-1]
        body = {"faceListId": list_id, "name": list_id, "persistedFaces": []}
        return Reply(200, json=body, headers=_without_header(reply.headers, ERROR_CODE_HEADER))
