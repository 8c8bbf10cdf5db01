"""What ``--data-dir`` costs: the SQLite store next to the in-memory one, side by side in one run.

Two measurements:

* **store**: one ``partition()`` (a read within ``reading()``, as a GET's handler runs, and a
  read-modify-write) on a Face partition of N persons with one face each, in process, for
  N = 0, 100, 1,000, 10,000: a write's cost grows with the partition (it is pickled and stored whole);
* **http**: a loopback load (N keep-alive connections, bounded time) on ``GET …/training`` and on
  a write that does not grow the state (``PATCH`` a group's name) against ``conformance emulator`` in memory, with
  ``--data-dir``, and with ``--data-dir --workers 2``.

Run:

    .venv/bin/python benchmarks/persistence.py [--quick] [--connections 32] [--duration 3]

``--quick`` measures for 1 s per workload and stops the store sizes at 1,000. Loopback only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emulator, machine  # noqa: E402
from load import _image, _req, load  # noqa: E402

from cognitive_conformance.emulator.services.face.models import FaceState, Group, PersistedFace, Person  # noqa: E402
from cognitive_conformance.emulator.store import InMemoryStore, SqliteStore  # noqa: E402

KEY = "b3nchk3y00000000000000000000beef"


def _face_state(persons: int) -> FaceState:
    state = FaceState()
    group = Group("persongroups", "g", "g", None, "recognition_01", datetime.now(timezone.utc))
    for i in range(persons):
        pid = f"{i:08d}-0000-0000-0000-000000000000"
        group.persons[pid] = Person(pid, f"person {i}", faces={f"f{i}": PersistedFace(f"f{i}")})
    state.groups[("persongroups", "g")] = group
    return state


def _per_op_us(store, write: bool, budget_s: float) -> float:
    """A write renames the group (the partition does not grow); a read runs within ``reading()`` as a GET's handler does."""
    n, t0 = 0, time.perf_counter()
    while True:
        if write:
            with store.partition(KEY, "face", FaceState) as state:
                state.groups[("persongroups", "g")].name = f"n{n}"
        else:
            with store.reading(), store.partition(KEY, "face", FaceState) as state:
                state.groups[("persongroups", "g")].name  # noqa: B018 - the read
        n += 1
        elapsed = time.perf_counter() - t0
        if elapsed > budget_s and n >= 5:
            return elapsed / n * 1e6


def store_rows(sizes: list[int], budget_s: float) -> list[tuple[str, ...]]:
    rows = []
    for persons in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            memory, sqlite = InMemoryStore(), SqliteStore(tmp)
            for store in (memory, sqlite):
                with store.partition(KEY, "face", lambda: _face_state(persons)):
                    pass
            size = len(pickle.dumps(_face_state(persons), protocol=pickle.HIGHEST_PROTOCOL))
            cells = [f"{_per_op_us(s, w, budget_s):10.1f}" for w in (False, True) for s in (memory, sqlite)]
            rows.append((f"{persons:>6}", f"{size / 1024:10.0f}", *cells))
            sqlite.close()
    return rows


def _groups(url: str, count: int) -> list[str]:
    with httpx.Client(base_url=url, headers={"Ocp-Apim-Subscription-Key": KEY}, timeout=30) as c:
        img = _image()
        for i in range(count):
            base = f"/face/v1.2/persongroups/bench-{i}"
            c.put(base, json={"name": "b"}).raise_for_status()
            pid = c.post(f"{base}/persons", json={"name": "p"}).json()["personId"]
            c.post(f"{base}/persons/{pid}/persistedfaces", content=img, headers={"Content-Type": "application/octet-stream"}).raise_for_status()
            c.post(f"{base}/train").raise_for_status()
        time.sleep(1.0)
    return [f"bench-{i}" for i in range(count)]


def http_rows(connections: int, duration: float) -> list[tuple[str, str, dict]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        setups = [("in memory", ()), ("--data-dir", ("--data-dir", f"{tmp}/one")), ("--data-dir --workers 2", ("--data-dir", f"{tmp}/two", "--workers", "2"))]
        for name, extra in setups:
            with emulator("--training-seconds", "0.2", *extra, key=KEY) as url:
                groups = _groups(url, connections)
                reads = load(url, lambda c: [_req("GET", f"/face/v1.2/persongroups/{groups[c]}/training")], connections, duration)
                rows.append((name, "GET training", reads))

                def writes(c: int) -> list[bytes]:
                    # a write that does not grow the partition: rename the group
                    return [_req("PATCH", f"/face/v1.2/persongroups/{groups[c]}", b'{"name": "renamed"}', "application/json")]

                rows.append((name, "PATCH group", load(url, writes, connections, duration)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1 s per workload, store sizes up to 1,000 persons")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=3.0)
    args = parser.parse_args()
    if not 1 <= args.connections <= 256 or not 0 < args.duration <= 60:
        parser.error("connections 1..256, duration 0..60 s")
    duration = 1.0 if args.quick else args.duration
    sizes = [0, 100, 1000] if args.quick else [0, 100, 1000, 10000]
    print(f"machine: {machine()}")
    print("\nstore: microseconds per partition() on a Face partition (one group of N persons, one face each), in process")
    print(f"{'persons':>7} {'pickle KiB':>10} {'read mem':>10} {'read sql':>10} {'write mem':>10} {'write sql':>10}")
    for row in store_rows(sizes, budget_s=0.3 if args.quick else 1.0):
        print(" ".join(row))
    print(f"\nhttp: {args.connections} keep-alive connections, {duration:.0f} s per workload, loopback")
    print(f"{'emulator':24} {'workload':14} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  statuses")
    for name, workload, r in http_rows(args.connections, duration):
        print(f"{name:24} {workload:14} {r['rps']:8.0f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f}  {r['statuses']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
