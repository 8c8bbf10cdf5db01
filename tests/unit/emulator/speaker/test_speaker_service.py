"""Speaker emulator through the whole pipeline (Starlette TestClient, ManualClock): accounting, limits, status, identify, paging.

Source: seed 003 (enrollment limits and statuses); API-DIGEST §2.2-§2.5; specs/speaker.yaml.
"""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, ManualClock, create_app
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize

H = {"Ocp-Apim-Subscription-Key": DEFAULT_KEY}
V = {"api-version": "2021-09-05"}
P = "/speaker-recognition/identification/text-independent/profiles"
AUDIO = {**H, "Content-Type": "audio/wav; codecs=audio/pcm"}
EMPTY = "00000000-0000-0000-0000-000000000000"


def _client(training_seconds: float = 5.0) -> tuple[TestClient, ManualClock]:
    clock = ManualClock()
    app = create_app(EmulatorConfig(clock=clock, training_seconds=training_seconds))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return TestClient(app, raise_server_exceptions=False), clock


@pytest.fixture
def api() -> tuple[TestClient, ManualClock]:
    return _client()


def _profile(client: TestClient, locale: str = "en-US") -> str:
    r = client.post(P, params=V, json={"locale": locale}, headers=H)
    assert r.status_code == 201, r.text
    return r.json()["profileId"]


def _enroll(client: TestClient, pid: str, clip: bytes, **params: Any):
    return client.post(f"{P}/{pid}/enrollments", params={**V, **params}, content=clip, headers=AUDIO)


def _clip(speaker: int = 1, seconds: float = 6.0, seed: int = 0, **kw: Any) -> bytes:
    return synthesize(speaker=SPEAKERS[speaker], duration_s=seconds, speech_ratio=0.85, seed=seed, **kw)


def _enrol_fully(client: TestClient, pid: str, speaker: int, seed: int = 0) -> list[dict]:
    bodies = []
    for i in range(10):
        r = _enroll(client, pid, _clip(speaker, seed=seed + i))
        assert r.status_code == 201, r.text
        bodies.append(r.json())
        if r.json()["remainingEnrollmentsSpeechLengthInSec"] == 0:
            return bodies
    raise AssertionError("never completed")


def _error(r) -> tuple[int, str]:
    assert r.headers["x-ms-error-code"] == r.json()["error"]["code"]
    return r.status_code, r.json()["error"]["code"]


def test_create_profile_normalises_locale_and_points_location_at_the_profile(api) -> None:
    client, _ = api
    r = client.post(P + "/", params=V, json={"locale": "en-us"}, headers=H)  # Speech SDK trailing slash
    body = r.json()
    assert r.status_code == 201
    assert body["locale"] == "en-US" and body["enrollmentStatus"] == "Enrolling" and body["profileStatus"] == "Active"
    assert body["remainingEnrollmentsSpeechLengthInSec"] == 20 and body["enrollmentsCount"] == 0
    assert r.headers["location"].endswith(f"{P}/{body['profileId']}?api-version=2021-09-05")
    assert _error(client.post(P, params=V, json={"locale": "xx-YY"}, headers=H)) == (400, "InvalidArgument")
    assert _error(client.post(P, params=V, json={}, headers=H)) == (400, "InvalidRequest")
    assert _error(client.post(P, params=V, content=b"{", headers={**H, "Content-Type": "application/json"})) == (400, "InvalidRequest")
    assert _error(client.post(P, params=V, content=b"x", headers={**H, "Content-Type": "text/plain"})) == (415, "UnsupportedMediaType")


def test_enrollment_accounting_and_the_completing_enrollment_answers_enrolled(api) -> None:
    # The voice print is built within the enrollment that meets the 20 s: its 201 says Enrolled, whatever
    # --training-seconds is (the Speech SDK enrolls until an enrollment answers Enrolled).
    client, clock = api
    pid = _profile(client)
    bodies = _enrol_fully(client, pid, speaker=1)
    for n, body in enumerate(bodies, start=1):
        assert body["enrollmentsCount"] == n
        assert body["audioLengthInSec"] == 6.0
        assert 0 < body["audioSpeechLengthInSec"] <= body["audioLengthInSec"]
        assert body["enrollmentsLengthInSec"] == pytest.approx(6.0 * n)
        assert body["enrollmentsSpeechLengthInSec"] == pytest.approx(sum(b["audioSpeechLengthInSec"] for b in bodies[:n]), abs=0.02)
        expected_remaining = max(0.0, 20 - body["enrollmentsSpeechLengthInSec"])
        assert body["remainingEnrollmentsSpeechLengthInSec"] == pytest.approx(expected_remaining, abs=0.01)
        assert body["enrollmentStatus"] == ("Enrolled" if n == len(bodies) else "Enrolling")
    profile = client.get(f"{P}/{pid}", params=V, headers=H).json()
    assert profile["enrollmentStatus"] == "Enrolled" and profile["modelVersion"] == "2019-12-05"
    # Identification works at once, and a further enrollment refines the print; the status does not go back.
    ident = client.post(f"{P}:identifySingleSpeaker", params={**V, "profileIds": pid}, content=_clip(1, seed=70), headers=AUDIO)
    assert ident.status_code == 200 and ident.json()["identifiedProfile"]["profileId"] == pid
    assert _enroll(client, pid, _clip(1, seed=50)).json()["enrollmentStatus"] == "Enrolled"


def test_ignore_min_length_true_builds_at_once_and_stays_waived(api) -> None:
    client, clock = api
    pid = _profile(client)
    r = _enroll(client, pid, _clip(2, seconds=2.0, container="pcm"), ignoreMinLength="True")  # SDK casing, raw PCM
    assert r.status_code == 201
    assert r.json()["remainingEnrollmentsSpeechLengthInSec"] == 0 and r.json()["enrollmentStatus"] == "Enrolled"
    assert _enroll(client, pid, _clip(2, seconds=2.0, seed=1)).json()["remainingEnrollmentsSpeechLengthInSec"] == 0
    assert _error(_enroll(client, pid, _clip(2, seconds=2.0), ignoreMinLength="yes")) == (400, "InvalidArgument")


@pytest.mark.parametrize(
    "clip, status",
    [
        (lambda: _clip(2, seconds=0.5), 400),
        (lambda: _clip(2, seconds=121.0), 400),
        (lambda: _clip(2, seconds=2.0, sample_rate=8000), 400),
        (lambda: _clip(2, seconds=2.0, channels=2), 400),
        (lambda: _clip(2, seconds=4.0, snr_db=-1.0), 400),
        (lambda: b"\x00\x00" * 32000, 400),  # one second of digital silence: no speech
        (lambda: b"", 400),
    ],
    ids=["0.5s", "121s", "8kHz", "stereo", "noisy", "silence", "empty"],
)
def test_invalid_audio_is_400_invalid_request_and_stores_nothing(api, clip, status) -> None:
    client, _ = api
    pid = _profile(client)
    assert _error(_enroll(client, pid, clip())) == (status, "InvalidRequest")
    assert client.get(f"{P}/{pid}", params=V, headers=H).json()["enrollmentsCount"] == 0


def test_total_over_300_seconds_is_403_and_keeps_what_was_stored(api) -> None:
    client, _ = api
    pid = _profile(client)
    long_clip = synthesize(speaker=SPEAKERS[0], duration_s=100.0, speech_ratio=0.5, seed=3)
    for _ in range(3):
        assert _enroll(client, pid, long_clip).status_code == 201
    assert _error(_enroll(client, pid, _clip(0, seconds=1.5))) == (403, "InvalidRequest")
    profile = client.get(f"{P}/{pid}", params=V, headers=H).json()
    assert profile["enrollmentsCount"] == 3 and profile["enrollmentsLengthInSec"] == 300.0


def test_wrong_media_type_is_415_and_missing_profile_is_404(api) -> None:
    client, _ = api
    pid = _profile(client)
    r = client.post(f"{P}/{pid}/enrollments", params=V, content=_clip(), headers={**H, "Content-Type": "audio/ogg"})
    assert _error(r) == (415, "UnsupportedMediaType")
    assert _error(_enroll(client, "3669fa29-1bf3-45ad-beea-6b348d058d7e", _clip())) == (404, "NotFound")
    assert _error(_enroll(client, "not-a-guid", _clip())) == (404, "NotFound")


def test_identify_picks_the_enrolled_speaker_and_ranks_descending() -> None:
    client, clock = _client(training_seconds=1.0)
    ids = {}
    for speaker in (0, 3, 5):
        pid = _profile(client)
        _enrol_fully(client, pid, speaker, seed=10 * speaker)
        ids[speaker] = pid
    clock.advance(1.0)
    for speaker, pid in ids.items():
        query = synthesize(speaker=SPEAKERS[speaker], duration_s=6.0, speech_ratio=0.85, seed=999, snr_db=15.0)
        r = client.post(
            f"{P}:identifySingleSpeaker", params={**V, "profileIds": ",".join(ids.values()) + ","}, content=query, headers=AUDIO
        )
        body = r.json()
        assert r.status_code == 200, r.text
        assert body["identifiedProfile"]["profileId"] == pid
        scores = [e["score"] for e in body["profilesRanking"]]
        assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores) and len(scores) == 3
    stranger = synthesize(speaker=SPEAKERS[1], duration_s=6.0, speech_ratio=0.85, seed=5)
    r = client.post(f"{P}:identifySingleSpeaker", params={**V, "profileIds": ids[5]}, content=stranger, headers=AUDIO)
    assert r.json()["identifiedProfile"]["profileId"] == EMPTY


def test_identify_errors(api) -> None:
    client, _ = api
    pid = _profile(client)
    query = _clip(0, seconds=6.0)
    url = f"{P}:identifySingleSpeaker"
    assert _error(client.post(url, params={**V, "profileIds": pid}, content=query, headers=AUDIO)) == (400, "InvalidRequest")
    assert _error(client.post(url, params=V, content=query, headers=AUDIO)) == (400, "InvalidRequest")
    assert _error(client.post(url, params={**V, "profileIds": "abc"}, content=query, headers=AUDIO)) == (400, "InvalidArgument")
    many = ",".join(f"00000000-0000-0000-0000-{i:012d}" for i in range(51))
    assert _error(client.post(url, params={**V, "profileIds": many}, content=query, headers=AUDIO)) == (400, "InvalidRequest")
    missing = "3669fa29-1bf3-45ad-beea-6b348d058d7e"
    assert _error(client.post(url, params={**V, "profileIds": missing}, content=query, headers=AUDIO)) == (404, "NotFound")
    short = _clip(0, seconds=3.0)
    assert _error(client.post(url, params={**V, "profileIds": missing}, content=short, headers=AUDIO)) == (400, "InvalidRequest")


def test_list_pages_walk_every_profile_once_and_validate_maxpagesize(api) -> None:
    client, _ = api
    created = {_profile(client) for _ in range(5)}
    seen: list[str] = []
    r = client.get(P, params={**V, "maxpagesize": 2}, headers=H)
    while True:
        body = r.json()
        assert len(body["value"]) <= 2
        seen += [p["profileId"] for p in body["value"]]
        if "nextLink" not in body:
            break
        r = client.get(body["nextLink"], headers=H)
    assert sorted(seen) == sorted(created) and seen == sorted(seen)
    for bad in ("0", "501", "x"):
        assert _error(client.get(P, params={**V, "maxpagesize": bad}, headers=H)) == (400, "InvalidArgument")


def test_reset_and_delete(api) -> None:
    client, clock = api
    pid = _profile(client)
    _enrol_fully(client, pid, 4)
    r = client.post(f"{P}/{pid}:reset", params=V, headers=H)
    body = r.json()
    assert r.status_code == 200 and "location" in r.headers
    assert (body["enrollmentsCount"], body["enrollmentStatus"], body["profileStatus"]) == (0, "Enrolling", "Inactive")
    assert body["remainingEnrollmentsSpeechLengthInSec"] == 20 and body["modelVersion"] == ""
    clock.advance(60)
    assert client.get(f"{P}/{pid}", params=V, headers=H).json()["enrollmentStatus"] == "Enrolling"
    assert client.delete(f"{P}/{pid}", params=V, headers=H).status_code == 204
    assert _error(client.get(f"{P}/{pid}", params=V, headers=H)) == (404, "NotFound")
    assert _error(client.delete(f"{P}/{pid}", params=V, headers=H)) == (404, "NotFound")


def test_version_auth_and_phrases(api) -> None:
    client, _ = api
    assert _error(client.get(P, headers=H)) == (400, "InvalidArgument")
    assert _error(client.get(P, params={"api-version": "2020-01-01"}, headers=H)) == (400, "InvalidArgument")
    assert _error(client.get(P, params=V)) == (401, "Unauthorized")
    r = client.get("/speaker-recognition/identification/text-independent/phrases/enUS", params=V, headers=H)
    assert r.status_code == 200 and r.json()["value"][0]["activationPhrase"]
    assert _error(client.get("/speaker-recognition/identification/text-independent/phrases/xxYY", params=V, headers=H)) == (
        400,
        "InvalidArgument",
    )


def test_body_over_5mb_is_413_without_reading_past_the_limit() -> None:
    """The body is streamed without Content-Length; the pipeline stops consuming once 5 MiB + 1 byte are in."""
    app = create_app(EmulatorConfig(clock=ManualClock()))
    limit = 5 * 1024 * 1024
    chunk = b"\x01\x00" * 32768  # 64 KiB
    delivered = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal delivered
        delivered += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": delivered < 2 * limit}

    async def send(message: dict) -> None:
        sent.append(message)

    async def go() -> None:
        async with asyncio.timeout(30):
            client = TestClient(app)
            pid = client.post(P, params=V, json={"locale": "en-US"}, headers=H).json()["profileId"]
            scope = {
                "type": "http",
                "method": "POST",
                "path": f"{P}/{pid}/enrollments",
                "raw_path": f"{P}/{pid}/enrollments".encode(),
                "query_string": b"api-version=2021-09-05",
                "headers": [(b"ocp-apim-subscription-key", DEFAULT_KEY.encode()), (b"content-type", b"audio/wav"), (b"host", b"t")],
                "scheme": "http",
                "server": ("t", 80),
                "client": ("127.0.0.1", 1),
                "http_version": "1.1",
                "root_path": "",
            }
            await app(scope, receive, send)

    asyncio.run(go())
    assert sent[0]["status"] == 413
    assert delivered <= limit + len(chunk)
