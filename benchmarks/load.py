"""The emulator under load, side by side with a bare Starlette app (the ceiling), in one run.

Both servers are uvicorn processes started the same way (httptools/uvloop, one process each, or
``--workers N`` each when the emulator CLI has that option), and both are driven by the same
load generator: one asyncio process (uvloop) speaking raw HTTP/1.1 over N keep-alive
connections (default 32), each connection sending its next request as soon as the previous
answer is read. Workloads:

* ``GET training status``: every connection polls ``GET /face/v1.2/persongroups/{id}/training`` of
  its own trained group;
* ``mixed train/poll``: every connection cycles ``POST .../train`` (202, or 409 while training),
  two status reads and a group list (``?top=10``) on its own group.

The bare app receives the very same bytes (it answers every method on every path). Rounds
alternate the servers (``--rounds``, each workload ``--duration`` seconds per server), so load
from other processes on the machine falls on both sides alike; the ratio is the median of the
per-round ratios, latencies are pooled over rounds.

Two rows show the load generator's own ceiling: the raw client against a canned-reply asyncio
server that parses nothing (``_canned.py``: what the generator can drive at most), and an
``httpx.AsyncClient`` with the same concurrency against the bare app (the obvious generator,
which is the bottleneck itself: it stays far below the bare app's real ceiling).

Run:

    .venv/bin/python benchmarks/load.py [--connections 32] [--duration 2] [--rounds 5] [--quick]

Targets: the emulator at >= 60 % of the bare app's req/s on both workloads, p99 <= 10 ms.
Loopback only; every loop is bounded by --duration.

Profile. cProfile of the emulator's ASGI app called in-process (no server, no sockets) for GET
training status, next to the bare Starlette app in the same harness; CPU time per request, best of
7 runs of 5,000 (``time.process_time``), on 2 cores shared with other work:

* before: 67 us per request (bare Starlette: 11 us). By cumulative share of the profile: the
  service handler 22 % (RFC 3339 formatting with ``strftime`` 9 %, the training view, two passes
  through the store's generator-based context manager), ``render`` 12 % (``json.dumps`` building a
  new encoder per call, Starlette's ``Response`` constructor and ``init_headers``), the base URL
  12 % (Starlette's ``request.url`` rebuilt with ``urlunsplit`` on every request), validation 8 %
  (two frozen dataclasses per request, ``RawInput`` and ``HandlerContext``, at several times the
  cost of a plain one), ``uuid.uuid4()`` for the request id 7 %, route matching 6 % (every route
  of the table tried in order), an empty ``QueryParams`` parsed 6 %, ``Headers.get`` raising and
  catching a ``KeyError`` for each absent header, Starlette's router and exception middleware in
  front of the pipeline 6 %.
* after: 23 us per request. RFC 3339 via ``datetime.isoformat`` (same text), memoised for recent
  instants (a status read formats the same three timestamps every time); the base URL read
  from the ASGI scope; one module-level ``JSONEncoder``; the Starlette ``Response`` built in one
  pass with Starlette's header rules; ``RawInput``, ``HandlerContext`` and ``TrainingView`` still
  frozen but filled in one ``__dict__.update``; a training's start and end instants computed once;
  request ids from ``random.getrandbits`` formatted as a uuid4; a class-based store context
  manager; routes indexed by method (same first match, same ``Allow`` on 405); one shared empty
  ``QueryParams``; a ``Headers.get`` without exceptions; HTTP requests sent straight to the
  pipeline, which answers its own last-resort JSON 500 (Starlette's error middleware wrapped every
  ``send``). Faults, mutations, quota, Retry-After and the request log cost one test each when off.

Under uvicorn (py-spy on the server process) about 40 % of the samples of both apps are uvicorn's two
``transport.write`` calls per response (on loopback the kernel's TCP work is charged to them) and
another 20 % the event loop and HTTP parsing; the rest is the app. Server CPU per request measured
by this script on 2026-12-04 (load average 15-28 on the 2 cores from other work, so only the CPU
figures are comparable between runs): before, GET training status 152 us vs 72 us for bare
Starlette (47 %), mixed 174 vs 82 us (47 %); after, 123 vs 77 us (63 %), mixed 175 vs 75 us (43 %).

``--workers N``: the emulator's processes share state only through ``--data-dir`` (the SQLite
store, whose writes serialise on one lock), so the script starts the emulator with both and a
fresh data dir, and the bare app with ``--workers N``; in memory (the default) the state lives in
one process and one emulator's throughput does not scale on cores.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import cpu_seconds, emulator_process, machine, stop  # noqa: E402

KEY = "b3nchk3y00000000000000000000beef"
_CL = re.compile(rb"content-length:\s*(\d+)", re.I)
TARGET_RATIO = 0.60
TARGET_P99_MS = 10.0


@dataclass
class Sample:
    """One workload against one server for one round."""

    requests: int
    elapsed: float
    latencies: list[float]
    statuses: dict[str, int] = field(default_factory=dict)
    cpu: float = 0.0
    """CPU seconds the server process(es) spent meanwhile."""

    @property
    def rps(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0


async def _connection(
    host: str, port: int, requests: list[bytes], stop_at: float, latencies: list[float], statuses: dict, count: int | None = None
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = 0
    perf = time.perf_counter
    try:
        while perf() < stop_at and (count is None or i < count):
            payload = requests[i % len(requests)]
            i += 1
            t0 = perf()
            writer.write(payload)
            head = await reader.readuntil(b"\r\n\r\n")
            m = _CL.search(head)
            if m and m.group(1) != b"0":
                await reader.readexactly(int(m.group(1)))
            latencies.append(perf() - t0)
            code = head[9:12].decode()
            statuses[code] = statuses.get(code, 0) + 1
    finally:
        writer.close()


def _run(coro_factory) -> Sample:
    try:
        import uvloop

        return uvloop.run(coro_factory())
    except ImportError:
        return asyncio.run(coro_factory())


def load(url: str, requests_for, connections: int, duration: float, pid: int | None = None, *, count: int | None = None) -> Sample:
    """``connections`` raw keep-alive connections for ``duration`` seconds; connection c cycles ``requests_for(c)``.

    With ``count``, each connection stops after that many requests (``duration`` still bounds it).
    With ``pid``, the sample carries the CPU time that server process (and its children) spent meanwhile.
    """
    host, port = url.split("//", 1)[1].split(":")
    cpu0 = cpu_seconds(pid) if pid else 0.0

    async def main() -> Sample:
        latencies: list[float] = []
        statuses: dict[str, int] = {}
        stop_at = time.perf_counter() + duration
        t0 = time.perf_counter()
        await asyncio.gather(*(_connection(host, int(port), requests_for(c), stop_at, latencies, statuses, count) for c in range(connections)))
        return Sample(len(latencies), time.perf_counter() - t0, latencies, statuses)

    sample = _run(main)
    if pid:
        sample.cpu = cpu_seconds(pid) - cpu0
    return sample


def load_httpx(url: str, path: str, connections: int, duration: float) -> Sample:
    """The same concurrency through one ``httpx.AsyncClient`` (a pool of ``connections`` keep-alive connections)."""

    async def main() -> Sample:
        latencies: list[float] = []
        statuses: dict[str, int] = {}
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(base_url=url, limits=limits, headers={"Ocp-Apim-Subscription-Key": KEY}) as client:
            stop_at = time.perf_counter() + duration

            async def worker() -> None:
                while time.perf_counter() < stop_at:
                    t0 = time.perf_counter()
                    r = await client.get(path)
                    latencies.append(time.perf_counter() - t0)
                    statuses[str(r.status_code)] = statuses.get(str(r.status_code), 0) + 1

            t0 = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(connections)))
            return Sample(len(latencies), time.perf_counter() - t0, latencies, statuses)

    return _run(main)


def _req(method: str, path: str, body: bytes = b"", ctype: str | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Ocp-Apim-Subscription-Key: {KEY}", f"Content-Length: {len(body)}"]
    if ctype:
        lines.append(f"Content-Type: {ctype}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _image() -> bytes:
    import io

    import numpy as np
    from PIL import Image

    pixels = (np.random.default_rng(0).random((96, 96)) * 255).astype("uint8")
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    return buf.getvalue()


def _setup_groups(url: str, count: int) -> list[str]:
    """Groups with one person and one face each, trained to succeeded."""
    ids = []
    with httpx.Client(base_url=url, headers={"Ocp-Apim-Subscription-Key": KEY}, timeout=30) as c:
        img = _image()
        for i in range(count):
            gid = f"load-{i}"
            base = f"/face/v1.2/persongroups/{gid}"
            c.put(base, json={"name": gid}).raise_for_status()
            pid = c.post(f"{base}/persons", json={"name": "p"}).json()["personId"]
            c.post(f"{base}/persons/{pid}/persistedfaces", content=img, headers={"Content-Type": "application/octet-stream"}).raise_for_status()
            c.post(f"{base}/train").raise_for_status()
            ids.append(gid)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if all(c.get(f"/face/v1.2/persongroups/{g}/training").json()["status"] in ("succeeded", "failed") for g in ids):
                break
            time.sleep(0.1)
    return ids


def _server(script: str, *args: str):
    proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name(script)), *args], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.search(r"(http://\S+)", line)
    if not match:
        proc.kill()
        raise RuntimeError(f"{script} did not start: {line!r}")
    return proc, match.group(1)


def emulator_has_workers() -> bool:
    """Whether ``conformance emulator`` offers ``--workers`` (several processes sharing state)."""
    out = subprocess.run([sys.executable, "-m", "cognitive_conformance.emulator", "--help"], capture_output=True, text=True, timeout=60).stdout
    return "--workers" in out


def _cpu_per_request(runs: list[Sample]) -> float:
    """Server CPU microseconds per request over ``runs`` (0 when not measured)."""
    requests = sum(s.requests for s in runs)
    cpu = sum(s.cpu for s in runs)
    return cpu / requests * 1e6 if requests and cpu else 0.0


def _quantile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(p * len(values)))] * 1000 if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=2.0, help="seconds per workload, server and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1, help="processes per server (needs the emulator's --workers)")
    parser.add_argument("--quick", action="store_true", help="1 s per workload, 3 rounds (about 30 s in all)")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.rounds = 1.0, 3
    if not 1 <= args.connections <= 256 or not 0 < args.duration <= 60 or not 1 <= args.rounds <= 10 or not 1 <= args.workers <= 16:
        parser.error("connections 1..256, duration 0..60 s, rounds 1..10, workers 1..16")
    emulator_args: list[str] = ["--training-seconds", "0.5"]
    if args.workers > 1:
        if not emulator_has_workers():
            parser.error("this emulator has no --workers option (its state lives in one process): run with --workers 1")
        # several processes share state only through a data dir (SQLite): the figures include its cost
        emulator_args += ["--workers", str(args.workers), "--data-dir", tempfile.mkdtemp(prefix="load-data-")]
    print(
        f"machine: {machine()}\nload generator: 1 asyncio process (raw HTTP/1.1), {args.connections} keep-alive connections; "
        f"{args.rounds} rounds x {args.duration:g} s per workload and server; {args.workers} server process(es) each; loopback"
    )
    canned, canned_url = _server("_canned.py")
    hello, hello_url = _server("_hello.py", "--workers", str(args.workers))
    try:
        with emulator_process(*emulator_args, key=KEY) as (emu_url, emu_pid):
            groups = _setup_groups(emu_url, args.connections)

            def status(c: int) -> list[bytes]:
                return [_req("GET", f"/face/v1.2/persongroups/{groups[c]}/training")]

            def mixed(c: int) -> list[bytes]:
                base = f"/face/v1.2/persongroups/{groups[c]}"
                return [_req("POST", f"{base}/train"), _req("GET", f"{base}/training"), _req("GET", f"{base}/training"), _req("GET", "/face/v1.2/persongroups?top=10")]

            workloads = {"GET training status": status, "mixed train/poll": mixed}
            servers = {"bare Starlette": (hello_url, hello.pid), "emulator": (emu_url, emu_pid)}
            for url, _ in servers.values():  # warm both (imports, caches, connection set-up)
                load(url, status, args.connections, min(0.5, args.duration))
            ceiling = load(canned_url, status, args.connections, args.duration, canned.pid)
            via_httpx = load_httpx(hello_url, f"/face/v1.2/persongroups/{groups[0]}/training", args.connections, args.duration)
            samples: dict[tuple[str, str], list[Sample]] = {(w, s): [] for w in workloads for s in servers}
            for r in range(args.rounds):
                for wname, requests_for in workloads.items():
                    order = list(servers.items()) if r % 2 == 0 else list(reversed(servers.items()))
                    for sname, (url, pid) in order:
                        samples[(wname, sname)].append(load(url, requests_for, args.connections, args.duration, pid))
    finally:
        stop(hello)
        stop(canned)

    print(f"\n{'workload':22} {'server':16} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU us/req':>10} {'requests':>9}  statuses")

    def row(wname: str, sname: str, runs: list[Sample]) -> None:
        lat = sorted(x for s in runs for x in s.latencies)
        statuses: dict[str, int] = {}
        for s in runs:
            for k, v in s.statuses.items():
                statuses[k] = statuses.get(k, 0) + v
        rps = statistics.median(s.rps for s in runs)
        cpu = _cpu_per_request(runs)
        shown = f"{cpu:10.0f}" if cpu else f"{'-':>10}"
        print(f"{wname:22} {sname:16} {rps:9.0f} {_quantile(lat, 0.5):8.2f} {_quantile(lat, 0.99):8.2f} {shown} {len(lat):9d}  {statuses}")

    row("generator ceiling", "canned reply", [ceiling])
    row("generator ceiling", "httpx client", [via_httpx])
    verdicts: list[str] = []
    for wname in workloads:
        for sname in servers:
            row(wname, sname, samples[(wname, sname)])
        emu, bare = samples[(wname, "emulator")], samples[(wname, "bare Starlette")]
        ratios = [e.rps / b.rps for e, b in zip(emu, bare) if b.rps]
        ratio = statistics.median(ratios)
        p99 = _quantile(sorted(x for s in emu for x in s.latencies), 0.99)
        cpu_emu, cpu_bare = _cpu_per_request(emu), _cpu_per_request(bare)
        cpu_ratio = f"; server CPU per request, bare / emulator = {cpu_bare / cpu_emu:.0%}" if cpu_emu and cpu_bare else ""
        # Rounds that disagree by more than half say the machine was busy with other work: no verdict then.
        steady = len(ratios) < 2 or max(ratios) <= 1.5 * min(ratios)
        verdict = ("met" if ratio >= TARGET_RATIO else "not met") if steady else "no verdict: the rounds disagree, the machine was not quiet"
        verdicts.append(
            f"{wname}: emulator / bare Starlette = {ratio:.0%} of req/s (rounds: {', '.join(f'{x:.0%}' for x in ratios)}; "
            f"target >= {TARGET_RATIO:.0%}: {verdict}){cpu_ratio}; "
            f"emulator p99 {p99:.1f} ms (target <= {TARGET_P99_MS:g} ms: {'met' if p99 <= TARGET_P99_MS else 'not met'})"
        )
    print()
    for line in verdicts:
        print(line)
    if args.workers == 1:
        print("--workers: " + ("available, run with --workers N to measure scaling" if emulator_has_workers() else
              "the emulator has no --workers option: its state lives in one process, so throughput does not scale on cores"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
