"""Reads of resources a user names with ``--use-existing SERVICE:KIND=ID``: judged, never written.

A production resource already holds person groups, profiles and voices. ``--use-existing
face:persongroup=my-group`` adds one read-only scenario per job of that service: each read
operation the pack declares for the kind (``Pack.existing``: the resource, its training
status, its members) is sent as a GET with the user's id and judged by the response rules.
Nothing is created, changed or deleted, and nothing is put in the ledger.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from cognitive_conformance.conformance.scenarios import Scenario
from cognitive_conformance.conformance.scenarios.session import Session

__all__ = ["EXISTING_SCENARIO", "parse_existing", "existing_scenario"]

EXISTING_SCENARIO = "use-existing"


def parse_existing(text: str) -> tuple[str, str, str]:
    """``SERVICE:KIND=ID`` -> (service as typed, kind, id); raises ``ValueError`` on another shape."""
    match = re.fullmatch(r"([^:=\s]+):([^:=\s]+)=(\S+)", text.strip())
    if not match:
        raise ValueError(f"--use-existing {text!r}: expected SERVICE:KIND=ID (e.g. face:persongroup=my-group)")
    return match.group(1), match.group(2).lower(), match.group(3)


def existing_scenario(service: str, refs: tuple[tuple[str, str, tuple[str, ...]], ...]) -> Scenario:
    """One read-only scenario reading each ``(kind, id, read operationIds)`` of ``refs``."""

    def run(session: Session) -> None:
        known = {op.operation_id: op for op in session.spec.operations()}
        for _kind, resource_id, operations in refs:
            for operation_id in operations:
                operation = known.get(operation_id)
                if operation is None:  # not in this API version
                    continue
                names = re.findall(r"\{([^{}]+)\}", operation.path)
                if len(names) != 1:
                    continue
                session.call("GET", operation.path.replace("{" + names[0] + "}", quote(resource_id, safe="")))

    description = "Reads of " + ", ".join(f"{kind} {rid}" for kind, rid, _ in refs) + " (--use-existing; never written)"
    return Scenario(EXISTING_SCENARIO, service, description, run, read_only=True)
