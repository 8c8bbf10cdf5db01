"""Unit tests for the provoked-situation rules (conformance.checks.provoked and the Face pack's never-trained rule).

Each rule judges a Provocation (one exchange + the documented outcome) and answers pass, fail or n/a.
Source: Get Training Status Response 401 / 404 (PersonGroupNotFound, PersonGroupNotTrained); Face error codes.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cognitive_conformance.conformance.checks.provoked import auth_rejects_bad_key, deleted_resource_not_found, documented_outcome_for_situation
from cognitive_conformance.conformance.checks.registry import NA, judge, get
from cognitive_conformance.conformance.failures import UnexpectedErrorCode, UnexpectedStatusForSituation
from cognitive_conformance.conformance.flows import Expected, Provocation
from cognitive_conformance.conformance.packs.face.rules import lro_not_trained_before_train
from cognitive_conformance.conformance.transport import ResponseRecord

from ._helpers import expect_failure, response, spec

SPEC = spec("face", "v1.2")
GET_GROUP = "PersonGroupOperations_GetPersonGroup"
Rule = Callable[..., None]


def envelope(code: str, message: str = "msg") -> dict:
    return {"error": {"code": code, "message": message}}


def exchange(status: int, body: object, op: str = GET_GROUP, **kw: object) -> ResponseRecord:
    return response(status, body, operation_id=op, **kw)


# (rule, situation kind, expectation, a response that honours it, a generic code)
CASES: list[tuple[Rule, str, Expected, ResponseRecord, str]] = [
    (auth_rejects_bad_key, "bad-key", Expected(401, ("Unspecified", "401"), "Response 401"),
     exchange(401, envelope("Unspecified", "Access denied due to invalid subscription key.")), "Forbidden"),
    (auth_rejects_bad_key, "no-key", Expected(401, ("Unspecified", "401"), "Response 401"),
     exchange(401, envelope("401")), "BadArgument"),
    (deleted_resource_not_found, "after-delete", Expected(404, ("PersonNotFound",), "FERR"),
     exchange(404, envelope("PersonNotFound", "Person is not found.")), "NotFound"),
    (lro_not_trained_before_train, "never-trained", Expected(404, ("PersonGroupNotTrained",), "Response 404"),
     exchange(404, envelope("PersonGroupNotTrained")), "PersonGroupNotFound"),
    (documented_outcome_for_situation, "missing-group", Expected(404, ("PersonGroupNotFound",), "Response 404"),
     exchange(404, envelope("PersonGroupNotFound")), "NotFound"),
    (documented_outcome_for_situation, "group-exists", Expected(409, ("PersonGroupExists",), "FERR"),
     exchange(409, envelope("PersonGroupExists")), "Conflict"),
]
IDS = [f"{c[0].__name__}-{c[1]}" for c in CASES]


@pytest.mark.parametrize(("rule", "kind", "expected", "good", "generic"), CASES, ids=IDS)
def test_the_documented_outcome_passes(rule: Rule, kind: str, expected: Expected, good: ResponseRecord, generic: str) -> None:
    assert rule(SPEC, Provocation(kind, good, expected)) is None


@pytest.mark.parametrize(("rule", "kind", "expected", "good", "generic"), CASES, ids=IDS)
def test_a_wrong_status_fails_naming_the_situation_and_source(
    rule: Rule, kind: str, expected: Expected, good: ResponseRecord, generic: str
) -> None:
    failure = expect_failure(UnexpectedStatusForSituation, rule, SPEC, Provocation(kind, exchange(200, {"a": 1}), expected))
    assert failure.received == 200 and failure.documented == expected.status
    assert failure.message.startswith(f"{kind}: {GET_GROUP} answered 200") and expected.source in failure.message


@pytest.mark.parametrize(("rule", "kind", "expected", "good", "generic"), CASES, ids=IDS)
def test_a_generic_or_missing_error_code_fails(rule: Rule, kind: str, expected: Expected, good: ResponseRecord, generic: str) -> None:
    failure = expect_failure(UnexpectedErrorCode, rule, SPEC, Provocation(kind, exchange(expected.status, envelope(generic)), expected))
    assert failure.received == generic and failure.documented == " or ".join(expected.codes)
    plain = exchange(expected.status, "Resource not found", content_type="text/plain")
    assert expect_failure(UnexpectedErrorCode, rule, SPEC, Provocation(kind, plain, expected)).received is None


@pytest.mark.parametrize(("rule", "kind", "expected", "good", "generic"), CASES, ids=IDS)
def test_any_code_is_accepted_when_none_is_documented(rule: Rule, kind: str, expected: Expected, good: ResponseRecord, generic: str) -> None:
    any_code = Expected(expected.status, (), expected.source)
    assert rule(SPEC, Provocation(kind, exchange(expected.status, envelope(generic)), any_code)) is None


OWN = {
    "auth_rejects_bad_key": {"bad-key", "no-key"},
    "deleted_resource_not_found": {"after-delete"},
    "lro_not_trained_before_train": {"never-trained"},
    "documented_outcome_for_situation": {"missing-group", "group-exists", "invalid-id"},
}


@pytest.mark.parametrize("name", sorted(OWN))
@pytest.mark.parametrize("kind", ["bad-key", "no-key", "after-delete", "never-trained", "missing-group", "group-exists", "invalid-id"])
def test_each_situation_is_judged_by_exactly_one_rule(name: str, kind: str) -> None:
    outcome = judge(get(name), SPEC, Provocation(kind, exchange(200, {"a": 1}), Expected(404, ("PersonGroupNotFound",))))
    if kind in OWN[name]:
        assert outcome.failed
    else:
        assert outcome.verdict == NA and outcome.reason
