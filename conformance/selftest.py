"""The checker's self-test: its mutation score over the emulator's fault catalogue.

A checker that passes a faithful target proves little. :func:`run_selftest` runs the
checker against the embedded emulator once per named fault (each breaks exactly one
documented rule and names the check that should catch it) and once with no fault (the
false-positive control). A fault is *caught* when its expected check raises a finding;
the score is caught / total, and a sound checker scores 100 % with a clean control.

The catalogue comes from ``python -m emulator --list-faults`` (JSON): the checker never
imports the emulator. Each fault is checked against its own service and API version, with
both phases (the stateless phase on a small example budget), in parallel worker processes.
"""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from conformance import runner, spec as spec_module
from conformance.events import Event, FindingRaised, RunFinished, RunStarted

__all__ = ["FaultResult", "SelftestResult", "load_catalogue", "run_selftest", "render_table"]


@dataclass(frozen=True)
class FaultResult:
    fault: str
    service: str
    api_version: str
    expected_check: str
    caught: bool
    fired: tuple[str, ...]
    first_finding_s: float | None  # seconds from the run's start to its first finding
    expected_first_s: float | None  # ... to the first finding of the expected check
    duration_s: float
    exit_code: int
    breaks: str = ""
    error: str | None = None


@dataclass
class SelftestResult:
    faults: list[FaultResult]
    control_findings: list[dict[str, Any]]
    control_exit_code: int
    control_duration_s: float
    duration_s: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def caught(self) -> int:
        return sum(1 for f in self.faults if f.caught)

    @property
    def score(self) -> float:
        return self.caught / len(self.faults) if self.faults else 0.0

    @property
    def control_clean(self) -> bool:
        return self.control_exit_code == runner.EXIT_OK and not self.control_findings

    @property
    def passed(self) -> bool:
        return bool(self.faults) and self.caught == len(self.faults) and self.control_clean

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "caught": self.caught,
            "total": len(self.faults),
            "controlClean": self.control_clean,
            "controlFindings": self.control_findings,
            "durationSeconds": round(self.duration_s, 2),
            "faults": [asdict(f) for f in self.faults],
        }


def load_catalogue() -> list[dict[str, Any]]:
    """The emulator's fault catalogue, read from ``python -m emulator --list-faults``."""
    proc = subprocess.run(
        [sys.executable, "-m", "emulator", "--list-faults"], capture_output=True, text=True, timeout=60
    )
    if proc.returncode != 0:
        raise runner.ConfigError(f"could not read the fault catalogue: {proc.stderr.strip()[-1000:]}")
    return json.loads(proc.stdout)


@dataclass(frozen=True)
class _Options:
    max_examples: int
    poll_timeout_s: float
    training_seconds: float
    seed: int


def _observe(config: runner.RunConfig) -> tuple[runner.RunResult, float | None, dict[str, float]]:
    started: dict[str, float] = {}
    first: dict[str, float] = {}

    def on_event(event: Event) -> None:
        now = time.monotonic()
        if isinstance(event, RunStarted):
            started["t"] = now
        elif isinstance(event, FindingRaised):
            first.setdefault("any", now - started.get("t", now))
            first.setdefault(event.finding.check, now - started.get("t", now))

    result = runner.run(config, on_event=on_event)
    return result, first.pop("any", None), first


def _run_fault(args: tuple[dict[str, Any], _Options]) -> FaultResult:
    entry, options = args
    service = entry["service"]
    version = entry.get("api_version") or spec_module.default_api_version(service)
    t0 = time.monotonic()
    config = runner.RunConfig(
        services=(service,),
        api_versions=(version,),
        seed=options.seed,
        max_examples=options.max_examples,
        poll_timeout_s=options.poll_timeout_s,
        emulator_training_seconds=options.training_seconds,
        emulator_faults=(entry["name"],),
        workers=1,
    )
    result, first_any, first_by_check = _observe(config)
    fired = tuple(sorted({f.check for f in result.findings}))
    finish = next((e for e in reversed(result.events) if isinstance(e, RunFinished)), None)
    return FaultResult(
        fault=entry["name"],
        service=service,
        api_version=version,
        expected_check=entry["expected_check"],
        caught=entry["expected_check"] in fired,
        fired=fired,
        first_finding_s=None if first_any is None else round(first_any, 3),
        expected_first_s=None if entry["expected_check"] not in first_by_check else round(first_by_check[entry["expected_check"]], 3),
        duration_s=round(time.monotonic() - t0, 2),
        exit_code=result.exit_code,
        breaks=entry.get("breaks", ""),
        error=finish.error if finish else None,
    )


def _run_control(options: _Options, services: tuple[str, ...]) -> tuple[list[dict[str, Any]], int, float]:
    t0 = time.monotonic()
    config = runner.RunConfig(
        services=services,
        api_versions=tuple(sorted({spec_module.default_api_version(s) for s in services})),
        seed=options.seed,
        max_examples=options.max_examples,
        poll_timeout_s=options.poll_timeout_s,
        emulator_training_seconds=options.training_seconds,
        workers=1,
    )
    result = runner.run(config)
    return [f.to_dict() for f in result.findings], result.exit_code, time.monotonic() - t0


def run_selftest(
    *,
    faults: tuple[str, ...] = (),
    services: tuple[str, ...] = (),
    workers: int = 2,
    max_examples: int = 2,
    poll_timeout_s: float = 5.0,
    training_seconds: float = 0.2,
    seed: int = 0,
) -> SelftestResult:
    """Run the checker under every selected fault, and once with none (the control)."""
    t0 = time.monotonic()
    catalogue = load_catalogue()
    known = {e["name"] for e in catalogue}
    unknown = [f for f in faults if f not in known]
    if unknown:
        raise runner.ConfigError(f"unknown fault(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    selected = [e for e in catalogue if (not faults or e["name"] in faults) and (not services or e["service"] in services)]
    options = _Options(max_examples, poll_timeout_s, training_seconds, seed)
    control_services = tuple(sorted({e["service"] for e in selected})) or tuple(services) or tuple(spec_module.services())
    jobs = [(e, options) for e in selected]
    if workers > 1 and len(jobs) > 1 and "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(min(workers, len(jobs))) as pool:
            control = pool.apply_async(_run_control, (options, control_services))
            results = pool.map(_run_fault, jobs, chunksize=1)
            control_findings, control_exit, control_s = control.get()
    else:
        results = [_run_fault(job) for job in jobs]
        control_findings, control_exit, control_s = _run_control(options, control_services)
    return SelftestResult(
        faults=sorted(results, key=lambda r: (r.service, r.fault)),
        control_findings=control_findings,
        control_exit_code=control_exit,
        control_duration_s=round(control_s, 2),
        duration_s=time.monotonic() - t0,
    )


def render_table(result: SelftestResult) -> str:
    """A plain-text table: fault, expected check, caught or missed, checks fired, time to first finding."""
    rows = [("fault", "service", "expected check", "result", "time to first finding", "checks fired")]
    for f in result.faults:
        when = "-" if f.expected_first_s is None else f"{f.expected_first_s:.2f} s"
        rows.append((f.fault, f.service, f.expected_check, "caught" if f.caught else "MISSED", when, ", ".join(f.fired) or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for i, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row[:5])) + "  " + row[5])
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 12)
    control = "clean (0 findings)" if result.control_clean else f"{len(result.control_findings)} finding(s), exit {result.control_exit_code}"
    lines += [
        "",
        f"mutation score: {result.caught}/{len(result.faults)} = {result.score:.0%}",
        f"false-positive control (faithful emulator): {control}",
        f"wall time: {result.duration_s:.1f} s",
    ]
    return "\n".join(lines)


def write_reports(result: SelftestResult, directory: str | Path) -> list[Path]:
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "selftest.json"
    json_path.write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
    md_path = out / "selftest.md"
    md_path.write_text("# Checker self-test\n\n```\n" + render_table(result) + "\n```\n", encoding="utf-8")
    return [json_path, md_path]
