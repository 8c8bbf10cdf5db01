"""Named malformed inputs, each answered with its documented 4xx: status, error code and the service's envelope.

Each row: a name, the request, the expected status and ``error.code``, and the document that says so.
The test also holds every row to the rendered spec: the status is documented for the operation, and
where the spec lists the codes of that status (``x-error-codes``) the expected code is one of them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest

from cognitive_conformance.conformance.spec import Spec
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize
from tests.conftest import face_image_bytes
from tests.reliability.common import KEY_A, make_client
from tests.resources import Resources

pytestmark = pytest.mark.reliability

FACE_ERRORS = "https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes"
FACE_SPEC = "https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json"
SPEAKER_SPEC = ("https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/"
                "data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json")
CV_SPEC = ("https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/"
           "data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json")
CV_ERRORS = "https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview"

F = "/face/v1.2"
TI = "/speaker-recognition/identification/text-independent"
SV = {"api-version": "2021-09-05"}
CV = {"api-version": "2024-02-01-preview"}
NEW = str(uuid.UUID(int=12345))
JUNK = bytes(range(256)) * 8
WAV = synthesize(speaker=SPEAKERS[1], duration_s=1.0, seed=4)


@dataclass(frozen=True)
class Row:
    name: str
    operation: str
    method: str
    path: str
    status: int
    code: str
    doc: str
    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] | None = None
    files: list | None = None
    key: str | None = KEY_A


def _octet(**extra: str) -> dict[str, str]:
    return {"Content-Type": "application/octet-stream", **extra}


ROWS = [
    # --- Face: person groups
    Row("face-group-id-uppercase", "PersonGroupOperations_CreatePersonGroup", "PUT", f"{F}/persongroups/UPPER", 400, "BadArgument", FACE_SPEC, json={"name": "x"}),
    Row("face-group-id-too-long", "PersonGroupOperations_CreatePersonGroup", "PUT", f"{F}/persongroups/{'a' * 65}", 400, "BadArgument", FACE_SPEC, json={"name": "x"}),
    Row("face-group-id-encoded-slash", "PersonGroupOperations_GetPersonGroup", "GET", f"{F}/persongroups/pea%2Fpersons", 404, "PersonGroupNotFound", FACE_ERRORS),
    Row("face-group-id-dot-segment", "PersonGroupOperations_GetPersonGroup", "GET", f"{F}/persongroups/%2E%2E", 404, "PersonGroupNotFound", FACE_ERRORS),
    Row("face-group-name-missing", "PersonGroupOperations_CreatePersonGroup", "PUT", f"{F}/persongroups/newgroup", 400, "BadArgument", FACE_ERRORS, json={}),
    Row("face-group-name-too-long", "PersonGroupOperations_CreatePersonGroup", "PUT", f"{F}/persongroups/newgroup", 400, "BadArgument", FACE_ERRORS, json={"name": "n" * 129}),
    Row("face-group-user-data-too-long", "PersonGroupOperations_CreatePersonGroup", "PUT", f"{F}/persongroups/newgroup", 400, "BadArgument", FACE_ERRORS, json={"name": "n", "userData": "u" * 16385}),
    Row("face-group-json-truncated", "PersonGroupOperations_CreatePersonGroup", "PUT", f"{F}/persongroups/newgroup", 400, "BadArgument", FACE_ERRORS, content=b'{"name": ', headers={"Content-Type": "application/json"}),
    Row("face-group-json-array", "PersonGroupOperations_CreatePersonGroup", "PUT", f"{F}/persongroups/newgroup", 400, "BadArgument", FACE_ERRORS, json=["name"]),
    Row("face-group-name-not-string", "PersonGroupOperations_CreatePersonGroup", "PUT", f"{F}/persongroups/newgroup", 400, "BadArgument", FACE_ERRORS, json={"name": 5}),
    Row("face-group-text-plain", "PersonGroupOperations_CreatePersonGroup", "PUT", f"{F}/persongroups/newgroup", 415, "BadArgument", FACE_SPEC, content=b'{"name":"x"}', headers={"Content-Type": "text/plain"}),
    Row("face-group-recognition-model-unknown", "PersonGroupOperations_CreatePersonGroup", "PUT", f"{F}/persongroups/newgroup", 400, "BadArgument", FACE_ERRORS, json={"name": "x", "recognitionModel": "recognition_99"}),
    Row("face-group-exists", "PersonGroupOperations_CreatePersonGroup", "PUT", f"{F}/persongroups/pea", 409, "PersonGroupExists", FACE_ERRORS, json={"name": "x"}),
    Row("face-group-not-found", "PersonGroupOperations_GetPersonGroup", "GET", f"{F}/persongroups/nosuchgroup", 404, "PersonGroupNotFound", FACE_ERRORS),
    Row("face-group-update-not-found", "PersonGroupOperations_UpdatePersonGroup", "PATCH", f"{F}/persongroups/nosuchgroup", 404, "PersonGroupNotFound", FACE_ERRORS, json={"name": "x"}),
    Row("face-group-delete-not-found", "PersonGroupOperations_DeletePersonGroup", "DELETE", f"{F}/persongroups/nosuchgroup", 404, "PersonGroupNotFound", FACE_ERRORS),
    Row("face-train-not-found", "PersonGroupOperations_TrainPersonGroup", "POST", f"{F}/persongroups/nosuchgroup/train", 404, "PersonGroupNotFound", FACE_ERRORS),
    Row("face-training-never-trained", "PersonGroupOperations_GetPersonGroupTrainingStatus", "GET", f"{F}/persongroups/untrained/training", 404, "PersonGroupNotTrained", FACE_ERRORS),
    Row("face-training-encoded-slash", "PersonGroupOperations_GetPersonGroupTrainingStatus", "GET", f"{F}/persongroups/pea%2Fx/training", 404, "PersonGroupNotFound", FACE_ERRORS),
    Row("face-groups-top-zero", "PersonGroupOperations_GetPersonGroups", "GET", f"{F}/persongroups", 400, "BadArgument", FACE_SPEC, params={"top": "0"}),
    Row("face-groups-top-over-1000", "PersonGroupOperations_GetPersonGroups", "GET", f"{F}/persongroups", 400, "BadArgument", FACE_SPEC, params={"top": "1001"}),
    Row("face-groups-top-not-a-number", "PersonGroupOperations_GetPersonGroups", "GET", f"{F}/persongroups", 400, "BadArgument", FACE_SPEC, params={"top": "ten"}),
    Row("face-no-key", "PersonGroupOperations_GetPersonGroups", "GET", f"{F}/persongroups", 401, "401", FACE_ERRORS, key=None),
    Row("face-wrong-key", "PersonGroupOperations_GetPersonGroups", "GET", f"{F}/persongroups", 401, "401", FACE_ERRORS, key="not-the-key"),
    # --- Face: persons and faces
    Row("face-person-id-not-uuid", "PersonGroupOperations_GetPersonGroupPerson", "GET", f"{F}/persongroups/pea/persons/not-a-uuid", 404, "PersonNotFound", FACE_ERRORS),
    Row("face-person-not-found", "PersonGroupOperations_GetPersonGroupPerson", "GET", f"{F}/persongroups/pea/persons/{NEW}", 404, "PersonNotFound", FACE_ERRORS),
    Row("face-person-name-missing", "PersonGroupOperations_CreatePersonGroupPerson", "POST", f"{F}/persongroups/pea/persons", 400, "BadArgument", FACE_ERRORS, json={}),
    Row("face-person-in-missing-group", "PersonGroupOperations_CreatePersonGroupPerson", "POST", f"{F}/persongroups/nosuchgroup/persons", 404, "PersonGroupNotFound", FACE_ERRORS, json={"name": "p"}),
    Row("face-face-id-not-uuid", "PersonGroupOperations_GetPersonGroupPersonFace", "GET", f"{F}/persongroups/pea/persons/{{person}}/persistedfaces/xyz", 404, "PersistedFaceNotFound", FACE_ERRORS),
    Row("face-add-face-empty", "PersonGroupOperations_AddPersonGroupPersonFace", "POST", f"{F}/persongroups/pea/persons/{{person}}/persistedfaces", 400, "InvalidImageSize", FACE_ERRORS, content=b"", headers=_octet()),
    Row("face-add-face-too-small", "PersonGroupOperations_AddPersonGroupPersonFace", "POST", f"{F}/persongroups/pea/persons/{{person}}/persistedfaces", 400, "InvalidImageSize", FACE_ERRORS, content=b"\x89PNG" + b"x" * 100, headers=_octet()),
    Row("face-add-face-not-an-image", "PersonGroupOperations_AddPersonGroupPersonFace", "POST", f"{F}/persongroups/pea/persons/{{person}}/persistedfaces", 400, "InvalidImage", FACE_ERRORS, content=JUNK, headers=_octet()),
    Row("face-add-face-url-missing", "PersonGroupOperations_AddPersonGroupPersonFaceFromUrl", "POST", f"{F}/persongroups/pea/persons/{{person}}/persistedfaces", 400, "InvalidURL", FACE_ERRORS, json={}),
    Row("face-add-face-url-ftp", "PersonGroupOperations_AddPersonGroupPersonFaceFromUrl", "POST", f"{F}/persongroups/pea/persons/{{person}}/persistedfaces", 400, "InvalidURL", FACE_ERRORS, json={"url": "ftp://images.example/a.png"}),
    Row("face-add-face-url-loopback", "PersonGroupOperations_AddPersonGroupPersonFaceFromUrl", "POST", f"{F}/persongroups/pea/persons/{{person}}/persistedfaces", 400, "InvalidURL", FACE_ERRORS, json={"url": "http://127.0.0.1:9/a.png"}),
    Row("face-add-face-url-metadata", "PersonGroupOperations_AddPersonGroupPersonFaceFromUrl", "POST", f"{F}/persongroups/pea/persons/{{person}}/persistedfaces", 400, "InvalidURL", FACE_ERRORS, json={"url": "http://169.254.169.254/latest/meta-data/"}),
    Row("face-add-face-target-outside", "PersonGroupOperations_AddPersonGroupPersonFace", "POST", f"{F}/persongroups/pea/persons/{{person}}/persistedfaces", 400, "BadArgument", FACE_ERRORS, content=face_image_bytes(seed=5), headers=_octet(), params={"targetFace": "0,0,5000,5000"}),
    Row("face-add-face-target-malformed", "PersonGroupOperations_AddPersonGroupPersonFace", "POST", f"{F}/persongroups/pea/persons/{{person}}/persistedfaces", 400, "BadArgument", FACE_ERRORS, content=face_image_bytes(seed=5), headers=_octet(), params={"targetFace": "a,b"}),
    Row("face-add-face-detection-model-unknown", "PersonGroupOperations_AddPersonGroupPersonFace", "POST", f"{F}/persongroups/pea/persons/{{person}}/persistedfaces", 400, "BadArgument", FACE_ERRORS, content=face_image_bytes(seed=5), headers=_octet(), params={"detectionModel": "detection_99"}),
    # --- Face: large person groups, face lists, large face lists
    Row("face-large-group-not-found", "PersonGroupOperations_GetLargePersonGroup", "GET", f"{F}/largepersongroups/nosuchgroup", 404, "LargePersonGroupNotFound", FACE_ERRORS),
    Row("face-large-group-never-trained", "PersonGroupOperations_GetLargePersonGroupTrainingStatus", "GET", f"{F}/largepersongroups/untrained/training", 404, "LargePersonGroupNotTrained", FACE_ERRORS),
    Row("face-large-group-id-encoded-slash", "PersonGroupOperations_GetLargePersonGroupPersons", "GET", f"{F}/largepersongroups/laa%2Fpersons/persons", 404, "LargePersonGroupNotFound", FACE_ERRORS),
    Row("face-large-group-exists", "PersonGroupOperations_CreateLargePersonGroup", "PUT", f"{F}/largepersongroups/laa", 409, "LargePersonGroupExists", FACE_ERRORS, json={"name": "x"}),
    Row("face-face-list-not-found", "FaceListOperations_GetFaceList", "GET", f"{F}/facelists/nosuchlist", 404, "FaceListNotFound", FACE_ERRORS),
    Row("face-face-list-id-encoded-slash", "FaceListOperations_GetFaceList", "GET", f"{F}/facelists/faca%2Fpersistedfaces", 404, "FaceListNotFound", FACE_ERRORS),
    Row("face-face-list-exists", "FaceListOperations_CreateFaceList", "PUT", f"{F}/facelists/faca", 409, "FaceListExists", FACE_ERRORS, json={"name": "x"}),
    Row("face-large-face-list-not-found", "FaceListOperations_GetLargeFaceList", "GET", f"{F}/largefacelists/nosuchlist", 404, "LargeFaceListNotFound", FACE_ERRORS),
    Row("face-large-face-list-face-not-uuid", "FaceListOperations_GetLargeFaceListFace", "GET", f"{F}/largefacelists/lara/persistedfaces/nope", 404, "PersistedFaceNotFound", FACE_ERRORS),
    # --- Speaker Recognition (text-independent identification)
    Row("speaker-profile-locale-missing", "TextIndependent_CreateProfile", "POST", f"{TI}/profiles", 400, "InvalidRequest", SPEAKER_SPEC, params=SV, json={}),
    Row("speaker-profile-locale-invalid", "TextIndependent_CreateProfile", "POST", f"{TI}/profiles", 400, "InvalidArgument", SPEAKER_SPEC, params=SV, json={"locale": "english"}),
    Row("speaker-profile-json-truncated", "TextIndependent_CreateProfile", "POST", f"{TI}/profiles", 400, "InvalidRequest", SPEAKER_SPEC, params=SV, content=b'{"locale": ', headers={"Content-Type": "application/json"}),
    Row("speaker-profile-id-not-uuid", "TextIndependent_GetProfile", "GET", f"{TI}/profiles/not-a-uuid", 404, "NotFound", SPEAKER_SPEC, params=SV),
    Row("speaker-profile-id-encoded-slash", "TextIndependent_GetProfile", "GET", f"{TI}/profiles/{{profile}}%2F..", 404, "NotFound", SPEAKER_SPEC, params=SV),
    Row("speaker-profile-not-found", "TextIndependent_GetProfile", "GET", f"{TI}/profiles/{NEW}", 404, "NotFound", SPEAKER_SPEC, params=SV),
    Row("speaker-delete-not-found", "TextIndependent_DeleteProfile", "DELETE", f"{TI}/profiles/{NEW}", 404, "NotFound", SPEAKER_SPEC, params=SV),
    Row("speaker-enroll-not-found", "TextIndependent_CreateEnrollment", "POST", f"{TI}/profiles/{NEW}/enrollments", 404, "NotFound", SPEAKER_SPEC, params=SV, content=b"RIFF", headers={"Content-Type": "audio/wav; codecs=audio/pcm"}),
    Row("speaker-enroll-not-audio", "TextIndependent_CreateEnrollment", "POST", f"{TI}/profiles/{{profile}}/enrollments", 400, "InvalidRequest", SPEAKER_SPEC, params=SV, content=JUNK, headers={"Content-Type": "audio/wav; codecs=audio/pcm"}),
    Row("speaker-enroll-empty", "TextIndependent_CreateEnrollment", "POST", f"{TI}/profiles/{{profile}}/enrollments", 400, "InvalidRequest", SPEAKER_SPEC, params=SV, content=b"", headers={"Content-Type": "audio/wav; codecs=audio/pcm"}),
    Row("speaker-enroll-json", "TextIndependent_CreateEnrollment", "POST", f"{TI}/profiles/{{profile}}/enrollments", 415, "UnsupportedMediaType", SPEAKER_SPEC, params=SV, json={"audio": "x"}),
    Row("speaker-phrases-locale-invalid", "TextIndependent_ListActivationPhrases", "GET", f"{TI}/phrases/xx", 400, "InvalidArgument", SPEAKER_SPEC, params=SV),
    Row("speaker-api-version-unsupported", "TextIndependent_ListProfiles", "GET", f"{TI}/profiles", 400, "InvalidArgument", SPEAKER_SPEC, params={"api-version": "2020-01-01"}),
    Row("speaker-no-key", "TextIndependent_ListProfiles", "GET", f"{TI}/profiles", 401, "Unauthorized", SPEAKER_SPEC, params=SV, key=None),
    # --- Custom Voice (personal voice)
    Row("cv-project-id-invalid", "Projects_Create", "PUT", "/customvoice/projects/-bad-", 400, "BadArgument", CV_SPEC, params=CV, json={"kind": "PersonalVoice"}),
    Row("cv-project-id-encoded-slash", "Projects_Get", "GET", "/customvoice/projects/proja%2F..%2Fprojb", 400, "BadArgument", CV_SPEC, params=CV),
    Row("cv-project-id-too-long", "Projects_Get", "GET", f"/customvoice/projects/{'p' * 65}", 400, "BadArgument", CV_SPEC, params=CV),
    Row("cv-project-not-found", "Projects_Get", "GET", "/customvoice/projects/nosuchproject", 404, "NotFound", CV_ERRORS, params=CV),
    Row("cv-project-kind-unknown", "Projects_Create", "PUT", "/customvoice/projects/newproject", 400, "BadArgument", CV_SPEC, params=CV, json={"kind": "Nope"}),
    Row("cv-project-text-plain", "Projects_Create", "PUT", "/customvoice/projects/newproject", 415, "UnsupportedMediaType", CV_SPEC, params=CV, content=b'{"kind":"PersonalVoice"}', headers={"Content-Type": "text/plain"}),
    Row("cv-consent-fields-missing", "Consents_Create", "PUT", "/customvoice/consents/newconsent", 400, "BadArgument", CV_SPEC, params=CV, json={}),
    Row("cv-consent-audio-url-not-uri", "Consents_Create", "PUT", "/customvoice/consents/newconsent", 400, "BadArgument", CV_SPEC, params=CV,
        json={"projectId": "proja", "voiceTalentName": "J", "companyName": "C", "locale": "en-US", "audioUrl": "not a uri"}),
    Row("cv-consent-project-missing", "Consents_Create", "PUT", "/customvoice/consents/newconsent", 400, "BadRequest", CV_ERRORS, params=CV,
        json={"projectId": "nosuchproject", "voiceTalentName": "J", "companyName": "C", "locale": "en-US", "audioUrl": "https://example.com/a.wav"}),
    Row("cv-consent-form-without-audio", "Consents_Post", "POST", "/customvoice/consents/newconsent", 400, "BadArgument", CV_SPEC, params=CV,
        data={"projectId": "proja", "voiceTalentName": "J", "companyName": "C", "locale": "en-US"}, files=[("other", ("x.txt", b"x", "text/plain"))]),
    Row("cv-voice-consent-missing", "PersonalVoices_Post", "POST", "/customvoice/personalvoices/newvoice", 400, "BadRequest", CV_ERRORS, params=CV,
        data={"projectId": "proja", "consentId": "nosuchconsent"}, files=[("audiodata", ("a.wav", WAV, "audio/wav"))]),
    Row("cv-operation-not-found", "Operations_Get", "GET", "/customvoice/operations/nosuchoperation", 404, "NotFound", CV_ERRORS, params=CV),
    Row("cv-list-filter-garbage", "Projects_List", "GET", "/customvoice/projects", 400, "BadArgument", CV_SPEC, params={**CV, "filter": "kind lol 'x'"}),
    Row("cv-list-skip-negative", "Projects_List", "GET", "/customvoice/projects", 400, "BadArgument", CV_SPEC, params={**CV, "skip": "-1"}),
    Row("cv-list-maxpagesize-zero", "Consents_List", "GET", "/customvoice/consents", 400, "BadArgument", CV_SPEC, params={**CV, "maxpagesize": "0"}),
    Row("cv-operation-id-header-invalid", "Consents_Create", "PUT", "/customvoice/consents/newconsent", 400, "BadArgument", CV_SPEC, params=CV,
        json={"projectId": "proja", "voiceTalentName": "J", "companyName": "C", "locale": "en-US", "audioUrl": "https://example.com/a.wav"},
        headers={"Operation-Id": "-" * 70}),
    Row("cv-api-version-missing", "Projects_List", "GET", "/customvoice/projects", 400, "BadRequest", CV_ERRORS),
    Row("cv-no-key", "Projects_List", "GET", "/customvoice/projects", 401, "Unauthorized", CV_ERRORS, params=CV, key=None),
]


@cache
def _world() -> tuple[Any, Resources]:
    client, clock = make_client()
    resources = Resources(client, clock, KEY_A)
    h = {"Ocp-Apim-Subscription-Key": KEY_A}
    for root in ("persongroups", "largepersongroups"):
        assert client.put(f"{F}/{root}/untrained", json={"name": "never trained"}, headers=h).status_code == 200
    return client, resources


def _path(row: Row, resources: Resources) -> str:
    a = resources.values["a"]
    root = "largepersongroups" if "/largepersongroups/" in row.path else "persongroups"
    return row.path.replace("{person}", a[(root, "personId")]).replace("{profile}", a[("profiles", "profileId")])


def test_the_table_names_at_least_sixty_distinct_malformed_inputs() -> None:
    assert len(ROWS) >= 60 and len({r.name for r in ROWS}) == len(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_a_malformed_input_gets_its_documented_error(row: Row) -> None:
    client, resources = _world()
    headers = {**row.headers, **({"Ocp-Apim-Subscription-Key": row.key} if row.key else {})}
    kwargs: dict[str, Any] = {"params": row.params, "headers": headers}
    if row.json is not None:
        kwargs["json"] = row.json
    elif row.content is not None:
        kwargs["content"] = row.content
    if row.files is not None:
        kwargs["data"], kwargs["files"] = row.data, row.files
    response = client.request(row.method, _path(row, resources), **kwargs)
    assert response.status_code == row.status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, response.text
    assert body["error"]["code"] == row.code, response.text
    service = "face" if row.path.startswith("/face") else "speaker" if row.path.startswith(TI) else "customvoice"
    spec = Spec(service, "v1.2" if service == "face" else None)
    assert str(row.status) in spec.documented_statuses(row.operation), (row.operation, sorted(spec.documented_statuses(row.operation)))
    documented = spec.error_codes(row.operation, row.status)
    assert not documented or row.code in documented, (row.operation, row.status, documented)
