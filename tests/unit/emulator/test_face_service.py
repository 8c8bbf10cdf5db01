"""The Face service in-process: resources, training over a ManualClock, every error path's envelope."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.conftest import face_image_bytes
from cognitive_conformance.emulator.services.face.state import face_state
from tests.unit.emulator.conftest import H, KEY, assert_error, make_client

OCTET = {**H, "content-type": "application/octet-stream"}


def _group(client, version: str = "v1.2", kind: str = "persongroups", gid: str = "g1", persons: int = 1, faces: int = 1) -> str:
    base = f"/face/{version}/{kind}/{gid}"
    assert client.put(base, json={"name": "group"}, headers=H).status_code == 200
    for p in range(persons):
        pid = client.post(f"{base}/persons", json={"name": f"p{p}"}, headers=H).json()["personId"]
        for f in range(faces):
            r = client.post(f"{base}/persons/{pid}/persistedfaces", content=face_image_bytes(seed=f), headers=OCTET)
            assert r.status_code == 200, r.text
    return base


@pytest.mark.parametrize("kind,id_field", [("persongroups", "personGroupId"), ("largepersongroups", "largePersonGroupId")])
def test_group_crud_and_listing(kind: str, id_field: str) -> None:
    client, _ = make_client()
    r = client.put(f"/face/v1.2/{kind}/b", json={"name": "B", "userData": "u", "recognitionModel": "recognition_04"}, headers=H)
    assert (r.status_code, r.content) == (200, b"")
    client.put(f"/face/v1.2/{kind}/a", json={"name": "A"}, headers=H)
    client.put(f"/face/v1.2/{kind}/c", json={"name": "C"}, headers=H)
    assert client.get(f"/face/v1.2/{kind}/b", headers=H).json() == {id_field: "b", "name": "B", "userData": "u"}
    got = client.get(f"/face/v1.2/{kind}/b?returnRecognitionModel=true", headers=H).json()
    assert got["recognitionModel"] == "recognition_04"
    assert [g[id_field] for g in client.get(f"/face/v1.2/{kind}", headers=H).json()] == ["a", "b", "c"]
    assert [g[id_field] for g in client.get(f"/face/v1.2/{kind}?start=a&top=1", headers=H).json()] == ["b"]
    assert client.patch(f"/face/v1.2/{kind}/b", json={"name": "B2"}, headers=H).status_code == 200
    assert client.get(f"/face/v1.2/{kind}/b", headers=H).json()["name"] == "B2"
    code = "LargePersonGroup" if kind.startswith("large") else "PersonGroup"
    assert_error(client.put(f"/face/v1.2/{kind}/b", json={"name": "x"}, headers=H), 409, f"{code}Exists")
    assert client.delete(f"/face/v1.2/{kind}/b", headers=H).status_code == 200
    assert_error(client.get(f"/face/v1.2/{kind}/b", headers=H), 404, f"{code}NotFound")


def test_persons_and_faces_lifecycle() -> None:
    client, _ = make_client()
    base = _group(client, persons=0)
    pid = client.post(f"{base}/persons", json={"name": "mike", "userData": "d"}, headers=H).json()["personId"]
    assert uuid.UUID(pid)
    fid = client.post(f"{base}/persons/{pid}/persistedfaces?userData=x&targetFace=1,2,30,30", content=face_image_bytes(), headers=OCTET).json()["persistedFaceId"]
    person = client.get(f"{base}/persons/{pid}", headers=H).json()
    assert person == {"personId": pid, "name": "mike", "userData": "d", "persistedFaceIds": [fid]}
    assert client.get(f"{base}/persons/{pid}/persistedfaces/{fid}", headers=H).json() == {"persistedFaceId": fid, "userData": "x"}
    assert [p["personId"] for p in client.get(f"{base}/persons", headers=H).json()] == [pid]
    assert client.delete(f"{base}/persons/{pid}/persistedfaces/{fid}", headers=H).status_code == 200
    assert_error(client.get(f"{base}/persons/{pid}/persistedfaces/{fid}", headers=H), 404, "PersistedFaceNotFound")
    assert client.delete(f"{base}/persons/{pid}", headers=H).status_code == 200
    assert_error(client.get(f"{base}/persons/{pid}", headers=H), 404, "PersonNotFound", "Person is not found.")


DOCS = {"profile": "docs"}


@pytest.mark.parametrize("version", ["v1.0", "v1.1-preview.1", "v1.2"])
@pytest.mark.parametrize("kind", ["persongroups", "largepersongroups"])
def test_observed_training_is_running_first_and_links_its_own_training(version: str, kind: str) -> None:
    client, clock = make_client(training_seconds=10)
    base = _group(client, version=version, kind=kind, persons=2, faces=5)  # duration 10 * (1 + 0.1 + 0.1) = 12 s
    code = "PersonGroupNotTrained" if kind == "persongroups" else "LargePersonGroupNotTrained"
    assert_error(client.get(f"{base}/training", headers=H), 404, code)
    clock.advance(3)
    train = client.post(f"{base}/train", headers=H)
    assert (train.status_code, train.content) == (202, b"")
    assert "retry-after" not in train.headers
    # Operation-Location names the group's own training status, absolute on the request's origin, on every version.
    assert train.headers["operation-location"] == f"http://testserver{base}/training"
    assert train.headers["access-control-expose-headers"] == "Operation-Location"
    statuses, bodies = [], []
    for step in (0, 2.3, 9.6, 0.1, 100):
        clock.advance(step)
        bodies.append(client.get(f"{base}/training", headers=H).json())
        statuses.append(bodies[-1]["status"])
    assert statuses == ["running", "running", "running", "succeeded", "succeeded"]
    running, done = bodies[0], bodies[-1]
    null_message = {"message"} if version == "v1.0" else set()
    assert set(running) == {"status", "createdDateTime", "lastActionDateTime"} | null_message
    assert running["lastActionDateTime"] == running["createdDateTime"] == "2024-03-05T11:08:01.000Z"  # the train call
    assert running.get("message", None) is None and done.get("message", None) is None
    with_id = {"lastSuccessfulTrainingId"} if kind == "persongroups" and version != "v1.0" else set()
    assert set(done) == {"status", "createdDateTime", "lastActionDateTime", "lastSuccessfulTrainingDateTime"} | with_id | null_message
    assert done["createdDateTime"] == running["createdDateTime"]
    assert done["lastSuccessfulTrainingDateTime"] == done["lastActionDateTime"] > done["createdDateTime"]
    if with_id:
        uuid.UUID(done["lastSuccessfulTrainingId"])


@pytest.mark.parametrize("version,not_started", [("v1.0", "nonstarted"), ("v1.2", "notStarted"), ("v1.1-preview.1", "notStarted")])
def test_docs_training_is_clock_driven_and_spelled_per_version(version: str, not_started: str) -> None:
    client, clock = make_client(training_seconds=10, **DOCS)
    base = _group(client, version=version, persons=2, faces=5)  # duration 10 * (1 + 0.1 + 0.1) = 12 s
    assert_error(client.get(f"{base}/training", headers=H), 404, "PersonGroupNotTrained", "Person group not trained.", error_code_header=True)
    train = client.post(f"{base}/train", headers=H)
    assert (train.status_code, train.content) == (202, b"")
    assert "retry-after" not in train.headers
    statuses = []
    for step in (0, 2.3, 9.6, 0.1, 100):
        clock.advance(step)
        body = client.get(f"{base}/training", headers=H).json()
        statuses.append(body["status"])
    assert statuses == [not_started, not_started, "running", "succeeded", "succeeded"]
    assert body["lastActionDateTime"].endswith("Z") and body["lastActionDateTime"] >= body["createdDateTime"]
    assert "message" not in body and "lastSuccessfulTrainingId" not in body
    if version == "v1.0":
        assert "operation-location" not in train.headers
    else:
        location = train.headers["operation-Location"]
        assert location.startswith(f"http://testserver/face/{version}/operations/")
        op = client.get(location.replace("http://testserver", ""), headers=H).json()
        assert op["status"] == "succeeded" and op["operationId"] == location.rsplit("/", 1)[1]
        assert op["createdTime"] <= op["lastActionTime"] == op["finishedTime"]


def _operation_path(client, base: str) -> str:
    """Train and return the path of the training's ``/operations/{id}``: the docs profile's link; under observed
    (which links ``/training``) read from the store, since the endpoint serves every training in both profiles."""
    location = client.post(f"{base}/train", headers=H).headers["operation-location"].replace("http://testserver", "")
    if "/operations/" in location:
        return location
    assert location == f"{base}/training"
    with face_state(client.app.state.store, KEY) as state:
        group = next(g for g in state.groups.values() if base.endswith("/" + g.group_id))
        return f"{base.split('/persongroups/')[0].split('/largepersongroups/')[0]}/operations/{group.operation_id}"


@pytest.mark.parametrize("profile", ["observed", "docs"])
def test_operations_agree_with_training_at_every_instant(profile: str) -> None:
    client, clock = make_client(training_seconds=5, profile=profile)
    base = _group(client)
    location = _operation_path(client, base)
    for _ in range(12):
        training = client.get(f"{base}/training", headers=H).json()["status"]
        operation = client.get(location, headers=H).json()["status"]
        assert training == operation
        clock.advance(0.5)
    assert training == "succeeded"


@pytest.mark.parametrize("persons,faces,message", [(0, 0, "There is no person in the person group."), (1, 0, "There is no persisted face in the person group.")])
def test_empty_group_training_fails_with_message(persons: int, faces: int, message: str) -> None:
    client, clock = make_client(training_seconds=1)
    base = _group(client, persons=persons, faces=faces)
    assert client.post(f"{base}/train", headers=H).status_code == 202
    assert client.get(f"{base}/training", headers=H).json()["status"] == "running"
    clock.advance(5)
    body = client.get(f"{base}/training", headers=H).json()
    assert (body["status"], body["message"]) == ("failed", message)
    assert "lastSuccessfulTrainingDateTime" not in body and "lastSuccessfulTrainingId" not in body


@pytest.mark.parametrize("persons,faces,message", [(0, 0, "There is no person in the person group."), (1, 0, "There is no persisted face in the person group.")])
def test_docs_empty_group_training_fails_with_message(persons: int, faces: int, message: str) -> None:
    client, clock = make_client(training_seconds=1, **DOCS)
    base = _group(client, persons=persons, faces=faces)
    assert client.post(f"{base}/train", headers=H).status_code == 202
    assert client.get(f"{base}/training", headers=H).json()["status"] == "notStarted"
    clock.advance(5)
    body = client.get(f"{base}/training", headers=H).json()
    assert (body["status"], body["message"], body["lastActionDateTime"]) == ("failed", message, None)


@pytest.mark.parametrize("profile", ["observed", "docs"])
def test_mutations_and_retrain_while_training_are_409_and_delete_cancels(profile: str) -> None:
    client, clock = make_client(training_seconds=10, profile=profile)
    base = _group(client)
    pid = client.get(f"{base}/persons", headers=H).json()[0]["personId"]
    location = _operation_path(client, base)
    conflict = ("PersonGroupTrainingNotFinished", "Person group is under training.")
    header = profile == "docs"
    assert_error(client.post(f"{base}/train", headers=H), 409, *conflict, error_code_header=header)
    assert_error(client.post(f"{base}/persons", json={"name": "x"}, headers=H), 409, *conflict, error_code_header=header)
    assert_error(client.delete(f"{base}/persons/{pid}", headers=H), 409, *conflict, error_code_header=header)
    assert_error(client.post(f"{base}/persons/{pid}/persistedfaces", content=face_image_bytes(), headers=OCTET), 409, *conflict, error_code_header=header)
    assert client.delete(base, headers=H).status_code == 200
    op = client.get(location, headers=H).json()
    assert op["status"] == "failed" and op["message"]


def test_retrain_after_success_keeps_last_successful_time_and_id() -> None:
    client, clock = make_client(training_seconds=1)
    base = _group(client)
    client.post(f"{base}/train", headers=H)
    clock.advance(5)
    first = client.get(f"{base}/training", headers=H).json()
    assert first["status"] == "succeeded"
    clock.advance(5)
    assert client.post(f"{base}/train", headers=H).status_code == 202
    again = client.get(f"{base}/training", headers=H).json()
    assert again["status"] == "running"
    assert again["lastSuccessfulTrainingDateTime"] == first["lastSuccessfulTrainingDateTime"]
    assert again["lastSuccessfulTrainingId"] == first["lastSuccessfulTrainingId"]
    assert again["createdDateTime"] == again["lastActionDateTime"] > first["lastActionDateTime"]
    clock.advance(5)
    second = client.get(f"{base}/training", headers=H).json()
    assert second["status"] == "succeeded" and second["lastSuccessfulTrainingId"] != first["lastSuccessfulTrainingId"]


def test_docs_retrain_after_success_keeps_last_successful_time() -> None:
    client, clock = make_client(training_seconds=1, **DOCS)
    base = _group(client)
    client.post(f"{base}/train", headers=H)
    clock.advance(5)
    first = client.get(f"{base}/training", headers=H).json()
    assert client.post(f"{base}/train", headers=H).status_code == 202
    again = client.get(f"{base}/training", headers=H).json()
    assert again["status"] == "notStarted"
    assert again["lastSuccessfulTrainingDateTime"] == first["lastSuccessfulTrainingDateTime"]
    assert again["lastActionDateTime"] == first["lastActionDateTime"]


def test_docs_v10_omits_last_successful_before_success_and_v12_sends_created() -> None:
    client, _ = make_client(**DOCS)
    for version in ("v1.0", "v1.2"):
        base = _group(client, version=version, gid=version.replace(".", ""))
        client.post(f"{base}/train", headers=H)
        body = client.get(f"{base}/training", headers=H).json()
        if version == "v1.0":
            assert "lastSuccessfulTrainingDateTime" not in body
        else:
            assert body["lastSuccessfulTrainingDateTime"] == body["createdDateTime"]
        assert body["lastActionDateTime"] is None


def test_observed_sends_no_last_successful_before_success_on_any_version() -> None:
    client, _ = make_client()
    for version in ("v1.0", "v1.1-preview.1", "v1.2-preview.1", "v1.2"):
        base = _group(client, version=version, gid=version.replace(".", "").replace("-", ""))
        client.post(f"{base}/train", headers=H)
        body = client.get(f"{base}/training", headers=H).json()
        assert body["status"] == "running"
        assert "lastSuccessfulTrainingDateTime" not in body and "lastSuccessfulTrainingId" not in body
        assert body["lastActionDateTime"] == body["createdDateTime"]


def test_observed_operation_location_follows_the_request_host() -> None:
    client, _ = make_client()
    base = _group(client)
    train = client.post(f"{base}/train", headers={**H, "host": "face.example.test:8443"})
    assert train.headers["operation-location"] == f"http://face.example.test:8443{base}/training"
    assert "/operations/" not in train.headers["operation-location"]


def test_docs_errors_carry_x_ms_error_code_and_observed_do_not() -> None:
    for profile, header in (("docs", True), ("observed", False)):
        client, _ = make_client(profile=profile)
        response = client.delete("/face/v1.2/persongroups/missing", headers=H)
        assert_error(response, 404, "PersonGroupNotFound", "Person group is not found.", error_code_header=header)
        assert response.headers["content-type"] == "application/json; charset=utf-8"


def test_resources_are_isolated_per_subscription_key() -> None:
    client, _ = make_client(keys=("key-a", "key-b"))
    a, b = {"Ocp-Apim-Subscription-Key": "key-a"}, {"Ocp-Apim-Subscription-Key": "key-b"}
    assert client.put("/face/v1.2/persongroups/g", json={"name": "n"}, headers=a).status_code == 200
    assert_error(client.get("/face/v1.2/persongroups/g", headers=b), 404, "PersonGroupNotFound")
    assert client.put("/face/v1.2/persongroups/g", json={"name": "n"}, headers=b).status_code == 200
    assert client.get("/face/v1.2/persongroups", headers=a).json() == [{"personGroupId": "g", "name": "n"}]


@pytest.mark.parametrize(
    "method,path,kwargs,status,code,message",
    [
        ("get", "/face/v1.2/persongroups/UPPER", {}, 404, "PersonGroupNotFound", "Person group ID is invalid."),
        ("get", "/face/v1.2/persongroups/" + "a" * 65, {}, 404, "PersonGroupNotFound", "Person group ID is invalid."),
        ("put", "/face/v1.2/persongroups/Bad!", {"json": {"name": "n"}}, 400, "BadArgument", "Person group ID is invalid."),
        ("get", "/face/v1.2/largepersongroups/x y", {}, 404, "LargePersonGroupNotFound", "Large person group ID is invalid."),
        ("get", "/face/v1.2/persongroups/missing", {}, 404, "PersonGroupNotFound", "Person group is not found."),
        ("get", "/face/v1.2/persongroups/g1/persons/not-a-uuid", {}, 404, "PersonNotFound", "Person ID is invalid."),
        ("get", "/face/v1.2/persongroups/g1/persons/5f0f5a1e-2d3c-4b5a-8796-a5b4c3d2e1f0", {}, 404, "PersonNotFound", "Person is not found."),
        ("put", "/face/v1.2/persongroups/n", {"json": {}}, 400, "BadArgument", "'name' is empty."),
        ("put", "/face/v1.2/persongroups/n", {"json": {"name": ""}}, 400, "BadArgument", "'name' is empty."),
        ("put", "/face/v1.2/persongroups/n", {"json": {"name": "x" * 129}}, 400, "BadArgument", "'name' is too long."),
        ("put", "/face/v1.2/persongroups/n", {"json": {"name": "x", "userData": "u" * 16385}}, 400, "BadArgument", "'userData' is too long."),
        ("put", "/face/v1.2/persongroups/n", {"json": {"name": "x", "recognitionModel": "recognition_v01"}}, 400, "BadArgument", "'recognitionModel' is invalid."),
        ("put", "/face/v1.2/persongroups/n", {"json": ["name"]}, 400, "BadArgument", "Request body is invalid."),
        ("put", "/face/v1.2/persongroups/n", {"json": {"name": 5}}, 400, "BadArgument", "Request body is invalid."),
        ("put", "/face/v1.2/persongroups/n", {"content": b"{", "headers": {"content-type": "application/json"}}, 400, "BadArgument", "JSON parsing error."),
        ("put", "/face/v1.2/persongroups/n", {"content": b"name=x", "headers": {"content-type": "application/x-www-form-urlencoded"}}, 415, "BadArgument", "Invalid Media Type."),
        ("get", "/face/v1.2/persongroups?top=0", {}, 400, "BadArgument", "'top' is invalid."),
        ("get", "/face/v1.2/persongroups?top=abc", {}, 400, "BadArgument", "'top' is invalid."),
        ("get", "/face/v1.2/persongroups?start=" + "a" * 65, {}, 400, "BadArgument", "'start' is too long."),
        ("get", "/face/v1.2/operations/nope", {}, 400, "BadArgument", None),
        ("get", "/face/v1.2/operations/0d6b3c2a-1e4f-4a5b-9c8d-7e6f5a4b3c2d", {}, 404, "NotFound", None),
        ("get", "/face/v1.0/operations/0d6b3c2a-1e4f-4a5b-9c8d-7e6f5a4b3c2d", {}, 404, "NotFound", "Resource not found."),
        ("get", "/face/v9.9/persongroups/g1", {}, 404, "NotFound", None),
        ("get", "/nowhere", {}, 404, "NotFound", "Resource not found."),
        ("get", "/face/v1.2/persongroups/g1/bogus", {}, 404, "NotFound", "Resource not found."),
    ],
)
def test_error_paths_return_documented_envelope(method, path, kwargs, status, code, message) -> None:
    client, _ = make_client()
    client.put("/face/v1.2/persongroups/g1", json={"name": "g"}, headers=H)
    headers = {**H, **kwargs.pop("headers", {})}
    response = getattr(client, method)(path, headers=headers, **kwargs)
    assert_error(response, status, code, message)


def test_wrong_method_is_405_with_allow() -> None:
    client, _ = make_client()
    response = client.post("/face/v1.2/persongroups/g1", headers=H)
    assert_error(response, 405, "MethodNotAllowed")
    assert response.headers["allow"] == "DELETE, GET, PATCH, PUT"


@pytest.mark.parametrize("version,code", [("v1.0", "Unspecified"), ("v1.2", "401"), ("v1.2-preview.1", "401")])
def test_missing_or_wrong_key_is_401(version: str, code: str) -> None:
    client, _ = make_client()
    for headers in ({}, {"Ocp-Apim-Subscription-Key": "wrong"}, {"Authorization": "Bearer token"}):
        response = client.get(f"/face/{version}/persongroups", headers=headers)
        assert_error(response, 401, code, "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.")


@pytest.mark.parametrize(
    "query,content,content_type,status,code,message",
    [
        ("", b"x" * 10, "application/octet-stream", 400, "InvalidImageSize", "Image size is too small."),
        ("", b"x" * 4000, "application/octet-stream", 400, "InvalidImage", "Decoding error, image format unsupported."),
        ("", None, "text/plain", 415, "BadArgument", "Invalid Media Type."),
        ("?targetFace=1,2,3", None, "application/octet-stream", 400, "BadArgument", "Invalid argument targetFace."),
        ("?targetFace=0,0,65,10", None, "application/octet-stream", 400, "BadArgument", "Argument targetFace out of range."),
        ("?detectionModel=detection_09", None, "application/octet-stream", 400, "BadArgument", "'detectionModel' is invalid."),
        ("?userData=" + "u" * 1025, None, "application/octet-stream", 400, "BadArgument", "'userData' is too long."),
    ],
)
def test_add_face_errors(query, content, content_type, status, code, message) -> None:
    client, _ = make_client()
    base = _group(client, faces=0)
    pid = client.get(f"{base}/persons", headers=H).json()[0]["personId"]
    body = content if content is not None else face_image_bytes()
    response = client.post(f"{base}/persons/{pid}/persistedfaces{query}", content=body, headers={**H, "content-type": content_type})
    assert_error(response, status, code, message)


def test_oversized_image_is_400_invalid_image_size() -> None:
    client, _ = make_client()
    base = _group(client, faces=0)
    pid = client.get(f"{base}/persons", headers=H).json()[0]["personId"]
    response = client.post(f"{base}/persons/{pid}/persistedfaces", content=b"\0" * (6 * 1024 * 1024 + 1), headers=OCTET)
    assert_error(response, 400, "InvalidImageSize", "Image size is too big.")


def test_oversized_json_body_is_413() -> None:
    client, _ = make_client()
    response = client.put("/face/v1.2/persongroups/g", content=b" " * (1024 * 1024 + 1), headers={**H, "content-type": "application/json"})
    assert_error(response, 413, "BadArgument")


def test_face_quota_is_248_per_person() -> None:
    from cognitive_conformance.emulator.config import Limits

    client, _ = make_client(limits=Limits(max_faces_per_person=2))
    base = _group(client, faces=2)
    pid = client.get(f"{base}/persons", headers=H).json()[0]["personId"]
    response = client.post(f"{base}/persons/{pid}/persistedfaces", content=face_image_bytes(), headers=OCTET)
    assert_error(response, 403, "QuotaExceeded", "Persisted face number reached limit.")
    assert Limits().max_faces_per_person == 248


def test_add_face_from_url_downloads_with_the_configured_transport() -> None:
    image = face_image_bytes()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/face.png":
            return httpx.Response(200, content=image)
        return httpx.Response(404)

    client, _ = make_client(image_fetch_transport=httpx.MockTransport(handler), allow_fetch=("images.test",))
    base = _group(client, faces=0)
    pid = client.get(f"{base}/persons", headers=H).json()[0]["personId"]
    ok = client.post(f"{base}/persons/{pid}/persistedfaces", json={"url": "http://images.test/face.png"}, headers=H)
    assert ok.status_code == 200 and uuid.UUID(ok.json()["persistedFaceId"])
    missing = client.post(f"{base}/persons/{pid}/persistedfaces", json={"url": "http://images.test/nope"}, headers=H)
    assert_error(missing, 400, "InvalidURL")
    assert missing.json()["error"]["message"].startswith("Invalid image URL or error downloading")
    for bad in ("ftp://images.test/a.png", "not a url", ""):
        assert_error(client.post(f"{base}/persons/{pid}/persistedfaces", json={"url": bad}, headers=H), 400, "InvalidURL", "Invalid image URL.")


def test_responses_carry_request_id_and_echo_client_id() -> None:
    client, _ = make_client()
    r = client.get("/face/v1.2/persongroups", headers={**H, "x-ms-client-request-id": "abc-123"})
    assert uuid.UUID(r.headers["apim-request-id"]) and r.headers["x-ms-client-request-id"] == "abc-123"
    assert uuid.UUID(client.get("/nowhere").headers["apim-request-id"])


def test_ids_with_control_characters_still_reach_the_face_routes() -> None:
    client, _ = make_client()
    assert_error(client.get("/face/v1.2/persongroups/a%0Ab/persons/%C3%AFx", headers=H), 404, "PersonGroupNotFound", "Person group ID is invalid.")
    assert_error(client.get("/face/v1.2/persongroups/%00", headers=H), 404, "PersonGroupNotFound")


@pytest.mark.parametrize(
    "body",
    [
        {"name": "g", "userData": None},
        {"name": "g", "recognitionModel": None},
        {"name": None},
    ],
)
def test_null_for_a_string_property_is_rejected_not_read_as_absent(body) -> None:
    """Found by the coverage phase: null name/userData/recognitionModel were accepted (the F12 schema says string)."""
    from starlette.testclient import TestClient

    from cognitive_conformance.emulator.app import create_app
    from cognitive_conformance.emulator.config import EmulatorConfig

    key = "n" * 32
    with TestClient(create_app(EmulatorConfig(keys=(key,))), base_url="http://t") as c:
        r = c.put("/face/v1.2/persongroups/g", json=body, headers={"Ocp-Apim-Subscription-Key": key})
        assert r.status_code == 400 and r.json()["error"]["code"] == "BadArgument"
        assert "x-ms-error-code" not in r.headers  # observed profile (default): none, as recorded
        c.put("/face/v1.2/persongroups/g", json={"name": "g"}, headers={"Ocp-Apim-Subscription-Key": key})
        r = c.patch("/face/v1.2/persongroups/g", json={"userData": None}, headers={"Ocp-Apim-Subscription-Key": key})
        assert r.status_code == 400


def test_first_page_is_the_sorted_prefix_for_few_and_many_items() -> None:
    import random

    from cognitive_conformance.emulator.services.face.state import first_page

    rng = random.Random(7)
    for size, top in ((0, 5), (3, 5), (40, 5), (41, 5), (500, 1), (500, 1000)):
        ids = [f"{rng.getrandbits(64):016x}" for _ in range(size)]
        assert first_page(iter(ids), size, top, str) == sorted(ids)[:top], (size, top)
