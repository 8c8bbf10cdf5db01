"""Every command line the README shows for --auth aad, --ca-bundle, --media-dir and the emulator's --quota runs.

Each line is taken verbatim from README.md and run through the installed console script; only
what a reader must fill in is substituted: ``<token>`` and ``<resource>`` (an emulator started
here with ``--aad-token``), the fixed ports 5000/5443 (a free port, so parallel test runs never
collide) and, for TLS, a certificate made with ``openssl``. The emulator lines are started as
their own session and stopped by their process group.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.emulator_proc import emulator
from tests.media_dirs import make_media_dir

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
EXE = str(Path(sys.executable).with_name("conformance"))
DEV_KEY = "1f0e2d3c4b5a69788796a5b4c3d2e1f0"

QUOTA_EMULATOR = ".venv/bin/conformance emulator --port 5000 --quota 20/m --request-log requests.jsonl"
QUOTA_RUN = (".venv/bin/conformance run --target http://127.0.0.1:5000 --key 1f0e2d3c4b5a69788796a5b4c3d2e1f0 "
             "--rate-limit 20/m --service face --api-version v1.2 --phase stateful --scenario face-auth")
AAD_EMBEDDED = ".venv/bin/conformance run --auth aad --service face --api-version v1.2 --phase stateful"
AAD_LIVE = ("CONFORMANCE_TOKEN=<token> .venv/bin/conformance run --auth aad --target https://<resource>.cognitiveservices.azure.com "
            "--service face --api-version v1.2 --phase stateful")
TLS_EMULATOR = ".venv/bin/conformance emulator --port 5443 --ssl-certfile cert.pem --ssl-keyfile key.pem"
TLS_RUN = (".venv/bin/conformance run --target https://127.0.0.1:5443 --key 1f0e2d3c4b5a69788796a5b4c3d2e1f0 --ca-bundle cert.pem "
           "--service face --api-version v1.2 --phase stateful --scenario face-auth")
MEDIA_RUN = ".venv/bin/conformance run --media-dir media --service face --service speaker --phase stateful"


@pytest.mark.parametrize("line", [QUOTA_EMULATOR, QUOTA_RUN, AAD_EMBEDDED, AAD_LIVE, TLS_EMULATOR, TLS_RUN, MEDIA_RUN])
def test_the_line_is_in_the_readme(line: str) -> None:
    assert line in README


def _argv(line: str, **subs: str) -> tuple[list[str], dict[str, str]]:
    for old, new in subs.items():
        line = line.replace(old, new)
    words = shlex.split(line)
    env = {k: v for k, v in os.environ.items() if k not in ("CONFORMANCE_TOKEN", "CONFORMANCE_KEY")}
    while "=" in words[0]:
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    assert words[0] == ".venv/bin/conformance"
    return [EXE, *words[1:]], env


def _run(line: str, cwd: Path, **subs: str) -> subprocess.CompletedProcess[str]:
    argv, env = _argv(line, **subs)
    return subprocess.run([*argv, "--report-dir", str(cwd / "reports"), "-q"], cwd=cwd, env=env, capture_output=True, text=True, timeout=180)


@contextmanager
def _serve(line: str, cwd: Path, port: str) -> Iterator[str]:
    argv, env = _argv(line, **{f"--port {port}": "--port 0"})
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        match = re.search(r"listening on (https?://\S+)", proc.stdout.readline())
        assert match, proc.stderr.read()
        yield match.group(1).rsplit(":", 1)[1]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # our own session: `conformance emulator` and its `conformance emulator`
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


def test_quota_lines(tmp_path: Path) -> None:
    with _serve(QUOTA_EMULATOR, tmp_path, "5000") as port:
        proc = _run(QUOTA_RUN, tmp_path, **{"127.0.0.1:5000": f"127.0.0.1:{port}"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "requests.jsonl").read_text().count("\n") >= 2


def test_aad_lines(tmp_path: Path) -> None:
    assert _run(AAD_EMBEDDED, tmp_path).returncode == 0
    token = "readme-token-" + "7" * 30
    with emulator("--aad-token", token) as url:
        proc = _run(AAD_LIVE, tmp_path, **{"<token>": token, "https://<resource>.cognitiveservices.azure.com": url})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert token not in proc.stdout + proc.stderr


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl command to make a certificate")
def test_tls_lines(tmp_path: Path) -> None:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "key.pem", "-out", "cert.pem"],
        check=True, capture_output=True, cwd=tmp_path,
    )
    with _serve(TLS_EMULATOR, tmp_path, "5443") as port:
        proc = _run(TLS_RUN, tmp_path, **{"127.0.0.1:5443": f"127.0.0.1:{port}"})
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_media_dir_line(tmp_path: Path) -> None:
    make_media_dir(tmp_path / "media")
    proc = _run(MEDIA_RUN, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
