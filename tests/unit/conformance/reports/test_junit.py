"""Unit tests for conformance.reports.junit, read back with junitparser."""

from __future__ import annotations

from pathlib import Path

from junitparser import Error, Failure, JUnitXml, Skipped

from cognitive_conformance.conformance.reports import junit, model

from ._events import TRAIN, events


def _cases(path: Path) -> list:
    return [case for suite in JUnitXml.fromfile(str(path)) for case in suite]


def _write(tmp_path: Path, run=None) -> Path:
    return junit.write(model.build(run if run is not None else events()), tmp_path / "junit.xml")


def test_one_testcase_per_rule_operation_version_and_scenario_with_unique_names(tmp_path: Path) -> None:
    data = model.build(events())
    cases = _cases(junit.write(data, tmp_path / "junit.xml"))
    names = [(c.classname, c.name) for c in cases]
    assert len(names) == len(set(names)), "a test case name repeats"
    # every outcome is one case; plus one error case for the scenario that could not finish
    assert len(cases) == len(data["outcomes"]) + 1
    assert ("face.v1.2.stateless", f"status_code_documented[{TRAIN}] (face@v1.2 stateless)") in names
    assert ("face.v1.2.stateless", "status_code_documented[-] (face@v1.2 stateless)") in names  # no operation matched
    assert ("face.v1.2.stateful.face-train", f"documented_flow[{TRAIN}] (face@v1.2 stateful face-train)") in names
    # the name alone never repeats either (a dashboard may read only the name)
    assert len({c.name for c in cases}) == len(cases)


def test_an_error_finding_is_one_failure_holding_every_occurrence(tmp_path: Path) -> None:
    case = next(c for c in _cases(_write(tmp_path)) if c.name == f"status_code_documented[{TRAIN}] (face@v1.2 stateless)")
    failures = [r for r in case.result if isinstance(r, Failure)]
    assert len(failures) == 1
    assert "2 occurrences" in failures[0].message
    assert "answered 200, not 202" in failures[0].text and "answered 204, not 202" in failures[0].text
    assert "Ocp-Apim-Subscription-Key: ***" in failures[0].text


def test_failures_equal_the_error_findings_and_warnings_do_not_fail(tmp_path: Path) -> None:
    data = model.build(events())
    xml = JUnitXml.fromfile(str(junit.write(data, tmp_path / "junit.xml")))
    cases = [c for s in xml for c in s]
    failed = [c for c in cases if any(isinstance(r, Failure) for r in c.result)]
    assert len(failed) == data["result"]["errors"] == 2
    assert xml.failures == data["result"]["errors"]
    warning = next(c for c in cases if c.name == f"error_code_documented[{TRAIN}] (face@v1.2 stateless)")
    assert not any(isinstance(r, Failure) for r in warning.result)
    assert "warning: [error_code_documented]" in warning.system_out


def test_a_rule_that_never_applied_is_skipped_with_its_reason(tmp_path: Path) -> None:
    case = next(c for c in _cases(_write(tmp_path)) if c.name.startswith("lro_terminal_sticky["))
    skipped = [r for r in case.result if isinstance(r, Skipped)]
    assert skipped and skipped[0].message == "not applicable: no terminal status was read"


def test_a_passing_case_has_no_result_and_a_scenario_error_is_an_error(tmp_path: Path) -> None:
    cases = _cases(_write(tmp_path))
    ok = next(c for c in cases if c.name == f"not_a_server_error[{TRAIN}] (face@v1.2 stateless)")
    assert ok.is_passed
    scenario = next(c for c in cases if c.classname == "face.v1.2.stateful.face-train"
                    and c.name == "scenario (face@v1.2 stateful face-train)")
    assert any(isinstance(r, Error) and r.message == "train answered 500" for r in scenario.result)


def test_names_are_stable_whatever_the_order_of_events(tmp_path: Path) -> None:
    run = events()
    first = [(c.classname, c.name) for c in _cases(_write(tmp_path, run))]
    body = run[3:-1]
    shuffled = run[:3] + list(reversed(body)) + run[-1:]
    (tmp_path / "b").mkdir()
    second = [(c.classname, c.name) for c in _cases(junit.write(model.build(shuffled), tmp_path / "b" / "j.xml"))]
    assert first == second


def test_a_run_error_is_an_error_case(tmp_path: Path) -> None:
    from cognitive_conformance.conformance.events import RunFinished

    run = events()
    run[-1] = RunFinished(3, 1.0, 0, 0, 0, error="target unreachable: refused")
    xml = JUnitXml.fromfile(str(_write(tmp_path, run)))
    run_suite = next(s for s in xml if s.name == "run")
    assert [r.message for c in run_suite for r in c.result] == ["target unreachable: refused"]


def test_one_suite_per_service_and_version_counted_as_the_json_report_counts(tmp_path: Path) -> None:
    """Both phases of face v1.2 are one suite; a second version is its own suite with its own counts."""
    from dataclasses import replace

    from cognitive_conformance.conformance.events import FindingRaised, PhaseFinished, RuleEvaluated, RunStarted

    run = events()
    older = [replace(e, version="v1.0") for e in run if isinstance(e, (RuleEvaluated, PhaseFinished))]
    older += [FindingRaised(replace(e.finding, version="v1.0")) for e in run if isinstance(e, FindingRaised)][:1]
    run[0] = replace(run[0], versions={"face": ("v1.0", "v1.2")})
    run = run[:-1] + older + run[-1:]
    assert isinstance(run[0], RunStarted)
    data = model.build(run)
    xml = JUnitXml.fromfile(str(junit.write(data, tmp_path / "junit.xml")))
    suites = {s.name: s for s in xml}
    assert sorted(suites) == ["face@v1.0", "face@v1.2"]
    for name, suite in suites.items():
        version = name.split("@")[1]
        outcomes = [o for o in data["outcomes"] if o["apiVersion"] == version]
        errors = [f for f in data["findings"] if f["apiVersion"] == version and f["severity"] == "error"]
        broken = [s for s in data["scenarios"] if s["apiVersion"] == version and s["error"]]
        cases = list(suite)
        assert suite.tests == len(cases) == len(outcomes) + len(broken)
        assert suite.failures == sum(isinstance(r, Failure) for c in cases for r in c.result) == len(errors)
        assert suite.skipped == sum(isinstance(r, Skipped) for c in cases for r in c.result)
        assert suite.skipped == sum(1 for o in outcomes if o["applied"] == 0)
        assert suite.errors == len(broken)
        assert {c.classname.split(".stateful")[0].split(".stateless")[0] for c in cases} == {f"face.{version}"}
    assert suites["face@v1.0"].failures == 1 and suites["face@v1.2"].failures == 2
    names = [c.name for s in xml for c in s]
    assert len(names) == len(set(names))  # the versions' cases are told apart by their names too
