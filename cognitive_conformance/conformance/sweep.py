"""``conformance cleanup``: remove what an interrupted run left on a target.

Two ways to find it:

* ``--ledger FILE``: every entry of a run's ``ledger.jsonl`` (:mod:`conformance.ledger`) not
  marked deleted, deleted children first; each deletion is appended to the ledger, so a second
  sweep skips it;
* ``--prefix cc-…``: every resource whose id (or the name a listing matches instead) starts with the
  prefix, found through the list operations each pack declares (``Pack.listings``: Face person groups,
  large person groups, face lists, large face lists,
  dynamic person groups; Speaker profiles; Custom Voice endpoints (by
  displayName), models, training sets, personal voices, consents, projects). The prefix must start with
  ``cc-``: a sweep can only reach names a run chose.

``dry_run`` prints what would be deleted and sends no DELETE. Exit codes: 0 everything listed
is gone, 1 something could not be deleted, 2 usage, 3 target unusable (the preflight of
:mod:`conformance.preflight`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from cognitive_conformance.conformance import preflight
from cognitive_conformance.conformance.config import EXIT_FINDINGS, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE
from cognitive_conformance.conformance.ledger import Leftover, append_line, delete_pending, pending, read_lines
from cognitive_conformance.conformance.naming import RUN_PREFIX

__all__ = ["cleanup", "find_prefixed"]


@functools.cache
def _document(service: str, version: str) -> dict[str, Any]:
    from cognitive_conformance.conformance.spec import Spec

    return Spec(service, version, "observed").document


def _items(body: Any) -> tuple[list[Any], str | None]:
    if isinstance(body, list):
        return body, None
    if isinstance(body, dict):
        return list(body.get("value") or []), body.get("nextLink")
    return [], None


def find_prefixed(transport: Any, prefix: str) -> list[dict[str, Any]]:
    """Every resource whose id starts with ``prefix``, as ledger-like entries in deletion order."""
    from cognitive_conformance.conformance.packs import all_packs
    from cognitive_conformance.conformance.spec import Spec, default_api_version

    found: list[dict[str, Any]] = []
    for pack in all_packs():
        if not pack.listings:
            continue
        version = default_api_version(pack.service)
        spec = Spec(pack.service, version, "observed")
        in_query = spec.document.get("info", {}).get("x-api-version-in") == "query"
        for listing in pack.listings:
            try:
                operation = spec.operation(listing.operation)
            except KeyError:
                continue  # the listing's operation does not exist in this version
            params = dict(listing.query)
            if in_query:
                params["api-version"] = version
            url: str | None = operation.path
            while url:
                record = transport.request("GET", url, params=params)
                if record.status_code != 200:
                    raise preflight.PreflightError(f"GET {operation.path} answered {record.status_code}")
                items, next_link = _items(record.json_or_none())
                named = [i for i in items if isinstance(i, dict) and i.get(listing.id_field)]
                ids = [str(i.get(listing.id_field)) for i in named]
                for item, item_id in zip(named, ids):
                    if str(item.get(listing.match_field or listing.id_field) or "").startswith(prefix):
                        found.append(
                            {"service": pack.service, "apiVersion": version, "path": f"{operation.path}/{quote(item_id, safe='')}", "id": item_id}
                        )
                top = int(dict(listing.query).get("top", 0) or 0)
                if next_link:
                    url, params = next_link, {}
                elif listing.start and top and len(items) >= top and ids:
                    params = {**params, listing.start: ids[-1]}
                else:
                    url = None
    return found


def cleanup(
    target: str,
    key: str | None,
    *,
    ledger: str | None = None,
    prefix: str | None = None,
    dry_run: bool = False,
    out: Callable[[str], None] = print,
    err: Callable[[str], None] = print,
) -> int:
    """Delete a run's leftovers (see the module docstring); return the exit code."""
    from cognitive_conformance.conformance.packs import all_packs
    from cognitive_conformance.conformance.spec import default_api_version
    from cognitive_conformance.conformance.transport import TargetUnreachable, Transport

    if not ledger and not prefix:
        err("conformance cleanup: error: give --ledger FILE or --prefix cc-<run id>-")
        return EXIT_USAGE
    if prefix is not None and (not prefix.startswith(RUN_PREFIX) or len(prefix) <= len(RUN_PREFIX)):
        err(f"conformance cleanup: error: --prefix must start with {RUN_PREFIX!r} and name a run (e.g. cc-1a2b3c-), not {prefix!r}")
        return EXIT_USAGE
    if not key:
        err("conformance cleanup: error: a key is needed: --key or CONFORMANCE_KEY")
        return EXIT_USAGE
    lines: list[dict[str, Any]] = []
    if ledger:
        try:
            lines = read_lines(ledger)
        except OSError as exc:
            err(f"conformance cleanup: error: cannot read the ledger {ledger}: {exc.strerror or exc}")
            return EXIT_USAGE
    try:
        target = preflight.normalise_target(target)
    except preflight.TargetUrlError as exc:
        err(f"conformance cleanup: error: {exc}")
        return EXIT_USAGE
    services = {str(line["service"]) for line in lines if line.get("service")} if ledger else set()
    if prefix:
        services |= {p.service for p in all_packs() if p.listings}
    plan = {s: (default_api_version(s),) for s in sorted(services)}
    try:
        if plan:
            preflight.check_target(target, key, plan)
    except preflight.PreflightError as exc:
        err(f"conformance cleanup: target unusable: {exc}")
        return EXIT_UNREACHABLE
    verb = "would delete" if dry_run else "deleted"
    leftovers: list[Leftover] = []
    done: list[str] = []
    with Transport(target, key) as transport:
        try:
            entries = pending(lines)
            if prefix:
                seen = {str(e["path"]) for e in entries}
                entries += [e for e in find_prefixed(transport, prefix) if e["path"] not in seen]

            def deleted(entry: dict[str, Any], status: int) -> None:
                done.append(str(entry["path"]))
                out(f"{verb} {entry['path']}")
                if ledger and "runId" in entry:
                    append_line(ledger, {"deleted": entry["path"], "service": entry.get("service"), "apiVersion": entry.get("apiVersion"),
                                         "status": status, "time": _now(), "runId": entry.get("runId")})

            if dry_run:
                for entry in entries:
                    deleted_paths = [d for d in done if str(entry["path"]).startswith(d + "/")]
                    if not deleted_paths:
                        done.append(str(entry["path"]))
                        out(f"{verb} {entry['path']}")
            else:
                leftovers = delete_pending(transport, entries, _document, on_deleted=deleted)
        except (TargetUnreachable, preflight.PreflightError) as exc:
            err(f"conformance cleanup: target unusable: {exc}")
            return EXIT_UNREACHABLE
    for left in leftovers:
        err(f"could not delete {left.path}: {left.status if left.status is not None else 'no answer'} {left.reason}")
    out(f"{len(done)} resource(s) {verb}" + (f", {len(leftovers)} could not be deleted" if leftovers else ""))
    return EXIT_FINDINGS if leftovers else EXIT_OK


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
