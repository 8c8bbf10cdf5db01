"""The emulator over real HTTP: the uvicorn thread fixture, full Face flows, and the CLI process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, running
from tests.conftest import face_image_bytes

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]


def _poll(client: httpx.Client, url: str, deadline_s: float = 10.0) -> list[str]:
    seen: list[str] = []
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        body = client.get(url).json()
        if not seen or seen[-1] != body["status"]:
            seen.append(body["status"])
        if body["status"] in ("succeeded", "failed"):
            return seen
        time.sleep(0.02)
    raise AssertionError(f"training did not finish: {seen}")


@pytest.fixture(scope="module")
def docs_emulator_url() -> Iterator[str]:
    """An emulator in the ``docs`` profile (the documents taken literally)."""
    with running(EmulatorConfig(training_seconds=0.2, profile="docs")) as base_url:
        yield base_url


def _populated_group(client: httpx.Client, gid: str) -> None:
    assert client.put(f"/persongroups/{gid}", json={"name": "flow"}).status_code == 200
    assert client.get(f"/persongroups/{gid}/training").status_code == 404
    pid = client.post(f"/persongroups/{gid}/persons", json={"name": "p"}).json()["personId"]
    added = client.post(
        f"/persongroups/{gid}/persons/{pid}/persistedfaces",
        content=face_image_bytes(),
        headers={"content-type": "application/octet-stream"},
    )
    assert added.status_code == 200


@pytest.mark.parametrize("version", ["v1.0", "v1.2"])
def test_full_flow_over_http_as_recorded(emulator_url: str, version: str) -> None:
    """Default (observed) profile: train links the group's own /training, the first read is running, errors carry no x-ms-error-code."""
    headers = {"Ocp-Apim-Subscription-Key": DEFAULT_KEY}
    with httpx.Client(base_url=f"{emulator_url}/face/{version}", headers=headers, timeout=5) as client:
        gid = f"flow-{version.replace('.', '')}"
        _populated_group(client, gid)
        train = client.post(f"/persongroups/{gid}/train")
        assert train.status_code == 202 and train.content == b""
        assert "retry-after" not in train.headers
        location = train.headers["Operation-Location"]
        assert location == f"{emulator_url}/face/{version}/persongroups/{gid}/training"
        first = httpx.get(location, headers=headers).json()
        assert first["status"] == "running" and "lastSuccessfulTrainingDateTime" not in first
        statuses = _poll(client, f"/persongroups/{gid}/training")
        assert statuses[0] in ("running", "succeeded") and statuses[-1] == "succeeded"
        done = client.get(f"/persongroups/{gid}/training").json()
        assert done["lastSuccessfulTrainingDateTime"] == done["lastActionDateTime"]
        assert ("lastSuccessfulTrainingId" in done) == (version != "v1.0")
        assert client.delete(f"/persongroups/{gid}").status_code == 200
        gone = client.get(f"/persongroups/{gid}")
        assert gone.status_code == 404 and gone.json()["error"]["code"] == "PersonGroupNotFound"
        assert "x-ms-error-code" not in gone.headers


@pytest.mark.parametrize("version,not_started", [("v1.0", "nonstarted"), ("v1.2", "notStarted")])
def test_full_flow_over_http_as_documented(docs_emulator_url: str, version: str, not_started: str) -> None:
    emulator_url = docs_emulator_url
    headers = {"Ocp-Apim-Subscription-Key": DEFAULT_KEY}
    with httpx.Client(base_url=f"{emulator_url}/face/{version}", headers=headers, timeout=5) as client:
        gid = f"flow-{version.replace('.', '')}"
        _populated_group(client, gid)
        train = client.post(f"/persongroups/{gid}/train")
        assert train.status_code == 202 and train.content == b""
        assert "retry-after" not in train.headers
        statuses = _poll(client, f"/persongroups/{gid}/training")
        assert statuses[0] in (not_started, "running") and statuses[-1] == "succeeded"
        if version == "v1.0":
            assert "operation-location" not in train.headers
        else:
            location = train.headers["operation-Location"]
            assert location.startswith(f"{emulator_url}/face/{version}/operations/")
            op = httpx.get(location, headers=headers).json()
            assert op["status"] == "succeeded" and "finishedTime" in op
        assert client.delete(f"/persongroups/{gid}").status_code == 200
        gone = client.get(f"/persongroups/{gid}")
        assert gone.status_code == 404 and gone.headers["x-ms-error-code"] == "PersonGroupNotFound"


def test_running_stops_cleanly_and_frees_the_port() -> None:
    with running(EmulatorConfig()) as url:
        assert httpx.get(f"{url}/face/v1.2/persongroups", headers={"Ocp-Apim-Subscription-Key": DEFAULT_KEY}).json() == []
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/face/v1.2/persongroups", timeout=1)


@pytest.mark.slow
def test_cli_prints_address_serves_and_exits_zero_on_sigterm() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cognitive_conformance.emulator", "--port", "0", "--training-seconds", "0.1", "--key", "k-one", "--key", "k-two"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        first = proc.stdout.readline().rstrip("\n")
        second = proc.stdout.readline().rstrip("\n")
        third = proc.stdout.readline().rstrip("\n")
        assert first.startswith("cognitive-conformance emulator listening on http://127.0.0.1:")
        assert (second, third) == ("subscription key: k-one", "subscription key: k-two")
        base = first.rsplit(" ", 1)[1]
        ok = httpx.get(f"{base}/face/v1.2/persongroups", headers={"Ocp-Apim-Subscription-Key": "k-two"}, timeout=5)
        assert ok.status_code == 200 and ok.json() == []
        assert httpx.get(f"{base}/face/v1.2/persongroups", headers={"Ocp-Apim-Subscription-Key": DEFAULT_KEY}).status_code == 401
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        stderr = proc.stderr.read()
        assert "Traceback" not in stderr and "k-one" not in stderr
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_cli_sigint_also_exits_zero_with_default_key() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "cognitive_conformance.emulator", "--port", "0"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().startswith("cognitive-conformance emulator listening on http://127.0.0.1:")
        assert proc.stdout.readline().rstrip("\n") == f"subscription key: {DEFAULT_KEY}"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--port", "70000"], "invalid port"),
        (["--training-seconds", "-1"], "invalid seconds"),
        (["--fault", "nope"], "Valid faults"),
        (["--bogus"], "unrecognized arguments"),
    ],
)
def test_cli_bad_arguments_exit_2(args: list[str], needle: str) -> None:
    result = subprocess.run([sys.executable, "-m", "cognitive_conformance.emulator", *args], cwd=REPO, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and needle in result.stderr
    assert result.stdout == ""


def test_cli_help_documents_every_fault() -> None:
    from cognitive_conformance.emulator.faults import FAULTS

    result = subprocess.run([sys.executable, "-m", "cognitive_conformance.emulator", "--help"], cwd=REPO, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    for name, cls in FAULTS.items():
        assert f"{name}: {cls.description}" in result.stdout
