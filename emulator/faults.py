"""Named, opt-in fault modifiers: each makes the emulator break exactly one documented rule.

The default emulator is faithful. A fault is switched on by name (``EmulatorConfig(faults=
("train-returns-200",))`` or ``python -m emulator --fault train-returns-200``) and acts at one
of two well-defined points that ``create_app`` applies:

* :meth:`Fault.adjust` turns a :class:`Behaviour` knob the handlers consult (auth
  enforcement, training speed, empty-group outcome, soft delete);
* :meth:`Fault.transform` rewrites a finished :class:`~emulator.routing.Reply` (status,
  headers, JSON body) just before it is rendered.

Every fault names the rule it breaks (``breaks``, with its source) and the conformance check
that must catch it (``expected_check``), so the test suite can assert that each fault makes
exactly its check fail.

Source: ARCHITECTURE.md "The emulator" (faults are named, opt-in modifiers applied in
create_app; each names the check expected to catch it); schemathesis
``test/apps/catalog/openapi/modifiers`` (pattern).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, ClassVar, Iterable

from emulator.clock import format_rfc3339
from emulator.errors import ERROR_CODE_HEADER
from emulator.routing import NO_BODY, Reply

__all__ = [
    "Behaviour",
    "Exchange",
    "Fault",
    "FAULTS",
    "register_fault",
    "validate_fault_names",
    "build_faults",
    "describe_faults",
]


@dataclass(frozen=True)
class Behaviour:
    """The knobs faults may turn; the defaults are the faithful behaviour."""

    enforce_auth: bool = True
    """Reject missing/wrong subscription keys with 401 (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247; https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes)."""
    empty_group_fails: bool = True
    """Training a group with no persons or no faces fails (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247: failed "due to no person or no persisted face")."""
    deleted_groups_readable: bool = False
    """A deleted group stays readable (a defect; DELETE must make it 404)."""
    training_scale: float = 1.0
    """Multiplier on training durations: 0 finishes at once, ``inf`` never finishes."""
    flags: frozenset[str] = frozenset()
    """Service-specific defect switches (fault names) that a service's handlers consult; empty = faithful."""


@dataclass(frozen=True)
class Exchange:
    """What a fault knows about the request whose reply it may rewrite."""

    service: str | None
    operation_id: str | None
    version: str | None
    key: str | None
    method: str
    path: str
    now: datetime
    store: Any


class Fault:
    """Base class: identity behaviour. Subclasses set the four class attributes and override a hook."""

    name: ClassVar[str]
    description: ClassVar[str]
    breaks: ClassVar[str]
    expected_check: ClassVar[str]
    service: ClassVar[str | None] = None  # the service whose rule it breaks; None: inferred (see catalogue())
    api_version: ClassVar[str | None] = None  # a version where it shows (None: the service's default)

    def adjust(self, behaviour: Behaviour) -> Behaviour:
        """Return the behaviour with this fault's knob turned (default: unchanged)."""
        return behaviour

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        """Return the reply this fault sends instead (default: unchanged)."""
        return reply


FAULTS: dict[str, type[Fault]] = {}
"""Every known fault by its CLI name."""


def register_fault(cls: type[Fault]) -> type[Fault]:
    """Class decorator: add a fault to :data:`FAULTS` (names are unique, kebab-case)."""
    for attr in ("name", "description", "breaks", "expected_check"):
        if not isinstance(getattr(cls, attr, None), str) or not getattr(cls, attr):
            raise TypeError(f"fault {cls.__name__} must define a non-empty {attr!r}")
    if cls.name in FAULTS and FAULTS[cls.name] is not cls:
        raise ValueError(f"duplicate fault name {cls.name!r}")
    FAULTS[cls.name] = cls
    return cls


def _load_service_faults() -> None:
    """Import every service package so faults they register are known."""
    from emulator.services import registered_services

    registered_services()


def validate_fault_names(names: Iterable[str]) -> None:
    """Raise ``ValueError`` naming the unknown faults and listing the valid ones."""
    _load_service_faults()
    unknown = [n for n in names if n not in FAULTS]
    if unknown:
        valid = ", ".join(sorted(FAULTS))
        raise ValueError(f"unknown fault(s): {', '.join(unknown)}. Valid faults: {valid}")


def build_faults(names: Iterable[str]) -> tuple[Fault, ...]:
    """Instantiate the named faults in order (validated first)."""
    names = tuple(names)
    validate_fault_names(names)
    return tuple(FAULTS[n]() for n in names)


def describe_faults() -> str:
    """One line per fault, ``name: description (caught by expected_check)``, for ``--help``."""
    _load_service_faults()
    return "\n".join(f"{cls.name}: {cls.description} (caught by {cls.expected_check})" for _, cls in sorted(FAULTS.items()))


# ----------------------------------------------------------------------------- Face helpers

_TRAIN_OPS = frozenset({"PersonGroupOperations_TrainPersonGroup", "PersonGroupOperations_TrainLargePersonGroup"})
_TRAINING_STATUS_OPS = frozenset(
    {"PersonGroupOperations_GetPersonGroupTrainingStatus", "PersonGroupOperations_GetLargePersonGroupTrainingStatus"}
)
_OPERATION_OPS = frozenset({"GetOperationResult"})
_STATUS_OPS = _TRAINING_STATUS_OPS | _OPERATION_OPS


def _status_body(exchange: Exchange, reply: Reply) -> dict[str, Any] | None:
    """The JSON body of a successful training-status/operation read, else ``None``."""
    if exchange.operation_id in _STATUS_OPS and reply.status == 200 and isinstance(reply.json, dict) and "status" in reply.json:
        return reply.json
    return None


def _with_body(reply: Reply, body: dict[str, Any]) -> Reply:
    return replace(reply, json=body)


def _is_error(reply: Reply) -> bool:
    return reply.status >= 400 and reply.error is not None


def _running_spelling(version: str | None) -> str:
    return "running"


def _not_started_spelling(version: str | None) -> str:
    return "nonstarted" if version == "v1.0" else "notStarted"


# ----------------------------------------------------------------------------- the faults


@register_fault
class TrainReturns200(Fault):
    name = "train-returns-200"
    description = "Train answers 200 instead of 202 Accepted."
    breaks = "Train Person Group returns 202 with an empty body (https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json)."
    expected_check = "status_code_documented"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if exchange.operation_id in _TRAIN_OPS and reply.status == 202:
            return replace(reply, status=200)
        return reply


@register_fault
class DropOperationLocation(Fault):
    name = "drop-operation-location"
    description = "Train (v1.1+) omits the operation-Location header."
    breaks = "Train returns an operation-Location header (https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/54923347f07c69f929305d5c2fd3fa7fda1dab96/specification/ai/Face/routes.persongroup.tsp)."
    expected_check = "lro_operation_location_present"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if exchange.operation_id in _TRAIN_OPS:
            headers = {k: v for k, v in reply.headers.items() if k.lower() != "operation-location"}
            return replace(reply, headers=headers)
        return reply


@register_fault
class DropErrorCodeHeader(Fault):
    name = "drop-error-code-header"
    description = "Error responses omit the x-ms-error-code header."
    breaks = "Every FaceErrorResponse carries x-ms-error-code (https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json)."
    expected_check = "error_code_header_present"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if _is_error(reply):
            headers = {k: v for k, v in reply.headers.items() if k.lower() != ERROR_CODE_HEADER}
            return replace(reply, headers=headers)
        return reply


@register_fault
class ErrorCodeHeaderMismatch(Fault):
    name = "error-code-header-mismatch"
    description = "x-ms-error-code names a different code than the body's error.code."
    breaks = "x-ms-error-code is the error code of the response (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json)."
    expected_check = "error_code_header_matches_body"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if _is_error(reply) and reply.error is not None:
            other = "BadArgument" if reply.error.code != "BadArgument" else "Unspecified"
            headers = {k: v for k, v in reply.headers.items() if k.lower() != ERROR_CODE_HEADER}
            headers[ERROR_CODE_HEADER] = other
            return replace(reply, headers=headers)
        return reply


@register_fault
class PlaintextErrors(Fault):
    name = "plaintext-errors"
    description = "Errors are sent as text/plain messages instead of the JSON envelope."
    breaks = 'Errors are {"error": {"code", "message"}} JSON (https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 FaceErrorResponse; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json).'
    expected_check = "error_envelope_valid"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if _is_error(reply) and reply.error is not None:
            return replace(reply, json=NO_BODY, content=reply.error.message.encode("utf-8"), media_type="text/plain; charset=utf-8")
        return reply


@register_fault
class GenericNotFoundCode(Fault):
    name = "generic-not-found-code"
    description = "404s use the generic code NotFound instead of the documented specific code."
    breaks = "404 codes are PersonGroupNotFound, PersonNotFound, PersonGroupNotTrained, ... (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247; https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes)."
    expected_check = "error_code_documented"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if reply.status == 404 and _is_error(reply) and isinstance(reply.json, dict) and isinstance(reply.json.get("error"), dict):
            body = {**reply.json, "error": {**reply.json["error"], "code": "NotFound"}}
            headers = {k: v for k, v in reply.headers.items() if k.lower() != ERROR_CODE_HEADER}
            headers[ERROR_CODE_HEADER] = "NotFound"
            return replace(reply, json=body, headers=headers)
        return reply


_WRONG_CASE_V10 = {"nonstarted": "notStarted", "running": "Running", "succeeded": "Succeeded", "failed": "Failed"}
_WRONG_CASE_V11 = {"notStarted": "NotStarted", "running": "Running", "succeeded": "Succeeded", "failed": "Failed"}


@register_fault
class StatusWrongCasing(Fault):
    name = "status-wrong-casing"
    description = "Training statuses are spelled in the wrong case (v1.1+: NotStarted/Running/...; v1.0: notStarted/Running/...)."
    breaks = "v1.0 enum is nonstarted/running/succeeded/failed; v1.1+ is notStarted/running/succeeded/failed (https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json)."
    expected_check = "status_in_version_enum"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _status_body(exchange, reply)
        if body is None:
            return reply
        table = _WRONG_CASE_V10 if exchange.version == "v1.0" else _WRONG_CASE_V11
        status = body.get("status")
        if isinstance(status, str) and status in table:
            return _with_body(reply, {**body, "status": table[status]})
        return reply


class _RevertAfterTerminal(Fault):
    """Once a read of a status URL reported ``_terminal``, later reads of that URL report ``running``."""

    _terminal: ClassVar[str]

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _status_body(exchange, reply)
        if body is None:
            return reply
        seen_key = (exchange.version, exchange.path)
        with exchange.store.partition(exchange.key or "", f"fault:{self.name}", set) as seen:
            if body.get("status") != self._terminal:
                return reply
            if seen_key not in seen:
                seen.add(seen_key)
                return reply
        reverted = {k: v for k, v in body.items() if k not in ("message", "finishedTime")}
        reverted["status"] = _running_spelling(exchange.version)
        return _with_body(reply, reverted)


@register_fault
class StatusGoesBackwards(Fault):
    """Once a status URL reported ``running``, its next ``running`` read reports not-started again."""

    name = "status-goes-backwards"
    description = "While training runs, a status read goes back from running to notStarted."
    breaks = "Status moves notStarted -> running -> succeeded|failed only (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247; https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json)."
    expected_check = "lro_legal_status_path"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _status_body(exchange, reply)
        if body is None or body.get("status") != _running_spelling(exchange.version):
            return reply
        seen_key = (exchange.version, exchange.path)
        with exchange.store.partition(exchange.key or "", f"fault:{self.name}", set) as seen:
            if seen_key not in seen:
                seen.add(seen_key)
                return reply
        reverted = dict(body)
        reverted["status"] = _not_started_spelling(exchange.version)
        return _with_body(reply, reverted)


@register_fault
class TerminalNotSticky(_RevertAfterTerminal):
    name = "terminal-not-sticky"
    description = "After reporting failed, later status reads report running again."
    breaks = "A terminal training status (succeeded/failed) never changes until the next train (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247)."
    expected_check = "lro_terminal_sticky"
    _terminal = "failed"


@register_fault
class TrainingNeverFinishes(Fault):
    name = "training-never-finishes"
    description = "Training leaves the queue but never reaches succeeded or failed."
    breaks = "Training completes in seconds to minutes (https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1)."
    expected_check = "lro_reaches_terminal"

    def adjust(self, behaviour: Behaviour) -> Behaviour:
        return replace(behaviour, training_scale=math.inf)


@register_fault
class OperationsDisagree(Fault):
    name = "operations-disagree"
    description = "/operations/{id} reports running while /training reports succeeded."
    breaks = "The operation resource and the training status describe the same training (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/54923347f07c69f929305d5c2fd3fa7fda1dab96/specification/ai/Face/routes.persongroup.tsp)."
    expected_check = "lro_operations_agree"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _status_body(exchange, reply)
        if body is not None and exchange.operation_id in _OPERATION_OPS and body.get("status") == "succeeded":
            changed = {k: v for k, v in body.items() if k != "finishedTime"}
            changed["status"] = "running"
            return _with_body(reply, changed)
        return reply


def _legacy_timestamp(value: str) -> str:
    """``2024-03-05T11:07:58.371Z`` -> ``3/5/2024 11:07:58 AM`` (the format of the example in https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247)."""
    instant = datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")
    hour = instant.hour % 12 or 12
    half = "AM" if instant.hour < 12 else "PM"
    return f"{instant.month}/{instant.day}/{instant.year} {hour}:{instant.minute:02d}:{instant.second:02d} {half}"


_TIMESTAMP_FIELDS = ("createdDateTime", "lastActionDateTime", "lastSuccessfulTrainingDateTime", "createdTime", "lastActionTime", "finishedTime")


@register_fault
class UnparsableTimestamps(Fault):
    name = "unparsable-timestamps"
    description = "Status timestamps use the '3/5/2024 11:07:58 AM' format instead of RFC 3339."
    breaks = "createdDateTime & co. are date-time (RFC 3339) values (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; the v1.0 Get Training Status reference (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247) shows the legacy format)."
    expected_check = "response_schema_conforms"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _status_body(exchange, reply)
        if body is None:
            return reply
        changed = dict(body)
        for name in _TIMESTAMP_FIELDS:
            if isinstance(changed.get(name), str):
                changed[name] = _legacy_timestamp(changed[name])
        return _with_body(reply, changed)


@register_fault
class TimestampsOutOfOrder(Fault):
    name = "timestamps-out-of-order"
    description = "lastActionDateTime / lastActionTime is one hour before the creation time."
    breaks = "The last action happens at or after creation (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json field meanings)."
    expected_check = "lro_timestamps_ordered"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _status_body(exchange, reply)
        if body is None:
            return reply
        for created, last in (("createdDateTime", "lastActionDateTime"), ("createdTime", "lastActionTime")):
            if isinstance(body.get(created), str) and isinstance(body.get(last), str):
                start = datetime.strptime(body[created][:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=exchange.now.tzinfo)
                return _with_body(reply, {**body, last: format_rfc3339(start - timedelta(hours=1))})
        return reply


@register_fault
class NotTrainedReturns200(Fault):
    name = "not-trained-returns-200"
    description = "Training status of a never-trained group is 200 notStarted instead of 404 PersonGroupNotTrained."
    breaks = "Get Training Status of a never-trained group is 404 PersonGroupNotTrained (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247; https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes)."
    expected_check = "lro_not_trained_before_train"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if (
            exchange.operation_id in _TRAINING_STATUS_OPS
            and reply.status == 404
            and reply.error is not None
            and reply.error.code.endswith("NotTrained")
        ):
            body = {
                "status": _not_started_spelling(exchange.version),
                "createdDateTime": format_rfc3339(exchange.now),
                "lastActionDateTime": None,
                "lastSuccessfulTrainingDateTime": None,
            }
            headers = {k: v for k, v in reply.headers.items() if k.lower() != ERROR_CODE_HEADER}
            return Reply(status=200, json=body, headers=headers)
        return reply


@register_fault
class EmptyGroupSucceeds(Fault):
    name = "empty-group-succeeds"
    description = "Training a group without persons or faces succeeds."
    breaks = "Training fails when the group has no persons or no persisted faces (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247)."
    expected_check = "lro_empty_group_fails"

    def adjust(self, behaviour: Behaviour) -> Behaviour:
        return replace(behaviour, empty_group_fails=False)


@register_fault
class AuthIgnored(Fault):
    name = "auth-ignored"
    description = "Requests with a missing or wrong subscription key are served."
    breaks = "A missing/invalid Ocp-Apim-Subscription-Key gets 401 (https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 Security; https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 401)."
    expected_check = "auth_rejects_bad_key"

    def adjust(self, behaviour: Behaviour) -> Behaviour:
        return replace(behaviour, enforce_auth=False)


@register_fault
class DeletedGroupReadable(Fault):
    name = "deleted-group-readable"
    description = "A deleted person group can still be read with GET."
    breaks = "After Delete Person Group the group is 404 PersonGroupNotFound (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json)."
    expected_check = "deleted_resource_not_found"

    def adjust(self, behaviour: Behaviour) -> Behaviour:
        return replace(behaviour, deleted_groups_readable=True)


@register_fault
class InstantTraining(Fault):
    name = "instant-training"
    description = "Training is already finished on the very first status read after train."
    breaks = "Training is asynchronous and takes time; it is first notStarted/running (https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1; https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247)."
    expected_check = "lro_not_instant"

    def adjust(self, behaviour: Behaviour) -> Behaviour:
        return replace(behaviour, training_scale=0.0)


def catalogue() -> list[dict[str, str | None]]:
    """Every fault as plain data (``python -m emulator --list-faults``), sorted by service and name.

    The checker's self-test reads this over a process boundary: it never imports the emulator.
    """
    validate_fault_names(())  # loads service-registered faults
    return [
        {
            "name": cls.name,
            "service": service_of(cls),
            "api_version": cls.api_version,
            "expected_check": cls.expected_check,
            "description": cls.description,
            "breaks": cls.breaks,
        }
        for cls in sorted(FAULTS.values(), key=lambda c: (service_of(c), c.name))
    ]


def service_of(cls: type[Fault]) -> str:
    """The service a fault belongs to: its explicit ``service``, else the service package that
    registers it (``emulator.services.<pkg>.…`` → that package's ``SERVICE.name``), else Face
    (the core train-then-poll faults in this module are Face's)."""
    if cls.service:
        return cls.service
    parts = cls.__module__.split(".")
    if parts[:2] == ["emulator", "services"] and len(parts) > 2:
        import importlib

        return importlib.import_module(f"emulator.services.{parts[2]}").SERVICE.name
    return "face"
