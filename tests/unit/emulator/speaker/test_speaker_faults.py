"""Each Speaker fault changes exactly its replies: one scripted session (enroll, identify, list pages,
delete) is replayed on the faithful emulator and with one fault; the replies that differ must be the
expected ones. Profile ids are random, so they are normalised before comparing, and a list page is
recorded as its status and the number of profiles on it (which profile lands on which page follows
the random ids)."""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, ManualClock, create_app
from cognitive_conformance.emulator.faults import catalogue
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize

H = {"Ocp-Apim-Subscription-Key": DEFAULT_KEY}
V = {"api-version": "2021-09-05"}
P = "/speaker-recognition/identification/text-independent/profiles"
AUDIO = {**H, "Content-Type": "audio/wav; codecs=audio/pcm"}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ENROLLS = 4


@lru_cache(maxsize=None)
def _clip(speaker: int, seed: int) -> bytes:
    return synthesize(speaker=SPEAKERS[speaker], duration_s=6.0, speech_ratio=0.85, seed=seed)


def _record(response: Any) -> dict[str, Any]:
    return {"status": response.status_code, "text": _UUID.sub("<uuid>", response.text)}


def transcript(faults: tuple[str, ...] = ()) -> dict[str, dict[str, Any]]:
    clock = ManualClock()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client = TestClient(create_app(EmulatorConfig(clock=clock, training_seconds=1.0, faults=faults)), raise_server_exceptions=False)
    out: dict[str, dict[str, Any]] = {}
    ids = [client.post(P, params=V, json={"locale": "en-US"}, headers=H).json()["profileId"] for _ in range(3)]
    for speaker, pid in ((0, ids[0]), (3, ids[1])):
        for i in range(ENROLLS):
            r = client.post(f"{P}/{pid}/enrollments", params=V, content=_clip(speaker, 10 * speaker + i), headers=AUDIO)
            out[f"enroll_{speaker}_{i}"] = _record(r)
    clock.advance(5)
    query = synthesize(speaker=SPEAKERS[0], duration_s=6.0, speech_ratio=0.85, seed=999)
    out["identify"] = _record(client.post(f"{P}:identifySingleSpeaker", params={**V, "profileIds": ",".join(ids[:2])}, content=query, headers=AUDIO))
    r = client.get(P, params={**V, "maxpagesize": 2}, headers=H)
    page = 1
    out["page_1"] = {"status": r.status_code, "profiles": len(r.json()["value"])}
    while "nextLink" in r.json():
        page += 1
        r = client.get(r.json()["nextLink"], headers=H)
        out[f"page_{page}"] = {"status": r.status_code, "profiles": len(r.json()["value"])}
    out["delete"] = _record(client.delete(f"{P}/{ids[2]}", params=V, headers=H))
    return out


@lru_cache(maxsize=1)
def _faithful() -> dict[str, dict[str, Any]]:
    return transcript()


def _enrolling(t: dict[str, dict[str, Any]]) -> set[str]:
    return {k for k, v in t.items() if k.startswith("enroll_") and '"enrollmentStatus":"Enrolling"' in v["text"]}


ENROLL_LABELS = {f"enroll_{s}_{i}" for s in (0, 3) for i in range(ENROLLS)}
EXPECTED = {
    "speaker-enrollment-count-stuck": lambda t: ENROLL_LABELS,
    "speaker-enrollment-totals-drift": lambda t: ENROLL_LABELS,
    "speaker-audio-length-off": lambda t: ENROLL_LABELS,
    "speaker-speech-exceeds-audio": lambda t: ENROLL_LABELS,
    "speaker-remaining-grows": _enrolling,
    "speaker-enrolled-too-early": _enrolling,
    "speaker-identify-wrong-profile": lambda t: {"identify"},
    "speaker-list-pages-overlap": lambda t: {"page_2"},
    "speaker-delete-returns-200-with-body": lambda t: {"delete"},
}


def test_every_speaker_fault_has_an_expectation() -> None:
    assert {e["name"] for e in catalogue() if e["service"] == "speaker"} == set(EXPECTED)


def test_faithful_transcript_has_every_situation() -> None:
    t = _faithful()
    assert all(t[k]["status"] == 201 for k in ENROLL_LABELS)
    assert _enrolling(t) and _enrolling(t) != ENROLL_LABELS  # some enrollments still Enrolling, the last ones not
    assert t["identify"]["status"] == 200 and t["delete"]["status"] == 204
    assert set(k for k in t if k.startswith("page_")) == {"page_1", "page_2"}


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_speaker_fault_changes_exactly_its_replies(fault: str) -> None:
    faithful, faulty = _faithful(), transcript((fault,))
    differing = {label for label in faithful if faithful.get(label) != faulty.get(label)} | (set(faulty) - set(faithful))
    assert differing == EXPECTED[fault](faithful)


def test_list_pages_overlap_repeats_exactly_one_profile() -> None:
    faithful, faulty = _faithful(), transcript(("speaker-list-pages-overlap",))
    assert [faithful[p]["profiles"] for p in ("page_1", "page_2")] == [2, 1]
    assert [faulty[p]["profiles"] for p in ("page_1", "page_2")] == [2, 2]
