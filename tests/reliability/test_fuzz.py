"""Fuzzed requests over every operation of every rendered spec: never a 5xx, and every 4xx in the service's envelope.

Each request is drawn from a seeded generator: an operation of any API version's rendered spec (or a
path next to one), its method or another, its path ids real (the key's own resources, tests/resources.py),
another key's, hostile (encoded slashes, dot segments, unicode, control characters) or random; an
api-version right, wrong or missing; the key right, wrong, another tenant's or missing; a content type
and a body drawn from JSON values, bodies shaped like the operation's, truncated JSON, random bytes,
images, WAV audio, multipart forms (well-formed or not) and invalid UTF-8. Short mode: 1,000 requests
in-process and 100 over real HTTP; long mode (``CONFORMANCE_RELIABILITY_LONG=1``): 10,000 and 1,000.
"""

from __future__ import annotations

import json
import os
import random
import re
import uuid
from collections import Counter
from functools import cache
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from cognitive_conformance.conformance.spec import Spec, api_versions
from cognitive_conformance.emulator import EmulatorConfig, running
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize
from tests.conftest import face_image_bytes
from tests.reliability.common import KEY_A, KEY_B, LONG, make_client
from tests.resources import Resources, fill, query_for

pytestmark = pytest.mark.reliability

IN_PROCESS = 10_000 if LONG else 1_000
OVER_HTTP = 1_000 if LONG else 100
SEED = int(os.environ.get("CONFORMANCE_RELIABILITY_SEED", "20261204"))
SERVICES = ("face", "speaker", "customvoice")
_HOSTILE = ["%2F", "..", "%2E%2E", "%252F", "%00", "%0A", "%FF", "é", "%C3%A9", ":reset", "a%2Fb", "~", " ", "%20", "x" * 300, ""]
_CONTENT_TYPES = [
    "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "application/octet-stream",
    "multipart/form-data; boundary=cc", "multipart/form-data", "text/plain", "audio/wav", "image/png", "application/xml", "garbage/",
    None,
]
IMAGE = face_image_bytes(seed=7)
WAV = synthesize(speaker=SPEAKERS[2], duration_s=1.0, seed=3)


@cache
def _operations() -> list[tuple[str, str, Any]]:
    return [(svc, version, op) for svc in SERVICES for version in api_versions(svc) for op in Spec(svc, version).operations()]


def _json_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([0, -1, 1, 2**31, 2**63, -(2**63), 1.5, float("1e308")])
    if kind in (3, 4, 5):
        return rng.choice(["", "x", "a" * rng.randrange(1, 600), "é", "\u0000", "en-US", "PersonalVoice", str(uuid.uuid4()), "http://127.0.0.1/x"])
    if kind in (6, 7):
        keys = ["name", "userData", "recognitionModel", "locale", "kind", "projectId", "consentId", "url", "audios", "description",
                "displayName", "voiceTalentName", "companyName", "audioUrl", "targetFace", rng.choice(["x", "é", ""])]
        return {rng.choice(keys): _json_value(rng, depth + 1) for _ in range(rng.randrange(0, 5))}
    return [_json_value(rng, depth + 1) for _ in range(rng.randrange(0, 4))]


def _multipart(rng: random.Random) -> bytes:
    parts = []
    for _ in range(rng.randrange(0, 5)):
        name = rng.choice(["projectId", "consentId", "voiceTalentName", "companyName", "locale", "audiodata", "x", ""])
        filename = rng.choice([None, "a.wav", "../../x", "é.wav"])
        data = rng.choice([b"proj" + b"a", WAV, WAV[: rng.randrange(1, 200)], b"", bytes(rng.randrange(256) for _ in range(50))])
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        parts.append(f"--cc\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n")
    tail = rng.choice([b"--cc--\r\n", b"--cc", b""])
    return b"".join(parts) + tail


def _body(rng: random.Random, op: Any) -> tuple[bytes | None, Any]:
    kind = rng.randrange(10)
    if kind == 0:
        return None, None
    if kind in (1, 2, 3):
        return None, _json_value(rng)
    if kind == 4:
        return rng.choice([b"{", b'{"name": ', b"[1,", b"\xff\xfe{}", b'{"name": "\xc3"}', b"null", b"  "]), None
    if kind == 5:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 3000))), None
    if kind == 6:
        return rng.choice([IMAGE, IMAGE[:500], IMAGE[: len(IMAGE) // 2]]), None
    if kind == 7:
        return rng.choice([WAV, WAV[:44], WAV[: len(WAV) // 3]]), None
    return _multipart(rng), None


class Fuzzer:
    """A seeded request generator over one emulator whose key A owns two resources of every kind."""

    def __init__(self, resources: Resources, seed: int) -> None:
        self.rng = random.Random(seed)
        self.values = resources.values

    def _path(self, op: Any) -> str:
        rng = self.rng
        side = self.values[rng.choice("ab")]
        path = fill(op.path, side) or op.path
        if "{" in op.path and (rng.random() < 0.5 or "{" in path):
            names = re.findall(r"\{([^{}]+)\}", op.path)
            name = rng.choice(names)
            value = rng.choice([rng.choice(_HOSTILE), str(uuid.uuid4()), quote(str(_json_value(rng)), safe=""), str(uuid.uuid4()).upper()])
            path = (fill(op.path, side, skip=name) or op.path).replace("{" + name + "}", value)
            path = re.sub(r"\{[^{}]+\}", "x", path)
        if rng.random() < 0.05:
            path += rng.choice(["/", "/extra", "%2F", "/..", ":x"])
        return path

    def request(self) -> dict[str, Any]:
        rng = self.rng
        service, version, op = rng.choice(_operations())
        method = op.method if rng.random() < 0.8 else rng.choice(["GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS"])
        path = self._path(op)
        params = query_for(path, version)
        roll = rng.random()
        if params and roll < 0.08:
            params = {}
        elif params and roll < 0.16:
            params = {"api-version": rng.choice(["2020-01-01", "", "v1.2", "2024-02-01-PREVIEW", "x" * 100])}
        for _ in range(rng.randrange(0, 3)):
            params[rng.choice(["top", "start", "skip", "maxpagesize", "filter", "returnRecognitionModel", "ignoreMinLength", "detectionModel",
                               "userData", "targetFace", "profileIds", "shortAudio", "x"])] = str(_json_value(rng))[:80]
        key = rng.choices([KEY_A, KEY_B, "wrong-key", None], weights=[85, 5, 5, 5])[0]
        headers = {} if key is None else {"Ocp-Apim-Subscription-Key": key}
        content, json_body = _body(rng, op)
        content_type = rng.choice(_CONTENT_TYPES) if rng.random() < 0.5 else ("application/json" if json_body is not None else None)
        if rng.random() < 0.05:
            headers["Operation-Id"] = rng.choice(["", "x", str(uuid.uuid4()), "é".encode("utf-8") * 3, "a" * 200])
        if json_body is not None:
            content = json.dumps(json_body).encode()
        if content_type:
            headers["Content-Type"] = content_type
        return {"method": method, "url": path, "params": params, "headers": headers, "content": content, "op": op.operation_id}


def _judge(response: httpx.Response, request: dict[str, Any], statuses: Counter, problems: list[str]) -> None:
    statuses[response.status_code] += 1
    where = f"{request['method']} {request['url']} {request['params']} ({request['op']})"
    if response.status_code >= 500:
        problems.append(f"{response.status_code} for {where}: {response.text[:200]}")
        return
    if 400 <= response.status_code < 500 and request["method"] != "HEAD":
        try:
            body = response.json()
        except ValueError:
            problems.append(f"{response.status_code} without a JSON body for {where}: {response.text[:200]!r}")
            return
        error = body.get("error") if isinstance(body, dict) else None
        if not (isinstance(body, dict) and set(body) == {"error"} and isinstance(error, dict) and set(error) == {"code", "message"}
                and isinstance(error["code"], str) and error["code"] and isinstance(error["message"], str)):
            problems.append(f"{response.status_code} outside the error envelope for {where}: {response.text[:200]}")
        elif not response.headers.get("content-type", "").startswith("application/json"):
            problems.append(f"{response.status_code} envelope not labelled JSON for {where}")


def _send(client: Any, request: dict[str, Any]) -> httpx.Response:
    return client.request(request["method"], request["url"], params=request["params"], headers=request["headers"], content=request["content"])


def test_fuzzed_requests_in_process_never_answer_5xx_and_errors_keep_the_envelope() -> None:
    client, clock = make_client()
    fuzzer = Fuzzer(Resources(client, clock, KEY_A), SEED)
    statuses: Counter = Counter()
    problems: list[str] = []
    for i in range(IN_PROCESS):
        request = fuzzer.request()
        _judge(_send(client, request), request, statuses, problems)
        if i % 50 == 0:
            clock.advance(1)  # training and voice operations move on while the fuzzing goes
    sent = sum(statuses.values())
    print(f"fuzzed {sent} requests in-process (seed {SEED}): statuses {dict(sorted(statuses.items()))}")
    assert sent >= IN_PROCESS
    assert not problems, f"{len(problems)} of {sent} answers broke the rules, e.g.:\n" + "\n".join(problems[:10])
    assert sum(n for s, n in statuses.items() if 400 <= s < 500) > sent // 4  # the fuzzing reached the error paths
    assert sum(n for s, n in statuses.items() if s < 300) > sent // 50  # and some requests were valid


@pytest.mark.e2e
def test_fuzzed_requests_over_real_http_never_answer_5xx() -> None:
    with running(EmulatorConfig(keys=(KEY_A, KEY_B), training_seconds=0.2)) as base, httpx.Client(base_url=base, timeout=30) as http:
        fuzzer = Fuzzer(Resources(http, _NoClock(), KEY_A), SEED + 1)
        statuses: Counter = Counter()
        problems: list[str] = []
        for _ in range(OVER_HTTP):
            request = fuzzer.request()
            _judge(_send(http, request), request, statuses, problems)
    print(f"fuzzed {sum(statuses.values())} requests over HTTP: statuses {dict(sorted(statuses.items()))}")
    assert sum(statuses.values()) >= OVER_HTTP
    assert not problems, "\n".join(problems[:10])


class _NoClock:
    """A real server's clock cannot be moved: waiting the (0.2 s) training time out stands in for advancing it."""

    def advance(self, seconds: float) -> None:
        import time

        time.sleep(min(seconds, 0.3))
