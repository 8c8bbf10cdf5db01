"""Shared, generic fixtures. Keep this small: fixtures specific to one area live next to its tests."""

from __future__ import annotations

import io
from typing import Iterator

import numpy as np
import pytest
from PIL import Image

from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, running


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


# -- the e2e marker is the truth about sockets ----------------------------------------------
#
# Tests that open a socket (a real server on loopback, a real HTTP client) carry the ``e2e``
# marker so ``pytest -m "not e2e"`` is fast and offline. Everything under tests/e2e/ is marked
# automatically; anywhere else, an unmarked test that connects or binds a socket fails and
# says how to fix it.


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/e2e/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


class _SocketUse(AssertionError):
    pass


@pytest.fixture(autouse=True)
def _sockets_only_for_e2e(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("e2e") is not None:
        return
    import socket

    _real = {"connect": socket.socket.connect, "connect_ex": socket.socket.connect_ex, "bind": socket.socket.bind}
    for name in _real:
        def make(n: str):
            def guard(self: socket.socket, *args: object, **kwargs: object):
                if self.family == getattr(socket, "AF_UNIX", None):
                    return _real[n](self, *args, **kwargs)
                raise _SocketUse(f"{request.node.nodeid} opens a network socket ({n}): mark it @pytest.mark.e2e")

            return guard

        monkeypatch.setattr(socket.socket, name, make(name))
