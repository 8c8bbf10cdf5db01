"""Typed evidence of flows, built from exchanges alone.

Every piece of evidence is a frozen dataclass over :class:`~conformance.transport.ResponseRecord`
values (request, response, the time the request was sent). A live scenario builds them as it
goes; a recording or a proxy can build the same values from a plain list of timestamped
exchanges (:func:`build_trace` takes exactly that). Flow rules (``@flow_rule(evidence=...)``)
are pure functions of them.

* :class:`LroTrace`: one long-running operation: the submit exchange, every status read
  (which resource, its status, send time, the ``Retry-After`` the previous response on that
  resource carried, the wait actually taken, its purpose), the documented status model, the
  expected outcome when the flow knows it, whether the poll budget ran out; and the measured
  figures (polls, polls after terminal, verification re-reads, Retry-After seen and
  honoured, throttles, time to terminal), all counted from the reads.
* :class:`PageWalk`: the pages of a list walked through ``nextLink`` and the ids that must
  appear exactly once.
* :class:`EnrollmentLedger`: a profile's enrollments since it was created or reset, each with
  the audio length actually sent and whether ``ignoreMinLength`` applied.
* :class:`IdempotencyRecord`: an ``Operation-Id`` create, its identical retry and a different
  request with the same id.
* :class:`Provocation`: one exchange that provoked a documented situation (missing resource,
  wrong key, after delete, never trained, ...) and the documented outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from cognitive_conformance.conformance.flows.status import StatusModel, norm_status, status_of
from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = [
    "AFTER_DELETE",
    "BAD_KEY",
    "NEVER_TRAINED",
    "NO_KEY",
    "OPERATION",
    "POLL",
    "RESOURCE",
    "RETRY_AFTER_TOLERANCE_S",
    "UNKNOWN_ORIGIN",
    "Enrollment",
    "EnrollmentLedger",
    "Expected",
    "ExpectedOutcome",
    "IdempotencyRecord",
    "LroRead",
    "LroTrace",
    "PageWalk",
    "Provocation",
    "build_trace",
    "origin_unknown",
    "retry_after_of",
    "retry_after_seconds",
]

#: Which status resource a read went to: the operation behind ``Operation-Location``, or the resource's own status.
OPERATION, RESOURCE = "operation", "resource"
#: The purpose of an ordinary poll; verification re-reads carry their own name instead.
POLL = "poll"
#: The origin of exchanges whose recording stores only paths (.NET SessionRecords): the target's host is unknown.
#: ``.invalid`` is reserved never to resolve (RFC 2606 §2, https://www.rfc-editor.org/rfc/rfc2606#section-2).
UNKNOWN_ORIGIN = "https://recorded.invalid"


def origin_unknown(url: str) -> bool:
    """Whether ``url`` was recorded without its host (see :data:`UNKNOWN_ORIGIN`)."""
    return url.startswith(UNKNOWN_ORIGIN + "/") or url == UNKNOWN_ORIGIN


#: A wait this much shorter than ``Retry-After`` still counts as honoured (timer and clock granularity).
RETRY_AFTER_TOLERANCE_S = 0.02

# Provoked situations with a rule of their own; any other kind is judged by documented_outcome_for_situation.
BAD_KEY, NO_KEY, AFTER_DELETE, NEVER_TRAINED = "bad-key", "no-key", "after-delete", "never-trained"


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Parse ``Retry-After``: delta-seconds or an HTTP-date (relative to ``now``). ``None`` if absent or invalid.

    Source: RFC 9110 §10.2.3 (https://www.rfc-editor.org/rfc/rfc9110#field.retry-after).
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    reference = now or datetime.now(timezone.utc)
    return max(0.0, (when - reference).total_seconds())


def retry_after_of(record: ResponseRecord) -> float | None:
    """The wait ``record``'s Retry-After asks for; an HTTP-date is read against the response's Date."""
    value = record.header("retry-after")
    if value is None:
        return None
    now = None
    date = record.header("date")
    if date:
        try:
            now = parsedate_to_datetime(date)
        except (TypeError, ValueError, IndexError):
            now = None
    return retry_after_seconds(value, now=now)


@dataclass(frozen=True)
class ExpectedOutcome:
    """The terminal outcome a flow knows it must reach, and why.

    ``case`` names the documented case (e.g. ``"empty-group"``), ``status`` the terminal status,
    ``reason`` a documented failure reason on the resource (``failureReason``), ``source`` where
    the documents say so.
    """

    case: str
    status: str
    reason: str | None = None
    source: str = ""


@dataclass(frozen=True)
class LroRead:
    """One status read of a long-running operation."""

    via: str  # OPERATION | RESOURCE
    exchange: ResponseRecord
    purpose: str = POLL  # POLL, or the name of a verification re-read (e.g. "terminal-reread")
    retry_after_s: float | None = None  # what the previous response on this resource asked to wait
    waited_s: float | None = None  # the wait actually taken: this send minus the previous response's arrival

    @property
    def status(self) -> str | None:
        return status_of(self.exchange)

    @property
    def sent_at(self) -> float:
        return self.exchange.sent_at

    @property
    def is_poll(self) -> bool:
        return self.purpose == POLL

    @property
    def honoured(self) -> bool | None:
        """Whether the wait before this read met the Retry-After it was given (``None``: none was given)."""
        if self.retry_after_s is None or self.waited_s is None:
            return None
        return self.waited_s + RETRY_AFTER_TOLERANCE_S >= self.retry_after_s


@dataclass(frozen=True)
class LroTrace:
    """Everything one long-running operation showed, from its submission to the last re-read."""

    service: str
    version: str
    submit: ResponseRecord
    reads: tuple[LroRead, ...]
    model: StatusModel
    resource: str = ""  # a label such as "persongroups/cc-1a2b-group"
    scenario: str | None = None
    operation_url: str | None = None  # the Operation-Location followed, if any
    expected: ExpectedOutcome | None = None
    budget_exhausted: bool = False
    waited_out: int = 0  # 429s the client's transport waited out and sent again (not among the reads)

    # -- reads ------------------------------------------------------------------------------
    def via(self, via: str) -> tuple[LroRead, ...]:
        return tuple(r for r in self.reads if r.via == via)

    @property
    def vias(self) -> tuple[str, ...]:
        return tuple(v for v in (OPERATION, RESOURCE) if any(r.via == v for r in self.reads))

    @property
    def polls(self) -> tuple[LroRead, ...]:
        return tuple(r for r in self.reads if r.is_poll)

    @property
    def submitted_at(self) -> float:
        return self.submit.sent_at

    @property
    def operation_id(self) -> str:
        return self.submit.operation_id or ""

    @property
    def terminal_index(self) -> int | None:
        """Index of the poll at which every status resource read had read a terminal status."""
        latest: dict[str, str | None] = {}
        vias = {r.via for r in self.polls}
        for i, read in enumerate(self.reads):
            if not read.is_poll:
                continue
            latest[read.via] = read.status
            if set(latest) == vias and all(self.model.is_terminal(s) for s in latest.values()):
                return i
        return None

    @property
    def terminal_read(self) -> LroRead | None:
        i = self.terminal_index
        return None if i is None else self.reads[i]

    @property
    def terminal_status(self) -> str | None:
        """The terminal status read (the resource's when both were read)."""
        i = self.terminal_index
        if i is None:
            return None
        for read in reversed(self.reads[: i + 1]):
            if read.is_poll and read.via == RESOURCE:
                return read.status
        return self.reads[i].status

    def terminal_reads(self) -> tuple[LroRead, ...]:
        """Every 2xx read that carried a terminal status (polls and re-reads)."""
        return tuple(r for r in self.reads if self.model.is_terminal(r.status))

    @property
    def stopped_at_error(self) -> bool:
        polls = self.polls
        return bool(polls) and polls[-1].exchange.status_code >= 400 and polls[-1].exchange.status_code != 429

    # -- measured figures -------------------------------------------------------------------
    @property
    def time_to_terminal_s(self) -> float | None:
        read = self.terminal_read
        return None if read is None else read.sent_at - self.submitted_at

    @property
    def polls_after_terminal(self) -> int:
        """Polls of a status resource sent after a terminal status had been read there (re-reads not counted)."""
        count = 0
        done: set[str] = set()
        for read in self.reads:
            if read.is_poll and read.via in done:
                count += 1
            if self.model.is_terminal(read.status):
                done.add(read.via)
        return count

    @property
    def verification_reads(self) -> dict[str, int]:
        """Re-reads made on purpose (by name), e.g. ``{"terminal-reread": 2}``."""
        out: dict[str, int] = {}
        for read in self.reads:
            if not read.is_poll:
                out[read.purpose] = out.get(read.purpose, 0) + 1
        return out

    @property
    def retry_after_seen(self) -> int:
        """Reads that a Retry-After on the previous response of their status resource asked to wait for."""
        return sum(1 for r in self.reads if r.retry_after_s is not None)

    @property
    def retry_after_honoured(self) -> int:
        """Of those, the reads sent no earlier than the header asked (measured from the send times)."""
        return sum(1 for r in self.reads if r.honoured)

    @property
    def throttles(self) -> int:
        """429 answers while polling: those among the reads and those the transport waited out."""
        return sum(1 for r in self.reads if r.exchange.status_code == 429) + self.waited_out


def build_trace(
    *,
    service: str,
    version: str,
    submit: ResponseRecord,
    reads: Iterable[tuple[str, ResponseRecord] | tuple[str, ResponseRecord, str]],
    model: StatusModel,
    resource: str = "",
    scenario: str | None = None,
    operation_url: str | None = None,
    expected: ExpectedOutcome | None = None,
    budget_exhausted: bool = False,
    waited_out: int = 0,
) -> LroTrace:
    """An :class:`LroTrace` from the submit exchange and the status reads in the order they were sent.

    ``reads`` holds ``(via, exchange)`` or ``(via, exchange, purpose)``. For each read, the
    Retry-After carried by the previous response on the same status resource (the submit
    response for the first one) and the wait actually taken since that response arrived
    (``sent_at - (previous.sent_at + previous.elapsed_s)``) are computed here.
    """
    previous: dict[str, ResponseRecord] = {}
    built: list[LroRead] = []
    for item in reads:
        via, record = item[0], item[1]
        purpose = item[2] if len(item) > 2 else POLL  # type: ignore[misc]
        if via not in (OPERATION, RESOURCE):
            raise ValueError(f"a read goes to {OPERATION!r} or {RESOURCE!r}, not {via!r}")
        before = previous.get(via, submit)
        hint = retry_after_of(before)
        waited = record.sent_at - (before.sent_at + before.elapsed_s)
        built.append(LroRead(via, record, purpose, hint, max(0.0, waited)))
        previous[via] = record
    return LroTrace(
        service=service,
        version=version,
        submit=submit,
        reads=tuple(built),
        model=model,
        resource=resource,
        scenario=scenario,
        operation_url=operation_url,
        expected=expected,
        budget_exhausted=budget_exhausted,
        waited_out=waited_out,
    )


@dataclass(frozen=True)
class PageWalk:
    """The pages of one list, walked from the first page through ``nextLink``.

    ``expected_ids``: ids that existed during the whole walk, each to appear exactly once;
    ``item_key``: the id field of an item; ``items_fields``: where a page lists its items (the
    first that is a list is used); ``max_page_size``: the ``maxpagesize`` asked, if any;
    ``complete``: the walk reached a page without ``nextLink`` (not an error or the page limit).
    """

    pages: tuple[ResponseRecord, ...]
    expected_ids: frozenset[str] = frozenset()
    item_key: str = "id"
    items_fields: tuple[str, ...] = ("value",)
    max_page_size: int | None = None
    complete: bool = True

    def page_items(self, page: ResponseRecord) -> list[dict] | None:
        body = page.json_or_none()
        if not isinstance(body, dict):
            return None
        for name in self.items_fields:
            if isinstance(body.get(name), list):
                return [i for i in body[name] if isinstance(i, dict)]
        return None


@dataclass(frozen=True)
class Enrollment:
    """One enrollment request: the exchange, the audio length sent (seconds), whether ignoreMinLength applied."""

    exchange: ResponseRecord
    audio_s: float | None
    ignore_min_length: bool = False

    @property
    def accepted(self) -> bool:
        return self.exchange.status_code == 201


@dataclass(frozen=True)
class EnrollmentLedger:
    """A profile's enrollments since ``start`` (its create or reset, with 0 enrollments), oldest first."""

    start: ResponseRecord | None
    entries: tuple[Enrollment, ...]

    @property
    def accepted(self) -> tuple[Enrollment, ...]:
        return tuple(e for e in self.entries if e.accepted)


@dataclass(frozen=True)
class IdempotencyRecord:
    """An ``Operation-Id`` create (``first``), the identical request again (``retry``), a different request with the same id (``reuse``)."""

    operation_id: str
    first: ResponseRecord
    retry: ResponseRecord | None = None
    reuse: ResponseRecord | None = None


@dataclass(frozen=True)
class Expected:
    """What the documents say a provoked situation answers: ``status``, acceptable ``codes`` (empty: any), ``source``."""

    status: int
    codes: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Provocation:
    """One exchange that provoked a documented situation, and the documented outcome.

    ``kind`` names the situation (``"missing-group"``, :data:`BAD_KEY`, :data:`AFTER_DELETE`, ...).
    """

    kind: str
    exchange: ResponseRecord
    expected: Expected

    @property
    def operation_id(self) -> str | None:
        return self.exchange.operation_id


def sequence_text(statuses: Sequence[str | None]) -> str:
    return " → ".join(s for s in statuses if s is not None) or "(no status read)"


def same_status(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and norm_status(a) == norm_status(b)
