"""The evidence types and the measured figures of an LroTrace, built from plain timestamped exchanges.

Each figure is driven away from its good value by a hand-built trace and seen to change.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cognitive_conformance.conformance.flows import (
    OPERATION,
    RESOURCE,
    EnrollmentLedger,
    Enrollment,
    PageWalk,
    StatusModel,
    build_trace,
    norm_status,
    status_of,
)
from cognitive_conformance.conformance.flows.evidence import retry_after_seconds
from cognitive_conformance.conformance.flows.timeline import timeline_of
from tests.unit.conformance.checks._helpers import read, response, submit, trace

R, O = RESOURCE, OPERATION


def test_status_normalisation_and_ranking_live_in_one_place() -> None:
    assert norm_status("nonstarted") == norm_status("NotStarted") == "notstarted"
    model = StatusModel(("notStarted", "running", "succeeded", "failed"), frozenset({"succeeded", "failed"}))
    assert model.rank("nonstarted") == 0 and model.rank("Running") == 1
    assert model.rank("succeeded") == model.rank("failed") == 2 and model.rank("weird") is None
    assert model.is_terminal("SUCCEEDED") and not model.is_terminal(None)
    with pytest.raises(ValueError):
        StatusModel((), frozenset())


def test_status_of_reads_status_or_enrollment_status_of_2xx_json_only() -> None:
    assert status_of(response(200, {"status": "running"})) == "running"
    assert status_of(response(200, {"enrollmentStatus": "Training"})) == "Training"
    assert status_of(response(404, {"status": "running"})) is None
    assert status_of(response(200, "nope", content_type="text/plain")) is None


def test_a_trace_built_from_exchanges_alone_measures_a_good_poll() -> None:
    t = trace(read(R, "notStarted", 0.05), read(R, "running", 0.2), read(R, "succeeded", 0.5),
              read(R, "succeeded", 0.6, purpose="terminal-reread"))
    assert len(t.polls) == 3 and t.terminal_status == "succeeded"
    assert t.time_to_terminal_s == pytest.approx(0.5)
    assert t.polls_after_terminal == 0 and t.verification_reads == {"terminal-reread": 1}
    assert t.retry_after_seen == 0 and t.retry_after_honoured == 0 and t.throttles == 0


def test_polls_after_terminal_count_polls_not_named_re_reads() -> None:
    t = trace(read(R, "running", 0.1), read(R, "succeeded", 0.5), read(R, "succeeded", 0.7), read(R, "succeeded", 0.9),
              read(R, "succeeded", 1.0, purpose="terminal-reread"))
    assert t.polls_after_terminal == 2 and t.verification_reads == {"terminal-reread": 1}
    assert t.terminal_read is t.reads[1]


def test_polls_after_terminal_are_counted_per_status_resource() -> None:
    # the operation finished first; reading it again while the resource still runs is a poll after terminal
    t = trace(read(O, "succeeded", 0.1), read(R, "running", 0.11), read(O, "succeeded", 0.5), read(R, "succeeded", 0.51))
    assert t.polls_after_terminal == 1 and t.terminal_index == 3


def test_retry_after_honoured_is_measured_from_send_times() -> None:
    hint = [("retry-after", "1")]
    honoured = trace(read(R, "running", 0.0, headers=hint), read(R, "running", 1.05, headers=hint), read(R, "succeeded", 2.1))
    assert honoured.retry_after_seen == 2 and honoured.retry_after_honoured == 2
    ignored = trace(read(R, "running", 0.0, headers=hint), read(R, "running", 0.2, headers=hint), read(R, "succeeded", 1.3))
    assert ignored.retry_after_seen == 2 and ignored.retry_after_honoured == 1
    assert [r.honoured for r in ignored.reads] == [None, False, True]


def test_the_wait_starts_when_the_previous_response_arrived() -> None:
    first = response(200, {"status": "running"}, [("retry-after", "1")], sent_at=0.0, elapsed_s=0.5)
    late = response(200, {"status": "succeeded"}, sent_at=1.3)
    t = build_trace(service="face", version="v1.2", submit=submit(), reads=[(R, first), (R, late)],
                    model=StatusModel(("notStarted", "running", "succeeded", "failed"), frozenset({"succeeded", "failed"})))
    assert t.reads[1].waited_s == pytest.approx(0.8) and t.reads[1].honoured is False


def test_a_retry_after_on_the_submit_applies_to_the_first_read_of_each_resource() -> None:
    t = trace(read(O, "running", 0.5), read(R, "running", 2.1), first=submit(headers=[("retry-after", "2")]))
    assert t.retry_after_seen == 2 and t.retry_after_honoured == 1


def test_retry_after_as_http_date_is_read_against_the_response_date() -> None:
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    headers = [("retry-after", format_datetime(now + timedelta(seconds=3), usegmt=True)), ("date", format_datetime(now, usegmt=True))]
    t = trace(read(R, "running", 0.0, headers=headers), read(R, "succeeded", 3.0))
    assert t.reads[1].retry_after_s == 3.0 and t.retry_after_honoured == 1
    assert retry_after_seconds("garbage") is None and retry_after_seconds("5") == 5.0


def test_throttles_are_429s_while_polling() -> None:
    t = trace(read(R, "running", 0.0), read(R, None, 0.5, code=429), read(R, "succeeded", 1.0))
    assert t.throttles == 1 and not t.stopped_at_error and t.terminal_status == "succeeded"


def test_a_trace_without_terminal_has_no_time_to_terminal() -> None:
    t = trace(read(R, "running", 0.1), budget_exhausted=True)
    assert t.terminal_read is None and t.time_to_terminal_s is None and t.budget_exhausted


def test_build_trace_rejects_an_unknown_status_resource() -> None:
    with pytest.raises(ValueError):
        trace(("elsewhere", response(200, {"status": "running"}), "poll"))


def test_the_timeline_reports_every_figure_from_the_trace() -> None:
    t = trace(read(R, "running", 0.0, headers=[("retry-after", "1")]), read(R, None, 0.2, code=429),
              read(R, "succeeded", 1.3), read(R, "succeeded", 1.5), read(R, "succeeded", 1.6, purpose="terminal-reread"),
              scenario="s", resource="persongroups/g")
    d = timeline_of(t).to_dict()
    assert d["polls"] == 4 and d["pollsAfterTerminal"] == 1 and d["verificationReads"] == {"terminal-reread": 1}
    assert d["retryAfterSeen"] == 1 and d["retryAfterHonoured"] == 0 and d["throttles"] == 1
    assert d["timeToTerminalSeconds"] == 1.3 and d["terminalStatus"] == "succeeded"
    assert [s["purpose"] for s in d["statusesSeen"]] == ["poll", "poll", "poll", "terminal-reread"]


def test_page_walk_reads_items_from_the_first_list_field() -> None:
    walk = PageWalk((response(200, {"profiles": [{"profileId": "a"}]}),), items_fields=("value", "profiles"))
    assert walk.page_items(walk.pages[0]) == [{"profileId": "a"}]
    assert walk.page_items(response(200, "x", content_type="text/plain")) is None


def test_ledger_lists_accepted_enrollments_only() -> None:
    ok, rejected = response(201, {"enrollmentsCount": 1}), response(400, {})
    ledger = EnrollmentLedger(None, (Enrollment(rejected, 1.0), Enrollment(ok, 6.0, True)))
    assert ledger.accepted == (ledger.entries[1],)


_STATUSES = st.sampled_from(["notStarted", "running", "succeeded", "failed", None])


@st.composite
def _reads(draw: st.DrawFn) -> list:
    out, t = [], 0.0
    for _ in range(draw(st.integers(0, 8))):
        t += draw(st.floats(0.0, 3.0))
        hint = draw(st.sampled_from([(), (("retry-after", "1"),), (("retry-after", "2"),)]))
        out.append(read(draw(st.sampled_from([R, O])), draw(_STATUSES), t, headers=hint,
                        purpose=draw(st.sampled_from(["poll", "poll", "terminal-reread"]))))
    return out


@given(_reads())
def test_figures_are_consistent_with_the_reads(reads: list) -> None:
    t = trace(*reads)
    assert 0 <= t.retry_after_honoured <= t.retry_after_seen <= len(t.reads)
    assert t.polls_after_terminal <= len(t.polls)
    assert sum(t.verification_reads.values()) + len(t.polls) == len(t.reads)
    # a poll after terminal exists exactly when some status resource is polled after its first terminal read
    expected = 0
    for via in (R, O):
        mine = [r for r in t.reads if r.via == via]
        first = next((i for i, r in enumerate(mine) if t.model.is_terminal(r.status)), None)
        if first is not None:
            expected += sum(1 for r in mine[first + 1:] if r.is_poll)
    assert t.polls_after_terminal == expected
    if t.terminal_read is not None:
        assert t.time_to_terminal_s is not None and t.time_to_terminal_s >= 0
