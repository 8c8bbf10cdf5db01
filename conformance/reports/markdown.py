"""``summary.md``: a human summary of the report model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["write", "render"]


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(data: dict[str, Any]) -> str:
    r = data["result"]
    verdict = "CONFORMANT" if r["conformant"] else ("ERROR" if r.get("error") else "NONCONFORMANT")
    lines = [
        f"# Conformance summary: {verdict}",
        "",
        f"- Target: `{data['target']['url']}`" + (" (embedded emulator)" if data["target"]["embeddedEmulator"] else ""),
        f"- Profile: `{data['profile']}`, seed {data['seed']}, max examples {data['maxExamples']}",
        f"- Run id: `{data['runId']}` (resources created carry the prefix `cc-{data['runId']}-`)",
        f"- Duration: {r['durationSeconds']} s; requests: {r['requests']}; polls: {r['polls']}; findings: {r['findings']}",
    ]
    if r.get("error"):
        lines.append(f"- Error: {r['error']}")
    lines += ["", "## Services", "", "| service | API versions | requests | polls | findings |", "|---|---|---|---|---|"]
    for s in data["services"]:
        lines.append(f"| {s['service']} | {', '.join(s['apiVersions'])} | {s['requests']} | {s['polls']} | {s['findings']} |")
    lines += ["", "## Checks", "", "| check | status | passed | failed | rule | source |", "|---|---|---|---|---|---|"]
    for c in data["checks"]:
        lines.append(
            f"| `{c['check']}` | {c['status']} | {c['passed']} | {c['failed']} | {_cell(c['rule'])} | {_cell(c['source'])} |"
        )
    lines += ["", "## Findings", ""]
    if not data["findings"]:
        lines.append("None.")
    for i, f in enumerate(data["findings"], 1):
        lines += [
            f"### {i}. `{f['check']}`: {f['title']}",
            "",
            f"- {f['service']} {f['apiVersion']} · {f['phase']}"
            + (f" · scenario `{f['scenario']}`" if f["scenario"] else "")
            + f" · operation `{f['operationId']}` · status {f['statusCode']} · seen {f['occurrences']}×",
            f"- Rule: {f['rule']}",
            f"- Source: {f['source']}",
            "",
            "```",
            f["message"],
            "```",
            "",
            "Reproduce:",
            "",
            "```sh",
            f["repro"],
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


def write(data: dict[str, Any], path: Path) -> Path:
    path.write_text(render(data), encoding="utf-8")
    return path
