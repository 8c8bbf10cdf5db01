"""Unit tests for strategies.images: decode every drawn file with Pillow and check the face rule clause by clause."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from cognitive_conformance.strategies.images import (
    INVALID_IMAGE_ERROR_CODES,
    INVALID_IMAGE_KINDS,
    classify_image,
    images,
    invalid_images,
)

# The agreed face rule, written out again (API-DIGEST §1.7 + the emulator's std >= 8 clause).
KB, MB = 1024, 6 * 1024 * 1024
FORMATS = {"JPEG", "PNG", "GIF", "BMP"}
IMAGE_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def decode(data: bytes) -> tuple[str, tuple[int, int], float]:
    """Fully decode ``data``: (format, size, grayscale std). Raises if Pillow cannot decode it."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return str(image.format), image.size, float(np.asarray(image.convert("L"), dtype=np.float64).std())


def encode(pixels: np.ndarray, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, fmt, **params)
    return buffer.getvalue()


def sides_ok(size: tuple[int, int]) -> bool:
    return all(36 <= side <= 4096 for side in size)


# ---------------------------------------------------------------------------------------------
# valid images
# ---------------------------------------------------------------------------------------------


@IMAGE_SETTINGS
@given(images())
def test_images_satisfy_every_clause_of_the_face_rule(data: bytes) -> None:
    fmt, size, std = decode(data)
    assert fmt in FORMATS
    assert KB <= len(data) <= MB
    assert all(36 <= side <= 512 for side in size)
    assert std >= 8
    assert classify_image(data) is None


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_images_honour_the_formats_option(fmt: str, data: st.DataObject) -> None:
    assert decode(data.draw(images(formats=(fmt,))))[0] == fmt


@settings(max_examples=15, deadline=None)
@given(images(formats=("JPEG", "GIF"), min_side=100, max_side=300, min_bytes=30_000, max_bytes=400_000))
def test_images_honour_side_and_byte_bounds(data: bytes) -> None:
    fmt, size, std = decode(data)
    assert fmt in {"JPEG", "GIF"}
    assert all(100 <= side <= 300 for side in size)
    assert 30_000 <= len(data) <= 400_000
    assert std >= 8


@settings(max_examples=10, deadline=None)
@given(images(formats=("BMP",), min_side=600, max_side=1400, max_bytes=2 * 1024 * 1024))
def test_images_shrink_to_fit_max_bytes(data: bytes) -> None:
    # Uncompressed 24-bit BMP at 1400x1400 is ~5.9 MB, so most draws must be shrunk to fit.
    _, size, _ = decode(data)
    assert len(data) <= 2 * 1024 * 1024
    assert all(600 <= side <= 1400 for side in size)


def test_images_draw_fast_at_default_options() -> None:
    strategy = images()
    durations: list[float] = []

    @settings(max_examples=30, deadline=None, database=None)
    @given(st.data())
    def draw(data: st.DataObject) -> None:
        start = time.perf_counter()
        data.draw(strategy)
        durations.append(time.perf_counter() - start)

    draw()
    assert sorted(durations)[len(durations) // 2] < 0.05  # median under 50 ms


@pytest.mark.parametrize(
    "options",
    [
        {"formats": ()},
        {"formats": ("TIFF",)},
        {"min_side": 35},
        {"max_side": 4097},
        {"min_side": 100, "max_side": 50},
        {"min_bytes": 1000},
        {"max_bytes": MB + 1},
        {"min_bytes": 10_000, "max_bytes": 15_000},
        {"min_bytes": 500_000, "max_side": 200},
        {"min_side": 2000, "max_side": 2000, "max_bytes": 1_000_000},
    ],
)
def test_images_rejects_bad_options(options: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        images(**options)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# invalid images: each kind breaks exactly one clause
# ---------------------------------------------------------------------------------------------


@IMAGE_SETTINGS
@given(invalid_images(kind="too_small_bytes"))
def test_too_small_bytes_images_are_otherwise_valid(data: bytes) -> None:
    fmt, size, std = decode(data)
    assert len(data) < 1000  # under 1 KB whether a KB is 1000 or 1024 bytes
    assert fmt in FORMATS and sides_ok(size) and std >= 8


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(invalid_images(kind="too_large_bytes"))
def test_too_large_bytes_images_are_otherwise_valid(data: bytes) -> None:
    fmt, size, std = decode(data)
    assert len(data) > MB
    assert fmt == "BMP" and sides_ok(size) and std >= 8


@IMAGE_SETTINGS
@given(invalid_images(kind="too_small_pixels"))
def test_too_small_pixels_images_are_otherwise_valid(data: bytes) -> None:
    fmt, size, std = decode(data)
    assert min(size) < 36 and max(size) <= 4096
    assert fmt in FORMATS and KB <= len(data) <= MB and std >= 8


@IMAGE_SETTINGS
@given(invalid_images(kind="corrupt"))
def test_corrupt_images_look_like_images_but_do_not_decode(data: bytes) -> None:
    assert KB <= len(data) <= MB
    assert data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF8", b"BM"))
    with pytest.raises((OSError, SyntaxError)):
        decode(data)


@IMAGE_SETTINGS
@given(invalid_images(kind="wrong_type"))
def test_wrong_type_images_are_not_an_accepted_format(data: bytes) -> None:
    assert KB <= len(data) <= MB
    try:
        fmt, size, std = decode(data)
    except OSError:
        assert data.isascii()  # the plain-text variant
    else:
        assert fmt not in FORMATS and sides_ok(size) and std >= 8


@IMAGE_SETTINGS
@given(invalid_images(kind="no_face"))
def test_no_face_images_are_near_uniform_but_otherwise_valid(data: bytes) -> None:
    fmt, size, std = decode(data)
    assert std < 8
    assert fmt in FORMATS and sides_ok(size) and KB <= len(data) <= MB


@pytest.mark.parametrize("kind", [k for k in INVALID_IMAGE_KINDS if k != "too_large_bytes"])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_classify_image_names_the_kind_that_was_drawn(kind: str, data: st.DataObject) -> None:
    assert classify_image(data.draw(invalid_images(kind=kind))) == kind


def test_every_kind_has_its_documented_error_code() -> None:
    assert set(INVALID_IMAGE_ERROR_CODES) == set(INVALID_IMAGE_KINDS)
    assert INVALID_IMAGE_ERROR_CODES["too_small_bytes"] == INVALID_IMAGE_ERROR_CODES["too_large_bytes"] == "InvalidImageSize"
    for kind in ("too_small_pixels", "corrupt", "wrong_type", "no_face"):
        assert INVALID_IMAGE_ERROR_CODES[kind] == "InvalidImage"


def test_invalid_images_rejects_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="kind"):
        invalid_images(kind="blurry")


# ---------------------------------------------------------------------------------------------
# classify_image on hand-built files
# ---------------------------------------------------------------------------------------------


def _noise(height: int, width: int) -> np.ndarray:
    return np.random.default_rng(7).integers(0, 256, size=(height, width, 3), dtype=np.uint8)


def test_classify_image_accepts_a_noisy_png() -> None:
    assert classify_image(encode(_noise(40, 40), "PNG")) is None


def test_classify_image_spots_each_clause() -> None:
    assert classify_image(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100) == "too_small_bytes"
    assert classify_image(b"BM" + b"\x00" * (MB + 1)) == "too_large_bytes"
    assert classify_image(encode(_noise(30, 200), "BMP")) == "too_small_pixels"
    assert classify_image(encode(_noise(64, 64), "PNG")[:2000]) == "corrupt"
    assert classify_image(encode(_noise(64, 64), "TIFF")) == "wrong_type"
    assert classify_image(b"hello world\n" * 100) == "wrong_type"
    assert classify_image(encode(np.full((50, 50, 3), 128, dtype=np.uint8), "BMP")) == "no_face"


def test_classify_image_reports_sides_over_4096_separately() -> None:
    data = encode(_noise(40, 4100), "PNG")
    assert 1024 <= len(data) <= MB
    assert classify_image(data) == "too_large_pixels"


def test_classify_image_checks_pixel_size_before_decoding_like_the_emulator() -> None:
    # A truncated 20x200 BMP: the header already says a side is under 36 px.
    assert classify_image(encode(_noise(20, 200), "BMP")[:9000]) == "too_small_pixels"
