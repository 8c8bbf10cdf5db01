"""Detect and Identify: faceIds for images, and the persons of a trained group those faces match.

* ``POST /detect`` (an image as ``application/octet-stream``, or ``{"url"}``): the image obeys the emulator's face
  rule (``images.py``); one face per image, its rectangle the middle three quarters of the picture. With
  ``returnFaceId`` (default true) each face gets a faceId (``recognition.face_id_for``) kept for
  ``faceIdTimeToLive`` seconds (60..86400, default 86400 = 24 h; else 400 BadArgument). An image whose pixels are
  flat has no face: 200 ``[]`` (the documents: "An empty response indicates no faces detected.").
* ``POST /identify`` with ``faceIds`` (1..10) and exactly one of ``personGroupId``, ``largePersonGroupId`` (every
  version), ``personIds`` or ``dynamicPersonGroupId`` (PersonDirectory, v1.1-preview.1 and later):
  ``maxNumOfCandidatesReturned`` 1..100 (default 10), ``confidenceThreshold`` 0..1 (default 0.5). A person group
  must be trained: while its training runs 409 ``PersonGroupTrainingNotFinished``; never trained (or only failed)
  400 ``PersonGroupNotTrained``; missing 400 ``PersonGroupNotFound`` (``Large…`` likewise). It answers what the
  latest successful training learned (persons added since are not known until the next training). A
  PersonDirectory person counts once its create operation succeeded, with the faces whose add operation succeeded
  in the faceId's recognition model. An unknown or expired faceId is 400 ``FaceNotFound``. Each face gets the
  persons whose best face has ``recognition.confidence`` at or above the threshold, best first.

Sources: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json
(FaceDetectionOperations_Detect / DetectFromUrl, FaceRecognitionOperations_IdentifyFrom*: parameters, ranges and defaults);
https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes (Identify: 400 PersonGroupNotFound,
PersonGroupNotTrained, LargePersonGroupNotTrained, FaceNotFound; 409 PersonGroupTrainingNotFinished);
tests/reference/recordings/face/v1.2-preview.1/test-proxy-python/test_identify.pyTestIdentifytest_identify_from_person_group.elided.json
entries 0 (detect: faceId, faceRectangle) and 13 (identify: faceId, candidates[personId, confidence]).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cognitive_conformance.emulator.pipeline.validation import ensure_object
from cognitive_conformance.emulator.routing import HandlerContext, RawInput, Reply
from cognitive_conformance.emulator.services.face import errors
from cognitive_conformance.emulator.services.face.images import CheckedImage, check_image
from cognitive_conformance.emulator.services.face.models import DetectedFace, FaceState
from cognitive_conformance.emulator.services.face.recognition import confidence, face_feature, face_id_for
from cognitive_conformance.emulator.services.face.state import face_state
from cognitive_conformance.emulator.services.face.validation import DETECTION_MODELS, GROUP_ID_PATTERN, RECOGNITION_MODELS, UUID_PATTERN, image_bytes
from cognitive_conformance.emulator.training import TrainingState, derive

__all__ = ["DetectInput", "IdentifyInput", "validate_detect", "validate_identify", "detect", "identify"]

TTL_DEFAULT, TTL_MIN, TTL_MAX = 86400, 60, 86400
MAX_FACE_IDS = 10
DEFAULT_CANDIDATES, MAX_CANDIDATES = 10, 100
DEFAULT_THRESHOLD = 0.5
_UUID = UUID_PATTERN
_INT = re.compile(r"^\s*[+-]?\d{1,10}\s*$")
_TARGETS = {"personGroupId": "persongroups", "largePersonGroupId": "largepersongroups", "personIds": "persons", "dynamicPersonGroupId": "dynamic"}


@dataclass(frozen=True)
class DetectInput:
    image: CheckedImage | None
    """``None`` when the image has no face (flat pixels)."""
    data: bytes
    return_face_id: bool
    recognition_model: str
    return_recognition_model: bool
    ttl: int


@dataclass(frozen=True)
class IdentifyInput:
    face_ids: tuple[str, ...]
    target: str
    """``persongroups``, ``largepersongroups``, ``persons`` or ``dynamic``."""
    target_id: str
    person_ids: tuple[str, ...]
    top: int
    threshold: float


def _bool(raw: RawInput, name: str, default: bool) -> bool:
    value = raw.query.get(name)
    if value is None or value == "":
        return default
    if value.lower() not in ("true", "false"):
        raise errors.bad_argument(f"'{name}' is invalid.")
    return value.lower() == "true"


async def validate_detect(raw: RawInput, config: Any) -> DetectInput:
    """Query parameters and the image of Detect (module docstring)."""
    detection_model = raw.query.get("detectionModel", "detection_01")  # present but empty is not an enum value
    if detection_model not in DETECTION_MODELS:
        raise errors.bad_argument("'detectionModel' is invalid.")
    recognition_model = raw.query.get("recognitionModel", "recognition_01")
    if recognition_model not in RECOGNITION_MODELS:
        raise errors.bad_argument("'recognitionModel' is invalid.")
    ttl_text = raw.query.get("faceIdTimeToLive")
    ttl = TTL_DEFAULT
    if ttl_text is not None:
        if not _INT.fullmatch(ttl_text) or not TTL_MIN <= int(ttl_text) <= TTL_MAX:
            raise errors.bad_argument("'faceIdTimeToLive' is invalid.")
        ttl = int(ttl_text)
    return_face_id = _bool(raw, "returnFaceId", True)
    return_model = _bool(raw, "returnRecognitionModel", False)
    _bool(raw, "returnFaceLandmarks", False)
    limits = config.limits
    data = await image_bytes(raw, config)
    try:
        image: CheckedImage | None = check_image(data, min_bytes=limits.min_image_bytes, max_bytes=limits.max_image_bytes)
    except errors.ApiError as error:
        if error.message != "No face detected in the image.":
            raise
        image = None
    return DetectInput(image, data, return_face_id, recognition_model, return_model, ttl)


async def detect(ctx: HandlerContext) -> Reply:
    """FaceDetectionOperations_Detect / DetectFromUrl (v1.0: Face_DetectWithStream / DetectWithUrl)."""
    inputs: DetectInput = ctx.inputs
    if inputs.image is None:
        return Reply(200, json=[])
    w, h = inputs.image.width, inputs.image.height
    face: dict[str, Any] = {}
    if inputs.return_face_id:
        face_id = face_id_for(ctx.key, inputs.recognition_model, inputs.data)
        feature = face_feature(inputs.data)
        with face_state(ctx.store, ctx.key) as state:
            _forget_expired(state, ctx.now)
            state.detected[face_id] = DetectedFace(face_id, feature, inputs.recognition_model, ctx.now + timedelta(seconds=inputs.ttl))
        face["faceId"] = face_id
        if inputs.return_recognition_model:
            face["recognitionModel"] = inputs.recognition_model
    face["faceRectangle"] = {"top": h // 8, "left": w // 8, "width": max(1, w * 3 // 4), "height": max(1, h * 3 // 4)}
    return Reply(200, json=[face])


def _forget_expired(state: FaceState, now: Any) -> None:
    for face_id in [f for f, d in state.detected.items() if d.expires_at <= now]:
        del state.detected[face_id]


def _uuid_list(value: Any, *, name: str, most: int) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or len(value) > most:
        raise errors.bad_argument(f"'{name}' is invalid.")
    if not all(isinstance(v, str) and _UUID.fullmatch(v) for v in value):
        raise errors.bad_argument(f"'{name}' is invalid.")
    return tuple(v.lower() for v in value)


async def validate_identify(raw: RawInput, config: Any) -> IdentifyInput:
    """The Identify body (module docstring); PersonDirectory targets only from v1.1-preview.1."""
    body = ensure_object(raw.json)
    face_ids = _uuid_list(body.get("faceIds"), name="faceIds", most=MAX_FACE_IDS)
    allowed = ("personGroupId", "largePersonGroupId") if raw.version == "v1.0" else tuple(_TARGETS)
    present = [k for k in allowed if k in body]
    if len(present) != 1:
        raise errors.bad_argument("Request body is invalid.")
    key = present[0]
    target, target_id, person_ids = _TARGETS[key], "", ()
    if key == "personIds":
        value = body[key]
        if isinstance(value, list) and 1 <= len(value) <= 30 and "*" in value:  # every person of the directory
            person_ids = ("*",)
        else:
            person_ids = _uuid_list(value, name="personIds", most=30)
    else:
        target_id = body[key]
        if not isinstance(target_id, str) or not GROUP_ID_PATTERN.fullmatch(target_id):
            raise errors.bad_argument(f"'{key}' is invalid.")
    top = body.get("maxNumOfCandidatesReturned", DEFAULT_CANDIDATES)
    if isinstance(top, float) and top.is_integer():
        top = int(top)  # 8.0 is the integer 8 in JSON
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= MAX_CANDIDATES:
        raise errors.bad_argument("'maxNumOfCandidatesReturned' is invalid.")
    threshold = body.get("confidenceThreshold", DEFAULT_THRESHOLD)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
        raise errors.bad_argument("'confidenceThreshold' is invalid.")
    return IdentifyInput(face_ids, target, target_id, person_ids, top, float(threshold))


def _group_gallery(state: FaceState, kind: str, group_id: str, now: Any) -> tuple[tuple[str, tuple[float, ...]], ...]:
    group = state.groups.get((kind, group_id))
    if group is None:
        raise errors.identify_group_not_found(kind)
    status = group.training_state(now)
    if status is None:
        raise errors.identify_group_not_trained(kind)
    if not status.terminal:
        raise errors.group_training_not_finished(kind)
    if status is TrainingState.SUCCEEDED:
        return group.trained
    if group.prior_trained is not None:
        return group.prior_trained
    raise errors.identify_group_not_trained(kind)


def _directory_gallery(state: FaceState, inputs: IdentifyInput, model: str, now: Any) -> tuple[tuple[str, tuple[float, ...]], ...]:
    if inputs.target == "dynamic":
        group = state.dynamic_groups.get(inputs.target_id)
        if group is None:
            raise errors.dynamic_group_not_found()
        wanted = list(group.person_ids)
    elif inputs.person_ids == ("*",):
        wanted = list(state.directory)
    else:
        wanted = list(inputs.person_ids)
    gallery = []
    for person_id in wanted:
        person = state.directory.get(person_id)
        if person is None or person.ready_at > now:
            continue
        gallery += [(person_id, f.feature) for f in person.faces.values() if f.recognition_model == model and f.ready_at <= now]
    return tuple(gallery)


async def identify(ctx: HandlerContext) -> Reply:
    """FaceRecognitionOperations_IdentifyFromPersonGroup / …LargePersonGroup / …PersonDirectory / …DynamicPersonGroup."""
    inputs: IdentifyInput = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        _forget_expired(state, ctx.now)
        probes = []
        for face_id in inputs.face_ids:
            detected = state.detected.get(face_id)
            if detected is None:
                raise errors.face_not_found()
            probes.append(detected)
        if inputs.target in ("persongroups", "largepersongroups"):
            gallery = _group_gallery(state, inputs.target, inputs.target_id, ctx.now)
            galleries = {p.face_id: gallery for p in probes}
        else:
            galleries = {p.face_id: _directory_gallery(state, inputs, p.recognition_model, ctx.now) for p in probes}
    results = []
    for probe in probes:
        best: dict[str, float] = {}
        for person_id, feature in galleries[probe.face_id]:
            score = confidence(probe.feature, feature)
            best[person_id] = max(score, best.get(person_id, 0.0))
        ranked = sorted(((s, p) for p, s in best.items() if s >= inputs.threshold), key=lambda sp: (-sp[0], sp[1]))
        results.append({"faceId": probe.face_id, "candidates": [{"personId": p, "confidence": s} for s, p in ranked[: inputs.top]]})
    return Reply(200, json=results)
