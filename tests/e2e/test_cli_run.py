"""``conformance run`` end to end over real HTTP: exit codes, reports, redaction.

The CLI is run in a subprocess exactly as a user runs it; targets are the emulator on
loopback (faithful, or with a fault switched on).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from cognitive_conformance.conformance.reports.json_report import SCHEMA_PATH
from cognitive_conformance.emulator.config import EmulatorConfig
from cognitive_conformance.emulator.server import running

pytestmark = pytest.mark.e2e
KEY = "c1i7e57k3y0000000000000000000001"


def _cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cognitive_conformance.conformance", *args], capture_output=True, text=True, timeout=timeout
    )


def _assert_reports(report_dir: Path, *, secret: str) -> dict:
    for name in ("conformance.json", "junit.xml", "summary.md"):
        text = (report_dir / name).read_text(encoding="utf-8")
        assert secret not in text, f"the key leaked into {name}"
    data = json.loads((report_dir / "conformance.json").read_text())
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    return data


def test_run_against_faithful_emulator_exits_0_with_clean_reports(tmp_path: Path) -> None:
    with running(EmulatorConfig(keys=(KEY,), training_seconds=0.2)) as url:
        proc = _cli("run", "--target", url, "--key", KEY, "--service", "face", "--api-version", "v1.2",
                    "--max-examples", "2", "--poll-interval", "0.1", "--report-dir", str(tmp_path), "--quiet")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("conformant: 0 findings (0 errors, 0 warnings), 0 occurrences;")
    data = _assert_reports(tmp_path, secret=KEY)
    assert data["result"]["conformant"] is True and data["findings"] == []
    assert {p["phase"] for p in data["phases"]} == {"stateless", "stateful"}
    assert all(r["failed"] == 0 for r in data["rules"])
    # a rule that applied 0 times is never listed as passed
    assert all(r["status"] == "not exercised" for r in data["rules"] if r["applied"] == 0)
    assert all(r["status"] == "passed" for r in data["rules"] if r["applied"] > 0)
    lro = [t for t in data["lros"] if t["resource"].startswith("persongroups/") and t["resource"].endswith("-v12-pg")]
    assert lro and lro[0]["terminalStatus"] == "succeeded" and lro[0]["pollsAfterTerminal"] == 0
    assert [s["status"] for s in lro[0]["statusesSeen"]][0] in {"notStarted", "running"}
    assert KEY not in proc.stdout + proc.stderr


def test_run_against_faulty_target_exits_1_naming_the_rule(tmp_path: Path) -> None:
    with running(EmulatorConfig(keys=(KEY,), training_seconds=0.2, faults=("drop-operation-location",))) as url:
        proc = _cli("run", "--target", url, "--key", KEY, "--service", "face", "--api-version", "v1.2",
                    "--phase", "stateful", "--poll-interval", "0.1", "--report-dir", str(tmp_path))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "NONCONFORMANT" in proc.stdout
    assert "lro_operation_location_present" in proc.stderr  # progress names the check
    data = _assert_reports(tmp_path, secret=KEY)
    finding = next(f for f in data["findings"] if f["check"] == "lro_operation_location_present")
    assert finding["operationId"] == "PersonGroupOperations_TrainPersonGroup"
    assert "https://learn.microsoft.com/" in finding["source"]
    assert finding["rule"].startswith("A successful long-running submit returns an absolute Operation-Location")
    assert "Ocp-Apim-Subscription-Key: ***" in finding["repro"] or "ocp-apim-subscription-key: ***" in finding["repro"]
    junit = (tmp_path / "junit.xml").read_text()
    assert 'type="lro_operation_location_present"' in junit
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("# Conformance summary: NONCONFORMANT")


def test_embedded_emulator_is_the_default_target(tmp_path: Path) -> None:
    proc = _cli("run", "--service", "face", "--api-version", "v1.0", "--phase", "stateful",
                "--scenario", "face-persongroup-train-poll", "--report-dir", str(tmp_path), "--quiet")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((tmp_path / "conformance.json").read_text())
    assert data["target"]["embeddedEmulator"] is True
    assert data["target"]["url"].startswith("http://127.0.0.1:")
    statuses = [s["status"] for t in data["lros"] for s in t["statusesSeen"]]
    assert "nonstarted" in statuses or "running" in statuses  # v1.0 spelling, never instant


@pytest.mark.parametrize(
    "args, message",
    [
        (("run", "--service", "nope"), "unknown service 'nope'"),
        (("run", "--api-version", "v9"), "unknown API version"),
        (("run", "--max-examples", "0"), "--max-examples must be at least 1"),
        (("run", "--target", "http://127.0.0.1:9"), "a key is needed"),
        (("run", "--check", "no_such_check"), "unknown check"),
        (("run", "--bogus-flag"), "unrecognized arguments"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], message: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CONFORMANCE_KEY", raising=False)
    proc = _cli(*args, "--report-dir", str(tmp_path))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr


def test_unreachable_target_exits_3_without_leaking_the_key(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = _cli("run", "--target", f"http://127.0.0.1:{port}", "--key", KEY, "--service", "face",
                "--api-version", "v1.2", "--report-dir", str(tmp_path))
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "target unreachable" in proc.stdout + proc.stderr
    data = _assert_reports(tmp_path, secret=KEY)
    assert data["result"]["exitCode"] == 3


def test_checks_command_lists_rules_and_sources() -> None:
    proc = _cli("checks")
    assert proc.returncode == 0
    assert "status_code_documented  [response, error, status]" in proc.stdout
    assert "lro_legal_status_path" in proc.stdout and "    source: " in proc.stdout


def test_cli_summary_junit_and_json_print_the_same_counts(tmp_path: Path) -> None:
    """One real run with one fault: every output names the same distinct findings and occurrences."""
    import re

    from junitparser import Failure, JUnitXml

    proc = _cli("run", "--service", "face", "--api-version", "v1.2", "--max-examples", "1",
                "--emulator-fault", "plaintext-errors", "--report-dir", str(tmp_path), "--quiet")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    data = json.loads((tmp_path / "conformance.json").read_text())
    r = data["result"]
    assert r["errors"] >= 1 and r["occurrences"] > r["findings"], r  # distinct findings, each seen several times
    assert any(f["check"] == "error_envelope_valid" and f["operationId"] == "PersonGroupOperations_TrainPersonGroup"
               for f in data["findings"])
    headline = (f"{r['findings']} finding{'s' if r['findings'] != 1 else ''} "
                f"({r['errors']} error{'s' if r['errors'] != 1 else ''}, "
                f"{r['warnings']} warning{'s' if r['warnings'] != 1 else ''}), "
                f"{r['occurrences']} occurrence{'s' if r['occurrences'] != 1 else ''}")
    assert proc.stdout.startswith(f"NONCONFORMANT: {headline};"), proc.stdout
    summary = (tmp_path / "summary.md").read_text()
    assert f"- Findings: {headline}" in summary
    assert len(re.findall(r"^### \d+\. ", summary, flags=re.M)) == r["findings"]
    assert sum(f["occurrences"] for f in data["findings"]) == r["occurrences"]
    xml = JUnitXml.fromfile(str(tmp_path / "junit.xml"))
    cases = [c for suite in xml for c in suite]
    failed = [c for c in cases if any(isinstance(x, Failure) for x in c.result)]
    assert len(failed) == xml.failures == r["errors"]
    assert all(sum(isinstance(x, Failure) for x in c.result) == 1 for c in failed)
    names = [(c.classname, c.name) for c in cases]
    assert len(names) == len(set(names))
    shown = sum(int(re.search(r"\((\d+) occurrences?\)", next(x for x in c.result if isinstance(x, Failure)).message)
                    .group(1)) for c in failed)
    assert shown == sum(f["occurrences"] for f in data["findings"] if f["severity"] == "error")


def test_voice_is_an_alias_of_customvoice(tmp_path: Path) -> None:
    proc = _cli("run", "--service", "voice", "--api-version", "2024-02-01-preview", "--phase", "stateful",
                "--scenario", "voice-auth", "--report-dir", str(tmp_path), "--quiet")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((tmp_path / "conformance.json").read_text())
    assert [s["service"] for s in data["services"]] == ["customvoice"]


def test_warning_findings_are_listed_but_do_not_fail_the_run(tmp_path: Path) -> None:
    proc = _cli("run", "--service", "face", "--api-version", "v1.2", "--phase", "stateful",
                "--check", "error_code_documented", "--emulator-fault", "generic-not-found-code",
                "--report-dir", str(tmp_path), "--quiet")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((tmp_path / "conformance.json").read_text())
    r = data["result"]
    assert r["conformant"] is True and r["errors"] == 0 and r["warnings"] == r["findings"] >= 1
    assert {f["severity"] for f in data["findings"]} == {"warning"}
    assert proc.stdout.startswith(f"conformant: {r['findings']} findings (0 errors, {r['warnings']} warnings)")
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("# Conformance summary: CONFORMANT") and "warning: `error_code_documented`" in summary
    assert 'failures="0"' in (tmp_path / "junit.xml").read_text()
