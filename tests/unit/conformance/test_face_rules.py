"""The Face pack's outcome rules on hand-built LroTraces: an empty group ends failed, a populated one succeeded.

Source: Get Training Status ("failed" usually means no persons or no persisted faces; "succeeded": ready for Identify).
"""

from __future__ import annotations

import pytest

from cognitive_conformance.conformance.checks.registry import NA, get, judge
from cognitive_conformance.conformance.failures import TrainingResultUnexpected
from cognitive_conformance.conformance.flows import ExpectedOutcome
from cognitive_conformance.conformance.packs.face.rules import EMPTY_GROUP, POPULATED_GROUP, lro_empty_group_fails, lro_populated_group_succeeds
from tests.unit.conformance.checks._helpers import expect_failure, read, spec, trace

SPEC = spec("face", "v1.2")
EMPTY = ExpectedOutcome(EMPTY_GROUP, "failed")
POPULATED = ExpectedOutcome(POPULATED_GROUP, "succeeded")


def _t(*statuses: str, expected: ExpectedOutcome | None):
    return trace(*(read("resource", s, i, message="no persons") for i, s in enumerate(statuses, 1)), expected=expected)


@pytest.mark.parametrize(("rule", "expected", "good", "bad"), [
    (lro_empty_group_fails, EMPTY, "failed", "succeeded"),
    (lro_populated_group_succeeds, POPULATED, "succeeded", "failed"),
], ids=["empty", "populated"])
def test_outcome_rules_pass_fail_and_not_applicable(rule, expected, good, bad) -> None:
    assert rule(SPEC, _t("running", good, good, expected=expected)) is None
    failure = expect_failure(TrainingResultUnexpected, rule, SPEC, _t("running", bad, expected=expected))
    assert failure.documented == expected.status and bad in failure.received
    # a terminal re-read that changes is judged too (every terminal read must carry the documented outcome)
    expect_failure(TrainingResultUnexpected, rule, SPEC, _t("running", good, bad, expected=expected))
    other = POPULATED if expected is EMPTY else EMPTY
    assert judge(get(rule.__name__), SPEC, _t("running", bad, expected=other)).verdict == NA
    assert judge(get(rule.__name__), SPEC, _t("running", bad, expected=None)).verdict == NA
    assert judge(get(rule.__name__), SPEC, _t("running", "running", expected=expected)).verdict == NA


def test_outcome_rules_cover_face_only() -> None:
    for name in ("lro_empty_group_fails", "lro_populated_group_succeeds", "lro_not_trained_before_train"):
        assert get(name).services == frozenset({"face"})
