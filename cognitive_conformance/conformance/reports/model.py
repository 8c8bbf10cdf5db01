"""Fold the event stream of one run into the report model (``conformance.json``).

The model is versioned (``schemaVersion``) and described by ``report.schema.json`` beside
this file; every writer (JSON, JUnit, Markdown) and the CLI's closing line render this model
and nothing else. It is built from events only: what the report says about a rule (its
statement, severity, source, kind, versions) comes from the ``RulesDeclared`` event.

Counts:

* per rule: ``applied`` = ``passed`` + ``failed``; ``notApplicable`` beside it; status
  ``failed`` (a finding or a failed evaluation), ``passed`` (applied at least once, never
  failed) or ``not exercised`` (applied 0 times: never ``passed``);
* headline: distinct findings (rule × service × API version × phase × operation ×
  scenario), split into ``errors`` and ``warnings``, with every ``occurrence`` beside them;
* coverage: for every service and API version run, every operation of its rendered spec with
  the exchanges sent to it in each phase and in all (0 shown as such), and the exchanges no
  operation describes (``conformance.coverage``);
* deviations: departures from the documents the real service is known to make (judged by the
  ``observed`` profile), distinct by rule × service × API version × operation, with their
  occurrences and the recordings that show the real behaviour; they never fail a run.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from typing import Any

from cognitive_conformance.conformance.events import (
    DeviationRaised,
    Event,
    LeftoversFound,
    LroCompleted,
    PhaseFinished,
    RuleEvaluated,
    RuleInfo,
    RulesDeclared,
    RunFinished,
    RunStarted,
    ScenarioFinished,
    tally_findings,
)

__all__ = ["SCHEMA_VERSION", "build", "coverage_phases", "headline", "incomplete_line", "outcome_key", "repro_script_name"]

SCHEMA_VERSION = 3
NOT_EXERCISED = "not exercised"
#: How many distinct occurrences (title, message, status) a finding keeps in the model.
MAX_DETAILS = 50
_VERDICT_FIELD = {"pass": "passed", "fail": "failed", "n/a": "notApplicable"}


def outcome_key(check: str, service: str, version: str, phase: str, operation_id: str | None, scenario: str | None) -> tuple:
    """The unit a finding, a JUnit test case and an ``outcomes`` entry are counted by."""
    return (check, service, version, phase, operation_id, scenario)


def _fallback_info(name: str, finding: dict[str, Any] | None) -> RuleInfo:
    """Metadata for a rule that was not declared (it can still appear through a finding)."""
    if finding is not None:
        return RuleInfo(
            name=name,
            statement=finding["rule"],
            source=finding["source"],
            family="scenario",
            kind="flow",
            severity=finding["severity"],
        )
    return RuleInfo(name=name, statement=f"(undeclared rule {name})", source="(unknown)", family="unknown", kind="response")


def repro_script_name(finding_key: tuple) -> str:
    """``repro/<rule>-<digest of the finding's key>.sh``: the same finding gets the same name in every run."""
    digest = hashlib.sha256("\x1f".join("" if k is None else str(k) for k in finding_key).encode("utf-8")).hexdigest()
    rule = re.sub(r"[^A-Za-z0-9_.-]", "_", str(finding_key[0]))[:60]
    return f"repro/{rule}-{digest[:10]}.sh"


def _details(occurrences: tuple) -> list[dict[str, Any]]:
    grouped: dict[tuple, dict[str, Any]] = {}
    for f in occurrences:
        key = (f.title, f.message, f.status_code)
        if key in grouped:
            grouped[key]["count"] += 1
            if f.where and len(grouped[key]["where"]) < MAX_DETAILS:
                grouped[key]["where"].append(f.where)
        elif len(grouped) < MAX_DETAILS:
            grouped[key] = {
                "title": f.title, "message": f.message, "statusCode": f.status_code, "repro": f.repro, "count": 1,
                "where": [f.where] if f.where else [],
                "exchange": None if f.exchange is None else f.exchange.to_dict(),  # of this message's first occurrence
            }
    return list(grouped.values())


def _deviations(events: list[Event]) -> list[dict[str, Any]]:
    grouped: dict[tuple, dict[str, Any]] = {}
    for e in events:
        if not isinstance(e, DeviationRaised):
            continue
        d = e.deviation
        entry = grouped.get(d.key())
        if entry is None:
            entry = grouped[d.key()] = {**d.to_dict(), "occurrences": 0, "messages": [], "where": []}
            del entry["where"]
            entry["where"] = []
        entry["occurrences"] += 1
        if d.message not in entry["messages"] and len(entry["messages"]) < MAX_DETAILS:
            entry["messages"].append(d.message)
        if d.where and len(entry["where"]) < MAX_DETAILS:
            entry["where"].append(d.where)
        for cite in d.observed:
            if cite not in entry["observed"]:
                entry["observed"].append(cite)
    return list(grouped.values())


def build(events: list[Event]) -> dict[str, Any]:
    start = next((e for e in events if isinstance(e, RunStarted)), None)
    finish = next((e for e in reversed(events) if isinstance(e, RunFinished)), None)
    declared: dict[str, RuleInfo] = {}
    for e in events:
        if isinstance(e, RulesDeclared):
            for info in e.rules:
                declared.setdefault(info.name, info)

    tally = tally_findings(events)
    findings: list[dict[str, Any]] = []
    for first, occurrences in tally.groups:
        entry = first.to_dict()
        entry["occurrences"] = len(occurrences)
        entry["details"] = _details(occurrences)
        # the script that sends the first occurrence's request (the finding's repro) again
        entry["reproScript"] = None if first.exchange is None else repro_script_name(first.key())
        findings.append(entry)
    finding_at = {outcome_key(f["check"], f["service"], f["apiVersion"], f["phase"], f["operationId"], f["scenario"]): f
                  for f in findings}

    # per (rule, service, version, phase, operation, scenario): verdict counts and the n/a reasons
    outcomes: dict[tuple, dict[str, Any]] = {}
    per_rule: dict[str, Counter] = defaultdict(Counter)
    reasons: dict[str, Counter] = defaultdict(Counter)
    for e in events:
        if not isinstance(e, RuleEvaluated):
            continue
        field = _VERDICT_FIELD.get(e.verdict, "notApplicable")
        n = e.count
        per_rule[e.check][field] += n
        key = outcome_key(e.check, e.service, e.version, e.phase, e.operation_id, e.scenario)
        entry = outcomes.get(key)
        if entry is None:
            entry = outcomes[key] = {
                "rule": e.check, "service": e.service, "apiVersion": e.version, "phase": e.phase,
                "operationId": e.operation_id, "scenario": e.scenario,
                "passed": 0, "failed": 0, "notApplicable": 0, "reason": None,
            }
        entry[field] += n
        if e.verdict == "n/a" and e.reason:
            reasons[e.check][e.reason] += n
            entry["reason"] = entry["reason"] or e.reason
    for key, f in finding_at.items():
        if key not in outcomes:  # a finding without an evaluation (e.g. a broken documented flow)
            outcomes[key] = {
                "rule": f["check"], "service": f["service"], "apiVersion": f["apiVersion"], "phase": f["phase"],
                "operationId": f["operationId"], "scenario": f["scenario"],
                "passed": 0, "failed": f["occurrences"], "notApplicable": 0, "reason": None,
            }
            per_rule[f["check"]]["failed"] += f["occurrences"]
    for key, entry in outcomes.items():
        f = finding_at.get(key)
        entry["applied"] = entry["passed"] + entry["failed"]
        entry["finding"] = None if f is None else {"severity": f["severity"], "occurrences": f["occurrences"]}

    names = list(declared) + [n for n in per_rule if n not in declared]
    first_finding = {}
    for f in findings:
        first_finding.setdefault(f["check"], f)
    rules = []
    for name in names:
        info = declared.get(name) or _fallback_info(name, first_finding.get(name))
        counts = per_rule.get(name, Counter())
        passed, failed, na = counts["passed"], counts["failed"], counts["notApplicable"]
        distinct = [f for f in findings if f["check"] == name]
        status = "failed" if failed or distinct else ("passed" if passed else NOT_EXERCISED)
        rules.append(
            {
                **info.to_dict(),
                "applied": passed + failed,
                "passed": passed,
                "failed": failed,
                "notApplicable": na,
                "findings": len(distinct),
                "status": status,
                "notApplicableReasons": [{"reason": r, "count": n} for r, n in reasons[name].most_common(5)],
            }
        )
    rules.sort(key=lambda r: (r["family"], r["id"]))

    phases = [
        {
            "service": e.service,
            "apiVersion": e.version,
            "phase": e.phase,
            "durationSeconds": round(e.duration_s, 3),
            "requests": e.requests,
            "throttles": e.throttles,
            "throttleWaitSeconds": round(e.throttle_wait_s, 3),
            "rateLimitWaitSeconds": round(e.rate_wait_s, 3),
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
    deviations = _deviations(events)
    empty = {"findings": 0, "errors": 0, "warnings": 0, "occurrences": 0, "requests": 0, "polls": 0}
    by_service: dict[str, dict[str, Any]] = defaultdict(lambda: dict(empty))
    for f in findings:
        s = by_service[f["service"]]
        s["findings"] += 1
        s["warnings" if f["severity"] == "warning" else "errors"] += 1
        s["occurrences"] += f["occurrences"]
    for p in phases:
        by_service[p["service"]]["requests"] += p["requests"]
    for t in lros:
        by_service[t["service"]]["polls"] += t["polls"]
    return {
        "schemaVersion": SCHEMA_VERSION,
        "tool": "cognitive-conformance",
        "runId": start.run_id if start else None,
        "notices": list(start.notices) if start else [],
        "startedAt": start.started_at if start else None,
        "target": {"url": start.target if start else None, "embeddedEmulator": bool(start and start.embedded)},
        "services": [
            {"service": s, "apiVersions": list(v), **by_service.get(s, dict(empty))}
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
            "findings": tally.findings,
            "errors": tally.errors,
            "warnings": tally.warnings,
            "occurrences": tally.occurrences,
            "deviations": len(deviations),
            "throttles": sum(p["throttles"] for p in phases),
            "throttleWaitSeconds": round(sum(p["throttleWaitSeconds"] for p in phases), 3),
            "rateLimitWaitSeconds": round(sum(p["rateLimitWaitSeconds"] for p in phases), 3),
            "error": finish.error if finish else "run did not finish",
            "leftovers": [
                {"service": e.service, "apiVersion": e.version, "path": path, "status": status, "reason": reason}
                for e in events
                if isinstance(e, LeftoversFound)
                for path, status, reason in e.leftovers
            ],
            # A stopped run (a budget ran out, a signal): {"reason": "max-requests"|"max-time"|"interrupted", ...}
            "incomplete": (finish.extra or {}).get("incomplete") if finish else None,
        },
        "phases": phases,
        "coverage": _coverage(events, start),
        "rules": rules,
        "outcomes": sorted(outcomes.values(), key=_outcome_order),
        "scenarios": scenarios,
        "findings": findings,
        "deviations": deviations,
        "lros": lros,
        "har": None,  # the run's traffic.har, when its jobs recorded one: filled in by reports.write_all
    }


def _coverage(events: list[Event], start: RunStarted | None) -> list[dict[str, Any]]:
    """Per service and API version whose phases counted their exchanges: every operation and its exchanges."""
    tables: dict[tuple[str, str], dict[str, Any]] = {}
    for e in events:
        if not isinstance(e, PhaseFinished) or not e.operations:
            continue
        table = tables.setdefault((e.service, e.version), {"service": e.service, "apiVersion": e.version, "operations": {}, "unmatched": 0})
        table["unmatched"] += e.unmatched
        for op, where in e.operations.items():
            method, _, path = where.partition(" ")
            row = table["operations"].setdefault(op, {"operationId": op, "method": method, "path": path, "stateless": 0, "stateful": 0, "exchanges": 0})
            row[e.phase] = row.get(e.phase, 0) + e.exchanges.get(op, 0)  # "traffic" for judged recordings
            row["exchanges"] += e.exchanges.get(op, 0)
    order = {(s, v): i for i, (s, v) in enumerate((s, v) for s, vs in (start.versions.items() if start else []) for v in vs)}
    out = []
    for key in sorted(tables, key=lambda k: (order.get(k, len(order)), k)):
        table = tables[key]
        rows = list(table["operations"].values())
        out.append({**table, "operations": rows, "exercised": sum(1 for r in rows if r["exchanges"]), "total": len(rows)})
    return out


def coverage_phases(table: dict[str, Any]) -> list[str]:
    """The phase columns a coverage table shows: ``traffic`` for judged recordings, else the run's two phases."""
    return ["traffic"] if any("traffic" in row for row in table["operations"]) else ["stateless", "stateful"]


def _outcome_order(o: dict[str, Any]) -> tuple:
    return (o["service"], o["apiVersion"], o["phase"], o["scenario"] or "", o["operationId"] or "", o["rule"])


def incomplete_line(data: dict[str, Any]) -> str:
    """One line saying why a run is incomplete (``""`` for a complete one); summary.md and the CLI print it."""
    inc = data["result"].get("incomplete")
    if not inc:
        return ""
    why = {
        "max-requests": f"--max-requests {inc.get('maxRequests')} ran out",
        "max-time": f"--max-time {inc.get('maxTimeSeconds')} s ran out",
        "interrupted": "interrupted by a signal",
    }.get(inc["reason"], inc["reason"])
    text = (
        f"INCOMPLETE ({inc['reason']}): {why}; {inc.get('budgetedRequests', 0)} requests within the budget, "
        f"{inc.get('cleanupRequests', 0)} cleanup requests; rules not reached are not exercised"
    )
    if inc.get("aborted"):
        text += "; the cleanup was aborted, not cleaned: " + (", ".join(inc.get("notCleaned") or []) or "unknown")
    return text


def headline(data: dict[str, Any]) -> str:
    """The counts every output prints: ``3 findings (2 errors, 1 warning), 84 occurrences``."""
    r = data["result"]

    def plural(n: int, word: str) -> str:
        return f"{n} {word}" + ("" if n == 1 else "s")

    text = (
        f"{plural(r['findings'], 'finding')} ({plural(r['errors'], 'error')}, {plural(r['warnings'], 'warning')}), "
        f"{plural(r['occurrences'], 'occurrence')}"
    )
    if r.get("deviations"):
        text += f"; {plural(r['deviations'], 'deviation')} from the documents"
    return text
