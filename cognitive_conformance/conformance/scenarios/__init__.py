"""Stateful scenarios: the machinery they share; each service pack holds its own.

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
    read_only: bool = False  # sends GET requests only: runs under ``--read-only``


def scenarios_for(service: str) -> list[Scenario]:
    """The stateful scenarios of a service's pack (name or alias)."""
    from cognitive_conformance.conformance.packs import get_pack

    return list(get_pack(service).scenarios())
