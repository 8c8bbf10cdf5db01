"""Download a face image given by URL (Add Face from URL).

Only ``http``/``https`` URLs with a host are accepted (else 400 InvalidURL "Invalid image
URL."). The download has a timeout (``Limits.image_fetch_timeout``, 5 s) and reads at most
``max_bytes + 1`` bytes, so an oversized image is detected without buffering it; a network
error or non-2xx answer is 400 InvalidURL with the download-error message of the Face error-code table (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes).

Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (AddPersonGroupPersonFaceFromUrl, JSON ``{url}``), https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes InvalidURL.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from cognitive_conformance.emulator.services.face import errors

__all__ = ["DOWNLOAD_ERROR_MESSAGE", "fetch_image"]

DOWNLOAD_ERROR_MESSAGE = (
    'Invalid image URL or error downloading from target server. Remote server error returned: '
    '"An error occurred while sending the request."'
)


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError:
        raise errors.invalid_url() from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise errors.invalid_url()


async def fetch_image(
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    transport: httpx.AsyncBaseTransport | None = None,
) -> bytes:
    """Return up to ``max_bytes + 1`` bytes of the resource at ``url`` or raise 400 ``InvalidURL``."""
    _check_url(url)
    buffer = bytearray()
    try:
        async with httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=True, trust_env=False) as client:
            async with client.stream("GET", url) as response:
                if not 200 <= response.status_code < 300:
                    raise errors.invalid_url(DOWNLOAD_ERROR_MESSAGE)
                async for chunk in response.aiter_bytes():
                    buffer.extend(chunk)
                    if len(buffer) > max_bytes:
                        break
    except httpx.HTTPError:
        raise errors.invalid_url(DOWNLOAD_ERROR_MESSAGE) from None
    except (ValueError, UnicodeError):
        raise errors.invalid_url() from None
    return bytes(buffer[: max_bytes + 1])
