"""Read training audio from Azure Blob Storage with the Blob REST API (works against Azurite or any look-alike).

``PersonalVoices_Create`` names its audio as an ``AzureBlobContentSource``: ``containerUrl`` (with a SAS
query that needs read and list permissions), ``prefix`` and ``extensions``. The files are
``{containerUrl}/{prefix}*{extension}``. This module:

1. lists the container with ``GET {container}?{sas}&restype=container&comp=list&prefix={prefix}``
   (the List Blobs XML ``EnumerationResults/Blobs/Blob/Name``, following ``NextMarker`` through ``marker=``);
2. keeps the names ending in one of the extensions (``.wav`` and ``*.wav`` mean the same, case-insensitive);
3. reads each with ``GET {container}/{name}?{sas}`` (Get Blob).

Every request goes through the emulator's safe fetch (``emulator.fetch``): a container on a
loopback, private, link-local or metadata address is refused unless ``--allow-fetch`` names it.

Any transport error, non-2xx answer, unparsable listing, oversize data or an empty selection raises
:class:`BlobSourceError`; the handler turns it into ``Failed`` with ``failureReason``
``InaccessibleCustomerStorage``. The SAS is never logged.

Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (AzureBlobContentSource: "Azure Blob Storage container URL with SAS. Need both read and
list permissions"; ModelFailureReason InaccessibleCustomerStorage); https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json; tests/reference/azure-examples/custom-voice/2026-01-01/create_personalvoice_with_multipart_form.json; Azure Storage
REST API "List Blobs" (``restype=container&comp=list``) and "Get Blob".
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from cognitive_conformance.emulator.fetch import FetchFailed, FetchPolicy, FetchRefused, safe_get

__all__ = ["BlobSourceError", "read_blob_audio", "matches_extensions"]

_MAX_PAGES = 50


class BlobSourceError(Exception):
    """The blob source could not be listed or read (the reason is for logs only)."""


def matches_extensions(name: str, extensions: list[str]) -> bool:
    """Whether ``name`` ends with one of ``extensions`` (``.wav``/``*.wav``/``wav``, case-insensitive)."""
    lowered = name.lower()
    for ext in extensions:
        suffix = ext.lower().lstrip("*")
        if not suffix.startswith("."):
            suffix = "." + suffix
        if lowered.endswith(suffix):
            return True
    return False


def _split(container_url: str) -> tuple[str, str]:
    parts = urlsplit(container_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BlobSourceError("containerUrl is not an http(s) URL")
    base = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
    return base, parts.query


def _with_query(url: str, sas: str, extra: dict[str, str]) -> str:
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in extra.items())
    joined = "&".join(q for q in (sas, query) if q)
    return f"{url}?{joined}" if joined else url


async def _get(url: str, limit: int, policy: FetchPolicy, timeout_s: float, transport: httpx.AsyncBaseTransport | None) -> bytes:
    try:
        fetched = await safe_get(
            url, policy=policy, max_bytes=max(limit, 0), timeout=timeout_s, transport=transport, headers={"x-ms-version": "2021-08-06"}
        )
    except FetchRefused as exc:
        raise BlobSourceError(f"refused: {exc}") from None
    except FetchFailed as exc:
        raise BlobSourceError(str(exc)) from None
    if not fetched.ok:
        raise BlobSourceError(f"HTTP {fetched.status_code}")
    if len(fetched.content) > limit:
        raise BlobSourceError("blob data over the limit")
    return fetched.content


def _parse_listing(xml: bytes) -> tuple[list[str], str | None]:
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise BlobSourceError("listing declares a DTD")
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        raise BlobSourceError("listing is not XML") from None
    if root.tag != "EnumerationResults":
        raise BlobSourceError("listing is not EnumerationResults")
    names = [el.text for el in root.findall("./Blobs/Blob/Name") if el.text]
    marker = root.findtext("NextMarker") or None
    return names, marker


async def read_blob_audio(
    source: dict[str, Any],
    *,
    timeout_s: float,
    max_total_bytes: int,
    policy: FetchPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[bytes]:
    """The bytes of every blob under ``source`` (sorted by name); raise :class:`BlobSourceError` otherwise."""
    policy = policy or FetchPolicy()  # the default policy when the caller names none
    base, sas = _split(str(source.get("containerUrl", "")))
    prefix = source.get("prefix") or ""
    extensions = list(source.get("extensions") or [])
    total = 0
    names: list[str] = []
    marker: str | None = None
    for _ in range(_MAX_PAGES):
        query = {"restype": "container", "comp": "list", "prefix": prefix}
        if marker:
            query["marker"] = marker
        page, marker = _parse_listing(await _get(_with_query(base, sas, query), 4 * 1024 * 1024, policy, timeout_s, transport))
        names.extend(n for n in page if n.startswith(prefix) and matches_extensions(n, extensions))
        if not marker:
            break
    if not names:
        raise BlobSourceError("no blob matches the prefix and extensions")
    blobs: list[bytes] = []
    for name in sorted(set(names)):
        data = await _get(_with_query(f"{base}/{quote(name)}", sas, {}), max_total_bytes - total, policy, timeout_s, transport)
        total += len(data)
        blobs.append(data)
    return blobs
