"""Stateful scenarios, one module per service.

A :class:`Scenario` is a named flow (``face-persongroup-train-poll``, ...) that a
:class:`~conformance.scenarios.session.Session` runs against one API version of a target.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Scenario", "scenarios_for"]


@dataclass(frozen=True)
class Scenario:
    name: str
    service: str
    description: str
    run: Callable[..., None]  # (session) -> None


def scenarios_for(service: str) -> list[Scenario]:
    if service == "face":
        from conformance.scenarios import face

        return face.SCENARIOS
    if service == "speaker":
        from conformance.scenarios import speaker

        return speaker.SCENARIOS
    if service == "customvoice":
        from conformance.scenarios import voice

        return voice.SCENARIOS
    raise ValueError(f"no scenarios for service {service!r}")
