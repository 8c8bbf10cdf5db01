"""Step 1: give every request an id and echo the client's correlation id.

Azure Cognitive Services responses carry ``apim-request-id``; Azure SDKs send
``x-ms-client-request-id`` and expect it echoed. Both are set on every response,
errors included.

Source: ARCHITECTURE.md "The emulator" (request id is the pipeline's first step);
https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json, https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json, https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (response headers).
"""

from __future__ import annotations

import re
from random import getrandbits
from typing import Mapping

__all__ = ["REQUEST_ID_HEADER", "CLIENT_REQUEST_ID_HEADER", "new_request_id", "stamp"]

REQUEST_ID_HEADER = "apim-request-id"
CLIENT_REQUEST_ID_HEADER = "x-ms-client-request-id"
_SAFE = re.compile(r"^[A-Za-z0-9._:-]{1,256}$")


_VERSION_4 = 4 << 76
_VERSION_MASK = ~(0xF000 << 64)
_VARIANT_RFC4122 = 0x8000 << 48
_VARIANT_MASK = ~(0xC000 << 48)


def new_request_id() -> str:
    """A fresh random uuid4 string (the text ``str(uuid.uuid4())`` has).

    Drawn from :func:`random.getrandbits`, about five times cheaper than ``uuid.uuid4()``'s
    ``os.urandom``: an id only has to be unique, not unguessable (``random`` reseeds in a forked child).
    """
    n = (getrandbits(128) & _VERSION_MASK & _VARIANT_MASK) | _VERSION_4 | _VARIANT_RFC4122
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def stamp(headers: dict[str, str], request_id: str, request_headers: Mapping[str, str]) -> None:
    """Add ``apim-request-id`` and, when it is a plain token, echo ``x-ms-client-request-id``."""
    headers[REQUEST_ID_HEADER] = request_id
    client_id = request_headers.get(CLIENT_REQUEST_ID_HEADER)
    if client_id is not None and _SAFE.match(client_id):
        headers[CLIENT_REQUEST_ID_HEADER] = client_id
