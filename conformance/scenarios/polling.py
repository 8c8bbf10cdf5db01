"""Polling a long-running operation: deadline, backoff, ``Retry-After``, injected clock.

Schemathesis has no notion of long-running operations; this is ours. :class:`Poller`
re-reads a status until a terminal status or the deadline, waiting with exponential
backoff between reads. A ``Retry-After`` header (delta-seconds or HTTP-date) on a poll
response replaces the backoff for the next wait (capped by the deadline), as the Azure LRO
guidelines ask. Time comes from a :class:`Clock`, so tests drive it without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from typing import Protocol

from conformance.transport import ResponseRecord

__all__ = ["Clock", "SystemClock", "FakeClock", "PollPolicy", "PollOutcome", "Poller", "retry_after_seconds"]


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


@dataclass
class FakeClock:
    """A clock tests advance by hand; ``sleep`` advances it and records the wait."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)


@dataclass(frozen=True)
class PollPolicy:
    timeout_s: float = 60.0
    initial_interval_s: float = 0.05
    max_interval_s: float = 1.0
    factor: float = 1.6
    honour_retry_after: bool = True

    def __post_init__(self) -> None:
        if self.timeout_s <= 0:
            raise ValueError("poll timeout must be positive")
        if self.initial_interval_s < 0 or self.max_interval_s < self.initial_interval_s:
            raise ValueError("poll intervals must satisfy 0 <= initial <= max")
        if self.factor < 1:
            raise ValueError("backoff factor must be >= 1")


@dataclass(frozen=True)
class PollOutcome:
    records: tuple[ResponseRecord, ...]
    terminal: ResponseRecord | None
    elapsed_s: float
    retry_after_seen: int
    retry_after_honoured: int

    @property
    def polls(self) -> int:
        return len(self.records)


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Parse ``Retry-After``: delta-seconds or an HTTP-date. ``None`` if absent or invalid."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    reference = now or datetime.now(timezone.utc)
    return max(0.0, (when - reference).total_seconds())


class Poller:
    def __init__(self, policy: PollPolicy | None = None, clock: Clock | None = None) -> None:
        self.policy = policy or PollPolicy()
        self.clock = clock or SystemClock()

    def poll(
        self,
        read: Callable[[], ResponseRecord],
        is_terminal: Callable[[ResponseRecord], bool],
        *,
        stop: Callable[[ResponseRecord], bool] | None = None,
    ) -> PollOutcome:
        """Call ``read`` until ``is_terminal`` (or ``stop``, e.g. an error status) or the deadline.

        Never reads again after a terminal status.
        """
        policy = self.policy
        start = self.clock.monotonic()
        deadline = start + policy.timeout_s
        interval = policy.initial_interval_s
        records: list[ResponseRecord] = []
        seen = honoured = 0
        while True:
            record = read()
            records.append(record)
            if is_terminal(record):
                return PollOutcome(tuple(records), record, self.clock.monotonic() - start, seen, honoured)
            if stop is not None and stop(record):
                break
            now = self.clock.monotonic()
            if now >= deadline:
                break
            wait = interval
            hinted = retry_after_seconds(record.header("retry-after"))
            if hinted is not None:
                seen += 1
                if policy.honour_retry_after:
                    wait = hinted
                    honoured += 1
            wait = min(wait, max(0.0, deadline - now))
            self.clock.sleep(wait)
            interval = min(policy.max_interval_s, max(interval * policy.factor, policy.initial_interval_s))
        return PollOutcome(tuple(records), None, self.clock.monotonic() - start, seen, honoured)
