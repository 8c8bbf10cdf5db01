"""Unit tests for conformance.checks.registry: every check states its rule and cites its source; @check
rejects undocumented functions; run_checks turns Failures into outcomes and lets checker bugs propagate.

Source: STYLE.md "Writing a check" (docstring first line is the rule, then a `Source:` line); ARCHITECTURE.md
("checks/ pure functions ... each docstring states its rule and cites its Source:").
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from cognitive_conformance.conformance.checks import registry
from cognitive_conformance.conformance.checks.registry import FLOW, Check, all_checks, all_rules, check, get, run_checks
from cognitive_conformance.conformance.context import CheckContext
from cognitive_conformance.conformance.failures import Failure, UndocumentedStatusCode
from cognitive_conformance.conformance.transport import ResponseRecord

from ._helpers import context, response

# Checks named in the docs and reports; each must stay registered (more may be added).
NAMED_CHECKS = {
    "status_code_documented",
    "documented_outcome_for_situation",
    "auth_rejects_bad_key",
    "deleted_resource_not_found",
    "lro_not_trained_before_train",
    "lro_operation_location_present",
    "operation_id_header_present",
    "error_code_header_present",
    "error_code_header_matches_body",
    "response_schema_conforms",
    "content_type_documented",
    "status_in_version_enum",
    "error_envelope_valid",
    "error_code_documented",
    "lro_legal_status_path",
    "lro_terminal_sticky",
    "lro_reaches_terminal",
    "lro_operations_agree",
    "lro_timestamps_ordered",
    "lro_empty_group_fails",
    "lro_populated_group_succeeds",
    "lro_not_instant",
}
# A citation is a public URL (learn.microsoft.com, an azure-rest-api-specs file), a spec file or a shipped example.
CITATION = re.compile(r"https://\S+|specs/\S+\.yaml|tests/reference/\S+")
# Families are the public modules of conformance/checks (registry and _util are machinery, not rules).
from cognitive_conformance.conformance.packs import all_packs

FAMILIES = ({p.stem for p in Path(registry.__file__).parent.glob("*.py")} - {"__init__", "registry", "_util"}) | {
    p.service for p in all_packs()
}
UNIT_TESTS = Path(__file__).resolve().parents[2]  # tests/unit


@pytest.fixture
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, Check]:
    """A private copy of the registry so test-only checks never leak into all_checks() elsewhere."""
    registry.all_checks()  # load the real families first
    copy = dict(registry._REGISTRY)
    monkeypatch.setattr(registry, "_REGISTRY", copy)
    return copy


def test_registry_holds_every_named_check() -> None:
    names = {c.name for c in all_rules()}
    assert NAMED_CHECKS <= names, f"missing: {sorted(NAMED_CHECKS - names)}"


def test_all_checks_are_sorted_by_family_then_name_and_unique() -> None:
    checks = all_checks()
    keys = [(c.family, c.name) for c in checks]
    assert keys == sorted(keys)
    assert len({c.name for c in checks}) == len(checks)


@pytest.mark.parametrize("chk", all_rules(), ids=lambda c: c.name)
def test_every_check_states_a_rule_and_cites_a_source(chk: Check) -> None:
    doc = inspect.getdoc(chk.fn) or ""
    assert chk.rule == doc.splitlines()[0].strip()
    assert len(chk.rule) > 20 and not chk.rule.startswith("Source:")
    assert "Source:" in doc
    assert chk.source and CITATION.search(chk.source), f"{chk.name}: source cites nothing: {chk.source!r}"
    assert chk.family in FAMILIES
    packs = {p.service: p for p in all_packs()}
    if chk.family in packs:
        assert chk.fn.__module__ in packs[chk.family].rule_modules
    else:
        assert chk.fn.__module__ == f"cognitive_conformance.conformance.checks.{chk.family}"
    params = list(inspect.signature(chk.fn).parameters)
    if chk.kind == FLOW:
        assert params[0] == "spec" and len(params) == 2 and chk.evidence is not None
    else:
        assert params == ["ctx", "response"]


@pytest.mark.parametrize("chk", all_checks(), ids=lambda c: c.name)
def test_get_returns_the_registered_check(chk: Check) -> None:
    assert get(chk.name) is chk


def test_get_unknown_name_lists_known_checks() -> None:
    with pytest.raises(KeyError) as info:
        get("no_such_check")
    assert "no_such_check" in str(info.value) and "status_code_documented" in str(info.value)


def test_situational_and_lro_checks_are_stateful_only() -> None:
    by_name = {c.name: c for c in all_rules()}
    for name in ("auth_rejects_bad_key", "deleted_resource_not_found", "lro_not_trained_before_train",
                 "documented_outcome_for_situation"):
        assert by_name[name].stateful_only, name
    for c in all_rules():
        if c.family == "lro":
            assert c.stateful_only, c.name
    for name in ("status_code_documented", "response_schema_conforms", "error_envelope_valid",
                 "lro_operation_location_present"):
        assert not by_name[name].stateful_only, name


def test_check_rejects_a_function_without_docstring(scratch_registry: dict[str, Check]) -> None:
    def undocumented(ctx: CheckContext, response: ResponseRecord) -> None:
        return None

    with pytest.raises(ValueError, match="undocumented needs a docstring"):
        check(undocumented)
    assert "undocumented" not in scratch_registry


def test_check_rejects_a_docstring_without_source(scratch_registry: dict[str, Check]) -> None:
    def uncited(ctx: CheckContext, response: ResponseRecord) -> None:
        """A rule with no citation.

        It explains itself at length but never says where the rule is documented.
        """

    with pytest.raises(ValueError, match="uncited needs a 'Source:' line"):
        check(stateful_only=True)(uncited)
    assert "uncited" not in scratch_registry


def test_check_rejects_an_empty_source_line(scratch_registry: dict[str, Check]) -> None:
    def empty_source(ctx: CheckContext, response: ResponseRecord) -> None:
        """A rule whose Source line is blank.

        Source:
        """

    with pytest.raises(ValueError, match="Source:"):
        check(empty_source)


def test_check_registers_rule_multiline_source_and_flags(scratch_registry: dict[str, Check]) -> None:
    def sample_rule(ctx: CheckContext, response: ResponseRecord) -> None:
        """Sample responses are always fine.

        Longer explanation.

        Source: seed 000 (Train Person Group)
        and API-DIGEST §1.3.

        Trailing paragraph that is not part of the source.
        """

    returned = check(stateful_only=True)(sample_rule)
    assert returned is sample_rule
    registered = scratch_registry["sample_rule"]
    assert registered.rule == "Sample responses are always fine."
    assert registered.source == "seed 000 (Train Person Group) and API-DIGEST §1.3."
    assert registered.stateful_only is True
    assert registered.family == "test_registry"
    check(sample_rule)  # re-registering the same function is harmless


def test_check_rejects_a_duplicate_name(scratch_registry: dict[str, Check]) -> None:
    def status_code_documented(ctx: CheckContext, response: ResponseRecord) -> None:
        """An impostor.

        Source: seed 000
        """

    with pytest.raises(ValueError, match="duplicate rule name status_code_documented"):
        check(status_code_documented)
    assert scratch_registry["status_code_documented"].fn.__module__ == "cognitive_conformance.conformance.checks.status"


def test_run_checks_reports_one_outcome_per_check_with_the_failure() -> None:
    ctx = context("face", "v1.2", "PersonGroupOperations_TrainPersonGroup")
    selected = [get("status_code_documented"), get("error_code_header_matches_body")]
    outcomes = run_checks(ctx, response(500, {"error": {"code": "X", "message": "m"}}), selected)
    assert [o.rule.name for o in outcomes] == ["status_code_documented", "error_code_header_matches_body"]
    assert not outcomes[0].passed and isinstance(outcomes[0].failure, UndocumentedStatusCode)
    # 500 carries no x-ms-error-code: the match rule had nothing to compare, so it did not apply.
    assert outcomes[1].verdict == "n/a" and outcomes[1].failure is None
    assert outcomes[1].reason == "no x-ms-error-code header"


def test_run_checks_defaults_to_every_check() -> None:
    ctx = context("face", "v1.2", "PersonGroupOperations_TrainPersonGroup")
    outcomes = run_checks(ctx, response(202, headers=[("operation-location", "http://h/face/v1.2/operations/x")]))
    assert {o.rule.name for o in outcomes} == {c.name for c in all_checks()}


def test_run_checks_lets_a_checker_bug_propagate(scratch_registry: dict[str, Check]) -> None:
    def broken_check(ctx: CheckContext, response: ResponseRecord) -> None:
        """A check with a bug.

        Source: seed 000
        """
        raise KeyError("bug in the checker")

    check(broken_check)
    ctx = context("face", "v1.2", None)
    with pytest.raises(KeyError, match="bug in the checker"):
        run_checks(ctx, response(200), [scratch_registry["broken_check"]])


def test_failure_subclasses_are_assertion_errors_with_received_and_documented() -> None:
    failure = UndocumentedStatusCode("m", received=500, documented="202")
    assert isinstance(failure, (Failure, AssertionError))
    assert str(failure) == "m\nReceived: 500\nDocumented: 202"


@pytest.mark.parametrize("chk", all_checks(), ids=lambda c: c.name)
def test_every_check_is_exercised_by_a_unit_test(chk: Check) -> None:
    """A registered check needs hand-built pass/fail cases somewhere under tests/unit (not only this meta-test)."""
    here = Path(__file__).resolve()
    for path in UNIT_TESTS.rglob("test_*.py"):
        if path.resolve() != here and re.search(rf"\b{chk.name}\b", path.read_text(encoding="utf-8")):
            return
    pytest.fail(f"no unit test under tests/unit mentions check {chk.name}")
