"""A hostile target cannot make the checker hang, crash or eat memory (budgets and timeouts hold).

Each mode of ``tests/e2e/hostile.py`` answers the preflight's probe reads as the emulator does
(except ``hang`` and ``html``, which the preflight rejects) and misbehaves on everything else;
the installed console script runs against it as a user runs it, bounded by ``--max-time 20``:
the budget, not the target, ends the modes that would go on for ever (``running``, ``huge``).
"""

from __future__ import annotations

import importlib.util
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cognitive_conformance.emulator.config import EmulatorConfig
from cognitive_conformance.emulator.server import running

pytestmark = pytest.mark.e2e
KEY = "h0st11e0000000000000000000000001"
_spec = importlib.util.spec_from_file_location("hostile", Path(__file__).with_name("hostile.py"))
hostile_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostile_module)

#: mode -> the exit codes it may end with (1 a finding, 3 target unusable, 5 a budget ran out)
EXPECTED = {
    "hang": {3},
    "html": {3},
    "reset": {3},
    "invalid-json": {1},
    "huge": {1},
    "running": {1, 5},
    "redirect": {1},
}


MAX_TIME_S = 20


def _run(target: str, report_dir: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    exe = Path(sys.executable).parent / "conformance"
    cmd = [exe, "run", "--target", target, "--key", KEY, "--service", "face", "--api-version", "v1.2",
           "--max-time", str(MAX_TIME_S), "--poll-timeout", "5", "--poll-interval", "0.1", "--rate-limit", "none", "--report-dir", str(report_dir), "-q"]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=150)  # the budget + cleanup + a request's timeout
    return proc, time.monotonic() - t0


@pytest.mark.parametrize("mode", sorted(EXPECTED))
def test_a_hostile_target_ends_the_run_within_its_budget(mode: str, tmp_path: Path) -> None:
    with running(EmulatorConfig(keys=(KEY,), training_seconds=0.2)) as emulator_url:
        with hostile_module.hostile(mode, emulator_url) as (server, elsewhere):
            proc, took = _run(server.url, tmp_path)
    output = proc.stdout + proc.stderr
    assert proc.returncode in EXPECTED[mode], output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert took < MAX_TIME_S + 60  # the budget, the cleanup (outside it) and one request's timeout
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux; the largest child so far
    assert peak_mib < 1024, f"checker peak RSS {peak_mib:.0f} MiB"
    assert elsewhere.requests == [], "a request reached the other host: the transport followed a redirect"
    if mode not in {"hang", "html"}:
        assert server.probes >= 1 or mode == "running"
        data = json.loads((tmp_path / "conformance.json").read_text())
        if mode == "reset":  # the first request of a phase met the reset (the probes were answered)
            assert "target unreachable" in data["result"]["error"] and "persongroups?top=1" not in data["result"]["error"]
        else:
            assert data["result"]["requests"] > 0  # the phases themselves reached the hostile answers
    if mode == "running" and proc.returncode == 1:  # the stateful phase polled until --poll-timeout
        assert "lro_reaches_terminal" in {f["check"] for f in data["findings"]}
    if mode == "redirect":
        redirects = [f for f in data["findings"] if f["statusCode"] in (301, 302, 307)]
        assert redirects, [f["check"] for f in data["findings"]]
        assert any("redirect to " + elsewhere.url in d["message"] for f in redirects for d in f["details"])
