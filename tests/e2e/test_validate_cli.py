"""`conformance validate` as README shows it, through the installed console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "tests" / "reference" / "recordings"
CLI = Path(sys.executable).parent / "conformance"


def validate(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), "validate", *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_the_shipped_recordings_are_conformant_with_their_deviations_listed(tmp_path: Path) -> None:
    proc = validate(str(RECORDINGS), "--report-dir", str(tmp_path / "r"), cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("conformant: 0 findings (0 errors, 0 warnings)")
    assert "Traceback" not in proc.stderr
    data = json.loads((tmp_path / "r" / "conformance.json").read_text())
    assert data["result"]["conformant"] and data["result"]["deviations"] == len(data["deviations"]) > 0
    assert all(d["observed"] for d in data["deviations"])  # each departure cites the recordings that show it
    # 6 trainings and snapshots, 9 PersonDirectory operations (polled at their operation-Location)
    assert len(data["lros"]) == 15 and data["result"]["requests"] == 131
    assert any("not judged" in n for n in data["notices"])


def test_the_documents_fail_the_shipped_recordings(tmp_path: Path) -> None:
    proc = validate(str(RECORDINGS), "--profile", "docs", "--report-dir", str(tmp_path / "r"), cwd=ROOT)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    data = json.loads((tmp_path / "r" / "conformance.json").read_text())
    assert data["result"]["errors"] > 0 and data["deviations"] == []
    assert all(f["details"][0]["where"] for f in data["findings"])  # file#entry of each finding


@pytest.mark.parametrize(
    ("content", "extra"),
    [("not a recording at all", ()), ('{"Entries": []}', ("--format", "har"))],
    ids=["garbage", "forced-wrong-format"],
)
def test_unreadable_input_is_a_usage_error_without_traceback(tmp_path: Path, content: str, extra: tuple) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    proc = validate(str(bad), *extra, "--report-dir", str(tmp_path / "r"), cwd=tmp_path)
    assert proc.returncode == 2
    assert str(bad) in proc.stderr and "Traceback" not in proc.stderr


def test_validate_help_documents_the_formats_and_exit_codes(tmp_path: Path) -> None:
    proc = validate("--help", cwd=tmp_path)
    assert proc.returncode == 0
    for word in ("test-proxy", "session-records", "vcr", "har", "exit codes"):
        assert word in proc.stdout
