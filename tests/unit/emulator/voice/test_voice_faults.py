"""Each Custom Voice fault changes exactly its replies: one scripted session (project, consent, personal
voices, Operation-Id retry and reuse, list pages, long ids, delete) is replayed on the faithful emulator
and with one fault; the replies that differ must be the expected ones. Random ids are normalised, so
the speaker profile id is recorded as "same as at create" rather than as its value."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pytest

from cognitive_conformance.emulator.faults import catalogue
from tests.unit.emulator.voice.conftest import H, Voice, speech  # noqa: F401  (importlib mode: explicit path)

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEADERS = ("operation-id", "operation-location", "x-ms-error-code", "content-type")


def _record(response: Any) -> dict[str, Any]:
    headers = {k: _UUID.sub("<uuid>", v) for k, v in response.headers.items() if k in _HEADERS}
    return {"status": response.status_code, "headers": headers, "text": _UUID.sub("<uuid>", response.text)}


def transcript(faults: tuple[str, ...] = ()) -> dict[str, Any]:
    cv = Voice(faults=faults)
    out: dict[str, Any] = {}
    out["project"] = _record(cv.project())
    out["consent"] = _record(cv.consent(**{"Operation-Id": "op-1"}))
    out["consent_retry"] = _record(cv.consent(**{"Operation-Id": "op-1"}))
    out["consent_reuse"] = _record(cv.consent("cons2", **{"Operation-Id": "op-1"}))
    cv.clock.advance(10)
    created = cv.voice()
    out["voice"] = _record(created)
    out["voice_other_speaker"] = _record(cv.voice("pv2", audios=[speech(3, 2)]))
    cv.clock.advance(10)
    read = cv.call("GET", "/personalvoices/pv1")
    out["voice_get"] = {"status": read.status_code, "same_profile": read.json().get("speakerProfileId") == created.json()["speakerProfileId"]}
    out["voice_other_get"] = {"status": cv.call("GET", "/personalvoices/pv2").json()["status"]}
    cv.project("proj2")
    cv.project("proj3")
    page = cv.call("GET", "/projects", params={"maxpagesize": 2})
    out["page_1"] = _record(page)
    if "nextLink" in page.json():
        out["page_2"] = _record(cv.client.get(page.json()["nextLink"], headers=H))
    out["long_id"] = _record(cv.call("GET", "/projects/" + "a" * 70))
    out["delete"] = _record(cv.call("DELETE", "/personalvoices/pv1"))
    return out


@lru_cache(maxsize=1)
def _faithful() -> dict[str, Any]:
    return transcript()


CREATES = {"consent", "consent_retry", "voice", "voice_other_speaker"}
EXPECTED = {
    "voice-create-returns-200": CREATES,
    "voice-drop-operation-id": CREATES,
    "voice-drop-operation-location": CREATES,
    "voice-delete-returns-200-with-body": {"delete"},
    "voice-long-ids-accepted": {"long_id"},
    "speaker-profile-id-changes": {"voice_get"},
    "operation-id-retry-rejected": {"consent_retry"},
    "operation-id-reuse-accepted": {"consent_reuse"},
    "speaker-verification-skipped": {"voice_other_get"},
    "list-pages-overlap": {"page_1", "page_2"},
}


def test_every_voice_fault_has_an_expectation() -> None:
    assert {e["name"] for e in catalogue() if e["service"] == "customvoice"} == set(EXPECTED)


def test_faithful_transcript_has_every_situation() -> None:
    t = _faithful()
    assert [t[k]["status"] for k in ("project", "consent", "consent_retry", "consent_reuse", "voice", "long_id", "delete")] == [
        201, 201, 201, 400, 201, 400, 204,
    ]
    assert t["voice_get"] == {"status": 200, "same_profile": True} and t["voice_other_get"] == {"status": "Failed"}
    assert '"nextLink"' in t["page_1"]["text"] and t["page_2"]["text"].count('"id"') == 1


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_voice_fault_changes_exactly_its_replies(fault: str) -> None:
    faithful, faulty = _faithful(), transcript((fault,))
    differing = {label for label in faithful if faithful[label] != faulty.get(label)} | (set(faulty) - set(faithful))
    assert differing == EXPECTED[fault]
