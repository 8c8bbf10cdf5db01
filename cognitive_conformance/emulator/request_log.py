"""``--request-log FILE``: one JSON line per request the emulator answers.

Each line is ``{"time": <unix seconds, float>, "key-hash": <first 12 hex digits of the
SHA-256 of the tenant's key or token, or null>, "method", "path", "status", "bytes-sha256":
<SHA-256 of the request body, or null when empty>}``, appended and flushed as each response
is decided, so a test or a user can count the request rate per tenant, or check which bytes
were uploaded, without the secrets: a key or token is never written, only its hash.

Source: ARCHITECTURE.md "The emulator" (one module per pipeline step; app.py shows the order).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time

__all__ = ["RequestLog", "key_hash"]


def key_hash(secret: str | None) -> str | None:
    """The first 12 hex digits of SHA-256(secret): enough to tell tenants apart, useless to an attacker."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:12] if secret else None


class RequestLog:
    """Appends one JSON line per request to ``path`` (opened once, line-buffered, thread-safe)."""

    def __init__(self, path: str) -> None:
        self._file = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - lives as long as the app
        self._lock = threading.Lock()

    def write(self, *, tenant: str | None, method: str, path: str, status: int, body: bytes = b"") -> None:
        line = json.dumps(
            {
                "time": round(time.time(), 6),
                "key-hash": key_hash(tenant),
                "method": method,
                "path": path,
                "status": status,
                "bytes-sha256": hashlib.sha256(body).hexdigest() if body else None,
            },
            separators=(",", ":"),
        )
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()
