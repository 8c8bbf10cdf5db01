"""Custom Voice professional voice in the emulator: training set upload, model training, endpoint deploy/suspend/resume.

One TestClient on a ManualClock per test (``cv`` fixture, training_seconds=10): each step's status is read
before and after its duration, so the NotStarted -> Running -> terminal timing is seen, not assumed.
"""

from __future__ import annotations

import uuid

import pytest

from tests.unit.emulator.voice.conftest import Voice

SAS = "https://contoso.blob.core.windows.net/voicecontainer?sv=2023-01-03&sp=rl&sig=abc"
DATASET = {"kind": "AudioAndScript", "audios": {"containerUrl": SAS, "prefix": "jessica/", "extensions": [".wav"]},
           "scripts": {"containerUrl": SAS, "prefix": "jessica/", "extensions": [".txt"]}}


def professional(cv: Voice, *, upload: dict | None = DATASET) -> None:
    """A ProfessionalVoice project ``proj``, a Succeeded consent ``cons``, a training set ``ts`` (data uploaded if given)."""
    assert cv.project(kind="ProfessionalVoice").status_code == 201
    assert cv.consent().status_code == 201
    r = cv.call("PUT", "/trainingsets/ts1", json={"projectId": "proj", "locale": "en-US", "voiceKind": "Female"})
    assert r.status_code == 201 and r.json()["status"] == "NotStarted" and r.json()["properties"]["utteranceCount"] == 0
    if upload is not None:
        r = cv.call("POST", "/trainingsets/ts1:upload", json=upload, headers={"Operation-Id": "up-1"})
        assert r.status_code == 202 and not r.content
        assert r.headers["operation-id"] == "up-1"
        assert r.headers["operation-location"].endswith("/customvoice/operations/up-1?api-version=2024-02-01-preview")
    cv.clock.advance(10)


def model(cv: Voice, mid: str = "mod1", **headers: str):
    body = {"recipe": {"kind": "Default"}, "projectId": "proj", "consentId": "cons", "trainingSetId": "ts1", "voiceName": "JessicaNeural"}
    return cv.call("PUT", f"/models/{mid}", json=body, headers=headers)


def test_upload_then_model_trains_to_succeeded(cv: Voice) -> None:
    professional(cv)
    ts = cv.call("GET", "/trainingsets/ts1").json()
    assert ts["status"] == "Succeeded" and 200 <= ts["properties"]["utteranceCount"] < 500
    assert cv.call("GET", "/operations/up-1").json() == {"id": "up-1", "status": "Succeeded"}
    r = model(cv, **{"Operation-Id": "train-1"})
    assert r.status_code == 201 and r.json()["status"] == "NotStarted"
    assert r.json()["recipe"] == {"kind": "Default", "version": "V7.2023.03"} and r.json()["locale"] == "en-US"
    cv.clock.advance(3)
    assert cv.call("GET", "/models/mod1").json()["status"] == "Running"
    assert cv.call("GET", "/operations/train-1").json()["status"] == "Running"
    cv.clock.advance(20)
    got = cv.call("GET", "/models/mod1").json()
    assert got["status"] == "Succeeded" and "properties" not in got


@pytest.mark.parametrize(("version", "reason"), [("2024-02-01-preview", "Internal"), ("2026-01-01", "DataNotReady")])
def test_model_without_ready_data_fails_with_the_versions_reason(version: str, reason: str) -> None:
    cv = Voice()
    v = {"api-version": version}
    assert cv.call("PUT", "/projects/proj", json={"kind": "ProfessionalVoice"}, params=v).status_code == 201
    assert cv.consent().status_code == 201
    assert cv.call("PUT", "/trainingsets/ts1", json={"projectId": "proj", "locale": "en-US"}, params=v).status_code == 201
    cv.clock.advance(10)
    body = {"recipe": {"kind": "Default"}, "projectId": "proj", "consentId": "cons", "trainingSetId": "ts1"}
    assert cv.call("PUT", "/models/mod1", json=body, params=v).status_code == 201
    cv.clock.advance(30)
    got = cv.call("GET", "/models/mod1", params=v).json()
    assert got["status"] == "Failed" and got["properties"] == {"failureReason": reason}


def test_upload_without_sas_fails_and_model_references_are_checked(cv: Voice) -> None:
    professional(cv, upload={"kind": "AudioOnly", "audios": {"containerUrl": "https://contoso.blob.core.windows.net/c", "extensions": [".wav"]}})
    assert cv.call("GET", "/trainingsets/ts1").json()["status"] == "Failed"
    assert cv.call("GET", "/operations/up-1").json()["status"] == "Failed"
    bad = {"recipe": {"kind": "Default"}, "projectId": "proj", "consentId": "cons", "trainingSetId": "nope"}
    r = cv.call("PUT", "/models/mod2", json=bad)
    assert r.status_code == 400 and r.json()["error"]["code"] == "BadRequest"
    r = cv.call("PUT", "/models/mod3", json={"projectId": "proj", "consentId": "cons", "trainingSetId": "ts1"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "BadArgument"
    # A PersonalVoice project holds no training set.
    assert cv.project("pv1", kind="PersonalVoice").status_code == 201
    r = cv.call("PUT", "/trainingsets/ts2", json={"projectId": "pv1", "locale": "en-US"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "BadRequest"


def test_model_operation_id_retry_and_reuse(cv: Voice) -> None:
    professional(cv)
    first = model(cv, **{"Operation-Id": "op-model"})
    again = model(cv, **{"Operation-Id": "op-model"})
    assert again.status_code == 201 and again.json()["id"] == "mod1" and again.headers["operation-id"] == "op-model"
    other = model(cv, "mod2", **{"Operation-Id": "op-model"})
    assert first.status_code == 201 and other.status_code == 400 and other.json()["error"]["code"] == "BadRequest"


def test_endpoint_deploy_suspend_resume_delete(cv: Voice) -> None:
    professional(cv)
    assert model(cv).status_code == 201
    eid = str(uuid.uuid4())
    early = cv.call("PUT", f"/endpoints/{eid}", json={"projectId": "proj", "modelId": "mod1"})
    assert early.status_code == 400 and early.json()["error"]["code"] == "BadRequest"  # the model is still training
    cv.clock.advance(30)
    r = cv.call("PUT", f"/endpoints/{eid}", json={"projectId": "proj", "modelId": "mod1"}, headers={"Operation-Id": "dep-1"})
    assert r.status_code == 201 and r.json()["status"] == "NotStarted" and r.json()["properties"] == {"kind": "HighPerformance"}
    cv.clock.advance(10)
    assert cv.call("GET", f"/endpoints/{eid}").json()["status"] == "Succeeded"
    assert cv.call("POST", f"/endpoints/{eid}:resume").status_code == 400  # only a Disabled endpoint resumes
    r = cv.call("POST", f"/endpoints/{eid}:suspend", headers={"Operation-Id": "sus-1"})
    assert r.status_code == 202 and r.json()["status"] == "Disabling" and r.headers["operation-id"] == "sus-1"
    cv.clock.advance(5)
    assert cv.call("GET", f"/endpoints/{eid}").json()["status"] == "Disabled"
    assert cv.call("GET", "/operations/sus-1").json()["status"] == "Succeeded"
    r = cv.call("POST", f"/endpoints/{eid}:resume")
    assert r.status_code == 202 and r.json()["status"] == "Running"
    cv.clock.advance(5)
    assert cv.call("GET", f"/endpoints/{eid}").json()["status"] == "Succeeded"
    assert cv.call("DELETE", "/models/mod1").status_code == 400  # still deployed
    listed = cv.call("GET", "/endpoints", params={"filter": "projectId eq 'proj'"}).json()["value"]
    assert [e["id"] for e in listed] == [eid]
    assert cv.call("DELETE", "/projects/proj").status_code == 400  # holds a model and an endpoint
    assert cv.call("DELETE", f"/endpoints/{eid}").status_code == 204
    assert cv.call("GET", f"/endpoints/{eid}").status_code == 404
    assert cv.call("GET", "/endpoints/not-a-uuid").status_code == 400
    assert cv.call("DELETE", "/models/mod1").status_code == 204
    assert cv.call("DELETE", "/trainingsets/ts1").status_code == 204


def test_base_models_shape_per_version(cv: Voice) -> None:
    preview = cv.call("GET", "/basemodels").json()
    stable = cv.call("GET", "/basemodels", params={"api-version": "2026-01-01"}).json()
    assert isinstance(preview, list) and preview[0]["capabilities"] == ["InstanceVoice"]
    assert isinstance(stable, dict) and stable["value"][0]["capabilities"] == ["PersonalVoice"]


def test_state_pickles() -> None:
    """The professional voice state is plain data: it survives pickling (a persistent store keeps it)."""
    import pickle

    from cognitive_conformance.emulator import DEFAULT_KEY
    from cognitive_conformance.emulator.services.voice.models import VoiceState
    from cognitive_conformance.emulator.store import InMemoryStore

    store = InMemoryStore()
    cv = Voice(store=store)
    professional(cv)
    assert model(cv).status_code == 201
    eid = str(uuid.uuid4())
    cv.clock.advance(30)
    assert cv.call("PUT", f"/endpoints/{eid}", json={"projectId": "proj", "modelId": "mod1"}).status_code == 201
    with store.partition(DEFAULT_KEY, "customvoice", VoiceState) as state:
        copy = pickle.loads(pickle.dumps(state))
    assert copy == state and set(copy.models) == {"mod1"} and set(copy.endpoints) == {eid} and copy.training_sets["ts1"].uploads


def test_action_paths_are_not_ids_of_the_bare_resource(cv: Voice) -> None:
    """``/trainingsets/{id}:upload`` is its own path: DELETE there is 405 with Allow, not a delete of id ``x:upload``."""
    r = cv.call("DELETE", "/trainingsets/ts1:upload")
    assert r.status_code == 405 and r.headers["allow"] == "POST"
    r = cv.call("GET", f"/endpoints/{uuid.uuid4()}:suspend")
    assert r.status_code == 405 and r.headers["allow"] == "POST"
