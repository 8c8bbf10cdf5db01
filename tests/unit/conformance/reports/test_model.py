"""Unit tests for conformance.reports.model: the event stream folded into the report model."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema

from cognitive_conformance.conformance.events import RunFinished, tally_findings
from cognitive_conformance.conformance.reports import model
from cognitive_conformance.conformance.reports.json_report import SCHEMA_PATH

from ._events import RULES, TRAIN, events, finding


def _rule(data: dict, name: str) -> dict:
    return next(r for r in data["rules"] if r["id"] == name)


def test_model_validates_against_the_v3_schema() -> None:
    data = model.build(events())
    assert data["schemaVersion"] == 3
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))


def test_rule_counts_applied_is_passed_plus_failed_with_na_beside() -> None:
    rule = _rule(model.build(events()), "status_code_documented")
    assert (rule["applied"], rule["passed"], rule["failed"], rule["notApplicable"]) == (5, 3, 2, 1)
    assert rule["status"] == "failed" and rule["findings"] == 1
    assert rule["notApplicableReasons"] == [{"reason": "request matches no operation of the spec", "count": 1}]


def test_rule_that_never_applied_is_not_exercised_never_passed() -> None:
    data = model.build(events())
    sticky = _rule(data, "lro_terminal_sticky")
    assert (sticky["applied"], sticky["notApplicable"], sticky["status"]) == (0, 2, "not exercised")
    # declared, offered nothing at all
    quiet = _rule(data, "operation_id_header_present")
    assert (quiet["applied"], quiet["notApplicable"], quiet["status"]) == (0, 0, "not exercised")
    assert _rule(data, "not_a_server_error")["status"] == "passed"


def test_rule_metadata_comes_from_rules_declared() -> None:
    sticky = _rule(model.build(events()), "lro_terminal_sticky")
    assert sticky["statement"] == "A terminal status stays terminal."
    assert sticky["source"] == "https://learn.microsoft.com/y"
    assert (sticky["kind"], sticky["severity"], sticky["family"]) == ("flow", "error", "lro")
    assert sticky["versions"] == ["v1.1", "v1.2"] and sticky["services"] == ["face"]
    assert _rule(model.build(events()), "status_code_documented")["versions"] is None


def test_an_undeclared_rule_with_a_finding_takes_its_metadata_from_the_finding() -> None:
    flow = _rule(model.build(events()), "documented_flow")
    assert flow["statement"] == "statement of documented_flow" and flow["source"] == "source of documented_flow"
    assert flow["status"] == "failed" and flow["failed"] == 1 and flow["applied"] == 1


def test_findings_are_distinct_with_every_occurrence_kept() -> None:
    data = model.build(events())
    status = [f for f in data["findings"] if f["check"] == "status_code_documented"]
    assert len(status) == 1
    assert status[0]["occurrences"] == 2
    assert [d["message"] for d in status[0]["details"]] == ["answered 200, not 202", "answered 204, not 202"]
    assert [d["statusCode"] for d in status[0]["details"]] == [200, 204]


def test_a_different_title_on_the_same_rule_and_operation_is_the_same_finding() -> None:
    run = events()
    run.insert(-1, finding("status_code_documented", "other", title="Another title"))
    data = model.build(run)
    status = [f for f in data["findings"] if f["check"] == "status_code_documented"]
    assert len(status) == 1 and status[0]["occurrences"] == 3


def test_the_same_rule_on_another_operation_is_another_finding() -> None:
    run = events()
    run.insert(-1, finding("status_code_documented", "x", op="PersonGroupOperations_GetPersonGroup"))
    assert model.build(run)["result"]["findings"] == 4


def test_declared_severity_makes_a_finding_a_warning() -> None:
    data = model.build(events())
    code = next(f for f in data["findings"] if f["check"] == "error_code_documented")
    assert code["severity"] == "warning"
    assert next(f for f in data["findings"] if f["check"] == "status_code_documented")["severity"] == "error"


def test_headline_counts_distinct_findings_by_severity_and_occurrences() -> None:
    data = model.build(events())
    r = data["result"]
    assert (r["findings"], r["errors"], r["warnings"], r["occurrences"]) == (3, 2, 1, 4)
    assert model.headline(data) == "3 findings (2 errors, 1 warning), 4 occurrences"
    assert data["services"][0]["findings"] == 3 and data["services"][0]["occurrences"] == 4
    assert r["conformant"] is False and r["exitCode"] == 1


def test_headline_singular_and_zero() -> None:
    data = {"result": {"findings": 1, "errors": 0, "warnings": 1, "occurrences": 1}}
    assert model.headline(data) == "1 finding (0 errors, 1 warning), 1 occurrence"


def test_model_counts_agree_with_the_tally_the_runner_uses() -> None:
    run = events()
    tally = tally_findings(run)
    r = model.build(run)["result"]
    assert (tally.findings, tally.errors, tally.warnings, tally.occurrences) == (
        r["findings"], r["errors"], r["warnings"], r["occurrences"])


def test_outcomes_one_entry_per_rule_operation_version_and_scenario() -> None:
    data = model.build(events())
    keys = [(o["rule"], o["operationId"], o["phase"], o["scenario"]) for o in data["outcomes"]]
    assert len(keys) == len(set(keys))
    train = next(o for o in data["outcomes"] if o["rule"] == "status_code_documented" and o["operationId"] == TRAIN)
    assert (train["passed"], train["failed"], train["applied"]) == (3, 2, 5)
    assert train["finding"] == {"severity": "error", "occurrences": 2}
    sticky = next(o for o in data["outcomes"] if o["rule"] == "lro_terminal_sticky")
    assert sticky["applied"] == 0 and sticky["reason"] == "no terminal status was read"
    assert sticky["scenario"] == "face-train"


def test_a_run_without_findings_is_conformant() -> None:
    run = [e for e in events(exit_code=0) if type(e).__name__ != "FindingRaised"]
    run[-1] = RunFinished(0, 1.0, 16, 0, 0)
    data = model.build(run)
    assert data["result"]["conformant"] is True and data["findings"] == []
    assert model.headline(data) == "0 findings (0 errors, 0 warnings), 0 occurrences"


def test_rules_not_declared_are_listed_from_their_evaluations() -> None:
    data = model.build(events(declared=RULES[:1]))
    assert _rule(data, "not_a_server_error")["statement"].startswith("(undeclared rule")


def test_model_does_not_import_the_rule_registry() -> None:
    code = (
        "import sys, cognitive_conformance.conformance.reports, cognitive_conformance.conformance.reports.model;"
        "assert 'cognitive_conformance.conformance.checks.registry' not in sys.modules, 'registry imported'"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_an_incomplete_run_is_marked_in_the_model_summary_and_schema() -> None:
    from dataclasses import replace

    from cognitive_conformance.conformance.reports import markdown

    incomplete = {"reason": "max-requests", "maxRequests": 50, "maxTimeSeconds": None,
                  "budgetedRequests": 50, "cleanupRequests": 3}
    stream = [e if not isinstance(e, RunFinished) else replace(e, exit_code=5, errors=0, extra={"incomplete": incomplete})
              for e in events()]
    data = model.build(stream)
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    assert data["result"]["incomplete"] == incomplete and not data["result"]["conformant"]
    line = model.incomplete_line(data)
    assert line.startswith("INCOMPLETE (max-requests): --max-requests 50 ran out") and "3 cleanup requests" in line
    assert line in markdown.render(data)


def test_a_complete_run_has_no_incomplete_mark() -> None:
    data = model.build(events())
    assert data["result"]["incomplete"] is None and model.incomplete_line(data) == ""
