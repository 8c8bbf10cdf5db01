"""Download a face image given by URL (Add Face from URL).

Only ``http``/``https`` URLs with a host are accepted (else 400 InvalidURL "Invalid image
URL."). The download goes through the emulator's safe fetch (``emulator.fetch``: public
addresses only unless ``--allow-fetch``, every redirect re-checked) with a deadline
(``Limits.image_fetch_timeout``, 5 s), and reads at most ``max_bytes + 1`` bytes, so an oversized
image is detected without buffering it; a refused destination, a network error or non-2xx answer is 400 InvalidURL with the download-error message of the Face error-code table (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes).

Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (AddPersonGroupPersonFaceFromUrl, JSON ``{url}``), https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes InvalidURL.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from cognitive_conformance.emulator.fetch import FetchFailed, FetchPolicy, FetchRefused, safe_get
from cognitive_conformance.emulator.services.face import errors

__all__ = ["DOWNLOAD_ERROR_MESSAGE", "fetch_image"]

DOWNLOAD_ERROR_MESSAGE = (
    'Invalid image URL or error downloading from target server. Remote server error returned: '
    '"An error occurred while sending the request."'
)


async def fetch_image(
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    policy: FetchPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> bytes:
    """Return up to ``max_bytes + 1`` bytes of the resource at ``url`` or raise 400 ``InvalidURL``.

    A URL the fetch policy refuses (``emulator.fetch``: loopback, private, link-local, metadata, after
    every redirect) is answered like one the service cannot download: nothing is sent there.
    ``policy`` is the emulator's (``EmulatorConfig.fetch_policy``); without one, the default policy.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        raise errors.invalid_url() from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise errors.invalid_url()
    try:
        fetched = await safe_get(url, policy=policy or FetchPolicy(), max_bytes=max_bytes, timeout=timeout, transport=transport)
    except (FetchRefused, FetchFailed):
        raise errors.invalid_url(DOWNLOAD_ERROR_MESSAGE) from None
    if not fetched.ok:
        raise errors.invalid_url(DOWNLOAD_ERROR_MESSAGE)
    return fetched.content
