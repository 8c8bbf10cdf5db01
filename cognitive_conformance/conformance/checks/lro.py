"""Rule family: long-running operations (train-then-poll), judged on an :class:`~conformance.flows.LroTrace`.

Every rule here is a flow rule: a pure function of the whole trace (submit, every status
read with its send time, the documented status model of the API version), so the same rule
judges what a live scenario, a recording or a proxy saw. The documented paths::

    notStarted → running → succeeded | failed        (Face; v1.0 spells notStarted "nonstarted")
    Enrolling → Training → Enrolled                   (Speaker enrollment)
    NotStarted → Running → Succeeded | Failed         (Custom Voice)

No status goes back, a terminal status stays terminal on every re-read, the operation status
resource agrees with the resource, timestamps parse and are ordered, ``Operation-Location``
leads to a status resource on the target's own origin, and the client polls politely
(no polls after a terminal status, every ``Retry-After`` honoured).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from cognitive_conformance.conformance.checks._util import parse_timestamp, truncate
from cognitive_conformance.conformance.checks.registry import NotApplicable, flow_rule
from cognitive_conformance.conformance.failures import (
    HeaderFailure,
    IllegalStatusTransition,
    LroFailure,
    OperationNeverFinished,
    OperationsDisagree,
    TerminalStatusChanged,
    TimestampsOutOfOrder,
    TrainingResultUnexpected,
)
from cognitive_conformance.conformance.flows.evidence import OPERATION, RESOURCE, LroRead, LroTrace, origin_unknown, sequence_text
from cognitive_conformance.conformance.flows.status import norm_status, status_of
from cognitive_conformance.conformance.spec import Spec

__all__ = [
    "OperationLocationUnresolvable",
    "PollingTooCostly",
    "status_of",
    "lro_legal_status_path",
    "lro_terminal_sticky",
    "lro_reaches_terminal",
    "lro_operations_agree",
    "lro_timestamps_ordered",
    "lro_operation_location_resolvable",
    "lro_polling_cost",
    "lro_not_instant",
]

# Timestamp fields that must be ordered (earlier first), per resource shape.
_ORDERED_FIELDS = (
    ("createdDateTime", "lastActionDateTime"),  # Face TrainingStatus, Custom Voice resources
    ("createdTime", "lastActionTime"),  # Face OperationResult
    ("createdTime", "finishedTime"),
    ("lastActionTime", "finishedTime"),
    ("createdDateTime", "lastUpdatedDateTime"),  # Speaker TiProfileInfo
)
_ALL_TIME_FIELDS = sorted({f for pair in _ORDERED_FIELDS for f in pair})
_INSTANT_WINDOW_S = 0.1



class OperationLocationUnresolvable(HeaderFailure):
    title = "Operation-Location does not lead to a status resource on the target"


class PollingTooCostly(LroFailure):
    title = "The client polled after a terminal status or sooner than Retry-After asked"


def _statuses(reads: tuple[LroRead, ...]) -> list[str]:
    return [r.status for r in reads if r.status is not None]


@flow_rule(evidence=LroTrace)
def lro_legal_status_path(spec: Spec, trace: LroTrace) -> None:
    """Statuses only move forward along the documented path; none goes back.

    Source: Get Training Status (notstarted/running/succeeded/failed),
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/get-person-group-training-status;
    Custom Voice Status (NotStarted, Running, Succeeded, Failed),
    https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/operations/get;
    Speaker enrollmentStatus (Enrolling, Training, Enrolled),
    https://learn.microsoft.com/en-us/azure/ai-services/speech-service/get-started-speaker-recognition.
    """
    judged = False
    for via in trace.vias:
        seen = _statuses(trace.via(via))
        if len(seen) < 2:
            continue
        judged = True
        highest: tuple[int, str] | None = None
        for i, status in enumerate(seen):
            if i and trace.model.is_terminal(seen[i - 1]):
                break  # what follows a terminal status is lro_terminal_sticky's
            rank = trace.model.rank(status)
            if rank is None:
                continue
            if highest is not None and rank < highest[0]:
                raise IllegalStatusTransition(
                    f"{via} status went back from {highest[1]!r} to {status!r}",
                    received=sequence_text(seen[: i + 1]),
                    documented=trace.model.path(),
                )
            if highest is None or rank >= highest[0]:
                highest = (rank, status)
    if not judged:
        raise NotApplicable("fewer than two statuses were read from any status resource")


@flow_rule(evidence=LroTrace)
def lro_terminal_sticky(spec: Spec, trace: LroTrace) -> None:
    """Once a terminal status has been read, every later read returns the same terminal status.

    Source: Azure REST API guidelines, long-running operations (a terminal status is final),
    https://github.com/microsoft/api-guidelines/blob/vNext/azure/Guidelines.md#long-running-operations-with-status-monitor;
    Get Training Status (succeeded: the group is ready for Identify),
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/get-person-group-training-status.
    """
    judged = False
    for via in trace.vias:
        seen = _statuses(trace.via(via))
        first = next((i for i, s in enumerate(seen) if trace.model.is_terminal(s)), None)
        if first is None or first == len(seen) - 1:
            continue
        judged = True
        for later in seen[first + 1 :]:
            if norm_status(later) != norm_status(seen[first]):
                raise TerminalStatusChanged(
                    f"{via} terminal status {seen[first]!r} became {later!r} on re-read",
                    received=sequence_text(seen),
                    documented=f"{seen[first]} on every later read",
                )
    if not judged:
        raise NotApplicable("no status resource was read again after its terminal status")


@flow_rule(evidence=LroTrace)
def lro_reaches_terminal(spec: Spec, trace: LroTrace) -> None:
    """A submitted operation reaches a terminal status within the poll budget.

    Source: Train Person Group (training is asynchronous, "several seconds to minutes"),
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group;
    Azure REST API guidelines, long-running operations,
    https://github.com/microsoft/api-guidelines/blob/vNext/azure/Guidelines.md#long-running-operations-with-status-monitor.
    The budget is the run's --poll-timeout.
    """
    if trace.terminal_read is not None:
        return
    if trace.stopped_at_error:
        raise NotApplicable("polling stopped at an error response (judged by the response rules)")
    if not trace.budget_exhausted:
        raise NotApplicable("polling ended before its budget without a terminal status")
    polls = trace.polls
    elapsed = (polls[-1].sent_at - trace.submitted_at) if polls else 0.0
    raise OperationNeverFinished(
        f"no terminal status after {len(polls)} polls in {elapsed:.1f} s",
        received=sequence_text(_statuses(polls)),
        documented=" | ".join(sorted(trace.model.terminal)),
        hint="Raise --poll-timeout if the target is merely slow.",
    )


@flow_rule(evidence=LroTrace)
def lro_operations_agree(spec: Spec, trace: LroTrace) -> None:
    """The operation status resource agrees with the resource's own status read just before and after it.

    Source: Train Person Group (v1.1+: operation-Location leads to Get Operation Result for the same training),
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group;
    Custom Voice Operations - Get (the status of the resource the operation created),
    https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/operations/get.
    """
    model = trace.model
    if not trace.via(OPERATION) or not trace.via(RESOURCE):
        raise NotApplicable("the trace does not read both the operation and the resource")
    judged = False
    before: str | None = model.order[0]
    for i, read in enumerate(trace.reads):
        if read.via == RESOURCE and read.status is not None:
            before = read.status
            continue
        if read.via != OPERATION or read.status is None:
            continue
        after = next((r.status for r in trace.reads[i + 1 :] if r.via == RESOURCE and r.status is not None), None)
        if after is None and model.is_terminal(before):
            after = before  # a terminal resource status is final (lro_terminal_sticky), so it still holds
        lo, mid, hi = model.rank(before), model.rank(read.status), model.rank(after)
        if None in (lo, mid, hi):
            continue
        judged = True
        both_terminal = model.is_terminal(read.status) and model.is_terminal(after)
        other_terminal = both_terminal and not model.same(read.status, after)
        if not lo <= mid <= hi or other_terminal:  # type: ignore[operator]
            raise OperationsDisagree(
                f"operation status {read.status!r} while the resource read {before!r} before and {after!r} after",
                received=read.status,
                documented=f"between {before!r} and {after!r}",
            )
    if not judged:
        raise NotApplicable("no operation read has resource reads with known statuses around it")


@flow_rule(evidence=LroTrace)
def lro_timestamps_ordered(spec: Spec, trace: LroTrace) -> None:
    """Timestamps parse as date-times and are ordered: created ≤ last action ≤ finished, never moving back between reads.

    Source: Get Training Status (createdDateTime, lastActionDateTime: UTC date-times),
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/get-person-group-training-status;
    Custom Voice Operations - Get (createdDateTime, lastActionDateTime),
    https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/operations/get.
    The observed profile also accepts the "1/3/2017 4:11:35 AM" shape the Face documents show.
    """
    lenient = spec.profile == "observed"
    judged = False
    for via in trace.vias:
        prior: dict[str, tuple[object, str]] = {}
        for read in trace.via(via):
            body = read.exchange.json_or_none()
            if not 200 <= read.exchange.status_code < 300 or not isinstance(body, dict):
                continue
            parsed = {}
            for name in _ALL_TIME_FIELDS:
                value = body.get(name)
                if value is None:
                    continue
                judged = True
                stamp = parse_timestamp(value, lenient=lenient)
                if stamp is None:
                    raise TimestampsOutOfOrder(
                        f"{name} is not a parsable date-time",
                        received=truncate(value),
                        documented="RFC 3339 date-time, e.g. 2024-01-02T03:04:05Z",
                    )
                parsed[name] = stamp
            for first, second in _ORDERED_FIELDS:
                if first in parsed and second in parsed and parsed[second] < parsed[first]:
                    raise TimestampsOutOfOrder(
                        f"{second} is earlier than {first}",
                        received=f"{first}={body[first]}, {second}={body[second]}",
                        documented=f"{first} ≤ {second}",
                    )
            for name, stamp in parsed.items():
                if name in prior and stamp < prior[name][0]:  # type: ignore[operator]
                    raise TimestampsOutOfOrder(
                        f"{name} moved back between two reads",
                        received=f"{prior[name][1]} then {body[name]}",
                        documented=f"{name} never decreases",
                    )
                prior[name] = (stamp, body[name])
    if not judged:
        raise NotApplicable("no read carried a timestamp field")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


@flow_rule(evidence=LroTrace)
def lro_operation_location_resolvable(spec: Spec, trace: LroTrace) -> None:
    """Operation-Location is an absolute URL on the target's own origin, and reading it answers a status.

    Source: Azure REST API guidelines (Operation-Location: the absolute URL of the status monitor),
    https://github.com/microsoft/api-guidelines/blob/vNext/azure/Guidelines.md#long-running-operations-with-status-monitor;
    Train Person Group (v1.1+ operation-Location),
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group.
    A client sends its key to that URL, so it must not lead off the target's origin.
    """
    location = trace.operation_url or trace.submit.header("operation-location")
    if not location:
        raise NotApplicable("the submit response carries no Operation-Location")
    parts = urlsplit(location)
    if not parts.scheme or not parts.netloc:
        raise OperationLocationUnresolvable(
            "Operation-Location is not an absolute URL",
            received=truncate(location),
            documented="an absolute https URL of the status monitor on the target",
        )
    if origin_unknown(trace.submit.request.url):
        raise NotApplicable("the traffic was recorded without the target's host: its origin is unknown")
    if _origin(location) != _origin(trace.submit.request.url):
        raise OperationLocationUnresolvable(
            "Operation-Location leads to another origin than the target's",
            received=f"{parts.scheme}://{parts.netloc}",
            documented="{}://{}".format(*_origin(trace.submit.request.url)),
        )
    reads = trace.via(OPERATION)
    if not reads:
        raise NotApplicable("the Operation-Location was not read")
    first = reads[0].exchange
    if first.status_code in (404, 410) or (200 <= first.status_code < 300 and status_of(first) is None):
        raise OperationLocationUnresolvable(
            "reading the Operation-Location did not answer a status",
            received=f"{first.status_code} {truncate(first.body.decode('utf-8', 'replace'), 120)}",
            documented="200 with a status",
        )


@flow_rule(evidence=LroTrace)
def lro_polling_cost(spec: Spec, trace: LroTrace) -> None:
    """The client polls no status resource after reading its terminal status, and waits at least as long as Retry-After asks.

    Source: Azure REST API guidelines (the client waits Retry-After before polling again; a terminal status ends
    polling),
    https://github.com/microsoft/api-guidelines/blob/vNext/azure/Guidelines.md#long-running-operations-with-status-monitor;
    RFC 9110 §10.2.3 Retry-After, https://www.rfc-editor.org/rfc/rfc9110#field.retry-after.
    It judges the client (this checker's poller on a live run; the recorded client on a recording); named re-reads are
    not polls.
    """
    if trace.retry_after_seen == 0 and trace.terminal_read is None:
        raise NotApplicable("no Retry-After was given and no terminal status was read")
    if trace.polls_after_terminal:
        raise PollingTooCostly(
            f"{trace.polls_after_terminal} poll(s) after a terminal status had been read",
            received=f"{trace.polls_after_terminal} polls after terminal",
            documented="no poll after a terminal status",
        )
    short = [r for r in trace.reads if r.honoured is False]
    if short:
        r = short[0]
        raise PollingTooCostly(
            f"{len(short)} of {trace.retry_after_seen} read(s) came sooner than Retry-After asked",
            received=f"waited {r.waited_s:.2f} s",
            documented=f"Retry-After: {r.retry_after_s:g} s",
        )


@flow_rule(evidence=LroTrace, severity="warning")
def lro_not_instant(spec: Spec, trace: LroTrace) -> None:
    """An accepted training is not already finished on a status read sent within 100 ms of the submission.

    Source: Train Person Group (202 Accepted; training is asynchronous),
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group.
    A warning only: the real service trains small groups in a few hundred milliseconds and often answers succeeded on
    the first read. Not applicable when the submission's own answer already carried a terminal status (a synchronous
    completion, such as the Speaker enrollment that builds the voice print and answers Enrolled): there was no
    asynchronous work to observe.
    """
    submitted = status_of(trace.submit)
    if submitted is not None and trace.model.is_terminal(submitted):
        raise NotApplicable(f"the submission itself answered the terminal status {submitted!r} (it completed synchronously)")
    first = next((r for r in trace.reads if r.status is not None), None)
    if first is None:
        raise NotApplicable("no status was read")
    try:
        declared = spec.long_running(trace.operation_id) if trace.operation_id else None
    except KeyError:
        declared = None
    if declared and declared.get("may-finish-at-once"):
        raise NotApplicable(f"the spec records that this operation may finish at once ({declared['may-finish-at-once']})")
    delay = first.sent_at - trace.submitted_at
    if delay > _INSTANT_WINDOW_S:
        raise NotApplicable(
            f"the first status read came {delay * 1000:.0f} ms after submission,"
            f" outside the {_INSTANT_WINDOW_S * 1000:.0f} ms window"
        )
    if trace.model.is_terminal(first.status):
        raise TrainingResultUnexpected(
            f"the first status read, {delay * 1000:.0f} ms after submission, is already terminal",
            received=first.status,
            documented=" or ".join(s for s in trace.model.order if not trace.model.is_terminal(s))
            + " right after the submission (asynchronous training)",
        )


def outcome_matches(trace: LroTrace, case: str) -> None:
    """Judge a trace's expected outcome of ``case``: every terminal read carries the expected status (and reason).

    Shared by the packs' outcome rules; raises NotApplicable when the trace is of another case.
    """
    expected = trace.expected
    if expected is None or expected.case != case:
        raise NotApplicable(f"the trace is not of the {case!r} case")
    reads = trace.terminal_reads()
    if not reads:
        raise NotApplicable("no terminal status was read")
    for read in reads:
        if not norm_status(read.status) == norm_status(expected.status):
            body = read.exchange.json_or_none()
            message = body.get("message") if isinstance(body, dict) else None
            detail = _reason(body) or (truncate(message) if message else "")
            raise TrainingResultUnexpected(
                f"{case}: terminal status {read.status!r}; documented: {expected.status}",
                received=f"{read.status}" + (f" ({detail})" if detail else ""),
                documented=expected.status + (f" with failureReason {expected.reason}" if expected.reason else ""),
            )
        if expected.reason and read.via == RESOURCE and _reason(read.exchange.json_or_none()) != expected.reason:
            raise TrainingResultUnexpected(
                f"{case}: terminal status {read.status!r} without the documented reason",
                received=f"{read.status} (failureReason: {_reason(read.exchange.json_or_none())})",
                documented=f"{expected.status} with failureReason {expected.reason}",
            )


def _reason(body: object) -> str | None:
    if not isinstance(body, dict):
        return None
    props = body.get("properties")
    if isinstance(props, dict) and isinstance(props.get("failureReason"), str):
        return props["failureReason"]
    return None
