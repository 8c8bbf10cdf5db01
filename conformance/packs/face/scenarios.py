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

from conformance.context import Expected
from conformance.scenarios import Scenario
from conformance.packs.face.face_lists import SCENARIOS as LIST_SCENARIOS
from conformance.scenarios.session import Lro, Session, poll_lro

__all__ = ["SCENARIOS", "Collection", "PERSON_GROUP", "LARGE_PERSON_GROUP"]

TRAINING_STATUS_404 = "https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247, Response 404"
FACE_ERROR_CODES = "https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes (Face error codes)"
TERMINAL = frozenset({"succeeded", "failed"})


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


def _order(version: str) -> tuple[str, ...]:
    return ("nonstarted" if version == "v1.0" else "notStarted", "running", "succeeded", "failed")


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
    from strategies.images import images

    r = session.call("POST", f"{group_path}/persons", json_body={"name": name})
    body = r.json_or_none()
    if r.status_code != 200 or not isinstance(body, dict) or "personId" not in body:
        session.broken("could not create a person", r, documented="200 {personId}", source="https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json")
    person_path = f"{group_path}/persons/{body['personId']}"
    image = session.draw(images(max_side=160))
    r = session.call(
        "POST",
        f"{person_path}/persistedfaces",
        content=image,
        headers={"Content-Type": "application/octet-stream"},
    )
    if r.status_code != 200:
        session.broken("could not add a persisted face", r, documented="200 {persistedFaceId}", source="https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json")
    return person_path


def train_and_poll(session: Session, coll: Collection, group_path: str, terminal_situation: str) -> Lro:
    """Train the group and poll it to a terminal status; return the LRO record."""
    version = session.spec.version
    train = session.call("POST", f"{group_path}/train")
    if train.status_code != 202:
        session.broken("train was not accepted", train, documented="202 Accepted", source="https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1")
    lro = Lro(
        service="face",
        version=version,
        scenario=session.scenario or "",
        operation_id=train.operation_id or "train",
        resource=group_path.split(f"/face/{version}/", 1)[-1],
        submitted_at=train.sent_at,
        order=_order(version),
        terminal=TERMINAL,
    )
    spec_lro = session.spec.long_running(train.operation_id) if train.operation_id else None
    op_url = None
    if spec_lro and spec_lro.get("poll") == "operation-location":
        op_url = train.header("operation-location")
    poll_lro(
        session,
        lro,
        f"{group_path}/training",
        op_url=op_url,
        situation=terminal_situation,
        abort_message="training did not reach a terminal status",
    )
    return lro


def train_poll(session: Session, coll: Collection) -> None:
    base = _base(session)
    gid = session.name(coll.short)
    group_path = _create_group(session, coll, gid, "conformance group")
    session.call(
        "GET",
        f"{group_path}/training",
        situation="never-trained",
        expected=Expected(404, (coll.not_trained,), TRAINING_STATUS_404),
    )
    # An empty group is accepted and ends failed.
    empty_path = _create_group(session, coll, session.name(f"{coll.short}-empty"), "empty group")
    train_and_poll(session, coll, empty_path, "empty-group-terminal")
    # A populated group succeeds.
    persons = [_add_person_with_face(session, group_path, f"person {i}") for i in range(2)]
    train_and_poll(session, coll, group_path, "populated-group-terminal")
    # Delete a person, then the group: later reads are 404 with the specific codes.
    session.call("DELETE", persons[0])
    session.call(
        "GET", persons[0], situation="after-delete", expected=Expected(404, ("PersonNotFound",), FACE_ERROR_CODES)
    )
    session.call("DELETE", group_path)
    session.call(
        "GET", group_path, situation="after-delete", expected=Expected(404, (coll.not_found,), TRAINING_STATUS_404)
    )
    session.call(
        "GET",
        f"{group_path}/training",
        situation="after-delete",
        expected=Expected(404, (coll.not_found,), TRAINING_STATUS_404),
    )
    session.call("GET", f"{base}/{coll.kind}", params={"top": 1000})


def error_codes(session: Session, coll: Collection) -> None:
    from strategies.images import invalid_images

    base = _base(session)
    not_found = Expected(404, (coll.not_found,), TRAINING_STATUS_404 + ": invalid id or missing group")
    for bad_id in ("Upper-Case-Id", "a" * 65, "has.dot"):
        session.call("GET", f"{base}/{coll.kind}/{bad_id}", situation="invalid-id", expected=not_found)
    missing = session.name(f"{coll.short}-missing")
    session.call("GET", f"{base}/{coll.kind}/{missing}", situation="missing-group", expected=not_found)
    session.call("GET", f"{base}/{coll.kind}/{missing}/training", situation="missing-group", expected=not_found)
    session.call("POST", f"{base}/{coll.kind}/{missing}/train", situation="missing-group", expected=not_found)

    gid = session.name(f"{coll.short}-err")
    group_path = _create_group(session, coll, gid, "errors")
    session.call(
        "PUT",
        group_path,
        json_body={"name": "again"},
        situation="group-exists",
        expected=Expected(409, (coll.exists,), FACE_ERROR_CODES + ": PersonGroupExists"),
    )
    session.call(
        "PUT",
        f"{base}/{coll.kind}/{session.name('long-name')}",
        json_body={"name": "n" * 129},
        situation="name-too-long",
        expected=Expected(400, ("BadArgument",), FACE_ERROR_CODES + ": 'name' is too long"),
    )
    session.call(
        "GET",
        f"{group_path}/persons/00000000-0000-0000-0000-000000000000",
        situation="missing-person",
        expected=Expected(404, ("PersonNotFound",), FACE_ERROR_CODES),
    )
    r = session.call("POST", f"{group_path}/persons", json_body={"name": "image errors"})
    body = r.json_or_none()
    if r.status_code != 200 or not isinstance(body, dict) or "personId" not in body:
        session.broken("could not create a person", r, documented="200 {personId}", source="https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json")
    faces = f"{group_path}/persons/{body['personId']}/persistedfaces"
    for kind, code in (("corrupt", "InvalidImage"), ("too_small_bytes", "InvalidImageSize"), ("no_face", "InvalidImage")):
        image = session.draw(invalid_images(kind=kind))
        session.call(
            "POST",
            faces,
            content=image,
            headers={"Content-Type": "application/octet-stream"},
            situation=f"image-{kind}",
            expected=Expected(400, (code,), FACE_ERROR_CODES + f": {code}"),
        )
    session.call(
        "POST",
        faces,
        content=b"not an image",
        headers={"Content-Type": "text/plain"},
        situation="wrong-media-type",
        expected=Expected(415, ("BadArgument",), "example face/v1.1-preview.1 AddPersonGroupPersonFaceFromUrl 415"),
    )


def auth(session: Session) -> None:
    path = f"{_base(session)}/persongroups"
    doc = "https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 Response 401; https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes"
    session.call("GET", path, key="not-a-valid-key-0000", situation="bad-key", expected=Expected(401, (), doc))
    session.call("GET", path, key=None, situation="no-key", expected=Expected(401, (), doc))


SCENARIOS = [
    Scenario("face-auth", "face", "A wrong or missing key is rejected with the 401 envelope", auth),
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
    *LIST_SCENARIOS,
]
