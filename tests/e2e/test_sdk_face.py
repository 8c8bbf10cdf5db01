"""The official Face SDKs, unmodified, against the emulator over real HTTP.

* ``azure-ai-vision-face==1.0.0b2``: LargePersonGroup on v1.2-preview.1; ``begin_train``'s poller follows
  ``Operation-Location`` to the group's ``/training`` (default, observed profile, as the SDK's own recordings
  show) or to ``/operations/{id}`` (``docs`` profile). PersonGroup: 1.0.0b2, the newest release on PyPI, has no
  PersonGroup operations (its recorded ``test_identify_from_person_group`` came from later, unreleased source), so
  the PersonGroup flow goes through the same SDK client's pipeline (``send_request``: its endpoint template, key
  credential, headers, retry policy) and is polled by the very poller ``begin_train`` builds: azure-core's
  ``LROPoller`` with ``LROBasePolling`` on the train's 202, with the client's path format arguments.
* ``azure-ai-vision-face==1.0.0b2``: detect → train → identify for a LargePersonGroup (its methods) and a PersonGroup
  (the same pipeline, ``send_request``), as the SDK's recorded test_identify does.
* ``azure-cognitiveservices-vision-face==0.6.1``: PersonGroup on v1.0; poll ``get_training_status``.
Both expect exactly 200 on every call but train (202).
"""

from __future__ import annotations

import io
import time
import warnings

import pytest

from typing import Iterator

from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, running
from tests.conftest import face_image_bytes

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def docs_emulator_url() -> Iterator[str]:
    with running(EmulatorConfig(training_seconds=0.2, profile="docs")) as base_url:
        yield base_url


@pytest.mark.parametrize("profile", ["observed", "docs"])
def test_azure_ai_vision_face_large_person_group_flow(profile: str, emulator_url: str, request: pytest.FixtureRequest) -> None:
    if profile == "docs":
        emulator_url = request.getfixturevalue("docs_emulator_url")
    from azure.ai.vision.face import FaceAdministrationClient
    from azure.ai.vision.face.models import FaceOperationStatus
    from azure.core.credentials import AzureKeyCredential
    from azure.core.exceptions import ResourceNotFoundError

    client = FaceAdministrationClient(endpoint=emulator_url, credential=AzureKeyCredential(DEFAULT_KEY))
    groups = client.large_person_group
    gid = "sdk-large-group"
    groups.create(gid, name="SDK group", user_data="from the new SDK", recognition_model="recognition_04")
    got = groups.get(gid, return_recognition_model=True)
    assert (got.large_person_group_id, got.name, got.recognition_model) == (gid, "SDK group", "recognition_04")
    person = groups.create_person(gid, name="Bill", user_data="person")
    face = groups.add_face(gid, person.person_id, face_image_bytes(), user_data="face one")
    assert face.persisted_face_id
    with pytest.raises(ResourceNotFoundError):
        groups.get_training_status(gid)
    urls: list[str] = []
    poller = groups.begin_train(gid, polling_interval=0.05, raw_response_hook=lambda r: urls.append(r.http_request.url))
    assert poller.result(timeout=15) is None
    assert poller.status().lower() == "succeeded"
    if profile == "docs":
        polled = [u for u in urls if "/operations/" in u]
        assert polled and all(u.startswith(f"{emulator_url}/face/v1.2-preview.1/operations/") for u in polled)
    else:
        polled = [u for u in urls if u.endswith("/training")]
        assert polled and all(u == f"{emulator_url}/face/v1.2-preview.1/largepersongroups/{gid}/training" for u in polled)
        assert not any("/operations/" in u for u in urls)
    status = groups.get_training_status(gid)
    assert status.status == FaceOperationStatus.SUCCEEDED
    assert status.last_action_date_time >= status.created_date_time
    groups.delete(gid)
    with pytest.raises(ResourceNotFoundError) as info:
        groups.get(gid)
    assert info.value.error.code == "LargePersonGroupNotFound"


def _person_group_begin_train(client, gid: str, interval: float, **kwargs):
    """``begin_train`` for a PersonGroup, built as 1.0.0b2 builds it for a LargePersonGroup."""
    from azure.core.polling import LROPoller
    from azure.core.polling.base_polling import LROBasePolling
    from azure.core.rest import HttpRequest

    arguments = {"endpoint": client._config.endpoint, "apiVersion": client._config.api_version}
    request = HttpRequest("POST", client._client.format_url(f"/persongroups/{gid}/train", **arguments), headers={"Accept": "application/json"})
    initial = client._client._pipeline.run(request, stream=True)
    assert initial.http_response.status_code == 202
    initial.http_response.read()
    return LROPoller(client._client, initial, lambda response: None, LROBasePolling(interval, path_format_arguments=arguments, **kwargs))


@pytest.mark.parametrize("profile", ["observed", "docs"])
def test_azure_ai_vision_face_person_group_train_poll(profile: str, emulator_url: str, request: pytest.FixtureRequest) -> None:
    if profile == "docs":
        emulator_url = request.getfixturevalue("docs_emulator_url")
    from azure.ai.vision.face import FaceAdministrationClient
    from azure.core.credentials import AzureKeyCredential
    from azure.core.rest import HttpRequest

    client = FaceAdministrationClient(endpoint=emulator_url, credential=AzureKeyCredential(DEFAULT_KEY))
    gid = f"sdk-person-group-{profile}"

    def call(method: str, path: str, **kw):
        return client.send_request(HttpRequest(method, path, **kw))

    assert call("PUT", f"/persongroups/{gid}", json={"name": "SDK group", "recognitionModel": "recognition_04"}).status_code == 200
    person = call("POST", f"/persongroups/{gid}/persons", json={"name": "Bill"})
    assert person.status_code == 200
    pid = person.json()["personId"]
    face = call("POST", f"/persongroups/{gid}/persons/{pid}/persistedfaces", content=face_image_bytes(),
                headers={"Content-Type": "application/octet-stream"}, params={"detectionModel": "detection_03"})
    assert face.status_code == 200 and face.json()["persistedFaceId"]
    assert call("GET", f"/persongroups/{gid}/training").json()["error"]["code"] == "PersonGroupNotTrained"
    urls: list[str] = []
    poller = _person_group_begin_train(client, gid, 0.05, raw_response_hook=lambda r: urls.append(r.http_request.url))
    assert poller.result(timeout=15) is None
    assert poller.status().lower() == "succeeded"
    if profile == "docs":
        assert urls and all(u.startswith(f"{emulator_url}/face/v1.2-preview.1/operations/") for u in urls)
    else:
        assert urls and all(u == f"{emulator_url}/face/v1.2-preview.1/persongroups/{gid}/training" for u in urls)
    status = call("GET", f"/persongroups/{gid}/training").json()
    assert status["status"] == "succeeded" and status["lastActionDateTime"] >= status["createdDateTime"]
    assert call("DELETE", f"/persongroups/{gid}").status_code == 200
    assert call("GET", f"/persongroups/{gid}").json()["error"]["code"] == "PersonGroupNotFound"


def test_azure_ai_vision_face_surfaces_failed_training(emulator_url: str) -> None:
    from azure.ai.vision.face import FaceAdministrationClient
    from azure.core.credentials import AzureKeyCredential
    from azure.core.exceptions import HttpResponseError

    client = FaceAdministrationClient(endpoint=emulator_url, credential=AzureKeyCredential(DEFAULT_KEY))
    gid = "sdk-empty-group"
    client.large_person_group.create(gid, name="empty")
    poller = client.large_person_group.begin_train(gid, polling_interval=0.05)
    with pytest.raises(HttpResponseError):
        poller.result(timeout=15)
    assert poller.status().lower() == "failed"
    client.large_person_group.delete(gid)


def test_azure_ai_vision_face_wrong_key_is_client_authentication_error(emulator_url: str) -> None:
    from azure.ai.vision.face import FaceAdministrationClient
    from azure.core.credentials import AzureKeyCredential
    from azure.core.exceptions import ClientAuthenticationError

    client = FaceAdministrationClient(endpoint=emulator_url, credential=AzureKeyCredential("wrong-key"))
    with pytest.raises(ClientAuthenticationError) as info:
        client.large_person_group.get("anything")
    assert info.value.error.code == "401"


def test_azure_cognitiveservices_vision_face_person_group_flow(emulator_url: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from azure.cognitiveservices.vision.face import FaceClient
        from azure.cognitiveservices.vision.face.models import APIErrorException, TrainingStatusType
        from msrest.authentication import CognitiveServicesCredentials

    client = FaceClient(emulator_url, CognitiveServicesCredentials(DEFAULT_KEY))
    gid = "sdk-legacy-group"
    client.person_group.create(gid, name="legacy", user_data="old SDK", recognition_model="recognition_01")
    assert client.person_group.get(gid).name == "legacy"
    person = client.person_group_person.create(gid, name="Ada")
    face = client.person_group_person.add_face_from_stream(gid, person.person_id, io.BytesIO(face_image_bytes()), user_data="f", target_face=[1, 1, 30, 30])
    assert face.persisted_face_id
    client.person_group.train(gid)
    seen = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        status = client.person_group.get_training_status(gid)
        seen.append(status.status)
        if status.status in (TrainingStatusType.succeeded, TrainingStatusType.failed):
            break
        time.sleep(0.05)
    assert seen[-1] == TrainingStatusType.succeeded
    assert all(isinstance(s, TrainingStatusType) for s in seen)  # every value is in the v1.0 enum (nonstarted...)
    assert status.created is not None and status.last_action is not None
    client.person_group.delete(gid)
    with pytest.raises(APIErrorException) as info:
        client.person_group.get(gid)
    assert info.value.response.status_code == 404 and info.value.error.error.code == "PersonGroupNotFound"


def _two_faces() -> tuple[bytes, bytes]:
    return face_image_bytes(seed=11), face_image_bytes(seed=12)


def test_azure_ai_vision_face_detect_train_identify_large_person_group(emulator_url: str) -> None:
    """detect → create, add faces, train → identify, as the SDK's own test_identify does (its recording is shipped)."""
    from azure.ai.vision.face import FaceAdministrationClient, FaceClient
    from azure.ai.vision.face.models import FaceDetectionModel, FaceRecognitionModel
    from azure.core.credentials import AzureKeyCredential
    from azure.core.exceptions import HttpResponseError

    credential = AzureKeyCredential(DEFAULT_KEY)
    admin = FaceAdministrationClient(endpoint=emulator_url, credential=credential)
    face = FaceClient(endpoint=emulator_url, credential=credential)
    images = _two_faces()
    detected = [
        face.detect(image, detection_model=FaceDetectionModel.DETECTION03, recognition_model=FaceRecognitionModel.RECOGNITION04, return_face_id=True)
        for image in images
    ]
    face_ids = [d[0].face_id for d in detected]
    assert all(len(d) == 1 and d[0].face_rectangle.width > 0 for d in detected) and len(set(face_ids)) == 2
    gid = "sdk-identify-large"
    groups = admin.large_person_group
    groups.create(gid, name="identify", recognition_model=FaceRecognitionModel.RECOGNITION04)
    with pytest.raises(HttpResponseError) as info:  # never trained
        face.identify_from_large_person_group(face_ids=face_ids, large_person_group_id=gid)
    assert (info.value.status_code, info.value.error.code) == (400, "LargePersonGroupNotTrained")
    persons = []
    for i, image in enumerate(images):
        person = groups.create_person(gid, name=f"person {i}")
        groups.add_face(gid, person.person_id, image, detection_model=FaceDetectionModel.DETECTION03)
        persons.append(person.person_id)
    groups.begin_train(gid, polling_interval=0.05).result(timeout=15)
    results = face.identify_from_large_person_group(face_ids=face_ids, large_person_group_id=gid)
    assert [r.face_id for r in results] == face_ids
    assert [r.candidates[0].person_id for r in results] == persons
    assert all(r.candidates[0].confidence >= 0.9 for r in results)
    assert {c.person_id for r in results for c in r.candidates} <= set(persons)
    groups.delete(gid)


def test_azure_ai_vision_face_detect_train_identify_person_group(emulator_url: str) -> None:
    """The PersonGroup flow of the shipped recording: azure-ai-vision-face 1.0.0b2 has no PersonGroup or Identify From
    Person Group methods, so the SDK's own pipeline sends them (``send_request``), with its auth and endpoint handling."""
    from azure.ai.vision.face import FaceAdministrationClient, FaceClient
    from azure.core.credentials import AzureKeyCredential
    from azure.core.rest import HttpRequest

    credential = AzureKeyCredential(DEFAULT_KEY)
    admin = FaceAdministrationClient(endpoint=emulator_url, credential=credential)
    face = FaceClient(endpoint=emulator_url, credential=credential)
    images = _two_faces()
    face_ids = [face.detect(image, detection_model="detection_03", recognition_model="recognition_04", return_face_id=True)[0].face_id for image in images]
    base = "/face/v1.2-preview.1/persongroups/sdk-identify"

    def send(client, method: str, path: str, **kwargs):
        response = client.send_request(HttpRequest(method, f"{emulator_url}{path}", **kwargs))
        return response

    assert send(admin, "PUT", base, json={"name": "identify", "recognitionModel": "recognition_04"}).status_code == 200
    untrained = send(face, "POST", "/face/v1.2-preview.1/identify", json={"faceIds": face_ids, "personGroupId": "sdk-identify"})
    assert (untrained.status_code, untrained.json()["error"]["code"]) == (400, "PersonGroupNotTrained")
    persons = []
    for i, image in enumerate(images):
        person_id = send(admin, "POST", f"{base}/persons", json={"name": f"person {i}"}).json()["personId"]
        added = send(admin, "POST", f"{base}/persons/{person_id}/persistedfaces", params={"detectionModel": "detection_03"},
                     content=image, headers={"Content-Type": "application/octet-stream"})
        assert added.status_code == 200
        persons.append(person_id)
    assert send(admin, "POST", f"{base}/train").status_code == 202
    deadline = time.monotonic() + 15
    while send(admin, "GET", f"{base}/training").json()["status"] != "succeeded" and time.monotonic() < deadline:
        time.sleep(0.05)
    identified = send(face, "POST", "/face/v1.2-preview.1/identify", json={"faceIds": face_ids, "personGroupId": "sdk-identify"})
    assert identified.status_code == 200
    assert [r["candidates"][0]["personId"] for r in identified.json()] == persons
    assert send(admin, "DELETE", base).status_code == 200
