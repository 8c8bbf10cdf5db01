"""Polite traffic: a request-rate limit shared by every worker process, and what a 429 means.

A live Azure resource is someone's paid quota (the Free tier allows 20 calls a minute).
:class:`RateLimiter` spaces requests so that at most ``N`` leave per second or minute, across
all worker processes of a run: its state lives in shared memory created before the workers
are forked. :func:`throttle_wait` says how long to wait after a ``429``: the ``Retry-After``
header when there is one, else the "Try again in N seconds" the Azure gateway writes in the
message (it sends no header: see tests/reference/recordings), else an exponential backoff with
jitter. A 429 is never judged as the target's answer: the request is sent again within the
retry budget, and the waits are counted.
"""

from __future__ import annotations

import multiprocessing
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RateLimit", "RateLimiter", "RetryPolicy", "parse_rate_limit", "throttle_wait"]

_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(s|sec|second|m|min|minute)\s*$", re.IGNORECASE)
_TRY_AGAIN = re.compile(r"try again in (\d+(?:\.\d+)?) seconds?", re.IGNORECASE)


@dataclass(frozen=True)
class RateLimit:
    requests: float
    per_s: float

    @property
    def interval_s(self) -> float:
        return self.per_s / self.requests

    def __str__(self) -> str:
        unit = "s" if self.per_s == 1 else "m"
        count = int(self.requests) if float(self.requests).is_integer() else self.requests
        return f"{count}/{unit}"


def parse_rate_limit(text: str) -> RateLimit:
    """``"20/m"`` → 20 requests per minute; ``"5/s"`` → 5 per second. ValueError otherwise."""
    match = _RATE.match(text or "")
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"--rate-limit {text!r}: expected N/s or N/m with N > 0, e.g. 20/m")
    per_s = 1.0 if match.group(2).lower().startswith("s") else 60.0
    return RateLimit(float(match.group(1)), per_s)


class RateLimiter:
    """At most one request every ``interval`` seconds, across the processes forked after it.

    The next free slot is a double in shared memory, taken under a lock, so the limit holds
    for the whole run, not per worker. ``clock``/``sleep`` are injectable for tests.
    """

    def __init__(
        self,
        limit: RateLimit,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limit = limit
        self._next = multiprocessing.Value("d", 0.0)
        self._clock = clock
        self._sleep = sleep

    def acquire(self) -> float:
        """Wait for the next slot; return the seconds waited."""
        with self._next.get_lock():
            now = self._clock()
            slot = max(now, self._next.value)
            self._next.value = slot + self.limit.interval_s
        wait = slot - now
        if wait > 0:
            self._sleep(wait)
        return max(0.0, wait)


@dataclass(frozen=True)
class RetryPolicy:
    """How 429s are retried: at most ``retries`` times per request, waiting at most ``max_wait_s`` once."""

    retries: int = 4
    base_s: float = 1.0
    max_wait_s: float = 60.0


def throttle_wait(retry_after: str | None, body: bytes, attempt: int, policy: RetryPolicy, *, rng: random.Random | None = None) -> float:
    """Seconds to wait before retrying a 429 (attempt counts from 0)."""
    if retry_after is not None:
        text = retry_after.strip()
        if text.replace(".", "", 1).isdigit():
            return min(policy.max_wait_s, float(text))
        from cognitive_conformance.conformance.scenarios.polling import retry_after_seconds

        seconds = retry_after_seconds(text)
        if seconds is not None:
            return min(policy.max_wait_s, seconds)
    match = _TRY_AGAIN.search(body[:4096].decode("utf-8", "replace"))
    if match:
        return min(policy.max_wait_s, float(match.group(1)))
    jitter = (rng or random).uniform(0.5, 1.5)
    return min(policy.max_wait_s, policy.base_s * (2**attempt) * jitter)
