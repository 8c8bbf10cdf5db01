"""--auth aad, tokens, --ca-bundle and proxies (conformance/access.py, the transport's credential handling)."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import httpx
import pytest

from cognitive_conformance.conformance import access, preflight
from cognitive_conformance.conformance.config import ConfigError, RunConfig
from cognitive_conformance.conformance.transport import KEY_HEADER, Transport

TOKEN = "eyJ0eXAiOiJKV1QifQ.c2VjcmV0LXRva2Vu.c2ln"
BASE = "https://res.cognitiveservices.azure.com"


def _echo(seen: list[httpx.Request]) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[], headers={"content-type": "application/json"})

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_aad_sends_a_bearer_token_instead_of_the_key_and_records_it_redacted() -> None:
    seen: list[httpx.Request] = []
    t = Transport(BASE, TOKEN, client=_echo(seen), auth="aad")
    record = t.request("GET", "/face/v1.2/persongroups", headers={"Content-Type": "application/json"})
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert KEY_HEADER.lower() not in seen[0].headers
    assert record.request.header("authorization") == "Bearer ***"
    assert TOKEN not in record.curl() and "authorization: Bearer ***" in record.curl()
    assert TOKEN in t.secrets


def test_aad_provocations_send_a_wrong_token_or_no_authorization() -> None:
    seen: list[httpx.Request] = []
    t = Transport(BASE, TOKEN, client=_echo(seen), auth="aad")
    t.request("GET", "/x", key="wrong-token")
    t.request("GET", "/x", key=None)
    assert seen[0].headers["authorization"] == "Bearer wrong-token"
    assert "authorization" not in seen[1].headers and KEY_HEADER.lower() not in seen[1].headers


def test_aad_build_request_replaces_a_generated_key_header_with_the_token() -> None:
    t = Transport(BASE, TOKEN, client=_echo([]), auth="aad")
    request = t.build_request("GET", "/x", headers={KEY_HEADER: "generated"})
    assert request.headers["authorization"] == f"Bearer {TOKEN}" and KEY_HEADER.lower() not in request.headers
    assert "authorization" not in t.build_request("GET", "/x", with_key=False, headers={KEY_HEADER: "g"}).headers


def test_a_token_provider_is_asked_at_each_send() -> None:
    seen: list[httpx.Request] = []
    tokens = iter(["first-token", "second-token"])
    t = Transport(BASE, None, client=_echo(seen), auth="aad", token=lambda: next(tokens))
    t.request("GET", "/a")
    t.request("GET", "/b")
    assert [r.headers["authorization"] for r in seen] == ["Bearer first-token", "Bearer second-token"]
    assert {"first-token", "second-token"} <= set(t.secrets)


def test_the_provider_refreshes_the_token_before_it_expires() -> None:
    now = [1000.0]
    issued: list[str] = []

    class Credential:
        def get_token(self, scope: str):
            assert scope == "https://cognitiveservices.azure.com/.default"
            issued.append(f"tok{len(issued)}")
            return SimpleNamespace(token=issued[-1], expires_on=now[0] + 3600)

    token = access.aad_token_provider(credential=Credential(), clock=lambda: now[0])
    assert token() == "tok0" and token() == "tok0"
    now[0] += 3600 - access.REFRESH_MARGIN_S + 1  # inside the margin: fetched again
    assert token() == "tok1"


def test_a_credential_that_finds_no_identity_is_token_unavailable() -> None:
    class Credential:
        def get_token(self, scope: str):
            raise RuntimeError("DefaultAzureCredential failed to retrieve a token\nlong details")

    with pytest.raises(access.TokenUnavailable, match=r"--auth aad\): DefaultAzureCredential failed"):
        access.aad_token_provider(credential=Credential())()


def test_missing_azure_identity_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "azure.identity", None)
    with pytest.raises(ConfigError, match=r"pip install 'cognitive-conformance\[aad\]'"):
        access.aad_token_provider()


def test_ca_bundle_errors_are_usage_errors(tmp_path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        RunConfig(ca_bundle=str(tmp_path / "missing.pem")).plan()
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    with pytest.raises(ConfigError, match="not a PEM file"):
        access.tls_verify(str(bad))
    assert access.tls_verify(None) is True


def test_the_transport_honours_proxy_environment_variables() -> None:
    assert Transport(BASE, "k")._client.trust_env is True


def test_preflight_sends_the_token_and_names_the_auth_mode_when_refused() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(401, json={"error": {"code": "401", "message": "denied"}})

    with pytest.raises(preflight.PreflightError) as info:
        preflight.check_target(BASE, TOKEN, {"face": ("v1.2",)}, client=httpx.Client(transport=httpx.MockTransport(handler)), auth="aad")
    assert "Microsoft Entra ID token (--auth aad) is refused" in str(info.value)
    assert TOKEN not in str(info.value)
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert "authorization" not in seen[1].headers and KEY_HEADER.lower() not in seen[1].headers
