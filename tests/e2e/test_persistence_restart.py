"""Restart with persistence: ``kill -9`` an emulator on ``--data-dir`` mid-training, start it again, the work goes on.

For each service: resources created before the kill are all there afterwards, with the same ids and
timestamps, and a training (Face group training, Custom Voice consent and personal voice)
submitted before the kill reaches its terminal status after the restart, because its status is
derived from the stored wall-clock timestamps. Speaker profiles keep their enrollments: an
enrolled one stays Enrolled, a half-enrolled one goes on counting from where it was. A Speaker
profile whose write was in flight in the killed process is not left busy (409) forever.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest

from cognitive_conformance.emulator import DEFAULT_KEY
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize
from tests.conftest import face_image_bytes
from tests.e2e.persistent_proc import PersistentEmulator

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

H = {"Ocp-Apim-Subscription-Key": DEFAULT_KEY}
SPK = "/speaker-recognition/identification/text-independent/profiles"
SPK_V = {"api-version": "2021-09-05"}
CV_V = {"api-version": "2024-02-01-preview"}
TRAINING_S = 2.0
"""Long enough to kill the process while every training still runs, short enough for a fast test."""


def _poll(read: Callable[[], dict[str, Any]], field: str, terminal: set[str], timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body = read()
        if body[field] in terminal or time.monotonic() > deadline:
            return body
        time.sleep(0.1)


def _clip(seed: int, seconds: float = 6.0) -> bytes:
    return synthesize(speaker=SPEAKERS[1], duration_s=seconds, speech_ratio=0.85, seed=seed)


def _face_group(c: httpx.Client) -> dict[str, list[str]]:
    assert c.put("/face/v1.2/persongroups/kept", json={"name": "kept", "userData": "survives"}).status_code == 200
    faces: dict[str, list[str]] = {}
    for p in range(3):
        pid = c.post("/face/v1.2/persongroups/kept/persons", json={"name": f"p{p}"}).json()["personId"]
        faces[pid] = []
        for f in range(2):
            r = c.post(
                f"/face/v1.2/persongroups/kept/persons/{pid}/persistedfaces",
                content=face_image_bytes(seed=10 * p + f),
                headers={"content-type": "application/octet-stream"},
            )
            assert r.status_code == 200, r.text
            faces[pid].append(r.json()["persistedFaceId"])
    assert c.post("/face/v1.2/persongroups/kept/train").status_code == 202
    return faces


def _enroll(c: httpx.Client, pid: str, *, until_enrolled: bool, seed: int = 0) -> int:
    """Enroll once, or until the profile is Enrolled; the number of 201s."""
    for n in range(1, 11):
        r = c.post(f"{SPK}/{pid}/enrollments", params=SPK_V, content=_clip(seed + n), headers={"content-type": "audio/wav; codecs=audio/pcm"})
        assert r.status_code == 201, r.text
        if not until_enrolled or r.json()["enrollmentStatus"] == "Enrolled":
            return n
    raise AssertionError("the profile never had enough speech")


def _consent(c: httpx.Client) -> None:
    assert c.put("/customvoice/projects/proj", params=CV_V, json={"kind": "PersonalVoice"}).status_code == 201
    fields = {"projectId": "proj", "voiceTalentName": "Jessica Smith", "companyName": "Contoso", "locale": "en-US"}
    audio = synthesize(speaker=SPEAKERS[0], duration_s=2.0, seed=1)
    r = c.post("/customvoice/consents/cons", params=CV_V, data=fields, files=[("audiodata", ("c.wav", audio, "audio/wav"))])
    assert r.status_code == 201, r.text


@pytest.mark.e2e
def test_kill_9_mid_training_then_restart_finishes_every_training_and_keeps_the_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = PersistentEmulator(data, training_seconds=TRAINING_S)
    try:
        with httpx.Client(base_url=first.url, headers=H, timeout=10) as c:
            faces = _face_group(c)
            profile = c.post(SPK, params=SPK_V, json={"locale": "en-US"}).json()["profileId"]
            _enroll(c, profile, until_enrolled=True)
            halfway = c.post(SPK, params=SPK_V, json={"locale": "en-US"}).json()["profileId"]
            _enroll(c, halfway, until_enrolled=False)
            _consent(c)
            before = {
                "group": c.get("/face/v1.2/persongroups/kept").json(),
                "training": c.get("/face/v1.2/persongroups/kept/training").json(),
                "profile": c.get(f"{SPK}/{profile}", params=SPK_V).json(),
                "halfway": c.get(f"{SPK}/{halfway}", params=SPK_V).json(),
                "consent": c.get("/customvoice/consents/cons", params=CV_V).json(),
                "project": c.get("/customvoice/projects/proj", params=CV_V).json(),
            }
    finally:
        first.kill()
    assert before["training"]["status"] in ("notStarted", "running")
    assert before["profile"]["enrollmentStatus"] == "Enrolled" and before["halfway"]["enrollmentStatus"] == "Enrolling"
    assert before["consent"]["status"] in ("NotStarted", "Running")

    with PersistentEmulator(data, training_seconds=TRAINING_S) as second, httpx.Client(base_url=second.url, headers=H, timeout=10) as c:
        assert c.get("/face/v1.2/persongroups/kept").json() == before["group"]
        persons = c.get("/face/v1.2/persongroups/kept/persons").json()
        assert {p["personId"]: sorted(p["persistedFaceIds"]) for p in persons} == {k: sorted(v) for k, v in faces.items()}
        training = _poll(lambda: c.get("/face/v1.2/persongroups/kept/training").json(), "status", {"succeeded", "failed"})
        assert training["status"] == "succeeded", training
        assert training["createdDateTime"] == before["training"]["createdDateTime"]
        assert c.get("/customvoice/projects/proj", params=CV_V).json() == before["project"]
        consent = _poll(lambda: c.get("/customvoice/consents/cons", params=CV_V).json(), "status", {"Succeeded", "Failed"})
        assert consent["status"] == "Succeeded", consent
        assert consent["createdDateTime"] == before["consent"]["createdDateTime"]
        assert c.get(f"{SPK}/{profile}", params=SPK_V).json() == before["profile"]
        assert c.get(f"{SPK}/{halfway}", params=SPK_V).json() == before["halfway"]
        more = _enroll(c, halfway, until_enrolled=True, seed=20)  # enrolling goes on from the stored totals
        done = c.get(f"{SPK}/{halfway}", params=SPK_V).json()
        assert done["enrollmentStatus"] == "Enrolled" and done["enrollmentsCount"] == before["halfway"]["enrollmentsCount"] + more
        # a personal voice is started on the restarted emulator and killed mid-training in turn
        audio = synthesize(speaker=SPEAKERS[0], duration_s=2.0, seed=2)
        voice = c.post(
            "/customvoice/personalvoices/pv1",
            params=CV_V,
            data={"projectId": "proj", "consentId": "cons"},
            files=[("audiodata", ("s.wav", audio, "audio/wav"))],
        )
        assert voice.status_code == 201, voice.text
        operation = voice.headers["Operation-Id"]
        second.kill()

    with PersistentEmulator(data, training_seconds=TRAINING_S) as third, httpx.Client(base_url=third.url, headers=H, timeout=10) as c:
        done = _poll(lambda: c.get("/customvoice/personalvoices/pv1", params=CV_V).json(), "status", {"Succeeded", "Failed"})
        assert done["status"] == "Succeeded", done
        assert done["speakerProfileId"] == voice.json()["speakerProfileId"]
        assert c.get(f"/customvoice/operations/{operation}", params=CV_V).json()["status"] == "Succeeded"
        assert c.get("/customvoice/consents/cons", params=CV_V).json()["status"] == "Succeeded"
        assert third.stop() == 0


@pytest.mark.e2e
def test_a_profile_whose_enrollment_was_in_flight_in_a_killed_process_is_writable_after_restart(tmp_path: Path) -> None:
    """The in-flight marker is held for the whole upload; the process dies with the upload half sent."""
    import socket

    data = tmp_path / "data"
    first = PersistentEmulator(data)
    try:
        profile = httpx.post(f"{first.url}{SPK}", params=SPK_V, json={"locale": "en-US"}, headers=H, timeout=10).json()["profileId"]
        host, port = first.url.split("//")[1].rsplit(":", 1)
        clip = _clip(0, seconds=3.0)
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            head = (
                f"POST {SPK}/{profile}/enrollments?api-version=2021-09-05 HTTP/1.1\r\nHost: {host}\r\n"
                f"Ocp-Apim-Subscription-Key: {DEFAULT_KEY}\r\nContent-Type: audio/wav; codecs=audio/pcm\r\n"
                f"Content-Length: {len(clip)}\r\n\r\n"
            ).encode()
            sock.sendall(head + clip[: len(clip) // 2])
            deadline = time.monotonic() + 10
            accepted = 0
            while True:  # the second writer is refused while the first upload is in flight
                busy = httpx.post(f"{first.url}{SPK}/{profile}/enrollments", params=SPK_V, content=clip,
                                  headers={**H, "content-type": "audio/wav; codecs=audio/pcm"}, timeout=10)
                accepted += busy.status_code == 201
                if busy.status_code == 409 or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            assert busy.status_code == 409, busy.text
            first.kill()
    finally:
        first.kill()
    with PersistentEmulator(data) as second:
        r = httpx.post(f"{second.url}{SPK}/{profile}/enrollments", params=SPK_V, content=clip,
                       headers={**H, "content-type": "audio/wav; codecs=audio/pcm"}, timeout=10)
        assert r.status_code == 201, r.text
        assert r.json()["enrollmentsCount"] == accepted + 1


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _workers(pid: int) -> set[int]:
    """The worker processes (spawned children that are not multiprocessing's resource tracker)."""
    return {c for c in _children(pid) if b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()}


@pytest.mark.e2e
def test_a_dead_worker_is_replaced_and_the_workers_end_with_a_killed_parent(tmp_path: Path) -> None:
    import os
    import signal

    with PersistentEmulator(tmp_path / "data", workers=2) as emulator:
        parent = emulator.proc.pid
        deadline = time.monotonic() + 20
        while len(workers := _workers(parent)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) == 2, workers
        os.kill(min(workers), signal.SIGKILL)
        deadline = time.monotonic() + 30
        while (len(now := _workers(parent)) < 2 or min(workers) in now) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(now) == 2 and min(workers) not in now, now
        assert httpx.put(f"{emulator.url}/face/v1.2/persongroups/after", json={"name": "a"}, headers=H, timeout=10).status_code == 200
        os.kill(parent, signal.SIGKILL)  # the parent alone: its workers must not serve on as orphans
        emulator.proc.wait(timeout=10)
        deadline = time.monotonic() + 20
        alive = set(now)
        while alive and time.monotonic() < deadline:
            alive = {w for w in alive if Path(f"/proc/{w}").exists() and "Z" not in Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0]}
            time.sleep(0.1)
        assert not alive, f"workers {alive} outlived their killed parent"
