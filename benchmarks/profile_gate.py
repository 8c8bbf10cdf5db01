"""Where the gate's time goes: a py-spy profile of ``conformance run`` summarised by process, phase and function.

Samples every process of the run (the CLI, its worker processes, the embedded emulator) with
``py-spy record --subprocesses`` (raw collapsed stacks, 50 Hz, idle threads left out, so a sample
is a thread running or ready to run) and prints the share of samples by process kind, by phase of
the checker's workers, by what the stateless phase spends them on, and the top functions by
self and inclusive samples. ``--from FILE`` summarises an earlier raw profile instead.

Run:

    .venv/bin/python benchmarks/profile_gate.py [--quick] [--out FILE] [--from FILE] [--top 30]

``--quick``: Face v1.2 only. py-spy ships in the ``test`` extra; it needs ptrace rights (root, or
``kernel.yama.ptrace_scope`` 0).
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_LINE = re.compile(r":\d+\)")

#: What the stateless phase spends its samples on: the first matching frame below ``run_stateless`` names it.
ACTIVITIES = (
    ("sending and receiving (httpx, sockets)", ("Transport._send",)),
    ("events to the parent process (pool queue)", ("_loop.<locals>.emit", "_loop.<locals>.flush", "Queue._feed")),
    ("Schemathesis' response checks", ("validate_response",)),
    ("our response rules and deviations", ("judge (", "response_deviation")),
    ("building the request (ids moved, kwargs, httpx)", ("owned_", "as_transport_kwargs", "_to_httpx", "_keep_generated")),
    ("coverage cases (Schemathesis)", ("iter_coverage_cases",)),
    ("generating fuzz cases (Hypothesis + Schemathesis)", ("hypothesis/", "schemathesis/")),
)


def _kind(processes: list[str]) -> str:
    last = processes[-1] if processes else ""
    if "emulator" in last:
        return "embedded emulator"
    return "checker worker" if len(processes) > 1 else "checker main process"


def summarise(path: Path, top: int) -> None:
    by_kind: collections.Counter = collections.Counter()
    by_phase: collections.Counter = collections.Counter()
    by_activity: collections.Counter = collections.Counter()
    own: collections.Counter = collections.Counter()
    inclusive: collections.Counter = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        processes = [f for f in frames if f.startswith("process ")]
        frames = [_LINE.sub(")", f) for f in frames if not f.startswith("process ")]
        kind = _kind(processes)
        by_kind[kind] += n
        if kind == "checker worker":
            phase = next((p for p, marker in (("stateless", "_stateless ("), ("stateful", "_stateful (")) if any(f.startswith(marker) for f in frames)), "other (fork, set-up, sweep)")
            by_phase[phase] += n
            if phase == "stateless":
                start = next((i for i, f in enumerate(frames) if f.startswith("run_stateless (")), len(frames))
                below = frames[start + 1:]
                activity = next((label for label, markers in ACTIVITIES if any(m in f for f in below for m in markers)), "the rest of run_stateless")
                by_activity[activity] += n
        if frames:
            own[frames[-1]] += n
        for f in set(frames):
            inclusive[f] += n

    def share(n: int) -> str:
        return f"{100 * n / total:5.1f} %"

    print(f"{total} samples")
    print("\nby process")
    for k, v in by_kind.most_common():
        print(f"  {share(v)}  {k}")
    print("\nchecker workers, by phase")
    for k, v in by_phase.most_common():
        print(f"  {share(v)}  {k}")
    print("\nstateless phase, by activity (first match from the top of the list)")
    for k, v in by_activity.most_common():
        print(f"  {share(v)}  {k}")
    print(f"\ntop {top} functions by own samples")
    for k, v in own.most_common(top):
        print(f"  {share(v)}  {k}")
    print(f"\ntop {top} functions of this project by inclusive samples")
    for k, v in [kv for kv in inclusive.most_common() if "cognitive_conformance/" in kv[0]][:top]:
        print(f"  {share(v)}  {k}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="Face v1.2 only")
    parser.add_argument("--out", default=None, help="keep the raw profile here")
    parser.add_argument("--from", dest="source", default=None, help="summarise this raw py-spy profile, run nothing")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    if args.source:
        summarise(Path(args.source), args.top)
        return 0
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        print("py-spy is not installed: pip install -e '.[test]'", file=sys.stderr)
        return 2
    scope = ["--service", "face", "--api-version", "v1.2"] if args.quick else []
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(args.out) if args.out else Path(folder) / "profile.txt"
        subprocess.run(
            [spy, "record", "--subprocesses", "--nonblocking", "-r", "50", "-f", "raw", "-o", str(raw), "--",
             sys.executable, "-m", "cognitive_conformance.conformance", "run", "--report-dir", str(Path(folder) / "reports"), "--quiet", *scope],
            check=True, capture_output=True,
        )
        summarise(raw, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
