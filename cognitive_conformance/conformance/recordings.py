"""Recorded HTTP traffic read into the checker's own exchange records.

``conformance validate PATH...`` judges recorded traffic with the same rules as a live run. This
module is its input side: :func:`read_recording` turns one recording file into a
:class:`Recording` whose entries hold :class:`~conformance.transport.ResponseRecord` values, the
type the live transport returns, so a flow built from a recording and one built from a live
scenario are the same thing. Four formats are read (``FORMATS``), detected from the content, never
from the file name (tests/reference/recordings/README.md describes the first three):

* ``test-proxy``: Azure SDK test-proxy JSON, ``{"Entries": [{RequestUri, RequestMethod,
  RequestHeaders, RequestBody, StatusCode, ResponseHeaders, ResponseBody}], "Variables": {}}``.
  Header values are strings. A JSON body is stored as JSON (re-serialised compactly here), a text
  body as a string, a binary body (by its content type) as base64.
* ``session-records``: .NET SessionRecords JSON (``Microsoft.Azure.Test.HttpRecorder``): the same
  field names plus ``EncodedRequestUri``; header values are lists of strings (joined with ``", "``);
  bodies are strings. ``RequestUri`` is a path without a host: the URL is built on the fixed
  placeholder base ``https://recorded.invalid`` and ``Recording.origin`` is ``None``.
* ``vcr``: a vcrpy YAML cassette, ``interactions[].request{method, uri, body, headers}`` and
  ``response{status{code, message}, headers, body{string}}``; a body is text, ``!!binary`` base64
  (bytes once loaded) or null; list header values are joined with ``", "``.
* ``har``: HAR 1.2, ``log.entries[]`` with ``request{method, url, headers[], postData}``,
  ``response{status, headers[], content{text, encoding}}``, ``startedDateTime`` and ``time`` (ms).
  A response whose ``content.text`` is shorter than its ``content.size`` was cut before it was
  stored (:mod:`conformance.har` caps bodies at 256 KiB): the record is ``truncated``, and the
  response rules do not judge its body. A ``postData`` marked ``_encoding: "base64"`` (HAR has no
  ``encoding`` there; :mod:`conformance.har` writes binary request bodies so) is decoded.

Detection: JSON with ``log.entries`` is HAR; JSON with ``Entries`` is .NET SessionRecords when
any entry has ``EncodedRequestUri`` or a list-valued header, else test-proxy; YAML or JSON with
``interactions`` is a vcrpy cassette. ``format=`` forces a format; a file that does not have that
format's shape is a :class:`RecordingError`.

What every reader does the same way:

* **Sanitized placeholders are the target, not findings.** The Azure SDK tooling rewrites hosts
  before it stores a recording, and not always to the same name: in one test-proxy file the
  requests go to ``Sanitized.cognitiveservices.azure.com`` and the ``Operation-Location`` header
  points at ``fakeendpoint.cognitiveservices.azure.com`` (README of tests/reference/recordings,
  behaviour 17). Taken literally that is an LRO link to another host. So every URL of a recording
  whose host is such a placeholder (its first label contains ``sanitized`` or ``fake``, in any
  case) is rewritten onto the recording's request origin, the scheme, host and port of the first
  request URL: the request URLs and the ``Operation-Location``, ``Location`` and
  ``Azure-AsyncOperation`` response header values. Any other host is left as recorded (the
  2019 .NET recordings give ``http://facev1-cs-dev.cloudapp.net:8080/...``, a real internal
  address, and that is a finding to report, not a placeholder). Bodies are never rewritten.
* **Secrets never survive.** A non-empty ``Ocp-Apim-Subscription-Key`` or ``Authorization``
  request header value becomes ``***`` (an empty one, as the SDKs store it, stays empty), and so
  does a ``subscription-key`` query parameter of a request URL.
* **Headers**: request headers keep their recorded names; response header names are lower-cased
  (the :class:`~conformance.transport.ResponseRecord` convention).
* **Times**: ``sent_at`` is epoch seconds: HAR's ``startedDateTime``, otherwise the response
  ``Date`` header (an HTTP-date, so 1 s resolution). An entry with neither takes the previous
  entry's ``sent_at`` (entries before the first timestamp take the first one); with no timestamp
  at all every ``sent_at`` is 0.0 and ``Recording.timed`` is False. ``elapsed_s`` is HAR's
  ``time`` / 1000, else 0.0.
* Bodies that are not what they claim are kept as text: the shipped ``.elided.json`` files replace
  image uploads by an ``[ELIDED in this copy: ...]`` string, which stays those text bytes.

Errors: an unreadable file, one that is neither JSON nor YAML, or one whose content has no known
recording shape raises :class:`RecordingError` naming the file and what is wrong.
:func:`read_recordings` expands directories and there skips, silently, files whose content is not
a recording (README.md, an ``assets.json``); a file named explicitly must be a recording.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import os
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

from cognitive_conformance.conformance.transport import KEY_HEADER, REDACTED, RequestRecord, ResponseRecord, origin_of

__all__ = [
    "FORMATS",
    "PLACEHOLDER_BASE",
    "Entry",
    "Recording",
    "RecordingError",
    "detect_format",
    "read_recording",
    "read_recordings",
]

FORMATS = ("test-proxy", "session-records", "vcr", "har")
PLACEHOLDER_BASE = "https://recorded.invalid"  # .NET SessionRecords store paths; their URLs are built on this

_EXTENSIONS = (".json", ".yaml", ".yml", ".har")
_SECRET_HEADERS = frozenset({KEY_HEADER.lower(), "authorization"})
_SECRET_QUERY = re.compile(r"(?i)((?:^|&)subscription-key=)[^&]+")
_LINK_HEADERS = frozenset({"operation-location", "location", "azure-asyncoperation"})
_PLACEHOLDER_LABEL = re.compile(r"sanitized|fake", re.IGNORECASE)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # both map !!binary to bytes


class RecordingError(Exception):
    """A recording that cannot be read: the message names the file and what is wrong."""


class _NotARecording(RecordingError):
    """The file parsed, but its content has no recording shape (skipped when expanding a directory)."""


@dataclass(frozen=True)
class Entry:
    index: int  # position in the file, counting from 0 (as tests/reference/recordings/README.md counts)
    record: ResponseRecord


@dataclass(frozen=True)
class Recording:
    path: str
    format: str
    entries: tuple[Entry, ...]
    origin: str | None  # scheme://host:port the requests went to; None when the file stores paths only
    timed: bool  # whether sent_at values come from real timestamps


@dataclass
class _Raw:
    """One exchange as a reader found it, before the shared normalisation."""

    method: str
    url: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    response_headers: list[tuple[str, str]]  # names as recorded
    response_body: bytes
    started: float | None = None  # epoch seconds when the file stores a send time (HAR)
    elapsed_s: float = 0.0
    truncated: bool = False  # the file keeps only part of the response body (HAR: text shorter than content.size)


# ----------------------------------------------------------------------------------------------- public API


def detect_format(path: str | os.PathLike[str]) -> str:
    """The format of the recording at ``path`` (one of ``FORMATS``), judged by its content."""
    return _detect_or_raise(_load(path), path)


def read_recording(path: str | os.PathLike[str], format: str | None = None) -> Recording:
    """Read one recording file; ``format`` forces a format instead of detecting it."""
    if format is not None and format not in FORMATS:
        raise RecordingError(f"{path}: unknown recording format {format!r} (known: {', '.join(FORMATS)})")
    document = _load(path)
    fmt = format or _detect_or_raise(document, path)
    raws = _READERS[fmt](document, str(path))
    return _normalise(str(path), fmt, raws)


def read_recordings(paths: Iterable[str | os.PathLike[str]], format: str | None = None) -> list[Recording]:
    """Read every path; a directory stands for the recordings below it (``.json``, ``.yaml``, ``.yml``,
    ``.har``, recursively, in path order, hidden entries left out), where files that are not
    recordings are skipped. A file named explicitly must be a recording. ``format`` forces one format."""
    recordings = []
    for given in paths:
        root = Path(given)
        if not root.is_dir():
            recordings.append(read_recording(given, format))
            continue
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root).parts
            if not path.is_file() or path.suffix.lower() not in _EXTENSIONS or any(p.startswith(".") for p in relative):
                continue
            try:
                recordings.append(read_recording(path, format))
            except _NotARecording:
                continue
    return recordings


# ----------------------------------------------------------------------------------------------- loading


def _load(path: str | os.PathLike[str]) -> Any:
    """The file parsed once: JSON when it starts like JSON, else YAML."""
    try:
        raw = Path(path).read_bytes()
    except IsADirectoryError:
        raise RecordingError(f"{path}: is a directory, not a recording file") from None
    except OSError as exc:
        raise RecordingError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordingError(f"{path}: not a recording: not UTF-8 text (byte {exc.start})") from None
    if text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError as exc:
            raise RecordingError(f"{path}: not valid JSON: {exc}") from None
    try:
        return yaml.load(text, Loader=_YAML_LOADER)  # a safe loader
    except yaml.YAMLError as exc:
        raise RecordingError(f"{path}: not a recording: neither JSON nor valid YAML ({str(exc).splitlines()[0]})") from None


def _detect(document: Any) -> str | None:
    if not isinstance(document, dict):
        return None
    log = document.get("log")
    if isinstance(log, dict) and isinstance(log.get("entries"), list):
        return "har"
    entries = document.get("Entries")
    if isinstance(entries, list):
        return "session-records" if any(_looks_dotnet(e) for e in entries) else "test-proxy"
    if isinstance(document.get("interactions"), list):
        return "vcr"
    return None


def _looks_dotnet(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    if "EncodedRequestUri" in entry:
        return True
    return any(
        isinstance(headers, dict) and any(isinstance(v, list) for v in headers.values())
        for headers in (entry.get("RequestHeaders"), entry.get("ResponseHeaders"))
    )


def _detect_or_raise(document: Any, path: str | os.PathLike[str]) -> str:
    fmt = _detect(document)
    if fmt is None:
        raise _NotARecording(
            f"{path}: not a recording: expected test-proxy or .NET SessionRecords JSON (Entries), "
            "a vcrpy cassette (interactions) or a HAR file (log.entries)"
        )
    return fmt


# ----------------------------------------------------------------------------------------------- field access


def _field(mapping: Any, key: str, kinds: type | tuple[type, ...], where: str, *, optional: bool = False) -> Any:
    if not isinstance(mapping, dict):
        raise RecordingError(f"{where}: expected an object, found {type(mapping).__name__}")
    if key not in mapping or mapping[key] is None:
        if optional:
            return None
        raise RecordingError(f"{where}: field {key!r} is missing")
    value = mapping[key]
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _as_tuple(kinds)):
        names = "/".join(k.__name__ for k in _as_tuple(kinds))
        raise RecordingError(f"{where}: field {key!r} is {type(value).__name__}, expected {names}")
    return value


def _as_tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _entries(container: Any, key: str, path: str, shape: str, label: str | None = None) -> list[Any]:
    value = container.get(key) if isinstance(container, dict) else None
    if not isinstance(value, list):
        raise RecordingError(f"{path}: not a {shape} recording: no {label or key!r} list")
    return value


def _status(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        raise RecordingError(f"{where}: status code {value!r} is not an integer")
    return int(value)


def _absolute(url: str, where: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise RecordingError(f"{where}: request URL {url!r} is not an absolute http(s) URL")
    return url


def _header_map(headers: Any, where: str, *, lists: bool) -> list[tuple[str, str]]:
    """``{name: value}`` headers as pairs; list values (allowed when ``lists``) joined with ", "."""
    if headers is None:
        return []
    if not isinstance(headers, dict):
        raise RecordingError(f"{where}: expected an object of headers, found {type(headers).__name__}")
    pairs = []
    for name, value in headers.items():
        if isinstance(value, list):
            if not lists:
                raise RecordingError(
                    f"{where}: header {name!r} has a list value, which test-proxy JSON does not store "
                    "(this looks like .NET SessionRecords)"
                )
            value = ", ".join(str(v) for v in value)
        elif value is None:
            value = ""
        elif isinstance(value, (dict, bytes)):
            raise RecordingError(f"{where}: header {name!r} has a {type(value).__name__} value")
        pairs.append((str(name), str(value)))
    return pairs


def _content_type(pairs: list[tuple[str, str]]) -> str:
    for name, value in pairs:
        if name.lower() == "content-type":
            return value.split(";")[0].strip().lower()
    return ""


def _is_text_type(media_type: str) -> bool:
    return (
        media_type.startswith("text/")
        or media_type.endswith(("/json", "+json", "/xml", "+xml", "/javascript", "/x-javascript", "/x-ndjson"))
        or media_type == "application/x-www-form-urlencoded"
    )


def _json_format_body(value: Any, pairs: list[tuple[str, str]], where: str) -> bytes:
    """A body as test-proxy and SessionRecords store it: null, JSON, text or base64 (binary types)."""
    media_type = _content_type(pairs)
    if value is None:
        return b""
    if isinstance(value, str):
        if media_type and not _is_text_type(media_type):
            try:
                return base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                pass  # not base64 after all (an elided upload): keep the text
        return value.encode("utf-8")
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value) and media_type and not (
        media_type.endswith(("/json", "+json"))
    ):
        return "\n".join(value).encode("utf-8")  # test-proxy stores multi-line text as a list of its lines
    if isinstance(value, (dict, list, int, float, bool)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    raise RecordingError(f"{where}: body is {type(value).__name__}")


# ----------------------------------------------------------------------------------------------- the readers


def _read_test_proxy(document: Any, path: str) -> list[_Raw]:
    return [_entries_record(e, f"{path}: test-proxy entry {i}", dotnet=False) for i, e in enumerate(_entries(document, "Entries", path, "test-proxy"))]


def _read_session_records(document: Any, path: str) -> list[_Raw]:
    entries = _entries(document, "Entries", path, ".NET SessionRecords")
    return [_entries_record(e, f"{path}: SessionRecords entry {i}", dotnet=True) for i, e in enumerate(entries)]


def _entries_record(entry: Any, where: str, *, dotnet: bool) -> _Raw:
    uri = _field(entry, "RequestUri", str, where)
    if dotnet:
        if urlsplit(uri).scheme:
            raise RecordingError(
                f"{where}: RequestUri {uri!r} is an absolute URL; .NET SessionRecords store a path "
                "(this looks like test-proxy JSON)"
            )
        url = PLACEHOLDER_BASE + (uri if uri.startswith("/") else "/" + uri)
    elif not urlsplit(uri).scheme:
        raise RecordingError(
            f"{where}: RequestUri {uri!r} is a path; test-proxy JSON stores absolute URLs "
            "(this looks like .NET SessionRecords)"
        )
    else:
        url = _absolute(uri, where)
    request_headers = _header_map(entry.get("RequestHeaders"), f"{where}: RequestHeaders", lists=dotnet)
    response_headers = _header_map(entry.get("ResponseHeaders"), f"{where}: ResponseHeaders", lists=dotnet)
    return _Raw(
        method=_field(entry, "RequestMethod", str, where).upper(),
        url=url,
        request_headers=request_headers,
        request_body=_json_format_body(entry.get("RequestBody"), request_headers, f"{where}: RequestBody"),
        status=_status(entry.get("StatusCode"), where),
        response_headers=response_headers,
        response_body=_json_format_body(entry.get("ResponseBody"), response_headers, f"{where}: ResponseBody"),
    )


def _read_vcr(document: Any, path: str) -> list[_Raw]:
    raws = []
    for i, interaction in enumerate(_entries(document, "interactions", path, "vcrpy")):
        where = f"{path}: vcr interaction {i}"
        request = _field(interaction, "request", dict, where)
        response = _field(interaction, "response", dict, where)
        status = response.get("status")
        code = status.get("code") if isinstance(status, dict) else status
        response_headers = _header_map(response.get("headers"), f"{where}: response headers", lists=True)
        body = response.get("body")
        if isinstance(body, dict):
            body = body.get("string")
        raws.append(
            _Raw(
                method=_field(request, "method", str, f"{where}: request").upper(),
                url=_absolute(_field(request, "uri", str, f"{where}: request"), where),
                request_headers=_header_map(request.get("headers"), f"{where}: request headers", lists=True),
                request_body=_vcr_body(request.get("body"), [], f"{where}: request body"),
                status=_status(code, f"{where}: response"),
                response_headers=response_headers,
                response_body=_vcr_body(body, response_headers, f"{where}: response body"),
            )
        )
    return raws


def _vcr_body(value: Any, headers: list[tuple[str, str]], where: str) -> bytes:
    if value is None:
        return b""
    if isinstance(value, str):
        return value.encode("utf-8")
    if not isinstance(value, bytes):
        raise RecordingError(f"{where}: is {type(value).__name__}, expected text or !!binary")
    encoding = next((v.strip().lower() for k, v in headers if k.lower() == "content-encoding"), "")
    try:  # vcrpy keeps a compressed body compressed; the transport's records hold it decoded
        if encoding == "gzip" and value[:2] == b"\x1f\x8b":
            return gzip.decompress(value)
        if encoding == "deflate":
            return zlib.decompress(value)
    except (OSError, EOFError, zlib.error):
        pass
    return value


def _read_har(document: Any, path: str) -> list[_Raw]:
    raws = []
    for i, entry in enumerate(_entries(document.get("log") if isinstance(document, dict) else None, "entries", path, "HAR", "'log.entries'")):
        where = f"{path}: HAR entry {i}"
        request = _field(entry, "request", dict, where)
        response = _field(entry, "response", dict, where)
        post = _field(request, "postData", dict, f"{where}: request", optional=True) or {}
        content = _field(response, "content", dict, f"{where}: response", optional=True) or {}
        elapsed = entry.get("time")
        body = _har_text(content, f"{where}: response content")
        size = content.get("size")
        raws.append(
            _Raw(
                method=_field(request, "method", str, f"{where}: request").upper(),
                url=_absolute(_field(request, "url", str, f"{where}: request"), where),
                request_headers=_har_headers(request.get("headers"), f"{where}: request headers"),
                request_body=_har_text(post, f"{where}: request postData"),
                status=_status(response.get("status"), f"{where}: response"),
                response_headers=_har_headers(response.get("headers"), f"{where}: response headers"),
                response_body=body,
                started=_iso_time(_field(entry, "startedDateTime", str, where), where),
                elapsed_s=float(elapsed) / 1000 if isinstance(elapsed, (int, float)) and elapsed > 0 else 0.0,
                # a body cut before it was stored (conformance.har caps bodies): not a malformed body
                truncated="text" in content and isinstance(size, int) and size > len(body),
            )
        )
    return raws


def _har_headers(headers: Any, where: str) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if not isinstance(headers, list):
        raise RecordingError(f"{where}: expected a list of {{name, value}}, found {type(headers).__name__}")
    pairs = []
    for j, header in enumerate(headers):
        name = _field(header, "name", str, f"{where}[{j}]")
        value = header.get("value")
        pairs.append((name, "" if value is None else str(value)))
    return pairs


def _har_text(holder: dict, where: str) -> bytes:
    text = holder.get("text")
    if text is None:
        return b""
    if not isinstance(text, str):
        raise RecordingError(f"{where}: text is {type(text).__name__}, expected a string")
    # content.encoding; postData has no encoding in HAR 1.2, so conformance.har marks it _encoding
    if str(holder.get("encoding", holder.get("_encoding", ""))).lower() == "base64":
        try:
            return base64.b64decode(text)
        except (binascii.Error, ValueError) as exc:
            raise RecordingError(f"{where}: text is marked base64 but does not decode: {exc}") from None
    return text.encode("utf-8")


def _iso_time(value: str, where: str) -> float:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise RecordingError(f"{where}: startedDateTime {value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


_READERS = {"test-proxy": _read_test_proxy, "session-records": _read_session_records, "vcr": _read_vcr, "har": _read_har}


# ----------------------------------------------------------------------------------------------- normalisation


def _normalise(path: str, fmt: str, raws: list[_Raw]) -> Recording:
    base = _base_of(raws[0].url) if raws else None
    times = _send_times(raws)
    entries = []
    for index, (raw, sent_at) in enumerate(zip(raws, times[0])):
        request = RequestRecord(
            method=raw.method,
            url=_redact_query(_onto(base, raw.url)),
            headers=tuple((name, _redact_header(name, value)) for name, value in raw.request_headers),
            body=raw.request_body,
        )
        headers = tuple(
            (name.lower(), _onto(base, value) if name.lower() in _LINK_HEADERS else value) for name, value in raw.response_headers
        )
        record = ResponseRecord(
            request=request,
            status_code=raw.status,
            headers=headers,
            body=raw.response_body,
            elapsed_s=raw.elapsed_s,
            sent_at=sent_at,
            truncated=raw.truncated,
        )
        entries.append(Entry(index=index, record=record))
    origin = origin_of(raws[0].url) if raws and fmt != "session-records" else None
    return Recording(path=path, format=fmt, entries=tuple(entries), origin=origin, timed=times[1])


def _base_of(url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]  # never carry credentials into rewritten URLs
    return f"{parts.scheme}://{netloc}"


def _onto(base: str | None, url: str) -> str:
    """``url`` moved onto ``base`` when its host is a sanitizer's placeholder; else unchanged."""
    if base is None:
        return url
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return url  # relative links (/operations/{id}) stay as recorded
    if not _PLACEHOLDER_LABEL.search(parts.hostname.split(".")[0]):
        return url
    target = urlsplit(base)
    return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))


def _redact_header(name: str, value: str) -> str:
    return REDACTED if name.lower() in _SECRET_HEADERS and value != "" else value


def _redact_query(url: str) -> str:
    parts = urlsplit(url)
    if "subscription-key=" not in parts.query.lower():
        return url
    return urlunsplit(parts._replace(query=_SECRET_QUERY.sub(lambda m: m.group(1) + REDACTED, parts.query)))


def _send_times(raws: list[_Raw]) -> tuple[list[float], bool]:
    """(sent_at of every entry, whether any came from a real timestamp)."""
    found = [raw.started if raw.started is not None else _date_header(raw.response_headers) for raw in raws]
    known = [t for t in found if t is not None]
    if not known:
        return [0.0] * len(raws), False
    times, previous = [], known[0]
    for t in found:
        previous = t if t is not None else previous
        times.append(previous)
    return times, True


def _date_header(headers: list[tuple[str, str]]) -> float | None:
    value = next((v for k, v in headers if k.lower() == "date"), None)
    if not value:
        return None
    if value.count(",") > 1:  # several Date values joined: the first one counts
        value = ",".join(value.split(",")[:2])
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()
