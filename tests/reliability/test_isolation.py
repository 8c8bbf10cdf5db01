"""Cross-key isolation: key A's resources are invisible and untouchable to key B, in every service.

Key A creates two resources of every kind (tests/resources.py). Key B then sends every operation of
every API version's rendered spec with A's ids in the path: reads, updates, deletes, trains,
enrollments, identifications and face adds are a 4xx, and lists answer without any of A's ids. A
create under B with one of A's ids makes B's own resource (each key is its own resource), which
holds none of A's children. After all of it, everything A reads is what it read before.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from cognitive_conformance.conformance.spec import Spec, api_versions
from tests.conftest import face_image_bytes
from tests.reliability.common import KEY_A, KEY_B, make_client
from tests.resources import Resources, fill, query_for

pytestmark = pytest.mark.reliability

A = {"Ocp-Apim-Subscription-Key": KEY_A}
B = {"Ocp-Apim-Subscription-Key": KEY_B}
SERVICES = ("face", "speaker", "customvoice")


def _operations() -> list[tuple[str, str, Any]]:
    return [(svc, v, op) for svc in SERVICES for v in api_versions(svc) for op in Spec(svc, v).operations()]


def _reads(resources: Resources) -> list[str]:
    urls = []
    for svc in SERVICES:
        for op in Spec(svc).operations():
            if op.method == "GET":
                for side in ("a", "b"):
                    url = fill(op.path, resources.values[side])
                    if url is not None and url not in urls:
                        urls.append(url)
    return urls


def _state(client: Any, urls: list[str]) -> list[tuple[str, int, str]]:
    return [(u, (r := client.get(u, params=query_for(u), headers=A)).status_code, r.text) for u in urls]


def _body(op: Any) -> dict[str, Any]:
    """A request body the operation would accept from its owner, so only the key can make it fail."""
    path = op.path
    if path.endswith("/persistedfaces"):
        return {"content": face_image_bytes(seed=9), "headers": {"Content-Type": "application/octet-stream"}}
    if path.endswith("/enrollments") or path.endswith(":identifySingleSpeaker"):
        from cognitive_conformance.strategies.audio import SPEAKERS, synthesize

        return {"content": synthesize(speaker=SPEAKERS[0], duration_s=2.0, seed=5), "headers": {"Content-Type": "audio/wav; codecs=audio/pcm"}}
    if op.method in ("PATCH", "PUT", "POST") and not path.endswith("/train") and not path.endswith(":reset"):
        return {"json": {"name": "b's", "kind": "PersonalVoice", "userData": "b"}}
    return {}


def test_key_b_can_neither_see_nor_touch_key_a_resources() -> None:
    client, clock = make_client()
    resources = Resources(client, clock, KEY_A)
    owned = [v for side in resources.values.values() for v in side.values() if v]
    reads = _reads(resources)
    before = _state(client, reads)
    seen: dict[str, int] = {}
    for service, version, op in _operations():
        if op.method == "PUT":
            continue  # a create under B makes B's own resource: below
        url = fill(op.path, resources.values["a"])
        ids = [n for n in re.findall(r"\{([^{}]+)\}", op.path) if n not in ("apiVersion", "locale")]
        if url is None or (not ids and op.method != "GET" and not url.endswith(":identifySingleSpeaker")):
            continue  # a create of a new resource names none of A's
        params = query_for(url, None if service == "face" else version)
        if url.endswith(":identifySingleSpeaker"):
            params["profileIds"] = ",".join(resources.values[s][("profiles", "profileId")] for s in "ab")
        response = client.request(op.method, url, params=params, headers={**B, **_body(op).get("headers", {})},
                                  **{k: v for k, v in _body(op).items() if k != "headers"})
        seen[op.operation_id] = response.status_code
        if ids or op.method != "GET":
            assert 400 <= response.status_code < 500, (op.operation_id, version, url, response.status_code, response.text[:200])
            assert set(response.json()["error"]) == {"code", "message"}
        else:  # a list: B's own, empty of A's ids
            assert response.status_code == 200, (op.operation_id, response.text[:200])
            assert not any(i in response.text for i in owned), (op.operation_id, response.text[:300])
    assert len(seen) >= 40  # every service's operations were tried
    assert _state(client, reads) == before
    # A create under B with A's ids makes B's own resource, which holds none of A's children.
    for service, version, op in _operations():
        if op.method != "PUT":
            continue
        url = fill(op.path, resources.values["a"])
        if url is None:
            continue
        client.request("PUT", url, params=query_for(url, None if service == "face" else version), headers=B, **_body(op))
    persons = client.get("/face/v1.2/persongroups/pea/persons", headers=B)
    assert persons.status_code == 200 and persons.json() == []
    faces = client.get("/face/v1.2/facelists/faca", headers=B).json()
    assert faces.get("persistedFaces", []) == []
    assert _state(client, reads) == before
    assert json.dumps(before).count("pea") > 0 and re.search(r"[0-9a-f]{8}-", json.dumps(before))
