"""Face Identify after training, and PersonDirectory: the scenarios.

``face-persongroup-identify`` / ``face-largepersongroup-identify``, every API version:

1. create a group; detect two different face images (``returnFaceId=true``) and keep their faceIds;
2. Identify against the group before any training: 400 ``PersonGroupNotTrained`` (``LargePersonGroupNotTrained``);
   an unknown faceId: 400 ``FaceNotFound``;
3. add two persons, each with one of the two images, train the group and poll it to ``succeeded``;
4. Identify both faceIds: every candidate is a person of the group (as Get Persons lists them), and each faceId
   is identified as the person whose image it was.

``face-persondirectory``, v1.1-preview.1 and later (PersonDirectory does not exist in v1.0):

1. create a person (202, ``operation-Location``), poll its operation at ``/operations/{id}`` to ``succeeded``, then
   read the person: it shows with the name given;
2. add a face in recognition_04 (202), poll, and find it among the person's faces in that model (and read each
   create's ``Location``: the new person, the new face);
3. create a dynamic person group with the person (202), poll; rename it (200), take the person out and in again
   (each 202, polled), and find the person among the group's persons;
4. detect the same image in recognition_04 and Identify it against the dynamic group: the person, first;
5. delete the person and the group (each 202, polled), then their reads are 404.

Sources: https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group ("only a trained
Person Group can be used by Identify"); https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes
(Identify errors); https://learn.microsoft.com/en-us/rest/api/face/person-directory-operations/create-person;
tests/reference/recordings/face/v1.2-preview.1/test-proxy-python/test_identify.pyTestIdentifytest_identify_from_person_group.elided.json
and tests/reference/recordings/face/v1.2-preview.1/test-proxy-js/recording_createdynamicpersongroupwithperson.json (the flows).
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlsplit

from cognitive_conformance.conformance.flows.evidence import AFTER_DELETE, Expected
from cognitive_conformance.conformance.packs.face.recognition_rules import (
    DIRECTORY_VERSIONS,
    IDENTIFY_NOT_TRAINED,
    DirectoryRead,
    Identification,
)
from cognitive_conformance.conformance.packs.face.rules import POPULATED_GROUP
from cognitive_conformance.conformance.scenarios import Scenario
from cognitive_conformance.conformance.scenarios.session import Session, poll_lro
from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = ["SCENARIOS"]

F12 = (
    "https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/"
    "specification/ai/data-plane/Face/stable/v1.2/Face.json"
)
FACE_ERROR_CODES = "https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes"
CREATE_PERSON = "https://learn.microsoft.com/en-us/rest/api/face/person-directory-operations/create-person"
_OCTET = {"Content-Type": "application/octet-stream"}
_GROUP_FIELD = {"persongroups": "personGroupId", "largepersongroups": "largePersonGroupId"}


def _base(session: Session) -> str:
    return f"/face/{session.spec.version}"


def _distinct_images(session: Session, count: int) -> list[bytes]:
    """``count`` face images with different pixels (bounded draws)."""
    from hypothesis import strategies as st

    from cognitive_conformance.strategies.images import images
    from cognitive_conformance.strategies.media_dir import face_images

    # --media-dir: the user's faces
    return session.draw(st.lists(face_images(images(max_side=160)), min_size=count, max_size=count, unique=True))


def _detect(session: Session, image: bytes, model: str) -> str:
    r = session.call(
        "POST", f"{_base(session)}/detect", params={"returnFaceId": "true", "recognitionModel": model}, content=image, headers=_OCTET
    )
    body = r.json_or_none()
    if r.status_code != 200 or not isinstance(body, list) or not body or not isinstance(body[0], dict) or "faceId" not in body[0]:
        session.broken("Detect gave no faceId for a face image", r, documented="200 [{faceId, faceRectangle}]", source=F12 + " (FaceDetectionOperations_Detect)")
    return str(body[0]["faceId"]).lower()


def _created_id(session: Session, r: ResponseRecord, field: str, what: str, source: str, status: int = 200) -> str:
    body = r.json_or_none()
    if r.status_code != status or not isinstance(body, dict) or field not in body:
        session.broken(f"could not {what}", r, documented=f"{status} {{{field}}}", source=source)
    return str(body[field]).lower()


def identify_after_training(session: Session, kind: str) -> None:
    from cognitive_conformance.conformance.packs.face.scenarios import LARGE_PERSON_GROUP, PERSON_GROUP, _create_group, train_and_poll

    coll = PERSON_GROUP if kind == "persongroups" else LARGE_PERSON_GROUP
    base, field = _base(session), _GROUP_FIELD[kind]
    gid = session.name(f"{coll.short}-id")
    group_path = _create_group(session, coll, gid, "identify group")
    images = _distinct_images(session, 2)
    face_ids = [_detect(session, image, "recognition_01") for image in images]
    session.provoke(
        IDENTIFY_NOT_TRAINED,
        Expected(400, (coll.not_trained,), FACE_ERROR_CODES + f" (Identify: 400 {coll.not_trained})"),
        "POST",
        f"{base}/identify",
        json_body={"faceIds": face_ids[:1], field: gid},
    )
    persons = []
    for i, image in enumerate(images):
        r = session.call("POST", f"{group_path}/persons", json_body={"name": f"identify person {i}"})
        person_id = _created_id(session, r, "personId", "create a person", F12)
        r = session.call("POST", f"{group_path}/persons/{person_id}/persistedfaces", content=image, headers=_OCTET)
        _created_id(session, r, "persistedFaceId", "add a persisted face", F12)
        persons.append(person_id)
    train_and_poll(session, coll, group_path, POPULATED_GROUP)
    session.provoke(
        "unknown-face",
        Expected(400, ("FaceNotFound",), FACE_ERROR_CODES + " (Identify: 400 FaceNotFound)"),
        "POST",
        f"{base}/identify",
        json_body={"faceIds": ["00000000-0000-4000-8000-000000000000"], field: gid},
    )
    listed = session.call("GET", f"{group_path}/persons")
    body = listed.json_or_none()
    members = {str(p.get("personId", "")).lower() for p in body if isinstance(p, dict)} if isinstance(body, list) else set()
    if not set(persons) <= members:
        session.broken("the group's persons are not all listed", listed, documented=f"personIds {persons}", source=F12)
    r = session.call("POST", f"{base}/identify", json_body={"faceIds": face_ids, field: gid})
    session.assess(Identification(f"{kind}/{gid}", frozenset(members), r, dict(zip(face_ids, persons))))


def _poll_operation(session: Session, submit: ResponseRecord, what: str) -> None:
    """Poll a PersonDirectory operation at its ``operation-Location`` to a terminal status (judged as an LRO)."""
    from cognitive_conformance.conformance.packs.face.scenarios import status_model

    location = submit.header("operation-location")
    if submit.status_code != 202 or not location:
        session.broken(f"{what} did not start an operation", submit, documented="202 with operation-Location", source=CREATE_PERSON)
    path = urlsplit(location).path or location
    poll_lro(
        session,
        submit,
        path,
        model=status_model(session.spec.version),
        resource=path.split(f"/face/{session.spec.version}/", 1)[-1],
        op_url=location,
        abort_message=f"the {what} operation did not reach a terminal status",
    )


def _read_location(session: Session, submit: ResponseRecord, what: str) -> ResponseRecord:
    """Read the ``Location`` of a PersonDirectory create (the new person or face); a 202 without one breaks the flow."""
    location = submit.header("location")
    if not location:
        session.broken(f"{what} answered without a Location header", submit, documented="202 with Location (the new resource)", source=CREATE_PERSON)
    return session.call("GET", urlsplit(location).path or location)


def person_directory(session: Session) -> None:
    base = _base(session)
    name = "conformance directory person"
    r = session.call("POST", f"{base}/persons", json_body={"name": name, "userData": "cognitive-conformance"})
    person_id = _created_id(session, r, "personId", "create a PersonDirectory person", CREATE_PERSON, status=202)
    person_path = f"{base}/persons/{person_id}"
    session.delete_later(person_path)
    _poll_operation(session, r, "create person")
    session.assess(DirectoryRead("person", session.call("GET", person_path), person_id, name))
    session.assess(DirectoryRead("person", _read_location(session, r, "create person"), person_id, name))

    (image,) = _distinct_images(session, 1)
    faces_path = f"{person_path}/recognitionModels/recognition_04/persistedfaces"
    r = session.call("POST", faces_path, content=image, headers=_OCTET)
    face_id = _created_id(session, r, "persistedFaceId", "add a face to the person", F12 + " (PersonDirectoryOperations_AddPersonFace)", status=202)
    _poll_operation(session, r, "add person face")
    session.assess(DirectoryRead("faces", session.call("GET", faces_path), face_id))
    session.assess(DirectoryRead("face", _read_location(session, r, "add person face"), face_id))

    gid = session.name("dpg")
    group_path = f"{base}/dynamicpersongroups/{gid}"
    session.delete_later(group_path)
    r = session.call("PUT", group_path, json_body={"name": "conformance dynamic group", "addPersonIds": [person_id]})
    _poll_operation(session, r, "create dynamic person group")
    # Update: a rename alone (200), then the person out and in again (each 202, polled); it is a member once more.
    r = session.call("PATCH", group_path, json_body={"name": "conformance dynamic group, renamed"})
    if r.status_code != 200:
        session.broken("renaming the dynamic group was not answered 200", r, documented="200 (UpdateDynamicPersonGroup)", source=F12)
    _poll_operation(session, session.call("PATCH", group_path, json_body={"removePersonIds": [person_id]}), "update dynamic person group")
    _poll_operation(session, session.call("PATCH", group_path, json_body={"addPersonIds": [person_id]}), "update dynamic person group")
    session.assess(DirectoryRead("group-persons", session.call("GET", f"{group_path}/persons"), person_id))
    session.call("GET", group_path)
    session.call("GET", f"{base}/dynamicpersongroups")
    session.call("GET", f"{base}/persons")

    probe = _detect(session, image, "recognition_04")
    r = session.call("POST", f"{base}/identify", json_body={"faceIds": [probe], "dynamicPersonGroupId": gid})
    session.assess(Identification(f"dynamicpersongroups/{gid}", frozenset({person_id}), r, {probe: person_id}))

    _poll_operation(session, session.call("DELETE", person_path), "delete person")
    session.provoke(AFTER_DELETE, Expected(404, ("PersonNotFound",), FACE_ERROR_CODES), "GET", person_path)
    _poll_operation(session, session.call("DELETE", group_path), "delete dynamic person group")
    session.provoke(
        AFTER_DELETE, Expected(404, ("DynamicPersonGroupNotFound",), "specs/face.yaml DynamicPersonGroupNotFound404 (decision)"), "GET", group_path
    )


SCENARIOS = [
    Scenario(
        "face-persongroup-identify",
        "face",
        "PersonGroup: Identify before training is 400 PersonGroupNotTrained; after training each enrolled image identifies its person, only persons of the group",
        partial(identify_after_training, kind="persongroups"),
    ),
    Scenario(
        "face-largepersongroup-identify",
        "face",
        "LargePersonGroup: the same Identify-after-training flow",
        partial(identify_after_training, kind="largepersongroups"),
    ),
    Scenario(
        "face-persondirectory",
        "face",
        "PersonDirectory: create person, add face, dynamic group, each a 202 operation polled at /operations/{id} then read; Identify; delete → 404",
        person_directory,
        versions=DIRECTORY_VERSIONS,
    ),
]
