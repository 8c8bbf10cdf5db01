"""Hypothesis strategies for face images: real encoded JPEG/PNG/GIF/BMP bytes, valid and invalid.

The Face "add face" operations (``AddPersonGroupPersonFace`` from a stream, the
``application/octet-stream`` overload of ``.../persons/{personId}/persistedfaces``) take the raw
bytes of an image. The documents fix the rules a face image must follow:

* format JPEG, PNG, GIF (first frame) or BMP; file size 1 KB to 6 MB; a detectable face is
  36x36 to 4096x4096 px (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json, quoting its add-face description);
* breaking the size rule is ``400 InvalidImageSize`` ("Image size is too small." /
  "Image size is too big."); an undecodable or unsupported file, or an image without a face,
  is ``400 InvalidImage`` ("Decoding error, image format unsupported." / "No face detected in
  the image.") (Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes "Common error codes").

We cannot run a face detector, so the project agreed on one stand-in rule that the emulator
applies (THE EMULATOR'S FACE RULE): an image *contains a face* when it decodes as one of the
four formats, its file is 1 KB..6 MB, both sides are 36..4096 px and the standard deviation of
its grayscale pixels is at least 8. :func:`images` only yields bytes that pass that rule (a
textured, face-like drawing: a contrasting ellipse with eyes and a mouth on a noisy gradient);
:func:`invalid_images` yields bytes that break exactly one of its clauses. :func:`classify_image`
is the same rule as a pure function, so tests and checks can say which clause a file breaks.

Every strategy draws only small integers (sizes, a numpy seed, colour levels) and renders the
pixels deterministically from them, so drawing is reproducible and shrinks towards the
smallest, first-listed variant. Nothing here does I/O beyond in-memory encoding.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Final

import numpy as np
from hypothesis import strategies as st
from PIL import Image, UnidentifiedImageError

__all__ = [
    "INVALID_IMAGE_ERROR_CODES",
    "INVALID_IMAGE_KINDS",
    "MAX_FACE_SIDE",
    "MAX_IMAGE_BYTES",
    "MIN_FACE_SIDE",
    "MIN_FACE_STDDEV",
    "MIN_IMAGE_BYTES",
    "SUPPORTED_FORMATS",
    "classify_image",
    "images",
    "invalid_images",
]

SUPPORTED_FORMATS: Final[tuple[str, ...]] = ("JPEG", "PNG", "GIF", "BMP")
"""Pillow format names the Face API accepts (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json)."""

MIN_IMAGE_BYTES: Final[int] = 1024
"""Smallest accepted file, 1 KB (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes InvalidImageSize)."""

MAX_IMAGE_BYTES: Final[int] = 6 * 1024 * 1024
"""Largest accepted file, 6 MB (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes InvalidImageSize)."""

MIN_FACE_SIDE: Final[int] = 36
"""Smallest side, in pixels, of an image that can hold a detectable face (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json)."""

MAX_FACE_SIDE: Final[int] = 4096
"""Largest side, in pixels, of an image that can hold a detectable face (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json)."""

MIN_FACE_STDDEV: Final[float] = 8.0
"""The emulator's stand-in for face detection: grayscale standard deviation at least this."""

INVALID_IMAGE_KINDS: Final[tuple[str, ...]] = (
    "too_small_bytes",
    "too_large_bytes",
    "too_small_pixels",
    "corrupt",
    "wrong_type",
    "no_face",
)
"""Every ``kind`` accepted by :func:`invalid_images`, one per clause of the face rule."""

INVALID_IMAGE_ERROR_CODES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "too_small_bytes": "InvalidImageSize",
        "too_large_bytes": "InvalidImageSize",
        "too_small_pixels": "InvalidImage",
        "corrupt": "InvalidImage",
        "wrong_type": "InvalidImage",
        "no_face": "InvalidImage",
    }
)
"""The documented ``400`` ``error.code`` for each invalid kind (Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes)."""

_MAGIC: Final[tuple[tuple[bytes, str], ...]] = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
)
_JPEG_QUALITY: Final[int] = 90
_MAX_NOISE: Final[int] = 127
_MAX_FIT_ATTEMPTS: Final[int] = 12
# Bytes per pixel every supported format exceeds at full noise (measured minimum: JPEG ~0.78).
_MIN_BYTES_PER_PIXEL_AT_FULL_NOISE: Final[float] = 0.5
# Bytes per pixel no supported format exceeds (24-bit BMP/PNG is ~3), plus headers.
_MAX_BYTES_PER_PIXEL: Final[int] = 4
_HEADER_SLACK: Final[int] = 4096


# --------------------------------------------------------------------------------------------
# The rule as a function
# --------------------------------------------------------------------------------------------


def classify_image(data: bytes) -> str | None:
    """Return the first clause of the face rule that ``data`` breaks, or ``None`` if it holds.

    Checked in the emulator's order: file size (``too_small_bytes`` below 1 KB,
    ``too_large_bytes`` above 6 MB); the header (``wrong_type`` when the file is not a
    JPEG/PNG/GIF/BMP, ``corrupt`` when it starts like one but its header does not parse); the
    pixel size read from the header (``too_small_pixels`` when a side is under 36 px,
    ``too_large_pixels`` when a side is over 4096 px); decoding the pixels (``corrupt``); and the
    content (``no_face`` when the grayscale standard deviation is below 8). Every result except
    ``too_large_pixels`` is one of :data:`INVALID_IMAGE_KINDS`; ``too_large_pixels`` (also
    ``400 InvalidImage``) has no strategy, since a textured image that large exceeds 6 MB.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (formats, 1KB..6MB, 36..4096 px) and https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes (InvalidImageSize /
    InvalidImage); the standard-deviation clause is the project's agreed emulator face rule.
    """
    if len(data) < MIN_IMAGE_BYTES:
        return "too_small_bytes"
    if len(data) > MAX_IMAGE_BYTES:
        return "too_large_bytes"
    claimed = next((fmt for magic, fmt in _MAGIC if data.startswith(magic)), None)
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        return "too_large_pixels"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return "corrupt" if claimed is not None else "wrong_type"
    with image:
        if image.format not in SUPPORTED_FORMATS:
            return "wrong_type"
        width, height = image.size
        if min(width, height) < MIN_FACE_SIDE:
            return "too_small_pixels"
        if max(width, height) > MAX_FACE_SIDE:
            return "too_large_pixels"
        try:
            image.load()
            gray = np.asarray(image.convert("L"), dtype=np.float64)
        except (OSError, SyntaxError, ValueError, EOFError):
            return "corrupt"
    if float(gray.std()) < MIN_FACE_STDDEV:
        return "no_face"
    return None


# --------------------------------------------------------------------------------------------
# Rendering helpers (pure, deterministic in their arguments)
# --------------------------------------------------------------------------------------------


def _face_pixels(width: int, height: int, *, seed: int, background: int, noise: int) -> np.ndarray:
    """Render an RGB ``uint8`` array: a contrasting face ellipse with eyes and mouth, plus noise.

    The face sits at a grayscale level 128 away (mod 256) from the background and covers about
    half the picture, so the grayscale standard deviation is about 60 whatever the encoder does;
    per-pixel noise of amplitude ``noise`` keeps the file from compressing to nothing.
    """
    rng = np.random.default_rng(seed)
    ys = np.linspace(-1.0, 1.0, height, dtype=np.float32)[:, None]
    xs = np.linspace(-1.0, 1.0, width, dtype=np.float32)[None, :]
    face_level = (background + 128) % 256
    gray = np.broadcast_to(background + 12.0 * xs + 12.0 * ys, (height, width)).copy()
    gray[(xs / 0.7) ** 2 + (ys / 0.85) ** 2 <= 1.0] = face_level
    for eye_x in (-0.3, 0.3):
        gray[((xs - eye_x) / 0.13) ** 2 + ((ys + 0.25) / 0.1) ** 2 <= 1.0] = background
    gray[(np.abs(xs) <= 0.3) & (np.abs(ys - 0.4) <= 0.07)] = background
    tint = rng.integers(-16, 17, size=3).astype(np.float32)
    jitter = rng.integers(-noise, noise + 1, size=(height, width, 3), dtype=np.int16)
    rgb = gray[:, :, None] + tint[None, None, :] + jitter
    return np.clip(rgb, 0, 255).astype(np.uint8)


def _encode(pixels: np.ndarray, fmt: str) -> bytes:
    """Encode an RGB array in ``fmt``; GIF is written as 8-bit grayscale (no slow quantizing)."""
    image = Image.fromarray(pixels, "RGB")
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=_JPEG_QUALITY)
    elif fmt == "PNG":
        image.save(buffer, "PNG", compress_level=1)
    elif fmt == "GIF":
        image.convert("L").save(buffer, "GIF")
    else:
        image.save(buffer, fmt)
    return buffer.getvalue()


def _fit_face_image(
    fmt: str,
    width: int,
    height: int,
    *,
    seed: int,
    background: int,
    noise: int,
    min_side: int,
    max_side: int,
    min_bytes: int,
    max_bytes: int,
) -> bytes:
    """Encode a face image, resizing deterministically until its file size is in range.

    Too small: raise the noise to its maximum and grow the sides (up to ``max_side``) by the
    square root of the missing ratio. Too big: shrink the sides (down to ``min_side``). The
    option checks in :func:`images` guarantee a fit exists, so this converges in a few steps.
    """
    for _ in range(_MAX_FIT_ATTEMPTS):
        data = _encode(_face_pixels(width, height, seed=seed, background=background, noise=noise), fmt)
        size = len(data)
        if size < min_bytes:
            factor = math.sqrt(min_bytes / size) * 1.15
            noise = _MAX_NOISE
            width = min(max_side, max(width + 1, math.ceil(width * factor)))
            height = min(max_side, max(height + 1, math.ceil(height * factor)))
        elif size > max_bytes:
            factor = math.sqrt(max_bytes / size) * 0.9
            width = max(min_side, min(width - 1, math.floor(width * factor)))
            height = max(min_side, min(height - 1, math.floor(height * factor)))
        else:
            return data
    raise RuntimeError(  # pragma: no cover - excluded by the option checks in images()
        f"could not fit a {fmt} face image into {min_bytes}..{max_bytes} bytes "
        f"with sides {min_side}..{max_side}"
    )


def _save(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Valid images
# --------------------------------------------------------------------------------------------


def images(
    *,
    formats: Sequence[str] = SUPPORTED_FORMATS,
    min_side: int = MIN_FACE_SIDE,
    max_side: int = 512,
    min_bytes: int = MIN_IMAGE_BYTES,
    max_bytes: int = MAX_IMAGE_BYTES,
) -> st.SearchStrategy[bytes]:
    """Generate the bytes of a real encoded image that contains a "face" under the face rule.

    Each value is a JPEG, PNG, GIF or BMP file (one of ``formats``) whose sides are within
    ``min_side..max_side`` px, whose file size is within ``min_bytes..max_bytes`` and whose
    grayscale standard deviation is far above 8: a contrasting ellipse with two eyes and a mouth
    on a gradient, overlaid with per-pixel noise. If the first encoding is below ``min_bytes``
    the noise is raised and the sides grown; if above ``max_bytes`` the sides shrink. No junk is
    ever appended. GIFs are 8-bit grayscale, JPEGs quality 90.

    Rule encoded: AddPersonGroupPersonFace (``application/octet-stream`` body ``imageContent``):
    JPEG/PNG/GIF/BMP, 1 KB..6 MB, 36..4096 px (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json), plus the
    emulator's agreed face rule (grayscale std >= 8), see :func:`classify_image`.

    Options are checked up front: ``formats`` a non-empty subset of :data:`SUPPORTED_FORMATS`;
    ``36 <= min_side <= max_side <= 4096``; ``1024 <= min_bytes``, ``max_bytes <= 6 MB``,
    ``max_bytes >= 2 * min_bytes`` (room to land in), ``min_bytes`` reachable at ``max_side``
    (``<= max_side**2 / 2``) and ``max_bytes`` not below what ``min_side`` can produce
    (``>= 4 * min_side**2 + 4096``).

    Shrinks towards the first format in ``formats``, ``min_side`` x ``min_side``, seed 0 and the
    quietest noise. Drawing takes a few ms at the default ``max_side=512`` (PNG of 512x512 noise
    is the slowest, ~30 ms); sides in the thousands take proportionally longer.
    """
    fmts = tuple(formats)
    if not fmts:
        raise ValueError("formats must name at least one of JPEG, PNG, GIF, BMP")
    unknown = [fmt for fmt in fmts if fmt not in SUPPORTED_FORMATS]
    if unknown:
        raise ValueError(f"formats {unknown!r} are not accepted by the Face API; use {SUPPORTED_FORMATS!r}")
    if not (MIN_FACE_SIDE <= min_side <= max_side <= MAX_FACE_SIDE):
        raise ValueError(
            f"need {MIN_FACE_SIDE} <= min_side <= max_side <= {MAX_FACE_SIDE}, got {min_side=} {max_side=}"
        )
    if not (MIN_IMAGE_BYTES <= min_bytes and max_bytes <= MAX_IMAGE_BYTES):
        raise ValueError(
            f"need {MIN_IMAGE_BYTES} <= min_bytes and max_bytes <= {MAX_IMAGE_BYTES}, got {min_bytes=} {max_bytes=}"
        )
    if max_bytes < 2 * min_bytes:
        raise ValueError(f"need max_bytes >= 2 * min_bytes to fit images reliably, got {min_bytes=} {max_bytes=}")
    if min_bytes > max_side * max_side * _MIN_BYTES_PER_PIXEL_AT_FULL_NOISE:
        raise ValueError(f"min_bytes={min_bytes} is not reachable with max_side={max_side}; raise max_side")
    if max_bytes < _MAX_BYTES_PER_PIXEL * min_side * min_side + _HEADER_SLACK:
        raise ValueError(f"max_bytes={max_bytes} is too small for min_side={min_side}; lower min_side")

    @st.composite
    def _draw(draw: st.DrawFn) -> bytes:
        fmt = draw(st.sampled_from(fmts))
        width = draw(st.integers(min_side, max_side))
        height = draw(st.integers(min_side, max_side))
        seed = draw(st.integers(0, 2**32 - 1))
        background = draw(st.integers(0, 255))
        noise = draw(st.integers(16, _MAX_NOISE))
        return _fit_face_image(
            fmt,
            width,
            height,
            seed=seed,
            background=background,
            noise=noise,
            min_side=min_side,
            max_side=max_side,
            min_bytes=min_bytes,
            max_bytes=max_bytes,
        )

    return _draw()


# --------------------------------------------------------------------------------------------
# Invalid images: each breaks exactly one clause
# --------------------------------------------------------------------------------------------


@st.composite
def _too_small_bytes(draw: st.DrawFn) -> bytes:
    # A two-tone checkerboard compresses to a few hundred bytes yet is 36+ px and high-contrast.
    fmt = draw(st.sampled_from(("PNG", "GIF", "BMP")))
    max_width, max_height = (64, 100) if fmt == "BMP" else (128, 128)
    width = draw(st.integers(MIN_FACE_SIDE, max_width))
    height = draw(st.integers(MIN_FACE_SIDE, max_height))
    block = draw(st.integers(4, 16))
    ys, xs = np.indices((height, width))
    board = (((ys // block) + (xs // block)) % 2 * 255).astype(np.uint8)
    image = Image.fromarray(board, "L")
    if fmt == "BMP":
        # 1-bit BMP: 62-byte header plus at most 8 bytes per row for width <= 64.
        return _save(image.convert("1"), "BMP")
    if fmt == "PNG":
        return _save(image.convert("1"), "PNG", optimize=True)
    gif = _save(image, "GIF")
    # A fine checkerboard can reach 1 KB as GIF (LZW on 8-bit pixels); a 1-bit PNG of it never does.
    # Under 1 KB whether a KB is 1,000 or 1,024 bytes: a 1,001-byte GIF is not "too small" under the first reading.
    return gif if len(gif) < min(1000, MIN_IMAGE_BYTES) else _save(image.convert("1"), "PNG", optimize=True)


@st.composite
def _too_large_bytes(draw: st.DrawFn) -> bytes:
    # An uncompressed 24-bit BMP of noise: each row is ceil(3w/4)*4 bytes, header 54 bytes.
    width = draw(st.integers(1450, 2048))
    row_bytes = (3 * width + 3) // 4 * 4
    height = MAX_IMAGE_BYTES // row_bytes + 1 + draw(st.integers(0, 16))
    seed = draw(st.integers(0, 2**32 - 1))
    raw = np.random.default_rng(seed).bytes(width * height * 3)
    return _save(Image.frombytes("RGB", (width, height), raw), "BMP")


@st.composite
def _too_small_pixels(draw: st.DrawFn) -> bytes:
    # One side below 36 px; the other long enough that 24-bit noise is well over 1 KB.
    fmt = draw(st.sampled_from(("PNG", "BMP")))
    short = draw(st.integers(1, MIN_FACE_SIDE - 1))
    long = draw(st.integers(max(MIN_FACE_SIDE, math.ceil(1100 / (3 * short))), 512))
    width, height = draw(st.sampled_from(((short, long), (long, short))))
    seed = draw(st.integers(0, 2**32 - 1))
    pixels = np.random.default_rng(seed).integers(0, 256, size=(height, width, 3), dtype=np.uint8)
    return _save(Image.fromarray(pixels, "RGB"), fmt)


@st.composite
def _corrupt(draw: st.DrawFn) -> bytes:
    # A valid 64..160 px face image (>= 3 KB), then either truncated mid-data or, for PNG,
    # with its IHDR checksum flipped: the magic bytes still say "image", decoding fails.
    fmt = draw(st.sampled_from(SUPPORTED_FORMATS))
    side = draw(st.integers(64, 160))
    seed = draw(st.integers(0, 2**32 - 1))
    data = _encode(_face_pixels(side, side, seed=seed, background=draw(st.integers(0, 255)), noise=_MAX_NOISE), fmt)
    if fmt == "PNG" and draw(st.booleans()):
        garbled = bytearray(data)
        garbled[29] ^= 0xFF  # 8-byte signature + length(4) + "IHDR"(4) + 13 data bytes -> CRC
        return bytes(garbled)
    keep = draw(st.integers(30, 80))
    return data[: max(MIN_IMAGE_BYTES, len(data) * keep // 100)]


@st.composite
def _wrong_type(draw: st.DrawFn) -> bytes:
    # A real, textured, 36+ px image in a format the Face API does not take, or plain text.
    kind = draw(st.sampled_from(("TIFF", "WEBP", "TEXT")))
    if kind == "TEXT":
        line = "This is a text file, not an image.\n"
        repeats = draw(st.integers(MIN_IMAGE_BYTES // len(line) + 1, 200))
        return (line * repeats).encode("ascii")
    side = draw(st.integers(64, 256))
    seed = draw(st.integers(0, 2**32 - 1))
    image = Image.fromarray(_face_pixels(side, side, seed=seed, background=draw(st.integers(0, 255)), noise=64))
    return _save(image, "TIFF") if kind == "TIFF" else _save(image, "WEBP", lossless=True)


@st.composite
def _no_face(draw: st.DrawFn) -> bytes:
    # Uniform colour (optionally +-2 jitter, grayscale std ~1) in formats that store pixels raw,
    # so the file stays >= 1 KB: 24-bit BMP, or PNG with compression level 0.
    fmt = draw(st.sampled_from(("BMP", "PNG")))
    width = draw(st.integers(MIN_FACE_SIDE, 256))
    height = draw(st.integers(MIN_FACE_SIDE, 256))
    colour = np.array(draw(st.tuples(*[st.integers(2, 253)] * 3)), dtype=np.int16)
    jitter = draw(st.integers(0, 2))
    seed = draw(st.integers(0, 2**32 - 1))
    offsets = np.random.default_rng(seed).integers(-jitter, jitter + 1, size=(height, width, 3), dtype=np.int16)
    pixels = (colour[None, None, :] + offsets).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    return _save(image, "BMP") if fmt == "BMP" else _save(image, "PNG", compress_level=0)


_INVALID_BUILDERS: Final = MappingProxyType(
    {
        "too_small_bytes": _too_small_bytes,
        "too_large_bytes": _too_large_bytes,
        "too_small_pixels": _too_small_pixels,
        "corrupt": _corrupt,
        "wrong_type": _wrong_type,
        "no_face": _no_face,
    }
)


def invalid_images(*, kind: str) -> st.SearchStrategy[bytes]:
    """Generate image bytes that break exactly one clause of the face rule, named by ``kind``.

    ``kind`` (one of :data:`INVALID_IMAGE_KINDS`; the documented ``400`` code is in
    :data:`INVALID_IMAGE_ERROR_CODES`):

    * ``too_small_bytes``: a 36+ px, high-contrast PNG/GIF/BMP checkerboard under 1 KB.
      → ``400 InvalidImageSize`` "Image size is too small."
    * ``too_large_bytes``: an uncompressed 24-bit BMP of noise, 1450..2048 px wide, just over
      6 MB (sides stay <= 4096). → ``400 InvalidImageSize`` "Image size is too big."
      Slower than the rest: ~70 ms per draw, ~6.3 MB of memory.
    * ``too_small_pixels``: a PNG/BMP of noise with one side 1..35 px, over 1 KB.
      → ``400 InvalidImage`` (no face can be detected).
    * ``corrupt``: a valid JPEG/PNG/GIF/BMP face image truncated to 30..80 % of its bytes
      (never under 1 KB), or a PNG with a garbled IHDR checksum. → ``400 InvalidImage``
      "Decoding error, image format unsupported."
    * ``wrong_type``: a textured TIFF or lossless WebP (which Pillow decodes, but the Face API
      does not accept), or a plain-text file, all over 1 KB. → ``400 InvalidImage``
      "Decoding error, image format unsupported."
    * ``no_face``: a uniform-colour (or +-2 jitter) 24-bit BMP or uncompressed PNG, 36..256 px,
      over 1 KB: grayscale std below 8. → ``400 InvalidImage`` "No face detected in the image."

    Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (formats, sizes) and https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes (InvalidImageSize, InvalidImage);
    the std clause is the project's agreed emulator face rule. :func:`classify_image` returns
    ``kind`` for every value drawn. Shrinks towards the simplest variant and the smallest sides.
    """
    builder = _INVALID_BUILDERS.get(kind)
    if builder is None:
        raise ValueError(f"unknown invalid image kind {kind!r}; choose one of {INVALID_IMAGE_KINDS!r}")
    return builder()
