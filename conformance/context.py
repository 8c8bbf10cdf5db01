"""What a check may know besides the response itself.

:class:`CheckContext` is immutable: the operation being checked, the rendered spec of the
target's API version and the chosen profile, the responses seen earlier in the same
scenario or long-running operation (``history``), and, for situational rules, what the
scenario provoked (``situation``/``expected``). Checks never do I/O; everything they need
is here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    from conformance.spec import Operation, Spec
    from conformance.transport import ResponseRecord

__all__ = ["CheckContext", "Expected", "LroView"]


@dataclass(frozen=True)
class Expected:
    """What the documents say should happen in a provoked situation.

    ``status``: the documented status; ``codes``: acceptable ``error.code`` values (empty
    means any documented code); ``source``: where the documents say so.
    """

    status: int
    codes: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class LroView:
    """The long-running operation a response belongs to.

    ``kind``: ``"resource"`` (the resource's own status, e.g. ``/training``) or
    ``"operation"`` (the operation status resource behind ``Operation-Location``).
    ``statuses``: statuses read so far for this view, oldest first (excluding the current
    response). ``terminal``: the terminal status values of the service.
    ``order``: statuses in their legal order (``notStarted`` < ``running`` < terminal).
    """

    kind: str
    statuses: tuple[str, ...] = ()
    terminal: frozenset[str] = frozenset()
    order: tuple[str, ...] = ()
    submitted_at: float | None = None  # monotonic time the LRO was submitted


@dataclass(frozen=True)
class CheckContext:
    spec: "Spec"
    operation: "Operation | None"
    history: tuple["ResponseRecord", ...] = ()
    situation: str | None = None
    expected: Expected | None = None
    lro: LroView | None = None
    extra: dict = field(default_factory=dict)

    @property
    def profile(self) -> str:
        return self.spec.profile

    @property
    def version(self) -> str:
        return self.spec.version

    @property
    def service(self) -> str:
        return self.spec.service

    @property
    def operation_id(self) -> str | None:
        return self.operation.operation_id if self.operation else None
