"""A hostile target for tests (not part of the product): a raw asyncio HTTP/1.1 server on loopback.

It answers the preflight's probe reads (``GET …/persongroups?top=1``, with and without the key)
as the embedded emulator does, by forwarding them to a real emulator, so that a run gets past
the preflight; every other request meets the mode's misbehaviour:

* ``hang``: accepts and never answers (also the probes);
* ``reset``: the connection is reset (RST) after the request is read;
* ``invalid-json``: ``200`` with ``Content-Type: application/json`` and a body that is not JSON;
* ``huge``: ``200`` JSON with a 50 MB body;
* ``running``: everything forwarded to the emulator, but every training/operation status reads
  ``running`` for ever;
* ``redirect``: ``301``/``302``/``307`` (in turn) to the same path on another loopback server
  (:class:`Recorder`), which records any request that reaches it;
* ``html``: an HTML page for everything (also the probes).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlsplit

import httpx

MODES = ("hang", "reset", "invalid-json", "huge", "running", "redirect", "html")
HUGE_BYTES = 50 * 1024 * 1024
_CHUNK = b'{"items": [' + b'"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", ' * 14000


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str, dict[str, str], bytes] | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    body = b""
    if headers.get("content-length"):
        body = await reader.readexactly(int(headers["content-length"]))
    return method, target, headers, body


def _head(status: int, headers: dict[str, str], length: int) -> bytes:
    lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in headers.items()]
    lines += [f"Content-Length: {length}", "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1")


class _Server:
    """A loopback asyncio server in a thread; ``handle(method, target, headers, body, writer)``."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self.requests: list[tuple[str, str]] = []
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def start() -> None:
            self._server = await asyncio.start_server(self._client, "127.0.0.1", 0, limit=1 << 20)
            self.port = self._server.sockets[0].getsockname()[1]
            self._ready.set()

        self.loop.run_until_complete(start())
        self.loop.run_forever()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await _read_request(reader)
            if request is not None:
                self.requests.append((request[0], request[1]))
                await self.handle(*request, writer)
        except (ConnectionError, asyncio.CancelledError, OSError):
            pass
        finally:
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - a reset socket
                pass

    async def handle(self, method, target, headers, body, writer) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def start(self) -> "_Server":
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        async def close() -> None:
            self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Recorder(_Server):
    """The other host of the redirects: records every request that reaches it, answers 200 {}."""

    async def handle(self, method, target, headers, body, writer) -> None:
        writer.write(_head(200, {"Content-Type": "application/json"}, 2) + b"{}")
        await writer.drain()


class Hostile(_Server):
    def __init__(self, mode: str, emulator_url: str, elsewhere: str | None = None) -> None:
        super().__init__()
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}")
        self.mode = mode
        self.emulator_url = emulator_url
        self.elsewhere = elsewhere
        self._redirects = itertools.cycle((301, 302, 307))
        self.probes = 0
        self._upstream: httpx.AsyncClient | None = None

    @staticmethod
    def _is_probe(method: str, target: str) -> bool:
        parts = urlsplit(target)
        return method == "GET" and parts.path.endswith("/persongroups") and dict(parse_qsl(parts.query)) == {"top": "1"}

    async def _forward(self, method, target, headers, body) -> tuple[int, dict[str, str], bytes]:
        drop = {"host", "content-length", "connection", "accept-encoding"}
        if self._upstream is None:  # one client, in the server's loop: connections to the emulator are reused
            self._upstream = httpx.AsyncClient(base_url=self.emulator_url, timeout=30)
        response = await self._upstream.request(
            method, target, headers={k: v for k, v in headers.items() if k not in drop}, content=body
        )
        keep = {k: v for k, v in response.headers.items() if k.lower() not in {"content-length", "connection", "content-encoding", "transfer-encoding"}}
        return response.status_code, keep, response.content

    async def handle(self, method, target, headers, body, writer) -> None:
        if self.mode == "hang":
            await asyncio.sleep(3600)
            return
        if self.mode == "html":
            page = b"<html><body>Welcome to nginx!</body></html>"
            writer.write(_head(200, {"Content-Type": "text/html"}, len(page)) + page)
            await writer.drain()
            return
        if self.mode != "running" and self._is_probe(method, target):
            self.probes += 1
            status, out_headers, content = await self._forward(method, target, headers, body)
            writer.write(_head(status, out_headers, len(content)) + content)
            await writer.drain()
            return
        if self.mode == "reset":
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return
        if self.mode == "invalid-json":
            junk = b'{"personGroupId": "a", "name": <not json>'
            writer.write(_head(200, {"Content-Type": "application/json; charset=utf-8"}, len(junk)) + junk)
            await writer.drain()
            return
        if self.mode == "huge":
            writer.write(_head(200, {"Content-Type": "application/json"}, HUGE_BYTES))
            sent = 0
            while sent < HUGE_BYTES:
                piece = _CHUNK[: HUGE_BYTES - sent]
                writer.write(piece)
                sent += len(piece)
                await writer.drain()
            return
        if self.mode == "redirect":
            status = next(self._redirects)
            location = f"{self.elsewhere}{target}"
            writer.write(_head(status, {"Location": location, "Content-Type": "text/plain"}, 0))
            await writer.drain()
            return
        # running: the emulator's answer, every status frozen at "running"
        status, out_headers, content = await self._forward(method, target, headers, body)
        if method == "GET" and ("/training" in target or "/operations/" in target):
            try:
                data = json.loads(content)
            except ValueError:
                data = None
            if isinstance(data, dict) and "status" in data:
                data["status"] = "running"
                content = json.dumps(data).encode()
        writer.write(_head(status, out_headers, len(content)) + content)
        await writer.drain()


@contextmanager
def hostile(mode: str, emulator_url: str) -> Iterator[tuple[Hostile, Recorder]]:
    """A hostile server in ``mode`` in front of ``emulator_url``, and the recorder of the other host."""
    recorder = Recorder().start()
    server = Hostile(mode, emulator_url, elsewhere=recorder.url).start()
    try:
        yield server, recorder
    finally:
        server.stop()
        recorder.stop()
