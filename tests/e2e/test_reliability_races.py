"""64-way races on train, enroll, post and delete, with 0 lost updates, on each kind of store.

Against ``conformance emulator --workers 2 --data-dir DIR`` (two processes, one SQLite state) and
against the default in-memory emulator, 64 concurrent clients each: add a person with two faces to
one shared group and delete one of the faces (every fourth deletes its person instead), create a
Speaker profile (every fourth enrolls it, another fourth deletes it), enroll on one shared profile (201, or 409
while another write on it is in flight), create a Custom Voice project (every fourth deletes it),
and train one shared group (202, or 409 while it trains). Afterwards every 2xx create is readable,
every 2xx delete is gone, the shared profile counts exactly its 201 enrollments, the shared group's
training succeeds, and no request got a 5xx.

``RELIABILITY_ROUNDS=N`` repeats the race N times on the same emulator (default 1: the short run).
"""

from __future__ import annotations

import asyncio
import os
import ssl
import time
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from cognitive_conformance.emulator import DEFAULT_KEY
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize
from tests.conftest import face_image_bytes
from tests.e2e.persistent_proc import PersistentEmulator

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

CLIENTS = 64
ROUNDS = max(1, int(os.environ.get("RELIABILITY_ROUNDS", "1")))
H = {"Ocp-Apim-Subscription-Key": DEFAULT_KEY}
G = "/face/v1.2/persongroups"
SPK = "/speaker-recognition/identification/text-independent/profiles"
SPK_V = {"api-version": "2021-09-05"}
CV_V = {"api-version": "2024-02-01-preview"}
WAV = {"content-type": "audio/wav; codecs=audio/pcm"}
OCTETS = {"content-type": "application/octet-stream"}


@pytest.fixture(scope="module", params=["workers-2-data-dir", "in-memory"])
def target(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "in-memory":
        emulator = PersistentEmulator(None)
    else:
        emulator = PersistentEmulator(tmp_path_factory.mktemp("race") / "data", workers=2)
    with emulator:
        yield emulator.url
        assert emulator.proc.poll() is None, "the emulator died during the race"


class Tally:
    """Every status seen, by operation."""

    def __init__(self) -> None:
        self.statuses: Counter[tuple[str, int]] = Counter()

    def see(self, name: str, response: httpx.Response, allowed: set[int]) -> httpx.Response:
        self.statuses[(name, response.status_code)] += 1
        assert response.status_code in allowed, f"{name}: {response.status_code} {response.text[:300]}"
        return response


async def _client(base: str, i: int, tag: str, shared_profile: str, tally: Tally, clip: bytes, tls: ssl.SSLContext) -> dict[str, Any]:
    out: dict[str, Any] = {"person": None, "faces": [], "profile": None, "enrolled": 0, "project": f"{tag}-p{i}", "shared_enrolled": False}
    # One client (one connection) each; the TLS context is shared because building one costs ~0.2 s of CPU.
    async with httpx.AsyncClient(base_url=base, headers=H, timeout=60, verify=tls) as c:
        person = tally.see("add person", await c.post(f"{G}/{tag}-race/persons", json={"name": f"p{i}"}), {200}).json()["personId"]
        faces = []
        for f in range(2):
            added = await c.post(f"{G}/{tag}-race/persons/{person}/persistedfaces", content=face_image_bytes(seed=i * 2 + f), headers=OCTETS)
            faces.append(tally.see("add face", added, {200}).json()["persistedFaceId"])
        trained = await c.post(f"{G}/{tag}-train/train")
        tally.see("train", trained, {202, 409})
        profile = tally.see("create profile", await c.post(SPK, params=SPK_V, json={"locale": "en-US"}), {201}).json()["profileId"]
        if i % 4 == 1:  # an enrollment analyses its audio (~60 ms of CPU): a quarter of the clients enroll their own profile
            tally.see("enroll", await c.post(f"{SPK}/{profile}/enrollments", params=SPK_V, content=clip, headers=WAV), {201})
            out["enrolled"] = 1
        shared = await c.post(f"{SPK}/{shared_profile}/enrollments", params=SPK_V, content=clip, headers=WAV)
        out["shared_enrolled"] = tally.see("enroll shared", shared, {201, 409}).status_code == 201
        tally.see("create project", await c.put(f"/customvoice/projects/{tag}-p{i}", params=CV_V, json={"kind": "PersonalVoice"}), {201})
        if i % 4 == 0:
            tally.see("delete person", await c.delete(f"{G}/{tag}-race/persons/{person}"), {200})
            tally.see("delete profile", await c.delete(f"{SPK}/{profile}", params=SPK_V), {204})
            tally.see("delete project", await c.delete(f"/customvoice/projects/{tag}-p{i}", params=CV_V), {204})
            out["project"] = None
        else:
            tally.see("delete face", await c.delete(f"{G}/{tag}-race/persons/{person}/persistedfaces/{faces[0]}"), {200})
            out.update(person=person, faces=faces[1:], profile=profile)
    return out


async def _race(base: str, tag: str, shared_profile: str, clip: bytes) -> tuple[list[dict[str, Any]], Tally]:
    tally = Tally()
    tls = ssl.create_default_context()
    results = await asyncio.gather(*(_client(base, i, tag, shared_profile, tally, clip, tls) for i in range(CLIENTS)))
    return list(results), tally


def _setup(c: httpx.Client, tag: str, clip: bytes) -> str:
    assert c.put(f"{G}/{tag}-race", json={"name": "race"}).status_code == 200
    assert c.put(f"{G}/{tag}-train", json={"name": "train"}).status_code == 200
    person = c.post(f"{G}/{tag}-train/persons", json={"name": "t"}).json()["personId"]
    assert c.post(f"{G}/{tag}-train/persons/{person}/persistedfaces", content=face_image_bytes(seed=999), headers=OCTETS).status_code == 200
    return c.post(SPK, params=SPK_V, json={"locale": "en-US"}).json()["profileId"]


@pytest.mark.e2e
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_64_way_races_lose_no_update(target: str, round_: int) -> None:
    clip = synthesize(speaker=SPEAKERS[2], duration_s=1.2, speech_ratio=0.9, seed=round_)
    tag = f"r{round_}"
    with httpx.Client(base_url=target, headers=H, timeout=60) as c:
        shared = _setup(c, tag, clip)
        results, tally = asyncio.run(_race(target, tag, shared, clip))
        assert not [k for k in tally.statuses if k[1] >= 500]

        persons = {p["personId"]: set(p["persistedFaceIds"]) for p in c.get(f"{G}/{tag}-race/persons").json()}
        expected = {r["person"]: set(r["faces"]) for r in results if r["person"] is not None}
        assert persons == expected  # every created person and face is there, every deleted one is gone
        assert len(persons) == CLIENTS - CLIENTS // 4
        for r in results:
            if r["profile"] is not None:
                profile = c.get(f"{SPK}/{r['profile']}", params=SPK_V)
                assert profile.status_code == 200 and profile.json()["enrollmentsCount"] == r["enrolled"], profile.text
        deleted = [r for r in results if r["profile"] is None]
        assert len(deleted) == CLIENTS // 4
        shared_body = c.get(f"{SPK}/{shared}", params=SPK_V).json()
        assert shared_body["enrollmentsCount"] == sum(r["shared_enrolled"] for r in results) >= 1
        for i, r in enumerate(results):
            project = c.get(f"/customvoice/projects/{tag}-p{i}", params=CV_V)
            assert project.status_code == (200 if r["project"] else 404), project.text
        assert tally.statuses[("train", 202)] >= 1
        deadline = time.monotonic() + 30
        while (status := c.get(f"{G}/{tag}-train/training").json()["status"]) not in ("succeeded", "failed") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert status == "succeeded"
