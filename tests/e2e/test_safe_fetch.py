"""The emulator's URL fetches (emulator/fetch.py) against local servers: refused by default, allowed by --allow-fetch,
every redirect re-checked, size and time capped.

Two loopback servers: ``origin`` on 127.0.0.1 serves an image, audio, redirects, an endless body and a slow
answer; ``inside`` on 127.0.0.2 stands for an address the policy refuses and records every request that
reaches it (a refused fetch must send nothing there).
"""

from __future__ import annotations

import asyncio
import http.server
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, running
from cognitive_conformance.emulator.config import Limits
from cognitive_conformance.emulator.fetch import FetchPolicy, FetchRefused, safe_get
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize
from tests.conftest import face_image_bytes

H = {"Ocp-Apim-Subscription-Key": DEFAULT_KEY}
IMAGE = face_image_bytes()
AUDIO = synthesize(speaker=SPEAKERS[0], duration_s=2.0, seed=1)


class _Server:
    def __init__(self, host: str) -> None:
        seen: list[str] = []
        self.seen = seen
        server_self = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                seen.append(self.path)
                path = self.path.split("?", 1)[0]
                if path == "/face.png":
                    self._send(200, IMAGE, "image/png")
                elif path == "/consent.wav":
                    self._send(200, AUDIO, "audio/wav")
                elif path.startswith("/to/"):  # /to/<absolute URL, with :// as :/>
                    target = self.path[len("/to/") :].replace(":/", "://", 1)
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif path == "/loop":
                    self.send_response(307)
                    self.send_header("Location", "/loop")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif path == "/endless":
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.end_headers()
                    try:
                        while not server_self.stopping:
                            self.wfile.write(b"\x89PNG" + b"x" * 65536)
                    except OSError:
                        pass
                elif path == "/slow":
                    time.sleep(3)
                    self._send(200, IMAGE, "image/png")
                else:
                    self._send(404, b"", "text/plain")

            def _send(self, status: int, body: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.stopping = False
        self.httpd = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.stopping = True
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[_Server, _Server]]:
    origin, inside = _Server("127.0.0.1"), _Server("127.0.0.2")
    try:
        yield origin, inside
    finally:
        origin.close()
        inside.close()


def _add_face(base: str, url: str) -> httpx.Response:
    with httpx.Client(base_url=base, headers=H, timeout=30) as client:
        group = "/face/v1.2/persongroups/fetchgroup"
        if client.get(group).status_code == 404:
            assert client.put(group, json={"name": "g"}).status_code == 200
            assert client.post(f"{group}/persons", json={"name": "p"}).status_code == 200
        person = client.get(f"{group}/persons").json()[0]["personId"]
        return client.post(f"{group}/persons/{person}/persistedfaces", json={"url": url})


def _invalid_url(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "InvalidURL"
    assert error["message"].startswith("Invalid image URL or error downloading from target server")


def test_loopback_is_refused_by_default_and_nothing_is_sent(servers) -> None:
    origin, _ = servers
    before = len(origin.seen)
    with running(EmulatorConfig()) as base:
        for url in (f"{origin.url}/face.png", origin.url.replace("127.0.0.1", "localhost") + "/face.png",
                    origin.url.replace("127.0.0.1", "[::ffff:127.0.0.1]") + "/face.png"):
            _invalid_url(_add_face(base, url))
    assert len(origin.seen) == before


def test_allow_fetch_lets_a_listed_address_through(servers) -> None:
    origin, _ = servers
    with running(EmulatorConfig(allow_fetch=("127.0.0.1/32",))) as base:
        response = _add_face(base, f"{origin.url}/face.png")
        assert response.status_code == 200, response.text
        # A redirect chain inside the allowed network is followed.
        assert _add_face(base, f"{origin.url}/to/{origin.url.replace('://', ':/')}/face.png").status_code == 200


def test_a_redirect_to_a_refused_address_is_refused_before_it_is_sent(servers) -> None:
    origin, inside = servers
    with running(EmulatorConfig(allow_fetch=("127.0.0.1",))) as base:
        for target in (f"{inside.url}/face.png", "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://10.0.0.1/"):
            before = len(origin.seen)
            _invalid_url(_add_face(base, f"{origin.url}/to/{target.replace('://', ':/')}"))
            assert len(origin.seen) == before + 1  # the first hop was fetched, its redirect was not
    assert inside.seen == []


def test_redirects_are_capped(servers) -> None:
    origin, _ = servers
    with running(EmulatorConfig(allow_fetch=("127.0.0.1",))) as base:
        before = len(origin.seen)
        _invalid_url(_add_face(base, f"{origin.url}/loop"))
        assert len(origin.seen) - before == FetchPolicy().max_redirects + 1


def test_size_and_time_are_capped(servers) -> None:
    origin, _ = servers
    limits = Limits(max_image_bytes=50_000, image_fetch_timeout=0.5)
    with running(EmulatorConfig(allow_fetch=("127.0.0.1",), limits=limits)) as base:
        big = _add_face(base, f"{origin.url}/endless")  # an endless body: read to the cap, then judged too big
        assert big.status_code == 400 and big.json()["error"]["code"] == "InvalidImageSize", big.text
        started = time.monotonic()
        _invalid_url(_add_face(base, f"{origin.url}/slow"))
        assert time.monotonic() - started < 2.5


def test_consent_audio_url_follows_the_same_policy(servers) -> None:
    origin, _ = servers
    url = f"{origin.url}/consent.wav"
    for allow, status in (((), "Failed"), (("127.0.0.1",), "Succeeded")):
        before = len(origin.seen)
        with running(EmulatorConfig(training_seconds=0.1, allow_fetch=allow)) as base, httpx.Client(base_url=base, headers=H, params={"api-version": "2024-02-01-preview"}) as client:
            assert client.put("/customvoice/projects/proj", json={"kind": "PersonalVoice"}).status_code == 201
            body = {"projectId": "proj", "voiceTalentName": "J", "companyName": "C", "locale": "en-US", "audioUrl": url}
            assert client.put("/customvoice/consents/cons", json=body).status_code == 201
            time.sleep(0.3)
            consent = client.get("/customvoice/consents/cons").json()
        assert consent["status"] == status, consent
        assert len(origin.seen) - before == (0 if not allow else 1)


def test_pinned_connection_and_metadata_names() -> None:
    asyncio.run(_pinned_connection_and_metadata_names())


async def _pinned_connection_and_metadata_names() -> None:
    policy = FetchPolicy.from_allow(("127.0.0.0/8",))
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"ok")

    fetched = await safe_get("http://localhost:8123/a?b=1", policy=policy, max_bytes=10, timeout=2, transport=httpx.MockTransport(handler))
    assert fetched.ok and fetched.content == b"ok"
    # The connection goes to the address that was checked, not to a second DNS answer.
    assert seen[0].url.host in ("127.0.0.1", "::1") and seen[0].headers["host"] == "localhost:8123"
    for url in ("http://metadata.google.internal/computeMetadata/v1/", "http://169.254.169.254/", "file:///etc/passwd"):
        with pytest.raises(FetchRefused):
            await safe_get(url, policy=policy, max_bytes=10, timeout=2, transport=httpx.MockTransport(handler))
    assert len(seen) == 1
