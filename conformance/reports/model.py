"""Fold the event stream of one run into the report model (``conformance.json``).

The model is versioned (``schemaVersion``) and described by ``report.schema.json`` beside
this file; every writer (JSON, JUnit, Markdown) renders this model and nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from conformance.events import (
    RuleEvaluated,
    Event,
    FindingRaised,
    LroCompleted,
    PhaseFinished,
    RunFinished,
    RunStarted,
    ScenarioFinished,
)

__all__ = ["SCHEMA_VERSION", "build"]

SCHEMA_VERSION = 1


def build(events: list[Event]) -> dict[str, Any]:
    start = next((e for e in events if isinstance(e, RunStarted)), None)
    finish = next((e for e in reversed(events) if isinstance(e, RunFinished)), None)
    from conformance.checks.registry import all_rules

    registry = {c.name: c for c in all_rules()}
    checks: dict[str, dict[str, Any]] = {}
    for e in events:
        if isinstance(e, RuleEvaluated):
            entry = checks.setdefault(e.check, {"check": e.check, "passed": 0, "failed": 0, "notApplicable": 0})
            entry[{"pass": "passed", "fail": "failed"}.get(e.verdict, "notApplicable")] += 1
    findings: dict[tuple, dict[str, Any]] = {}
    for e in events:
        if isinstance(e, FindingRaised):
            k = e.finding.key()
            if k in findings:
                findings[k]["occurrences"] += 1
            else:
                findings[k] = e.finding.to_dict()
            checks.setdefault(e.finding.check, {"check": e.finding.check, "passed": 0, "failed": 0, "notApplicable": 0})
    for name, entry in checks.items():
        c = registry.get(name)
        entry["rule"] = c.rule if c else f"Schemathesis built-in check `{name}`" if name != "documented_flow" else "The documented request sequence can be followed"
        entry["source"] = c.source if c else "Schemathesis over specs/<service>.yaml"
        entry["family"] = c.family if c else "schemathesis"
        failed = entry["failed"] or any(f["check"] == name for f in findings.values())
        entry["status"] = "failed" if failed else ("passed" if entry["passed"] else "not exercised")
    phases = [
        {
            "service": e.service,
            "apiVersion": e.version,
            "phase": e.phase,
            "durationSeconds": round(e.duration_s, 3),
            "requests": e.requests,
        }
        for e in events
        if isinstance(e, PhaseFinished)
    ]
    scenarios = [
        {
            "service": e.service,
            "apiVersion": e.version,
            "scenario": e.scenario,
            "passed": e.passed,
            "durationSeconds": round(e.duration_s, 3),
            "error": e.error,
        }
        for e in events
        if isinstance(e, ScenarioFinished)
    ]
    lros = [e.timeline.to_dict() for e in events if isinstance(e, LroCompleted)]
    by_service: dict[str, dict[str, Any]] = defaultdict(lambda: {"findings": 0, "requests": 0, "polls": 0})
    for f in findings.values():
        by_service[f["service"]]["findings"] += 1
    for p in phases:
        by_service[p["service"]]["requests"] += p["requests"]
    for t in lros:
        by_service[t["service"]]["polls"] += t["polls"]
    return {
        "schemaVersion": SCHEMA_VERSION,
        "tool": "cognitive-conformance",
        "runId": start.run_id if start else None,
        "startedAt": start.started_at if start else None,
        "target": {"url": start.target if start else None, "embeddedEmulator": bool(start and start.embedded)},
        "services": [
            {"service": s, "apiVersions": list(v), **by_service.get(s, {"findings": 0, "requests": 0, "polls": 0})}
            for s, v in (start.versions.items() if start else [])
        ],
        "profile": start.profile if start else None,
        "seed": start.seed if start else None,
        "maxExamples": start.max_examples if start else None,
        "result": {
            "exitCode": finish.exit_code if finish else None,
            "conformant": bool(finish and finish.exit_code == 0),
            "durationSeconds": round(finish.duration_s, 3) if finish else None,
            "requests": finish.requests if finish else 0,
            "polls": finish.polls if finish else 0,
            "findings": len(findings),
            "error": finish.error if finish else "run did not finish",
        },
        "phases": phases,
        "checks": sorted(checks.values(), key=lambda c: (c["family"], c["check"])),
        "scenarios": scenarios,
        "findings": list(findings.values()),
        "lros": lros,
    }
