"""Each Custom Voice fault changes exactly its replies: one scripted session (project, consent, personal
voices, Operation-Id retry and reuse, list pages, long ids, delete; then professional voice: upload, models
with and without ready data in both versions, endpoint deploy and suspend, base models, delete) is replayed on the faithful emulator
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
    out.update(_professional(cv))
    return out


SAS = "https://contoso.blob.core.windows.net/c?sv=2023-01-03&sp=rl&sig=abc"
ENDPOINT = "/endpoints/9f50c644-2121-40e9-9ea7-544e48bfe3cb"
STABLE = {"api-version": "2026-01-01"}


def _professional(cv: Voice) -> dict[str, Any]:
    out: dict[str, Any] = {}
    cv.project("prof", kind="ProfessionalVoice")
    cv.consent("pcons", pid="prof")
    for ts in ("ts1", "ts2"):
        cv.call("PUT", f"/trainingsets/{ts}", json={"projectId": "prof", "locale": "en-US"})
    cv.clock.advance(10)
    dataset = {"kind": "AudioOnly", "audios": {"containerUrl": SAS, "extensions": [".wav"]}}
    out["pro_upload"] = _record(cv.call("POST", "/trainingsets/ts1:upload", json=dataset))
    cv.clock.advance(10)
    out["pro_trainingset"] = _record(cv.call("GET", "/trainingsets/ts1"))
    model = {"recipe": {"kind": "Default"}, "projectId": "prof", "consentId": "pcons", "trainingSetId": "ts1"}
    out["pro_model"] = _record(cv.call("PUT", "/models/mod1", json=model))
    out["pro_model_nodata"] = _record(cv.call("PUT", "/models/mod2", json={**model, "trainingSetId": "ts2"}))
    out["pro_model_nodata_2026"] = _record(cv.call("PUT", "/models/mod3", json={**model, "trainingSetId": "ts2"}, params=STABLE))
    cv.clock.advance(30)
    out["pro_model_get"] = _record(cv.call("GET", "/models/mod1"))
    out["pro_model_nodata_get"] = _record(cv.call("GET", "/models/mod2"))
    out["pro_model_nodata_get_2026"] = _record(cv.call("GET", "/models/mod3", params=STABLE))
    out["pro_endpoint"] = _record(cv.call("PUT", ENDPOINT, json={"projectId": "prof", "modelId": "mod1"}))
    cv.clock.advance(10)
    out["pro_suspend"] = _record(cv.call("POST", f"{ENDPOINT}:suspend"))
    cv.clock.advance(5)
    out["pro_endpoint_get"] = _record(cv.call("GET", ENDPOINT))
    out["pro_basemodels"] = _record(cv.call("GET", "/basemodels"))
    out["pro_delete"] = _record(cv.call("DELETE", ENDPOINT))
    return out


@lru_cache(maxsize=1)
def _faithful() -> dict[str, Any]:
    return transcript()


CREATES = {"consent", "consent_retry", "voice", "voice_other_speaker", "pro_model", "pro_model_nodata", "pro_model_nodata_2026", "pro_endpoint"}
LRO_REQUESTS = CREATES | {"pro_upload", "pro_suspend"}
EXPECTED = {
    "voice-create-returns-200": CREATES,
    "voice-drop-operation-id": LRO_REQUESTS,
    "voice-drop-operation-location": LRO_REQUESTS,
    "voice-delete-returns-200-with-body": {"delete", "pro_delete"},
    "model-data-not-ready-reported-internal": {"pro_model_nodata_get_2026"},
    "model-failure-reason-of-another-version": {"pro_model_nodata_get"},
    "upload-counts-nothing": {"pro_trainingset"},
    "model-training-fails": {"pro_model_get"},
    "endpoint-suspend-not-disabled": {"pro_endpoint_get"},
    "basemodels-shape-of-another-version": {"pro_basemodels"},
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
    assert [t[k]["status"] for k in ("pro_upload", "pro_model", "pro_endpoint", "pro_suspend", "pro_delete")] == [202, 201, 201, 202, 204]
    assert '"Internal"' in t["pro_model_nodata_get"]["text"] and '"DataNotReady"' in t["pro_model_nodata_get_2026"]["text"]
    assert '"Disabled"' in t["pro_endpoint_get"]["text"] and '"Succeeded"' in t["pro_model_get"]["text"]


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_voice_fault_changes_exactly_its_replies(fault: str) -> None:
    faithful, faulty = _faithful(), transcript((fault,))
    differing = {label for label in faithful if faithful[label] != faulty.get(label)} | (set(faulty) - set(faithful))
    assert differing == EXPECTED[fault]
