"""Unit tests for conformance.checks.lro: the train-then-poll rules over hand-built LroView histories.

Source: seed 001 (notstarted while waiting, running while it runs, then succeeded or failed; failed usually means
no persons or no faces; createdDateTime "1/3/2017 4:11:35 AM"); seed 004 (NotStarted, Running, Succeeded, Failed);
API-DIGEST §1.3 (operation status resource vs /training), §1.4 (OperationResult createdTime/lastActionTime/
finishedTime), §1.5, §3.5.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.checks.lro import (
    lro_empty_group_fails,
    lro_legal_status_path,
    lro_not_instant,
    lro_operations_agree,
    lro_populated_group_succeeds,
    lro_reaches_terminal,
    lro_terminal_sticky,
    lro_timestamps_ordered,
    status_of,
)
from conformance.context import CheckContext, LroView
from conformance.failures import (
    IllegalStatusTransition,
    OperationNeverFinished,
    OperationsDisagree,
    TerminalStatusChanged,
    TimestampsOutOfOrder,
    TrainingResultUnexpected,
)
from conformance.transport import ResponseRecord

from ._helpers import CV_ORDER, CV_TERMINAL, FACE_ORDER_V12, OP_UUID, context, expect_failure, face_lro, response

TRAINING = "PersonGroupOperations_GetPersonGroupTrainingStatus"
OPERATION = "GetOperationResult"


def ctx_for(*statuses: str, version: str = "v1.2", profile: str = "strict", op: str = TRAINING,
            situation: str | None = None, history: tuple[ResponseRecord, ...] = (), extra: dict | None = None,
            kind: str = "resource") -> CheckContext:
    return context("face", version, op, profile=profile, situation=situation, history=history, extra=extra,
                   lro=face_lro(*statuses, version=version, kind=kind))


def status(value: str, **fields: object) -> ResponseRecord:
    return response(200, {"status": value, "createdDateTime": "2024-01-02T03:04:05Z", **fields})


# -- status_of ----------------------------------------------------------------------------------------------


def test_status_of_reads_status_or_enrollment_status() -> None:
    assert status_of(response(200, {"status": "running"})) == "running"
    assert status_of(response(200, {"enrollmentStatus": "Training"})) == "Training"
    assert status_of(response(200, {"status": 3})) is None
    assert status_of(response(200, ["running"])) is None
    assert status_of(response(200, "running", content_type="text/plain")) is None


# -- lro_legal_status_path ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    ("notStarted", "running", "succeeded"),
    ("notStarted", "notStarted", "running", "running", "failed"),
    ("running", "succeeded"),
    ("notStarted", "succeeded"),  # skipping a state is allowed: polls are samples
])
def test_legal_path_passes_every_step(path: tuple[str, ...]) -> None:
    for i, current in enumerate(path):
        assert lro_legal_status_path(ctx_for(*path[:i]), status(current)) is None


def test_legal_path_v10_spelling_passes() -> None:
    path = ("nonstarted", "running", "succeeded")
    for i, current in enumerate(path):
        assert lro_legal_status_path(ctx_for(*path[:i], version="v1.0"), status(current)) is None


@pytest.mark.parametrize(("seen", "current"), [
    (("notStarted", "running"), "notStarted"),
    (("running",), "NotStarted"),  # compared case-insensitively
    (("running",), "notstarted"),
])
def test_not_started_after_running_is_illegal(seen: tuple[str, ...], current: str) -> None:
    failure = expect_failure(IllegalStatusTransition, lro_legal_status_path, ctx_for(*seen), status(current))
    assert failure.received == " → ".join([*seen, current])
    assert failure.documented == " → ".join(FACE_ORDER_V12)
    assert f"from 'running' to {current!r}" in failure.message


def test_v10_nonstarted_after_running_is_illegal() -> None:
    failure = expect_failure(IllegalStatusTransition, lro_legal_status_path, ctx_for("running", version="v1.0"),
                             status("nonstarted"))
    assert failure.received == "running → nonstarted"


def test_custom_voice_path_is_pascal_case() -> None:
    lro = LroView(kind="operation", statuses=("NotStarted", "Running"), terminal=CV_TERMINAL, order=CV_ORDER)
    ctx = context("customvoice", "2024-02-01-preview", "Operations_Get", lro=lro)
    assert lro_legal_status_path(ctx, response(200, {"id": "op-1", "status": "Succeeded"})) is None
    expect_failure(IllegalStatusTransition, lro_legal_status_path, ctx, response(200, {"id": "op-1", "status": "NotStarted"}))


@pytest.mark.parametrize("seen", [("succeeded",), ("notStarted", "failed"), ("notStarted", "succeeded", "succeeded")])
def test_legal_path_leaves_changes_after_terminal_to_terminal_sticky(seen: tuple[str, ...]) -> None:
    assert lro_legal_status_path(ctx_for(*seen), status("running")) is None


@pytest.mark.parametrize(("ctx", "record"), [
    (context("face", "v1.2", TRAINING), status("notStarted")),  # no LRO view
    (ctx_for("running"), response(404, {"error": {"code": "PersonGroupNotFound", "message": "m"}})),
    (ctx_for(), status("running")),  # nothing read before
    (ctx_for("running"), status("paused")),  # unknown value: status_in_version_enum's finding
    (ctx_for("running"), response(200, {"createdDateTime": "2024-01-02T03:04:05Z"})),
])
def test_legal_path_does_not_apply(ctx: CheckContext, record: ResponseRecord) -> None:
    assert lro_legal_status_path(ctx, record) is None


# -- lro_terminal_sticky ------------------------------------------------------------------------------------


@pytest.mark.parametrize("current", ["running", "failed", "notStarted"])
def test_terminal_status_changing_on_re_read_fails(current: str) -> None:
    failure = expect_failure(TerminalStatusChanged, lro_terminal_sticky, ctx_for("running", "succeeded"),
                             status(current))
    assert failure.received == f"running → succeeded → {current}"
    assert failure.documented == "succeeded on every later read"
    assert f"'succeeded' became {current!r}" in failure.message


@pytest.mark.parametrize("current", ["succeeded", "Succeeded"])
def test_terminal_status_re_read_unchanged_passes(current: str) -> None:
    assert lro_terminal_sticky(ctx_for("running", "succeeded", "succeeded"), status(current)) is None


def test_terminal_sticky_passes_before_any_terminal_status() -> None:
    assert lro_terminal_sticky(ctx_for("running"), status("notStarted")) is None


def test_terminal_sticky_does_not_apply_without_lro_or_status() -> None:
    assert lro_terminal_sticky(context("face", "v1.2", TRAINING), status("running")) is None
    assert lro_terminal_sticky(ctx_for("succeeded"), response(429, {"error": {"code": "429", "message": "m"}})) is None


# -- lro_reaches_terminal ------------------------------------------------------------------------------------


def test_poll_budget_exhausted_fails_with_the_statuses_seen() -> None:
    ctx = ctx_for("notStarted", "running", situation="poll-budget-exhausted", extra={"polls": 12, "elapsed_s": 30.04})
    failure = expect_failure(OperationNeverFinished, lro_reaches_terminal, ctx, status("running"))
    assert failure.message == "no terminal status after 12 polls in 30.0 s"
    assert failure.received == "notStarted → running"
    assert failure.documented == "failed | succeeded"
    assert failure.hint and "--poll-timeout" in failure.hint


def test_poll_budget_exhausted_without_any_status_read() -> None:
    ctx = ctx_for(situation="poll-budget-exhausted")
    failure = expect_failure(OperationNeverFinished, lro_reaches_terminal, ctx, response(503, b""))
    assert failure.received == "(no status read)"


def test_reaches_terminal_passes_when_the_scenario_saw_a_terminal_status() -> None:
    assert lro_reaches_terminal(ctx_for("running", "succeeded"), status("succeeded")) is None


def test_reaches_terminal_does_not_apply_without_lro() -> None:
    ctx = context("face", "v1.2", TRAINING, situation="poll-budget-exhausted")
    assert lro_reaches_terminal(ctx, status("running")) is None


# -- lro_operations_agree --------------------------------------------------------------------------------------


def agree(before: str, current: str, after: str, *, situation: str = "operation-vs-resource") -> None:
    ctx = ctx_for(op=OPERATION, kind="operation", situation=situation,
                  extra={"resource_before": before, "resource_after": after})
    lro_operations_agree(ctx, response(200, {"operationId": OP_UUID, "status": current,
                                             "createdTime": "2024-01-02T03:04:05Z"}))


@pytest.mark.parametrize(("before", "current", "after"), [
    ("notStarted", "notStarted", "notStarted"),
    ("notStarted", "running", "running"),
    ("notStarted", "notStarted", "running"),
    ("running", "running", "succeeded"),
    ("running", "succeeded", "succeeded"),
    ("running", "failed", "failed"),
    ("succeeded", "succeeded", "succeeded"),
    ("notStarted", "running", "succeeded"),
])
def test_operation_within_the_resource_bracket_passes(before: str, current: str, after: str) -> None:
    agree(before, current, after)


@pytest.mark.parametrize(("before", "current", "after"), [
    ("running", "notStarted", "succeeded"),  # operation behind the resource
    ("notStarted", "succeeded", "running"),  # operation ahead of the resource
    ("notStarted", "running", "notStarted"),
    ("succeeded", "failed", "succeeded"),  # both terminal, different outcome
    ("failed", "succeeded", "failed"),
])
def test_operation_outside_the_resource_bracket_fails(before: str, current: str, after: str) -> None:
    with pytest.raises(OperationsDisagree) as info:
        agree(before, current, after)
    assert info.value.received == current
    assert info.value.documented == f"between {before!r} and {after!r}"
    assert f"operation status {current!r}" in info.value.message


def test_operation_failed_while_resource_ends_succeeded_fails() -> None:
    """Resource running → succeeded around an operation read of `failed`: the two LROs disagree on the outcome.

    A terminal status is final (seed 001; API-DIGEST §3.5), so an operation that reads `failed` cannot belong to
    a training the resource reports as `succeeded` right after.
    """
    with pytest.raises(OperationsDisagree):
        agree("running", "failed", "succeeded")


@pytest.mark.parametrize(("ctx_kwargs", "record"), [
    ({"situation": None, "extra": {"resource_before": "succeeded", "resource_after": "succeeded"}}, "notStarted"),
    ({"situation": "operation-vs-resource", "extra": {}}, "notStarted"),
    ({"situation": "operation-vs-resource", "extra": {"resource_before": "running"}}, "notStarted"),
    ({"situation": "operation-vs-resource",
      "extra": {"resource_before": "succeeded", "resource_after": "succeeded"}}, "bogus"),
])
def test_operations_agree_does_not_apply(ctx_kwargs: dict, record: str) -> None:
    ctx = ctx_for(op=OPERATION, kind="operation", **ctx_kwargs)
    assert lro_operations_agree(ctx, response(200, {"status": record})) is None


def test_operations_agree_does_not_apply_to_errors_or_without_lro() -> None:
    extra = {"resource_before": "succeeded", "resource_after": "succeeded"}
    ctx = ctx_for(op=OPERATION, kind="operation", situation="operation-vs-resource", extra=extra)
    assert lro_operations_agree(ctx, response(404, {"error": {"code": "NotFound", "message": "m"}})) is None
    no_lro = context("face", "v1.2", OPERATION, situation="operation-vs-resource", extra=extra)
    assert lro_operations_agree(no_lro, response(200, {"status": "notStarted"})) is None


# -- lro_timestamps_ordered ------------------------------------------------------------------------------------


def timed(**fields: object) -> ResponseRecord:
    return response(200, {"status": "running", **fields})


@pytest.mark.parametrize("record", [
    timed(createdDateTime="2024-01-02T03:04:05Z", lastActionDateTime="2024-01-02T03:04:05Z"),
    timed(createdDateTime="2024-01-02T03:04:05.123Z", lastActionDateTime="2024-01-02T03:04:06.0000001Z",
          lastSuccessfulTrainingDateTime="2024-01-02T03:04:06Z"),
    timed(createdDateTime="2024-01-02T04:00:00+01:00", lastActionDateTime="2024-01-02T03:30:00Z"),  # offsets
    timed(createdDateTime="2024-01-02T03:04:05Z", lastActionDateTime=None),  # null: never trained (seed 001)
    timed(createdTime="2024-01-02T03:04:05Z", lastActionTime="2024-01-02T03:04:06Z",
          finishedTime="2024-01-02T03:04:07Z"),
])
def test_timestamps_parsable_and_ordered_pass(record: ResponseRecord) -> None:
    assert lro_timestamps_ordered(ctx_for(), record) is None


@pytest.mark.parametrize("value", ["yesterday", "2024-01-02 03:04:05", "2024-13-02T03:04:05Z",
                                   "2024-01-02T03:04:05", 1704164645, "1/3/2017 4:11:35 AM"])
def test_timestamps_unparsable_fail_in_strict(value: object) -> None:
    failure = expect_failure(TimestampsOutOfOrder, lro_timestamps_ordered, ctx_for(),
                             timed(createdDateTime=value))
    assert failure.message == "createdDateTime is not a parsable date-time"
    assert failure.received == (value if isinstance(value, str) else repr(value))
    assert "RFC 3339" in failure.documented


def test_timestamps_lenient_accepts_the_seed_001_shape() -> None:
    record = timed(createdDateTime="1/3/2017 4:11:35 AM", lastActionDateTime="1/3/2017 4:11:36 AM")
    assert lro_timestamps_ordered(ctx_for(version="v1.0", profile="lenient"), record) is None
    # ... and still orders it: 4:11:35 PM is later than 4:11:36 AM.
    later_created = timed(createdDateTime="1/3/2017 4:11:35 PM", lastActionDateTime="1/3/2017 4:11:36 AM")
    failure = expect_failure(TimestampsOutOfOrder, lro_timestamps_ordered, ctx_for(version="v1.0", profile="lenient"),
                             later_created)
    assert failure.message == "lastActionDateTime is earlier than createdDateTime"


@pytest.mark.parametrize(("fields", "message"), [
    ({"createdDateTime": "2024-01-02T03:04:05Z", "lastActionDateTime": "2024-01-02T03:04:04Z"},
     "lastActionDateTime is earlier than createdDateTime"),
    ({"createdTime": "2024-01-02T03:04:05Z", "lastActionTime": "2024-01-02T03:04:09Z",
      "finishedTime": "2024-01-02T03:04:08Z"}, "finishedTime is earlier than lastActionTime"),
    ({"createdTime": "2024-01-02T03:04:05Z", "finishedTime": "2024-01-02T03:04:00Z"},
     "finishedTime is earlier than createdTime"),
])
def test_timestamps_out_of_order_fail(fields: dict, message: str) -> None:
    failure = expect_failure(TimestampsOutOfOrder, lro_timestamps_ordered, ctx_for(), timed(**fields))
    assert failure.message == message
    first, second = message.split(" is earlier than ")[::-1]
    assert failure.received == f"{first}={fields[first]}, {second}={fields[second]}"
    assert failure.documented == f"{first} ≤ {second}"


def test_timestamp_moving_back_between_reads_fails() -> None:
    earlier = timed(createdDateTime="2024-01-02T03:04:05Z", lastActionDateTime="2024-01-02T03:04:09Z")
    now = timed(createdDateTime="2024-01-02T03:04:05Z", lastActionDateTime="2024-01-02T03:04:07Z")
    failure = expect_failure(TimestampsOutOfOrder, lro_timestamps_ordered, ctx_for(history=(earlier,)), now)
    assert failure.message == "lastActionDateTime moved back between two reads"
    assert failure.received == "2024-01-02T03:04:09Z then 2024-01-02T03:04:07Z"
    assert failure.documented == "lastActionDateTime never decreases"


def test_timestamps_moving_forward_between_reads_pass() -> None:
    history = (timed(createdDateTime="2024-01-02T03:04:05Z", lastActionDateTime="2024-01-02T03:04:06Z"),
               timed(createdDateTime="2024-01-02T03:04:05Z", lastActionDateTime="2024-01-02T03:04:07Z"))
    now = timed(createdDateTime="2024-01-02T03:04:05Z", lastActionDateTime="2024-01-02T03:04:08Z")
    assert lro_timestamps_ordered(ctx_for(history=history), now) is None


def test_timestamps_history_ignores_error_reads() -> None:
    error_with_time = response(409, {"error": {"code": "x", "message": "m"}, "lastActionDateTime": "2030-01-01T00:00:00Z"})
    now = timed(createdDateTime="2024-01-02T03:04:05Z", lastActionDateTime="2024-01-02T03:04:08Z")
    assert lro_timestamps_ordered(ctx_for(history=(error_with_time,)), now) is None


@pytest.mark.parametrize(("ctx", "record"), [
    (context("face", "v1.2", TRAINING), timed(createdDateTime="garbage")),  # no LRO view
    (ctx_for(), response(404, {"error": {"code": "x", "message": "m"}, "createdDateTime": "garbage"})),
    (ctx_for(), response(200, ["createdDateTime", "garbage"])),
    (ctx_for(), response(200, "createdDateTime=garbage", content_type="text/plain")),
])
def test_timestamps_do_not_apply(ctx: CheckContext, record: ResponseRecord) -> None:
    assert lro_timestamps_ordered(ctx, record) is None


# -- lro_empty_group_fails / lro_populated_group_succeeds -----------------------------------------------------

OutcomeCheck = Callable[[CheckContext, ResponseRecord], None]
OUTCOMES = [
    (lro_empty_group_fails, "empty-group-terminal", "failed", "succeeded"),
    (lro_populated_group_succeeds, "populated-group-terminal", "succeeded", "failed"),
]
OUTCOME_IDS = [o[0].__name__ for o in OUTCOMES]


@pytest.mark.parametrize(("chk", "situation", "wanted", "other"), OUTCOMES, ids=OUTCOME_IDS)
def test_documented_terminal_outcome_passes(chk: OutcomeCheck, situation: str, wanted: str, other: str) -> None:
    assert chk(ctx_for("running", situation=situation), status(wanted)) is None
    assert chk(ctx_for("running", situation=situation, version="v1.0"), status(wanted.capitalize())) is None


@pytest.mark.parametrize(("chk", "situation", "wanted", "other"), OUTCOMES, ids=OUTCOME_IDS)
def test_other_terminal_outcome_fails(chk: OutcomeCheck, situation: str, wanted: str, other: str) -> None:
    record = status(other, message="There is no person in the group." if other == "failed" else None)
    failure = expect_failure(TrainingResultUnexpected, chk, ctx_for("running", situation=situation), record)
    assert failure.documented == wanted
    assert failure.received.startswith(other)
    assert f"terminal status {other!r}" in failure.message
    if other == "failed":
        assert "There is no person in the group." in failure.received


@pytest.mark.parametrize(("chk", "situation", "wanted", "other"), OUTCOMES, ids=OUTCOME_IDS)
def test_terminal_outcome_does_not_apply(chk: OutcomeCheck, situation: str, wanted: str, other: str) -> None:
    assert chk(ctx_for("notStarted", situation=situation), status("running")) is None  # not terminal yet
    wrong_situation = [s for _, s, _, _ in OUTCOMES if s != situation][0]
    assert chk(ctx_for("running", situation=wrong_situation), status(other)) is None
    assert chk(ctx_for("running"), status(other)) is None
    assert chk(context("face", "v1.2", TRAINING, situation=situation), status(other)) is None  # no LRO view
    assert chk(ctx_for("running", situation=situation),
               response(404, {"error": {"code": "PersonGroupNotFound", "message": "m"}})) is None


# -- lro_not_instant ------------------------------------------------------------------------------------------


def first_read(current: str, *, after_s: float, version: str = "v1.2") -> tuple[CheckContext, ResponseRecord]:
    ctx = context("face", version, TRAINING, lro=face_lro(version=version, submitted_at=100.0))
    return ctx, response(200, {"status": current, "createdDateTime": "2024-01-02T03:04:05Z"}, sent_at=100.0 + after_s)


@pytest.mark.parametrize("current", ["succeeded", "failed", "Succeeded"])
def test_terminal_on_an_immediate_first_read_fails(current: str) -> None:
    ctx, record = first_read(current, after_s=0.05)
    failure = expect_failure(TrainingResultUnexpected, lro_not_instant, ctx, record)
    assert failure.received == current
    assert failure.message == "the first status read, 50 ms after submission, is already terminal"
    assert failure.documented == "notStarted or running right after the submission (asynchronous training)"


def test_terminal_on_an_immediate_first_read_names_the_v10_spelling() -> None:
    ctx, record = first_read("succeeded", after_s=0.0, version="v1.0")
    failure = expect_failure(TrainingResultUnexpected, lro_not_instant, ctx, record)
    assert failure.documented.startswith("nonstarted or running")


@pytest.mark.parametrize(("current", "after_s"), [("notStarted", 0.0), ("running", 0.01), ("succeeded", 0.5),
                                                  ("failed", 2.0)])
def test_first_read_not_started_or_later_terminal_passes(current: str, after_s: float) -> None:
    assert lro_not_instant(*first_read(current, after_s=after_s)) is None


def test_not_instant_only_judges_the_first_read() -> None:
    ctx = context("face", "v1.2", TRAINING, lro=face_lro("running", submitted_at=100.0))
    assert lro_not_instant(ctx, response(200, {"status": "succeeded"}, sent_at=100.01)) is None


def test_not_instant_does_not_apply_without_submission_time_lro_or_status() -> None:
    no_time = context("face", "v1.2", TRAINING, lro=face_lro(submitted_at=None))
    assert lro_not_instant(no_time, response(200, {"status": "succeeded"}, sent_at=0.0)) is None
    assert lro_not_instant(context("face", "v1.2", TRAINING), response(200, {"status": "succeeded"})) is None
    ctx, _ = first_read("succeeded", after_s=0.0)
    assert lro_not_instant(ctx, response(404, {"error": {"code": "PersonGroupNotFound", "message": "m"}},
                                         sent_at=100.0)) is None
