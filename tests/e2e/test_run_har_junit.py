"""``conformance run``'s traffic.har and junit.xml, over real HTTP, read back as a user's tools read them.

* traffic.har: ``conformance validate`` accepts it and, for a clean emulator run, answers
  conformant with the live run's verdicts for every rule both judged; for a faulty target it finds
  the rule the live run found; the key never appears in it.
* junit.xml, read with junitparser: one suite per service@version whose counts equal the JSON
  report's; each failing case holds exactly one <failure>; no name repeats; the same names in two
  runs with the same seed.

One run is ``--service face --api-version v1.2 --max-examples 1`` against the embedded emulator
(about 17 s); the others are its stateful phase alone against an emulator with faults (about 1 s).
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from junitparser import Failure, JUnitXml, Skipped

from tests.e2e.emulator_proc import conformance, emulator

pytestmark = pytest.mark.e2e
KEY = "4a7e5ec2e7000000000000000000feed"
FAULTS = ("train-returns-200", "terminal-not-sticky", "error-without-message", "generic-not-found-code")
SMALL = ("--service", "face", "--api-version", "v1.2", "--max-examples", "1", "--seed", "7", "-q")
README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
EXE = str(Path(sys.executable).with_name("conformance"))


def _run(report_dir: Path, *args: str, target: str | None = None) -> dict:
    where = ("--target", target) if target else ()
    small = SMALL
    if "stateful" in args and "stateless" not in args:  # --max-examples budgets the stateless phase only (refused here)
        small = tuple(a for i, a in enumerate(SMALL) if a != "--max-examples" and SMALL[i - 1] != "--max-examples")
    proc, _ = conformance("run", *where, "--key", KEY, *small, *args, "--report-dir", str(report_dir), timeout=300)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    data = json.loads((report_dir / "conformance.json").read_text())
    assert data["result"]["exitCode"] == proc.returncode
    return data


def _validate(har: Path, report_dir: Path) -> tuple[int, dict]:
    proc, _ = conformance("validate", str(har), "--report-dir", str(report_dir), "-q")
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    return proc.returncode, json.loads((report_dir / "conformance.json").read_text())


@pytest.fixture(scope="module")
def faulty() -> Iterator[str]:
    args = [a for fault in FAULTS for a in ("--fault", fault)]
    with emulator("--key", KEY, *args) as url:
        yield url


@pytest.fixture(scope="module")
def faulty_run(faulty: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The stateful phase against the faulty emulator: the junit.xml the tests below read."""
    report_dir = tmp_path_factory.mktemp("faulty")
    return report_dir, _run(report_dir, "--phase", "stateful", target=faulty)


def _suite_counts_are_the_json_report_s(report_dir: Path, data: dict) -> tuple[JUnitXml, list]:
    """The one suite of face v1.2, counted as conformance.json counts; its cases."""
    xml = JUnitXml.fromfile(str(report_dir / "junit.xml"))
    suites = list(xml)
    assert [s.name for s in suites] == ["face@v1.2"]
    (suite,) = suites
    cases = list(suite)
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "a test case name repeats"
    failing = [c for c in cases if any(isinstance(r, Failure) for r in c.result)]
    assert all(sum(isinstance(r, Failure) for r in c.result) == 1 for c in failing)
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    broken = sum(1 for s in data["scenarios"] if s["error"])
    assert suite.failures == xml.failures == len(failing) == len(errors)
    assert suite.tests == len(cases) == len(data["outcomes"]) + broken
    assert suite.skipped == sum(isinstance(r, Skipped) for c in cases for r in c.result)
    assert suite.skipped == sum(1 for o in data["outcomes"] if o["applied"] == 0) > 0
    assert suite.errors == broken
    return xml, cases


README_RUN = ".venv/bin/conformance run --service face --api-version v1.2 --max-examples 1"
README_VALIDATE = ".venv/bin/conformance validate reports/traffic.har --report-dir reports/validated"


def _readme_line(line: str, cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """A README command line as written (the console script of this environment), run in ``cwd``."""
    assert line in README
    words = shlex.split(line)
    assert words[0] == ".venv/bin/conformance"
    return subprocess.run([EXE, *words[1:], *extra], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_a_clean_run_s_har_is_conformant_under_validate_with_the_same_verdicts(tmp_path: Path) -> None:
    # the README's two lines; the run's embedded emulator takes this key, so the HAR can be searched for it
    proc = _readme_line(README_RUN, tmp_path, "--key", KEY, "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "reports/traffic.har" in proc.stdout.splitlines()[-1]
    live = json.loads((tmp_path / "reports" / "conformance.json").read_text())
    assert live["result"]["conformant"], live["result"]
    har = tmp_path / "reports" / "traffic.har"
    text = har.read_text()
    assert KEY not in text and "***" in text
    assert not (tmp_path / "reports" / ".parts").exists()
    log = json.loads(text)["log"]
    assert live["har"]["file"] == "traffic.har" and live["har"]["entries"] == len(log["entries"]) == live["result"]["requests"]
    assert [p["id"] for p in log["pages"]] == ["face@v1.2"]
    times = [e["startedDateTime"] for e in log["entries"]]
    assert times == sorted(times) and all(e["time"] == pytest.approx(e["timings"]["wait"] + e["timings"]["receive"], abs=0.01)
                                          for e in log["entries"])
    proc = _readme_line(README_VALIDATE, tmp_path, "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    judged = json.loads((tmp_path / "reports" / "validated" / "conformance.json").read_text())
    assert judged["result"]["errors"] == 0, [f["check"] for f in judged["findings"]]
    assert judged["result"]["requests"] == len(log["entries"])
    # client_* rules judge the client that sent the traffic: in the HAR that is the run's own stateless fuzzing,
    # which by design never polls what it submits; the run itself judges its scenarios as the client
    verdicts = {r["id"]: r["status"] for r in live["rules"] if r["applied"] and not r["id"].startswith("client_")}
    compared = {r["id"]: r["status"] for r in judged["rules"] if r["applied"] and r["id"] in verdicts}
    assert len(compared) >= 10 and compared == {k: verdicts[k] for k in compared}
    assert {(d["check"], d["operationId"]) for d in judged["deviations"]} == {
        (d["check"], d["operationId"]) for d in live["deviations"]}
    # its junit.xml: both phases in the one suite of face v1.2, nothing failed
    xml, cases = _suite_counts_are_the_json_report_s(tmp_path / "reports", live)
    assert xml.failures == 0 and {c.classname.split(".")[3] for c in cases} == {"stateless", "stateful"}


def test_validate_finds_in_the_har_the_fault_the_live_run_found(tmp_path: Path, faulty: str) -> None:
    live = _run(tmp_path / "run", "--phase", "stateful", "--scenario", "face-persongroup-train-poll", target=faulty)
    train = ("status_code_documented", "PersonGroupOperations_TrainPersonGroup")
    assert train in {(f["check"], f["operationId"]) for f in live["findings"]}
    har = tmp_path / "run" / "traffic.har"
    assert KEY not in har.read_text()
    code, judged = _validate(har, tmp_path / "validate")
    assert code == 1 and train in {(f["check"], f["operationId"]) for f in judged["findings"] if f["severity"] == "error"}


def test_junit_of_a_faulty_run_is_what_dashboards_need(faulty_run: tuple[Path, dict]) -> None:
    report_dir, data = faulty_run
    assert not data["result"]["conformant"] and data["result"]["warnings"] >= 1
    xml, cases = _suite_counts_are_the_json_report_s(report_dir, data)
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    assert len(errors) >= 3
    # the failure holds every occurrence: the count in its message is the finding's
    many = max(errors, key=lambda f: f["occurrences"])
    assert many["occurrences"] > 1
    name = f"{many['check']}[{many['operationId'] or '-'}] (face@v1.2 {many['phase']} {many['scenario']})"
    (failure,) = [r for c in cases if c.name == name for r in c.result if isinstance(r, Failure)]
    assert f"({many['occurrences']} occurrences)" in failure.message and f"Occurrences: {many['occurrences']}" in failure.text
    warning = next(f for f in data["findings"] if f["severity"] == "warning")
    warned = next(c for c in cases if c.name.startswith(f"{warning['check']}[{warning['operationId']}]"))
    assert not any(isinstance(r, Failure) for r in warned.result) and f"warning: [{warning['check']}]" in warned.system_out
    assert KEY not in (report_dir / "junit.xml").read_text()


def test_two_runs_with_the_same_seed_give_the_same_test_case_names(
    tmp_path: Path, faulty: str, faulty_run: tuple[Path, dict]
) -> None:
    def names(report_dir: Path) -> list[tuple[str, str]]:
        return sorted((c.classname, c.name) for s in JUnitXml.fromfile(str(report_dir / "junit.xml")) for c in s)

    _run(tmp_path / "b", "--phase", "stateful", "--no-har", target=faulty)
    assert not (tmp_path / "b" / "traffic.har").exists() and not (tmp_path / "b" / ".parts").exists()
    first, second = names(faulty_run[0]), names(tmp_path / "b")
    assert first == second and len(first) == len(set(first)) > 100
