"""How long ``conformance validate`` takes on a large recording, and how it grows.

Builds HAR 1.2 files of train-then-poll traffic (create group, add person, train, N status
reads, delete; each status read answered like the real service: ``running`` … ``succeeded``)
of about 1, 10 and 30 MB by repeating that flow on fresh group ids, then runs the installed
``conformance validate`` on each (a subprocess, as a user would) and prints the file size,
the exchanges, the wall time and the time per exchange. Target: a 10 MB recording in
seconds, and time growing linearly with the exchanges.

Run:

    .venv/bin/python benchmarks/validate.py [--sizes 1,10,30]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine  # noqa: E402

BASE = "https://example.cognitiveservices.azure.com/face/v1.2"


def _entry(start: datetime, method: str, url: str, status: int, body: object | None, headers: dict[str, str] | None = None) -> dict:
    text = "" if body is None else json.dumps(body)
    response_headers = [{"name": "Date", "value": start.strftime("%a, %d %b %Y %H:%M:%S GMT")}]
    if body is not None:
        response_headers.append({"name": "Content-Type", "value": "application/json; charset=utf-8"})
    response_headers += [{"name": k, "value": v} for k, v in (headers or {}).items()]
    return {
        "startedDateTime": start.isoformat().replace("+00:00", "Z"),
        "time": 40,
        "request": {"method": method, "url": url, "httpVersion": "HTTP/1.1", "headers": [], "queryString": [],
                    "headersSize": -1, "bodySize": 0},
        "response": {"status": status, "statusText": "", "httpVersion": "HTTP/1.1", "headers": response_headers,
                     "content": {"size": len(text), "mimeType": "application/json", "text": text},
                     "redirectURL": "", "headersSize": -1, "bodySize": len(text)},
        "cache": {}, "timings": {"send": 0, "wait": 40, "receive": 0},
    }


def _flow(i: int, t0: datetime, polls: int) -> list[dict]:
    gid = f"group-{i:06d}"
    group = f"{BASE}/persongroups/{gid}"
    t = t0 + timedelta(seconds=i * 60)
    created = t.isoformat().replace("+00:00", "Z")
    entries = [
        _entry(t, "PUT", group, 200, None),
        _entry(t, "POST", f"{group}/persons", 200, {"personId": f"00000000-0000-4000-8000-{i:012d}"}),
        _entry(t, "POST", f"{group}/train", 202, None, {"Operation-Location": f"{group}/training"}),
    ]
    for n in range(polls):
        done = n == polls - 1
        at = t + timedelta(seconds=1 + n)
        body = {"status": "succeeded" if done else "running", "createdDateTime": created,
                "lastActionDateTime": (t + timedelta(milliseconds=250)).isoformat().replace("+00:00", "Z") if done else created}
        if done:
            body["lastSuccessfulTrainingDateTime"] = body["lastActionDateTime"]
        entries.append(_entry(at, "GET", f"{group}/training", 200, body))
    entries.append(_entry(t + timedelta(seconds=polls + 1), "DELETE", group, 200, None))
    return entries


def build(path: Path, megabytes: float, polls: int = 6) -> int:
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    entries: list[dict] = []
    sample = len(json.dumps(_flow(0, t0, polls)))
    flows = max(1, int(megabytes * 1024 * 1024 / sample))
    for i in range(flows):
        entries += _flow(i, t0, polls)
    path.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "benchmark", "version": "1"}, "entries": entries}}))
    return len(entries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10,30", help="file sizes in MB, comma-separated")
    args = parser.parse_args()
    cli = Path(sys.executable).parent / "conformance"
    print(machine())
    print(f"{'size MB':>8} {'exchanges':>10} {'seconds':>8} {'µs/exchange':>12} exit")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (float(s) for s in args.sizes.split(",")):
            har = Path(tmp) / f"traffic-{size:g}MB.har"
            n = build(har, size)
            t = time.perf_counter()
            proc = subprocess.run([str(cli), "validate", str(har), "--report-dir", str(Path(tmp) / "r"), "-q"],
                                  capture_output=True, text=True)
            elapsed = time.perf_counter() - t
            mb = har.stat().st_size / 1024 / 1024
            print(f"{mb:8.1f} {n:10d} {elapsed:8.2f} {elapsed / n * 1e6:12.0f} {proc.returncode}")
            if proc.returncode not in (0, 1):
                print(proc.stderr, file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
