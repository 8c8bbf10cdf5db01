"""The Face pack's Identify and PersonDirectory rules on hand-built evidence: each passes, fails and does not apply."""

from __future__ import annotations

import json

from cognitive_conformance.conformance.checks.registry import NA, get, judge
from cognitive_conformance.conformance.failures import UnexpectedStatusForSituation
from cognitive_conformance.conformance.flows.evidence import Expected, Provocation
from cognitive_conformance.conformance.packs.face.recognition_rules import (
    IDENTIFY_NOT_TRAINED,
    DirectoryChangeNotVisible,
    DirectoryRead,
    EnrolledFaceNotIdentified,
    Identification,
    IdentifyOutsideGallery,
    directory_change_visible_after_operation,
    identify_candidates_from_gallery,
    identify_finds_enrolled_face,
    identify_not_trained_rejected,
)
from cognitive_conformance.conformance.transport import RequestRecord, ResponseRecord
from tests.unit.conformance.checks._helpers import expect_failure, spec

SPEC = spec("face", "v1.2")
BASE = "https://face.example.com/face/v1.2"
P1, P2, STRANGER = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222", "33333333-3333-4333-8333-333333333333"
F1, F2 = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"


def _record(method: str, path: str, status: int, body, operation_id: str) -> ResponseRecord:
    content = json.dumps(body).encode() if body is not None else b""
    return ResponseRecord(RequestRecord(method, f"{BASE}{path}", ()), status, (("content-type", "application/json"),), content, 0.0, 0.0, operation_id)


def _identify(*results) -> ResponseRecord:
    body = [{"faceId": f, "candidates": [{"personId": p, "confidence": c} for p, c in cands]} for f, cands in results]
    return _record("POST", "/identify", 200, body, "FaceRecognitionOperations_Identify")


def test_not_trained_rule() -> None:
    expected = Expected(400, ("PersonGroupNotTrained",))
    error = _record("POST", "/identify", 400, {"error": {"code": "PersonGroupNotTrained", "message": "m"}}, "FaceRecognitionOperations_Identify")
    assert identify_not_trained_rejected(SPEC, Provocation(IDENTIFY_NOT_TRAINED, error, expected)) is None
    expect_failure(UnexpectedStatusForSituation, identify_not_trained_rejected, SPEC, Provocation(IDENTIFY_NOT_TRAINED, _identify(), expected))
    assert judge(get("identify_not_trained_rejected"), SPEC, Provocation("missing-group", error, expected)).verdict == NA


def test_candidates_must_come_from_the_gallery() -> None:
    members = frozenset({P1, P2})
    good = Identification("persongroups/g", members, _identify((F1, [(P1, 1.0)]), (F2, [])))
    assert identify_candidates_from_gallery(SPEC, good) is None
    bad = Identification("persongroups/g", members, _identify((F1, [(P1, 1.0), (STRANGER, 0.6)])))
    failure = expect_failure(IdentifyOutsideGallery, identify_candidates_from_gallery, SPEC, bad)
    assert failure.received == STRANGER
    rejected = _record("POST", "/identify", 400, {"error": {"code": "BadArgument", "message": "m"}}, "FaceRecognitionOperations_Identify")
    assert judge(get("identify_candidates_from_gallery"), SPEC, Identification("persongroups/g", members, rejected)).verdict == NA


def test_enrolled_image_identifies_its_person_first() -> None:
    members = frozenset({P1, P2})
    enrolled = {F1: P1, F2: P2}
    assert identify_finds_enrolled_face(SPEC, Identification("g", members, _identify((F1, [(P1, 0.95)]), (F2, [(P2, 0.9), (P1, 0.2)])), enrolled)) is None
    for wrong in (_identify((F1, [(P1, 0.95)]), (F2, [])), _identify((F1, [(P2, 0.95)]), (F2, [(P2, 0.9)])), _identify((F1, [(P1, 0.3)]), (F2, [(P2, 0.9)]))):
        expect_failure(EnrolledFaceNotIdentified, identify_finds_enrolled_face, SPEC, Identification("g", members, wrong, enrolled))
    assert judge(get("identify_finds_enrolled_face"), SPEC, Identification("g", members, _identify((F1, [])))).verdict == NA


def test_directory_change_visible_after_operation() -> None:
    person = _record("GET", f"/persons/{P1}", 200, {"personId": P1, "name": "ada"}, "PersonDirectoryOperations_GetPerson")
    assert directory_change_visible_after_operation(SPEC, DirectoryRead("person", person, P1, "ada")) is None
    expect_failure(DirectoryChangeNotVisible, directory_change_visible_after_operation, SPEC, DirectoryRead("person", person, P1, "bob"))
    missing = _record("GET", f"/persons/{P1}", 404, {"error": {"code": "PersonNotFound", "message": "m"}}, "PersonDirectoryOperations_GetPerson")
    expect_failure(DirectoryChangeNotVisible, directory_change_visible_after_operation, SPEC, DirectoryRead("person", missing, P1, "ada"))
    faces = _record("GET", f"/persons/{P1}/recognitionModels/recognition_04/persistedfaces", 200, {"personId": P1, "persistedFaceIds": []}, "PersonDirectoryOperations_GetPersonFaces")
    expect_failure(DirectoryChangeNotVisible, directory_change_visible_after_operation, SPEC, DirectoryRead("faces", faces, F1))
    face = _record("GET", f"/persons/{P1}/recognitionModels/recognition_04/persistedfaces/{F1}", 200, {"persistedFaceId": F1}, "PersonDirectoryOperations_GetPersonFace")
    assert directory_change_visible_after_operation(SPEC, DirectoryRead("face", face, F1)) is None
    expect_failure(DirectoryChangeNotVisible, directory_change_visible_after_operation, SPEC, DirectoryRead("face", face, F2))
    members = _record("GET", "/dynamicpersongroups/d/persons", 200, {"personIds": [P1]}, "PersonDirectoryOperations_GetDynamicPersonGroupPersons")
    assert directory_change_visible_after_operation(SPEC, DirectoryRead("group-persons", members, P1)) is None
    # PersonDirectory does not exist in v1.0: the rule does not cover it
    assert not get("directory_change_visible_after_operation").covers("face", "v1.0")
