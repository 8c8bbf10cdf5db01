"""PersonalVoices_Create reads its audio from blob storage over the Blob REST API: a fake Blob server on loopback.

The fake speaks List Blobs (``GET /{container}?restype=container&comp=list&prefix=&marker=``, EnumerationResults
XML with NextMarker paging) and Get Blob (``GET /{container}/{name}``), and checks the SAS query is passed on.
Source: seed 004 (AzureBlobContentSource; InaccessibleCustomerStorage); API-DIGEST §3.4; Azure Storage REST API.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Iterator
from xml.sax.saxutils import escape

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, running
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize

H = {"Ocp-Apim-Subscription-Key": DEFAULT_KEY}
V = {"api-version": "2026-01-01"}
SAS = "sv=2023-01-03&sig=abc"


def _blob_app(blobs: dict[str, bytes], seen: list[str]) -> Starlette:
    async def container(request: Request) -> Response:
        seen.append(str(request.url))
        if request.query_params.get("sig") != "abc":
            return Response(b"<Error><Code>AuthenticationFailed</Code></Error>", 403, media_type="application/xml")
        if request.query_params.get("restype") != "container" or request.query_params.get("comp") != "list":
            return Response(b"", 400)
        prefix = request.query_params.get("prefix", "")
        names = sorted(n for n in blobs if n.startswith(prefix))
        start = int(request.query_params.get("marker") or 0)
        page, more = names[start : start + 2], start + 2 < len(names)
        items = "".join(f"<Blob><Name>{escape(n)}</Name><Properties/></Blob>" for n in page)
        xml = f'<?xml version="1.0" encoding="utf-8"?><EnumerationResults ContainerName="voices"><Blobs>{items}</Blobs>'
        xml += f"<NextMarker>{start + 2}</NextMarker>" if more else "<NextMarker/>"
        return Response((xml + "</EnumerationResults>").encode(), media_type="application/xml")

    async def blob(request: Request) -> Response:
        seen.append(str(request.url))
        name = request.path_params["name"]
        if request.query_params.get("sig") != "abc" or name not in blobs:
            return Response(b"", 404)
        return Response(blobs[name], media_type="audio/wav")

    return Starlette(routes=[Route("/voices", container), Route("/voices/{name:path}", blob)])


@pytest.fixture(scope="module")
def blob_server() -> Iterator[tuple[str, dict[str, bytes], list[str]]]:
    blobs: dict[str, bytes] = {}
    seen: list[str] = []
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(_blob_app(blobs, seen), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", blobs, seen
    server.should_exit = True
    thread.join(5)


def _setup(client: httpx.Client, consent_speaker: int) -> None:
    assert client.put("/customvoice/projects/blobproj", params=V, json={"kind": "PersonalVoice"}).status_code == 201
    audio = synthesize(speaker=SPEAKERS[consent_speaker], duration_s=2.0, seed=7)
    form = {"projectId": "blobproj", "voiceTalentName": "J", "companyName": "C", "locale": "en-US"}
    r = client.post("/customvoice/consents/blobconsent", params=V, data=form, files={"audiodata": ("c.wav", audio, "audio/wav")})
    assert r.status_code == 201
    _wait(client, "/customvoice/consents/blobconsent")


def _wait(client: httpx.Client, path: str) -> dict:
    for _ in range(100):
        body = client.get(path, params=V).json()
        if body["status"] in ("Succeeded", "Failed"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"{path} never finished")


def _create(client: httpx.Client, vid: str, container_url: str, prefix: str = "jessica/") -> dict:
    body = {"projectId": "blobproj", "consentId": "blobconsent",
            "audios": {"containerUrl": container_url, "prefix": prefix, "extensions": [".wav"]}}
    r = client.put(f"/customvoice/personalvoices/{vid}", params=V, json=body)
    assert r.status_code == 201, r.text
    assert "sig=" not in r.text  # the SAS is not echoed
    return _wait(client, f"/customvoice/personalvoices/{vid}")


def test_blob_source_lists_pages_reads_and_trains(blob_server) -> None:
    url, blobs, seen = blob_server
    for i in range(3):
        blobs[f"jessica/{i}.wav"] = synthesize(speaker=SPEAKERS[1], duration_s=1.0, seed=20 + i)
    blobs["jessica/notes.txt"] = b"not audio"
    blobs["other/x.wav"] = b"RIFF"
    with running(EmulatorConfig(training_seconds=0.2, allow_fetch=("127.0.0.1",))) as base, httpx.Client(base_url=base, headers=H) as client:
        _setup(client, consent_speaker=1)
        body = _create(client, "blobvoice", f"{url}/voices?{SAS}")
        assert body["status"] == "Succeeded", body
        assert body["audios"] == {"containerUrl": f"{url}/voices", "prefix": "jessica/", "extensions": [".wav"]}
        lists = [u for u in seen if "comp=list" in u]
        assert len(lists) >= 2 and any("marker=2" in u for u in lists)  # NextMarker followed
        reads = {u.split("?")[0].rsplit("/", 1)[-1] for u in seen if "/voices/" in u}
        assert reads == {"0.wav", "1.wav", "2.wav"}  # only the prefix and extension matched
        # Another speaker's blobs: speaker verification fails.
        blobs["tenor/0.wav"] = synthesize(speaker=SPEAKERS[4], duration_s=2.0, seed=30)
        other = _create(client, "blobvoice2", f"{url}/voices?{SAS}", prefix="tenor/")
        assert other["status"] == "Failed" and other["properties"] == {"failureReason": "SpeakerVerificationFailed"}


@pytest.mark.parametrize(
    "container",
    ["{url}/voices?sv=2023-01-03&sig=wrong", "http://127.0.0.1:9/voices?" + SAS, "{url}/voices?" + SAS + "#empty"],
)
def test_unreadable_blob_source_fails_inaccessible_customer_storage(blob_server, container: str) -> None:
    url, blobs, _ = blob_server
    container_url = container.format(url=url).replace("#empty", "")
    prefix = "nothing-here/" if container.endswith("#empty") else "jessica/"
    with running(EmulatorConfig(training_seconds=0.2, allow_fetch=("127.0.0.1",))) as base, httpx.Client(base_url=base, headers=H) as client:
        _setup(client, consent_speaker=1)
        body = _create(client, "blobfail", container_url, prefix=prefix)
        assert body["status"] == "Failed"
        assert body["properties"] == {"failureReason": "InaccessibleCustomerStorage"}
