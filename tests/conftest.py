"""Shared, generic fixtures. Keep this small: fixtures specific to one area live next to its tests."""

from __future__ import annotations

import io
from typing import Iterator

import numpy as np
import pytest
from PIL import Image

from emulator import DEFAULT_KEY, EmulatorConfig, running


def face_image_bytes(*, size: int = 64, fmt: str = "PNG", seed: int = 0) -> bytes:
    """A noisy ``size``x``size`` image (>= 1 KB, grayscale std-dev well above 8): a "face" under the emulator's rule."""
    pixels = (np.random.default_rng(seed).random((size, size)) * 255).astype("uint8")
    buffer = io.BytesIO()
    Image.fromarray(pixels).convert("RGB").save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def face_image() -> bytes:
    """A PNG the emulator accepts as one detected face."""
    return face_image_bytes()


@pytest.fixture
def subscription_headers() -> dict[str, str]:
    """The well-known development key header."""
    return {"Ocp-Apim-Subscription-Key": DEFAULT_KEY}


@pytest.fixture(scope="session")
def emulator_url() -> Iterator[str]:
    """A faithful emulator on a free loopback port (uvicorn thread), shared by the session; fast training."""
    with running(EmulatorConfig(training_seconds=0.2)) as base_url:
        yield base_url
