"""Status values of long-running operations: reading, normalising and ranking them.

The documented paths are::

    notStarted → running → succeeded | failed        (Face; v1.0 spells notStarted "nonstarted")
    Enrolling → Training → Enrolled                   (Speaker enrollment)
    NotStarted → Running → Succeeded | Failed         (Custom Voice)

Every comparison of two status values goes through :func:`norm_status`, so spellings that
differ only in case, and Face v1.0's ``nonstarted``, compare equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = ["STATUS_FIELDS", "StatusModel", "norm_status", "status_of"]

#: Body fields that carry an LRO status (Face and Custom Voice ``status``, Speaker ``enrollmentStatus``).
STATUS_FIELDS = ("status", "enrollmentStatus")

_SPELLINGS = {"nonstarted": "notstarted"}


def norm_status(value: Any) -> str:
    """A status value case-folded, with known alternative spellings (``nonstarted``) mapped to one."""
    text = str(value).strip().lower()
    return _SPELLINGS.get(text, text)


def status_of(response: ResponseRecord) -> str | None:
    """The status a status-bearing 2xx JSON body carries, or ``None``."""
    if not 200 <= response.status_code < 300:
        return None
    body = response.json_or_none()
    if not isinstance(body, dict):
        return None
    for name in STATUS_FIELDS:
        if isinstance(body.get(name), str):
            return body[name]
    return None


@dataclass(frozen=True)
class StatusModel:
    """The documented status order of one API version and its terminal set.

    ``order`` lists the statuses in their legal order, terminal ones last
    (``("notStarted", "running", "succeeded", "failed")``); ``terminal`` the end states.
    """

    order: tuple[str, ...]
    terminal: frozenset[str]

    def __post_init__(self) -> None:
        if not self.order or not self.terminal:
            raise ValueError("a status model needs an order and a terminal set")

    def is_terminal(self, status: str | None) -> bool:
        return status is not None and norm_status(status) in {norm_status(t) for t in self.terminal}

    def known(self, status: str | None) -> bool:
        return status is not None and norm_status(status) in {norm_status(s) for s in self.order}

    def rank(self, status: str | None) -> int | None:
        """Position on the path: every terminal status shares the last rank; unknown values ``None``."""
        if status is None:
            return None
        if self.is_terminal(status):
            return len([s for s in self.order if not self.is_terminal(s)])
        normalised = [norm_status(s) for s in self.order]
        norm = norm_status(status)
        return normalised.index(norm) if norm in normalised else None

    def same(self, a: str | None, b: str | None) -> bool:
        return a is not None and b is not None and norm_status(a) == norm_status(b)

    def path(self) -> str:
        return " → ".join(self.order)
