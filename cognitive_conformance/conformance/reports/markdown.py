"""``summary.md``: a human summary of the report model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cognitive_conformance.conformance.reports.model import coverage_phases, headline, incomplete_line

__all__ = ["write", "render"]


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(data: dict[str, Any]) -> str:
    r = data["result"]
    verdict = "CONFORMANT" if r["conformant"] else ("ERROR" if r.get("error") else "NONCONFORMANT")
    if r.get("incomplete") and not r.get("errors"):
        verdict = "INCOMPLETE"
    lines = [
        f"# Conformance summary: {verdict}",
        "",
        f"- Target: `{data['target']['url']}`" + (" (embedded emulator)" if data["target"]["embeddedEmulator"] else ""),
        f"- Profile: `{data['profile']}`, seed {data['seed']}, max examples {data['maxExamples']}",
        f"- Run id: `{data['runId']}` (resources created carry the prefix `cc-{data['runId']}-`)",
        f"- Findings: {headline(data)}",
        *(f"- Note: {notice}" for notice in data.get("notices", [])),
        f"- Duration: {r['durationSeconds']} s; requests: {r['requests']}; polls: {r['polls']}; "
        f"throttled (429): {r.get('throttles', 0)}, waited {r.get('throttleWaitSeconds', 0)} s; rate-limit wait: {r.get('rateLimitWaitSeconds', 0)} s",
        "",
        "A finding is one rule broken on one operation of one API version (in one scenario); each time it was seen"
        " is an occurrence. Only error findings make a run nonconformant; warnings are listed and do not.",
    ]
    if r.get("error"):
        lines.append(f"- Error: {r['error']}")
    if r.get("incomplete"):
        lines.append(f"- {incomplete_line(data)}")
    lines += [
        "",
        "## Services",
        "",
        "| service | API versions | requests | polls | findings | errors | warnings | occurrences |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in data["services"]:
        lines.append(
            f"| {s['service']} | {', '.join(s['apiVersions'])} | {s['requests']} | {s['polls']} | {s['findings']} | "
            f"{s['errors']} | {s['warnings']} | {s['occurrences']} |"
        )
    lines += _coverage(data)
    lines += [
        "",
        "## Rules",
        "",
        "Applied = passed + failed; n/a = offered but not applicable. A rule applied 0 times is *not exercised*.",
        "",
        "| rule | kind | severity | status | applied | passed | failed | n/a | statement | source |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in data["rules"]:
        lines.append(
            f"| `{c['id']}` | {c['kind']} | {c['severity']} | {c['status']} | {c['applied']} | {c['passed']} | "
            f"{c['failed']} | {c['notApplicable']} | {_cell(c['statement'])} | {_cell(c['source'])} |"
        )
    lines += ["", "## Findings", ""]
    if not data["findings"]:
        lines.append("None.")
    for i, f in enumerate(data["findings"], 1):
        lines += [
            f"### {i}. {f['severity']}: `{f['check']}`: {f['title']}",
            "",
            f"- {f['service']} {f['apiVersion']} · {f['phase']}"
            + (f" · scenario `{f['scenario']}`" if f["scenario"] else "")
            + f" · operation `{f['operationId']}` · status {f['statusCode']} · {f['occurrences']} occurrence(s)",
            *([f"- Where: {', '.join(w for d in f['details'] for w in d.get('where', [])[:5])}"]
              if any(d.get("where") for d in f["details"]) else []),
            f"- Rule: {f['rule']}",
            f"- Source: {f['source']}",
            "",
            "```",
            f["message"],
            "```",
            "",
        ]
        if len(f["details"]) > 1:
            lines += [
                f"{len(f['details'])} distinct messages over {f['occurrences']} occurrences; junit.xml and"
                " conformance.json list each.",
                "",
            ]
        lines += [
            "Reproduce" + (" (from the report directory: the body is in `repro/`)" if "@repro/" in f["repro"] else "") + ":",
            "",
            "```sh",
            f["repro"],
            "```",
            "",
        ]
        first = f["details"][0].get("exchange") if f["details"] else None
        if first and first["request"].get("credential") == "other":
            lines += ["This request carried a wrong credential on purpose: leave its `***` as it is.", ""]
        if f.get("reproScript"):
            lines += [f"or `CONFORMANCE_KEY=<key> sh {f['reproScript']}` (it reads the key from the environment).", ""]
    lines += [
        "",
        "## Deviations from the documents",
        "",
        "What the real service is known to do differently from its documents (the recordings cited show it)."
        " Judged by the observed profile these pass; `--profile docs` fails them.",
        "",
    ]
    if not data.get("deviations"):
        lines.append("None.")
    for i, d in enumerate(data.get("deviations", []), 1):
        lines += [
            f"### D{i}. `{d['check']}`: {d['service']} {d['apiVersion']} · operation `{d['operationId']}`"
            f" · {d['occurrences']} occurrence(s)",
            "",
            f"- Documented rule: {d['rule']} (Source: {d['source']})",
            *(f"- Observed: {cite}" for cite in d["observed"]),
            *([f"- Where: {', '.join(d['where'][:5])}"] if d["where"] else []),
            "",
            "```",
            d["messages"][0] if d["messages"] else "",
            "```",
            "",
        ]
    lines += ["", "## Long-running operations", "", "| service | version | scenario | resource | statuses seen | polls | terminal | time to terminal (s) |", "|---|---|---|---|---|---|---|---|"]
    for t in data["lros"]:
        path = " → ".join(dict.fromkeys(s["status"] for s in t["statusesSeen"]))
        lines.append(
            f"| {t['service']} | {t['apiVersion']} | {t['scenario']} | `{t['resource']}` | {path} | {t['polls']} | "
            f"{t['terminalStatus']} | {t['timeToTerminalSeconds']} |"
        )
    return "\n".join(lines) + "\n"


def _coverage(data: dict[str, Any]) -> list[str]:
    """Every operation of each rendered spec run, with the exchanges sent to it (0 shown as such)."""
    lines = ["", "## Coverage", "", "Exchanges sent to each operation of the rendered spec, counted from what the run sent.", ""]
    if not data.get("coverage"):
        return lines + ["No phase counted its exchanges."]
    for t in data["coverage"]:
        phases = coverage_phases(t)
        lines += [
            f"### {t['service']} {t['apiVersion']}: {t['exercised']} of {t['total']} operations exercised",
            "",
            "| operation | method | path | " + " | ".join(phases) + " | exchanges |",
            "|---|---|---|" + "---|" * len(phases) + "---|",
        ]
        lines += [
            f"| `{o['operationId']}` | {o['method']} | `{o['path']}` | " + " | ".join(str(o.get(p, 0)) for p in phases) + f" | {o['exchanges']} |"
            for o in t["operations"]
        ]
        if t["unmatched"]:
            lines.append("| (no operation of the spec) | | | " + "| " * len(phases) + f"{t['unmatched']} |")
        lines.append("")
    return lines


def write(data: dict[str, Any], path: Path) -> Path:
    path.write_text(render(data), encoding="utf-8")
    return path
