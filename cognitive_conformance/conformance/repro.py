"""curl commands that send a finding's request again, byte for byte.

Input is the JSON form of an :class:`~conformance.events.Exchange` (``Exchange.to_dict()``, as
``conformance.json`` holds it), so a command is made the same way when the finding is raised
and when a report is written. What makes the bytes identical:

* a short printable UTF-8 text body goes inline (``--data-raw``); any other body (an image, WAV
  audio, a multipart form, non-UTF-8 bytes, a long text) is read from a file,
  ``--data-binary @repro/<first 16 hex digits of its SHA-256>.body``, relative to the report
  directory, which the report writer fills (:func:`conformance.reports.write_all`);
* the recorded ``Content-Type`` is sent as is, multipart boundary included; a body sent without
  one gets ``-H 'Content-Type:'`` so curl adds none; ``-H 'Expect:'`` keeps curl from waiting
  for ``100 Continue`` on a long body;
* ``--globoff`` and ``--path-as-is`` keep a URL with brackets or dot segments as it was sent;
  ``HEAD`` is ``--head`` (``-X HEAD`` would wait for a body).

The credential is ``***`` as recorded (``mode="literal"``): a report never holds it. A repro
script (``mode="env"``) reads it from ``CONFORMANCE_KEY`` (``Ocp-Apim-Subscription-Key``) or
``CONFORMANCE_TOKEN`` (``Authorization: Bearer``), the variables ``conformance run`` reads; a
request that carried another credential on purpose (the auth scenarios' wrong key) keeps ``***``,
which is as wrong a key as the one sent.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["curl", "script", "write_files", "KEY_ENV", "TOKEN_ENV"]

KEY_ENV = "CONFORMANCE_KEY"
TOKEN_ENV = "CONFORMANCE_TOKEN"
#: Headers curl sets itself (or that describe the connection, not the request).
_SKIPPED = frozenset({"content-length", "host", "accept-encoding", "connection", "user-agent", "transfer-encoding", "expect"})
_DOT_SEGMENT = re.compile(r"/\.\.?(/|$|\?|#)")
_BODY_FILE = re.compile(r"@(repro/[0-9a-f]{16}\.body)")
#: curl asks for ``100 Continue`` above 1 MiB (older versions above 1 KiB): ``-H 'Expect:'`` beyond this.
_EXPECT_ABOVE = 1024


def _header(name: str, value: str) -> str:
    return shlex.quote(f"{name}: {value}" if value else f"{name};")  # curl sends "Name;" as an empty header


def _credential(name: str, value: str, mode: str, whose: str | None) -> str | None:
    """The shell word for a credential header in ``env`` mode (double-quoted, so the variable expands).

    A credential that was not the run's (a wrong key sent on purpose) stays ``***``: still a key the
    target must refuse, never the user's.
    """
    if mode != "env" or "***" not in value or whose == "other":
        return None
    lname = name.lower()
    if lname == "ocp-apim-subscription-key" and value == "***":
        return f'"{name}: ${{{KEY_ENV}:?set {KEY_ENV} to the subscription key}}"'
    if lname == "authorization" and value.lower() == "bearer ***":
        return f'"{name}: Bearer ${{{TOKEN_ENV}:?set {TOKEN_ENV} to the bearer token}}"'
    return None


def curl(exchange: dict[str, Any], *, mode: str = "literal") -> str:
    """One shell command that sends ``exchange``'s request again (see the module docstring)."""
    request = exchange["request"]
    method, url = request["method"].upper(), request["url"]
    body = request.get("body")
    words = ["curl", "--head"] if method == "HEAD" else ["curl", "-X", shlex.quote(method)]
    if any(c in url for c in "[]{}"):
        words.append("--globoff")
    if _DOT_SEGMENT.search(_path(url)):
        words.append("--path-as-is")
    has_type = False
    for name, value in request["headers"]:
        lname = name.lower()
        if lname in _SKIPPED:
            if lname == "content-length" and value == "0" and not body:
                words += ["-H", _header(name, value)]  # an empty POST/PUT says so, as it was sent
            continue
        has_type = has_type or lname == "content-type"
        words += ["-H", _credential(name, value, mode, request.get("credential")) or _header(name, value)]
    if body:
        if not has_type:
            words += ["-H", shlex.quote("Content-Type:")]  # curl would add application/x-www-form-urlencoded
        if body["size"] > _EXPECT_ABOVE:
            words += ["-H", shlex.quote("Expect:")]
        if body.get("file"):
            words += ["--data-binary", shlex.quote("@" + body["file"])]
        else:
            words += ["--data-raw", shlex.quote(body["text"] or "")]
    words.append(shlex.quote(url))
    return " ".join(words)


def _path(url: str) -> str:
    rest = url.split("://", 1)[-1]
    slash = rest.find("/")
    return "" if slash < 0 else rest[slash:].split("?", 1)[0].split("#", 1)[0]


def script(exchange: dict[str, Any], *, title: str) -> str:
    """A POSIX shell script that runs :func:`curl` in ``env`` mode from the report directory.

    ``title`` is a comment line; it is reduced to printable ASCII without newlines, so a hostile
    message can never become a command.
    """
    safe = "".join(c if " " <= c <= "~" else "?" for c in title)[:200]
    return (
        "#!/bin/sh\n"
        f"# {safe}\n"
        f"# The credential comes from ${KEY_ENV} (or ${TOKEN_ENV} for a bearer token); reports show it as ***.\n"
        "# Run from anywhere: the body file is read relative to the report directory.\n"
        'cd "$(dirname "$0")/.." || exit 2\n'
        f"exec {curl(exchange, mode='env')}\n"
    )


def write_files(data: dict[str, Any], events: Iterable[Any], directory: str | Path) -> list[Path]:
    """Write what the report's repros need into ``directory/repro/``: every body file and one script per finding.

    ``data`` is the report model (its repros name the body files, its findings the scripts), ``events``
    the run's events, whose findings hold the bodies' bytes. A body the run did not keep whole
    (over 16 MiB) has no file, and its repro cannot be exact. Returns the files written.
    """
    from cognitive_conformance.conformance.events import FindingRaised

    wanted = {m.group(1) for f in data["findings"] for d in f["details"] for m in _BODY_FILE.finditer(d.get("repro") or "")}
    scripts: list[tuple[str, str]] = []
    for f in data["findings"]:
        exchange = f["details"][0].get("exchange") if f["details"] else None
        if exchange is not None and f.get("reproScript"):
            title = f"{f['check']}: {f['service']} {f['apiVersion']} {f['operationId'] or '-'}"
            scripts.append((f["reproScript"], script(exchange, title=title)))
    if not wanted and not scripts:
        return []
    root = Path(directory)
    (root / "repro").mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for e in events:
        exchange = e.finding.exchange if isinstance(e, FindingRaised) else None
        body = None if exchange is None else exchange.request_body
        if body is None or not body.complete or body.file not in wanted:
            continue
        path = root / body.file
        wanted.discard(body.file)
        path.write_bytes(body.data)
        written.append(path)
    for name, text in scripts:
        path = root / name
        path.write_text(text, encoding="utf-8")
        os.chmod(path, 0o755)
        written.append(path)
    return written
