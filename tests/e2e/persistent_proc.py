"""``conformance emulator --data-dir DIR [--workers N]`` as a subprocess that a test can ``kill -9`` and start again."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx


class PersistentEmulator:
    """One emulator process group on a data dir; :meth:`kill` is ``kill -9`` of the whole group (workers too)."""

    def __init__(self, data_dir: Path | None, *args: str, workers: int = 1, training_seconds: float = 0.3) -> None:
        command = [sys.executable, "-m", "cognitive_conformance.emulator", "--port", "0", "--training-seconds", str(training_seconds)]
        if data_dir is not None:
            command += ["--data-dir", str(data_dir)]
        if workers > 1:
            command += ["--workers", str(workers)]
        self.proc = subprocess.Popen(
            [*command, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group: kill() reaches the workers
        )
        line = self.proc.stdout.readline()
        match = re.search(r"listening on (https?://\S+)", line)
        if not match:
            self.kill()
            raise AssertionError(line + self.proc.stderr.read())
        self.url = match.group(1)
        self._wait_until_served()

    def _wait_until_served(self) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.kill()
                raise AssertionError(f"the emulator never served: {self.proc.stderr.read()}")
            time.sleep(0.05)

    def kill(self) -> None:
        """``kill -9`` the process group, as an OOM killer or a power cut would: no clean-up runs."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        self._close()

    def stop(self) -> int:
        """SIGTERM and wait: the graceful end; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            code = self.proc.wait(timeout=10)
        self._close()
        return code

    def _close(self) -> None:
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None and not stream.closed:
                stream.close()

    def __enter__(self) -> "PersistentEmulator":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.stop()
        self._close()
