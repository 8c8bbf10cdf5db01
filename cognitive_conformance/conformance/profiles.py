"""The two profiles, and the deviations between them.

* ``observed`` (the default) judges what the real service is known to do: the spec's
  ``x-profile-overrides: {observed: ...}`` loosen the documented form where recorded traffic
  of the real service departs from it (each such override carries ``x-observed`` citations of
  the recordings, shipped in ``tests/reference/recordings/``).
* ``docs`` judges the documents literally: the spec as written.

Under ``observed``, every rule that passed (or did not apply) is judged once more against the
documents; where the documents fail it, the departure is a :class:`~conformance.events.Deviation`:
reported with the recordings that show the real behaviour, never a failure. Under ``docs`` the
same departure is a finding. So a checker pointed at the real service calls it conformant and
still says where it departs from its documents.
"""

from __future__ import annotations

import functools
from typing import Any

from cognitive_conformance.conformance.checks.registry import FAIL, Rule, judge
from cognitive_conformance.conformance.context import CheckContext
from cognitive_conformance.conformance.events import Deviation
from cognitive_conformance.conformance.spec import Spec

__all__ = ["DEFAULT_PROFILE", "DOCS", "OBSERVED", "docs_twin", "observed_citations", "response_deviation", "flow_deviation"]

OBSERVED, DOCS = "observed", "docs"
DEFAULT_PROFILE = OBSERVED

_OBSERVED_KEY = "x-observed"


@functools.lru_cache(maxsize=64)
def _docs_spec(service: str, version: str) -> Spec:
    return Spec(service, version, DOCS)


def docs_twin(spec: Spec) -> Spec | None:
    """The documents-literal spec of the same service and version (``None`` when ``spec`` is that already)."""
    if spec.profile == DOCS:
        return None
    return _docs_spec(spec.service, spec.version)


def response_deviation(rule: Rule, ctx: CheckContext, record: Any, *, phase: str, where: str | None = None) -> Deviation | None:
    """The deviation ``record`` shows for response rule ``rule`` (which passed or was n/a under ``ctx.spec``), if any."""
    twin = docs_twin(ctx.spec)
    if twin is None:
        return None
    operation = None
    if ctx.operation is not None:
        try:
            operation = twin.operation(ctx.operation.operation_id)
        except KeyError:
            operation = None
    outcome = judge(rule, CheckContext(spec=twin, operation=operation, history=ctx.history), record)
    status = getattr(record, "status_code", None)
    return _deviation(rule, outcome, ctx.spec, phase=phase, operation_id=ctx.operation_id, status_code=status, where=where)


def flow_deviation(
    rule: Rule, spec: Spec, evidence: Any, *, phase: str, operation_id: str | None, scenario: str | None = None,
    where: str | None = None,
) -> Deviation | None:
    """The deviation ``evidence`` shows for flow rule ``rule`` (which passed or was n/a under ``spec``), if any."""
    twin = docs_twin(spec)
    if twin is None:
        return None
    outcome = judge(rule, twin, evidence)
    return _deviation(rule, outcome, spec, phase=phase, operation_id=operation_id, scenario=scenario, where=where)


def _deviation(
    rule: Rule, outcome: Any, spec: Spec, *, phase: str, operation_id: str | None, status_code: int | None = None,
    scenario: str | None = None, where: str | None = None,
) -> Deviation | None:
    """The documents' failure ``outcome`` as a Deviation of ``spec`` (``None`` when the documents did not fail it)."""
    if outcome.verdict != FAIL or outcome.failure is None:
        return None
    return Deviation(
        check=rule.name,
        rule=rule.statement,
        source=rule.source,
        message=outcome.failure.describe(),
        service=spec.service,
        version=spec.version,
        phase=phase,
        operation_id=operation_id,
        status_code=status_code,
        scenario=scenario,
        observed=observed_citations(spec, operation_id, status_code),
        where=where,
    )


def observed_citations(spec: Spec, operation_id: str | None, status_code: int | None) -> tuple[str, ...]:
    """The ``x-observed`` citations reachable from one operation (one response status, if given) of ``spec``."""
    if operation_id is None:
        return ()
    return _citations(id(spec), spec, operation_id, status_code)


@functools.lru_cache(maxsize=512)
def _citations(_spec_id: int, spec: Spec, operation_id: str, status_code: int | None) -> tuple[str, ...]:
    try:
        operation = spec.operation(operation_id)
    except KeyError:
        return ()
    definition = dict(operation.definition)
    responses = definition.get("responses") or {}
    if status_code is not None and isinstance(responses, dict):
        chosen = responses.get(str(status_code)) or responses.get(f"{str(status_code)[0]}XX") or responses.get("default")
        definition["responses"] = {str(status_code): chosen} if chosen is not None else {}
    found: list[str] = []
    _collect(spec.document, definition, found, set())
    return tuple(dict.fromkeys(found))


def _collect(root: dict, node: Any, found: list[str], seen: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
            seen.add(ref)
            target: Any = root
            for part in ref[2:].split("/"):
                target = target.get(part) if isinstance(target, dict) else None
            _collect(root, target, found, seen)
        for key, value in node.items():
            if key == _OBSERVED_KEY:
                found.extend(_format(item) for item in (value if isinstance(value, list) else [value]))
            elif key != "$ref":
                _collect(root, value, found, seen)
    elif isinstance(node, list):
        for item in node:
            _collect(root, item, found, seen)


def _format(item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    entries = item.get("entries")
    where = str(item.get("recording", ""))
    if entries:
        where += " entr" + ("y " if len(entries) == 1 else "ies ") + ", ".join(str(e) for e in entries)
    shows = item.get("shows")
    return f"{where}: {shows}" if shows else where
