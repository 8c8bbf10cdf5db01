"""Null handling on Custom Voice JSON bodies (found by the coverage phase: ``{"id": null}`` was accepted).

``description`` may be null (the spec says so, after Microsoft's sample); other string
properties may not, and a body ``id`` must equal the id in the URL.
"""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from cognitive_conformance.emulator.app import create_app
from cognitive_conformance.emulator.config import EmulatorConfig

KEY = "v" * 32
H = {"Ocp-Apim-Subscription-Key": KEY}
URL = "/customvoice/projects/p-1?api-version=2024-02-01-preview"


@pytest.fixture
def client():
    with TestClient(create_app(EmulatorConfig(keys=(KEY,))), base_url="http://t") as c:
        yield c


def test_description_null_is_accepted_as_the_sample_sends_it(client: TestClient) -> None:
    r = client.put(URL, json={"description": None, "kind": "PersonalVoice"}, headers=H)
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("body", [{"id": None, "kind": "PersonalVoice"}, {"id": "other-id", "kind": "PersonalVoice"}, {"displayName": None, "kind": "PersonalVoice"}])
def test_null_or_mismatched_properties_are_rejected(client: TestClient, body: dict) -> None:
    r = client.put(URL, json=body, headers=H)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "BadArgument"
    assert client.get(URL, headers=H).status_code == 404  # nothing was stored
