"""A live run is bounded and can be stopped: --max-requests, --max-time, Ctrl-C and SIGTERM.

The emulator runs as its own process (``conformance emulator --port 0``) and is the ``--target``,
so what a stopped run leaves behind can be listed through its API afterwards; the installed
console script runs as a user runs it. Every subprocess is bounded.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e
KEY = "b0d9e7000000000000000000000000001"
H = {"Ocp-Apim-Subscription-Key": KEY}
EXE = Path(sys.executable).parent / "conformance"


@pytest.fixture
def emulator() -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "cognitive_conformance.emulator", "--host", "127.0.0.1", "--port", "0", "--key", KEY, "--training-seconds", "0.3"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        url = None
        deadline = time.monotonic() + 30
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            match = re.search(r"listening on (http://\S+)", line)
            url = match.group(1).rstrip("/") if match else None
        assert url, "the emulator did not start"
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def _leftovers(url: str, prefix: str) -> list[str]:
    """Everything under the run's prefix that the emulator still holds, listed through its API."""
    found: list[str] = []
    with httpx.Client(base_url=url, headers=H, timeout=10) as c:
        for version in ("v1.0", "v1.1-preview.1", "v1.2-preview.1", "v1.2"):
            for kind, key in (("persongroups", "personGroupId"), ("largepersongroups", "largePersonGroupId"),
                              ("largefacelists", "largeFaceListId"), ("facelists", "faceListId")):
                reply = c.get(f"/face/{version}/{kind}", params={"top": 1000})
                if reply.status_code == 200:
                    found += [g[key] for g in reply.json() if str(g.get(key, "")).startswith(prefix)]
        profiles = c.get("/speaker-recognition/identification/text-independent/profiles",
                         params={"api-version": "2021-09-05", "maxpagesize": 500}).json()["value"]
        found += [p["profileId"] for p in profiles]  # a run creates no profile it does not delete
        for version in ("2024-02-01-preview", "2026-01-01"):
            for kind in ("projects", "consents", "personalvoices"):
                items = c.get(f"/customvoice/{kind}", params={"api-version": version, "maxpagesize": 500}).json()["value"]
                found += [i["id"] for i in items if i["id"].startswith(prefix)]
    return found


def _report(report_dir: Path) -> dict:
    """conformance.json, checked against its schema (an incomplete report is a valid report)."""
    import jsonschema

    from cognitive_conformance.conformance.reports.json_report import SCHEMA_PATH

    data = json.loads((report_dir / "conformance.json").read_text())
    jsonschema.validate(data, json.loads(Path(SCHEMA_PATH).read_text()))
    return data


def _no_traceback(proc_output: str) -> None:
    assert "Traceback" not in proc_output, proc_output[-3000:]


def test_max_requests_stops_the_run_cleans_up_and_exits_5(emulator: str, tmp_path: Path) -> None:
    cmd = [EXE, "run", "--target", emulator, "--key", KEY, "--max-requests", "50", "--report-dir", str(tmp_path), "-q"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    _no_traceback(proc.stdout + proc.stderr)
    assert proc.returncode == 5, proc.stdout + proc.stderr
    assert "INCOMPLETE (max-requests)" in proc.stdout
    data = _report(tmp_path)
    incomplete = data["result"]["incomplete"]
    assert incomplete["reason"] == "max-requests"
    sent = sum(p["requests"] for p in data["phases"])
    # The budget counts every request of the phases; the cleanup is sent outside it, counted apart.
    assert incomplete["budgetedRequests"] <= 50
    assert sent <= 50 + incomplete["cleanupRequests"]
    assert incomplete["cleanupRequests"] <= 50
    assert data["result"]["exitCode"] == 5 and not data["result"]["conformant"]
    assert all(r["status"] != "passed" or r["applied"] > 0 for r in data["rules"])
    assert any(r["status"] == "not exercised" for r in data["rules"])
    assert "INCOMPLETE (max-requests)" in (tmp_path / "summary.md").read_text()
    assert _leftovers(emulator, f"cc-{data['runId']}-") == []


def test_max_time_stops_the_run_within_its_time_and_exits_5(emulator: str, tmp_path: Path) -> None:
    cmd = [EXE, "run", "--target", emulator, "--key", KEY, "--max-time", "5", "--report-dir", str(tmp_path), "-q"]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    took = time.monotonic() - t0
    _no_traceback(proc.stdout + proc.stderr)
    assert proc.returncode == 5, proc.stdout + proc.stderr
    assert took < 5 + 10, took  # 5 s, the request in flight, the cleanup, writing the reports
    data = _report(tmp_path)
    assert data["result"]["incomplete"]["reason"] == "max-time"
    assert _leftovers(emulator, f"cc-{data['runId']}-") == []


def _interrupt(emulator: str, report_dir: Path, signum: int, phase: str, delay: float) -> tuple[subprocess.Popen, str, str]:
    """Run face v1.2, wait until ``phase`` has started, then ``delay`` seconds, then send ``signum``."""
    cmd = [EXE, "run", "--target", emulator, "--key", KEY, "--service", "face", "--api-version", "v1.2",
           "--report-dir", str(report_dir)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
        if f"{phase}: started" in line:
            time.sleep(delay)
            proc.send_signal(signum)
            break
    out, err = proc.communicate(timeout=60)
    return proc, out, "".join(seen) + err


TRIALS = [("stateless", random.Random(7).uniform(0.2, 4.0)), ("stateful", random.Random(8).uniform(0.0, 1.0)),
          (random.Random(9).choice(["stateless", "stateful"]), random.Random(9).uniform(0.0, 1.5))]


@pytest.mark.parametrize(("phase", "delay"), TRIALS, ids=[f"{p}-{d:.2f}s" for p, d in TRIALS])
def test_ctrl_c_cleans_up_writes_partial_reports_and_exits_130(emulator: str, tmp_path: Path, phase: str, delay: float) -> None:
    proc, out, err = _interrupt(emulator, tmp_path, signal.SIGINT, phase, delay)
    _no_traceback(out + err)
    assert proc.returncode == 130, out + err
    data = _report(tmp_path)
    assert data["result"]["incomplete"]["reason"] == "interrupted", data["result"]
    assert data["result"]["exitCode"] == 130
    assert _leftovers(emulator, f"cc-{data['runId']}-") == []


def test_sigterm_cleans_up_writes_partial_reports_and_exits_143(emulator: str, tmp_path: Path) -> None:
    proc, out, err = _interrupt(emulator, tmp_path, signal.SIGTERM, "stateful", 0.3)
    _no_traceback(out + err)
    assert proc.returncode == 143, out + err
    data = _report(tmp_path)
    assert data["result"]["incomplete"]["reason"] == "interrupted"
    assert _leftovers(emulator, f"cc-{data['runId']}-") == []
    # the interrupted run still has its traffic (both phases reached), and no part is left behind
    har = (tmp_path / "traffic.har").read_text()
    entries = json.loads(har)["log"]["entries"]
    assert KEY not in har and len(entries) == data["har"]["entries"] >= sum(p["requests"] for p in data["phases"]) > 0
    assert not (tmp_path / ".parts").exists()


def _emulators_of(marker: str) -> list[int]:
    """Live processes started with this test's environment marker that run the emulator."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().split(") ", 1)[1][0]
        except OSError:
            continue
        if marker.encode() in environ and b"emulator" in cmdline and state != "Z":
            pids.append(int(entry.name))
    return pids


def test_a_second_ctrl_c_aborts_without_traceback_and_the_embedded_emulator_is_stopped(tmp_path: Path) -> None:
    marker = f"CC_BUDGET_TEST={uuid.uuid4().hex}"
    env = dict(os.environ, **dict([marker.split("=")]))
    cmd = [EXE, "run", "--service", "face", "--api-version", "v1.2", "--report-dir", str(tmp_path)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    seen = []
    while True:
        line = proc.stderr.readline()
        seen.append(line)
        if not line or "stateless: started" in line:
            break
    assert _emulators_of(marker), "the embedded emulator should be running"
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    err = "".join(seen) + err
    _no_traceback(out + err)
    assert proc.returncode == 130, out + err
    if "aborted by a second signal" in err:  # else the cleanup had finished before the second Ctrl-C
        assert "cleanup not finished for face v1.2" in err
    deadline = time.monotonic() + 10
    while _emulators_of(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _emulators_of(marker) == [], "the embedded emulator was left running"


def _readme_budget_command() -> list[str]:
    """The bounded-run command of README's "Checking a live Azure endpoint" section, as argv."""
    import shlex

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    block = next(b for b in re.findall(r"```sh\n(.*?)```", readme, re.S) if "--max-requests" in b and "<resource>" in b)
    return shlex.split(block.replace("\\\n", " "))


def test_the_readme_bounded_run_command_runs_as_documented(emulator: str, tmp_path: Path) -> None:
    argv = _readme_budget_command()
    assert argv[0] == ".venv/bin/conformance"
    args = [a.replace("https://<resource>.cognitiveservices.azure.com", emulator) for a in argv[1:]]
    proc = subprocess.run([EXE, *args, "--key", KEY, "--report-dir", str(tmp_path), "-q"],
                          capture_output=True, text=True, timeout=660)
    _no_traceback(proc.stdout + proc.stderr)
    assert proc.returncode in (0, 5), proc.stdout + proc.stderr
    data = _report(tmp_path)
    if proc.returncode == 5:
        assert data["result"]["incomplete"]["budgetedRequests"] <= 500
    assert _leftovers(emulator, f"cc-{data['runId']}-") == []


def test_run_help_documents_the_budgets_and_exit_codes() -> None:
    proc = subprocess.run([EXE, "run", "--help"], capture_output=True, text=True, timeout=60)
    text = " ".join(proc.stdout.split())
    assert proc.returncode == 0
    for needle in ("--max-requests N", "--max-time SECONDS", "--timeout SECONDS", "5 incomplete", "130 interrupted by Ctrl-C", "143 by SIGTERM"):
        assert needle in text, needle


def test_a_second_ctrl_c_during_a_slow_cleanup_aborts_it_and_names_what_was_not_cleaned(tmp_path: Path) -> None:
    import asyncio
    import importlib.util

    from cognitive_conformance.emulator.config import EmulatorConfig
    from cognitive_conformance.emulator.server import running

    spec = importlib.util.spec_from_file_location("hostile", Path(__file__).with_name("hostile.py"))
    hostile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hostile)

    class SlowDeletes(hostile.Hostile):  # a target whose deletes take 5 s: the cleanup is slow
        async def handle(self, method, target, headers, body, writer) -> None:
            if method == "DELETE":
                await asyncio.sleep(5)
            status, out_headers, content = await self._forward(method, target, headers, body)
            writer.write(hostile._head(status, out_headers, len(content)) + content)
            await writer.drain()

    with running(EmulatorConfig(keys=(KEY,), training_seconds=1)) as url:
        server = SlowDeletes("running", url).start()
        try:
            cmd = [EXE, "run", "--target", server.url, "--key", KEY, "--phase", "stateful", "--service", "face",
                   "--api-version", "v1.2", "--report-dir", str(tmp_path)]
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            while True:
                line = proc.stderr.readline()
                if not line or "stateful: started" in line:
                    break
            time.sleep(1.0)
            proc.send_signal(signal.SIGINT)
            time.sleep(1.5)  # the scenario's cleanup is under way (its first DELETE takes 5 s)
            second = time.monotonic()
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=60)
            took = time.monotonic() - second
        finally:
            server.stop()
    _no_traceback(out + err)
    assert proc.returncode == 130, out + err
    assert took < 3, took  # at once, not after the 5 s delete
    assert "aborted by a second signal: cleanup not finished for face v1.2" in " ".join(err.split())
    incomplete = _report(tmp_path)["result"]["incomplete"]
    assert incomplete["reason"] == "interrupted" and incomplete["aborted"] and incomplete["notCleaned"] == ["face v1.2"]
