"""A run's budget: a request count and a deadline shared by every worker process, and the stop.

A live run spends someone's quota, and a hostile target can keep a run busy for ever. The
:class:`Budget` is made before the workers fork (like :class:`~conformance.throttle.RateLimiter`,
its state lives in shared memory), so the limits hold for the whole run, not per worker:

* ``--max-requests N``: :meth:`Budget.admit` is called by the transport before each request
  leaves; the request that would be number ``N + 1`` is refused;
* ``--max-time SECONDS``: a request asked for after the deadline is refused;
* a signal (Ctrl-C, SIGTERM): :meth:`Budget.stop` marks the run ``interrupted``.

A refused request raises :class:`RunStopped`, a ``BaseException`` (like ``KeyboardInterrupt``)
so that no scenario's ``except Exception`` and no Hypothesis test swallows or replays it: the
work in progress unwinds, its ``finally`` blocks run the cleanup, and no new operation, scenario
or job starts. Cleanup requests are sent *outside* the budget (``Transport.unbudgeted``): they
are not refused and not counted against ``--max-requests``; they are counted apart
(:attr:`Budget.cleanup_requests`) and reported, so a run may send ``N`` requests plus its cleanup.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable

__all__ = ["INTERRUPTED", "MAX_REQUESTS", "MAX_TIME", "Budget", "RunStopped"]

MAX_REQUESTS, MAX_TIME, INTERRUPTED = "max-requests", "max-time", "interrupted"
_REASONS = (None, MAX_REQUESTS, MAX_TIME, INTERRUPTED)


class RunStopped(BaseException):
    """The run's budget ran out or it was interrupted: start no new work (``reason`` says why)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"run stopped: {reason}")
        self.reason = reason


class Budget:
    """A request count and a deadline shared by the processes forked after it, and the stop flag.

    ``max_requests``/``max_time_s`` of ``None`` mean no limit. ``clock`` is injectable for tests;
    it must be the same clock in every process (``time.monotonic`` is system-wide on Linux).
    """

    def __init__(
        self,
        *,
        max_requests: int | None = None,
        max_time_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_requests is not None and max_requests < 0:
            raise ValueError("max_requests must be >= 0")
        if max_time_s is not None and max_time_s <= 0:
            raise ValueError("max_time_s must be positive")
        self.max_requests = max_requests
        self.max_time_s = max_time_s
        self._clock = clock
        self._deadline = None if max_time_s is None else clock() + max_time_s
        self._sent = multiprocessing.Value("q", 0)  # guarded by its lock, which also guards the others
        self._cleanup = multiprocessing.Value("q", 0, lock=False)
        self._reason = multiprocessing.Value("i", 0, lock=False)

    # -- the stop --------------------------------------------------------------------------
    def stop(self, reason: str, *, force: bool = False) -> bool:
        """Stop the run for ``reason`` unless it is stopped already (``force``: say ``reason`` anyway,
        e.g. a signal after a budget ran out); return whether this call changed the reason."""
        with self._sent.get_lock():
            if self._reason.value and not force:
                return False
            self._reason.value = _REASONS.index(reason)
            return True

    @property
    def reason(self) -> str | None:
        """Why the run stopped (``max-requests``, ``max-time``, ``interrupted``), or ``None``.

        A deadline that has passed stops the run here too, so a phase between requests sees it.
        """
        if not self._reason.value and self._deadline is not None and self._clock() >= self._deadline:
            self.stop(MAX_TIME)
        return _REASONS[self._reason.value]

    def remaining_s(self) -> float | None:
        """Seconds until the deadline: 0 once the run is stopped, ``None`` while it has no deadline."""
        if self.reason is not None:
            return 0.0
        return None if self._deadline is None else max(0.0, self._deadline - self._clock())

    def check(self) -> None:
        """Raise :class:`RunStopped` if the run is stopped (a point where no new work may start)."""
        reason = self.reason
        if reason is not None:
            raise RunStopped(reason)

    # -- counting --------------------------------------------------------------------------
    def admit(self) -> None:
        """Count one request about to be sent, or raise :class:`RunStopped` (nothing is sent)."""
        self.check()
        with self._sent.get_lock():
            if self._reason.value:
                raise RunStopped(_REASONS[self._reason.value])
            if self.max_requests is not None and self._sent.value >= self.max_requests:
                self._reason.value = _REASONS.index(MAX_REQUESTS)
                raise RunStopped(MAX_REQUESTS)
            self._sent.value += 1

    def count_cleanup(self) -> None:
        """Count one cleanup request (never refused, not counted against ``max_requests``)."""
        with self._sent.get_lock():
            self._cleanup.value += 1

    @property
    def requests(self) -> int:
        """Requests admitted against the budget, across every process."""
        with self._sent.get_lock():
            return self._sent.value

    @property
    def cleanup_requests(self) -> int:
        with self._sent.get_lock():
            return self._cleanup.value

    def incomplete(self) -> dict | None:
        """The report's ``result.incomplete``, or ``None`` for a run that was not stopped."""
        reason = self.reason
        if reason is None:
            return None
        return {
            "reason": reason,
            "maxRequests": self.max_requests,
            "maxTimeSeconds": self.max_time_s,
            "budgetedRequests": self.requests,
            "cleanupRequests": self.cleanup_requests,
        }
