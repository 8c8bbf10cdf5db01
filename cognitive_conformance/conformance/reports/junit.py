"""``junit.xml``: one test case per rule × operation × API version (× scenario), for CI dashboards.

* one ``<testsuite>`` per service and API version, named ``<service>@<version>`` (``face@v1.2``),
  whose ``tests``, ``failures``, ``errors`` and ``skipped`` are counted from its cases: ``tests``
  the report's ``outcomes`` of that service and version (plus a scenario that could not end),
  ``failures`` its error findings, ``skipped`` its outcomes that never applied;
* one ``<testcase>`` per ``outcomes`` entry of ``conformance.json``, that is per rule and
  operation (stateless), or per rule, operation and scenario (stateful), with classname
  ``<service>.<version>.<phase>[.<scenario>]`` and the name ``<rule>[<operationId>]`` followed by
  where it ran, ``(<service>@<version> <phase>[ <scenario>])``: a name never repeats within a run,
  even for a dashboard that reads the name alone, and is the same in every run that judges the
  same things (it holds no run id, no count, no time);
* a case with an **error** finding holds exactly one ``<failure>`` listing every occurrence;
  a **warning** finding does not fail its case (the run is still conformant): it is written
  to the case's ``<system-out>`` and property ``severity=warning``;
* a case whose rule never applied is ``<skipped>`` with the n/a reason;
* a scenario that could not run to its end, and a run that failed, are ``<error>`` cases.

So ``failures`` (summed over the file) equals the report's error findings.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

__all__ = ["write", "render", "case_name", "suite_name"]


def suite_name(service: str, version: str) -> str:
    return f"{service}@{version}"


def _where(outcome: dict[str, Any]) -> str:
    where = f"{suite_name(outcome['service'], outcome['apiVersion'])} {outcome['phase']}"
    return where + (f" {outcome['scenario']}" if outcome.get("scenario") else "")


def case_name(outcome: dict[str, Any]) -> tuple[str, str]:
    """(classname, name) of the test case for one rule × operation × version (× scenario)."""
    classname = f"{outcome['service']}.{outcome['apiVersion']}.{outcome['phase']}"
    if outcome.get("scenario"):
        classname += f".{outcome['scenario']}"
    return classname, f"{outcome['rule']}[{outcome['operationId'] or '-'}] ({_where(outcome)})"


def _occurrences_text(f: dict[str, Any]) -> str:
    lines = [
        f"Rule: {f['rule']}",
        f"Source: {f['source']}",
        f"Severity: {f['severity']}",
        f"Operation: {f['operationId']} ({f['service']} {f['apiVersion']}, {f['phase']}"
        + (f", scenario {f['scenario']}" if f["scenario"] else "") + ")",
        f"Occurrences: {f['occurrences']}",
    ]
    if f.get("reproScript"):
        lines.append(f"Repro script: {f['reproScript']} (in the report directory; reads CONFORMANCE_KEY)")
    for i, d in enumerate(f["details"], 1):
        lines += [
            "",
            f"--- occurrence {i}" + (f" (seen {d['count']}x)" if d["count"] > 1 else "") + f": {d['title']}"
            + (f", status {d['statusCode']}" if d["statusCode"] is not None else ""),
            d["message"],
        ]
        if d["repro"]:
            lines.append(f"Repro: {d['repro']}")
    shown = sum(d["count"] for d in f["details"])
    if shown < f["occurrences"]:
        lines += ["", f"... {f['occurrences'] - shown} more occurrence(s) not listed"]
    return "\n".join(lines)


def render(data: dict[str, Any]) -> ET.Element:
    findings = {
        (f["check"], f["service"], f["apiVersion"], f["phase"], f["operationId"], f["scenario"]): f for f in data["findings"]
    }
    suites: dict[tuple[str, str], list[ET.Element]] = defaultdict(list)
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"failures": 0, "errors": 0, "skipped": 0})
    durations: dict[tuple[str, str], float] = defaultdict(float)
    for p in data["phases"]:
        durations[(p["service"], p["apiVersion"])] += p["durationSeconds"]
        suites[(p["service"], p["apiVersion"])]

    for o in data["outcomes"]:
        suite_key = (o["service"], o["apiVersion"])
        classname, name = case_name(o)
        case = ET.Element("testcase", classname=classname, name=name, time="0.000")
        f = findings.get((o["rule"], o["service"], o["apiVersion"], o["phase"], o["operationId"], o["scenario"]))
        if f is not None and f["severity"] != "warning":
            failure = ET.SubElement(
                case,
                "failure",
                message=f"[{f['check']}] {f['title']} ({f['occurrences']} occurrence{'s' if f['occurrences'] != 1 else ''})",
                type=f["check"],
            )
            failure.text = _occurrences_text(f)
            counts[suite_key]["failures"] += 1
        elif f is not None:
            props = ET.SubElement(case, "properties")
            ET.SubElement(props, "property", name="severity", value="warning")
            ET.SubElement(props, "property", name="occurrences", value=str(f["occurrences"]))
            out = ET.SubElement(case, "system-out")
            out.text = f"warning: [{f['check']}] {f['title']}\n" + _occurrences_text(f)
        elif o["applied"] == 0:
            ET.SubElement(case, "skipped", message=f"not applicable: {o['reason'] or 'no reason given'}")
            counts[suite_key]["skipped"] += 1
        suites[suite_key].append(case)

    for s in data["scenarios"]:
        if s.get("error"):
            suite_key = (s["service"], s["apiVersion"])
            where = {"service": s["service"], "apiVersion": s["apiVersion"], "phase": "stateful", "scenario": s["scenario"]}
            case = ET.Element(
                "testcase",
                classname=f"{s['service']}.{s['apiVersion']}.stateful.{s['scenario']}",
                name=f"scenario ({_where(where)})",
                time=f"{s['durationSeconds']:.3f}",
            )
            error = ET.SubElement(case, "error", message=s["error"], type="scenario")
            error.text = s["error"]
            counts[suite_key]["errors"] += 1
            suites[suite_key].append(case)

    root = ET.Element("testsuites", name="cognitive-conformance")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for key in sorted(suites):
        cases = suites[key]
        suite = ET.SubElement(root, "testsuite", name=suite_name(*key))
        suite.set("tests", str(len(cases)))
        for field in ("failures", "errors", "skipped"):
            suite.set(field, str(counts[key][field]))
            totals[field] += counts[key][field]
        suite.set("time", f"{durations.get(key, 0.0):.3f}")
        suite.extend(cases)
        totals["tests"] += len(cases)
    error = data["result"].get("error")
    if error:
        err_suite = ET.SubElement(root, "testsuite", name="run", tests="1", failures="0", errors="1", skipped="0")
        case = ET.SubElement(err_suite, "testcase", classname="run", name="run")
        ET.SubElement(case, "error", message=error).text = error
        totals["tests"] += 1
        totals["errors"] += 1
    for field, value in totals.items():
        root.set(field, str(value))
    return root


def write(data: dict[str, Any], path: Path) -> Path:
    root = render(data)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path
