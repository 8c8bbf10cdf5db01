"""Helpers shared by the benchmark scripts: start the emulator as a process, describe the machine."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator

_LISTENING = re.compile(r"listening on (https?://\S+)")


@contextmanager
def emulator(*args: str, key: str = "b3nchk3y00000000000000000000beef") -> Iterator[str]:
    """``conformance emulator --port 0 ...`` on loopback; yields its base URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "cognitive_conformance.emulator", "--host", "127.0.0.1", "--port", "0", "--key", key, *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    found: dict[str, str] = {}

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            m = _LISTENING.search(line)
            if m:
                found.setdefault("url", m.group(1))

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 30
    try:
        while "url" not in found:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"emulator did not start: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.02)
        yield found["url"]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}, {platform.system()}"
