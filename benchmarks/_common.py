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
    with emulator_process(*args, key=key) as (url, _pid):
        yield url


@contextmanager
def emulator_process(*args: str, key: str = "b3nchk3y00000000000000000000beef") -> Iterator[tuple[str, int]]:
    """Like :func:`emulator`, yielding ``(base URL, process id)`` (to read the server's CPU time)."""
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
        yield found["url"], proc.pid
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM ``proc``, wait up to 10 s, then kill it."""
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and its descendants so far (Linux ``/proc``; 0.0 elsewhere)."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0.0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError, IndexError):
            continue
    return total


def rss_bytes(pid: int) -> int:
    """Resident set size of process ``pid`` (Linux ``/proc``; 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0
