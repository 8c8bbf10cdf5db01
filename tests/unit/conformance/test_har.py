"""Unit tests for conformance.har: HAR 1.2 files of recorded exchanges (no sockets).

Source: HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): log.version, creator, entries with
startedDateTime, time, request, response, cache, timings; content.encoding "base64" for binary text.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from cognitive_conformance.conformance.har import write_har
from cognitive_conformance.conformance.transport import RequestRecord, ResponseRecord

SECRET = "0123456789abcdef0123456789abcdef"
PNG = b"\x89PNG\r\n\x1a\n\x00\xff\xfe binary"


def _record(*, body: bytes, req_body: bytes = b"", sent_at: float = 1_700_000_000.25, ctype: str = "application/json",
            url: str = "http://127.0.0.1:5000/face/v1.2/largepersongroups/g?returnRecognitionModel=true") -> ResponseRecord:
    return ResponseRecord(
        request=RequestRecord("POST", url, (("ocp-apim-subscription-key", "***"), ("content-type", "application/octet-stream")), req_body),
        status_code=200,
        headers=(("content-type", ctype), ("x-echo", f"key={SECRET}")),
        body=body,
        elapsed_s=0.0425,
        sent_at=sent_at,
    )


def test_har_has_every_required_field_and_loads(tmp_path: Path) -> None:
    path = write_har([_record(body=b'{"name":"g"}')], tmp_path / "out" / "traffic.har")
    log = json.loads(path.read_text())["log"]
    assert log["version"] == "1.2" and log["creator"]["name"] == "cognitive-conformance"
    (entry,) = log["entries"]
    assert set(entry) >= {"startedDateTime", "time", "request", "response", "cache", "timings"}
    assert entry["startedDateTime"] == "2023-11-14T22:13:20.250Z" and entry["time"] == 42.5
    assert entry["timings"] == {"send": 0, "wait": 42.5, "receive": 0}
    req, resp = entry["request"], entry["response"]
    assert set(req) >= {"method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"}
    assert req["queryString"] == [{"name": "returnRecognitionModel", "value": "true"}] and req["headersSize"] == -1
    assert set(resp) >= {"status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize", "bodySize"}
    assert (resp["status"], resp["statusText"], resp["content"]["text"]) == (200, "OK", '{"name":"g"}')
    assert "encoding" not in resp["content"] and "postData" not in req


def test_binary_bodies_are_base64(tmp_path: Path) -> None:
    entry = json.loads(write_har([_record(body=PNG, req_body=PNG, ctype="image/png")], tmp_path / "t.har").read_text())["log"]["entries"][0]
    content, post = entry["response"]["content"], entry["request"]["postData"]
    assert content["encoding"] == "base64" and base64.b64decode(content["text"]) == PNG and content["size"] == len(PNG)
    assert post["_encoding"] == "base64" and base64.b64decode(post["text"]) == PNG
    assert post["mimeType"] == "application/octet-stream"


def test_entries_are_in_send_order_and_no_secret_is_written(tmp_path: Path) -> None:
    late = _record(body=f'{{"echo":"{SECRET}"}}'.encode(), sent_at=20.0, url=f"http://127.0.0.1:5000/x?k={SECRET}")
    early = _record(body=b"{}", req_body=f"key {SECRET}".encode(), sent_at=10.0)
    path = write_har([late, early], tmp_path / "t.har", secrets=[SECRET], creator="tester")
    text = path.read_text()
    assert SECRET not in text
    log = json.loads(text)["log"]
    assert log["creator"]["name"] == "tester"
    assert [e["startedDateTime"][:19] for e in log["entries"]] == ["1970-01-01T00:00:10", "1970-01-01T00:00:20"]
    assert log["entries"][0]["request"]["postData"]["text"] == "key ***"
