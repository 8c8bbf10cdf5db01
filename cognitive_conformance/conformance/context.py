"""What a response rule may know besides the response itself.

:class:`CheckContext` is immutable: the operation being checked, the rendered spec of the
target's API version and the chosen profile, and the responses seen earlier in the same
flow (``history``). Rules never do I/O; everything they need is here. What a flow showed
as a whole (an LRO's reads, a provoked situation and its documented outcome, ...) is typed
evidence for flow rules instead (:mod:`conformance.flows`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    from cognitive_conformance.conformance.spec import Operation, Spec
    from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = ["CheckContext"]


@dataclass(frozen=True)
class CheckContext:
    spec: "Spec"
    operation: "Operation | None"
    history: tuple["ResponseRecord", ...] = ()

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
