"""FaceList / LargeFaceList in-process on a ManualClock: resources, faces, LargeFaceList training, errors, versions, faults."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from cognitive_conformance.emulator.services.face import face_lists
from cognitive_conformance.emulator.services.face.large_face_lists import NO_FACE_MESSAGE
from tests.conftest import face_image_bytes
from tests.unit.emulator.conftest import H, assert_error, make_client

OCTET = {**H, "content-type": "application/octet-stream"}
def parse_rfc3339(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


VERSIONS = ["v1.0", "v1.1-preview.1", "v1.2-preview.1", "v1.2"]
KINDS = [("facelists", "faceListId", "FaceList"), ("largefacelists", "largeFaceListId", "LargeFaceList")]


def _list(client, version: str = "v1.2", kind: str = "largefacelists", list_id: str = "l1", faces: int = 0) -> tuple[str, list[str]]:
    base = f"/face/{version}/{kind}/{list_id}"
    assert client.put(base, json={"name": "list"}, headers=H).status_code == 200
    ids = []
    for f in range(faces):
        r = client.post(f"{base}/persistedfaces", content=face_image_bytes(seed=f), headers=OCTET)
        assert r.status_code == 200, r.text
        ids.append(r.json()["persistedFaceId"])
    return base, ids


# ----------------------------------------------------------------------------- resources


@pytest.mark.parametrize("kind,id_field,code", KINDS)
def test_list_crud_listing_and_errors(kind: str, id_field: str, code: str) -> None:
    client, _ = make_client()
    r = client.put(f"/face/v1.2/{kind}/b", json={"name": "B", "userData": "u", "recognitionModel": "recognition_04"}, headers=H)
    assert (r.status_code, r.content) == (200, b"")
    client.put(f"/face/v1.2/{kind}/a", json={"name": "A"}, headers=H)
    client.put(f"/face/v1.2/{kind}/c", json={"name": "C"}, headers=H)
    got = client.get(f"/face/v1.2/{kind}/b", headers=H).json()
    expected = {id_field: "b", "name": "B", "userData": "u"}
    if kind == "facelists":
        expected["persistedFaces"] = []
    assert got == expected
    assert client.get(f"/face/v1.2/{kind}/b?returnRecognitionModel=true", headers=H).json()["recognitionModel"] == "recognition_04"
    assert [i[id_field] for i in client.get(f"/face/v1.2/{kind}", headers=H).json()] == ["a", "b", "c"]
    assert [i[id_field] for i in client.get(f"/face/v1.2/{kind}?start=a&top=1", headers=H).json()] == ["b"]
    assert client.patch(f"/face/v1.2/{kind}/b", json={"name": "B2"}, headers=H).status_code == 200
    assert client.get(f"/face/v1.2/{kind}/b", headers=H).json()["name"] == "B2"
    assert_error(client.put(f"/face/v1.2/{kind}/b", json={"name": "x"}, headers=H), 409, f"{code}Exists")
    assert_error(client.put(f"/face/v1.2/{kind}/Bad", json={"name": "x"}, headers=H), 400, "BadArgument")
    assert_error(client.get(f"/face/v1.2/{kind}/Bad", headers=H), 404, f"{code}NotFound")
    assert_error(client.get(f"/face/v1.2/{kind}/{'a' * 65}", headers=H), 404, f"{code}NotFound")
    assert client.delete(f"/face/v1.2/{kind}/b", headers=H).status_code == 200
    assert_error(client.get(f"/face/v1.2/{kind}/b", headers=H), 404, f"{code}NotFound")
    assert_error(client.delete(f"/face/v1.2/{kind}/b", headers=H), 404, f"{code}NotFound")


@pytest.mark.parametrize("kind", ["facelists", "largefacelists"])
def test_list_bodies_queries_and_images_follow_the_person_group_rules(kind: str) -> None:
    client, _ = make_client()
    base = f"/face/v1.2/{kind}"
    assert_error(client.put(f"{base}/x", json={"name": "n" * 129}, headers=H), 400, "BadArgument", "'name' is too long.")
    assert_error(client.put(f"{base}/x", json={}, headers=H), 400, "BadArgument", "'name' is empty.")
    r = client.put(f"{base}/x", json={"name": "n", "recognitionModel": "recognition_09"}, headers=H)
    assert_error(r, 400, "BadArgument", "'recognitionModel' is invalid.")
    assert_error(client.get(f"{base}?top=0", headers=H), 400, "BadArgument", "'top' is invalid.")
    list_path, _ = _list(client, kind=kind, list_id="ok")
    assert_error(client.patch(list_path, json={"userData": "u" * 16385}, headers=H), 400, "BadArgument", "'userData' is too long.")
    assert_error(client.get(f"{list_path}?returnRecognitionModel=maybe", headers=H), 400, "BadArgument")
    faces = f"{list_path}/persistedfaces"
    image = face_image_bytes(size=64)
    assert_error(client.post(f"{faces}?targetFace=1,2,3", content=image, headers=OCTET), 400, "BadArgument", "Invalid argument targetFace.")
    assert_error(client.post(f"{faces}?targetFace=0,0,65,10", content=image, headers=OCTET), 400, "BadArgument", "Argument targetFace out of range.")
    assert_error(client.post(f"{faces}?detectionModel=detection_09", content=image, headers=OCTET), 400, "BadArgument")
    assert_error(client.post(faces, json={}, headers=H), 400, "InvalidURL", "Invalid image URL.")
    assert_error(client.post(faces, content=b"\x00" * 10, headers=OCTET), 400, "InvalidImageSize", "Image size is too small.")
    assert_error(client.post(faces, content=b"x", headers={**H, "content-type": "text/plain"}), 415, "BadArgument")
    assert client.get(list_path, headers=H).status_code == 200  # nothing was added


def test_face_lists_and_person_groups_do_not_share_ids() -> None:
    client, _ = make_client()
    assert client.put("/face/v1.2/facelists/same", json={"name": "f"}, headers=H).status_code == 200
    assert client.put("/face/v1.2/largefacelists/same", json={"name": "l"}, headers=H).status_code == 200
    assert client.put("/face/v1.2/persongroups/same", json={"name": "g"}, headers=H).status_code == 200
    assert client.get("/face/v1.2/facelists/same", headers=H).json()["name"] == "f"
    assert client.get("/face/v1.2/largefacelists/same", headers=H).json()["name"] == "l"


def test_face_list_faces_are_listed_in_get_and_deleted() -> None:
    client, _ = make_client()
    base, _ = _list(client, kind="facelists")
    r = client.post(f"{base}/persistedfaces?userData=x", content=face_image_bytes(), headers=OCTET)
    face_id = r.json()["persistedFaceId"]
    assert uuid.UUID(face_id)
    assert client.get(base, headers=H).json()["persistedFaces"] == [{"persistedFaceId": face_id, "userData": "x"}]
    assert client.delete(f"{base}/persistedfaces/{face_id}", headers=H).status_code == 200
    assert client.get(base, headers=H).json()["persistedFaces"] == []
    assert_error(client.delete(f"{base}/persistedfaces/{face_id}", headers=H), 404, "PersistedFaceNotFound")
    assert_error(client.delete(f"{base}/persistedfaces/not-a-uuid", headers=H), 404, "PersistedFaceNotFound", "Persisted face ID is invalid.")


def test_face_list_has_no_training_and_no_single_face_reads() -> None:
    client, _ = make_client()
    base, faces = _list(client, kind="facelists", faces=1)
    assert client.post(f"{base}/train", headers=H).status_code == 404
    assert client.get(f"{base}/training", headers=H).status_code == 404
    assert client.get(f"{base}/persistedfaces/{faces[0]}", headers=H).status_code == 405  # only DELETE there


def test_face_list_face_quota(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(face_lists, "FACE_LIST_MAX_FACES", 1)
    client, _ = make_client()
    base, _ = _list(client, kind="facelists", faces=1)
    r = client.post(f"{base}/persistedfaces", content=face_image_bytes(seed=9), headers=OCTET)
    assert_error(r, 403, "QuotaExceeded", "Persisted face number reached limit.")
    _list(client, kind="largefacelists", faces=2)  # the 1,000-face cap is a FaceList rule only


def test_large_face_list_faces_get_update_list_delete() -> None:
    client, _ = make_client()
    base, ids = _list(client, faces=3)
    listed = client.get(f"{base}/persistedfaces", headers=H).json()
    assert [f["persistedFaceId"] for f in listed] == sorted(ids)
    first = sorted(ids)[0]
    assert [f["persistedFaceId"] for f in client.get(f"{base}/persistedfaces?start={first}&top=1", headers=H).json()] == [sorted(ids)[1]]
    assert client.patch(f"{base}/persistedfaces/{first}", json={"userData": "u"}, headers=H).status_code == 200
    assert client.get(f"{base}/persistedfaces/{first}", headers=H).json() == {"persistedFaceId": first, "userData": "u"}
    assert client.delete(f"{base}/persistedfaces/{first}", headers=H).status_code == 200
    assert_error(client.get(f"{base}/persistedfaces/{first}", headers=H), 404, "PersistedFaceNotFound")
    bad = client.post(f"{base}/persistedfaces", content=b"x" * 2048, headers=OCTET)
    assert_error(bad, 400, "InvalidImage")


# ----------------------------------------------------------------------------- training


@pytest.mark.parametrize("version", VERSIONS)
def test_training_progresses_running_then_succeeded_as_recorded(version: str) -> None:
    client, clock = make_client(training_seconds=10)
    base, _ = _list(client, version=version, faces=2)
    assert_error(client.get(f"{base}/training", headers=H), 404, "LargeFaceListNotTrained", "Large face list not trained.")
    submitted = clock.now()
    r = client.post(f"{base}/train", headers=H)
    assert (r.status_code, r.content) == (202, b"")
    assert r.headers["operation-location"] == f"http://testserver{base}/training"
    first = client.get(f"{base}/training", headers=H).json()
    expected_keys = {"status", "createdDateTime", "lastActionDateTime"} | ({"message"} if version == "v1.0" else set())
    assert set(first) == expected_keys
    assert first["status"] == "running"
    assert parse_rfc3339(first["createdDateTime"]) == submitted
    assert first["lastActionDateTime"] == first["createdDateTime"]
    if version == "v1.0":
        assert first["message"] is None
    clock.advance(10 * 1.02 - 0.01)  # base × (1 + 0.01 × 2 faces), just before the end
    assert client.get(f"{base}/training", headers=H).json()["status"] == "running"
    clock.advance(0.02)
    done = client.get(f"{base}/training", headers=H).json()
    assert done["status"] == "succeeded"
    assert done["lastSuccessfulTrainingDateTime"] == done["lastActionDateTime"]
    assert parse_rfc3339(done["lastActionDateTime"]) == submitted + timedelta(seconds=10.2)
    clock.advance(100)
    assert client.get(f"{base}/training", headers=H).json() == done  # terminal and sticky


def test_training_time_grows_with_the_number_of_faces() -> None:
    client, clock = make_client(training_seconds=10)
    small, _ = _list(client, list_id="small", faces=1)
    big, _ = _list(client, list_id="big", faces=4)
    client.post(f"{small}/train", headers=H)
    client.post(f"{big}/train", headers=H)
    clock.advance(10.2)
    assert client.get(f"{small}/training", headers=H).json()["status"] == "succeeded"
    assert client.get(f"{big}/training", headers=H).json()["status"] == "running"
    clock.advance(0.3)
    assert client.get(f"{big}/training", headers=H).json()["status"] == "succeeded"


def test_empty_list_training_is_accepted_and_fails() -> None:
    client, clock = make_client(training_seconds=10)
    base, _ = _list(client)
    assert client.post(f"{base}/train", headers=H).status_code == 202
    assert client.get(f"{base}/training", headers=H).json()["status"] == "running"
    clock.advance(10)
    failed = client.get(f"{base}/training", headers=H).json()
    assert failed["status"] == "failed" and failed["message"] == NO_FACE_MESSAGE
    assert "lastSuccessfulTrainingDateTime" not in failed


def test_changes_while_training_are_409_and_retraining_keeps_the_last_success() -> None:
    client, clock = make_client(training_seconds=10)
    base, ids = _list(client, faces=1)
    client.post(f"{base}/train", headers=H)
    assert_error(client.post(f"{base}/train", headers=H), 409, "LargeFaceListTrainingNotFinished", "Large face list is under training.")
    r = client.post(f"{base}/persistedfaces", content=face_image_bytes(seed=5), headers=OCTET)
    assert_error(r, 409, "LargeFaceListTrainingNotFinished")
    assert_error(client.delete(f"{base}/persistedfaces/{ids[0]}", headers=H), 409, "LargeFaceListTrainingNotFinished")
    clock.advance(11)
    first = client.get(f"{base}/training", headers=H).json()
    assert first["status"] == "succeeded"
    clock.advance(5)
    assert client.post(f"{base}/train", headers=H).status_code == 202
    again = client.get(f"{base}/training", headers=H).json()
    assert again["status"] == "running"
    assert again["lastSuccessfulTrainingDateTime"] == first["lastSuccessfulTrainingDateTime"]
    assert parse_rfc3339(again["createdDateTime"]) > parse_rfc3339(first["createdDateTime"])


def test_delete_while_training_is_allowed_and_the_training_goes_with_the_list() -> None:
    client, _ = make_client(training_seconds=10)
    base, _ = _list(client, faces=1)
    client.post(f"{base}/train", headers=H)
    assert client.delete(base, headers=H).status_code == 200
    assert_error(client.get(f"{base}/training", headers=H), 404, "LargeFaceListNotFound")
    assert_error(client.post(f"{base}/train", headers=H), 404, "LargeFaceListNotFound")


def test_lists_are_isolated_per_key() -> None:
    other = "0" * 32
    client, _ = make_client(keys=(H["Ocp-Apim-Subscription-Key"], other))
    _list(client)
    assert client.get("/face/v1.2/largefacelists", headers={"Ocp-Apim-Subscription-Key": other}).json() == []


# ----------------------------------------------------------------------------- faults


def test_fault_train_returns_200() -> None:
    client, _ = make_client(faults=("large-face-list-train-returns-200",))
    base, _ = _list(client, faces=1)
    assert client.post(f"{base}/train", headers=H).status_code == 200
    assert client.post("/face/v1.2/persongroups/g/train", headers=H).status_code == 404  # other operations untouched


def test_fault_operation_location_dropped_or_misdirected() -> None:
    client, _ = make_client(faults=("large-face-list-drop-operation-location",))
    base, _ = _list(client, faces=1)
    assert "operation-location" not in client.post(f"{base}/train", headers=H).headers
    client, _ = make_client(faults=("large-face-list-location-not-training",))
    base, _ = _list(client, faces=1)
    assert not client.post(f"{base}/train", headers=H).headers["operation-location"].endswith("/training")


def test_fault_training_regresses_after_succeeded() -> None:
    client, clock = make_client(training_seconds=1, faults=("large-face-list-training-regresses",))
    base, _ = _list(client, faces=1)
    client.post(f"{base}/train", headers=H)
    clock.advance(2)
    assert client.get(f"{base}/training", headers=H).json()["status"] == "succeeded"
    assert client.get(f"{base}/training", headers=H).json()["status"] == "running"


def test_fault_not_trained_returns_200() -> None:
    client, _ = make_client(faults=("large-face-list-not-trained-returns-200",))
    base, _ = _list(client)
    r = client.get(f"{base}/training", headers=H)
    assert r.status_code == 200 and r.json()["status"] == "running"


def test_fault_empty_list_succeeds() -> None:
    client, clock = make_client(training_seconds=1, faults=("empty-large-face-list-succeeds",))
    base, _ = _list(client)
    client.post(f"{base}/train", headers=H)
    clock.advance(2)
    assert client.get(f"{base}/training", headers=H).json()["status"] == "succeeded"


def test_fault_deleted_face_list_readable_only_after_delete() -> None:
    client, _ = make_client(faults=("deleted-face-list-readable",))
    assert client.get("/face/v1.2/facelists/never", headers=H).status_code == 404
    base, _ = _list(client, kind="facelists")
    assert client.delete(base, headers=H).status_code == 200
    assert client.get(base, headers=H).json() == {"faceListId": "l1", "name": "l1", "persistedFaces": []}
    assert_error(client.delete(base, headers=H), 404, "FaceListNotFound")  # only reads are served
