"""Time for the emulator: the only place the emulator reads the current instant.

Training status is derived from timestamps on read (ARCHITECTURE.md "The emulator"),
so tests drive time with a :class:`ManualClock` instead of sleeping; the server uses
:class:`SystemClock`. Every instant is a timezone-aware UTC ``datetime``.

Source: ARCHITECTURE.md "The emulator"; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (timestamps are UTC date-times).
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "ManualClock", "SystemClock", "format_rfc3339"]


@runtime_checkable
class Clock(Protocol):
    """Anything that can tell the current UTC instant."""

    def now(self) -> datetime:
        """Return the current instant as an aware UTC ``datetime``."""
        ...


class SystemClock:
    """The wall clock (UTC)."""

    def now(self) -> datetime:
        """Return ``datetime.now(timezone.utc)``."""
        return datetime.now(timezone.utc)


class ManualClock:
    """A clock that only moves when told to; thread-safe.

    ``ManualClock()`` starts at 2024-03-05T11:07:58Z (the instant of the upstream
    v1.2 training-status example) so reports are reproducible.
    """

    def __init__(self, start: datetime | None = None) -> None:
        if start is None:
            start = datetime(2024, 3, 5, 11, 7, 58, tzinfo=timezone.utc)
        if start.tzinfo is None:
            raise ValueError("ManualClock start must be timezone-aware")
        self._now = start.astimezone(timezone.utc)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Return the current (manually driven) instant."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward by ``seconds`` (must be >= 0) and return the new instant."""
        if seconds < 0:
            raise ValueError("a ManualClock never goes backwards; seconds must be >= 0")
        with self._lock:
            self._now = self._now + timedelta(seconds=seconds)
            return self._now


def format_rfc3339(instant: datetime) -> str:
    """Render ``instant`` as RFC 3339 UTC with millisecond precision and a ``Z`` suffix.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (``date-time``); example ``"2024-03-05T11:07:58.371Z"``
    in face/v1.2/PersonGroupOperations_GetPersonGroupTrainingStatus.json.
    """
    text = _FORMATTED.get(instant)
    if text is None:
        utc = instant if instant.tzinfo is timezone.utc else instant.astimezone(timezone.utc)
        if utc.year >= 1000:  # isoformat pads the year to four digits; strftime's %Y does not below 1000 on every platform
            text = utc.isoformat(timespec="milliseconds")[:-6] + "Z"  # drop "+00:00"
        else:
            text = utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
        if len(_FORMATTED) >= _FORMATTED_MAX:
            _FORMATTED.clear()
        _FORMATTED[instant] = text
    return text


_FORMATTED: dict[datetime, str] = {}
"""Recently formatted instants: a status read formats the same few timestamps of a training on every read
(equal instants format alike, in any time zone). A pure cache, emptied when it reaches :data:`_FORMATTED_MAX`."""
_FORMATTED_MAX = 4096
