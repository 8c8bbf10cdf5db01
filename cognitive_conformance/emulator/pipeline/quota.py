"""Step 3b: a paid tier's call quota, per tenant (``--quota N/s|N/m``).

Off by default. When set, each tenant (a key, or a bearer token in the ``--aad-token`` test
mode) may make ``N`` calls in each fixed window of one second or one minute, counted from the
tenant's first call; the next call in the same window is refused with the gateway's 429, whose
body says how many whole seconds remain. The real Face gateway sends that body with **no**
``Retry-After`` header, no ``x-ms-error-code`` and ``content-type: application/json``
(tests/reference/recordings/README.md, behaviour 13); ``--quota-retry-after`` adds
``Retry-After: N`` for clients that want the header. A refused call is not counted and never
reaches the handler. Windows are measured on the emulator's clock (``clock.py``), so tests
with a ``ManualClock`` advance it instead of sleeping.

Source: tests/reference/recordings/README.md (behaviour 13: ``{"error":{"code":"429","message":
"Rate limit is exceeded. Try again in 21 seconds."}}``, no Retry-After);
https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes (429).
"""

from __future__ import annotations

import math
import re
import threading
from datetime import datetime

from cognitive_conformance.emulator.errors import throttled_body
from cognitive_conformance.emulator.routing import Reply

__all__ = ["Quota", "parse_quota"]

_QUOTA = re.compile(r"^\s*(\d+)\s*/\s*(s|m)\s*$", re.IGNORECASE)


def parse_quota(text: str) -> tuple[int, float]:
    """``"120/m"`` -> (120, 60.0); ``"10/s"`` -> (10, 1.0); ValueError otherwise."""
    match = _QUOTA.match(text or "")
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"--quota {text!r}: expected N/s or N/m with a whole N >= 1, e.g. 20/m")
    return int(match.group(1)), 1.0 if match.group(2).lower() == "s" else 60.0


class Quota:
    """Fixed windows per tenant; :meth:`admit` answers ``None`` (go on) or the 429 reply."""

    def __init__(self, requests: int, window_s: float, *, retry_after: bool = False) -> None:
        self.requests = requests
        self.window_s = window_s
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[datetime, int]] = {}

    def admit(self, tenant: str, now: datetime) -> Reply | None:
        with self._lock:
            start, used = self._windows.get(tenant, (now, 0))
            elapsed = (now - start).total_seconds()
            if elapsed >= self.window_s or elapsed < 0:
                start, used, elapsed = now, 0, 0.0
            if used < self.requests:
                self._windows[tenant] = (start, used + 1)
                return None
        seconds = max(1, math.ceil(self.window_s - elapsed))
        headers = {"Retry-After": str(seconds)} if self.retry_after else {}
        return Reply(status=429, content=throttled_body(seconds), media_type="application/json", headers=headers)
