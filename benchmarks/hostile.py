"""Each hostile target mode (tests/e2e/hostile.py) against the installed checker: exit code, wall
time, peak RSS of the checker's processes, requests, and how the run ended.

    python benchmarks/hostile.py [MODE ...]      # default: every mode

Each mode runs in a fresh child interpreter, so its ``RUSAGE_CHILDREN`` peak is that run's alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEY = "h0st11e0000000000000000000000001"

_ONE = r'''
import importlib.util, json, resource, subprocess, sys, tempfile, time
from pathlib import Path
spec = importlib.util.spec_from_file_location("hostile", sys.argv[2] + "/tests/e2e/hostile.py")
hostile = importlib.util.module_from_spec(spec); spec.loader.exec_module(hostile)
from cognitive_conformance.emulator.config import EmulatorConfig
from cognitive_conformance.emulator.server import running
mode, key, out = sys.argv[1], sys.argv[3], Path(tempfile.mkdtemp())
with running(EmulatorConfig(keys=(key,), training_seconds=0.2)) as url, hostile.hostile(mode, url) as (server, elsewhere):
    t0 = time.monotonic()
    proc = subprocess.run([str(Path(sys.executable).parent / "conformance"), "run", "--target", server.url, "--key", key,
                           "--service", "face", "--api-version", "v1.2", "--max-time", "60", "--poll-timeout", "5",
                           "--rate-limit", "none", "--report-dir", str(out), "-q"], capture_output=True, text=True, timeout=150)
    took = time.monotonic() - t0
report = out / "conformance.json"
data = json.loads(report.read_text()) if report.exists() else {"result": {}, "findings": []}
print(json.dumps({
    "mode": mode, "exit": proc.returncode, "seconds": round(took, 1),
    "peakRssMiB": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    "requests": data["result"].get("requests"), "incomplete": (data["result"].get("incomplete") or {}).get("reason"),
    "traceback": "Traceback" in proc.stdout + proc.stderr, "offHostRequests": len(elsewhere.requests),
    "findings": sorted({f["check"] for f in data["findings"]})[:6], "error": (data["result"].get("error") or "")[:120],
}))
'''


def main(modes: list[str]) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "e2e"))
    from hostile import MODES  # noqa: E402 - the test server's own list

    for mode in modes or MODES:
        proc = subprocess.run([sys.executable, "-c", _ONE, mode, str(ROOT), KEY], capture_output=True, text=True, cwd=ROOT)
        print(proc.stdout.strip() or proc.stderr[-2000:], flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
