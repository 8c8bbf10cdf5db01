"""Handlers: train a LargeFaceList and read its training status (a plain FaceList has no training).

* Train -> 202, empty body, ``Operation-Location: {scheme}://{host}/face/{apiVersion}/largefacelists/{id}/training``
  on every version: the real service points the header at the list's own training status, never at
  ``/operations/{id}`` (also on v1.0, whose document names no header). Training while a training of
  the list is running -> 409 ``LargeFaceListTrainingNotFinished``.
* Duration = ``training_seconds × (1 + 0.01 × faces)``, at most half an hour (the person-group formula without persons:
  "Training time depends on the number of face entries"). There is no queue: the first status read is
  already ``running``, as recorded. A list without faces is accepted (202) and its training ends
  ``failed`` with a message, the decision specs/face.yaml records for an empty person group.
* Get training status -> 200 with the recorded fields (``list_views.list_training_body``); never
  trained -> 404 ``LargeFaceListNotTrained``.

Sources: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json
(FaceListOperations_TrainLargeFaceList: 202, operation-Location "The location of an instance of TrainingResult",
"Training time depends on the number of face entries in a Large Face List"; FaceListOperations_GetLargeFaceListTrainingStatus);
recordings https://github.com/Azure/azure-sdk-assets/blob/0b4013000f3d2dec08f3220b605dfacef9736f67/python/sdk/face/azure-ai-vision-face/tests/recordings/test_find_similar.pyTestFindSimilartest_find_similar_from_large_face_list.json
and https://github.com/Azure/azure-sdk-for-net/blob/934bbddb95d2aa6ee5b2923b34b79f25319ab4da/sdk/cognitiveservices/Vision.Face/tests/SessionRecords/SnapshotTests/FaceSnapshotTestLargeFaceList.json
(train 202 -> Operation-Location …/largefacelists/{id}/training; first read running, then succeeded).
"""

from __future__ import annotations

import math

from cognitive_conformance.emulator.routing import NO_BODY, HandlerContext, Reply
from cognitive_conformance.emulator.services.face import list_errors
from cognitive_conformance.emulator.services.face.face_lists import find_list
from cognitive_conformance.emulator.services.face.list_views import list_training_body
from cognitive_conformance.emulator.services.face.state import face_state
from cognitive_conformance.emulator.training import derive, start_training, training_duration

__all__ = [
    "OPERATION_LOCATION_HEADER",
    "NO_FACE_MESSAGE",
    "training_seconds",
    "train_large_face_list",
    "get_large_face_list_training_status",
]

OPERATION_LOCATION_HEADER = "Operation-Location"
NO_FACE_MESSAGE = "There is no persisted face in the large face list."


def training_seconds(base_seconds: float, *, faces: int, scale: float = 1.0, per_face: float = 0.01, cap: float = math.inf) -> float:
    """``min(base_seconds × (1 + per_face × faces), cap) × scale``; ``scale`` is the behaviour's training scale (``inf``: never ends).

    ``per_face`` and ``cap`` are ``EmulatorConfig.training_per_face`` and ``training_max_seconds`` ("up to half an hour
    for 1,000,000 faces": https://learn.microsoft.com/en-us/rest/api/face/face-list-operations/train-large-face-list?view=rest-face-v1.1-preview.1).
    """
    return training_duration(base_seconds, weight=1.0 + per_face * faces, scale=scale, cap=cap)


async def train_large_face_list(ctx: HandlerContext) -> Reply:
    """TrainLargeFaceList."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        collection = find_list(state, inputs.kind, inputs.list_id)
        if collection.is_training(ctx.now):
            raise list_errors.list_training_not_finished()
        faces = len(collection.faces)
        base = float(ctx.config.training_seconds)
        duration = training_seconds(
            base,
            faces=faces,
            scale=ctx.behaviour.training_scale,
            per_face=ctx.config.training_per_face,
            cap=ctx.config.training_max_seconds,
        )
        collection.training = start_training(
            ctx.now,
            duration=duration,
            queue_basis=0.0,
            succeeds=faces > 0,
            failure_message=NO_FACE_MESSAGE,
            previous=collection.training,
        )
    location = f"{ctx.base_url}/face/{ctx.version}/largefacelists/{inputs.list_id}/training"
    return Reply(202, json=NO_BODY, headers={OPERATION_LOCATION_HEADER: location})


async def get_large_face_list_training_status(ctx: HandlerContext) -> Reply:
    """GetLargeFaceListTrainingStatus."""
    inputs = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        collection = find_list(state, inputs.kind, inputs.list_id)
        if collection.training is None:
            raise list_errors.list_not_trained()
        record = collection.training
        body = list_training_body(record, derive(record, ctx.now), ctx.version)
    return Reply(200, json=body)
