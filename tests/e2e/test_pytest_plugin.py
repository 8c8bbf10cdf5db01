"""The pytest plugin: the conformance suite as items in a user's own pytest run.

Every test starts pytest as a subprocess in an empty project (only the plugin's items can be
collected); the runs use a few items of Face v1.2 and one Hypothesis example per operation.
"""

from __future__ import annotations

import gzip
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from cognitive_conformance.conformance import cli, events as ev
from cognitive_conformance.conformance.config import RunConfig
from cognitive_conformance.conformance.events import PhaseStarted, RunStarted
from cognitive_conformance.conformance.reports import merge, model
from cognitive_conformance.conformance.reports.json_report import SCHEMA_PATH
from cognitive_conformance.conformance.scenarios import scenarios_for
from cognitive_conformance.conformance.spec import Spec
from cognitive_conformance.emulator.config import EmulatorConfig
from cognitive_conformance.emulator.server import running

pytestmark = pytest.mark.e2e
KEY = "p1u91nk3y000000000000000000000001"


def _pytest(tmp_path: Path, *args: str, conftest: str = "") -> subprocess.CompletedProcess[str]:
    # an empty project: only the plugin's items can be collected
    (tmp_path / "conftest.py").write_text(conftest)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rf", *args],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )


def _counts(output: str) -> dict[str, int]:
    return {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|failed|error)", output)}


def test_plugin_collects_nothing_unless_asked(tmp_path: Path) -> None:
    proc = _pytest(tmp_path)
    assert proc.returncode == 5  # no tests collected
    assert "conformance" not in proc.stdout.lower().split("no tests ran")[0]


FACE_V12 = ("--conformance", "--conformance-service", "face", "--conformance-api-version", "v1.2")
#: Four items of Face v1.2: two stateless operations, two scenarios.
FOUR = ("-k", "PersonGroupOperations_TrainPersonGroup or PersonGroupOperations_GetPersonGroupTrainingStatus "
              "or face-auth or face-persongroup-train-poll")


def test_collect_only_lists_and_counts_every_item_and_k_selects_among_them(tmp_path: Path) -> None:
    spec = Spec("face", "v1.2", "observed")
    expected = [f"conformance::face[v1.2]::stateless::{op.operation_id}" for op in spec.operations()]
    expected += [f"conformance::face[v1.2]::stateful::{s.name}" for s in scenarios_for("face") if s.runs_in("v1.2")]
    conftest = ("def pytest_collection_finish(session):\n"
                "    print('MAX-EXAMPLES', session.config.getoption('--conformance-max-examples'))\n")
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    line = next(x for x in readme.splitlines() if x.startswith(".venv/bin/pytest") and "--collect-only" in x)
    words = shlex.split(line)
    assert words[:5] == [".venv/bin/pytest", "-m", "conformance", *FACE_V12[:2]] and words[-2:] == ["--collect-only", "-q"]
    # the README's line, with this interpreter's pytest (which _pytest already runs with -q)
    proc = _pytest(tmp_path, *words[1:-1], "-s", conftest=conftest)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    listed = [line for line in proc.stdout.splitlines() if line.startswith("conformance::")]
    assert listed == expected  # the specs' and packs' own order: the same on every xdist worker
    assert f"{len(expected)} tests collected" in proc.stdout and len(expected) == 76  # with Detect, Identify, PersonDirectory
    # the default --conformance-max-examples is conformance run's
    # (the flag's parsed default is None, so that an explicit --max-examples can be told apart; the run's is RunConfig's)
    run_default = RunConfig.__dataclass_fields__["max_examples"].default
    assert f"(default {run_default})" in cli.build_parser()._subparsers._group_actions[0].choices["run"].format_help()
    assert f"MAX-EXAMPLES {run_default}\n" in proc.stdout and run_default == 5
    train = "conformance::face[v1.2]::stateless::PersonGroupOperations_TrainPersonGroup"
    proc = _pytest(tmp_path, *FACE_V12, "--collect-only", *FOUR, "--deselect", train, "-m", "conformance")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"3/{len(expected)} tests collected ({len(expected) - 3} deselected)" in proc.stdout
    assert [line for line in proc.stdout.splitlines() if line.startswith("conformance::")] == [
        "conformance::face[v1.2]::stateless::PersonGroupOperations_GetPersonGroupTrainingStatus",
        "conformance::face[v1.2]::stateful::face-auth",
        "conformance::face[v1.2]::stateful::face-persongroup-train-poll",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--conformance", "--conformance-service", "nope"), "--conformance: unknown service 'nope'"),
     (("--conformance", "--conformance-max-examples", "0"), "--conformance-max-examples must be at least 1"),
     (("--conformance-target", "http://127.0.0.1:9"), "--conformance-target needs --conformance-key")],
)
def test_usage_errors_stop_the_session_with_one_line(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    proc = _pytest(tmp_path, *args, "--collect-only")
    assert proc.returncode == 4, proc.stdout + proc.stderr  # pytest's usage error
    assert f"ERROR: {message}" in proc.stderr and "Traceback" not in proc.stderr


def test_plugin_items_pass_on_the_faithful_emulator_and_write_one_merged_run(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    proc = _pytest(tmp_path, *FACE_V12, "--conformance-max-examples", "1", "--conformance-report-dir", str(reports), *FOUR)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert _counts(proc.stdout) == {"passed": 4}
    data = json.loads((reports / "conformance.json").read_text())
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    assert data["findings"] == [] and data["lros"] and data["target"]["embeddedEmulator"] is True
    assert len(data["runId"].split("+")) == 4  # one run per item, merged
    assert sorted((p["phase"]) for p in data["phases"]) == ["stateful", "stateless"]  # one entry per phase
    record = ev.load(reports / merge.EVENTS_FILE)
    assert {**model.build(record), "har": data["har"]} == json.loads(json.dumps(data))  # the HAR is the writer's
    assert not (reports / merge.PARTS_DIR).exists()  # no workers, no parts

    # every item's traffic, in one HAR: the parts of all the items' runs merged at the session's end
    log = json.loads((reports / "traffic.har").read_text())["log"]
    assert len(log["entries"]) == data["har"]["entries"] >= sum(p["requests"] for p in data["phases"]) > 0
    assert len(log["pages"]) == 1 and {e["pageref"] for e in log["entries"]} == {"face@v1.2"}
    assert not (reports / ".parts").exists()

def _sum(reports: list[dict], *path: str) -> int:
    total = 0
    for r in reports:
        value = r
        for key in path:
            value = value[key]
        total += value
    return total


@pytest.mark.slow  # a controller and two workers, each with its own embedded emulator
def test_under_xdist_each_worker_writes_its_part_and_the_controller_one_merged_report(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    stale = reports / merge.PARTS_DIR / "gw7.events.jsonl.gz"  # a previous session's part
    ev.dump([], stale)
    (reports / "notes.txt").write_text("mine")
    proc = _pytest(tmp_path, "-p", "xdist", "-n", "2", *FACE_V12, "--conformance-max-examples", "1",
                   "--conformance-report-dir", str(reports), *FOUR)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert _counts(proc.stdout) == {"passed": 4}
    parts = sorted((reports / merge.PARTS_DIR).iterdir())
    assert [p.name for p in parts] == ["gw0.events.jsonl.gz", "gw1.events.jsonl.gz"]  # gw7 cleared, gw0/gw1 each its own
    assert (reports / "notes.txt").read_text() == "mine"
    runs = [merge.split_runs(ev.load(p)) for p in parts]
    assert all(runs) and sum(len(r) for r in runs) == 4  # every item ran once, on one worker
    phases = [(e.phase, e.service) for r in runs for run in r for e in run if isinstance(e, PhaseStarted)]
    assert sorted(phases) == [("stateful", "face")] * 2 + [("stateless", "face")] * 2
    # each worker started its own embedded emulator
    targets = {e.target for r in runs for run in r for e in run if isinstance(e, RunStarted)}
    assert len(targets) == 2
    per_part = [model.build(merge.merge_runs(r)) for r in runs]
    data = json.loads((reports / "conformance.json").read_text())
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    for count in ("requests", "polls", "occurrences", "throttles"):
        assert data["result"][count] == _sum(per_part, "result", count), count
    assert data["result"]["requests"] > 0 and data["result"]["polls"] > 0
    keys = {(f["check"], f["operationId"], f["scenario"]) for p in per_part for f in p["findings"]}
    assert data["result"]["findings"] == len(keys)  # one finding per key, whoever saw it
    assert {(o["rule"], o["operationId"], o["scenario"]) for o in data["outcomes"]} == \
        {(o["rule"], o["operationId"], o["scenario"]) for p in per_part for o in p["outcomes"]}
    assert data["target"] == {"url": ", ".join(sorted(targets, key=data["target"]["url"].index)), "embeddedEmulator": True}
    # the merged record merges again into the same report
    rebuilt = model.build(merge.merge_runs(merge.read_events(reports)))
    assert {**rebuilt, "har": data["har"]} == json.loads(json.dumps(data))


def test_plugin_items_fail_with_the_finding_against_a_faulty_target(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    with running(EmulatorConfig(keys=(KEY,), training_seconds=0.2, faults=("train-returns-200",))) as url:
        proc = _pytest(
            tmp_path, "--conformance-target", url, "--conformance-key", KEY, "--conformance-service", "face",
            "--conformance-api-version", "v1.2", "-k", "stateful and persongroup-train-poll and not large",
            "--conformance-poll-interval", "0.1",  # the emulator trains in 0.2 s, not a live target's seconds
            "--conformance-report-dir", str(reports),
        )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert _counts(proc.stdout).get("failed") == 1
    assert "[status_code_documented]" in proc.stdout
    assert KEY not in proc.stdout
    data = json.loads((reports / "conformance.json").read_text())
    assert data["result"]["exitCode"] == 1 and data["target"] == {"url": url, "embeddedEmulator": False}
    assert any(f["check"] == "status_code_documented" for f in data["findings"])
    for report in (p for p in reports.rglob("*") if p.is_file()):  # the key is in no report, repro or events record
        text = gzip.decompress(report.read_bytes()).decode() if report.suffix == ".gz" else report.read_text()
        assert KEY not in text, report


@pytest.mark.slow  # as above, and xdist starts a worker in place of the one that went down
def test_a_worker_that_goes_down_is_named_in_the_merged_report_with_what_it_finished(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    crash = "import os\n\ndef pytest_runtest_teardown(item):\n    if 'face-auth' in item.name:\n        os._exit(3)\n"
    proc = _pytest(tmp_path, "-p", "xdist", "-n", "2", *FACE_V12, "--conformance-max-examples", "1",
                   "--conformance-report-dir", str(reports), "-k", "face-auth or GetPersonGroupTrainingStatus",
                   conftest=crash)
    assert proc.returncode == 1 and "crashed while running 'conformance::face[v1.2]::stateful::face-auth'" in proc.stdout
    data = json.loads((reports / "conformance.json").read_text())
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    assert data["result"]["exitCode"] == 4
    assert re.search(r"pytest-xdist worker gw\d went down", data["result"]["error"])
    # face-auth's run had ended when its worker went down: its record was on disk and is merged
    assert any(s["scenario"] == "face-auth" for s in data["scenarios"]) and len(data["runId"].split("+")) == 2


class _Config:
    """What the plugin's controller hooks read of a pytest config (no session needed)."""

    def __init__(self, report_dir: Path) -> None:
        from cognitive_conformance.conformance import pytest_plugin

        self.options = {"--conformance": True, "--conformance-target": None, "--conformance-report-dir": str(report_dir)}
        self.stash = {pytest_plugin._STATE: {"parts": {}, "down": {}, "events": []}}

    def getoption(self, name: str, default: object = None) -> object:
        return self.options.get(name, default)


class _Node:
    def __init__(self, config: _Config, worker: str, output: dict | None) -> None:
        self.config, self.gateway = config, type("Gateway", (), {"id": worker})()
        if output is not None:
            self.workeroutput = output


def test_the_controller_keeps_a_remote_workers_part_and_names_a_worker_that_went_down(tmp_path: Path) -> None:
    """A remote worker (--tx ssh=...) wrote its part on its own disk: the controller writes what it handed over."""
    from cognitive_conformance.conformance import pytest_plugin

    from tests.unit.conformance.reports._events import events

    reports = tmp_path / "reports"
    config = _Config(reports)
    elsewhere = ev.dump(events(), tmp_path / "remote" / "gw0.events.jsonl.gz")
    output = {pytest_plugin._WORKER_OUTPUT: {"worker": "gw0", "data": elsewhere.read_bytes()}, "exitstatus": 0}
    pytest_plugin.pytest_testnodedown(_Node(config, "gw0", output), None)
    pytest_plugin.pytest_testnodedown(_Node(config, "gw1", None), "Not properly terminated")
    part = reports / merge.PARTS_DIR / "gw0.events.jsonl.gz"
    assert part.read_bytes() == elsewhere.read_bytes()
    state = config.stash[pytest_plugin._STATE]
    merged = model.build(pytest_plugin._merged_parts(reports, state["parts"], state["down"]))
    assert merged["result"]["exitCode"] == 4 and merged["result"]["requests"] == 16
    assert "pytest-xdist worker gw1 went down (Not properly terminated)" in merged["result"]["error"]
    jsonschema.validate(merged, json.loads(SCHEMA_PATH.read_text()))


def test_a_report_dir_that_cannot_be_made_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file where the directory should go")
    proc = _pytest(tmp_path, *FACE_V12, "--conformance-report-dir", str(tmp_path / "taken" / "reports"), "--collect-only")
    assert proc.returncode == 4 and "ERROR: --conformance-report-dir" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow  # the same items twice: without xdist, then on two workers
def test_pytest_n_2_writes_the_findings_pytest_n_0_writes(tmp_path: Path) -> None:
    """Spreading the items over workers changes where they run, not what is found (issue: `pytest -n 2`
    writes one merged report equal in findings to `pytest -n 0`)."""
    items = ("-k", "PersonGroupOperations_TrainPersonGroup or PersonGroupOperations_GetPersonGroupTrainingStatus "
                   "or (stateful and persongroup-train-poll and not large)")
    found = {}
    with running(EmulatorConfig(keys=(KEY,), training_seconds=0.2, faults=("train-returns-200",))) as url:
        for workers in ("0", "2"):
            reports = tmp_path / f"n{workers}"
            proc = _pytest(tmp_path, "-p", "xdist", "-n", workers, "--conformance-target", url, "--conformance-key", KEY,
                           "--conformance-service", "face", "--conformance-api-version", "v1.2",
                           "--conformance-max-examples", "1", "--conformance-poll-interval", "0.1",
                           "--conformance-report-dir", str(reports), *items)
            assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-2000:]
            data = json.loads((reports / "conformance.json").read_text())
            found[workers] = sorted((f["check"], f["operationId"], f["scenario"], f["apiVersion"], f["severity"], f["occurrences"])
                                    for f in data["findings"])
    assert found["0"], "the fault was found"
    assert any(f[0] == "status_code_documented" for f in found["0"])
    assert found["2"] == found["0"]
