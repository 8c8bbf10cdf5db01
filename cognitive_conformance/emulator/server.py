"""Run the emulator with uvicorn: in the foreground (:func:`serve`) or in a thread (:func:`running`).

Both bind the listening socket themselves before uvicorn starts, so ``port=0`` picks a free
port and the real address is known (and connectable) before any request is sent.
:func:`running` is the tests' fixture: it yields the base URL and stops the server cleanly.

``serve(..., workers=N)`` with N > 1 runs N uvicorn servers in spawned worker processes that
accept on the one socket bound here and share the state of the config's
:class:`~emulator.store.SqliteStore` (``--data-dir``; without one, N > 1 is a ``ValueError``:
each process would have a memory of its own). Each worker receives the config by pickle
(the store reconnects in the worker), builds its app with :func:`create_app`, and stops when
this process ends, even by ``kill -9``. A worker that dies is replaced; one that exits by itself
before it ever served stops the whole server (a broken certificate would fail every replacement too).
uvicorn's own ``workers=`` is not used: it needs an import string, binds the socket itself
(so ``port=0`` could not be announced) and leaves its workers serving when the parent is killed.

Source: ARCHITECTURE.md (e2e: uvicorn on a free port in a thread); httpx ``tests/conftest.py`` (pattern);
https://docs.python.org/3/library/multiprocessing.html (spawn start method; sockets are passed to children
with ``allow_connection_pickling``).
"""

from __future__ import annotations

import multiprocessing
import os
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
from cognitive_conformance.emulator.store import SqliteStore

__all__ = ["bind_socket", "serve", "running", "WORKER_STARTUP_S"]

WORKER_STARTUP_S = 30.0
"""How long a worker process may take to start serving before the server gives up."""


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
    workers: int = 1,
) -> None:
    """Serve in the current thread until SIGINT/SIGTERM (main thread), then return normally.

    ``on_ready(base_url)`` is called once the socket is listening, before serving. A signal that
    arrives before uvicorn installs its own handlers (or that uvicorn re-raises after its graceful
    shutdown) only asks the server to exit, so a stop request is never lost and never kills the process.
    With ``ssl_certfile``/``ssl_keyfile`` (PEM) it serves HTTPS and announces an ``https://`` URL.
    With ``workers`` > 1 the servers run in that many worker processes (the config's store must be a
    :class:`SqliteStore`); a worker that could never serve raises ``RuntimeError`` after the others stopped.
    """
    if workers < 1:
        raise ValueError("workers must be >= 1")
    if workers > 1 and not isinstance(config.store, SqliteStore):
        raise ValueError("--workers > 1 needs --data-dir: worker processes share their state only through a data dir")
    if workers > 1:
        _server(config, ssl_certfile, ssl_keyfile).config.load()  # a bad certificate fails here as with one process, not in each worker
    sock = bind_socket(host, port)
    if workers > 1:
        try:
            if on_ready is not None:
                on_ready(_url(host, sock.getsockname()[1], tls=ssl_certfile is not None))
            _supervise(config, sock, workers, ssl_certfile, ssl_keyfile)
        finally:
            sock.close()
        return
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


def _worker(
    config: EmulatorConfig,
    sock: socket.socket,
    ssl_certfile: str | None,
    ssl_keyfile: str | None,
    parent: int,
    ready: Any,
) -> None:
    """A worker process: one uvicorn server on the inherited socket until SIGTERM or its parent is gone."""
    server = _server(config, ssl_certfile, ssl_keyfile)

    def watch() -> None:
        while not server.should_exit:
            if server.started and not ready.is_set():
                ready.set()
            if os.getppid() != parent:  # the supervisor died (kill -9): stop serving, never orphaned
                server.should_exit = True
                time.sleep(5)
                os._exit(0)
            time.sleep(0.05 if not ready.is_set() else 0.25)

    threading.Thread(target=watch, name="emulator-worker-watch", daemon=True).start()
    server.run(sockets=[sock])


def _supervise(config: EmulatorConfig, sock: socket.socket, workers: int, ssl_certfile: str | None, ssl_keyfile: str | None) -> None:
    """Run ``workers`` worker processes until SIGINT/SIGTERM; replace any that dies after it served."""
    multiprocessing.allow_connection_pickling()
    spawn = multiprocessing.get_context("spawn")
    stop = threading.Event()

    def start() -> tuple[Any, Any, float]:
        ready = spawn.Event()
        process = spawn.Process(
            target=_worker,
            args=(config, sock, ssl_certfile, ssl_keyfile, os.getpid(), ready),
            name="emulator-worker",
            daemon=True,
        )
        process.start()
        return process, ready, time.monotonic()

    def request_exit(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        previous = {sig: signal.signal(sig, request_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
    pool = [start() for _ in range(workers)]
    failure: str | None = None
    try:
        while not stop.wait(0.2):
            for index, (process, ready, begun) in enumerate(pool):
                if process.is_alive():
                    if not ready.is_set() and time.monotonic() - begun > WORKER_STARTUP_S:
                        failure = f"a worker process did not start serving within {WORKER_STARTUP_S:.0f} s"
                    continue
                if stop.is_set():  # Ctrl-C reaches the whole process group: the workers end first
                    break
                if not ready.is_set() and (process.exitcode or 0) >= 0:  # it exited by itself: broken set-up, not a kill
                    failure = f"a worker process exited with code {process.exitcode} before it served"
                    break
                pool[index] = start()
            if failure is not None:
                break
    finally:
        for process, _, _ in pool:
            if process.is_alive():
                process.terminate()
        for process, _, _ in pool:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failure is not None:
        raise RuntimeError(failure)
