"""Face FaceList / LargeFaceList: train a large face list and poll it; a face list without training.

``face-largefacelist-train-poll``, per API version:

1. create a large face list; its training status before any train is 404 ``LargeFaceListNotTrained``;
2. a list without faces is accepted for training and ends ``failed`` (the person-group decision);
3. a list with persisted faces is trained: v1.1+ follows ``operation-Location`` (which must resolve
   to the list's ``/training``) and reads ``/training`` on every poll; v1.0 polls ``/training``;
   the terminal status is re-read and must not change, and it is ``succeeded``;
4. deleting a face and then the list makes later reads 404 with the specific codes.

``face-facelist``: create a face list, add a face, see it in Get Face List and in the listing,
provoke the documented errors (existing id, invalid id, missing list), delete the face and the
list, and read 404 ``FaceListNotFound`` afterwards. A face list has no training in any version.

Sources: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json
(FaceListOperations_*); https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes.
"""

from __future__ import annotations

from cognitive_conformance.conformance.flows.evidence import AFTER_DELETE, NEVER_TRAINED, Expected
from cognitive_conformance.conformance.packs.face.rules import EMPTY_GROUP, POPULATED_GROUP
from cognitive_conformance.conformance.scenarios import Scenario
from cognitive_conformance.conformance.scenarios.session import Session

__all__ = ["SCENARIOS"]

F12 = (
    "https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/"
    "specification/ai/data-plane/Face/stable/v1.2/Face.json"
)
FACE_ERROR_CODES = "https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes"


def _base(session: Session) -> str:
    return f"/face/{session.spec.version}"


def _create_list(session: Session, kind: str, list_id: str, name: str) -> str:
    path = f"{_base(session)}/{kind}/{list_id}"
    session.delete_later(path)
    r = session.call("PUT", path, json_body={"name": name, "userData": "cognitive-conformance"})
    if r.status_code != 200:
        session.broken(f"could not create {kind}/{list_id}", r, documented="200 (Create)", source=F12)
    return path


def _add_face(session: Session, list_path: str) -> str:
    from cognitive_conformance.strategies.images import images
    from cognitive_conformance.strategies.media_dir import face_images

    image = session.draw(face_images(images(max_side=160)))  # --media-dir: the user's faces
    r = session.call(
        "POST", f"{list_path}/persistedfaces", content=image, headers={"Content-Type": "application/octet-stream"}
    )
    body = r.json_or_none()
    if r.status_code != 200 or not isinstance(body, dict) or "persistedFaceId" not in body:
        session.broken("could not add a persisted face", r, documented="200 {persistedFaceId}", source=F12)
    return body["persistedFaceId"]


def large_face_list_train_poll(session: Session) -> None:
    from cognitive_conformance.conformance.packs.face.scenarios import Collection, train_and_poll

    kind = "largefacelists"
    coll = Collection(kind, "lfl", "LargeFaceListNotFound", "LargeFaceListNotTrained", "LargeFaceListExists")
    list_path = _create_list(session, kind, session.name("lfl"), "conformance large face list")
    session.provoke(
        NEVER_TRAINED,
        Expected(404, (coll.not_trained,), FACE_ERROR_CODES + " (LargeFaceListNotTrained)"),
        "GET",
        f"{list_path}/training",
    )
    empty_path = _create_list(session, kind, session.name("lfl-empty"), "empty large face list")
    train_and_poll(session, coll, empty_path, EMPTY_GROUP)
    faces = [_add_face(session, list_path) for _ in range(2)]
    train_and_poll(session, coll, list_path, POPULATED_GROUP)
    face_path = f"{list_path}/persistedfaces/{faces[0]}"
    session.call("DELETE", face_path)
    session.provoke(AFTER_DELETE, Expected(404, ("PersistedFaceNotFound",), FACE_ERROR_CODES), "GET", face_path)
    session.call("DELETE", list_path)
    not_found = Expected(404, (coll.not_found,), FACE_ERROR_CODES + " (LargeFaceListNotFound)")
    session.provoke(AFTER_DELETE, not_found, "GET", list_path)
    session.provoke(AFTER_DELETE, not_found, "GET", f"{list_path}/training")
    session.call("GET", f"{_base(session)}/{kind}", params={"top": 1000})


def face_list(session: Session) -> None:
    kind = "facelists"
    base = _base(session)
    list_id = session.name("fl")
    list_path = _create_list(session, kind, list_id, "conformance face list")
    session.provoke(
        "list-exists",
        Expected(409, ("FaceListExists",), FACE_ERROR_CODES + " (FaceListExists)"),
        "PUT",
        list_path,
        json_body={"name": "again"},
    )
    not_found = Expected(404, ("FaceListNotFound",), FACE_ERROR_CODES + " (FaceListNotFound)")
    from cognitive_conformance.conformance.packs.face.list_strategies import invalid_face_list_ids

    for bad_kind in ("upper_case", "too_long"):
        bad_id = session.draw(invalid_face_list_ids(kinds=(bad_kind,)))
        session.provoke("invalid-id", not_found, "GET", f"{base}/{kind}/{bad_id}")
    session.provoke("missing-list", not_found, "GET", f"{base}/{kind}/{session.name('fl-missing')}")
    face_id = _add_face(session, list_path)
    r = session.call("GET", list_path)
    body = r.json_or_none()
    if r.status_code != 200 or not isinstance(body, dict):
        session.broken("could not read the face list", r, documented="200 FaceList", source=F12)
    if face_id not in [f.get("persistedFaceId") for f in body.get("persistedFaces") or [] if isinstance(f, dict)]:
        session.broken(
            "the added face is not in the face list's persistedFaces",
            r,
            documented=f"persistedFaces contains {face_id}",
            source=F12 + " (FaceListOperations_GetFaceList)",
        )
    listing = session.call("GET", f"{base}/{kind}")
    listed = listing.json_or_none()
    if not isinstance(listed, list) or list_id not in [i.get("faceListId") for i in listed if isinstance(i, dict)]:
        session.broken("the face list is not listed", listing, documented=f"an entry with faceListId {list_id}", source=F12)
    session.call("DELETE", f"{list_path}/persistedfaces/{face_id}")
    session.provoke(AFTER_DELETE, Expected(404, ("PersistedFaceNotFound",), FACE_ERROR_CODES), "DELETE", f"{list_path}/persistedfaces/{face_id}")
    session.call("DELETE", list_path)
    session.provoke(AFTER_DELETE, not_found, "GET", list_path)


SCENARIOS = [
    Scenario(
        "face-largefacelist-train-poll",
        "face",
        "LargeFaceList: not-trained 404, empty list fails, list with faces trains to succeeded via /training, delete → 404",
        large_face_list_train_poll,
    ),
    Scenario(
        "face-facelist",
        "face",
        "FaceList (never trained): create, add a face, read and list it, documented errors, delete → 404",
        face_list,
    ),
]
