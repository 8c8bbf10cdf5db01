"""Property: a generated path id never reaches another resource, on every route of every rendered spec.

Two resources of every kind are created (Face person groups, large person groups, their persons and
faces, face lists and large face lists with a face, a training operation; Speaker profiles; Custom
Voice projects, consents, personal voices and their operations). Then, for any operation of any API
version's rendered spec that has path ids, one id is replaced by a generated one built from encoded
slashes (``%2F``, ``%252F``), dot segments (``..``, ``%2E%2E``), another resource's id and path
fragments, control characters, unicode and dots, while the other ids name resource A. Unless the id
decodes (once) to a real id, the answer must be a documented 4xx in the service's error envelope
(never a 2xx, never a 5xx) and no resource may change (checked after every write).

The emulator's rule this holds it to: routing on the raw path, each path parameter decoded once
(emulator/routing.py ``routing_path``/``decode_segment``), then the service's id format.
"""

from __future__ import annotations

import os
import warnings
from functools import cache
from typing import Any
from urllib.parse import quote, unquote_to_bytes

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from cognitive_conformance.conformance.spec import Spec, api_versions
from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, ManualClock, create_app
from tests.resources import Resources, fill, query_for

H = {"Ocp-Apim-Subscription-Key": DEFAULT_KEY}
CV = {"api-version": "2024-02-01-preview"}
NOT_IDS = {"apiVersion", "locale"}


class World(Resources):
    """One emulator with two resources of every kind (tests/resources.py) and what its reads answer."""

    def __init__(self) -> None:
        clock = ManualClock()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            client = TestClient(create_app(EmulatorConfig(clock=clock, training_seconds=5)), raise_server_exceptions=False)
        super().__init__(client, clock, DEFAULT_KEY)
        self.real = {v.lower() for side in self.values.values() for v in side.values()}
        self.reads = self._reads()
        self.snapshots = {service: self.state(service) for service in self.reads}

    def _reads(self) -> dict[str, list[str]]:
        """By service, the GETs of its default-version operations, filled with side A's and side B's ids.

        Face's lists (groups, persons, faces, training) hold every Face resource; reading each of
        its resources one by one as well would only make the property slower.
        """
        urls: dict[str, list[str]] = {}
        for service in ("face", "speaker", "customvoice"):
            for op in spec_of(service, None).operations():
                if op.method != "GET" or (service == "face" and op.path.endswith("}")):
                    continue
                for side in ("a", "b"):
                    filled = fill(op.path, self.values[side])
                    if filled is not None and filled not in urls.setdefault(service, []):
                        urls[service].append(filled)
        return urls

    def state(self, service: str) -> list[tuple[str, int, bytes]]:
        """What every read of ``service`` answers (the writes of a case can only touch its own service's state)."""
        out = []
        for url in self.reads[service]:
            r = self.client.get(url, params=query_for(url), headers=H)
            out.append((url, r.status_code, r.content))
        return out


@cache
def spec_of(service: str, version: str | None) -> Spec:
    return Spec(service, version)


@cache
def world() -> World:
    return World()


def _routes() -> list[tuple[str, str, Any, str]]:
    """``(service, version, operation, id parameter)`` for every path id of every operation of every rendered spec."""
    import re

    found = []
    for service in ("face", "speaker", "customvoice"):
        for version in api_versions(service):
            for op in spec_of(service, version).operations():
                for name in re.findall(r"\{([^{}]+)\}", op.path):
                    if name not in NOT_IDS:
                        found.append((service, version, op, name))
    return found


ROUTES = _routes()
LONG = bool(os.environ.get("CONFORMANCE_RELIABILITY_LONG"))
"""The long mode of the reliability suite (tests/reliability/) also runs this property 20 times longer."""

_TOKENS = [
    "%2F", "%2f", "%252F", "%5C", "..", ".", "%2E%2E", "%2e", "%25", "%00", "%0A", "%0D", "%09", "%20", "%3A", "%3F", "%23",
    ":reset", "persons", "training", "train", "persistedfaces", "enrollments", "é", "%C3%A9", "%FF", "ß", "A", "-", "_", "~",
]


@st.composite
def hostile_ids(draw: st.DrawFn) -> str:
    w = world()
    real = [quote(v, safe="") for side in w.values.values() for v in side.values() if v]
    pieces = st.one_of(st.sampled_from(_TOKENS), st.sampled_from(real), st.text(min_size=1, max_size=6).map(lambda t: quote(t, safe="")))
    generated = "".join(draw(st.lists(pieces, min_size=1, max_size=5)))
    # A whole segment of dots is a dot segment the client itself resolves (RFC 3986 5.2.4) before sending;
    # a client naming an id "." or ".." must encode it (as Schemathesis does).
    return {".": "%2E", "..": "%2E%2E"}.get(generated, generated)


def _decoded(raw: str) -> str:
    return unquote_to_bytes(raw.encode("latin-1")).decode("utf-8", "replace")


def _version_query(service: str, version: str) -> dict[str, str]:
    return {} if service == "face" else {"api-version": version}


@pytest.mark.slow
@settings(max_examples=LONG and 3000 or 150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much], database=None)
@given(route=st.sampled_from(ROUTES), generated=hostile_ids())
def test_a_generated_id_never_reaches_another_resource(route: tuple[str, str, Any, str], generated: str) -> None:
    service, version, op, name = route
    w = world()
    assume(_decoded(generated).lower() not in w.real and _decoded(generated).lower().rstrip() not in w.real)
    url = fill(op.path, w.values["a"], skip=name)
    assert url is not None, op.path
    url = url.replace("{" + name + "}", generated)
    kwargs: dict[str, Any] = {"json": {}} if op.method in ("PUT", "PATCH", "POST") else {}
    response = w.client.request(op.method, url, params=_version_query(service, version), headers=H, **kwargs)
    spec = spec_of(service, version)
    assert 400 <= response.status_code < 500, (op.method, url, response.status_code, response.text[:300])
    documented = spec.documented_statuses(op.operation_id)
    assert str(response.status_code) in documented or "default" in documented or response.status_code in (404, 405), (
        op.operation_id, url, response.status_code, sorted(documented))
    body = response.json()
    assert isinstance(body.get("error"), dict) and body["error"].get("code"), response.text
    if op.method != "GET":
        assert w.state(service) == w.snapshots[service], f"{op.method} {url} changed a resource"


@pytest.mark.parametrize(
    "path, code",
    [
        ("/face/v1.2/persongroups/pea%2Fpersons", "PersonGroupNotFound"),
        ("/face/v1.2/persongroups/pea%2Fpersons/persons", "PersonGroupNotFound"),
        ("/face/v1.2/persongroups/peb%2F..%2Fpea/training", "PersonGroupNotFound"),
        ("/face/v1.2/persongroups/pea%252F/persons", "PersonGroupNotFound"),
        ("/face/v1.2/largepersongroups/laa%2Fpersons/training", "LargePersonGroupNotFound"),
        ("/face/v1.2/facelists/faca%2Fpersistedfaces", "FaceListNotFound"),
    ],
)
def test_the_issue_paths_answer_not_found(path: str, code: str) -> None:
    response = world().client.get(path, headers=H)
    assert response.status_code == 404 and response.json()["error"]["code"] == code, response.text


def test_a_voice_id_with_an_encoded_slash_is_refused() -> None:
    w = world()
    response = w.client.get("/customvoice/projects/proja%2F..%2Fprojb", params=CV, headers=H)
    assert response.status_code == 400 and response.json()["error"]["code"] == "BadArgument", response.text
