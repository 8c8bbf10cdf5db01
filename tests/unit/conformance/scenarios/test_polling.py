"""The poller on a FakeClock: backoff, deadline, Retry-After (delta and HTTP-date), never reading after terminal
unless configured to over-poll, 429 waited out."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from cognitive_conformance.conformance.scenarios.polling import FakeClock, Poller, PollPolicy, retry_after_seconds
from cognitive_conformance.conformance.transport import RequestRecord, ResponseRecord


def _record(status: str, *, retry_after: str | None = None, code: int = 200, date: str | None = None) -> ResponseRecord:
    headers = (("content-type", "application/json"),)
    if retry_after is not None:
        headers += (("retry-after", retry_after),)
    if date is not None:
        headers += (("date", date),)
    body = ('{"status": "%s"}' % status).encode()
    return ResponseRecord(RequestRecord("GET", "http://t/x", ()), code, headers, body, 0.001, 0.0)


def _script(*statuses: str, **kw):
    items = list(statuses)
    calls = []

    def read():
        calls.append(1)
        return _record(items.pop(0) if len(items) > 1 else items[0], **kw)

    return read, calls


def _terminal(r: ResponseRecord) -> bool:
    return r.json()["status"] in {"succeeded", "failed"}


def test_poller_stops_at_first_terminal_and_never_reads_again() -> None:
    clock = FakeClock()
    read, calls = _script("notStarted", "running", "running", "succeeded", "succeeded")
    out = Poller(PollPolicy(timeout_s=10, initial_interval_s=0.1, max_interval_s=1, factor=2), clock).poll(read, _terminal)
    assert out.terminal is not None and out.terminal.json()["status"] == "succeeded"
    assert len(calls) == 4 and out.polls == 4
    assert clock.sleeps == [0.1, 0.2, 0.4]  # exponential backoff


def test_poller_backoff_is_capped() -> None:
    clock = FakeClock()
    read, _ = _script(*(["running"] * 7), "failed")
    Poller(PollPolicy(timeout_s=100, initial_interval_s=0.5, max_interval_s=1.0, factor=3), clock).poll(read, _terminal)
    assert max(clock.sleeps) == 1.0


def test_poller_gives_up_at_deadline() -> None:
    clock = FakeClock()
    read, calls = _script("running")
    out = Poller(PollPolicy(timeout_s=2, initial_interval_s=0.5, max_interval_s=0.5), clock).poll(read, _terminal)
    assert out.terminal is None
    assert clock.now == pytest.approx(2.0)
    assert len(calls) == 5  # t=0, .5, 1, 1.5, 2


def test_poller_honours_retry_after_seconds() -> None:
    clock = FakeClock()
    read, _ = _script("running", "succeeded", retry_after="3")
    out = Poller(PollPolicy(timeout_s=60, initial_interval_s=0.1), clock).poll(read, _terminal)
    assert clock.sleeps == [3.0] and out.polls == 2


def test_poller_honours_retry_after_as_an_http_date_read_against_the_response_date() -> None:
    clock = FakeClock()
    date = datetime(2026, 1, 1, tzinfo=timezone.utc)
    read, _ = _script("running", "succeeded", retry_after=format_datetime(date + timedelta(seconds=4), usegmt=True),
                      date=format_datetime(date, usegmt=True))
    Poller(PollPolicy(timeout_s=60, initial_interval_s=0.1), clock).poll(read, _terminal)
    assert clock.sleeps == [4.0]


def test_retry_after_wait_is_capped_by_the_deadline() -> None:
    clock = FakeClock()
    read, calls = _script("running", retry_after="30")
    out = Poller(PollPolicy(timeout_s=5, initial_interval_s=0.1), clock).poll(read, _terminal)
    assert out.terminal is None and clock.sleeps == [5.0] and len(calls) == 2


def test_poller_can_ignore_retry_after() -> None:
    clock = FakeClock()
    read, _ = _script("running", "succeeded", retry_after="3")
    Poller(PollPolicy(timeout_s=60, initial_interval_s=0.1, honour_retry_after=False), clock).poll(read, _terminal)
    assert clock.sleeps == [0.1]


def test_poller_configured_to_over_poll_reads_again_after_terminal() -> None:
    clock = FakeClock()
    read, calls = _script("running", "succeeded")
    out = Poller(PollPolicy(timeout_s=60, initial_interval_s=0.1, reads_after_terminal=2), clock).poll(read, _terminal)
    assert len(calls) == 4 and out.terminal is not None and out.terminal is out.records[1]


def test_poller_waits_out_a_throttle_when_told_it_is_not_a_stop() -> None:
    clock = FakeClock()
    items = [_record("x", code=429, retry_after="2"), _record("succeeded")]
    out = Poller(PollPolicy(timeout_s=60), clock).poll(lambda: items.pop(0), _terminal,
                                                       stop=lambda r: r.status_code >= 400 and r.status_code != 429)
    assert out.terminal is not None and clock.sleeps == [2.0]


def test_poller_stop_predicate_ends_on_error() -> None:
    clock = FakeClock()
    read, calls = _script("x", code=404)
    out = Poller(PollPolicy(timeout_s=60), clock).poll(read, _terminal, stop=lambda r: r.status_code >= 400)
    assert out.terminal is None and len(calls) == 1


def test_retry_after_parses_http_date_and_rejects_garbage() -> None:
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=7), usegmt=True), now=now) == 7
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("12") == 12


@pytest.mark.parametrize("kw", [{"timeout_s": 0}, {"initial_interval_s": 2, "max_interval_s": 1}, {"factor": 0.5},
                                {"reads_after_terminal": -1}])
def test_poll_policy_validates(kw) -> None:
    with pytest.raises(ValueError):
        PollPolicy(**kw)


def test_a_bounded_clock_ends_a_wait_when_the_run_budget_is_spent() -> None:
    import time

    from cognitive_conformance.conformance.budget import Budget
    from cognitive_conformance.conformance.scenarios.polling import BoundedClock

    budget = Budget(max_time_s=0.3)
    started = time.monotonic()
    BoundedClock(budget.remaining_s).sleep(10)  # a poll wait of 10 s in a run with 0.3 s left
    assert time.monotonic() - started < 1.5
    assert budget.reason == "max-time" and budget.remaining_s() == 0.0
    unbounded = BoundedClock(lambda: None)
    started = time.monotonic()
    unbounded.sleep(0.05)
    assert time.monotonic() - started >= 0.05
