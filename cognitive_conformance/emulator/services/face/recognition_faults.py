"""Faults of Identify and PersonDirectory: each breaks one rule and names the check that catches it.

All are reply rewrites on the operations they concern, so the faithful handlers stay free of fault flags:

* Identify against a never-trained group is 400 ``PersonGroupNotTrained`` (Train Person Group: "only a trained
  Person Group can be used by Identify"; the Face error codes, Identify);
* Identify's candidates are persons of the named group, and an enrolled image identifies its own person
  (Identify From Person Group);
* a PersonDirectory change answers 202 with ``operation-Location``, and once that operation succeeded the read of
  the change shows it (Create Person).
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from cognitive_conformance.emulator.faults import Exchange, Fault, register_fault, without_header
from cognitive_conformance.emulator.routing import Reply
from cognitive_conformance.emulator.services.face.person_directory import DIRECTORY_VERSIONS

__all__ = [
    "IdentifyUntrainedAnswers200",
    "IdentifyCandidateFromOtherGroup",
    "IdentifyMissesEnrolledFace",
    "DirectoryPersonNotReadable",
    "DirectoryDropOperationLocation",
]

_IDENTIFY = "FaceRecognitionOperations_Identify"
_TRAIN_DOC = "https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group"
_ERRORS = "https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes"
_IDENTIFY_DOC = "https://learn.microsoft.com/en-us/rest/api/face/face-recognition-operations/identify-from-person-group"
_CREATE_PERSON = "https://learn.microsoft.com/en-us/rest/api/face/person-directory-operations/create-person"
_STRANGER = uuid.UUID("0c8a4f1e-3b5d-4e77-9a61-2f0d6c9b8e13")


def _identify_ok(exchange: Exchange, reply: Reply) -> bool:
    return exchange.operation_id == _IDENTIFY and reply.status == 200 and isinstance(reply.json, list)


@register_fault
class IdentifyUntrainedAnswers200(Fault):
    name = "identify-untrained-answers-200"
    description = "Identify against a never-trained group answers 200 with no results instead of 400 PersonGroupNotTrained."
    breaks = f"Only a trained group can be used by Identify ({_TRAIN_DOC}); Identify answers 400 PersonGroupNotTrained ({_ERRORS})."
    expected_check = "identify_not_trained_rejected"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if exchange.operation_id == _IDENTIFY and reply.status == 400 and reply.error is not None and reply.error.code.endswith("NotTrained"):
            return replace(reply, status=200, json=[], error=None, headers={}, content=None)
        return reply


@register_fault
class IdentifyCandidateFromOtherGroup(Fault):
    name = "identify-candidate-from-other-group"
    description = "Identify adds, after the true candidates, a person who is not in the named group."
    breaks = f"Identify answers candidates drawn from the named group only ({_IDENTIFY_DOC})."
    expected_check = "identify_candidates_from_gallery"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if not _identify_ok(exchange, reply):
            return reply
        results = []
        for item in reply.json:
            stranger = {"personId": str(uuid.uuid5(_STRANGER, str(item.get("faceId")))), "confidence": 0.51}
            results.append({**item, "candidates": [*item.get("candidates", []), stranger]})
        return replace(reply, json=results)


@register_fault
class IdentifyMissesEnrolledFace(Fault):
    name = "identify-misses-enrolled-face"
    description = "Identify answers no candidate at all, even for the image that was added to a person of the group."
    breaks = f"A face detected from a person's own enrolled image identifies that person ({_IDENTIFY_DOC})."
    expected_check = "identify_finds_enrolled_face"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if not _identify_ok(exchange, reply):
            return reply
        return replace(reply, json=[{**item, "candidates": []} for item in reply.json])


@register_fault
class DirectoryPersonNotReadable(Fault):
    name = "directory-person-not-readable"
    description = "Get Person answers 404 PersonNotFound even after the person's create operation succeeded."
    breaks = f"Once Create Person's operation succeeded the person can be read ({_CREATE_PERSON})."
    expected_check = "directory_change_visible_after_operation"
    api_versions = DIRECTORY_VERSIONS

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if exchange.operation_id == "PersonDirectoryOperations_GetPerson" and reply.status == 200:
            return replace(reply, status=404, json={"error": {"code": "PersonNotFound", "message": "Person is not found."}}, content=None)
        return reply


@register_fault
class DirectoryDropOperationLocation(Fault):
    name = "directory-drop-operation-location"
    description = "PersonDirectory changes answer 202 without the operation-Location header."
    breaks = f"Create Person (and every PersonDirectory change) answers 202 with operation-Location ({_CREATE_PERSON})."
    expected_check = "lro_operation_location_present"
    api_versions = DIRECTORY_VERSIONS

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if (exchange.operation_id or "").startswith("PersonDirectoryOperations_") and reply.status == 202:
            return replace(reply, headers=without_header(reply.headers, "operation-location"))
        return reply
