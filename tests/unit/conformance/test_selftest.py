"""The self-test's bookkeeping without running anything: which versions a fault runs in, which blind
mutants a sample keeps, how scores, survivors and reports are computed and shown."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from cognitive_conformance.conformance import selftest
from cognitive_conformance.conformance.selftest import ControlResult, FaultResult, MutantResult, SelftestResult


def _fault(name: str, version: str, caught: bool) -> FaultResult:
    return FaultResult(name, "face", version, "status_code_documented", caught, ("status_code_documented",) if caught else (), 0.1, 0.1 if caught else None, 1.0, 1 if caught else 0)


def _mutant(operator: str, operation: str, version: str, killed: bool) -> MutantResult:
    return MutantResult(f"{operator}@{operation}@{version}", operator, "face", version, operation, killed, ("lro_terminal_sticky (-)",) if killed else (), 1.0, 1 if killed else 0, ("stateful",) if killed else ("stateful", "stateless"))


def _result(faults: list[FaultResult], mutants: list[MutantResult], control_findings: list | None = None) -> SelftestResult:
    findings = control_findings or []
    return SelftestResult(
        faults=faults,
        control_findings=findings,
        control_exit_code=1 if findings else 0,
        control_duration_s=1.0,
        duration_s=12.3,
        mutants=mutants,
        controls=[ControlResult("face", "v1.2", tuple(findings), 1 if findings else 0, 1.0)],
    )


def test_fault_versions_prefers_api_versions_then_api_version_then_every_version_of_the_service() -> None:
    assert selftest.fault_versions({"service": "face", "api_versions": ["v1.1-preview.1", "v1.2"]}) == ("v1.1-preview.1", "v1.2")
    assert selftest.fault_versions({"service": "face", "api_version": "v1.0"}) == ("v1.0",)
    assert selftest.fault_versions({"service": "face", "api_version": None}) == ("v1.0", "v1.1-preview.1", "v1.2-preview.1", "v1.2")
    assert selftest.fault_versions({"service": "customvoice"}) == ("2024-02-01-preview", "2026-01-01")


def _entries() -> list[dict]:
    out = []
    for operator, n in (("a", 5), ("b", 3), ("c", 1)):
        for i in range(n):
            out.append({"mutant": f"{operator}@op{i}@v", "operator": operator})
    return out


def test_sample_represents_every_operator_before_repeating_one() -> None:
    chosen = selftest.sample_mutants(_entries(), 3, seed=0)
    assert sorted(e["operator"] for e in chosen) == ["a", "b", "c"]
    counts = Counter(e["operator"] for e in selftest.sample_mutants(_entries(), 7, seed=0))
    assert counts == {"a": 3, "b": 3, "c": 1}


def test_sample_is_seeded_and_independent_of_input_order() -> None:
    entries = _entries()
    first = [e["mutant"] for e in selftest.sample_mutants(entries, 4, seed=7)]
    assert first == [e["mutant"] for e in selftest.sample_mutants(list(reversed(entries)), 4, seed=7)]
    others = {tuple(e["mutant"] for e in selftest.sample_mutants(entries, 4, seed=s)) for s in range(10)}
    assert len(others) > 1
    assert len(selftest.sample_mutants(entries, 100, seed=0)) == len(entries)


def test_scores_count_fault_version_pairs_and_mutants_separately() -> None:
    result = _result(
        [_fault("f", "v1.0", True), _fault("f", "v1.2", False), _fault("g", "v1.2", True)],
        [_mutant("regress-terminal-status", "Op", "v1.2", True), _mutant("shift-timestamp-earlier", "Op", "v1.2", False)],
    )
    assert (result.caught, len(result.faults), round(result.score, 3)) == (2, 3, 0.667)
    assert (result.killed, len(result.mutants), result.blind_score) == (1, 2, 0.5)
    assert [m.operator for m in result.survivors] == ["shift-timestamp-earlier"]
    assert not result.passed  # a missed named pair fails the self-test


def test_blind_survivors_do_not_fail_the_selftest_but_a_dirty_control_does() -> None:
    mutants = [_mutant("shift-timestamp-earlier", "Op", "v1.2", False)]
    assert _result([_fault("f", "v1.2", True)], mutants).passed
    assert not _result([_fault("f", "v1.2", True)], mutants, control_findings=[{"check": "x"}]).passed


def test_table_shows_version_rows_survivors_and_both_scores() -> None:
    result = _result(
        [_fault("train-returns-200", "v1.0", True), _fault("train-returns-200", "v1.2", True)],
        [_mutant("regress-terminal-status", "GetStatus", "v1.2", True), _mutant("shift-timestamp-earlier", "Projects_Get", "v1.2", False)],
    )
    text = selftest.render_table(result)
    rows = [line for line in text.splitlines() if line.startswith("train-returns-200")]
    assert len(rows) == 2 and "v1.0" in rows[0] and "v1.2" in rows[1]
    survivor = next(line for line in text.splitlines() if line.startswith("shift-timestamp-earlier"))
    assert "Projects_Get" in survivor and "v1.2" in survivor
    assert "GetStatus" not in text.split("blind mutants killed")[0]  # a killed mutant is not listed as a survivor
    assert "named-fault score: 2/2 (fault, version) pairs = 100%" in text
    assert "blind-mutation score: 1/2 killed = 50%, 1 survivor(s)" in text


def test_reports_carry_both_scores_and_the_survivors(tmp_path: Path) -> None:
    result = _result([_fault("f", "v1.2", True)], [_mutant("enum-case", "Op", "v1.2", False), _mutant("drop-header", "Op", "v1.2", True)])
    json_path, md_path = selftest.write_reports(result, tmp_path)
    data = json.loads(json_path.read_text())
    assert (data["caught"], data["total"], data["score"]) == (1, 1, 1.0)
    assert data["blind"]["killed"] == 1 and data["blind"]["total"] == 2 and data["blind"]["score"] == 0.5
    assert data["blind"]["survivors"] == [{"operator": "enum-case", "operationId": "Op", "apiVersion": "v1.2", "service": "face"}]
    assert data["faults"][0]["api_version"] == "v1.2"
    assert "blind-mutation score: 1/2" in md_path.read_text()


def test_finding_keys_ignore_per_run_titles() -> None:
    a = {"check": "c", "phase": "stateful", "operationId": "Op", "scenario": "s", "title": "cc-1a2b-group"}
    b = {**a, "title": "cc-9z9z-group"}
    assert selftest._finding_key(a) == selftest._finding_key(b)
    assert selftest._finding_key(a) != selftest._finding_key({**a, "operationId": "Other"})


def test_cli_rejects_bad_selftest_numbers_before_running_anything(capsys) -> None:
    from cognitive_conformance.conformance import cli

    for argv in (["--sample", "0"], ["--workers", "0"], ["--max-examples", "0"], ["--poll-timeout", "0"]):
        assert cli.main(["selftest", *argv]) == 2, argv
    assert "must be" in capsys.readouterr().err
