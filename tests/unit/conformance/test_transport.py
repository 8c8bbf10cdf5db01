from __future__ import annotations

import json

import httpx
import pytest

from cognitive_conformance.conformance.transport import KEY_HEADER, OffOriginRequest, TargetUnreachable, Transport, origin_of, redact

SECRET = "s3cr3t-key-value-0123456789"


def _transport(handler) -> Transport:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return Transport("http://target.test/", SECRET, client=client)


def test_transport_sends_key_but_records_it_redacted() -> None:
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["key"] = request.headers.get(KEY_HEADER)
        return httpx.Response(200, json={"ok": True})

    t = _transport(handler)
    record = t.request("GET", "/face/v1.2/persongroups", params={"top": 2}, operation_id="X")
    assert seen["key"] == SECRET
    assert record.request.header(KEY_HEADER) == "***"
    assert SECRET not in record.curl()
    assert "***" in record.curl()
    assert record.json() == {"ok": True}
    assert record.operation_id == "X"
    assert record.request.url == "http://target.test/face/v1.2/persongroups?top=2"
    assert t.request_count == 1 and t.records[0] is record


def test_transport_key_override_and_no_key() -> None:
    keys = []

    def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers.get(KEY_HEADER))
        return httpx.Response(401, json={"error": {"code": "401", "message": "no"}})

    t = _transport(handler)
    wrong = t.request("GET", "/x", key="wrong-key-zz")
    t.request("GET", "/x", key=None)
    assert keys == ["wrong-key-zz", None]
    assert "wrong-key-zz" not in wrong.curl()  # any key sent is a secret for the repro


def test_transport_records_binary_body_and_lowercases_headers() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(202, headers={"Operation-Location": "http://h/op/1"}, content=b"")

    t = _transport(handler)
    r = t.request("POST", "/y", content=b"\x00\x01", headers={"Content-Type": "application/octet-stream"})
    assert r.header("OPERATION-LOCATION") == "http://h/op/1"
    assert ("operation-location", "http://h/op/1") in r.headers
    assert r.request.body == b"\x00\x01"
    assert "--data-binary" in r.curl()
    with pytest.raises(ValueError):
        r.json()
    assert r.json_or_none() is None


def test_transport_unreachable_is_typed_and_redacted() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"refused {SECRET}")

    t = _transport(handler)
    with pytest.raises(TargetUnreachable) as info:
        t.request("GET", "/z")
    assert SECRET not in str(info.value)


def test_redact_replaces_every_secret() -> None:
    assert redact("a KEY1 b KEY2 KEY1", ["KEY1", "KEY2", ""]) == "a *** b *** ***"


def test_curl_repro_quotes_json_body() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200)

    t = _transport(handler)
    r = t.request("PUT", "/g/it's", json_body={"name": "o'neil"})
    curl = r.curl()
    assert curl.startswith("curl -X PUT")
    assert json.loads(r.request.body) == {"name": "o'neil"}
    assert "o'\"'\"'neil" in curl  # shell-quoted


# -- credentials stay home ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://elsewhere.test/face/v1.2/operations/1",
        "https://target.test/face/v1.2/operations/1",  # another scheme is another origin
        "http://target.test:8080/largepersongroups/g/training",  # another port, as the 2019 recordings show
        "http://target.test.evil.test/x",
    ],
)
def test_a_request_to_another_origin_is_never_sent(url: str) -> None:
    sent = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    t = _transport(handler)
    with pytest.raises(OffOriginRequest, match="not on the target's origin http://target.test:80"):
        t.request("GET", url)
    assert sent == [] and t.request_count == 0


def test_same_origin_is_judged_on_scheme_host_and_port_with_default_ports() -> None:
    t = _transport(lambda r: httpx.Response(200))
    assert t.on_origin("http://TARGET.test:80/a") and t.on_origin("/relative/path") and t.on_origin("http://target.test/b")
    assert not t.on_origin("http://target.test:81/a") and not t.on_origin("ftp://target.test/x")
    assert origin_of("https://h.example/x") == "https://h.example:443"


# -- bounded reads -------------------------------------------------------------------------


def test_a_huge_body_is_read_only_up_to_the_cap_and_marked_truncated() -> None:
    produced = []

    def endless():
        for _ in range(50):  # 50 MiB if it were read whole
            produced.append(1)
            yield b"x" * (1024 * 1024)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "application/json"}, content=endless())

    client = httpx.Client(transport=httpx.MockTransport(handler))
    t = Transport("http://target.test/", SECRET, client=client, max_body_bytes=2 * 1024 * 1024)
    record = t.request("GET", "/big")
    assert record.truncated and len(record.body) == 2 * 1024 * 1024
    assert len(produced) <= 4, "the transport kept reading past its cap"


def test_a_body_within_the_cap_is_whole_and_not_truncated() -> None:
    t = _transport(lambda r: httpx.Response(200, json={"status": "running"}))
    record, response = t.send_httpx(t.build_request("GET", "/x"))
    assert not record.truncated and record.json() == {"status": "running"}
    assert response.json() == {"status": "running"} and response.elapsed.total_seconds() >= 0


@pytest.mark.parametrize(
    "path",
    ["/face/v1.2/persongroups/a%2Fb/persons", "/face/v1.2/persongroups/a%5cb", "/face/v1.2/persongroups/%2E%2E/persons", "/x/%2e/y"],
)
def test_a_path_a_gateway_could_resolve_elsewhere_is_never_sent(path: str) -> None:
    from cognitive_conformance.conformance.transport import AmbiguousPath

    sent: list[httpx.Request] = []
    t = _transport(lambda request: sent.append(request) or httpx.Response(200))
    with pytest.raises(AmbiguousPath):
        t.request("GET", path)
    assert sent == []
    assert t.request("GET", "/face/v1.2/persongroups/a~b%20c.d/persons").status_code == 200
