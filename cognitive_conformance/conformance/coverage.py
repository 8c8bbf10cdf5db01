"""Which operations of a rendered spec a run exercised: every exchange the transport sends, counted by operation.

A job's :class:`ExchangeCounter` is a transport recorder (``Transport.recorders``), so it sees every
exchange as it is sent (each 429 resend too, as ``requests`` counts it). An exchange counts for the
operation its sender named (the stateless phase names the document's operationId) or, when it named
none or one the spec does not know, for the operation whose method and path template match the
request (scenarios, cleanup). A request no operation of the spec describes (an undeclared method
probe, a path outside the spec) is counted as unmatched. Each phase's :class:`~events.PhaseFinished`
carries the counts of every operation of the rendered spec, zeros included, and the report's
coverage table (``reports/model.py``) adds the two phases up.

Source: ARCHITECTURE.md "The checker's pieces" (transport records every exchange; reports consume events only).
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

__all__ = ["ExchangeCounter"]


class ExchangeCounter:
    """Exchanges sent, by the rendered spec's operationId; ``unmatched`` those no operation describes."""

    def __init__(self, spec: Any, base_url: str) -> None:
        self.spec = spec
        self.base_path = urlsplit(base_url).path.rstrip("/")
        self.operations: dict[str, str] = {op.operation_id: f"{op.method} {op.path}" for op in spec.operations()}
        self.counts: Counter[str] = Counter()
        self.unmatched = 0
        self._lock = threading.Lock()

    def _operation(self, record: Any) -> str | None:
        named = record.operation_id
        if named:
            try:
                return self.spec.operation(named).operation_id
            except KeyError:
                pass
        path = urlsplit(record.request.url).path
        if self.base_path and path.startswith(self.base_path):
            path = path[len(self.base_path) :] or "/"
        found = self.spec.match(record.request.method, path)
        return None if found is None else found.operation_id

    def add(self, record: Any, _headers_s: float = 0.0) -> None:
        """The transport recorder: count one exchange."""
        operation = self._operation(record)
        with self._lock:
            if operation is None:
                self.unmatched += 1
            else:
                self.counts[operation] += 1

    def snapshot(self) -> tuple[dict[str, int], int]:
        """Every operation's count so far (spec order, zeros included) and the unmatched count."""
        with self._lock:
            return {op: self.counts.get(op, 0) for op in self.operations}, self.unmatched

    @staticmethod
    def since(before: tuple[dict[str, int], int], now: tuple[dict[str, int], int]) -> tuple[dict[str, int], int]:
        """The counts between two snapshots."""
        return {op: n - before[0].get(op, 0) for op, n in now[0].items()}, now[1] - before[1]
