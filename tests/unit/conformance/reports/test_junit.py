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
    assert ("face.v1.2.stateless", f"status_code_documented[{TRAIN}]") in names
    assert ("face.v1.2.stateless", "status_code_documented[-]") in names  # no operation matched
    assert ("face.v1.2.stateful.face-train", f"documented_flow[{TRAIN}]") in names


def test_an_error_finding_is_one_failure_holding_every_occurrence(tmp_path: Path) -> None:
    case = next(c for c in _cases(_write(tmp_path)) if c.name == f"status_code_documented[{TRAIN}]")
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
    warning = next(c for c in cases if c.name == f"error_code_documented[{TRAIN}]")
    assert not any(isinstance(r, Failure) for r in warning.result)
    assert "warning: [error_code_documented]" in warning.system_out


def test_a_rule_that_never_applied_is_skipped_with_its_reason(tmp_path: Path) -> None:
    case = next(c for c in _cases(_write(tmp_path)) if c.name.startswith("lro_terminal_sticky["))
    skipped = [r for r in case.result if isinstance(r, Skipped)]
    assert skipped and skipped[0].message == "not applicable: no terminal status was read"


def test_a_passing_case_has_no_result_and_a_scenario_error_is_an_error(tmp_path: Path) -> None:
    cases = _cases(_write(tmp_path))
    ok = next(c for c in cases if c.name == f"not_a_server_error[{TRAIN}]")
    assert ok.is_passed
    scenario = next(c for c in cases if c.classname == "face.v1.2.stateful.face-train" and c.name == "scenario")
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
