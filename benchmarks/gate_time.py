"""Gate time: wall time of the full default ``conformance run`` against the embedded emulator.

Prints the total, the split by service and phase, requests and polls. Run:

    .venv/bin/python benchmarks/gate_time.py [--repeat 3] [--workers N]

Target (issue 5): <= 30 s for all three services on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine  # noqa: E402


def once(workers: int | None) -> dict:
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "cognitive_conformance.conformance", "run", "--report-dir", out, "--quiet"]
        if workers:
            cmd += ["--workers", str(workers)]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        report = json.loads((Path(out) / "conformance.json").read_text())
    report["_wall"] = wall
    report["_exit"] = proc.returncode
    return report


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    walls = []
    for i in range(args.repeat):
        r = once(args.workers)
        walls.append(r["_wall"])
        print(f"\nrun {i + 1}: exit {r['_exit']}, wall {r['_wall']:.1f} s (process, incl. emulator start), "
              f"run {r['result']['durationSeconds']:.1f} s, {r['result']['requests']} requests, "
              f"{r['result']['polls']} polls, {r['result']['findings']} findings")
        split: dict = defaultdict(lambda: {"stateless": 0.0, "stateful": 0.0, "requests": 0})
        for p in r["phases"]:
            split[p["service"]][p["phase"]] += p["durationSeconds"]
            split[p["service"]]["requests"] += p["requests"]
        polls = {s["service"]: s["polls"] for s in r["services"]}
        print(f"  {'service':12} {'stateless s':>12} {'stateful s':>11} {'requests':>9} {'polls':>6}   (phase seconds are summed over versions; jobs overlap on workers)")
        for service, v in split.items():
            print(f"  {service:12} {v['stateless']:12.1f} {v['stateful']:11.1f} {v['requests']:9d} {polls.get(service, 0):6d}")
    if args.repeat > 1:
        print(f"\nwall: median {statistics.median(walls):.1f} s, min {min(walls):.1f} s, max {max(walls):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
