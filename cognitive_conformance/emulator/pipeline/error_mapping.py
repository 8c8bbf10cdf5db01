"""Step 7: turn errors into replies and replies into Starlette responses.

* ``ApiError`` -> the service's envelope (Face: ``{"error": {"code", "message"}}`` +
  ``x-ms-error-code``); requests outside every service get the same Azure envelope.
* any other exception -> a JSON 500 envelope that says nothing about the exception
  (no traceback, no exception text, no secrets).
* a :class:`~emulator.routing.Reply` -> a ``Response`` (JSON, raw bytes, or empty body).

Source: :mod:`emulator.errors` (envelope and header). A client never gets a 500 traceback or
Starlette's default HTML/plain-text error.
"""

from __future__ import annotations

import json

from starlette.responses import Response

from cognitive_conformance.emulator import errors
from cognitive_conformance.emulator.errors import ApiError, ErrorEnvelope
from cognitive_conformance.emulator.routing import NO_BODY, Reply

__all__ = ["error_reply", "internal_error_reply", "render"]

_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""One encoder for every reply (``json.dumps`` with options builds a new one per call)."""


def error_reply(error: ApiError, envelope: ErrorEnvelope | None) -> Reply:
    """The documented error response for ``error`` in the given envelope (default: Azure's)."""
    body, headers = (envelope or errors.azure_envelope)(error)
    return Reply(status=error.status, json=body, headers=dict(headers), error=error)


def internal_error_reply(envelope: ErrorEnvelope | None) -> Reply:
    """A JSON 500 that never includes the exception's text."""
    return error_reply(errors.internal_error(), envelope)


def render(reply: Reply) -> Response:
    """Serialise a reply: compact JSON (``application/json; charset=utf-8``), raw bytes, or an empty body."""
    if reply.content is not None:
        return _Rendered(reply.content, reply.status, reply.headers, reply.media_type)
    if reply.json is NO_BODY:
        return _Rendered(b"", reply.status, reply.headers, None)
    return _Rendered(_JSON.encode(reply.json).encode("utf-8"), reply.status, reply.headers, "application/json; charset=utf-8")


class _Rendered(Response):
    """A Starlette ``Response`` whose headers are built in one pass, with Starlette's rules.

    Starlette's own constructor takes four calls per response (``render``, ``init_headers`` and its
    comprehension); this is the same result in one: the reply's headers lower-cased, then
    ``content-length`` unless given or the status has no body (1xx, 204, 304), then ``content-type``
    unless given (``; charset=utf-8`` added to a ``text/`` type without one).
    """

    def __init__(self, body: bytes, status: int, headers: dict[str, str], media_type: str | None) -> None:
        self.status_code = status
        self.background = None
        self.body = body if isinstance(body, bytes) else Response.render(self, body)
        if media_type is not None:
            self.media_type = media_type
        raw: list[tuple[bytes, bytes]] = []
        has_length = has_type = False
        for name, value in headers.items():
            lowered = name.lower()
            if lowered == "content-length":
                has_length = True
            elif lowered == "content-type":
                has_type = True
            raw.append((lowered.encode("latin-1"), value.encode("latin-1")))
        if not has_length and not (status < 200 or status in (204, 304)):
            raw.append((b"content-length", str(len(self.body)).encode("latin-1")))
        if media_type is not None and not has_type:
            if media_type.startswith("text/") and "charset=" not in media_type.lower():
                media_type += "; charset=" + self.charset
            raw.append((b"content-type", media_type.encode("latin-1")))
        self.raw_headers = raw
