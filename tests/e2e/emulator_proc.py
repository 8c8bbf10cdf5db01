"""``conformance emulator`` as a subprocess with its own flags (--aad-token, --quota, --request-log, TLS), and the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def conformance(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the installed console script as a user does; return the process and its wall time."""
    exe = Path(sys.executable).with_name("conformance")
    assert exe.exists(), f"the console script is not installed next to {sys.executable}"
    t0 = time.monotonic()
    proc = subprocess.run([exe, *args], capture_output=True, text=True, timeout=timeout, env=env)
    return proc, time.monotonic() - t0


@contextmanager
def emulator(*args: str) -> Iterator[str]:
    """Start ``conformance emulator --port 0 ARGS``; yield the URL it announces; stop it."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "cognitive_conformance.emulator", "--port", "0", "--training-seconds", "0.3", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        match = re.search(r"listening on (https?://\S+)", line)
        assert match, line + proc.stderr.read()
        yield match.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


def read_log(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
