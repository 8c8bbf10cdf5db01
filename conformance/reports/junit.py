"""``junit.xml``: one test suite per (service, API version, phase); one test case per
operation (stateless) or scenario (stateful); a failure per finding."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

__all__ = ["write"]


def write(data: dict[str, Any], path: Path) -> Path:
    suites: dict[tuple[str, str, str], dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    # cases come from findings, scenarios and phases
    for f in data["findings"]:
        name = f["scenario"] or f["operationId"] or "(unknown operation)"
        suites[(f["service"], f["apiVersion"], f["phase"])][name].append(f)
    for s in data["scenarios"]:
        suites[(s["service"], s["apiVersion"], "stateful")].setdefault(s["scenario"], [])
    for p in data["phases"]:
        suites[(p["service"], p["apiVersion"], p["phase"])]
    durations = {(p["service"], p["apiVersion"], p["phase"]): p["durationSeconds"] for p in data["phases"]}
    scenario_time = {(s["service"], s["apiVersion"], s["scenario"]): s["durationSeconds"] for s in data["scenarios"]}
    scenario_error = {(s["service"], s["apiVersion"], s["scenario"]): s.get("error") for s in data["scenarios"]}
    root = ET.Element("testsuites", name="cognitive-conformance")
    total_tests = total_failures = 0
    for (service, version, phase), cases in sorted(suites.items()):
        suite = ET.SubElement(root, "testsuite", name=f"{service} {version} {phase}")
        failures = 0
        if phase == "stateless" and not cases:
            cases = {"all operations": []}
        for name, found in sorted(cases.items()):
            t = scenario_time.get((service, version, name), 0.0)
            case = ET.SubElement(suite, "testcase", classname=f"{service}.{version}.{phase}", name=name, time=f"{t:.3f}")
            for f in found:
                failure = ET.SubElement(case, "failure", message=f"[{f['check']}] {f['title']}", type=f["check"])
                failure.text = (
                    f"{f['message']}\nRule: {f['rule']}\nSource: {f['source']}\nOperation: {f['operationId']}\n"
                    f"Occurrences: {f['occurrences']}\nRepro: {f['repro']}"
                )
            err = scenario_error.get((service, version, name))
            if err and not found:
                failure = ET.SubElement(case, "failure", message=err, type="scenario")
                failure.text = err
                found = [err]
            if found:
                failures += 1
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("time", f"{durations.get((service, version, phase), 0.0):.3f}")
        total_tests += len(cases)
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    if data["result"].get("error"):
        err_suite = ET.SubElement(root, "testsuite", name="run", tests="1", failures="0", errors="1")
        case = ET.SubElement(err_suite, "testcase", classname="run", name="run")
        error = ET.SubElement(case, "error", message=data["result"]["error"])
        error.text = data["result"]["error"]
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path
