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
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize
from tests.conftest import face_image_bytes

H = {"Ocp-Apim-Subscription-Key": DEFAULT_KEY}
OCTET = {**H, "Content-Type": "application/octet-stream"}
CV = {"api-version": "2024-02-01-preview"}
NOT_IDS = {"apiVersion", "locale"}
ROOTS = ("largepersongroups", "persongroups", "largefacelists", "facelists", "operations", "profiles", "projects", "consents", "personalvoices")


class World:
    """One emulator with two resources of every kind: ``values[side][(root, param)]`` names them."""

    def __init__(self) -> None:
        self.clock = ManualClock()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.client = TestClient(create_app(EmulatorConfig(clock=self.clock, training_seconds=5)), raise_server_exceptions=False)
        self.values: dict[str, dict[tuple[str, str], str]] = {"a": {}, "b": {}}
        for side in ("a", "b"):
            self._face(side)
            self._speaker(side)
            self._voice(side)
        self.clock.advance(30)
        self.real = {v.lower() for side in self.values.values() for v in side.values()}
        self.reads = self._reads()
        self.snapshots = {service: self.state(service) for service in self.reads}

    def _ok(self, response: Any) -> Any:
        assert response.status_code < 300, response.text
        return response

    def _face(self, side: str) -> None:
        c, v, base = self.client, self.values[side], "/face/v1.2"
        image = face_image_bytes(seed=1 if side == "a" else 2)
        for root, param in (("persongroups", "personGroupId"), ("largepersongroups", "largePersonGroupId")):
            gid = f"{root[:2]}{side}"
            self._ok(c.put(f"{base}/{root}/{gid}", json={"name": gid}, headers=H))
            pid = self._ok(c.post(f"{base}/{root}/{gid}/persons", json={"name": "p"}, headers=H)).json()["personId"]
            fid = self._ok(c.post(f"{base}/{root}/{gid}/persons/{pid}/persistedfaces", content=image, headers=OCTET)).json()["persistedFaceId"]
            v[(root, param)], v[(root, "personId")], v[(root, "persistedFaceId")] = gid, pid, fid
        train = self._ok(c.post(f"{base}/persongroups/pe{side}/train", headers=H))
        location = train.headers.get("operation-location", "")
        if "/operations/" in location:
            v[("operations", "operationId")] = location.rsplit("/", 1)[-1]
        for root, param in (("facelists", "faceListId"), ("largefacelists", "largeFaceListId")):
            lid = f"{root[:3]}{side}"
            self._ok(c.put(f"{base}/{root}/{lid}", json={"name": lid}, headers=H))
            fid = self._ok(c.post(f"{base}/{root}/{lid}/persistedfaces", content=image, headers=OCTET)).json()["persistedFaceId"]
            v[(root, param)], v[(root, "persistedFaceId")] = lid, fid

    def _speaker(self, side: str) -> None:
        r = self._ok(self.client.post("/speaker-recognition/identification/text-independent/profiles", params={"api-version": "2021-09-05"}, json={"locale": "en-US"}, headers=H))
        self.values[side][("profiles", "profileId")] = r.json()["profileId"]

    def _voice(self, side: str) -> None:
        c, v = self.client, self.values[side]
        pid, cid, vid = f"proj{side}", f"cons{side}", f"voice{side}"
        self._ok(c.put(f"/customvoice/projects/{pid}", params=CV, json={"kind": "PersonalVoice"}, headers=H))
        fields = {"projectId": pid, "voiceTalentName": "J", "companyName": "C", "locale": "en-US"}
        audio = synthesize(speaker=SPEAKERS[0], duration_s=2.0, seed=1)
        consent = self._ok(c.post(f"/customvoice/consents/{cid}", params=CV, data=fields, files=[("audiodata", ("c.wav", audio, "audio/wav"))], headers=H))
        self.clock.advance(10)
        voice = self._ok(c.post(f"/customvoice/personalvoices/{vid}", params=CV, data={"projectId": pid, "consentId": cid},
                                files=[("audiodata", ("v.wav", synthesize(speaker=SPEAKERS[0], duration_s=2.0, seed=2), "audio/wav"))], headers=H))
        v[("projects", "id")], v[("consents", "id")], v[("personalvoices", "id")] = pid, cid, vid
        v[("operations", "id")] = (voice.headers.get("operation-id") or consent.headers.get("operation-id") or "").strip()

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
            r = self.client.get(url, params=_query(url), headers=H)
            out.append((url, r.status_code, r.content))
        return out


def _root(template: str, name: str) -> str:
    before = template.split("{" + name + "}", 1)[0]
    return next((seg for seg in reversed(before.replace(":", "/").split("/")) if seg in ROOTS), "")


def fill(template: str, values: dict[tuple[str, str], str], *, skip: str | None = None) -> str | None:
    """``template`` with every id filled from ``values`` (``{locale}`` en-US); ``None`` if one is unknown."""
    import re

    out = template
    for name in re.findall(r"\{([^{}]+)\}", template):
        if name == skip:
            continue
        value = "en-US" if name == "locale" else values.get((_root(template, name), name))
        if not value:
            return None
        out = out.replace("{" + name + "}", value)
    return out


def _query(url: str) -> dict[str, str]:
    if url.startswith("/customvoice"):
        return CV
    if url.startswith("/speaker"):
        return {"api-version": "2021-09-05"}
    return {}


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
