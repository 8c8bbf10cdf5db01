"""Every Custom Voice scenario: personal voice (``scenarios.py``), then professional voice (``professional.py``)."""

from __future__ import annotations

from cognitive_conformance.conformance.packs.voice import professional, scenarios

__all__ = ["SCENARIOS"]

SCENARIOS = [*scenarios.SCENARIOS, *professional.SCENARIOS]
