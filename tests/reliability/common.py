"""The reliability suite (marker ``reliability``): fuzzed requests, named malformed inputs, cross-key isolation.

Short by default (about 1,000 fuzzed requests, a few seconds in-process); the long mode, with
``CONFORMANCE_RELIABILITY_LONG=1``, sends at least 10,000. ``pytest -m reliability tests/reliability``
runs only this suite. In-process requests go through Starlette's TestClient (the ASGI app, no socket);
a sample goes over real HTTP to a uvicorn server (marked ``e2e``).
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, ManualClock, create_app

LONG = bool(os.environ.get("CONFORMANCE_RELIABILITY_LONG"))
KEY_A = DEFAULT_KEY
KEY_B = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"


def make_client(**config: Any) -> tuple[TestClient, ManualClock]:
    """An in-process emulator accepting keys A and B, on a manual clock."""
    clock = ManualClock()
    app = create_app(EmulatorConfig(keys=(KEY_A, KEY_B), clock=clock, training_seconds=2, **config))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client = TestClient(app, base_url="http://testserver", raise_server_exceptions=False)
    return client, clock
