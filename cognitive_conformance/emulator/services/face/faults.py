"""Face faults: each breaks one documented rule of the Face contract and names the check that must catch it.

Registered with :func:`emulator.faults.register_fault` when the package is imported; the
pipeline applies them to Face requests only. Most rewrite the finished reply
(:meth:`~emulator.faults.Fault.transform`); the four that need state a reply does not show
turn a :class:`~emulator.faults.Behaviour` knob instead (each says why).

The train-then-poll faults find their requests by operationId shape: every ``…_Train…``
operation, every ``…_Get…TrainingStatus`` read and ``GetOperationResult``, so each kind of
trainable Face resource that follows the PersonGroup pattern is covered.

Sources (cited by the faults below):

* TRAIN: Train Person Group (v1.1-preview.1),
  https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1
  (202, empty body, ``operation-Location``; training is asynchronous and takes seconds to minutes)
* STATUS10: Get Training Status (v1.0), https://learn.microsoft.com/en-us/rest/api/faceapi/persongroup/gettrainingstatus
  (statuses, failed when the group has no person or no persisted face, 404 PersonGroupNotTrained, 401)
* https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes: Face error codes, https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes
* specs/face.yaml: the status enums per version, the schemas and documented statuses of every operation.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

from cognitive_conformance.emulator.clock import format_rfc3339
from cognitive_conformance.emulator.errors import ERROR_CODE_HEADER
from cognitive_conformance.emulator.faults import Behaviour, Exchange, Fault, register_fault, without_header
from cognitive_conformance.emulator.routing import NO_BODY, Reply

__all__ = [
    "AuthIgnored",
    "OperationLocationOffOrigin",
    "PopulatedGroupFails",
    "DeleteReturns204",
    "DeletedGroupReadable",
    "DropErrorCodeHeader",
    "DropOperationLocation",
    "EmptyGroupSucceeds",
    "ErrorCodeHeaderMismatch",
    "ErrorWithoutMessage",
    "GenericNotFoundCode",
    "InstantTraining",
    "JsonLabelledAsText",
    "NotFoundAsServerError",
    "NotTrainedReturns200",
    "OperationsDisagree",
    "PlaintextErrors",
    "StatusGoesBackwards",
    "StatusWrongCasing",
    "TerminalNotSticky",
    "TimestampsOutOfOrder",
    "TrainReturns200",
    "TrainingNeverFinishes",
    "UnparsableTimestamps",
    "WrongMediaTypeAccepted",
]

TRAIN = "https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1"
STATUS10 = "https://learn.microsoft.com/en-us/rest/api/faceapi/persongroup/gettrainingstatus"
FACE_ERROR_CODES = "https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes"

WITH_OPERATIONS = ("v1.1-preview.1", "v1.2-preview.1", "v1.2")
"""The versions with ``GET /operations/{operationId}`` and the ``operation-Location`` header on train."""

_TRAIN = re.compile(r"\w+Operations_Train\w+")
_TRAINING_STATUS = re.compile(r"\w+Operations_Get\w+TrainingStatus")
_OPERATION = "GetOperationResult"
_DELETE_GROUP = frozenset({"PersonGroupOperations_DeletePersonGroup", "PersonGroupOperations_DeleteLargePersonGroup"})


def _is_train(exchange: Exchange) -> bool:
    return bool(exchange.operation_id and _TRAIN.fullmatch(exchange.operation_id))


def _is_training_status(exchange: Exchange) -> bool:
    return bool(exchange.operation_id and _TRAINING_STATUS.fullmatch(exchange.operation_id))


def _status_body(exchange: Exchange, reply: Reply) -> dict[str, Any] | None:
    """The JSON body of a successful training-status or operation read, else ``None``."""
    if not (_is_training_status(exchange) or exchange.operation_id == _OPERATION):
        return None
    if reply.status == 200 and isinstance(reply.json, dict) and "status" in reply.json:
        return reply.json
    return None


def _error_body(reply: Reply) -> dict[str, Any] | None:
    if reply.status >= 400 and isinstance(reply.json, dict) and isinstance(reply.json.get("error"), dict):
        return reply.json
    return None


def _is_error(reply: Reply) -> bool:
    return reply.status >= 400 and reply.error is not None


def _with_code(reply: Reply, status: int, code: str, message: str | None = None) -> Reply:
    """The reply as an error ``status``/``code`` (body and header agree: the header only if the reply had one, as the
    observed profile sends none); ``message`` replaces the old one if given."""
    old = _error_body(reply)
    error = dict(old["error"]) if old else {}
    error["code"] = code
    if message is not None or "message" not in error:
        error["message"] = message or ""
    had_header = any(k.lower() == ERROR_CODE_HEADER for k in reply.headers)
    headers = without_header(reply.headers, ERROR_CODE_HEADER)
    if had_header:
        headers[ERROR_CODE_HEADER] = code
    return replace(reply, status=status, json={"error": error}, headers=headers, content=None)


def _not_started(version: str | None) -> str:
    return "nonstarted" if version == "v1.0" else "notStarted"


def _first_read_passes(exchange: Exchange, fault: str) -> bool:
    """True on the first call for this (version, status URL) in this tenant; remembered in the store."""
    seen_key = (exchange.version, exchange.path)
    with exchange.store.partition(exchange.key or "", f"fault:{fault}", set) as seen:
        if seen_key in seen:
            return False
        seen.add(seen_key)
        return True


# ----------------------------------------------------------------------------- status codes and headers


@register_fault
class TrainReturns200(Fault):
    name = "train-returns-200"
    description = "Train answers 200 instead of 202 Accepted."
    breaks = f"Train returns 202 Accepted with an empty body ({TRAIN})."
    expected_check = "status_code_documented"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if _is_train(exchange) and reply.status == 202:
            return replace(reply, status=200)
        return reply


@register_fault
class DropOperationLocation(Fault):
    name = "drop-operation-location"
    description = "Train (v1.1+) omits the operation-Location header."
    breaks = f"Train returns an operation-Location header from v1.1-preview.1 on ({TRAIN})."
    expected_check = "lro_operation_location_present"
    api_versions = WITH_OPERATIONS  # v1.0 sends no operation-Location

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if _is_train(exchange):
            return replace(reply, headers=without_header(reply.headers, "operation-location"))
        return reply


@register_fault
class DeleteReturns204(Fault):
    name = "delete-returns-204"
    description = "Delete Person Group answers 204 No Content instead of 200."
    breaks = "Delete Person Group returns 200, not 204 (specs/face.yaml PersonGroupOperations_DeletePersonGroup)."
    expected_check = "status_code_documented"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if exchange.operation_id in _DELETE_GROUP and reply.status == 200:
            return replace(reply, status=204, json=NO_BODY, content=None)
        return reply


@register_fault
class JsonLabelledAsText(Fault):
    name = "json-labelled-as-text"
    description = "Successful JSON bodies are sent with Content-Type text/plain."
    breaks = "Face answers application/json (specs/face.yaml: every success body is application/json)."
    expected_check = "content_type_documented"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if 200 <= reply.status < 300 and reply.json is not NO_BODY:
            return replace(reply, json=NO_BODY, content=json.dumps(reply.json).encode("utf-8"), media_type="text/plain")
        return reply


@register_fault
class WrongMediaTypeAccepted(Fault):
    name = "wrong-media-type-accepted"
    description = "An add-face body with an unsupported Content-Type is decoded anyway (400 InvalidImage instead of 415)."
    breaks = f"Add face accepts application/octet-stream or application/json only; others are 415 BadArgument 'Invalid Media Type.' ({FACE_ERROR_CODES})."
    expected_check = "documented_outcome_for_situation"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if reply.status == 415:
            return _with_code(reply, 400, "InvalidImage", "Decoding error, image format unsupported.")
        return reply


# ----------------------------------------------------------------------------- the error envelope


@register_fault
class DropErrorCodeHeader(Fault):
    name = "drop-error-code-header"
    description = "Error responses omit the x-ms-error-code header."
    breaks = f"Every Face error response carries x-ms-error-code, equal to error.code ({TRAIN}, FaceErrorResponse headers)."
    expected_check = "error_code_header_present"
    # The real service sends no x-ms-error-code (tests/reference/recordings/face/v1.0/vcrpy/test_snapshot.yaml entry 0),
    # so the observed profile neither sends nor requires it: the defect exists only against the documents.
    profile = "docs"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if _is_error(reply):
            return replace(reply, headers=without_header(reply.headers, ERROR_CODE_HEADER))
        return reply


@register_fault
class ErrorCodeHeaderMismatch(Fault):
    name = "error-code-header-mismatch"
    description = "x-ms-error-code names a different code than the body's error.code."
    breaks = f"x-ms-error-code is the error code of the response ({TRAIN}, FaceErrorResponse headers)."
    expected_check = "error_code_header_matches_body"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if _is_error(reply) and reply.error is not None:
            other = "BadArgument" if reply.error.code != "BadArgument" else "Unspecified"
            headers = without_header(reply.headers, ERROR_CODE_HEADER)
            headers[ERROR_CODE_HEADER] = other
            return replace(reply, headers=headers)
        return reply


@register_fault
class PlaintextErrors(Fault):
    name = "plaintext-errors"
    description = "Errors are sent as text/plain messages instead of the JSON envelope."
    breaks = f'Errors are {{"error": {{"code", "message"}}}} JSON ({TRAIN}, FaceErrorResponse).'
    expected_check = "error_envelope_valid"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if _is_error(reply) and reply.error is not None:
            return replace(reply, json=NO_BODY, content=reply.error.message.encode("utf-8"), media_type="text/plain; charset=utf-8")
        return reply


@register_fault
class ErrorWithoutMessage(Fault):
    name = "error-without-message"
    description = "Error envelopes carry error.code but no error.message."
    breaks = f"FaceErrorResponse requires both error.code and error.message ({TRAIN})."
    expected_check = "error_envelope_valid"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _error_body(reply)
        if body is not None:
            return replace(reply, json={"error": {k: v for k, v in body["error"].items() if k != "message"}})
        return reply


@register_fault
class GenericNotFoundCode(Fault):
    name = "generic-not-found-code"
    description = "404s use the generic code NotFound instead of the documented specific code."
    breaks = f"404 codes are PersonGroupNotFound, PersonNotFound, PersonGroupNotTrained, ... ({FACE_ERROR_CODES}; {STATUS10})."
    expected_check = "error_code_documented"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if reply.status == 404 and _is_error(reply) and _error_body(reply) is not None:
            return _with_code(reply, 404, "NotFound")
        return reply


@register_fault
class NotFoundAsServerError(Fault):
    name = "not-found-as-500"
    description = "A missing resource answers 500 InternalServerError instead of 404."
    breaks = f"A missing or invalid group is 404 PersonGroupNotFound ({STATUS10}, Response 404)."
    expected_check = "status_code_documented"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if reply.status == 404 and _error_body(reply) is not None:
            return _with_code(reply, 500, "InternalServerError", "Internal server error.")
        return reply


# ----------------------------------------------------------------------------- training status reads

_WRONG_CASE_V10 = {"nonstarted": "notStarted", "running": "Running", "succeeded": "Succeeded", "failed": "Failed"}
_WRONG_CASE = {"notStarted": "NotStarted", "running": "Running", "succeeded": "Succeeded", "failed": "Failed"}


@register_fault
class StatusWrongCasing(Fault):
    name = "status-wrong-casing"
    description = "Training statuses are spelled in the wrong case (v1.1+: NotStarted/Running/...; v1.0: notStarted/Running/...)."
    breaks = f"v1.0 statuses are nonstarted/running/succeeded/failed ({STATUS10}); v1.1+ notStarted/running/succeeded/failed (specs/face.yaml)."
    expected_check = "status_in_version_enum"
    # The documents themselves show several spellings of these statuses (v1.0 "nonstarted", "notstarted"), so the
    # observed profile compares them case-insensitively: a wrong case is a defect only against the documents.
    profile = "docs"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _status_body(exchange, reply)
        table = _WRONG_CASE_V10 if exchange.version == "v1.0" else _WRONG_CASE
        if body is not None and isinstance(body.get("status"), str) and body["status"] in table:
            return replace(reply, json={**body, "status": table[body["status"]]})
        return reply


@register_fault
class StatusGoesBackwards(Fault):
    """Once a status URL reported ``running``, its next ``running`` read reports not-started again."""

    name = "status-goes-backwards"
    description = "While training runs, a status read goes back from running to notStarted."
    breaks = f"Status moves notStarted -> running -> succeeded|failed only ({STATUS10})."
    expected_check = "lro_legal_status_path"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _status_body(exchange, reply)
        if body is None or body.get("status") != "running" or _first_read_passes(exchange, self.name):
            return reply
        return replace(reply, json={**body, "status": _not_started(exchange.version)})


@register_fault
class TerminalNotSticky(Fault):
    """Once a status URL reported ``failed``, later reads of that URL report ``running``."""

    name = "terminal-not-sticky"
    description = "After reporting failed, later status reads report running again."
    breaks = f"A terminal training status (succeeded/failed) never changes until the next train ({STATUS10})."
    expected_check = "lro_terminal_sticky"
    _terminal: ClassVar[str] = "failed"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _status_body(exchange, reply)
        if body is None or body.get("status") != self._terminal or _first_read_passes(exchange, self.name):
            return reply
        reverted = {k: v for k, v in body.items() if k not in ("message", "finishedTime")}
        reverted["status"] = "running"
        return replace(reply, json=reverted)


@register_fault
class OperationsDisagree(Fault):
    name = "operations-disagree"
    description = "/operations/{id} reports running while /training reports succeeded."
    breaks = f"The operation named by operation-Location and the training status describe the same training ({TRAIN})."
    expected_check = "lro_operations_agree"
    api_versions = WITH_OPERATIONS  # v1.0 has no /operations
    # Only the docs profile links train to /operations/{id}; observed train links the group's own /training
    # (tests/reference/recordings/face/v1.2-preview.1/test-proxy-python/test_identify.pyTestIdentifytest_identify_from_person_group.elided.json
    # entry 10), so there is no second status resource to disagree with.
    profile = "docs"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _status_body(exchange, reply)
        if body is not None and exchange.operation_id == _OPERATION and body.get("status") == "succeeded":
            changed = {k: v for k, v in body.items() if k != "finishedTime"}
            changed["status"] = "running"
            return replace(reply, json=changed)
        return reply


def _legacy_timestamp(value: str) -> str:
    """``2024-03-05T11:07:58.371Z`` -> ``3/5/2024 11:07:58 AM`` (the format of the v1.0 page's example)."""
    instant = datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")
    hour = instant.hour % 12 or 12
    half = "AM" if instant.hour < 12 else "PM"
    return f"{instant.month}/{instant.day}/{instant.year} {hour}:{instant.minute:02d}:{instant.second:02d} {half}"


_TIMESTAMP_FIELDS = ("createdDateTime", "lastActionDateTime", "lastSuccessfulTrainingDateTime", "createdTime", "lastActionTime", "finishedTime")


@register_fault
class UnparsableTimestamps(Fault):
    name = "unparsable-timestamps"
    description = "Status timestamps use the '3/5/2024 11:07:58 AM' format instead of RFC 3339."
    breaks = "createdDateTime & co. are date-time (RFC 3339) values (specs/face.yaml TrainingResult, OperationResult)."
    expected_check = "response_schema_conforms"
    # The observed profile accepts the "1/3/2017 4:11:35 AM" shape on training status (the v1.0 Get Training Status
    # reference shows it), and observed training is never read at /operations/{id} (OperationResult's strict
    # date-times), so the defect shows only against the documents' date-time.
    profile = "docs"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _status_body(exchange, reply)
        if body is None:
            return reply
        changed = dict(body)
        for name in _TIMESTAMP_FIELDS:
            if isinstance(changed.get(name), str):
                changed[name] = _legacy_timestamp(changed[name])
        return replace(reply, json=changed)


@register_fault
class TimestampsOutOfOrder(Fault):
    name = "timestamps-out-of-order"
    description = "lastActionDateTime / lastActionTime is one hour before the creation time."
    breaks = "The last action happens at or after creation (specs/face.yaml TrainingResult, OperationResult field descriptions)."
    expected_check = "lro_timestamps_ordered"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _status_body(exchange, reply)
        if body is None:
            return reply
        for created, last in (("createdDateTime", "lastActionDateTime"), ("createdTime", "lastActionTime")):
            if isinstance(body.get(created), str) and isinstance(body.get(last), str):
                start = datetime.strptime(body[created][:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=exchange.now.tzinfo)
                return replace(reply, json={**body, last: format_rfc3339(start - timedelta(hours=1))})
        return reply


@register_fault
class NotTrainedReturns200(Fault):
    name = "not-trained-returns-200"
    description = "Training status of a never-trained group is 200 notStarted instead of 404 PersonGroupNotTrained."
    breaks = f"Get Training Status of a never-trained group is 404 PersonGroupNotTrained ({STATUS10}; {FACE_ERROR_CODES})."
    expected_check = "lro_not_trained_before_train"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if _is_training_status(exchange) and reply.status == 404 and reply.error is not None and reply.error.code.endswith("NotTrained"):
            body = {
                "status": _not_started(exchange.version),
                "createdDateTime": format_rfc3339(exchange.now),
                "lastActionDateTime": None,
                "lastSuccessfulTrainingDateTime": None,
            }
            return Reply(status=200, json=body, headers=without_header(reply.headers, ERROR_CODE_HEADER))
        return reply


# ----------------------------------------------------------------------------- behaviour knobs


@register_fault
class TrainingNeverFinishes(Fault):
    """Knob ``training_scale``: a training's schedule is fixed at submission and every read derives from it."""

    name = "training-never-finishes"
    description = "Training leaves the queue but never reaches succeeded or failed."
    breaks = f"Training completes in seconds to minutes ({TRAIN})."
    expected_check = "lro_reaches_terminal"

    def adjust(self, behaviour: Behaviour) -> Behaviour:
        return replace(behaviour, training_scale=math.inf)


@register_fault
class InstantTraining(Fault):
    """Knob ``training_scale`` (0): see :class:`TrainingNeverFinishes`."""

    name = "instant-training"
    description = "Training is already finished on the very first status read after train."
    breaks = f"Training is asynchronous and takes time; it is first notStarted/running ({TRAIN}; {STATUS10})."
    expected_check = "lro_not_instant"

    def adjust(self, behaviour: Behaviour) -> Behaviour:
        return replace(behaviour, training_scale=0.0)


@register_fault
class EmptyGroupSucceeds(Fault):
    """Knob ``empty_training_fails``: the outcome is part of the group's training history, not only of one reply."""

    name = "empty-group-succeeds"
    description = "Training a group without persons or faces succeeds."
    breaks = f"Training fails when the group has no persons or no persisted faces ({STATUS10})."
    expected_check = "lro_empty_group_fails"

    def adjust(self, behaviour: Behaviour) -> Behaviour:
        return replace(behaviour, empty_training_fails=False)


@register_fault
class DeletedGroupReadable(Fault):
    """Knob ``deleted_readable``: a reply rewrite cannot produce the deleted group, only the handler keeps it."""

    name = "deleted-group-readable"
    description = "A deleted person group can still be read with GET."
    breaks = f"After Delete Person Group the group is 404 PersonGroupNotFound ({FACE_ERROR_CODES})."
    expected_check = "deleted_resource_not_found"

    def adjust(self, behaviour: Behaviour) -> Behaviour:
        return replace(behaviour, deleted_readable=True)


@register_fault
class AuthIgnored(Fault):
    """Knob ``enforce_auth``, read by the pipeline's auth step (before any reply exists)."""

    name = "auth-ignored"
    description = "Requests with a missing or wrong subscription key are served."
    breaks = f"A missing or invalid Ocp-Apim-Subscription-Key gets 401 ({TRAIN}, Security; {STATUS10}, Response 401)."
    expected_check = "auth_rejects_bad_key"

    def adjust(self, behaviour: Behaviour) -> Behaviour:
        return replace(behaviour, enforce_auth=False)


@register_fault
class PopulatedGroupFails(Fault):
    name = "populated-group-fails"
    description = "Training a group whose persons all have persisted faces ends failed."
    breaks = f"A group with persons and persisted faces trains to succeeded: ready for Identify ({STATUS10})."
    expected_check = "lro_populated_group_succeeds"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _status_body(exchange, reply)
        if body is None or str(body.get("status", "")).lower() != "succeeded":
            return reply
        failed = {k: v for k, v in body.items() if k not in {"lastSuccessfulTrainingDateTime", "lastSuccessfulTrainingId"}}
        failed["status"] = "failed"
        if "message" in body or _is_training_status(exchange):
            failed["message"] = "There is no persisted face in the group."
        return replace(reply, json=failed)


@register_fault
class OperationLocationOffOrigin(Fault):
    name = "operation-location-off-origin"
    description = "Train (v1.1+) points operation-Location at another host (same path)."
    breaks = (
        "Train's operation-Location leads to the operation's status on the service itself "
        f"({TRAIN}); a client following a link to another origin would send its key there."
    )
    expected_check = "lro_operation_location_resolvable"
    api_versions = WITH_OPERATIONS

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if not _is_train(exchange) or reply.status != 202:
            return reply
        location = next((v for k, v in reply.headers.items() if k.lower() == "operation-location"), None)
        path = urlsplit(location).path if location else f"/face/{exchange.version}/operations/00000000-0000-0000-0000-000000000000"
        headers = without_header(reply.headers, "operation-location")
        headers["operation-Location"] = f"http://elsewhere.invalid{path}"  # either profile's link, on another host
        return replace(reply, headers=headers)
