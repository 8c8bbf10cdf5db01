"""Unit tests for the finding tally (events.tally_findings) and the rules a run declares (runner._declared_rules).

The runner decides its exit code from the tally: only error-severity findings make a run nonconformant.
"""

from __future__ import annotations

from cognitive_conformance.conformance import runner
from cognitive_conformance.conformance.checks.registry import all_rules
from cognitive_conformance.conformance.events import RuleInfo, RulesDeclared, tally_findings

from ._events import events, finding


def test_tally_counts_distinct_findings_and_every_occurrence() -> None:
    tally = tally_findings(events())
    assert (tally.findings, tally.errors, tally.warnings, tally.occurrences) == (3, 2, 1, 4)


def test_a_run_with_only_warnings_has_no_error_findings() -> None:
    warn = RuleInfo("error_code_documented", "s", "u", "errors", "response", "warning")
    run = [RulesDeclared((warn,)), finding("error_code_documented", "a"), finding("error_code_documented", "b")]
    tally = tally_findings(run)
    assert (tally.findings, tally.errors, tally.warnings, tally.occurrences) == (1, 0, 1, 2)
    assert tally.groups[0][0].severity == "warning"


def test_an_undeclared_rule_keeps_the_severity_it_was_raised_with() -> None:
    tally = tally_findings([finding("documented_flow", "x", severity="warning")])
    assert tally.warnings == 1 and tally.errors == 0


def test_declared_rules_cover_the_planned_service_only() -> None:
    config = runner.RunConfig(services=("face",), api_versions=("v1.2",))
    declared = {r.name: r for r in runner._declared_rules(config, config.plan())}
    face_rules = {r.name for r in all_rules() if r.covers("face", "v1.2")}
    assert face_rules <= set(declared)
    others = {r.name for r in all_rules() if not r.covers("face", "v1.2")}
    assert not others & set(declared), "a rule that cannot see face v1.2 is not offered"
    assert declared["not_a_server_error"].kind == "schemathesis"
    assert declared["status_code_documented"].severity == "error"


def test_a_stateless_only_run_declares_no_stateful_only_rule() -> None:
    config = runner.RunConfig(services=("face",), api_versions=("v1.2",), phases=("stateless",))
    declared = {r.name for r in runner._declared_rules(config, config.plan())}
    stateful_only = {r.name for r in all_rules() if r.stateful_only}
    assert declared and not declared & stateful_only


def test_a_stateful_only_run_declares_no_schemathesis_check() -> None:
    config = runner.RunConfig(services=("face",), api_versions=("v1.2",), phases=("stateful",))
    assert all(r.kind != "schemathesis" for r in runner._declared_rules(config, config.plan()))


def test_selected_checks_limit_what_is_declared() -> None:
    config = runner.RunConfig(services=("face",), api_versions=("v1.2",), phases=("stateful",),
                              checks=("status_code_documented",))
    assert [r.name for r in runner._declared_rules(config, config.plan())] == ["status_code_documented"]
