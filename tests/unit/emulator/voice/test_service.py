"""Custom Voice emulator over Starlette's TestClient on a ManualClock: the documented contract, rule by rule.

Sources: seed 004; API-DIGEST §3; specs/customvoice.yaml (error decisions); issue 4 (emulator must-haves).
"""

from __future__ import annotations

import re
import uuid

import pytest

from cognitive_conformance.emulator.config import Limits
from tests.unit.emulator.voice.conftest import H, Voice, speech  # noqa: F401  (importlib mode: explicit path)

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def err(response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]["code"] == code and response.headers["x-ms-error-code"] == code
    return body["error"]["message"]


def test_project_create_accepts_sample_body_and_rejects_duplicates(cv: Voice) -> None:
    r = cv.project()
    assert r.status_code == 201 and r.json()["kind"] == "PersonalVoice" and "operation-id" not in r.headers
    assert "already exists" in err(cv.project(), 400, "BadRequest")
    err(cv.call("PUT", "/projects/pp2", json={"kind": "Nope"}), 400, "BadArgument")
    err(cv.call("PUT", "/projects/pp3", json={"kind": "PersonalVoice", "id": "other"}), 400, "BadArgument")
    err(cv.call("PUT", "/projects/pp4", content=b"kind", headers={"Content-Type": "text/plain"}), 415, "UnsupportedMediaType")


def test_consent_progresses_notstarted_running_succeeded_with_operation_agreeing(cv: Voice) -> None:
    cv.project()
    r = cv.consent(**{"Operation-Id": "op-consent-1"})
    assert r.status_code == 201 and r.json()["status"] == "NotStarted"
    assert r.headers["operation-id"] == "op-consent-1"
    assert r.headers["operation-location"] == "http://testserver/customvoice/operations/op-consent-1?api-version=2024-02-01-preview"
    seen = []
    for step in (1, 2, 8):
        cv.clock.advance(step)
        resource = cv.call("GET", "/consents/cons").json()["status"]
        operation = cv.call("GET", "/operations/op-consent-1").json()
        assert set(operation) == {"id", "status"} and operation["status"] == resource
        seen.append(resource)
    assert seen == ["NotStarted", "Running", "Succeeded"]


def test_personal_voice_same_speaker_succeeds_with_one_speaker_profile_id(cv: Voice) -> None:
    cv.ready()
    created = cv.voice()
    assert created.status_code == 201 and created.json()["status"] == "NotStarted"
    profile = created.json()["speakerProfileId"]
    assert GUID.fullmatch(profile)
    cv.clock.advance(10)
    body = cv.call("GET", "/personalvoices/pv1").json()
    assert body["status"] == "Succeeded" and body["speakerProfileId"] == profile and "properties" not in body
    assert body["createdDateTime"] <= body["lastActionDateTime"]
    op = created.headers["operation-id"]
    assert cv.call("GET", f"/operations/{op}").json() == {"id": op, "status": "Succeeded"}


def test_personal_voice_other_speaker_fails_speaker_verification(cv: Voice) -> None:
    cv.ready()
    cv.voice(audios=[speech(3, 5)])
    cv.clock.advance(10)
    body = cv.call("GET", "/personalvoices/pv1").json()
    assert body["status"] == "Failed"
    assert body["properties"] == {"failureReason": "SpeakerVerificationFailed"}


def test_speaker_verification_skipped_fault_lets_other_speaker_succeed() -> None:
    cv = Voice(faults=("speaker-verification-skipped",))
    cv.ready()
    cv.voice(audios=[speech(3, 5)])
    cv.clock.advance(10)
    assert cv.call("GET", "/personalvoices/pv1").json()["status"] == "Succeeded"


def test_audio_data_alias_and_several_files_are_accepted(cv: Voice) -> None:
    cv.ready()
    r = cv.voice(audios=[speech(0, 2), speech(0, 3)], field="audioData")
    assert r.status_code == 201
    cv.clock.advance(12)
    assert cv.call("GET", "/personalvoices/pv1").json()["status"] == "Succeeded"


def test_consent_must_be_succeeded_and_in_the_project(cv: Voice) -> None:
    cv.project()
    cv.project("other")
    cv.consent()
    assert "must be Succeeded" in err(cv.voice(), 400, "BadRequest")
    cv.clock.advance(10)
    assert "another project" in err(cv.voice(pid="other"), 400, "BadRequest")
    assert "does not exist" in err(cv.voice(cid="nope"), 400, "BadRequest")
    cv.project("pro", kind="ProfessionalVoice")
    assert "kind" in err(cv.voice(pid="pro"), 400, "BadRequest")


def test_operation_id_identical_retry_is_safe_and_reuse_is_400(cv: Voice) -> None:
    cv.project()
    first = cv.consent(**{"Operation-Id": "op-1"})
    cv.clock.advance(3)
    again = cv.consent(**{"Operation-Id": "op-1"})
    assert again.status_code == 201 and again.headers["operation-id"] == "op-1"
    assert again.json()["id"] == first.json()["id"] and again.json()["createdDateTime"] == first.json()["createdDateTime"]
    assert len(cv.call("GET", "/consents").json()["value"]) == 1
    err(cv.consent("cons2", **{"Operation-Id": "op-1"}), 400, "BadRequest")
    err(cv.consent("cons3", **{"Operation-Id": "-bad"}), 400, "BadArgument")
    # Without an Operation-Id the same request again is a new request for an existing id.
    cv.consent("plain")
    assert "already exists" in err(cv.consent("plain"), 400, "BadRequest")


@pytest.mark.parametrize("fault", ["operation-id-retry-rejected", "operation-id-reuse-accepted"])
def test_operation_id_faults_break_their_rule(fault: str) -> None:
    cv = Voice(faults=(fault,))
    cv.project()
    cv.consent(**{"Operation-Id": "op-1"})
    if fault == "operation-id-retry-rejected":
        assert cv.consent(**{"Operation-Id": "op-1"}).status_code == 400
    else:
        assert cv.consent("cons2", **{"Operation-Id": "op-1"}).status_code == 201


def test_form_rules_missing_duplicated_and_non_wav_parts(cv: Voice) -> None:
    cv.project()
    fields = {"projectId": "proj", "voiceTalentName": "J", "companyName": "C", "locale": "en-US"}
    wav = ("audiodata", ("c.wav", speech(0, 1), "audio/wav"))
    assert "'locale'" in err(cv.call("POST", "/consents/c-aa", data={k: v for k, v in fields.items() if k != "locale"}, files=[wav]), 400, "BadArgument")
    assert "audiodata" in err(cv.call("POST", "/consents/c-bb", data=fields, files=[("other", ("x.wav", b"RIFF", "audio/wav"))]), 400, "BadArgument")
    err(cv.call("POST", "/consents/c-cc", data=fields, files=[wav, wav]), 400, "BadArgument")
    err(cv.call("POST", "/consents/c-dd", data=fields, files=[("audiodata", ("x.mp3", b"ID3\x04\x00" + b"\x00" * 64, "audio/mpeg"))]), 400, "BadArgument")
    err(cv.call("POST", "/consents/c-ee", data=fields, files=[("audiodata", (None, b"text", None))]), 400, "BadArgument")
    err(cv.call("POST", "/consents/c-ff", data=fields, files=[wav, ("projectId", (None, b"again", None))]), 400, "BadArgument")
    err(cv.call("POST", "/consents/c-gg", content=b"--x\r\nbroken", headers={"Content-Type": "multipart/form-data; boundary=x"}), 400, "BadArgument")
    err(cv.call("POST", "/consents/c-hh", json=fields), 415, "UnsupportedMediaType")


def test_form_per_file_and_total_limits() -> None:
    cv = Voice(limits=Limits(max_form_file_bytes=50_000, max_form_total_bytes=200_000))
    cv.project()
    big = speech(0, 1, duration_s=2.0)  # 64 KB
    assert "too large" in err(cv.consent(audio=big), 400, "BadArgument")
    files = [("audiodata", (f"{i}.wav", speech(0, 1, duration_s=1.0), "audio/wav")) for i in range(8)]  # 8 x 32 KB
    r = cv.call("POST", "/personalvoices/pv1", data={"projectId": "proj", "consentId": "cons"}, files=files)
    assert "too large" in err(r, 400, "BadArgument")


def test_api_versions_both_served_and_errors_documented(cv: Voice) -> None:
    assert cv.call("GET", "/projects", params={"api-version": "2026-01-01"}).status_code == 200
    assert "not supported" in err(cv.call("GET", "/projects", params={"api-version": "2023-01-01"}), 400, "BadRequest")
    r = cv.client.get("/customvoice/projects", headers=H)
    assert err(r, 400, "BadRequest") == "The api-version query parameter is required."
    err(cv.client.get("/customvoice/projects", params={"api-version": "2026-01-01"}), 401, "Unauthorized")
    err(cv.call("GET", "/projects/-x-"), 400, "BadArgument")
    err(cv.call("GET", "/projects/missing"), 404, "NotFound")
    err(cv.call("GET", "/operations/missing"), 404, "NotFound")
    err(cv.call("PATCH", "/projects/ppp"), 405, "BadRequest")


def test_lists_page_filter_and_next_link(cv: Voice) -> None:
    for i in range(5):
        cv.project(f"proj{i}", kind="PersonalVoice" if i % 2 else "ProfessionalVoice")
    ids, url, params = [], "/projects", {"maxpagesize": 2}
    while url:
        body = cv.call("GET", url.split("/customvoice", 1)[-1].split("?")[0], params=params).json()
        ids += [p["id"] for p in body["value"]]
        link = body.get("nextLink")
        url = link
        params = dict(q.split("=") for q in link.split("?", 1)[1].split("&")) if link else None
    assert ids == [f"proj{i}" for i in range(5)]
    kinds = cv.call("GET", "/projects", params={"filter": "kind eq 'PersonalVoice'"}).json()["value"]
    assert [p["id"] for p in kinds] == ["proj1", "proj3"]
    err(cv.call("GET", "/projects", params={"filter": "name eq 'x'"}), 400, "BadArgument")
    err(cv.call("GET", "/projects", params={"skip": "-1"}), 400, "BadArgument")
    err(cv.call("GET", "/projects", params={"maxpagesize": "0"}), 400, "BadArgument")


def test_list_pages_overlap_fault_repeats_an_item() -> None:
    cv = Voice(faults=("list-pages-overlap",))
    for i in range(3):
        cv.project(f"proj{i}")
    link = cv.call("GET", "/projects", params={"maxpagesize": 2}).json()["nextLink"]
    assert "skip=1&" in link


def test_delete_then_404_and_project_force_delete(cv: Voice) -> None:
    cv.ready()
    cv.voice()
    assert "forceDelete" in err(cv.call("DELETE", "/projects/proj"), 400, "BadRequest")
    err(cv.call("DELETE", "/projects/proj", params={"forceDelete": "maybe"}), 400, "BadArgument")
    assert cv.call("DELETE", "/personalvoices/pv1").status_code == 204
    err(cv.call("GET", "/personalvoices/pv1"), 404, "NotFound")
    cv.voice("pv2")
    assert cv.call("DELETE", "/projects/proj", params={"forceDelete": "true"}).status_code == 204
    for path in ("/projects/proj", "/consents/cons", "/personalvoices/pv2"):
        err(cv.call("GET", path), 404, "NotFound")


def test_consent_without_speech_fails_audio_and_script_not_match(cv: Voice) -> None:
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000), w.writeframes(b"\x00\x00" * 16000)
    cv.project()
    cv.consent(audio=buffer.getvalue())
    cv.clock.advance(10)
    body = cv.call("GET", "/consents/cons").json()
    assert body["status"] == "Failed" and body["properties"] == {"failureReason": "AudioAndScriptNotMatch"}


def test_keys_are_isolated(cv: Voice) -> None:
    from cognitive_conformance.emulator import EmulatorConfig  # noqa: F401

    other = Voice(keys=("k-one", "k-two"))
    other.client.put("/customvoice/projects/ppp", params={"api-version": "2026-01-01"}, headers={"Ocp-Apim-Subscription-Key": "k-one"}, json={"kind": "PersonalVoice"})
    r = other.client.get("/customvoice/projects/ppp", params={"api-version": "2026-01-01"}, headers={"Ocp-Apim-Subscription-Key": "k-two"})
    assert r.status_code == 404
    assert uuid.UUID(str(uuid.uuid4()))
