"""The emulator under load, next to a bare Starlette hello-world (the ceiling).

A loopback load generator (asyncio, raw HTTP/1.1 keep-alive, N concurrent connections,
bounded duration) measures requests per second and p50/p99 latency for:

* ``hello``: a bare Starlette app served by uvicorn the same way (the ceiling);
* ``training-status``: GET /face/v1.2/persongroups/{id}/training on a trained group;
* ``mixed``: each connection cycles train (202/409) → GET operation → GET training on its own group.

Run:

    .venv/bin/python benchmarks/load.py [--connections 32] [--duration 5]

Target (issue 5): >= 5,000 req/s and p99 <= 10 ms on GET training status.
Loopback only; every loop is bounded by --duration.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emulator, machine  # noqa: E402

KEY = "b3nchk3y00000000000000000000beef"
_CL = re.compile(rb"content-length:\s*(\d+)", re.I)


async def _connection(host: str, port: int, requests: list[bytes], stop_at: float, latencies: list[float], statuses: dict) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = 0
    try:
        while time.perf_counter() < stop_at:
            payload = requests[i % len(requests)]
            i += 1
            t0 = time.perf_counter()
            writer.write(payload)
            head = await reader.readuntil(b"\r\n\r\n")
            m = _CL.search(head)
            if m:
                await reader.readexactly(int(m.group(1)))
            latencies.append(time.perf_counter() - t0)
            code = head[9:12].decode()
            statuses[code] = statuses.get(code, 0) + 1
    finally:
        writer.close()


def load(url: str, requests_for, connections: int, duration: float) -> dict:
    host, port = url.split("//", 1)[1].split(":")
    latencies: list[float] = []
    statuses: dict[str, int] = {}

    async def main() -> float:
        stop_at = time.perf_counter() + duration
        t0 = time.perf_counter()
        await asyncio.gather(*(_connection(host, int(port), requests_for(c), stop_at, latencies, statuses) for c in range(connections)))
        return time.perf_counter() - t0

    elapsed = asyncio.run(main())
    latencies.sort()
    q = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000  # noqa: E731
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": q(0.50),
        "p99_ms": q(0.99),
        "statuses": statuses,
    }


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


def _hello_server():
    proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("_hello.py"))], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    return proc, re.search(r"(http://\S+)", line).group(1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=5.0)
    args = parser.parse_args()
    if not 1 <= args.connections <= 256 or not 0 < args.duration <= 60:
        parser.error("connections 1..256, duration 0..60 s")
    print(f"machine: {machine()}; load generator: 1 asyncio process, {args.connections} keep-alive connections, {args.duration:.0f} s per workload, loopback")
    rows = []
    proc, hello_url = _hello_server()
    try:
        rows.append(("hello (bare Starlette, ceiling)", load(hello_url, lambda c: [_req("GET", "/x")], args.connections, args.duration)))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    with emulator("--training-seconds", "0.5", key=KEY) as url:
        groups = _setup_groups(url, args.connections)
        rows.append((
            "GET training status",
            load(url, lambda c: [_req("GET", f"/face/v1.2/persongroups/{groups[c]}/training")], args.connections, args.duration),
        ))
        op_paths: dict[int, str] = {}

        def mixed(c: int) -> list[bytes]:
            base = f"/face/v1.2/persongroups/{groups[c]}"
            return [_req("POST", f"{base}/train"), _req("GET", f"{base}/training"), _req("GET", f"{base}/training"), _req("GET", "/face/v1.2/persongroups?top=10")]

        rows.append(("mixed train/poll", load(url, mixed, args.connections, args.duration)))
    print(f"\n{'workload':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9}  statuses")
    for name, r in rows:
        print(f"{name:34} {r['rps']:9.0f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {r['requests']:9d}  {r['statuses']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
