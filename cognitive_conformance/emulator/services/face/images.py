"""The emulator's face-image rule (it does no face detection).

An uploaded or downloaded image is accepted as "exactly one detected face" when, in order:

1. its size is 1 KB .. 6 MB            else 400 InvalidImageSize "Image size is too small." / "Image size is too big.";
2. Pillow decodes it as JPEG, PNG, GIF (first frame) or BMP
                                        else 400 InvalidImage "Decoding error, image format unsupported.";
3. both sides are 36 .. 4096 pixels     else 400 InvalidImage (dimensions message below);
4. its grayscale standard deviation is >= 8 (a flat image has no face)
                                        else 400 InvalidImage "No face detected in the image.".

Dimensions are read from the header before any pixel is decoded, so oversized
("decompression bomb") images are rejected cheaply. The image strategies of ``strategies/``
(valid and invalid images) target exactly these four checks: change both together.

Sources: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (JPEG/PNG/GIF/BMP, 1 KB..6 MB, detectable faces 36x36..4096x4096),
https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes InvalidImage/InvalidImageSize messages.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageStat

from cognitive_conformance.emulator.services.face import errors

__all__ = [
    "ACCEPTED_FORMATS",
    "MIN_SIDE",
    "MAX_SIDE",
    "MIN_STDDEV",
    "DIMENSIONS_MESSAGE",
    "CheckedImage",
    "check_image",
]

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "GIF", "BMP"})
MIN_SIDE = 36
MAX_SIDE = 4096
MIN_STDDEV = 8.0
DIMENSIONS_MESSAGE = "Image dimensions are out of range: each side must be 36 to 4096 pixels."


@dataclass(frozen=True)
class CheckedImage:
    """An image that passed the rule: its format and pixel size."""

    format: str
    width: int
    height: int


def check_image(data: bytes, *, min_bytes: int = 1024, max_bytes: int = 6 * 1024 * 1024) -> CheckedImage:
    """Apply the four-step rule above; return the image's format and size or raise the documented ``ApiError``."""
    if len(data) < min_bytes:
        raise errors.invalid_image_size("Image size is too small.")
    if len(data) > max_bytes:
        raise errors.invalid_image_size("Image size is too big.")
    try:
        image = Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_FORMATS))
        fmt = image.format or ""
        width, height = image.size
    except Exception:  # Pillow raises many types for undecodable input
        raise errors.invalid_image("Decoding error, image format unsupported.") from None
    if fmt not in ACCEPTED_FORMATS:
        raise errors.invalid_image("Decoding error, image format unsupported.")
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise errors.invalid_image(DIMENSIONS_MESSAGE)
    try:
        image.seek(0)
        gray = image.convert("L")
        stddev = ImageStat.Stat(gray).stddev[0]
    except Exception:  # truncated or corrupt pixel data
        raise errors.invalid_image("Decoding error, image format unsupported.") from None
    if stddev < MIN_STDDEV:
        raise errors.invalid_image("No face detected in the image.")
    return CheckedImage(format=fmt, width=width, height=height)
