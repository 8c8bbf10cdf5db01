"""JSON representations of FaceLists, LargeFaceLists, their faces and a LargeFaceList's training.

* list: ``{faceListId | largeFaceListId, name, userData?, recognitionModel?}``; Get Face List also
  carries ``persistedFaces: [{persistedFaceId, userData?}]`` (FaceList, FaceListItem, LargeFaceList);
* face: ``{persistedFaceId, userData?}`` (FaceListFace, LargeFaceListFace);
* training status, as the real service answers it: ``running`` reads carry ``status``,
  ``createdDateTime`` (the instant the training was submitted) and ``lastActionDateTime`` (equal to
  it while running); ``succeeded`` adds ``lastSuccessfulTrainingDateTime`` (= ``lastActionDateTime``);
  v1.0 also sends ``"message": null``; ``failed`` carries the failure ``message``.

Sources: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json
(FaceList, FaceListItem, LargeFaceList, LargeFaceListFace, TrainingResult); recorded LargeFaceList trainings:
https://github.com/Azure/azure-sdk-assets/blob/0b4013000f3d2dec08f3220b605dfacef9736f67/python/sdk/face/azure-ai-vision-face/tests/recordings/test_find_similar.pyTestFindSimilartest_find_similar_from_large_face_list.json
(v1.2-preview.1: running, then succeeded) and
https://github.com/Azure/azure-sdk-for-net/blob/934bbddb95d2aa6ee5b2923b34b79f25319ab4da/sdk/cognitiveservices/Vision.Face/tests/SessionRecords/SnapshotTests/FaceSnapshotTestLargeFaceList.json
(v1.0: ``"message": null`` on both reads).
"""

from __future__ import annotations

from typing import Any

from cognitive_conformance.emulator.clock import format_rfc3339
from cognitive_conformance.emulator.services.face.models import FaceCollection
from cognitive_conformance.emulator.services.face.views import face_body, status_spelling
from cognitive_conformance.emulator.training import TrainingRecord, TrainingState, TrainingView

__all__ = ["LIST_ID_FIELD", "list_body", "list_training_body"]

LIST_ID_FIELD = {"facelists": "faceListId", "largefacelists": "largeFaceListId"}


def list_body(collection: FaceCollection, *, with_model: bool, with_faces: bool = False) -> dict[str, Any]:
    """A FaceList / LargeFaceList object (``persistedFaces`` only for Get Face List)."""
    body: dict[str, Any] = {LIST_ID_FIELD[collection.kind]: collection.list_id, "name": collection.name}
    if collection.user_data is not None:
        body["userData"] = collection.user_data
    if with_model:
        body["recognitionModel"] = collection.recognition_model
    if with_faces:
        body["persistedFaces"] = [face_body(face) for face in collection.faces.values()]
    return body


def list_training_body(record: TrainingRecord, view: TrainingView, version: str) -> dict[str, Any]:
    """The training status of a LargeFaceList at the view's instant (fields as the service sends them)."""
    body: dict[str, Any] = {
        "status": status_spelling(view.state, version),
        "createdDateTime": format_rfc3339(record.submitted_at),
        "lastActionDateTime": format_rfc3339(view.last_action_at),
    }
    if version == "v1.0":
        body["message"] = None
    if view.state is TrainingState.FAILED and view.message:
        body["message"] = view.message
    if view.last_success_at is not None:
        body["lastSuccessfulTrainingDateTime"] = format_rfc3339(view.last_success_at)
    return body
