"""Polling cost of the train-then-poll scenarios: status reads per LRO and how late the end is seen.

Runs the stateful phase against one emulator process (default training base 2 s, its default)
three times in one go, so machine load touches each alike:

* the old schedule (first wait 0.05 s, x1.6, at most 1 s: what the poller did before),
* the default schedule for a target (``conformance run --target``: first wait 1 s, x1.25, at most
  10 s; see README "Polling"),
* the default schedule against ``--retry-after 1`` (the poller must wait exactly what the server asks).

Per run it prints, counted from the run's own reports: status reads per LRO (the ``polls`` of each
LRO timeline in conformance.json; the one deliberate re-read of a terminal status is not a poll),
polls after a terminal status (must be 0), Retry-After seen and honoured, and the *lateness*: how long
after the emulator finished the training the poller read the terminal status, as a share of the
true training time. The true time is measured on the emulator's clock: the submit's send time and the
terminal read's send time come from the run's traffic.har (same machine clock as the emulator), the
end of training from the terminal status body the emulator wrote (``lastActionDateTime`` /
``lastUpdatedDateTime``). Targets: median <= 4 reads per LRO, median lateness <= 25 %.

Run:

    .venv/bin/python benchmarks/polling.py [--training-seconds 2] [--quick]

``--quick`` checks only Face v1.2 (6 LROs per run) instead of every service and version.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emulator, machine  # noqa: E402

KEY = "b3nchk3y00000000000000000000beef"
TERMINAL = {"succeeded", "failed", "enrolled"}
END_FIELDS = ("lastActionDateTime", "lastUpdatedDateTime")
OLD = ("--poll-interval", "0.05", "--poll-backoff", "1.6", "--poll-max-interval", "1")


def run(url: str, flags: tuple[str, ...], scope: tuple[str, ...]) -> dict:
    with tempfile.TemporaryDirectory() as out:
        proc = subprocess.run(
            [sys.executable, "-m", "cognitive_conformance.conformance", "run", "--target", url, "--key", KEY, "--phase", "stateful",
             "--report-dir", out, "--quiet", "--poll-timeout", "120", *scope, *flags],
            capture_output=True, text=True,
        )
        report = json.loads((Path(out) / "conformance.json").read_text())
        har = json.loads((Path(out) / "traffic.har").read_text())["log"]["entries"]
    report["_exit"] = proc.returncode
    report["_lateness"] = lateness(report["lros"], har)
    return report


def _instant(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def lateness(lros: list[dict], har: list[dict]) -> list[tuple[float, float]]:
    """(true training seconds, lateness as a fraction of it) for every LRO whose end the HAR shows.

    The LRO's submit is the HAR's write to its resource whose send time plus the trace's terminal-read
    offset lands on a read of the resource answering the trace's terminal status (the HAR keeps milliseconds).
    """
    by_time = [(_instant(e["startedDateTime"]), e) for e in har]
    found = []
    for trace in lros:
        terminal = next((r for r in trace["reads"] if r["via"] == "resource" and r["purpose"] == "poll"
                         and str(r["status"]).lower() in TERMINAL), None)
        if terminal is None:
            continue
        writes = [(t, e) for t, e in by_time if e["request"]["method"] != "GET" and trace["resource"] in e["request"]["url"]]
        for sent, _ in writes:
            read = next((e for t, e in by_time if e["request"]["method"] == "GET" and trace["resource"] in e["request"]["url"]
                         and abs(t - (sent + terminal["t"])) <= 0.003), None)
            if read is None:
                continue
            try:
                body = json.loads(read["response"]["content"].get("text") or "{}")
            except ValueError:
                continue
            end = next((body[f] for f in END_FIELDS if isinstance(body, dict) and body.get(f)), None)
            if end is None:
                continue
            true = _instant(end) - sent
            if true > 0:
                found.append((true, (terminal["t"] - true) / true))
            break
    return found


def summarize(label: str, report: dict) -> None:
    lros = report["lros"]
    polls = [t["polls"] for t in lros]
    after = sum(t.get("pollsAfterTerminal", 0) for t in lros)
    seen = sum(t.get("retryAfterSeen", 0) for t in lros)
    honoured = sum(t.get("retryAfterHonoured", 0) for t in lros)
    late = report["_lateness"]
    print(f"\n{label}: exit {report['_exit']}, {len(lros)} LROs, {report['result']['polls']} polls, {report['result']['requests']} requests")
    if polls:
        print(f"  status reads per LRO: median {statistics.median(polls):.1f}, max {max(polls)}")
    if late:
        shares = [s for _, s in late]
        trues = [t for t, _ in late]
        print(f"  lateness (terminal status read after the emulator's end, share of true training time, {len(late)} LROs): "
              f"median {100 * statistics.median(shares):.0f} %, max {100 * max(shares):.0f} %; "
              f"true training time median {statistics.median(trues):.2f} s ({min(trues):.2f}..{max(trues):.2f} s)")
    print(f"  polls after a terminal status: {after}; Retry-After seen {seen}, honoured {honoured}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--training-seconds", type=float, default=2.0)
    parser.add_argument("--quick", action="store_true", help="Face v1.2 only")
    args = parser.parse_args()
    scope = ("--service", "face", "--api-version", "v1.2") if args.quick else ()
    print(f"machine: {machine()}; emulator training base {args.training_seconds} s{'; Face v1.2 only' if args.quick else ''}")
    with emulator("--training-seconds", str(args.training_seconds), key=KEY) as url:
        summarize("old schedule (0.05 s, x1.6, at most 1 s), no Retry-After", run(url, OLD, scope))
        summarize("default schedule for a target (1 s, x1.25, at most 10 s), no Retry-After", run(url, (), scope))
    with emulator("--training-seconds", str(args.training_seconds), "--retry-after", "1", key=KEY) as url:
        summarize("default schedule, Retry-After: 1", run(url, (), scope))
    return 0


if __name__ == "__main__":
    sys.exit(main())
