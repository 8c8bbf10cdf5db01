"""The emulator's request log: one JSON line per request, ``{"method", "path", "status"}``.

Switched on with ``python -m emulator --request-log FILE`` (``EmulatorConfig.request_log``),
so a test can see every request a client sent, e.g. that a read-only run sent only GETs.
Each line is one ``os.write`` on an ``O_APPEND`` descriptor: whole lines, in arrival order.
Keys and bodies are never logged.
"""

from __future__ import annotations

import json
import os

__all__ = ["log_request"]


def log_request(file: str, method: str, path: str, status: int) -> None:
    line = json.dumps({"method": method, "path": path, "status": status}, separators=(",", ":")) + "\n"
    fd = os.open(file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)
