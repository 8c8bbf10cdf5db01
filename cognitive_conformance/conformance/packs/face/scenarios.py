"""Face PersonGroup / LargePersonGroup: build a group, train it, poll it to a terminal status.

The train-then-poll scenario, per API version:

1. create a group; its training status before any train is 404 PersonGroupNotTrained (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247);
2. an empty group is accepted for training and ends ``failed`` (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247);
3. a group with persons and one persisted face each is trained: v1.1+ follows the
   ``operation-Location`` header to ``/operations/{id}`` *and* reads ``/training`` on every
   poll, checking that the two agree; v1.0 polls ``/training`` (https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1, https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/54923347f07c69f929305d5c2fd3fa7fda1dab96/specification/ai/Face/routes.persongroup.tsp);
4. the terminal status is re-read and must not change; the populated group ``succeeded``;
5. deleting a person and the group makes later reads 404 with the specific codes.

The error-code scenario provokes each documented error (invalid and missing ids, an
existing group, bad images, a too-long name, a wrong media type) and checks the status and
the *specific* code; the auth scenario sends a wrong and a missing key.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from cognitive_conformance.conformance.flows.evidence import AFTER_DELETE, NEVER_TRAINED, Expected, ExpectedOutcome, LroTrace
from cognitive_conformance.conformance.flows.status import StatusModel
from cognitive_conformance.conformance.packs.face.rules import EMPTY_GROUP, POPULATED_GROUP
from cognitive_conformance.conformance.scenarios import Scenario
from cognitive_conformance.conformance.scenarios.auth import auth_scenario
from cognitive_conformance.conformance.scenarios.session import Session, poll_lro

__all__ = ["SCENARIOS", "Collection", "PERSON_GROUP", "LARGE_PERSON_GROUP"]

TRAINING_STATUS_404 = "https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247, Response 404"
FACE_ERROR_CODES = "https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes (Face error codes)"
TERMINAL = frozenset({"succeeded", "failed"})
_TRAINING_STATUS = "https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/get-person-group-training-status"


@dataclass(frozen=True)
class Collection:
    kind: str  # URL segment
    short: str  # for resource names
    not_found: str
    not_trained: str
    exists: str


PERSON_GROUP = Collection("persongroups", "pg", "PersonGroupNotFound", "PersonGroupNotTrained", "PersonGroupExists")
LARGE_PERSON_GROUP = Collection(
    "largepersongroups", "lpg", "LargePersonGroupNotFound", "LargePersonGroupNotTrained", "LargePersonGroupExists"
)


def status_model(version: str) -> StatusModel:
    """The documented training statuses of ``version`` (v1.0 spells notStarted "nonstarted")."""
    first = "nonstarted" if version == "v1.0" else "notStarted"
    return StatusModel((first, "running", "succeeded", "failed"), TERMINAL)


_OUTCOMES = {
    EMPTY_GROUP: ExpectedOutcome(EMPTY_GROUP, "failed", source=_TRAINING_STATUS + " (failed: no persons or faces)"),
    POPULATED_GROUP: ExpectedOutcome(POPULATED_GROUP, "succeeded", source=_TRAINING_STATUS + " (succeeded: ready)"),
}


def _base(session: Session) -> str:
    return f"/face/{session.spec.version}"


def _create_group(session: Session, coll: Collection, gid: str, name: str) -> str:
    path = f"{_base(session)}/{coll.kind}/{gid}"
    session.delete_later(path)
    r = session.call("PUT", path, json_body={"name": name, "userData": "cognitive-conformance"})
    if r.status_code != 200:
        session.broken(
            f"could not create {coll.kind}/{gid}", r, documented="200 (Create)", source="https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json"
        )
    return path


def _add_person_with_face(session: Session, group_path: str, name: str) -> str:
    from cognitive_conformance.strategies.images import images
    from cognitive_conformance.strategies.media_dir import face_images

    r = session.call("POST", f"{group_path}/persons", json_body={"name": name})
    body = r.json_or_none()
    if r.status_code != 200 or not isinstance(body, dict) or "personId" not in body:
        session.broken("could not create a person", r, documented="200 {personId}", source="https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json")
    person_path = f"{group_path}/persons/{body['personId']}"
    image = session.draw(face_images(images(max_side=160)))  # --media-dir: the user's faces
    r = session.call(
        "POST",
        f"{person_path}/persistedfaces",
        content=image,
        headers={"Content-Type": "application/octet-stream"},
    )
    if r.status_code != 200:
        session.broken(
            "could not add a persisted face",
            r,
            documented="200 {persistedFaceId}",
            source="https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json",
        )
    return person_path


def train_and_poll(session: Session, coll: Collection, group_path: str, case: str) -> LroTrace:
    """Train the group and poll it to a terminal status; return the judged trace."""
    version = session.spec.version
    train = session.call("POST", f"{group_path}/train")
    if train.status_code != 202:
        session.broken("train was not accepted", train, documented="202 Accepted", source="https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1")
    spec_lro = session.spec.long_running(train.operation_id) if train.operation_id else None
    op_url = None
    if spec_lro and spec_lro.get("poll") == "operation-location":
        op_url = train.header("operation-location")
    return poll_lro(
        session,
        train,
        f"{group_path}/training",
        model=status_model(version),
        resource=group_path.split(f"/face/{version}/", 1)[-1],
        op_url=op_url,
        expected=_OUTCOMES[case],
        abort_message="training did not reach a terminal status",
    )


def train_poll(session: Session, coll: Collection) -> None:
    base = _base(session)
    gid = session.name(coll.short)
    group_path = _create_group(session, coll, gid, "conformance group")
    session.provoke(NEVER_TRAINED, Expected(404, (coll.not_trained,), TRAINING_STATUS_404), "GET", f"{group_path}/training")
    # An empty group is accepted and ends failed.
    empty_path = _create_group(session, coll, session.name(f"{coll.short}-empty"), "empty group")
    train_and_poll(session, coll, empty_path, EMPTY_GROUP)
    # A populated group succeeds.
    persons = [_add_person_with_face(session, group_path, f"person {i}") for i in range(2)]
    train_and_poll(session, coll, group_path, POPULATED_GROUP)
    # Delete a person, then the group: later reads are 404 with the specific codes.
    session.call("DELETE", persons[0])
    session.provoke(AFTER_DELETE, Expected(404, ("PersonNotFound",), FACE_ERROR_CODES), "GET", persons[0])
    session.call("DELETE", group_path)
    gone = Expected(404, (coll.not_found,), TRAINING_STATUS_404)
    session.provoke(AFTER_DELETE, gone, "GET", group_path)
    session.provoke(AFTER_DELETE, gone, "GET", f"{group_path}/training")
    session.call("GET", f"{base}/{coll.kind}", params={"top": 1000})


def error_codes(session: Session, coll: Collection) -> None:
    from cognitive_conformance.strategies.images import invalid_images

    base = _base(session)
    not_found = Expected(404, (coll.not_found,), TRAINING_STATUS_404 + ": invalid id or missing group")
    for bad_id in ("Upper-Case-Id", "a" * 65, "has.dot"):
        session.provoke("invalid-id", not_found, "GET", f"{base}/{coll.kind}/{bad_id}")
    missing = session.name(f"{coll.short}-missing")
    session.provoke("missing-group", not_found, "GET", f"{base}/{coll.kind}/{missing}")
    session.provoke("missing-group", not_found, "GET", f"{base}/{coll.kind}/{missing}/training")
    session.provoke("missing-group", not_found, "POST", f"{base}/{coll.kind}/{missing}/train")

    gid = session.name(f"{coll.short}-err")
    group_path = _create_group(session, coll, gid, "errors")
    session.provoke(
        "group-exists",
        Expected(409, (coll.exists,), FACE_ERROR_CODES + ": PersonGroupExists"),
        "PUT",
        group_path,
        json_body={"name": "again"},
    )
    session.provoke(
        "name-too-long",
        Expected(400, ("BadArgument",), FACE_ERROR_CODES + ": 'name' is too long"),
        "PUT",
        f"{base}/{coll.kind}/{session.name('long-name')}",
        json_body={"name": "n" * 129},
    )
    session.provoke(
        "missing-person",
        Expected(404, ("PersonNotFound",), FACE_ERROR_CODES),
        "GET",
        f"{group_path}/persons/00000000-0000-0000-0000-000000000000",
    )
    r = session.call("POST", f"{group_path}/persons", json_body={"name": "image errors"})
    body = r.json_or_none()
    if r.status_code != 200 or not isinstance(body, dict) or "personId" not in body:
        session.broken("could not create a person", r, documented="200 {personId}", source="https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json")
    faces = f"{group_path}/persons/{body['personId']}/persistedfaces"
    for kind, code in (("corrupt", "InvalidImage"), ("too_small_bytes", "InvalidImageSize"), ("no_face", "InvalidImage")):
        image = session.draw(invalid_images(kind=kind))
        session.provoke(
            f"image-{kind}",
            Expected(400, (code,), FACE_ERROR_CODES + f": {code}"),
            "POST",
            faces,
            content=image,
            headers={"Content-Type": "application/octet-stream"},
        )
    session.provoke(
        "wrong-media-type",
        Expected(415, ("BadArgument",), "example face/v1.1-preview.1 AddPersonGroupPersonFaceFromUrl 415"),
        "POST",
        faces,
        content=b"not an image",
        headers={"Content-Type": "text/plain"},
    )


auth = auth_scenario(
    lambda session: f"{_base(session)}/persongroups", source=_TRAINING_STATUS + " (Response 401)"
)


SCENARIOS = [
    Scenario("face-auth", "face", "A wrong or missing key is rejected with the 401 envelope", auth, read_only=True),
    Scenario(
        "face-persongroup-train-poll",
        "face",
        "PersonGroup: not-trained 404, empty group fails, populated group trains to succeeded, delete → 404",
        partial(train_poll, coll=PERSON_GROUP),
    ),
    Scenario(
        "face-largepersongroup-train-poll",
        "face",
        "LargePersonGroup: the same train-then-poll flow",
        partial(train_poll, coll=LARGE_PERSON_GROUP),
    ),
    Scenario(
        "face-error-codes",
        "face",
        "Each provoked error answers the documented status and specific code",
        partial(error_codes, coll=PERSON_GROUP),
    ),
]


def _with_list_scenarios() -> None:
    # FaceList / LargeFaceList, Identify and PersonDirectory live in their own modules of this pack; they import from here.
    from cognitive_conformance.conformance.packs.face.face_lists import SCENARIOS as LIST_SCENARIOS
    from cognitive_conformance.conformance.packs.face.recognition import SCENARIOS as RECOGNITION_SCENARIOS

    SCENARIOS.extend(LIST_SCENARIOS)
    SCENARIOS.extend(RECOGNITION_SCENARIOS)


_with_list_scenarios()
