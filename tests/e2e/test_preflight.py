"""Preflight over real HTTP: a wrong target or key fails within seconds, with the reason, exit 3.

The CLI runs in a subprocess as a user runs it (through the installed console script).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cognitive_conformance.emulator.config import EmulatorConfig
from cognitive_conformance.emulator.server import running

pytestmark = pytest.mark.e2e
KEY = "pr3f1i9h7k3y00000000000000000001"


def _conformance(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    exe = Path(sys.executable).with_name("conformance")
    assert exe.exists(), f"the console script is not installed next to {sys.executable}"
    t0 = time.monotonic()
    proc = subprocess.run([exe, *args], capture_output=True, text=True, timeout=60)
    return proc, time.monotonic() - t0


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = b"<html><body>Welcome to nginx!</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def html_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_wrong_key_fails_fast_with_exit_3(tmp_path: Path) -> None:
    with running(EmulatorConfig(keys=(KEY,))) as url:
        proc, took = _conformance("run", "--target", url, "--key", "not-the-key", "--report-dir", str(tmp_path))
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "the key is refused" in proc.stdout + proc.stderr
    assert took < 10
    assert "not-the-key" not in (tmp_path / "conformance.json").read_text()


def test_a_web_page_is_not_the_api(tmp_path: Path, html_site: str) -> None:
    proc, took = _conformance("run", "--target", html_site, "--key", KEY, "--report-dir", str(tmp_path))
    assert proc.returncode == 3 and "not the API" in proc.stdout + proc.stderr and took < 10


def test_a_url_with_a_path_is_refused_with_the_endpoint_to_use(tmp_path: Path) -> None:
    with running(EmulatorConfig(keys=(KEY,))) as url:
        proc, took = _conformance("run", "--target", f"{url}/face/v1.2", "--key", KEY, "--report-dir", str(tmp_path))
    assert proc.returncode == 2 and f"give the resource endpoint only: {url}" in proc.stderr and took < 10


def test_an_unreachable_port_fails_fast(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc, took = _conformance("run", "--target", f"http://127.0.0.1:{port}", "--key", KEY, "--report-dir", str(tmp_path))
    assert proc.returncode == 3 and "target unreachable" in proc.stdout + proc.stderr and took < 10
