"""Flow evidence: what one flow (a long-running operation, a paged list walk, a profile's
enrollments, an ``Operation-Id`` replay, a provoked error) looked like from the outside.

Evidence is a frozen value built from exchanges alone (:class:`~conformance.transport.ResponseRecord`
with its send time), so the same flow rules judge what a live scenario, a recording or a
proxy saw. :mod:`conformance.flows.status` is the one place status values are normalised
and ranked.
"""

from cognitive_conformance.conformance.flows.evidence import (
    AFTER_DELETE,
    BAD_KEY,
    NEVER_TRAINED,
    NO_KEY,
    OPERATION,
    POLL,
    RESOURCE,
    Enrollment,
    EnrollmentLedger,
    Expected,
    ExpectedOutcome,
    IdempotencyRecord,
    LroRead,
    LroTrace,
    PageWalk,
    Provocation,
    build_trace,
)
from cognitive_conformance.conformance.flows.status import StatusModel, norm_status, status_of

__all__ = [
    "AFTER_DELETE",
    "BAD_KEY",
    "NEVER_TRAINED",
    "NO_KEY",
    "OPERATION",
    "POLL",
    "RESOURCE",
    "Enrollment",
    "EnrollmentLedger",
    "Expected",
    "ExpectedOutcome",
    "IdempotencyRecord",
    "LroRead",
    "LroTrace",
    "PageWalk",
    "Provocation",
    "StatusModel",
    "build_trace",
    "norm_status",
    "status_of",
]
