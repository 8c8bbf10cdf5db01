"""The emulator's face recognition: a feature per image, a similarity between two features, faceIds.

The emulator runs no face model. Its stand-in is deterministic and derived from the image alone:

* the *feature* of an image is a 64-dimensional unit vector seeded by the SHA-256 of its decoded RGB pixels,
  so the same picture (in any lossless encoding) has the same feature and two different pictures have
  nearly orthogonal ones (cosine ~ N(0, 1/64));
* the *confidence* that two features show the same person is their cosine, clipped to [0, 1] and rounded to
  5 digits (as the recorded confidences are: 0.95299 in tests/reference/recordings/face/pg-train-identify.v1.2-preview.1.tail.json
  entry 3): the same image gives 1.0, different images give almost always less than 0.5;
* a *faceId* is a UUID derived from the tenant, the recognition model and the image's SHA-256, so detecting
  the same image again gives the same faceId (and renews its time to live).

Sources: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json
(Detect: "The faceId is an identifier of the face feature and will be used in Identify"; faceIdTimeToLive 60..86400,
default 86400; Identify: candidates with a confidence in [0, 1]).
"""

from __future__ import annotations

import hashlib
import io
import math
import random
import uuid

from PIL import Image

__all__ = ["FEATURE_SIZE", "face_feature", "confidence", "face_id_for"]

FEATURE_SIZE = 64
_NAMESPACE = uuid.UUID("6f1c3a52-6a4e-4c0e-9d7b-0c5e7a1f4b21")


def _pixels_digest(data: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.seek(0)
            return hashlib.sha256(image.convert("RGB").tobytes()).digest()
    except Exception:  # the validator already accepted the image; any decoder hiccup falls back to the bytes
        return hashlib.sha256(data).digest()


def face_feature(data: bytes) -> tuple[float, ...]:
    """The image's feature: a unit vector seeded by its decoded pixels (module docstring)."""
    rng = random.Random(_pixels_digest(data))
    vector = [rng.gauss(0.0, 1.0) for _ in range(FEATURE_SIZE)]
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return tuple(round(v / norm, 8) for v in vector)


def confidence(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """How sure the emulator is that ``a`` and ``b`` show the same face: the clipped cosine, 5 digits."""
    if not a or not b:
        return 0.0
    dot = sum(x * y for x, y in zip(a, b))
    return round(min(1.0, max(0.0, dot)), 5)


def face_id_for(tenant: str, recognition_model: str, data: bytes) -> str:
    """The faceId Detect hands out for ``data`` in this tenant and recognition model."""
    digest = hashlib.sha256(data).hexdigest()
    tenant_tag = hashlib.sha256(tenant.encode("utf-8")).hexdigest()[:16]
    return str(uuid.uuid5(_NAMESPACE, f"{tenant_tag}|{recognition_model}|{digest}"))
