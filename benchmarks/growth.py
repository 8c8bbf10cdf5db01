"""Growth: what the work costs at 1x, 10x and 100x, for the emulator and for the checker.

Emulator, one fresh process per step (``_growth_server.py``), Face PersonGroups with 10 persisted
faces per person:

| step | groups | persons per group | persons | faces     | status reads |
|------|--------|-------------------|---------|-----------|--------------|
| 1x   | 1      | 1,000             | 1,000   | 10,000    | R            |
| 10x  | 10     | 1,000             | 10,000  | 100,000   | 10 R         |
| 100x | 10     | 10,000            | 100,000 | 1,000,000 | 100 R        |

(R = 1,000, ``--quick`` 100.) Per step it prints the time to fill the store, the server's RSS, the
training time of one group measured over HTTP from the train call to the first ``succeeded`` read
next to the configured formula (``--training-seconds 0.001`` so that 10,000 persons train in
seconds: base x (1 + 0.05 x persons + 0.01 x faces), at most 1,800 s; the documents say training
time "depends on the number of person entries, and their faces", up to half an hour for 1,000,000
persons: https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-large-person-group?view=rest-face-v1.2-preview.1),
the status reads' req/s, p50/p99 over 32 connections and the server's CPU per read (flat across
steps: a status read is a dictionary lookup and a derived view, O(1) in the data held), one page of ``GET .../persons``
(``top=1000``: one pass over the group, O(persons); sorted when small, ``heapq.nsmallest`` when large),
and the step's wall time.

Checker: ``conformance run --phase stateless`` on one service and API version at 1x, 2x and 4x
``--max-examples``; it prints wall time, requests and the time per request (flat when the run's
cost is linear in operations x examples) and the time each added example costs.

Targets: 100,000 persons / 1,000,000 faces in <= 1 GB RSS; status reads O(1) (p50 flat across
steps); training time grows with the group's size; checker time linear in examples.

Run:

    .venv/bin/python benchmarks/growth.py [--quick] [--requests R] [--service S --api-version V --examples N]

``--quick`` (100 status reads per 1x, the checker on Speaker with 1/2/4 examples) takes about a minute
on an idle 2-core machine.

Profile of the checker's growth (before): a DELETE made the run's ledger re-read every line
written so far to decide whether the path was pending (``Ledger._paths`` -> ``pending``), so each
deletion cost O(lines) and a run's ledger work grew with the square of its creates; judging recorded
traffic copied the tail of the traffic for every LRO it closed. After: the ledger keeps the creation
and deletion indexes as it writes (O(path depth) per DELETE, same answer), and the tail is read lazily.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, rss_bytes, stop  # noqa: E402
from load import KEY, _quantile, _req, load  # noqa: E402

STEPS = {1: (1, 1_000, 10), 10: (10, 1_000, 10), 100: (10, 10_000, 10)}
TRAINING_BASE = 0.001
RSS_TARGET = 1 << 30


def _server(groups: int, persons: int, faces: int):
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("_growth_server.py")), "--groups", str(groups), "--persons", str(persons),
         "--faces", str(faces), "--key", KEY, "--training-seconds", str(TRAINING_BASE)],
        stdout=subprocess.PIPE, text=True,
    )
    seeded = proc.stdout.readline()
    listening = proc.stdout.readline()
    seed_s = re.search(r"in ([\d.]+) s", seeded)
    url = re.search(r"(http://\S+)", listening)
    if not (seed_s and url):
        proc.kill()
        raise RuntimeError(f"growth server did not start: {seeded!r} {listening!r}")
    return proc, url.group(1), float(seed_s.group(1))


def _train_and_wait(client: httpx.Client, group: str, timeout: float) -> float:
    """Seconds from the train call's answer to the first ``succeeded`` read (reads every 2 ms)."""
    client.post(f"/face/v1.2/persongroups/{group}/train").raise_for_status()
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        status = client.get(f"/face/v1.2/persongroups/{group}/training").json()["status"]
        if status in ("succeeded", "failed"):
            return time.perf_counter() - t0
        time.sleep(0.002)
    raise RuntimeError(f"training of {group} did not end in {timeout} s")


def emulator_step(step: int, base_requests: int, connections: int) -> dict:
    groups, persons, faces = STEPS[step]
    t0 = time.perf_counter()
    proc, url, seed_s = _server(groups, persons, faces)
    try:
        rss_seeded = rss_bytes(proc.pid)
        expected = TRAINING_BASE * (1 + 0.05 * persons + 0.01 * persons * faces)
        with httpx.Client(base_url=url, headers={"Ocp-Apim-Subscription-Key": KEY}, timeout=60) as client:
            trained_s = _train_and_wait(client, "growth-0", timeout=expected * 10 + 30)
            for g in range(1, groups):
                _train_and_wait(client, f"growth-{g}", timeout=expected * 10 + 30)
            page = []
            for _ in range(3):
                t = time.perf_counter()
                r = client.get("/face/v1.2/persongroups/growth-0/persons", params={"top": "1000"})
                page.append(time.perf_counter() - t)
                r.raise_for_status()
        total = base_requests * step
        per_connection = max(1, total // connections)
        reads = load(
            url, lambda c: [_req("GET", f"/face/v1.2/persongroups/growth-{c % groups}/training")], connections, 600, proc.pid,
            count=per_connection,
        )
        rss_end = rss_bytes(proc.pid)
    finally:
        stop(proc)
    lat = sorted(reads.latencies)
    return {
        "step": step, "groups": groups, "persons": groups * persons, "faces": groups * persons * faces, "seed_s": seed_s,
        "rss_seeded": rss_seeded, "rss_end": rss_end, "train_s": trained_s, "train_expected_s": expected,
        "reads": reads.requests, "rps": reads.rps, "p50": _quantile(lat, 0.5), "p99": _quantile(lat, 0.99),
        "cpu_us": reads.cpu / reads.requests * 1e6 if reads.requests else 0.0,
        "statuses": reads.statuses, "page_ms": min(page) * 1000, "wall_s": time.perf_counter() - t0,
    }


def checker_step(service: str, version: str, examples: int) -> dict:
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "cognitive_conformance.conformance", "run", "--service", service, "--api-version", version,
               "--phase", "stateless", "--max-examples", str(examples), "--seed", "1", "--report-dir", out, "--quiet"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        report = json.loads((Path(out) / "conformance.json").read_text())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    phase_s = sum(p["durationSeconds"] for p in report["phases"])
    return {"examples": examples, "exit": proc.returncode, "wall_s": wall, "phase_s": phase_s, "cpu_s": cpu, "requests": report["result"]["requests"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 status reads per 1x; the checker on Speaker, 1/2/4 examples")
    parser.add_argument("--requests", type=int, default=None, help="status reads at 1x (default 1000, --quick 100)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--service", default=None, help="checker service (default face, --quick speaker)")
    parser.add_argument("--api-version", default=None, help="checker API version (default v1.2 for face, 2021-09-05 for speaker)")
    parser.add_argument("--examples", type=int, default=None, help="checker --max-examples at 1x (default 5, --quick 1)")
    args = parser.parse_args()
    base_requests = args.requests or (100 if args.quick else 1000)
    service = args.service or ("speaker" if args.quick else "face")
    version = args.api_version or {"face": "v1.2", "speaker": "2021-09-05"}.get(service)
    examples = args.examples or (1 if args.quick else 5)
    if not 1 <= base_requests <= 100_000 or not 1 <= args.connections <= 256 or not 1 <= examples <= 1000 or version is None:
        parser.error("requests 1..100000, connections 1..256, examples 1..1000; --api-version is needed for that service")
    print(f"machine: {machine()}")

    print(f"\nemulator: Face PersonGroups, 10 faces per person, training base {TRAINING_BASE * 1000:g} ms, {args.connections} connections")
    print(f"{'step':>5} {'persons':>8} {'faces':>9} {'fill s':>7} {'RSS MB':>7} {'train s':>8} {'formula s':>9} "
          f"{'reads':>7} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'CPU us':>7} {'page ms':>8} {'wall s':>7}")
    rows = []
    for step in STEPS:
        r = emulator_step(step, base_requests, args.connections)
        rows.append(r)
        rss = max(r["rss_seeded"], r["rss_end"])
        print(f"{str(step) + 'x':>5} {r['persons']:8d} {r['faces']:9d} {r['seed_s']:7.2f} {rss / 1e6:7.0f} {r['train_s']:8.2f} "
              f"{r['train_expected_s']:9.2f} {r['reads']:7d} {r['rps']:7.0f} {r['p50']:7.2f} {r['p99']:7.2f} {r['cpu_us']:7.0f} "
              f"{r['page_ms']:8.1f} {r['wall_s']:7.1f}")
    big = rows[-1]
    peak = max(big["rss_seeded"], big["rss_end"])
    print(f"\n{big['persons']:,} persons / {big['faces']:,} faces: RSS {peak / 1e6:.0f} MB (target <= 1 GiB: "
          f"{'met' if peak <= RSS_TARGET else 'not met'}); a status read costs the server {rows[0]['cpu_us']:.0f} -> {big['cpu_us']:.0f} us CPU "
          f"from 1x to 100x ({big['cpu_us'] / rows[0]['cpu_us']:.1f}x for 100x the data and the reads; p50 {rows[0]['p50']:.2f} -> {big['p50']:.2f} ms)")
    print(f"training time {rows[0]['train_s']:.2f} s -> {big['train_s']:.2f} s for {STEPS[1][1]:,} -> {STEPS[100][1]:,} persons per group "
          f"(formula {rows[0]['train_expected_s']:.2f} -> {big['train_expected_s']:.2f} s)")

    print(f"\nchecker: conformance run --service {service} --api-version {version} --phase stateless, --max-examples N "
          "(CPU: the run's whole process tree, emulator included)")
    print(f"{'N':>4} {'exit':>5} {'wall s':>7} {'phase s':>8} {'CPU s':>7} {'requests':>9} {'CPU ms/request':>15}")
    runs = []
    for factor in (1, 2, 4):
        c = checker_step(service, version, examples * factor)
        runs.append(c)
        print(f"{c['examples']:4d} {c['exit']:5d} {c['wall_s']:7.1f} {c['phase_s']:8.1f} {c['cpu_s']:7.1f} {c['requests']:9d} "
              f"{c['cpu_s'] / c['requests'] * 1000:15.1f}")
    first, last = runs[0], runs[-1]
    added = last["requests"] - first["requests"]
    if added > 0:
        print(f"the requests the larger budgets add cost {(last['cpu_s'] - first['cpu_s']) / added * 1000:.1f} ms CPU each "
              f"({first['requests']} -> {last['requests']} requests; the 1x run's {first['cpu_s'] / first['requests'] * 1000:.1f} ms per request "
              "includes start-up and the deterministic coverage cases); linear when that cost does not grow with the budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
