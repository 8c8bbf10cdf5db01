"""Run the emulator with uvicorn: in the foreground (:func:`serve`) or in a thread (:func:`running`).

Both bind the listening socket themselves before uvicorn starts, so ``port=0`` picks a free
port and the real address is known (and connectable) before any request is sent.
:func:`running` is the tests' fixture: it yields the base URL and stops the server cleanly.

Source: ARCHITECTURE.md (e2e: uvicorn on a free port in a thread); httpx ``tests/conftest.py`` (pattern).
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from contextlib import contextmanager
from types import FrameType
from typing import Any, Callable, Iterator

import uvicorn

from cognitive_conformance.emulator.app import create_app
from cognitive_conformance.emulator.config import EmulatorConfig

__all__ = ["bind_socket", "serve", "running"]


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``port=0``: a free port).

    The protocol is given as ``IPPROTO_TCP`` explicitly: asyncio only sets ``TCP_NODELAY`` on
    accepted connections whose socket says so, and without it Nagle's algorithm holds the
    response body behind the headers until the client's delayed ACK (about 40 ms a request).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _url(host: str, port: int, *, tls: bool = False) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{'https' if tls else 'http'}://{shown}:{port}"


def _server(config: EmulatorConfig, ssl_certfile: str | None = None, ssl_keyfile: str | None = None) -> uvicorn.Server:
    uv_config = uvicorn.Config(
        create_app(config),
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )
    return uvicorn.Server(uv_config)


def serve(
    config: EmulatorConfig,
    host: str = "127.0.0.1",
    port: int = 5000,
    *,
    on_ready: Callable[[str], None] | None = None,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
) -> None:
    """Serve in the current thread until SIGINT/SIGTERM (main thread), then return normally.

    ``on_ready(base_url)`` is called once the socket is listening, before serving. A signal that
    arrives before uvicorn installs its own handlers (or that uvicorn re-raises after its graceful
    shutdown) only asks the server to exit, so a stop request is never lost and never kills the process.
    With ``ssl_certfile``/``ssl_keyfile`` (PEM) it serves HTTPS and announces an ``https://`` URL.
    """
    sock = bind_socket(host, port)
    server = _server(config, ssl_certfile, ssl_keyfile)

    def request_exit(signum: int, frame: FrameType | None) -> None:
        server.should_exit = True

    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        previous = {sig: signal.signal(sig, request_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if on_ready is not None:
            on_ready(_url(host, sock.getsockname()[1], tls=ssl_certfile is not None))
        server.run(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()


@contextmanager
def running(config: EmulatorConfig | None = None, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run the emulator in a background thread; yield its base URL; stop it on exit."""
    config = config or EmulatorConfig()
    sock = bind_socket(host, port)
    server = _server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="emulator-uvicorn", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the emulator server thread exited during startup")
            if time.monotonic() > deadline:
                raise RuntimeError("the emulator server did not start within 10 s")
            time.sleep(0.005)
        yield _url(host, sock.getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
