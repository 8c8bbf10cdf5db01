"""Assertion helper for the not-applicable outcome of a response rule."""

from __future__ import annotations

from typing import Any

import pytest

from cognitive_conformance.conformance.checks.registry import NotApplicable

__all__ = ["expect_na"]


def expect_na(check: Any, ctx: Any, record: Any, reason: str) -> None:
    """Run ``check`` and assert it answers n/a with a reason containing ``reason``."""
    with pytest.raises(NotApplicable) as info:
        check(ctx, record)
    assert reason in info.value.reason, f"n/a reason {info.value.reason!r} does not say {reason!r}"
