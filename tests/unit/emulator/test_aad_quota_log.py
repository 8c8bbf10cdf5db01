"""The emulator's test modes: bearer tokens (--aad-token), a per-tenant quota (--quota) and the request log."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from cognitive_conformance.emulator.pipeline.quota import parse_quota
from cognitive_conformance.emulator.request_log import key_hash
from tests.unit.emulator.conftest import H, make_client

TOKEN = "t0k3n-for-tests-only"
GROUPS = "/face/v1.2/persongroups"


def test_a_configured_bearer_token_is_a_key_equivalent_tenant() -> None:
    client, _ = make_client(aad_tokens=(TOKEN,))
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert client.put(f"{GROUPS}/g1", json={"name": "g"}, headers=bearer).status_code == 200
    assert [g["personGroupId"] for g in client.get(GROUPS, headers=bearer).json()] == ["g1"]
    assert client.get(GROUPS, headers=H).json() == []  # the key's tenant does not see the token's group


@pytest.mark.parametrize("headers", [{"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {}])
def test_a_wrong_or_missing_token_gets_the_services_401(headers: dict[str, str]) -> None:
    client, _ = make_client(aad_tokens=(TOKEN,))
    r = client.get(GROUPS, headers=headers)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "401"  # Face v1.1+ (specs/face.yaml Unauthorized401)
    assert TOKEN not in r.text


def test_tokens_are_refused_when_the_test_mode_is_off() -> None:
    client, _ = make_client()
    assert client.get(GROUPS, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 401


def test_quota_answers_the_gateways_429_without_retry_after_per_tenant() -> None:
    client, clock = make_client(quota=(2, 60.0), keys=("k1", "k2"))
    one, two = {"Ocp-Apim-Subscription-Key": "k1"}, {"Ocp-Apim-Subscription-Key": "k2"}
    assert [client.get(GROUPS, headers=one).status_code for _ in range(2)] == [200, 200]
    clock.advance(15)
    r = client.get(GROUPS, headers=one)
    assert r.status_code == 429
    assert r.content == b'{"error":{"code":"429","message":"Rate limit is exceeded. Try again in 45 seconds."}}'
    assert r.headers["content-type"] == "application/json"
    assert "retry-after" not in r.headers and "x-ms-error-code" not in r.headers
    assert client.get(GROUPS, headers=two).status_code == 200  # another tenant has its own quota
    clock.advance(45)
    assert client.get(GROUPS, headers=one).status_code == 200  # a new window


def test_quota_retry_after_is_opt_in() -> None:
    client, _ = make_client(quota=(1, 1.0), quota_retry_after=True)
    client.get(GROUPS, headers=H)
    r = client.get(GROUPS, headers=H)
    assert r.status_code == 429 and r.headers["retry-after"] == "1"


@pytest.mark.parametrize("text, expected", [("120/m", (120, 60.0)), ("3/s", (3, 1.0))])
def test_parse_quota(text: str, expected: tuple[int, float]) -> None:
    assert parse_quota(text) == expected


@pytest.mark.parametrize("text", ["", "0/s", "1.5/s", "10/h", "ten/m"])
def test_parse_quota_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="--quota"):
        parse_quota(text)


def test_request_log_writes_one_line_per_request_without_the_key(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    client, _ = make_client(request_log=str(log))
    client.put(f"{GROUPS}/g1", json={"name": "g"}, headers=H)
    client.get(GROUPS, headers={"Ocp-Apim-Subscription-Key": "wrong"})
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(e["method"], e["path"], e["status"]) for e in lines] == [("PUT", f"{GROUPS}/g1", 200), ("GET", GROUPS, 401)]
    assert lines[0]["key-hash"] == key_hash(H["Ocp-Apim-Subscription-Key"]) and lines[1]["key-hash"] is None
    assert lines[0]["bytes-sha256"] == hashlib.sha256(b'{"name":"g"}').hexdigest()
    assert H["Ocp-Apim-Subscription-Key"] not in log.read_text()
