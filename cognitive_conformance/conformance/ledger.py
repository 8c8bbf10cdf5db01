"""The run's ledger: every resource a run created, written at once, deleted at the end.

``ledger.jsonl`` (in the report directory) holds one JSON object per line:

* a create, appended as soon as its 2xx answer arrives::

    {"service", "apiVersion", "method": "DELETE", "path", "id", "parent", "time", "runId"}

  ``path`` is the URL path that deletes it, ``parent`` the path of the ledger resource it lives
  in (a person's group) or ``null``, ``time`` RFC 3339;
* a deletion that succeeded (2xx, or 404: already gone)::

    {"deleted": path, "service", "apiVersion", "status", "time", "runId"}

Worker processes of one run append to the same file: each line is one ``os.write`` on a
descriptor opened with ``O_APPEND``, which Linux keeps whole. Keys never reach the ledger
(only paths and ids do).

What is a create is read from the spec alone (no service is named here): a 2xx ``PUT`` or
``POST`` on a path that has a ``DELETE`` operation (``PUT /persongroups/{id}``,
``POST /customvoice/personalvoices/{id}``), and a 2xx ``POST`` on a collection whose
``DELETE <collection>/{param}`` exists, the new id read from the body's ``<param>`` field or
the ``Location`` header (a Speaker profile, a Face person). A client-named id is recorded only
when it carries the run's prefix, so a sweep can never delete what the run did not name.

Deletion order is children before parents (reverse creation order: a child is always created
after its parent); an entry whose parent (or any ancestor) is already deleted counts as gone
(deleting a Face group deletes its persons).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from cognitive_conformance.conformance.naming import RUN_PREFIX

__all__ = ["LEDGER_NAME", "Leftover", "Ledger", "append_line", "created_by", "delete_pending", "pending", "read_lines"]

LEDGER_NAME = "ledger.jsonl"


@dataclass(frozen=True)
class Leftover:
    """A resource that could not be deleted: its path, the DELETE's status (``None``: no answer) and why."""

    path: str
    status: int | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "status": self.status, "reason": self.reason}


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def append_line(file: str | os.PathLike[str], obj: dict[str, Any]) -> None:
    """Append ``obj`` as one JSON line with a single write (safe across processes with O_APPEND)."""
    data = (json.dumps(obj, separators=(",", ":")) + "\n").encode("utf-8")
    fd = os.open(os.fspath(file), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def read_lines(file: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every well-formed line of a ledger (a torn last line of a killed run is skipped)."""
    out: list[dict[str, Any]] = []
    with open(file, encoding="utf-8") as handle:
        for line in handle:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict):
                out.append(obj)
    return out


def _ancestors(path: str) -> Iterable[str]:
    parts = path.rstrip("/").split("/")
    while len(parts) > 3:
        parts = parts[:-2]
        yield "/".join(parts)


def pending(lines: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The created entries not deleted since, in deletion order (children before parents).

    An entry whose ancestor was deleted after it was created counts as gone.
    """
    created: dict[str, tuple[int, dict[str, Any]]] = {}
    deleted_at: dict[str, int] = {}
    for index, line in enumerate(lines):
        if "deleted" in line:
            deleted_at[str(line["deleted"])] = index
        elif line.get("path"):
            created[str(line["path"])] = (index, line)

    def gone(path: str, since: int) -> bool:
        return deleted_at.get(path, -1) > since or any(deleted_at.get(a, -1) > since for a in _ancestors(path))

    alive = [(index, entry) for path, (index, entry) in created.items() if not gone(path, index)]
    return [entry for _, entry in sorted(alive, key=lambda item: item[0], reverse=True)]


def _relative(url: str, base_path: str) -> str:
    path = urlsplit(url).path
    if base_path and path.startswith(base_path + "/"):
        path = path[len(base_path):]
    return path


def _parent(spec: Any, path: str) -> str | None:
    return next((a for a in _ancestors(path) if spec.match("DELETE", a) is not None), None)


def created_by(spec: Any, record: Any, base_path: str = "") -> tuple[str, str, str | None] | None:
    """``(path, id, parent)`` of the resource ``record`` (a 2xx answer) created, or ``None``."""
    if not 200 <= record.status_code < 300 or record.throttled:
        return None
    method = record.request.method.upper()
    if method not in {"PUT", "POST"}:
        return None
    path = _relative(record.request.url, base_path).rstrip("/") or "/"  # POST /profiles/ creates like /profiles
    if spec.match("DELETE", path) is not None:
        return path, unquote(path.rstrip("/").rsplit("/", 1)[-1]), _parent(spec, path)
    if method != "POST":
        return None
    operation = spec.match("POST", path)
    if operation is None:
        return None
    body = record.json_or_none()
    for child in spec.operations():
        if child.method != "DELETE" or not child.path.startswith(operation.path + "/{"):
            continue
        rest = child.path[len(operation.path) + 2 :]
        if "/" in rest or not rest.endswith("}"):
            continue
        name = rest[:-1]
        new_id = body.get(name) if isinstance(body, dict) else None
        location = record.header("location")
        if not isinstance(new_id, str) and location:
            candidate = _relative(location, base_path)
            if candidate.startswith(path.rstrip("/") + "/") and spec.match("DELETE", candidate) is not None:
                new_id = unquote(candidate.rstrip("/").rsplit("/", 1)[-1])
        if isinstance(new_id, str) and new_id:
            child_path = path.rstrip("/") + "/" + quote(new_id, safe="")
            return child_path, new_id, _parent(spec, child_path)
    return None


def _version_query(spec_document: dict[str, Any], version: str) -> dict[str, str] | None:
    info = spec_document.get("info", {})
    return {"api-version": version} if info.get("x-api-version-in") == "query" else None


class Ledger:
    """One job's view of the run's ledger: observes a transport's exchanges, sweeps what is left.

    ``file``: the shared ``ledger.jsonl`` (``None``: keep it in memory only). Use
    :meth:`observe` as the transport's observer; :meth:`sweep` deletes this job's pending entries.
    """

    def __init__(self, file: str | os.PathLike[str] | None, *, spec: Any, run_id: str, base_path: str = "") -> None:
        self.file = file
        self.spec = spec
        self.run_id = run_id
        self.base_path = base_path.rstrip("/")
        self.lines: list[dict[str, Any]] = []
        # What pending() reads off the lines, kept as they are written, so that a DELETE asks
        # "is this path pending?" in O(depth) instead of re-reading the whole ledger.
        self._created_at: dict[str, int] = {}
        self._deleted_at: dict[str, int] = {}
        self._lock = threading.Lock()
        if file is not None:  # the ledger exists from the job's start, even when nothing is created
            os.makedirs(os.path.dirname(os.path.abspath(file)), exist_ok=True)
            open(file, "a", encoding="utf-8").close()

    def _write(self, obj: dict[str, Any]) -> None:
        with self._lock:
            index = len(self.lines)
            self.lines.append(obj)
            if "deleted" in obj:
                self._deleted_at[str(obj["deleted"])] = index
            elif obj.get("path"):
                self._created_at[str(obj["path"])] = index
            if self.file is not None:
                append_line(self.file, obj)

    def _is_pending(self, path: str) -> bool:
        """Created and not deleted since, nor any ancestor (as :func:`pending` decides; a second DELETE of a gone
        resource is not recorded again)."""
        with self._lock:
            since = self._created_at.get(path)
            if since is None:
                return False
            deleted_at = self._deleted_at
            return not (deleted_at.get(path, -1) > since or any(deleted_at.get(a, -1) > since for a in _ancestors(path)))

    def observe(self, record: Any) -> None:
        """Record a create or the deletion of a ledger resource seen in one exchange."""
        method = record.request.method.upper()
        if method == "DELETE":
            path = _relative(record.request.url, self.base_path)
            if (200 <= record.status_code < 300 or record.status_code == 404) and self._is_pending(path):
                self._write(self._deleted(path, record.status_code))
            return
        made = created_by(self.spec, record, self.base_path)
        if made is None:
            return
        path, new_id, parent = made
        client_named = self.spec.match("DELETE", _relative(record.request.url, self.base_path)) is not None
        if client_named and not new_id.startswith(f"{RUN_PREFIX}{self.run_id}-"):
            return  # never take ownership of a name the run did not choose
        self._write(
            {
                "service": self.spec.service,
                "apiVersion": self.spec.version,
                "method": "DELETE",
                "path": path,
                "id": new_id,
                "parent": parent,
                "time": _now(),
                "runId": self.run_id,
            }
        )

    def _deleted(self, path: str, status: int) -> dict[str, Any]:
        return {
            "deleted": path,
            "service": self.spec.service,
            "apiVersion": self.spec.version,
            "status": status,
            "time": _now(),
            "runId": self.run_id,
        }

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return pending(list(self.lines))

    def sweep(self, transport: Any) -> list[Leftover]:
        """Delete every pending entry of this job (children first); return what is left.

        The deletions pass through ``transport``, whose observer (this ledger) records them.
        """
        return delete_pending(transport, self.pending(), lambda service, version: self.spec.document)


def delete_pending(
    transport: Any,
    entries: list[dict[str, Any]],
    document_of: Callable[[str, str], dict[str, Any]],
    *,
    on_deleted: Callable[[dict[str, Any], int], None] | None = None,
    dry_run: bool = False,
) -> list[Leftover]:
    """DELETE each of ``entries`` (already in deletion order); a child of a deleted entry is skipped.

    ``document_of(service, version)``: the rendered spec (for the api-version query parameter).
    """
    from cognitive_conformance.conformance.transport import TargetUnreachable

    leftovers: list[Leftover] = []
    removed: list[str] = []
    for entry in entries:
        path = str(entry["path"])
        if any(a in removed for a in _ancestors(path)):
            continue
        if dry_run:
            removed.append(path)
            continue
        params = _version_query(document_of(str(entry.get("service")), str(entry.get("apiVersion"))), str(entry.get("apiVersion")))
        try:
            record = transport.request("DELETE", path, params=params)
        except TargetUnreachable as exc:
            leftovers.append(Leftover(path, None, f"no answer: {exc}"))
            continue
        if 200 <= record.status_code < 300 or record.status_code == 404:
            removed.append(path)
            if on_deleted is not None:
                on_deleted(entry, record.status_code)
        else:
            body = record.json_or_none()
            error = body.get("error") if isinstance(body, dict) else None
            reason = (error.get("code") or error.get("message")) if isinstance(error, dict) else None
            leftovers.append(Leftover(path, record.status_code, str(reason or f"DELETE answered {record.status_code}")))
    return leftovers
