"""Every service's state round-trips through ``--data-dir``: what one process wrote, another reads back equal.

One flow per service fills its state object through the whole pipeline (Face groups of both kinds,
persons, faces, trainings, operations, face lists; Speaker profiles with enrollments, a voice print
in training and a reset; Custom Voice projects, consents, personal voices and operations, an
``Operation-Id`` replay). Then a store opened afresh on the data dir (what a restarted emulator or
another worker opens) must hold, for every partition the run created, a state equal to the
writer's, and an app on it must answer every read exactly as the writer's app did. Nothing here
names a resource type of the store: a service's new state is covered once its flow creates it.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, ManualClock, create_app
from cognitive_conformance.emulator.store import SqliteStore
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize
from tests.conftest import face_image_bytes

H = {"Ocp-Apim-Subscription-Key": DEFAULT_KEY}
SPK = "/speaker-recognition/identification/text-independent/profiles"
SPK_V = {"api-version": "2021-09-05"}
CV_V = {"api-version": "2024-02-01-preview"}
OCTETS = {**H, "content-type": "application/octet-stream"}


def _client(config: EmulatorConfig) -> TestClient:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return TestClient(create_app(config), raise_server_exceptions=False)


def _face(c: TestClient, clock: ManualClock) -> list[str]:
    reads = []
    for kind, version in (("persongroups", "v1.0"), ("largepersongroups", "v1.2")):
        base = f"/face/{version}/{kind}/g-{kind}"
        assert c.put(base, json={"name": kind, "userData": "u"}, headers=H).status_code == 200
        persons = [c.post(f"{base}/persons", json={"name": f"p{i}"}, headers=H).json()["personId"] for i in range(3)]
        for i, person in enumerate(persons):
            r = c.post(f"{base}/persons/{person}/persistedfaces", params={"userData": f"f{i}"}, content=face_image_bytes(seed=i), headers=OCTETS)
            assert r.status_code == 200, r.text
        assert c.delete(f"{base}/persons/{persons[2]}", headers=H).status_code == 200
        assert c.post(f"{base}/train", headers=H).status_code == 202
        reads += [base, f"{base}/persons", f"{base}/persons/{persons[0]}", f"{base}/training"]
    clock.advance(1)  # one training still runs, as after a restart mid-training
    for kind in ("facelists", "largefacelists"):
        base = f"/face/v1.2/{kind}/l-{kind}"
        assert c.put(base, json={"name": kind}, headers=H).status_code == 200
        assert c.post(f"{base}/persistedfaces", content=face_image_bytes(seed=7), headers=OCTETS).status_code == 200
        reads.append(base)
    assert c.post("/face/v1.2/largefacelists/l-largefacelists/train", headers=H).status_code == 202
    reads += ["/face/v1.2/largefacelists/l-largefacelists/training", "/face/v1.2/persongroups", "/face/v1.2/largepersongroups"]
    return reads


def _speaker(c: TestClient) -> list[str]:
    clip = synthesize(speaker=SPEAKERS[1], duration_s=7.0, speech_ratio=0.9, seed=3)
    wav = {**H, "content-type": "audio/wav; codecs=audio/pcm"}
    profiles = [c.post(SPK, params=SPK_V, json={"locale": "en-US"}, headers=H).json()["profileId"] for _ in range(3)]
    for _ in range(4):  # 4 x ~6 s of speech: the voice print is built
        assert c.post(f"{SPK}/{profiles[0]}/enrollments", params=SPK_V, content=clip, headers=wav).status_code == 201
    assert c.post(f"{SPK}/{profiles[1]}/enrollments", params={**SPK_V, "ignoreMinLength": "true"}, content=clip, headers=wav).status_code == 201
    assert c.post(f"{SPK}/{profiles[2]}/enrollments", params=SPK_V, content=clip, headers=wav).status_code == 201
    assert c.post(f"{SPK}/{profiles[2]}:reset", params=SPK_V, headers=H).status_code == 200
    return [SPK] + [f"{SPK}/{p}" for p in profiles]


def _voice(c: TestClient, clock: ManualClock) -> list[str]:
    assert c.put("/customvoice/projects/proj", params=CV_V, json={"kind": "PersonalVoice", "description": "d"}, headers=H).status_code == 201
    fields = {"projectId": "proj", "voiceTalentName": "Jessica Smith", "companyName": "Contoso", "locale": "en-US"}
    audio = synthesize(speaker=SPEAKERS[0], duration_s=2.0, seed=1)
    files = [("audiodata", ("c.wav", audio, "audio/wav"))]
    consent = c.post("/customvoice/consents/cons", params=CV_V, data=fields, files=files, headers={**H, "Operation-Id": "op-consent"})
    assert consent.status_code == 201, consent.text
    clock.advance(30)
    voice_files = [("audiodata", ("s.wav", synthesize(speaker=SPEAKERS[0], duration_s=2.0, seed=2), "audio/wav"))]
    voice = c.post("/customvoice/personalvoices/pv-1", params=CV_V, data={"projectId": "proj", "consentId": "cons"}, files=voice_files, headers=H)
    assert voice.status_code == 201, voice.text
    operation = voice.headers["Operation-Id"]
    return [
        "/customvoice/projects",
        "/customvoice/projects/proj",
        "/customvoice/consents/cons",
        "/customvoice/personalvoices/pv-1",
        "/customvoice/personalvoices",
        "/customvoice/operations/op-consent",
        f"/customvoice/operations/{operation}",
    ]


def _read(c: TestClient, path: str) -> tuple[int, object]:
    params = CV_V if path.startswith("/customvoice") else SPK_V if path.startswith("/speaker") else None
    r = c.get(path, params=params, headers=H)
    return r.status_code, r.json()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("state") / "data"
    clock = ManualClock()
    # verify_reads: every GET handler's partitions are pickled anyway and a change is an error (500)
    config = EmulatorConfig(clock=clock, training_seconds=10, store=SqliteStore(data, verify_reads=True))
    c = _client(config)
    reads = _face(c, clock) + _speaker(c) + _voice(c, clock)
    return data, clock, config, c, reads


def test_every_partition_reads_back_equal_in_a_fresh_store(written) -> None:
    data, _, config, _, _ = written
    partitions = config.store.keys()
    assert {service for _, service in partitions} >= {"face", "speaker", "customvoice"}
    fresh = SqliteStore(data)
    for key, service in partitions:
        with config.store.partition(key, service, dict) as wrote:
            pass
        with fresh.partition(key, service, dict) as read:
            assert type(read) is type(wrote)
            assert read == wrote, f"partition ({service}) differs after the round trip"
            assert read is not wrote


def test_a_restarted_app_answers_every_read_as_the_writer_did(written) -> None:
    data, clock, _, writer, reads = written
    restarted = _client(EmulatorConfig(clock=clock, training_seconds=10, data_dir=str(data)))
    assert len(reads) > 20
    for path in reads:
        status, body = _read(writer, path)
        assert status == 200, (path, body)
        assert _read(restarted, path) == (status, body), path
    clock.advance(120)  # and time goes on from the stored timestamps: every training finishes
    assert _read(restarted, "/face/v1.2/largepersongroups/g-largepersongroups/training")[1]["status"] == "succeeded"
    assert _read(restarted, "/customvoice/personalvoices/pv-1")[1]["status"] == "Succeeded"
    for path in reads:
        assert _read(restarted, path) == _read(writer, path), path
