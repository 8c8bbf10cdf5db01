"""Unit tests for conformance.proxy: forwarding, link rewriting, credentials, bounds and the run's stream (no sockets).

The proxy app is called in-process (httpx.ASGITransport) and the target is an httpx.MockTransport.
"""

from __future__ import annotations

import asyncio

import httpx

from cognitive_conformance.conformance.events import Finding, FindingRaised, RulesDeclared, RunFinished, RunStarted
from cognitive_conformance.conformance.proxy import ProxyApp, run_started, wrap_stream
from cognitive_conformance.conformance.transport import ResponseRecord

TARGET = "http://target.test:5000"
PROXY = "http://127.0.0.1:7777"


def _call(app: ProxyApp, method: str, path: str, **kwargs) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PROXY) as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(go())


def _app(handler, records: list[ResponseRecord], **kwargs) -> ProxyApp:
    return ProxyApp(TARGET, on_record=records.append, transport=httpx.MockTransport(handler), **kwargs)


def test_forwards_and_rewrites_links_on_the_target_origin_only() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202, headers={"Operation-Location": f"{TARGET}/face/v1.2/operations/1?x=1",
                                            "Location": "https://elsewhere.test/op/1"})

    records: list[ResponseRecord] = []
    reply = _call(_app(handler, records), "POST", "/face/v1.2/largepersongroups/g/train?a=b", content=b"{}",
                  headers={"Ocp-Apim-Subscription-Key": "client-key-123", "Connection": "keep-alive"})
    assert reply.status_code == 202
    assert reply.headers["operation-location"] == f"{PROXY}/face/v1.2/operations/1?x=1"
    assert reply.headers["location"] == "https://elsewhere.test/op/1"
    (upstream,) = seen
    assert str(upstream.url) == f"{TARGET}/face/v1.2/largepersongroups/g/train?a=b" and upstream.content == b"{}"
    assert upstream.headers["ocp-apim-subscription-key"] == "client-key-123"
    (record,) = records
    assert record.header("operation-location") == f"{TARGET}/face/v1.2/operations/1?x=1"  # as the target sent it
    assert record.request.header("ocp-apim-subscription-key") == "***" and record.sent_at > 1e9
    assert "client-key-123" not in repr(record)


def test_adds_the_key_only_when_the_client_sends_no_credential() -> None:
    keys: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers.get("ocp-apim-subscription-key"))
        return httpx.Response(200, json={})

    app = _app(handler, [], key="proxy-key")
    _call(app, "GET", "/a")
    _call(app, "GET", "/b", headers={"Authorization": "Bearer t0k3n"})
    assert keys == ["proxy-key", None] and "t0k3n" in app.secrets


def test_a_body_over_the_cap_is_answered_502_and_recorded_truncated() -> None:
    records: list[ResponseRecord] = []
    app = _app(lambda r: httpx.Response(200, content=b"x" * 100), records, max_body_bytes=10)
    reply = _call(app, "GET", "/big")
    assert reply.status_code == 502 and "over 10 bytes" in reply.text
    assert records[0].truncated and len(records[0].body) == 10


def test_an_unreachable_target_is_answered_502_and_counted() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    records: list[ResponseRecord] = []
    app = _app(handler, records, key="secret-key-9")
    reply = _call(app, "GET", "/x")
    assert reply.status_code == 502 and app.unreachable == 1 and records == []
    assert "secret-key-9" not in reply.text


def test_wrap_stream_makes_a_whole_run_with_the_exit_code() -> None:
    started = run_started(target=TARGET, embedded=False, profile="observed")
    warning = Finding("client_no_blind_post_retry", "t", "r", "s", "m", "face", "v1.2", "traffic", None, 200, "curl")
    stream = wrap_stream([FindingRaised(warning)], started=started, requests=3, duration_s=1.0)
    assert isinstance(stream[0], RunStarted) and isinstance(stream[1], RulesDeclared)
    assert isinstance(stream[-1], RunFinished) and stream[-1].exit_code == 0 and stream[-1].warnings == 1
    error = Finding("lro_terminal_sticky", "t", "r", "s", "m", "face", "v1.2", "traffic", None, 200, "curl")
    assert wrap_stream([FindingRaised(error)], started=started, requests=3, duration_s=1.0)[-1].exit_code == 1
    assert wrap_stream([], started=started, requests=0, duration_s=1.0, unreachable=2)[-1].exit_code == 3
