"""Write exchanges as an HTTP Archive (HAR 1.2) file.

HAR is plain JSON (http://www.softwareishard.com/blog/har-12-spec/), so :func:`write_har`
builds it directly (the ``harfile`` package streams the same structure but has no place for
the binary request body marker below). One entry per :class:`~conformance.transport.ResponseRecord`:

* ``startedDateTime`` from the record's ``sent_at`` (epoch seconds, ISO 8601 UTC), ``time``
  and ``timings.wait`` its elapsed milliseconds (send and receive are not measured: 0);
* a UTF-8 response body is ``content.text``; a binary one is base64 with ``encoding: "base64"``;
* a UTF-8 request body is ``postData.text``; HAR has no ``encoding`` on ``postData``, so a binary
  request body is base64 in ``text`` with the custom field ``_encoding: "base64"``.

Keys are already ``***`` in recorded request headers (:mod:`conformance.transport`); every
text written (URLs, headers, bodies) also goes through :func:`~conformance.transport.redact`
with the given ``secrets``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httpx

from cognitive_conformance.conformance.transport import ResponseRecord, redact

__all__ = ["HAR_VERSION", "har_entry", "har_log", "write_har"]

HAR_VERSION = "1.2"


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("cognitive-conformance")
    except Exception:  # noqa: BLE001 - not installed as a distribution: the name is enough
        return "0"


def _iso(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, tz=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _headers(pairs: Iterable[tuple[str, str]], secrets: Sequence[str]) -> list[dict[str, str]]:
    return [{"name": k, "value": redact(v, secrets)} for k, v in pairs]


def _text(body: bytes, secrets: Sequence[str]) -> tuple[str, bool]:
    """(text, is_base64): UTF-8 bodies as redacted text, anything else as base64."""
    try:
        return redact(body.decode("utf-8"), secrets), False
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), True


def _mime(pairs: Iterable[tuple[str, str]]) -> str:
    return next((v for k, v in pairs if k.lower() == "content-type"), "")


def har_entry(record: ResponseRecord, secrets: Sequence[str] = ()) -> dict[str, Any]:
    """One HAR entry for ``record``."""
    request, ms = record.request, round(record.elapsed_s * 1000, 3)
    url = redact(request.url, secrets)
    try:
        query = [{"name": k, "value": redact(v, secrets)} for k, v in httpx.URL(url).params.multi_items()]
    except (httpx.InvalidURL, TypeError):
        query = []
    req: dict[str, Any] = {
        "method": request.method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _headers(request.headers, secrets),
        "queryString": query,
        "headersSize": -1,
        "bodySize": len(request.body),
    }
    if request.body:
        text, binary = _text(request.body, secrets)
        req["postData"] = {"mimeType": _mime(request.headers), "text": text}
        if binary:
            req["postData"]["_encoding"] = "base64"
    content: dict[str, Any] = {"size": len(record.body), "mimeType": _mime(record.headers)}
    if record.body:
        text, binary = _text(record.body, secrets)
        content["text"] = text
        if binary:
            content["encoding"] = "base64"
    try:
        reason = HTTPStatus(record.status_code).phrase
    except ValueError:
        reason = ""
    response = {
        "status": record.status_code,
        "statusText": reason,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _headers(record.headers, secrets),
        "content": content,
        "redirectURL": redact(record.header("location") or "", secrets),
        "headersSize": -1,
        "bodySize": len(record.body),
    }
    entry: dict[str, Any] = {
        "startedDateTime": _iso(record.sent_at),
        "time": ms,
        "request": req,
        "response": response,
        "cache": {},
        "timings": {"send": 0, "wait": ms, "receive": 0},
    }
    if record.truncated:
        entry["comment"] = "response body truncated at the checker's cap"
    return entry


def har_log(
    records: Iterable[ResponseRecord], *, secrets: Sequence[str] = (), creator: str = "cognitive-conformance"
) -> dict[str, Any]:
    """The HAR document (``{"log": ...}``) of ``records``, in send order."""
    entries = [har_entry(r, secrets) for r in sorted(records, key=lambda r: r.sent_at)]
    return {"log": {"version": HAR_VERSION, "creator": {"name": creator, "version": _version()}, "entries": entries}}


def write_har(
    records: Iterable[ResponseRecord],
    path: str | Path,
    *,
    creator: str = "cognitive-conformance",
    secrets: Sequence[str] = (),
) -> Path:
    """Write ``records`` to ``path`` as HAR 1.2 (parent folders created); return the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(har_log(records, secrets=secrets, creator=creator), indent=1, ensure_ascii=False)
    out.write_text(redact(text, secrets), encoding="utf-8")
    return out
