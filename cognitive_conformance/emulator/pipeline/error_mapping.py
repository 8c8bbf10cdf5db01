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


def error_reply(error: ApiError, envelope: ErrorEnvelope | None) -> Reply:
    """The documented error response for ``error`` in the given envelope (default: Azure's)."""
    body, headers = (envelope or errors.azure_envelope)(error)
    return Reply(status=error.status, json=body, headers=dict(headers), error=error)


def internal_error_reply(envelope: ErrorEnvelope | None) -> Reply:
    """A JSON 500 that never includes the exception's text."""
    return error_reply(errors.internal_error(), envelope)


def render(reply: Reply) -> Response:
    """Serialise a reply: compact JSON (``application/json; charset=utf-8``), raw bytes, or an empty body."""
    headers = dict(reply.headers)
    if reply.content is not None:
        return Response(reply.content, status_code=reply.status, headers=headers, media_type=reply.media_type)
    if reply.json is NO_BODY:
        return Response(b"", status_code=reply.status, headers=headers)
    payload = json.dumps(reply.json, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(payload, status_code=reply.status, headers=headers, media_type="application/json; charset=utf-8")
