"""Typed failures: one class per violated rule.

A check raises exactly one :class:`Failure` subclass when a response breaks the rule it
encodes. The hierarchy groups them by rule family, mirroring ``conformance/checks/``::

    Failure
    ├── StatusFailure ............ checks/status.py
    │   ├── UndocumentedStatusCode
    │   └── UnexpectedStatusForSituation
    ├── HeaderFailure ............ checks/headers.py
    │   ├── MissingOperationLocation
    │   ├── MalformedOperationLocation
    │   ├── MissingOperationId
    │   └── MissingErrorCodeHeader / ErrorCodeHeaderMismatch
    ├── BodyFailure .............. checks/body.py
    │   ├── SchemaViolation
    │   ├── StatusNotInVersionEnum
    │   └── UndocumentedContentType
    ├── ErrorFailure ............. checks/errors.py
    │   ├── InvalidErrorEnvelope
    │   └── UndocumentedErrorCode / UnexpectedErrorCode
    ├── LroFailure ............... checks/lro.py
    │   ├── IllegalStatusTransition, TerminalStatusChanged, OperationNeverFinished
    │   ├── OperationsDisagree, TimestampsOutOfOrder, TrainingResultUnexpected
    ├── ClientFailure ............ checks/client.py (the client's behaviour, not the service's)
    │   ├── PolledTooFast, TerminalResultNotRead, BlindPostRetry
    └── ScenarioFailure .......... the scenario itself could not follow the documented flow
        └── ... (FlowBroken)

Every failure carries ``received`` and ``documented`` so messages read
``Received: ... / Documented: ...``; the registry adds the check name, rule and source.
"""

from __future__ import annotations

__all__ = [
    "Failure",
    "StatusFailure",
    "UndocumentedStatusCode",
    "UnexpectedStatusForSituation",
    "HeaderFailure",
    "MissingOperationLocation",
    "MalformedOperationLocation",
    "MissingOperationId",
    "MissingErrorCodeHeader",
    "ErrorCodeHeaderMismatch",
    "BodyFailure",
    "SchemaViolation",
    "StatusNotInVersionEnum",
    "UndocumentedContentType",
    "ErrorFailure",
    "InvalidErrorEnvelope",
    "UndocumentedErrorCode",
    "UnexpectedErrorCode",
    "LroFailure",
    "IllegalStatusTransition",
    "TerminalStatusChanged",
    "OperationNeverFinished",
    "OperationsDisagree",
    "TimestampsOutOfOrder",
    "TrainingResultUnexpected",
    "AccountingViolation",
    "ResourceFieldChanged",
    "ClientFailure",
    "PolledTooFast",
    "TerminalResultNotRead",
    "BlindPostRetry",
    "ScenarioFailure",
    "FlowBroken",
]


class Failure(AssertionError):
    """A response broke a documented rule.

    ``message`` says what happened; ``received``/``documented`` are short values for the
    ``Received: ... / Documented: ...`` lines; ``hint`` is an optional one-line fix.
    """

    title = "Conformance failure"

    def __init__(
        self,
        message: str,
        *,
        received: object = None,
        documented: object = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.received = received
        self.documented = documented
        self.hint = hint
        super().__init__(self.describe())

    def describe(self) -> str:
        lines = [self.message]
        if self.received is not None:
            lines.append(f"Received: {self.received}")
        if self.documented is not None:
            lines.append(f"Documented: {self.documented}")
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)


class StatusFailure(Failure):
    title = "Status code"


class UndocumentedStatusCode(StatusFailure):
    title = "Undocumented status code"


class UnexpectedStatusForSituation(StatusFailure):
    title = "Wrong status code for the situation"


class HeaderFailure(Failure):
    title = "Response header"


class MissingOperationLocation(HeaderFailure):
    title = "Missing Operation-Location header"


class MalformedOperationLocation(HeaderFailure):
    title = "Malformed Operation-Location header"


class MissingOperationId(HeaderFailure):
    title = "Missing Operation-Id header"


class MissingErrorCodeHeader(HeaderFailure):
    title = "Missing x-ms-error-code header"


class ErrorCodeHeaderMismatch(HeaderFailure):
    title = "x-ms-error-code differs from the body's error code"


class BodyFailure(Failure):
    title = "Response body"


class SchemaViolation(BodyFailure):
    title = "Response body violates the schema"


class StatusNotInVersionEnum(BodyFailure):
    title = "Status value not in this API version's enum"


class UndocumentedContentType(BodyFailure):
    title = "Undocumented response Content-Type"


class ErrorFailure(Failure):
    title = "Error response"


class InvalidErrorEnvelope(ErrorFailure):
    title = "Error body is not the documented envelope"


class UndocumentedErrorCode(ErrorFailure):
    title = "Error code not documented for this status"


class UnexpectedErrorCode(ErrorFailure):
    title = "Wrong error code for the situation"


class LroFailure(Failure):
    title = "Long-running operation"


class IllegalStatusTransition(LroFailure):
    title = "Illegal status transition"


class TerminalStatusChanged(LroFailure):
    title = "Terminal status changed on re-read"


class OperationNeverFinished(LroFailure):
    title = "Operation did not reach a terminal status"


class OperationsDisagree(LroFailure):
    title = "Operation status and resource status disagree"


class TimestampsOutOfOrder(LroFailure):
    title = "Timestamps unparsable or out of order"


class TrainingResultUnexpected(LroFailure):
    title = "Wrong terminal outcome"


class AccountingViolation(LroFailure):
    title = "Enrollment accounting is inconsistent"


class ResourceFieldChanged(LroFailure):
    title = "Immutable field changed"


class ClientFailure(Failure):
    title = "Client behaviour"


class PolledTooFast(ClientFailure):
    title = "The client polled sooner than the configured floor"


class TerminalResultNotRead(ClientFailure):
    title = "The client moved on before reading a terminal status"


class BlindPostRetry(ClientFailure):
    title = "The client sent a non-idempotent POST again after it had succeeded"


class ScenarioFailure(Failure):
    title = "Scenario could not follow the documented flow"


class FlowBroken(ScenarioFailure):
    title = "Documented flow broken"
