from datetime import datetime, timedelta, timezone

import pytest

from cognitive_conformance.emulator.clock import Clock, ManualClock, SystemClock, format_rfc3339


def test_manual_clock_advances_only_when_told() -> None:
    clock = ManualClock(datetime(2024, 1, 1, tzinfo=timezone.utc))
    assert clock.now() == clock.now() == datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert clock.advance(1.5) == datetime(2024, 1, 1, 0, 0, 1, 500000, tzinfo=timezone.utc)
    assert clock.now() - datetime(2024, 1, 1, tzinfo=timezone.utc) == timedelta(seconds=1.5)


def test_manual_clock_rejects_going_backwards_and_naive_start() -> None:
    with pytest.raises(ValueError):
        ManualClock().advance(-1)
    with pytest.raises(ValueError):
        ManualClock(datetime(2024, 1, 1))


def test_system_clock_is_utc_aware_and_both_satisfy_protocol() -> None:
    now = SystemClock().now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    assert isinstance(SystemClock(), Clock) and isinstance(ManualClock(), Clock)


def test_format_rfc3339_uses_milliseconds_and_z() -> None:
    instant = datetime(2024, 3, 5, 11, 7, 58, 371999, tzinfo=timezone.utc)
    assert format_rfc3339(instant) == "2024-03-05T11:07:58.371Z"
    plus_one = datetime(2024, 3, 5, 12, 7, 58, tzinfo=timezone(timedelta(hours=1)))
    assert format_rfc3339(plus_one) == "2024-03-05T11:07:58.000Z"
