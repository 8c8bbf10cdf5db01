"""Unit tests for conformance.checks.lro: the LRO flow rules judged on hand-built LroTraces (pass / fail / n/a).

Source: Get Training Status (notstarted, running, succeeded, failed), Custom Voice Operations - Get (NotStarted,
Running, Succeeded, Failed), the Azure REST API guidelines on long-running operations and Retry-After.
"""

from __future__ import annotations

import pytest

from cognitive_conformance.conformance.checks.lro import (
    OperationLocationUnresolvable,
    PollingTooCostly,
    lro_legal_status_path,
    lro_not_instant,
    lro_operation_location_resolvable,
    lro_operations_agree,
    lro_polling_cost,
    lro_reaches_terminal,
    lro_terminal_sticky,
    lro_timestamps_ordered,
)
from cognitive_conformance.conformance.checks.registry import FAIL, NA, PASS, get, judge
from cognitive_conformance.conformance.failures import (
    IllegalStatusTransition,
    OperationNeverFinished,
    OperationsDisagree,
    TerminalStatusChanged,
    TimestampsOutOfOrder,
    TrainingResultUnexpected,
)

from ._helpers import CV_ORDER, CV_TERMINAL, OP_URL, expect_failure, read, response, spec, submit, trace

SR_URL = "http://127.0.0.1:5000/speaker-recognition/identification/text-independent/profiles/6b1a0c5e-5f7e-4d1b-9d33-7c9c1b1a2b3c"

SPEC = spec("face", "v1.2")
R, O = "resource", "operation"


def verdict(name: str, t, s=SPEC) -> str:
    return judge(get(name), s, t).verdict


# -- legal status path ---------------------------------------------------------------------------
@pytest.mark.parametrize("path", [("notStarted", "running", "succeeded"), ("running", "running", "failed"),
                                  ("notStarted", "notStarted", "running")])
def test_legal_path_passes_every_forward_step(path: tuple[str, ...]) -> None:
    assert lro_legal_status_path(SPEC, trace(*(read(R, s, i) for i, s in enumerate(path)))) is None


def test_legal_path_reads_v10_nonstarted_as_not_started() -> None:
    t = trace(read(R, "nonstarted", 1), read(R, "running", 2), read(R, "succeeded", 3), version="v1.0")
    assert lro_legal_status_path(spec("face", "v1.0"), t) is None
    back = trace(read(R, "running", 1), read(R, "nonstarted", 2), version="v1.0")
    expect_failure(IllegalStatusTransition, lro_legal_status_path, spec("face", "v1.0"), back)


def test_a_status_going_back_fails_and_names_the_path() -> None:
    failure = expect_failure(IllegalStatusTransition, lro_legal_status_path, SPEC,
                             trace(read(R, "notStarted", 1), read(R, "running", 2), read(R, "notStarted", 3)))
    assert "running" in failure.message and failure.received == "notStarted → running → notStarted"


def test_legal_path_judges_each_status_resource_on_its_own() -> None:
    # the operation reads running after the resource read running: no regression within either resource
    t = trace(read(O, "notStarted", 1), read(R, "running", 1.1), read(O, "running", 2), read(R, "running", 2.1))
    assert lro_legal_status_path(SPEC, t) is None


def test_legal_path_leaves_changes_after_terminal_to_terminal_sticky() -> None:
    t = trace(read(R, "running", 1), read(R, "succeeded", 2), read(R, "running", 3))
    assert lro_legal_status_path(SPEC, t) is None
    expect_failure(TerminalStatusChanged, lro_terminal_sticky, SPEC, t)


def test_legal_path_is_not_applicable_with_fewer_than_two_statuses() -> None:
    assert verdict("lro_legal_status_path", trace(read(R, "succeeded", 1))) == NA
    assert verdict("lro_legal_status_path", trace(read(R, None, 1), read(R, None, 2))) == NA


def test_custom_voice_path_is_pascal_case() -> None:
    cv = spec("customvoice", "2024-02-01-preview")
    ok = trace(read(R, "NotStarted", 1), read(R, "Running", 2), read(R, "Succeeded", 3),
               service="customvoice", version="2024-02-01-preview", order=CV_ORDER, terminal=CV_TERMINAL)
    assert lro_legal_status_path(cv, ok) is None
    bad = trace(read(R, "Running", 1), read(R, "NotStarted", 2),
                service="customvoice", version="2024-02-01-preview", order=CV_ORDER, terminal=CV_TERMINAL)
    expect_failure(IllegalStatusTransition, lro_legal_status_path, cv, bad)


# -- terminal sticky -----------------------------------------------------------------------------
@pytest.mark.parametrize("later", ["running", "failed", "notStarted"])
def test_terminal_status_changing_on_re_read_fails(later: str) -> None:
    t = trace(read(R, "running", 1), read(R, "succeeded", 2), read(R, later, 3, purpose="terminal-reread"))
    expect_failure(TerminalStatusChanged, lro_terminal_sticky, SPEC, t)


def test_terminal_status_re_read_unchanged_passes_in_any_case() -> None:
    t = trace(read(R, "succeeded", 2), read(R, "Succeeded", 3, purpose="terminal-reread"))
    assert lro_terminal_sticky(SPEC, t) is None


def test_terminal_sticky_is_not_applicable_without_a_re_read() -> None:
    assert verdict("lro_terminal_sticky", trace(read(R, "running", 1), read(R, "succeeded", 2))) == NA
    assert verdict("lro_terminal_sticky", trace(read(R, "running", 1))) == NA


# -- reaches terminal -----------------------------------------------------------------------------
def test_reaches_terminal_passes_when_a_terminal_status_was_read() -> None:
    assert verdict("lro_reaches_terminal", trace(read(R, "running", 1), read(R, "failed", 2))) == PASS


def test_poll_budget_exhausted_fails_with_the_statuses_seen() -> None:
    t = trace(read(R, "notStarted", 1), read(R, "running", 2), budget_exhausted=True)
    failure = expect_failure(OperationNeverFinished, lro_reaches_terminal, SPEC, t)
    assert failure.received == "notStarted → running" and "2 polls" in failure.message


def test_reaches_terminal_is_not_applicable_when_polling_stopped_at_an_error_or_early() -> None:
    assert verdict("lro_reaches_terminal", trace(read(R, "running", 1), read(R, None, 2, code=404))) == NA
    assert verdict("lro_reaches_terminal", trace(read(R, "running", 1))) == NA


def test_a_throttled_poll_is_not_an_error_stop() -> None:
    t = trace(read(R, "running", 1), read(R, None, 2, code=429), budget_exhausted=True)
    expect_failure(OperationNeverFinished, lro_reaches_terminal, SPEC, t)


# -- operation vs resource --------------------------------------------------------------------------
@pytest.mark.parametrize(("before", "op", "after"), [("notStarted", "running", "succeeded"), ("running", "running", "running"),
                                                     ("running", "succeeded", "succeeded")])
def test_operation_within_the_resource_bracket_passes(before: str, op: str, after: str) -> None:
    t = trace(read(R, before, 1), read(O, op, 2), read(R, after, 2.1))
    assert lro_operations_agree(SPEC, t) is None


@pytest.mark.parametrize(("before", "op", "after"), [("succeeded", "running", "succeeded"), ("running", "succeeded", "running"),
                                                     ("notStarted", "notStarted", "succeeded")])
def test_operation_outside_the_resource_bracket_fails(before: str, op: str, after: str) -> None:
    t = trace(read(R, before, 1), read(O, op, 2), read(R, after, 2.1))
    if (before, op, after) == ("notStarted", "notStarted", "succeeded"):
        assert lro_operations_agree(SPEC, t) is None  # notStarted lies between notStarted and succeeded
        return
    expect_failure(OperationsDisagree, lro_operations_agree, SPEC, t)


def test_operation_failed_while_the_resource_succeeded_fails() -> None:
    t = trace(read(R, "running", 1), read(O, "failed", 2), read(R, "succeeded", 2.1))
    expect_failure(OperationsDisagree, lro_operations_agree, SPEC, t)


def test_operations_agree_is_not_applicable_without_both_resources() -> None:
    assert verdict("lro_operations_agree", trace(read(R, "running", 1), read(R, "succeeded", 2))) == NA
    assert verdict("lro_operations_agree", trace(read(O, "running", 1))) == NA


# -- timestamps --------------------------------------------------------------------------------------
def test_timestamps_parsable_ordered_and_moving_forward_pass() -> None:
    t = trace(read(R, "running", 1, createdDateTime="2024-01-02T03:04:05Z", lastActionDateTime="2024-01-02T03:04:06Z"),
              read(R, "succeeded", 2, createdDateTime="2024-01-02T03:04:05Z", lastActionDateTime="2024-01-02T03:04:09Z"))
    assert lro_timestamps_ordered(SPEC, t) is None


@pytest.mark.parametrize("value", ["yesterday", "2024-01-02 03:04:05", "1/3/2017 4:11:35 AM", 17])
def test_unparsable_timestamps_fail_in_strict(value: object) -> None:
    t = trace(read(R, "running", 1, createdDateTime=value))
    expect_failure(TimestampsOutOfOrder, lro_timestamps_ordered, SPEC, t)


def test_lenient_accepts_the_shape_the_face_documents_show() -> None:
    t = trace(read(R, "succeeded", 1, createdDateTime="1/3/2017 4:11:35 AM"))
    assert lro_timestamps_ordered(spec("face", "v1.2", "observed"), t) is None


def test_last_action_before_created_fails() -> None:
    t = trace(read(R, "running", 1, createdDateTime="2024-01-02T03:04:05Z", lastActionDateTime="2024-01-02T03:04:00Z"))
    failure = expect_failure(TimestampsOutOfOrder, lro_timestamps_ordered, SPEC, t)
    assert "lastActionDateTime is earlier than createdDateTime" in failure.message


def test_a_timestamp_moving_back_between_reads_fails_but_error_reads_are_skipped() -> None:
    back = trace(read(R, "running", 1, lastActionDateTime="2024-01-02T03:04:09Z"),
                 read(R, "running", 2, lastActionDateTime="2024-01-02T03:04:05Z"))
    expect_failure(TimestampsOutOfOrder, lro_timestamps_ordered, SPEC, back)
    skipped = trace(read(R, "running", 1, code=500, lastActionDateTime="2024-01-02T03:04:09Z"),
                    read(R, "running", 2, lastActionDateTime="2024-01-02T03:04:05Z"))
    assert lro_timestamps_ordered(SPEC, skipped) is None


def test_timestamps_are_not_applicable_without_timestamp_fields() -> None:
    assert verdict("lro_timestamps_ordered", trace(read(R, "running", 1))) == NA


# -- Operation-Location ------------------------------------------------------------------------------
def _with_location(location: str | None):
    headers = [("operation-location", location)] if location else []
    return submit(headers=headers)


def test_operation_location_on_the_target_and_answering_a_status_passes() -> None:
    t = trace(read(O, "running", 1), read(R, "running", 1.1), first=_with_location(OP_URL))
    assert lro_operation_location_resolvable(SPEC, t) is None


@pytest.mark.parametrize("location", ["https://elsewhere.example/face/v1.2/operations/1", "/face/v1.2/operations/1",
                                      "http://127.0.0.1:6000/face/v1.2/operations/1"])
def test_operation_location_off_the_target_or_relative_fails(location: str) -> None:
    t = trace(read(R, "running", 1), first=_with_location(location))
    expect_failure(OperationLocationUnresolvable, lro_operation_location_resolvable, SPEC, t)


def test_operation_location_answering_404_fails() -> None:
    t = trace(read(O, None, 1, code=404), first=_with_location(OP_URL))
    expect_failure(OperationLocationUnresolvable, lro_operation_location_resolvable, SPEC, t)


def test_operation_location_is_not_applicable_without_the_header() -> None:
    assert verdict("lro_operation_location_resolvable", trace(read(R, "running", 1))) == NA


# -- polling cost ------------------------------------------------------------------------------------
def test_polling_cost_passes_a_client_that_waits_and_stops() -> None:
    t = trace(read(R, "running", 1, headers=[("retry-after", "1")]), read(R, "succeeded", 2.2),
              read(R, "succeeded", 2.3, purpose="terminal-reread"))
    assert lro_polling_cost(SPEC, t) is None


def test_polling_after_terminal_fails() -> None:
    t = trace(read(R, "running", 1), read(R, "succeeded", 2), read(R, "succeeded", 3))
    failure = expect_failure(PollingTooCostly, lro_polling_cost, SPEC, t)
    assert "1 poll(s) after a terminal status" in failure.message


def test_polling_sooner_than_retry_after_fails() -> None:
    t = trace(read(R, "running", 1, headers=[("retry-after", "2")]), read(R, "succeeded", 1.5))
    expect_failure(PollingTooCostly, lro_polling_cost, SPEC, t)


def test_polling_cost_is_an_error_and_not_applicable_with_nothing_to_judge() -> None:
    assert get("lro_polling_cost").severity == "error"
    assert verdict("lro_polling_cost", trace(read(R, "running", 1))) == NA


# -- not instant -------------------------------------------------------------------------------------
def test_a_terminal_first_read_inside_the_window_is_a_warning_failure() -> None:
    assert get("lro_not_instant").severity == "warning"
    failure = expect_failure(TrainingResultUnexpected, lro_not_instant, SPEC, trace(read(R, "succeeded", 0.05)))
    assert "notStarted or running" in failure.documented


def test_a_terminal_first_read_outside_the_window_is_not_applicable() -> None:
    # the real service trains a small group in 0.09-0.3 s: a later first read cannot judge it
    assert verdict("lro_not_instant", trace(read(R, "succeeded", 0.3))) == NA


def test_a_submission_that_answered_a_terminal_status_is_not_applicable() -> None:
    # a synchronous completion (the Speaker enrollment that builds the voice print answers Enrolled): nothing ran async
    done = response(201, {"enrollmentStatus": "Enrolled"}, method="POST", url=f"{SR_URL}/enrollments", sent_at=0.0,
                    operation_id="TextIndependent_CreateEnrollment")
    t = trace(read(R, "Enrolled", 0.01), first=done, service="speaker", version="2021-09-05",
              order=("Enrolling", "Training", "Enrolled"), terminal=frozenset({"Enrolled"}))
    assert verdict("lro_not_instant", t) == NA
    still = response(201, {"enrollmentStatus": "Training"}, method="POST", url=f"{SR_URL}/enrollments", sent_at=0.0)
    t = trace(read(R, "Enrolled", 0.01), first=still, service="speaker", version="2021-09-05",
              order=("Enrolling", "Training", "Enrolled"), terminal=frozenset({"Enrolled"}))
    assert verdict("lro_not_instant", t) == FAIL


def test_a_running_first_read_inside_the_window_passes() -> None:
    assert verdict("lro_not_instant", trace(read(R, "running", 0.01), read(R, "succeeded", 0.5))) == PASS
    assert verdict("lro_not_instant", trace()) == NA


def test_every_lro_rule_answers_fail_on_a_broken_trace() -> None:
    broken = trace(read(R, "running", 0.01, createdDateTime="x"), read(R, "notStarted", 0.02),
                   read(R, "succeeded", 0.03), read(R, "running", 0.04), first=_with_location("https://evil.example/op"))
    for name in ("lro_legal_status_path", "lro_terminal_sticky", "lro_timestamps_ordered",
                 "lro_operation_location_resolvable", "lro_polling_cost"):
        assert verdict(name, broken) == FAIL, name


def test_an_operation_still_running_after_the_resource_finished_disagrees() -> None:
    # the resource is no longer polled once terminal; later operation reads are judged against its final status
    t = trace(read(O, "running", 1), read(R, "succeeded", 1.1), read(O, "running", 2), read(O, "running", 3))
    expect_failure(OperationsDisagree, lro_operations_agree, SPEC, t)
    done = trace(read(O, "running", 1), read(R, "succeeded", 1.1), read(O, "succeeded", 2))
    assert lro_operations_agree(SPEC, done) is None
