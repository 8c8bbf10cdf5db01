"""Polling a long-running operation: deadline, backoff, ``Retry-After``, injected clock.

Schemathesis has no notion of long-running operations; this is ours. :class:`Poller`
re-reads a status until a terminal status or the deadline, waiting with exponential
backoff between reads. A ``Retry-After`` header (delta-seconds, or an HTTP-date read against
the response's ``Date``) on a poll response replaces the backoff for the next wait (capped by
the deadline), as the Azure LRO guidelines ask; a 429 is waited out the same way, never taken
as the end. Time comes from a :class:`Clock`, so tests drive it without sleeping.

The poller does not count what it did: the figures (polls, polls after terminal, Retry-After
honoured) are measured from the reads' send times in :class:`conformance.flows.LroTrace`.
Two policy switches exist to show that those figures can move: ``honour_retry_after=False``
and ``reads_after_terminal=N`` (N more polls after a terminal status).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from cognitive_conformance.conformance.flows.evidence import retry_after_of, retry_after_seconds
from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = ["Clock", "SystemClock", "BoundedClock", "FakeClock", "PollPolicy", "PollOutcome", "Poller", "retry_after_seconds"]


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class BoundedClock(SystemClock):
    """The system clock whose waits end when ``remaining()`` says time is up (a run's ``--max-time``
    or a signal), so a long wait between polls never outlasts the run's budget; ``remaining()``
    returns the seconds left or ``None`` for no bound."""

    def __init__(self, remaining: Callable[[], float | None]) -> None:
        self.remaining = remaining

    def sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            bound = self.remaining()
            if bound is not None:
                left = min(left, bound)
            if left <= 0:
                return
            time.sleep(min(left, 0.25))  # a signal's stop is seen within a quarter second


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
    reads_after_terminal: int = 0  # polls made after a terminal status (0: none, as the guidelines ask)

    def __post_init__(self) -> None:
        if self.timeout_s <= 0:
            raise ValueError("poll timeout must be positive")
        if self.initial_interval_s < 0 or self.max_interval_s < self.initial_interval_s:
            raise ValueError("poll intervals must satisfy 0 <= initial <= max")
        if self.factor < 1:
            raise ValueError("backoff factor must be >= 1")
        if self.reads_after_terminal < 0:
            raise ValueError("reads after terminal must be >= 0")


@dataclass(frozen=True)
class PollOutcome:
    records: tuple[ResponseRecord, ...]
    terminal: ResponseRecord | None
    elapsed_s: float

    @property
    def polls(self) -> int:
        return len(self.records)


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

        After a terminal status it reads again only ``policy.reads_after_terminal`` times (0 by default).
        """
        policy = self.policy
        start = self.clock.monotonic()
        deadline = start + policy.timeout_s
        interval = policy.initial_interval_s
        records: list[ResponseRecord] = []
        terminal: ResponseRecord | None = None
        extra = policy.reads_after_terminal
        while True:
            record = read()
            records.append(record)
            if terminal is None and is_terminal(record):
                terminal = record
            if terminal is not None:
                if extra <= 0:
                    break
                extra -= 1
            elif stop is not None and stop(record):
                break
            now = self.clock.monotonic()
            if terminal is None and now >= deadline:
                break
            wait = interval
            hinted = retry_after_of(record)
            if hinted is not None and policy.honour_retry_after:
                wait = hinted
            if terminal is None:
                wait = min(wait, max(0.0, deadline - now))
            self.clock.sleep(wait)
            interval = min(policy.max_interval_s, max(interval * policy.factor, policy.initial_interval_s))
        return PollOutcome(tuple(records), terminal, self.clock.monotonic() - start)
