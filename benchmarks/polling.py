"""Polling efficiency of the train-then-poll scenarios.

Runs the stateful phase of every service against the emulator twice: as it is (no
``Retry-After``: the poller backs off exponentially from 50 ms to 1 s) and with
``--retry-after 1`` (the poller must wait what the server asks). Prints, per run: polls per
long-running operation (median, max), polls made after a terminal status was read (must be
0; the one deliberate re-read that checks a terminal status sticks is counted apart), and
how often ``Retry-After`` was seen and honoured, with the smallest gap between two polls.

Run:

    .venv/bin/python benchmarks/polling.py [--training-seconds 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emulator, machine  # noqa: E402

KEY = "b3nchk3y00000000000000000000beef"
TERMINAL = {"succeeded", "failed", "enrolled"}


def run(training_seconds: float, retry_after: int | None) -> dict:
    extra = ["--retry-after", str(retry_after)] if retry_after is not None else []
    with emulator("--training-seconds", str(training_seconds), *extra, key=KEY) as url, tempfile.TemporaryDirectory() as out:
        proc = subprocess.run(
            [sys.executable, "-m", "cognitive_conformance.conformance", "run", "--target", url, "--key", KEY, "--phase", "stateful",
             "--report-dir", out, "--quiet", "--poll-timeout", "120"],
            capture_output=True, text=True,
        )
        report = json.loads((Path(out) / "conformance.json").read_text())
    report["_exit"] = proc.returncode
    return report


def summarize(label: str, report: dict) -> None:
    lros = report["lros"]
    polls = [t["polls"] for t in lros]
    after = sum(t.get("pollsAfterTerminal", 0) for t in lros)
    seen = sum(t.get("retryAfterSeen", 0) for t in lros)
    honoured = sum(t.get("retryAfterHonoured", 0) for t in lros)
    gaps = []  # waits between polls: after an in-progress read (the re-read after a terminal one is a check, not a poll)
    for t in lros:
        reads = [s for s in t["statusesSeen"] if s["via"] == "resource"]
        gaps += [b["t"] - a["t"] for a, b in zip(reads, reads[1:]) if a["status"].lower() not in TERMINAL]
    print(f"\n{label}: exit {report['_exit']}, {len(lros)} LROs, {report['result']['polls']} polls, {report['result']['requests']} requests")
    if polls:
        print(f"  polls per LRO: median {statistics.median(polls):.0f}, max {max(polls)}")
    print(f"  polls after a terminal status: {after}")
    print(f"  Retry-After seen {seen}, honoured {honoured}; smallest wait between two polls: {min(gaps) if gaps else 0:.3f} s")
    by_service: dict[str, list[float]] = {}
    for t in lros:
        if t["timeToTerminalSeconds"] is not None:
            by_service.setdefault(t["service"], []).append(t["timeToTerminalSeconds"])
    for service, times in sorted(by_service.items()):
        print(f"  {service}: time to terminal median {statistics.median(times):.2f} s over {len(times)} LROs")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--training-seconds", type=float, default=2.0)
    args = parser.parse_args()
    print(f"machine: {machine()}; emulator training base {args.training_seconds} s")
    summarize("no Retry-After (exponential backoff 0.05 s .. 1 s)", run(args.training_seconds, None))
    summarize("Retry-After: 1", run(args.training_seconds, 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
