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
    versions: tuple[str, ...] | None = None  # the API versions that have its operations (None: every version)

    def runs_in(self, version: str) -> bool:
        """Whether the scenario applies to ``version`` (a version without its operations does not run it)."""
        return self.versions is None or version in self.versions


def scenarios_for(service: str) -> list[Scenario]:
    """The stateful scenarios of a service's pack (name or alias)."""
    from cognitive_conformance.conformance.packs import get_pack

    return list(get_pack(service).scenarios())
