"""Write exchanges as an HTTP Archive (HAR 1.2) file: the proxy's and every run's ``traffic.har``.

HAR is plain JSON (http://www.softwareishard.com/blog/har-12-spec/), so this module builds it
directly (the ``harfile`` package streams the same structure but has neither pages nor a place
for the binary request body marker below). One writer serves both users:

* ``conformance proxy`` holds its exchanges and calls :func:`write_har` at the end;
* ``conformance run`` (and the pytest plugin) stream: each job, in its worker process, appends
  every exchange its transport records to its own part file (:class:`HarPart`,
  ``REPORT_DIR/.parts/<run id>-<service>@<version>.har.jsonl``, one JSON line each, flushed as it
  goes), so memory stays bounded and an interrupted run still has its traffic on disk; at the end
  the parent merges the parts in send order into ``REPORT_DIR/traffic.har`` and removes them
  (:func:`assemble`). Each job is one HAR page (``face@v1.2``), and its entries name it.

One entry per :class:`~conformance.transport.ResponseRecord`:

* ``startedDateTime`` when the request was sent (ISO 8601 UTC, milliseconds); the transport
  measures on the monotonic clock, turned into wall-clock time with the offset between the two
  clocks taken when the part was opened; ``time`` the elapsed milliseconds until the body was
  read, split into ``timings.wait`` (until the response headers arrived, connecting included) and
  ``timings.receive`` (the body); ``send`` is not measured apart (0). Without a header time
  (the proxy) all of it is ``wait``;
* a UTF-8 response body is ``content.text``; a binary one is base64 with ``encoding: "base64"``;
* a UTF-8 request body is ``postData.text``; HAR has no ``encoding`` on ``postData``, so a binary
  request body is base64 in ``text`` with the custom field ``_encoding: "base64"``;
* a body longer than :data:`HAR_BODY_CAP` (256 KiB) keeps its first 256 KiB; ``content.size``
  (and ``request.bodySize``) keep the whole length, and the entry's ``comment`` says which body
  was capped and at what size (:mod:`conformance.recordings` reads such a response as truncated,
  so no rule judges the cut body as malformed).

Secrets: keys and tokens are already ``***`` in recorded request headers and URLs
(:mod:`conformance.transport`); every text written (URLs, headers, bodies, the whole line) also
goes through :func:`~conformance.transport.redact` with the given ``secrets``, and a binary body
has each secret's bytes replaced before it is base64-encoded.
"""

from __future__ import annotations

import base64
import heapq
import json
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from typing import IO, Any

import httpx

from cognitive_conformance.conformance.transport import REDACTED, ResponseRecord, redact

__all__ = [
    "HAR_BODY_CAP",
    "HAR_NAME",
    "HAR_VERSION",
    "PARTS_DIR",
    "HarPart",
    "HarWritten",
    "assemble",
    "har_entry",
    "har_log",
    "part_path",
    "write_har",
]

HAR_VERSION = "1.2"
#: Bytes of each request and response body a HAR entry keeps; the rest is cut and the entry says so.
HAR_BODY_CAP = 256 * 1024
#: The run's HAR in its report directory, and the folder the jobs stream their parts into.
HAR_NAME = "traffic.har"
PARTS_DIR = ".parts"
_PART_SUFFIX = ".har.jsonl"


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


def _redact_bytes(body: bytes, secrets: Sequence[str]) -> bytes:
    for secret in secrets:
        if secret:
            body = body.replace(secret.encode("utf-8"), REDACTED.encode("ascii"))
    return body


@dataclass(frozen=True)
class _Body:
    text: str
    base64: bool
    size: int  # bytes of the whole body as written (secrets redacted), before the cap
    capped: bool


def _body(body: bytes, secrets: Sequence[str], cap: int) -> _Body:
    """A body as HAR text: UTF-8 as redacted text, anything else as base64; at most ``cap`` bytes of it."""
    try:
        data = redact(body.decode("utf-8"), secrets).encode("utf-8")
    except UnicodeDecodeError:
        raw = _redact_bytes(body, secrets)
        return _Body(base64.b64encode(raw[:cap]).decode("ascii"), True, len(raw), len(raw) > cap)
    if len(data) <= cap:
        return _Body(data.decode("utf-8"), False, len(data), False)
    # cut at the cap; a character split by the cut is dropped, so the text stays valid UTF-8
    return _Body(data[:cap].decode("utf-8", "ignore"), False, len(data), True)


def _mime(pairs: Iterable[tuple[str, str]]) -> str:
    return next((v for k, v in pairs if k.lower() == "content-type"), "")


def har_entry(
    record: ResponseRecord,
    secrets: Sequence[str] = (),
    *,
    clock_offset: float = 0.0,
    wait_s: float | None = None,
    pageref: str | None = None,
    body_cap: int = HAR_BODY_CAP,
) -> dict[str, Any]:
    """One HAR entry for ``record``.

    ``clock_offset`` turns the record's ``sent_at`` into epoch seconds (0 when it already is);
    ``wait_s`` is the time from the send until the response headers arrived (None: unknown).
    """
    request, ms = record.request, round(record.elapsed_s * 1000, 3)
    url = redact(request.url, secrets)
    try:
        query = [{"name": k, "value": redact(v, secrets)} for k, v in httpx.URL(url).params.multi_items()]
    except (httpx.InvalidURL, TypeError):
        query = []
    comments: list[str] = []
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
        body = _body(request.body, secrets, body_cap)
        req["postData"] = {"mimeType": _mime(request.headers), "text": body.text}
        if body.base64:
            req["postData"]["_encoding"] = "base64"
        if body.capped:
            comments.append(f"request body capped at {body_cap} of {body.size} bytes (HAR body cap)")
    content: dict[str, Any] = {"size": len(record.body), "mimeType": _mime(record.headers)}
    if record.body:
        body = _body(record.body, secrets, body_cap)
        content["size"] = body.size
        content["text"] = body.text
        if body.base64:
            content["encoding"] = "base64"
        if body.capped:
            comments.append(f"response body capped at {body_cap} of {body.size} bytes (HAR body cap)")
    if record.truncated:
        comments.append("response body truncated at the checker's read cap: only its first bytes were read")
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
    wait = ms if wait_s is None else min(ms, round(max(0.0, wait_s) * 1000, 3))
    entry: dict[str, Any] = {}
    if pageref is not None:
        entry["pageref"] = pageref
    entry.update(
        {
            "startedDateTime": _iso(record.sent_at + clock_offset),
            "time": ms,
            "request": req,
            "response": response,
            "cache": {},
            "timings": {"send": 0, "wait": wait, "receive": round(ms - wait, 3)},
        }
    )
    if comments:
        entry["comment"] = "; ".join(comments)
    return entry


def _creator(name: str) -> dict[str, str]:
    return {"name": name, "version": _version()}


def har_log(
    records: Iterable[ResponseRecord], *, secrets: Sequence[str] = (), creator: str = "cognitive-conformance"
) -> dict[str, Any]:
    """The HAR document (``{"log": ...}``) of ``records``, in send order."""
    entries = [har_entry(r, secrets) for r in sorted(records, key=lambda r: r.sent_at)]
    return {"log": {"version": HAR_VERSION, "creator": _creator(creator), "entries": entries}}


def _dump(value: Any, secrets: Sequence[str]) -> str:
    return redact(json.dumps(value, ensure_ascii=False), secrets)


def _write_document(
    out: IO[str], entries: Iterable[dict[str, Any]], *, pages: Sequence[dict[str, Any]], creator: str, secrets: Sequence[str]
) -> int:
    """Write a HAR document entry by entry (never the whole of it in memory); return the entries written."""
    head = {"version": HAR_VERSION, "creator": _creator(creator)}
    if pages:
        head["pages"] = list(pages)
    out.write('{"log": ' + _dump(head, secrets)[:-1] + ', "entries": [')
    n = 0
    for entry in entries:
        out.write(("\n" if n == 0 else ",\n") + _dump(entry, secrets))
        n += 1
    out.write("\n]}}\n")
    return n


def write_har(
    records: Iterable[ResponseRecord],
    path: str | Path,
    *,
    creator: str = "cognitive-conformance",
    secrets: Sequence[str] = (),
) -> Path:
    """Write ``records`` to ``path`` as HAR 1.2 in send order (parent folders created); return the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted(records, key=lambda r: r.sent_at)
    with out.open("w", encoding="utf-8") as handle:
        _write_document(handle, (har_entry(r, secrets) for r in ordered), pages=(), creator=creator, secrets=secrets)
    return out


# -- a run's HAR: streamed parts, assembled at the end ---------------------------------------------


def part_path(parts_dir: str | Path, run_id: str, page: str) -> Path:
    """Where one job of run ``run_id`` streams its entries: ``<parts_dir>/<run id>-<page>.har.jsonl``."""
    return Path(parts_dir) / f"{run_id}-{page}{_PART_SUFFIX}"


class HarPart:
    """One job's exchanges as HAR entries, one JSON line each, appended and flushed as they are recorded.

    The first line is the job's page (``{"page": {...}}``), every other one an entry
    (``{"entry": {...}}``). ``secrets`` gives the secrets to redact now (a transport's grow as
    tokens are refreshed). Add :meth:`add` to a transport's ``recorders``.
    """

    def __init__(
        self, path: str | Path, *, page: str, title: str, secrets: Callable[[], Sequence[str]] = tuple,
        body_cap: int = HAR_BODY_CAP,
    ) -> None:
        self.path = Path(path)
        self.page = page
        self._secrets = secrets
        self._body_cap = body_cap
        self._lock = threading.Lock()
        # The transport's send times are monotonic; HAR wants wall-clock time.
        self._offset = time.time() - time.monotonic()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] | None = self.path.open("a", encoding="utf-8")
        started = {"id": page, "title": title, "startedDateTime": _iso(time.time()),
                   "pageTimings": {"onContentLoad": -1, "onLoad": -1}}
        self._line({"page": started})

    def _line(self, value: dict[str, Any]) -> None:
        with self._lock:
            if self._file is None:
                return
            try:
                self._file.write(_dump(value, self._secrets()) + "\n")
                self._file.flush()
            except OSError as exc:  # a full disk must not stop the run: the HAR of this job ends here, said once
                print(f"conformance: {self.path}: {exc.strerror or exc}; the HAR of {self.page} stops here",
                      file=sys.stderr, flush=True)
                self._close()

    def _close(self) -> None:
        try:
            self._file.close()
        except OSError:
            pass
        self._file = None

    def add(self, record: ResponseRecord, wait_s: float | None = None) -> None:
        entry = har_entry(record, self._secrets(), clock_offset=self._offset, wait_s=wait_s, pageref=self.page,
                          body_cap=self._body_cap)
        self._line({"entry": entry})

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._close()

    def __enter__(self) -> "HarPart":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class HarWritten:
    """What :func:`assemble` wrote: the file, its entries, how many had a body capped, lines unreadable."""

    path: Path
    entries: int
    capped: int
    unreadable: int

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.path.name, "entries": self.entries, "bodyCapBytes": HAR_BODY_CAP,
                "cappedEntries": self.capped, "unreadableLines": self.unreadable}


def _lines(path: Path, bad: list[int]) -> Iterator[dict[str, Any]]:
    """The parsed lines of a part; a line cut by a killed worker (or otherwise unreadable) is counted and skipped."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError:
                bad[0] += 1
                continue
            if isinstance(value, dict):
                yield value
            else:
                bad[0] += 1


def _entries(path: Path, bad: list[int], capped: list[int]) -> Iterator[tuple[str, dict[str, Any]]]:
    for value in _lines(path, bad):
        entry = value.get("entry")
        if isinstance(entry, dict) and isinstance(entry.get("startedDateTime"), str):
            if "capped at" in entry.get("comment", ""):
                capped[0] += 1
            yield entry["startedDateTime"], entry


def assemble(
    parts_dir: str | Path,
    out: str | Path,
    *,
    run_ids: Iterable[str],
    creator: str = "cognitive-conformance",
    secrets: Sequence[str] = (),
) -> HarWritten | None:
    """Merge the parts of ``run_ids`` in ``parts_dir`` into the HAR file ``out`` (entries in send order).

    The parts are removed once written, and ``parts_dir`` too when it is left empty; parts of other
    runs (one killed before its end) are left alone. Returns None when there is no part of these runs.
    """
    folder = Path(parts_dir)
    ids = {r for r in run_ids if r}
    parts = sorted(
        p for p in (folder.glob(f"*{_PART_SUFFIX}") if folder.is_dir() else [])
        if p.name.split("-", 1)[0] in ids
    )
    if not parts:
        return None
    pages: dict[str, dict[str, Any]] = {}
    bad, capped = [0], [0]
    for part in parts:
        for value in _lines(part, [0]):
            page = value.get("page")
            if isinstance(page, dict) and isinstance(page.get("id"), str):
                known = pages.get(page["id"])
                if known is None or page.get("startedDateTime", "") < known.get("startedDateTime", ""):
                    pages[page["id"]] = page
            break  # the page is the first line
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    merged = heapq.merge(*(_entries(p, bad, capped) for p in parts), key=lambda item: item[0])
    tmp = target.with_name(target.name + ".tmp")
    ordered_pages = sorted(pages.values(), key=lambda p: p.get("startedDateTime", ""))
    with tmp.open("w", encoding="utf-8") as handle:
        n = _write_document(handle, (entry for _, entry in merged), pages=ordered_pages, creator=creator, secrets=secrets)
    tmp.replace(target)
    for part in parts:
        part.unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:
        pass  # other runs' parts are still there
    return HarWritten(target, n, capped[0], bad[0])
