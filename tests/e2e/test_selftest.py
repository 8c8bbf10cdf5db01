"""The checker's mutation scores, the same code as ``conformance selftest``.

* Named faults: every emulator fault, in every API version it applies to, is caught by the check
  it names, and the faithful emulator yields no finding (false-positive control).
* Blind mutants: a seeded sample (every operator represented) is run and scored apart, survivors
  listed; survivors are information, so no score is required. One mutant that the checks must kill
  and one that no black-box check can kill prove the bookkeeping.
"""

from __future__ import annotations

import pytest

import json
from pathlib import Path

from cognitive_conformance.conformance import cli, selftest, spec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SAMPLE = 7  # one mutant per operator
# Once a training status was read "succeeded", a re-read says "running": terminal stickiness is a documented rule.
KILLABLE = "regress-terminal-status@PersonGroupOperations_GetPersonGroupTrainingStatus@v1.2"
# A project's only timestamp, one hour earlier: no documented rule relates a server's creation time to
# the client's clock, so no black-box check can tell.
UNKILLABLE = "shift-timestamp-earlier@Projects_Get@2026-01-01"


@pytest.fixture(scope="module")
def result() -> selftest.SelftestResult:
    return selftest.run_selftest(sample=SAMPLE, workers=4, seed=0)


def test_catalogue_has_at_least_30_faults_over_all_services_and_versions(result: selftest.SelftestResult) -> None:
    faults = {f.fault for f in result.faults}
    assert len(faults) >= 30
    assert {f.service for f in result.faults} == {"face", "speaker", "customvoice"}
    # faults run in several versions: every Face and Custom Voice version is exercised
    versions = {(f.service, f.api_version) for f in result.faults}
    assert {v for s, v in versions if s == "face"} == {"v1.0", "v1.1-preview.1", "v1.2-preview.1", "v1.2"}
    assert {v for s, v in versions if s == "customvoice"} == {"2024-02-01-preview", "2026-01-01"}
    assert len(result.faults) > len(faults)


def test_every_fault_is_caught_in_every_version_it_applies_to(result: selftest.SelftestResult) -> None:
    missed = [f for f in result.faults if not f.caught]
    # A catalogue entry that declares its versions must be caught in each. One that does not is run in
    # every version of its service; there it must be caught at least in the service's default version.
    declared = {e["name"] for e in selftest.load_catalogue() if e.get("api_versions") or e.get("api_version")}
    undeclared = {f.fault for f in missed if f.fault not in declared}
    strict = [f"{f.fault} {f.api_version} (expected {f.expected_check}, fired {', '.join(f.fired) or 'nothing'})" for f in missed if f.fault not in undeclared]
    assert strict == [], selftest.render_table(result)
    defaults = {f.fault: spec.default_api_version(f.service) for f in result.faults}
    assert [f.fault for f in missed if f.api_version == defaults[f.fault]] == []
    caught = [f for f in result.faults if f.caught]
    assert all(f.exit_code == 1 and f.expected_first_s is not None for f in caught)


def test_faithful_emulator_control_is_clean(result: selftest.SelftestResult) -> None:
    assert result.control_clean, result.control_findings
    assert {(c.service, c.api_version) for c in result.controls} >= {(f.service, f.api_version) for f in result.faults}


def test_blind_sample_is_scored_apart_with_its_survivors_listed(result: selftest.SelftestResult) -> None:
    assert len(result.mutants) == SAMPLE
    assert len({m.operator for m in result.mutants}) == SAMPLE
    assert result.killed + len(result.survivors) == SAMPLE
    assert all(m.killed == bool(m.new_findings) for m in result.mutants)
    assert all(m.error is None for m in result.mutants), [m.error for m in result.mutants if m.error]
    text = selftest.render_table(result)
    assert f"blind-mutation score: {result.killed}/{SAMPLE} killed" in text
    assert f"named-fault score: {result.caught}/{len(result.faults)}" in text
    for survivor in result.survivors:
        assert any(survivor.operator in line and survivor.operation_id in line and survivor.api_version in line for line in text.splitlines())


def test_a_killed_mutant_counts_and_a_surviving_one_is_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["selftest", "--mutant", KILLABLE, "--mutant", UNKILLABLE, "--workers", "2", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0  # survivors are information: no named fault missed, clean control
    assert "named-fault score" not in out  # naming mutants only runs no named fault
    assert "blind-mutation score: 1/2 killed = 50%, 1 survivor(s)" in out
    assert any(line.startswith("shift-timestamp-earlier") and "Projects_Get" in line and "2026-01-01" in line for line in out.splitlines())
    report = json.loads((tmp_path / "selftest.json").read_text())
    assert report["controlClean"] and report["total"] == 0
    assert (report["blind"]["killed"], report["blind"]["total"]) == (1, 2)
    assert report["blind"]["survivors"] == [
        {"operator": "shift-timestamp-earlier", "operationId": "Projects_Get", "apiVersion": "2026-01-01", "service": "customvoice"}
    ]
    by_name = {m["mutant"]: m for m in report["blind"]["mutants"]}
    assert by_name[KILLABLE]["killed"] and any("lro_terminal_sticky" in f for f in by_name[KILLABLE]["new_findings"])
    assert by_name[KILLABLE]["phases"] == ["stateful"]  # shown by the scenarios; the stateless phase is skipped
    assert not by_name[UNKILLABLE]["killed"] and by_name[UNKILLABLE]["phases"] == ["stateful", "stateless"]


def test_selftest_rejects_unknown_fault_and_mutant_names() -> None:
    with pytest.raises(selftest.runner.ConfigError, match="unknown fault"):
        selftest.run_selftest(faults=("no-such-fault",))
    with pytest.raises(selftest.runner.ConfigError, match="unknown mutant"):
        selftest.run_selftest(mutants=("drop-header@NoSuchOperation@v1.2",))
    with pytest.raises(selftest.runner.ConfigError, match="unknown operator"):
        selftest.run_selftest(operators=("no-such-operator",))
