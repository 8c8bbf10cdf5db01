"""Fixtures for in-process emulator tests: an app on a ManualClock driven through Starlette's TestClient."""

from __future__ import annotations

import warnings
from typing import Any, Callable

import pytest

with warnings.catch_warnings():  # starlette warns about httpx-based TestClient at import time
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, ManualClock, create_app

KEY = DEFAULT_KEY
H = {"Ocp-Apim-Subscription-Key": KEY}


def make_client(**config: Any) -> tuple[TestClient, ManualClock]:
    """A TestClient over ``create_app(EmulatorConfig(clock=ManualClock(), **config))`` that never raises server errors."""
    clock = config.pop("clock", None) or ManualClock()
    app = create_app(EmulatorConfig(clock=clock, **config))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client = TestClient(app, base_url="http://testserver", raise_server_exceptions=False)
    return client, clock


@pytest.fixture
def emu() -> tuple[TestClient, ManualClock]:
    """A faithful emulator (training_seconds=10) and its clock."""
    return make_client(training_seconds=10)


@pytest.fixture
def client_factory() -> Callable[..., tuple[TestClient, ManualClock]]:
    """``client_factory(faults=(...), training_seconds=...)`` -> (client, clock)."""
    return make_client


def assert_error(response: Any, status: int, code: str, message: str | None = None, *, error_code_header: bool | None = None) -> None:
    """The documented envelope: status, JSON ``{"error": {"code", "message"}}``, and ``x-ms-error-code`` equal to the
    code when ``error_code_header`` (default: on every path but ``/face/``, whose default ``observed`` profile sends no
    such header, as recorded; pass ``True`` for a ``profile="docs"`` Face emulator)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    if error_code_header is None:
        error_code_header = not response.url.path.startswith("/face/")
    if error_code_header:
        assert response.headers["x-ms-error-code"] == code
    else:
        assert "x-ms-error-code" not in response.headers
    if message is not None:
        assert body["error"]["message"] == message
    assert "Traceback" not in response.text
