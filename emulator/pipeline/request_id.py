"""Step 1: give every request an id and echo the client's correlation id.

Azure Cognitive Services responses carry ``apim-request-id``; Azure SDKs send
``x-ms-client-request-id`` and expect it echoed. Both are set on every response,
errors included.

Source: STYLE.md "Structuring the emulator" (request id is the pipeline's first step);
API-DIGEST §4 (cross-service headers).
"""

from __future__ import annotations

import re
import uuid
from typing import Mapping

__all__ = ["REQUEST_ID_HEADER", "CLIENT_REQUEST_ID_HEADER", "new_request_id", "stamp"]

REQUEST_ID_HEADER = "apim-request-id"
CLIENT_REQUEST_ID_HEADER = "x-ms-client-request-id"
_SAFE = re.compile(r"^[A-Za-z0-9._:-]{1,256}$")


def new_request_id() -> str:
    """A fresh uuid4 string."""
    return str(uuid.uuid4())


def stamp(headers: dict[str, str], request_id: str, request_headers: Mapping[str, str]) -> None:
    """Add ``apim-request-id`` and, when it is a plain token, echo ``x-ms-client-request-id``."""
    headers[REQUEST_ID_HEADER] = request_id
    client_id = request_headers.get(CLIENT_REQUEST_ID_HEADER)
    if client_id is not None and _SAFE.match(client_id):
        headers[CLIENT_REQUEST_ID_HEADER] = client_id
