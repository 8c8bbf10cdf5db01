"""Face rules on what training and PersonDirectory operations are for: Identify, and reads after an operation.

* ``identify_not_trained_rejected``: Identify against a group that was never trained answers 400
  ``PersonGroupNotTrained`` / ``LargePersonGroupNotTrained``.
* ``identify_candidates_from_gallery``: every candidate Identify answers is a person of the group (or of the
  PersonDirectory gallery) the request named.
* ``identify_finds_enrolled_face``: a faceId detected from the very image added to a person identifies that
  person first, with a confidence of at least 0.5.
* ``directory_change_visible_after_operation``: once a PersonDirectory operation succeeded, the read of what it
  made shows it (the person with its name, the face among the person's faces, the person among the dynamic
  group's persons).

The evidence is built from exchanges alone (:class:`Identification`, :class:`DirectoryRead`), like the core's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from cognitive_conformance.conformance.checks.provoked import expect
from cognitive_conformance.conformance.checks.registry import NotApplicable, flow_rule
from cognitive_conformance.conformance.failures import Failure
from cognitive_conformance.conformance.flows.evidence import Provocation
from cognitive_conformance.conformance.spec import Spec
from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = [
    "IDENTIFY_NOT_TRAINED",
    "MIN_ENROLLED_CONFIDENCE",
    "DirectoryRead",
    "Identification",
    "IdentifyOutsideGallery",
    "EnrolledFaceNotIdentified",
    "DirectoryChangeNotVisible",
    "identify_not_trained_rejected",
    "identify_candidates_from_gallery",
    "identify_finds_enrolled_face",
    "directory_change_visible_after_operation",
]

IDENTIFY_NOT_TRAINED = "identify-not-trained"
"""The :class:`Provocation` kind: Identify against a group that was never trained."""
MIN_ENROLLED_CONFIDENCE = 0.5
"""The lowest confidence accepted for the person whose own image is identified (the documents' default threshold
for recognition_01..04 lies between 0.5 and 0.7: Identify ``confidenceThreshold``)."""
DIRECTORY_VERSIONS = ("v1.1-preview.1", "v1.2-preview.1", "v1.2")


class IdentifyOutsideGallery(Failure):
    """Identify answered a candidate that is not a person of the gallery the request named."""


class EnrolledFaceNotIdentified(Failure):
    """A face detected from a person's own image was not identified as that person."""


class DirectoryChangeNotVisible(Failure):
    """After its operation succeeded, a PersonDirectory change does not show in the read of it."""


@dataclass(frozen=True)
class Identification:
    """One Identify exchange and what the scenario knows about its gallery.

    ``members`` are the person ids the gallery holds (as its own reads listed them); ``enrolled`` maps each faceId
    detected from an image that was added to a person of the gallery to that person.
    """

    gallery: str
    members: frozenset[str]
    exchange: ResponseRecord
    enrolled: Mapping[str, str] = field(default_factory=dict)

    @property
    def operation_id(self) -> str | None:
        return self.exchange.operation_id


@dataclass(frozen=True)
class DirectoryRead:
    """A read made after a PersonDirectory operation succeeded, and the id it must show.

    ``what`` is ``person`` (Get Person: ``personId`` and ``name``), ``face`` (Get Person Face: ``persistedFaceId``),
    ``faces`` (Get Person Faces: ``persistedFaceIds``) or ``group-persons`` (Get Dynamic Person Group Persons:
    ``personIds``).
    """

    what: str
    exchange: ResponseRecord
    expected_id: str
    expected_name: str | None = None

    @property
    def operation_id(self) -> str | None:
        return self.exchange.operation_id


def _candidates(identification: Identification) -> list[tuple[str, list[dict]]]:
    response = identification.exchange
    if response.status_code != 200:
        raise NotApplicable(f"Identify answered {response.status_code}")
    body = response.json_or_none()
    if not isinstance(body, list):
        raise NotApplicable("the Identify answer is not a JSON array (the schema rules judge it)")
    out = []
    for item in body:
        if isinstance(item, dict) and isinstance(item.get("candidates"), list):
            out.append((str(item.get("faceId")), [c for c in item["candidates"] if isinstance(c, dict)]))
    return out


@flow_rule(evidence=Provocation, services=("face",))
def identify_not_trained_rejected(spec: Spec, provocation: Provocation) -> None:
    """Identify against a person group that was never trained is 400 PersonGroupNotTrained (LargePersonGroupNotTrained).

    Source: Train Person Group ("only a trained Person Group can be used by Identify From Person Group"),
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group;
    Face error codes (Identify: 400 PersonGroupNotTrained, LargePersonGroupNotTrained),
    https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes.
    """
    if provocation.kind != IDENTIFY_NOT_TRAINED:
        raise NotApplicable("not an Identify against a never-trained group")
    expect(provocation)


@flow_rule(evidence=Identification, services=("face",))
def identify_candidates_from_gallery(spec: Spec, identification: Identification) -> None:
    """Every candidate Identify answers is a person of the group (or PersonDirectory gallery) the request named.

    Source: Identify From Person Group ("the candidate persons of the query faces from the Person Group"),
    https://learn.microsoft.com/en-us/rest/api/face/face-recognition-operations/identify-from-person-group;
    https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json
    (FaceRecognitionOperations_IdentifyFrom*: candidates drawn from the named gallery).
    """
    for face_id, candidates in _candidates(identification):
        for candidate in candidates:
            person = str(candidate.get("personId", "")).lower()
            if person not in identification.members:
                raise IdentifyOutsideGallery(
                    f"faceId {face_id}: candidate {person} is not a person of {identification.gallery}",
                    received=person,
                    documented=f"one of the {len(identification.members)} persons of {identification.gallery}",
                )


@flow_rule(evidence=Identification, services=("face",))
def identify_finds_enrolled_face(spec: Spec, identification: Identification) -> None:
    """A face detected from the very image added to a person is identified as that person, first, with confidence ≥ 0.5.

    Source: Identify From Person Group (candidates ranked by similarity confidence; the person whose face was
    added is the match), https://learn.microsoft.com/en-us/rest/api/face/face-recognition-operations/identify-from-person-group;
    recorded: tests/reference/recordings/face/pg-train-identify.v1.2-preview.1.tail.json entry 3 (every enrolled
    face identified as its person, confidence 0.90 to 0.97).
    """
    if not identification.enrolled:
        raise NotApplicable("no faceId of this Identify was detected from an enrolled image")
    answers = dict(_candidates(identification))
    for face_id, person in identification.enrolled.items():
        candidates = answers.get(face_id)
        if not candidates:
            raise EnrolledFaceNotIdentified(
                f"faceId {face_id} (the image of person {person}) has no candidate",
                received="no candidate",
                documented=f"{person} first, confidence ≥ {MIN_ENROLLED_CONFIDENCE}",
            )
        top = candidates[0]
        confidence = top.get("confidence")
        if str(top.get("personId", "")).lower() != person or not isinstance(confidence, (int, float)) or confidence < MIN_ENROLLED_CONFIDENCE:
            raise EnrolledFaceNotIdentified(
                f"faceId {face_id} (the image of person {person}) is not identified as that person",
                received=f"{top.get('personId')} at {confidence}",
                documented=f"{person} first, confidence ≥ {MIN_ENROLLED_CONFIDENCE}",
            )


_FIELDS = {"person": "personId", "face": "persistedFaceId", "faces": "persistedFaceIds", "group-persons": "personIds"}
_SINGLE = ("person", "face")


@flow_rule(evidence=DirectoryRead, services=("face",), versions=DIRECTORY_VERSIONS)
def directory_change_visible_after_operation(spec: Spec, read: DirectoryRead) -> None:
    """Once a PersonDirectory operation succeeded, the read of what it made shows it.

    Source: Create Person (202: "The client can query the operation status and result using the URL specified in
    the 'Operation-Location' response header"), https://learn.microsoft.com/en-us/rest/api/face/person-directory-operations/create-person;
    use-persondirectory how-to (person and face management calls are long-running operations),
    https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/how-to/use-persondirectory;
    recorded: tests/reference/recordings/face/v1.2-preview.1/test-proxy-js/recording_createdynamicpersongroupwithperson.json
    entries 2-3 (the operation succeeded, then Get Person 200 with the name given).
    """
    response = read.exchange
    name = _FIELDS.get(read.what)
    if name is None:
        raise NotApplicable(f"unknown PersonDirectory read {read.what!r}")
    body = response.json_or_none()
    shown = body.get(name) if response.status_code == 200 and isinstance(body, dict) else None
    ok = shown == read.expected_id if read.what in _SINGLE else isinstance(shown, list) and read.expected_id in shown
    if ok and read.expected_name is not None:
        ok = body.get("name") == read.expected_name
    if not ok:
        raise DirectoryChangeNotVisible(
            f"after its operation succeeded, {response.request.method} {response.request.url} does not show {read.expected_id}",
            received=f"{response.status_code} {response.body[:200].decode('utf-8', 'replace')}",
            documented=f"200 with {name} {'=' if read.what in _SINGLE else 'containing'} {read.expected_id}",
        )
