"""The pytest plugin: the conformance suite as items in a user's own pytest run."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cognitive_conformance.emulator.config import EmulatorConfig
from cognitive_conformance.emulator.server import running

pytestmark = pytest.mark.e2e
KEY = "p1u91nk3y000000000000000000000001"


def _pytest(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # an empty project: only the plugin's items can be collected
    (tmp_path / "conftest.py").write_text("")
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


def test_plugin_items_per_operation_and_scenario_pass_on_the_faithful_emulator(tmp_path: Path) -> None:
    proc = _pytest(
        tmp_path, "--conformance", "--conformance-service", "face", "--conformance-api-version", "v1.2",
        "--conformance-max-examples", "2", "--conformance-report-dir", str(tmp_path / "reports"), "--collect-only",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "face[v1.2]::stateless::PersonGroupOperations_TrainPersonGroup" in proc.stdout
    assert "face[v1.2]::stateful::face-persongroup-train-poll" in proc.stdout
    proc = _pytest(
        tmp_path, "--conformance", "--conformance-service", "face", "--conformance-api-version", "v1.2",
        "--conformance-max-examples", "2", "--conformance-report-dir", str(tmp_path / "reports"),
        "-k", "Train or train-poll or GetOperationResult",
    )
    counts = _counts(proc.stdout)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert counts.get("passed", 0) >= 6 and "failed" not in counts
    data = json.loads((tmp_path / "reports" / "conformance.json").read_text())
    assert data["findings"] == [] and data["lros"]
    # every item's traffic, in one HAR: the parts of all the items' runs merged at the session's end
    log = json.loads((tmp_path / "reports" / "traffic.har").read_text())["log"]
    assert len(log["entries"]) == data["har"]["entries"] >= sum(p["requests"] for p in data["phases"]) > 0
    assert len(log["pages"]) == 1 and {e["pageref"] for e in log["entries"]} == {"face@v1.2"}
    assert not (tmp_path / "reports" / ".parts").exists()


def test_plugin_items_fail_with_the_finding_against_a_faulty_target(tmp_path: Path) -> None:
    with running(EmulatorConfig(keys=(KEY,), training_seconds=0.2, faults=("train-returns-200",))) as url:
        proc = _pytest(
            tmp_path, "--conformance-target", url, "--conformance-key", KEY, "--conformance-service", "face",
            "--conformance-api-version", "v1.2", "-k", "stateful and persongroup-train-poll and not large",
        )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert _counts(proc.stdout).get("failed") == 1
    assert "[status_code_documented]" in proc.stdout
    assert KEY not in proc.stdout
