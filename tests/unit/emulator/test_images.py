import io

import numpy as np
import pytest
from PIL import Image

from cognitive_conformance.emulator.errors import ApiError
from cognitive_conformance.emulator.services.face.images import DIMENSIONS_MESSAGE, check_image
from tests.conftest import face_image_bytes


def _encode(pixels: np.ndarray, fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, fmt)
    return buffer.getvalue()


def _error(data: bytes) -> ApiError:
    with pytest.raises(ApiError) as info:
        check_image(data)
    return info.value


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "BMP"])
def test_accepted_formats_with_texture_are_one_face(fmt: str) -> None:
    checked = check_image(face_image_bytes(size=80, fmt=fmt))
    assert (checked.format, checked.width, checked.height) == (fmt, 80, 80)


def test_too_small_file_is_invalid_image_size() -> None:
    error = _error(b"\x89PNG" + b"0" * 100)
    assert (error.status, error.code, error.message) == (400, "InvalidImageSize", "Image size is too small.")


def test_too_big_file_is_invalid_image_size() -> None:
    error = _error(b"0" * (6 * 1024 * 1024 + 1))
    assert (error.code, error.message) == ("InvalidImageSize", "Image size is too big.")


def test_undecodable_and_unsupported_formats_are_invalid_image() -> None:
    assert _error(b"not an image" * 200).message == "Decoding error, image format unsupported."
    tiff = _encode((np.random.default_rng(0).random((64, 64)) * 255).astype("uint8"), "TIFF")
    assert _error(tiff).message == "Decoding error, image format unsupported."


@pytest.mark.parametrize("shape", [(35, 64), (64, 35), (4097, 40)])
def test_sides_outside_36_to_4096_are_invalid_image(shape: tuple[int, int]) -> None:
    pixels = (np.random.default_rng(1).random(shape) * 255).astype("uint8")
    error = _error(_encode(pixels, "BMP"))
    assert (error.code, error.message) == ("InvalidImage", DIMENSIONS_MESSAGE)


def test_flat_image_has_no_face() -> None:
    flat = np.full((200, 200), 128, dtype="uint8")
    data = _encode(flat, "BMP")
    assert len(data) > 1024
    error = _error(data)
    assert (error.code, error.message) == ("InvalidImage", "No face detected in the image.")


def test_stddev_threshold_is_eight() -> None:
    stripes = np.zeros((100, 100), dtype="uint8")
    stripes[:, ::2] = 16  # std-dev exactly 8
    assert check_image(_encode(stripes, "BMP")).width == 100
    faint = np.zeros((100, 100), dtype="uint8")
    faint[:, ::2] = 14  # std-dev 7
    assert _error(_encode(faint, "BMP")).message == "No face detected in the image."
