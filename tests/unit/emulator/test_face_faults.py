"""Each Face fault changes exactly its behaviour: a scripted session is replayed on the faithful emulator
and on the emulator with one fault, both in the emulator profile the fault declares (``observed`` unless it
says ``docs``); the responses that differ must be exactly the expected ones."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cognitive_conformance.emulator.faults import FAULTS, Behaviour, adjusted_behaviour, build_faults, service_of
from cognitive_conformance.emulator.services.face.state import face_state
from tests.conftest import face_image_bytes
from tests.unit.emulator.conftest import H, make_client

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
OCTET = {**H, "content-type": "application/octet-stream"}

ERRORS = {"auth_missing", "not_trained", "get_missing", "get_deleted", "bad_json", "bad_media"}
NOT_FOUND = {"not_trained", "get_missing", "get_deleted"}
STATUS_READS = {"status_t0", "status_run", "status_run_again", "status_done", "status_done_again", "status_empty", "status_empty_again", "status_v10_t0", "status_v10_done"}
OP_READS = {"op_t0", "op_run", "op_run_again", "op_done", "op_done_again"}
TRAINS = {"train", "train_empty", "train_v10"}


def _record(response: Any) -> dict[str, Any]:
    text = _UUID.sub("<uuid>", response.text)
    headers = {k: _UUID.sub("<uuid>", v) for k, v in response.headers.items() if k in ("x-ms-error-code", "operation-location", "content-type")}
    return {"status": response.status_code, "headers": headers, "text": text}


def _populated(client: Any, base: str) -> None:
    assert client.put(base, json={"name": "n"}, headers=H).status_code == 200
    pid = client.post(f"{base}/persons", json={"name": "p"}, headers=H).json()["personId"]
    assert client.post(f"{base}/persons/{pid}/persistedfaces", content=face_image_bytes(), headers=OCTET).status_code == 200


def _profile(faults: tuple[str, ...]) -> str:
    """The profile a fault declares (several faults: ``docs`` if any of them does)."""
    return "docs" if any(FAULTS[f].profile == "docs" for f in faults) else "observed"


def transcript(faults: tuple[str, ...] = (), profile: str | None = None) -> dict[str, dict[str, Any]]:
    client, clock = make_client(training_seconds=10, faults=faults, profile=profile or _profile(faults))
    out: dict[str, dict[str, Any]] = {}
    out["auth_missing"] = _record(client.get("/face/v1.2/persongroups"))
    g = "/face/v1.2/persongroups/g"
    _populated(client, g)
    out["not_trained"] = _record(client.get(f"{g}/training", headers=H))
    out["get_missing"] = _record(client.get("/face/v1.2/persongroups/missing", headers=H))
    out["bad_json"] = _record(client.put("/face/v1.2/persongroups/j", content=b"{", headers={**H, "content-type": "application/json"}))
    pid = client.get(f"{g}/persons", headers=H).json()[0]["personId"]
    out["bad_media"] = _record(client.post(f"{g}/persons/{pid}/persistedfaces", content=face_image_bytes(), headers={**H, "content-type": "text/plain"}))
    train = client.post(f"{g}/train", headers=H)
    out["train"] = _record(train)
    # every run reaches the same operation id path, independent of the header faults
    with face_state(client.app.state.store, H["Ocp-Apim-Subscription-Key"]) as state:
        op = f"/face/v1.2/operations/{state.groups[('persongroups', 'g')].operation_id}"
    out["status_t0"], out["op_t0"] = _record(client.get(f"{g}/training", headers=H)), _record(client.get(op, headers=H))
    clock.advance(5)
    out["status_run"], out["op_run"] = _record(client.get(f"{g}/training", headers=H)), _record(client.get(op, headers=H))
    out["status_run_again"], out["op_run_again"] = _record(client.get(f"{g}/training", headers=H)), _record(client.get(op, headers=H))
    clock.advance(15)
    out["status_done"], out["op_done"] = _record(client.get(f"{g}/training", headers=H)), _record(client.get(op, headers=H))
    out["status_done_again"], out["op_done_again"] = _record(client.get(f"{g}/training", headers=H)), _record(client.get(op, headers=H))
    e = "/face/v1.2/persongroups/e"
    client.put(e, json={"name": "empty"}, headers=H)
    out["train_empty"] = _record(client.post(f"{e}/train", headers=H))
    clock.advance(20)
    out["status_empty"] = _record(client.get(f"{e}/training", headers=H))
    out["status_empty_again"] = _record(client.get(f"{e}/training", headers=H))
    v10 = "/face/v1.0/persongroups/old"
    _populated(client, v10)
    out["train_v10"] = _record(client.post(f"{v10}/train", headers=H))
    out["status_v10_t0"] = _record(client.get(f"{v10}/training", headers=H))
    clock.advance(20)
    out["status_v10_done"] = _record(client.get(f"{v10}/training", headers=H))
    out["delete"] = _record(client.delete(g, headers=H))
    out["get_deleted"] = _record(client.get(g, headers=H))
    return out


FAITHFUL: dict[str, dict[str, dict[str, Any]]] = {}


def _faithful(profile: str = "observed") -> dict[str, dict[str, Any]]:
    if profile not in FAITHFUL:
        FAITHFUL[profile] = transcript(profile=profile)
    return FAITHFUL[profile]


def _status_of(record: dict[str, Any]) -> Any:
    match = re.search(r'"status":"([^"]*)"', record["text"])
    return match.group(1) if match else record["status"]


EXPECTED_DIFF = {
    # FaceList / LargeFaceList faults touch only list operations, none of which this transcript calls
    # (tests/unit/emulator/test_face_lists.py and tests/e2e/test_face_lists.py show them).
    **{
        name: set()
        for name in (
            "large-face-list-train-returns-200",
            "large-face-list-drop-operation-location",
            "large-face-list-location-not-training",
            "large-face-list-training-regresses",
            "large-face-list-not-trained-returns-200",
            "empty-large-face-list-succeeds",
            "deleted-face-list-readable",
        )
    },
    # Identify and PersonDirectory faults touch only those operations, none of which this transcript calls
    # (tests/e2e/test_face_recognition.py shows each caught by its rule).
    **{
        name: set()
        for name in (
            "identify-untrained-answers-200",
            "identify-candidate-from-other-group",
            "identify-misses-enrolled-face",
            "directory-person-not-readable",
            "directory-drop-operation-location",
        )
    },
    "train-returns-200": TRAINS,
    "populated-group-fails": {"op_done", "op_done_again", "status_done", "status_done_again", "status_v10_done"},
    "operation-location-off-origin": {"train", "train_empty"},
    "drop-operation-location": {"train", "train_empty"},
    "drop-error-code-header": ERRORS,
    "error-code-header-mismatch": ERRORS,
    "plaintext-errors": ERRORS,
    "generic-not-found-code": NOT_FOUND,
    "not-found-as-500": NOT_FOUND,
    "error-without-message": ERRORS,
    "delete-returns-204": {"delete"},
    "json-labelled-as-text": STATUS_READS | OP_READS,
    "wrong-media-type-accepted": {"bad_media"},
    "status-wrong-casing": STATUS_READS | OP_READS,
    # observed: the first read is already running, so every later running read goes back
    "status-goes-backwards": {"status_run", "status_run_again", "op_run", "op_run_again"},
    "terminal-not-sticky": {"status_empty_again"},
    "operations-disagree": {"op_done", "op_done_again"},
    "unparsable-timestamps": STATUS_READS | OP_READS,
    # observed: every training status read carries lastActionDateTime (docs: null until a success)
    "timestamps-out-of-order": OP_READS | STATUS_READS,
    "not-trained-returns-200": {"not_trained"},
    "empty-group-succeeds": {"status_empty", "status_empty_again"},
    "auth-ignored": {"auth_missing"},
    "deleted-group-readable": {"get_deleted"},
}
# Timing faults change when things happen (and so every timestamp); compare their statuses only.
EXPECTED_STATUS_DIFF = {
    "training-never-finishes": {"status_done", "op_done", "status_done_again", "op_done_again", "status_empty", "status_empty_again", "status_v10_done"},
    "instant-training": {"status_t0", "op_t0", "status_run", "op_run", "status_run_again", "op_run_again", "status_v10_t0"},
}


def test_every_face_fault_has_an_expectation() -> None:
    face = {name for name, cls in FAULTS.items() if service_of(cls) == "face"}
    assert face == set(EXPECTED_DIFF) | set(EXPECTED_STATUS_DIFF)


def test_faithful_transcript_is_as_recorded() -> None:
    t = _faithful()
    assert t["train"]["status"] == 202 and t["train"]["headers"]["operation-location"].endswith("/face/v1.2/persongroups/g/training")
    assert t["train_v10"]["headers"]["operation-location"].endswith("/face/v1.0/persongroups/old/training")
    assert [_status_of(t[k]) for k in ("status_t0", "status_run", "status_done", "status_done_again")] == ["running", "running", "succeeded", "succeeded"]
    assert _status_of(t["status_empty_again"]) == "failed" and _status_of(t["status_v10_t0"]) == "running"
    assert {t[k]["status"] for k in ERRORS} == {401, 404, 400, 415}
    assert not any("x-ms-error-code" in t[k]["headers"] for k in ERRORS - {"auth_missing"})
    assert t["delete"]["status"] == 200 and t["bad_media"]["status"] == 415


def test_faithful_docs_transcript_is_as_documented() -> None:
    t = _faithful("docs")
    assert t["train"]["status"] == 202 and t["train"]["headers"]["operation-location"].endswith("/face/v1.2/operations/<uuid>")
    assert [_status_of(t[k]) for k in ("status_t0", "status_run", "status_done", "status_done_again")] == ["notStarted", "running", "succeeded", "succeeded"]
    assert _status_of(t["status_empty_again"]) == "failed" and _status_of(t["status_v10_t0"]) == "nonstarted"
    assert {t[k]["status"] for k in ERRORS} == {401, 404, 400, 415}
    assert all(t[k]["headers"]["x-ms-error-code"] for k in ERRORS)
    assert t["delete"]["status"] == 200 and t["bad_media"]["status"] == 415


def test_docs_profile_faults_are_the_ones_the_recorded_service_also_shows() -> None:
    docs = {name for name, cls in FAULTS.items() if service_of(cls) == "face" and cls.profile == "docs"}
    assert docs == {"drop-error-code-header", "operations-disagree", "unparsable-timestamps", "status-wrong-casing"}


@pytest.mark.parametrize("fault", sorted(EXPECTED_DIFF))
def test_fault_changes_exactly_its_responses(fault: str) -> None:
    faithful, faulty = _faithful(FAULTS[fault].profile), transcript((fault,))
    differing = {label for label in faithful if faithful[label] != faulty[label]}
    assert differing == EXPECTED_DIFF[fault]


@pytest.mark.parametrize("fault", sorted(EXPECTED_STATUS_DIFF))
def test_timing_fault_changes_exactly_its_statuses(fault: str) -> None:
    faithful, faulty = _faithful(FAULTS[fault].profile), transcript((fault,))
    differing = {label for label in faithful if _status_of(faithful[label]) != _status_of(faulty[label])}
    assert differing == EXPECTED_STATUS_DIFF[fault]


def test_fault_specifics() -> None:
    t = transcript(("status-wrong-casing", "generic-not-found-code"), profile="docs")
    assert _status_of(t["status_t0"]) == "NotStarted" and _status_of(t["status_v10_t0"]) == "notStarted"
    assert t["get_missing"]["headers"]["x-ms-error-code"] == "NotFound" and '"code":"NotFound"' in t["get_missing"]["text"]
    t = transcript(("status-wrong-casing", "generic-not-found-code"), profile="observed")
    assert _status_of(t["status_t0"]) == "Running" and _status_of(t["status_v10_t0"]) == "Running"
    assert "x-ms-error-code" not in t["get_missing"]["headers"] and '"code":"NotFound"' in t["get_missing"]["text"]
    t = transcript(("plaintext-errors",))
    assert t["get_missing"]["headers"]["content-type"].startswith("text/plain")
    assert t["get_missing"]["text"] == "Person group is not found."
    t = transcript(("error-code-header-mismatch", "status-goes-backwards", "terminal-not-sticky"))
    assert t["get_missing"]["headers"]["x-ms-error-code"] != "PersonGroupNotFound"
    assert _status_of(t["status_t0"]) == "running" and _status_of(t["status_run"]) == "notStarted"
    assert _status_of(t["status_run_again"]) == "notStarted" and _status_of(t["op_run_again"]) == "notStarted"
    assert _status_of(t["status_empty_again"]) == "running"
    t = transcript(("unparsable-timestamps", "not-trained-returns-200"))
    assert re.search(r'"createdDateTime":"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M"', t["status_t0"]["text"])
    assert t["not_trained"]["status"] == 200 and _status_of(t["not_trained"]) == "notStarted"


def test_v10_has_no_operation_location_so_the_fault_does_not_list_it() -> None:
    faithful = _faithful("docs")
    assert "operation-location" not in faithful["train_v10"]["headers"]
    assert "v1.0" not in FAULTS["drop-operation-location"].api_versions
    assert "v1.0" not in FAULTS["operations-disagree"].api_versions


def test_knob_faults_turn_exactly_their_knob() -> None:
    expected = {
        "auth-ignored": {"enforce_auth": False},
        "empty-group-succeeds": {"empty_training_fails": False},
        "deleted-group-readable": {"deleted_readable": True},
        "instant-training": {"training_scale": 0.0},
        "training-never-finishes": {"training_scale": float("inf")},
    }
    faithful = vars(Behaviour())
    for name, knobs in expected.items():
        turned = vars(adjusted_behaviour(build_faults([name])))
        assert {k: v for k, v in turned.items() if faithful[k] != v} == knobs, name
