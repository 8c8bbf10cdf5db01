"""Gate time: the full default ``conformance run`` next to a plain ``st run`` over the same specs.

Each round runs, one after the other so that machine load touches both alike:

* **ours**: ``conformance run --report-dir D --quiet`` (the embedded emulator, every service and
  API version, stateless and stateful phases; the process wall time includes starting the emulator);
* **plain Schemathesis**: one emulator process (``--training-seconds 0.3``, the embedded default),
  the rendered spec of every (service, API version) (``conformance spec render``, rendered once
  before the rounds), and one ``st run SPEC --url URL -n 5 -m all --checks all`` per spec, as many at
  once as our run has workers; the wall time runs from starting the emulator to the last ``st`` exit.

Both use the same example budget per operation and mode (``-n`` = our ``--max-examples``, default 5).
Printed per round: wall and CPU seconds (user + system of every process of the side, from
``getrusage``), ours split by service and phase; then the median of the rounds and the ratio
ours / plain. CPU seconds move less with other load on the machine than wall seconds do.

Run:

    .venv/bin/python benchmarks/gate_time.py [--repeat 3] [--workers N] [--quick] [--no-st]

``--quick``: one round, Face v1.2 only. Target (README, Benchmarks): median <= 15 s on 2 cores, and no
slower than plain Schemathesis.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emulator, machine  # noqa: E402

KEY = "b3nchk3y00000000000000000000beef"
CONFORMANCE = [sys.executable, "-m", "cognitive_conformance.conformance"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ours(workers: int | None, scope: tuple[str, ...], max_examples: int) -> dict:
    with tempfile.TemporaryDirectory() as out:
        cmd = [*CONFORMANCE, "run", "--report-dir", out, "--quiet", "--max-examples", str(max_examples), *scope]
        if workers:
            cmd += ["--workers", str(workers)]
        cpu0, t0 = _children_cpu(), time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
        report = json.loads((Path(out) / "conformance.json").read_text())
    report["_wall"], report["_cpu"], report["_exit"] = wall, cpu, proc.returncode
    return report


def render_specs(jobs: list[tuple[str, str]], folder: Path) -> list[Path]:
    paths = []
    for service, version in jobs:
        path = folder / f"{service}-{version}.json"
        subprocess.run([*CONFORMANCE, "spec", "render", "--service", service, "--api-version", version, "--format", "json",
                        "-o", str(path)], check=True, capture_output=True)
        paths.append(path)
    return paths


def plain_st(specs: list[Path], workers: int, max_examples: int) -> dict:
    st = str(Path(sys.executable).with_name("st"))
    cpu0, t0 = _children_cpu(), time.perf_counter()
    with emulator("--training-seconds", "0.3", key=KEY) as url, tempfile.TemporaryDirectory() as out:
        def one(spec: Path) -> tuple[int, int]:
            report_dir = Path(out) / spec.stem
            proc = subprocess.run(
                [st, "run", str(spec), "--url", url, "-H", f"Ocp-Apim-Subscription-Key: {KEY}", "--checks", "all",
                 "-m", "all", "-n", str(max_examples), "--seed", "0", "--no-color", "--report", "json", "--report-dir", str(report_dir)],
                capture_output=True, text=True, timeout=1800,
            )
            reports = list(report_dir.glob("*.json"))
            data = json.loads(reports[0].read_text()) if reports else {}
            return proc.returncode, len(data.get("failures", []))

        with ThreadPoolExecutor(max_workers=workers) as executor:
            results = list(executor.map(one, specs))
    wall = time.perf_counter() - t0
    return {"_wall": wall, "_cpu": _children_cpu() - cpu0, "exits": [r[0] for r in results], "failures": sum(r[1] for r in results)}


def _jobs(scope: tuple[str, ...]) -> list[tuple[str, str]]:
    from cognitive_conformance.conformance.config import RunConfig, jobs

    services = tuple(scope[i + 1] for i, flag in enumerate(scope) if flag == "--service")
    versions = tuple(scope[i + 1] for i, flag in enumerate(scope) if flag == "--api-version")
    return jobs(RunConfig(services=services, api_versions=versions).plan())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None, help="our --workers, and st processes at once (default: ours)")
    parser.add_argument("--max-examples", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one round, Face v1.2 only")
    parser.add_argument("--no-st", action="store_true", help="only our run")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    scope = ("--service", "face", "--api-version", "v1.2") if args.quick else ()
    workers = args.workers or max(2, 2 * (os.cpu_count() or 1))
    print(f"machine: {machine()}; {repeat} round(s), {workers} workers, -n {args.max_examples}{'; Face v1.2 only' if scope else ''}")
    mine, theirs = [], []
    with tempfile.TemporaryDirectory() as folder:
        specs = [] if args.no_st else render_specs(_jobs(scope), Path(folder))
        for i in range(repeat):
            r = ours(args.workers, scope, args.max_examples)
            mine.append(r)
            print(f"\nround {i + 1} ours: exit {r['_exit']}, wall {r['_wall']:.1f} s, CPU {r['_cpu']:.1f} s, "
                  f"{r['result']['requests']} requests, {r['result']['polls']} polls, {r['result']['findings']} findings")
            split: dict = defaultdict(lambda: {"stateless": 0.0, "stateful": 0.0, "requests": 0})
            for p in r["phases"]:
                split[p["service"]][p["phase"]] += p["durationSeconds"]
                split[p["service"]]["requests"] += p["requests"]
            print(f"  {'service':12} {'stateless s':>12} {'stateful s':>11} {'requests':>9}   (phase seconds summed over versions; jobs overlap on workers)")
            for service, v in split.items():
                print(f"  {service:12} {v['stateless']:12.1f} {v['stateful']:11.1f} {v['requests']:9d}")
            if specs:
                s = plain_st(specs, workers, args.max_examples)
                theirs.append(s)
                print(f"round {i + 1} plain st run: exits {s['exits']}, wall {s['_wall']:.1f} s, CPU {s['_cpu']:.1f} s, "
                      f"{s['failures']} failures reported over {len(specs)} specs")
    wall = statistics.median(r["_wall"] for r in mine)
    cpu = statistics.median(r["_cpu"] for r in mine)
    print(f"\nours: wall median {wall:.1f} s (min {min(r['_wall'] for r in mine):.1f}, max {max(r['_wall'] for r in mine):.1f}), "
          f"CPU median {cpu:.1f} s")
    if theirs:
        st_wall = statistics.median(s["_wall"] for s in theirs)
        st_cpu = statistics.median(s["_cpu"] for s in theirs)
        print(f"plain st run: wall median {st_wall:.1f} s, CPU median {st_cpu:.1f} s")
        print(f"ratio ours / plain st: wall {wall / st_wall:.2f}, CPU {cpu / st_cpu:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
