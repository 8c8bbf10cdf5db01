"""The checker's self-test: two mutation scores, over named faults and over blind mutants.

A checker that passes a faithful target proves little. :func:`run_selftest` runs the
checker against the embedded emulator under

* every **named fault** (``conformance emulator --list-faults``), once per API version it
  applies to (its ``api_versions``; without that field, every version of its service), under
  the profile it declares (``profile``: the embedded emulator's ``--profile`` and the run's
  checking profile; ``observed`` when absent). A
  fault breaks one documented rule and names the check that should catch it; the pair
  (fault, version) is *caught* when that check raises a finding. Named-fault score: pairs
  caught / pairs run. These faults were written with the checks in mind, so this score
  alone is circular;
* every **blind mutant** (``conformance emulator --list-mutants``): a generic operator (drop a
  required field, another 2xx, an enum value's case, a documented header dropped or
  corrupted, a terminal status regressed on re-read, a timestamp shifted earlier) aimed at
  one operation in one version, derived from the spec alone. A mutant is *killed* when its
  run reports any finding that the faithful control of the same service, version and phase
  does not; otherwise it *survives*, and survivors are listed. Blind score: killed / total;

and once per (service, API version) with neither (the control; a sound checker's is clean).

The checker never imports the emulator: both catalogues are read over its process
boundary, and faults and mutants reach it as ``--fault`` / ``--mutate`` arguments of the
embedded emulator (:class:`~conformance.runner.RunConfig` ``emulator_faults`` /
``emulator_mutations``). Every run checks only its own service and version, the stateful
phase first; the stateless phase (a small example budget; for a mutant, only its
operation) runs only when the stateful phase did not show the fault or mutant. Runs go to
parallel worker processes.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from cognitive_conformance.conformance import pool, runner, spec as spec_module
from cognitive_conformance.conformance.checks.registry import all_checks
from cognitive_conformance.conformance.events import Event, FindingRaised, PhaseFinished, PhaseStarted, RunFinished

__all__ = [
    "ControlResult",
    "FaultResult",
    "MutantResult",
    "SelftestResult",
    "fault_versions",
    "load_catalogue",
    "load_mutants",
    "render_table",
    "run_selftest",
    "sample_mutants",
    "write_reports",
]

_STATEFUL, _STATELESS = ("stateful",), ("stateless",)


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
    phases: tuple[str, ...] = ()  # the phases that were run, in order


@dataclass(frozen=True)
class MutantResult:
    mutant: str  # OPERATOR@operationId@apiVersion, as --mutate takes it
    operator: str
    service: str
    api_version: str
    operation_id: str
    killed: bool
    new_findings: tuple[str, ...]  # "check (operationId)" reported beyond the control
    duration_s: float
    exit_code: int
    phases: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class ControlResult:
    """The faithful emulator, one service and version, both phases."""

    service: str
    api_version: str
    findings: tuple[dict[str, Any], ...]
    exit_code: int
    duration_s: float

    @property
    def clean(self) -> bool:
        return self.exit_code == runner.EXIT_OK and not self.findings


@dataclass
class SelftestResult:
    faults: list[FaultResult]
    control_findings: list[dict[str, Any]]
    control_exit_code: int
    control_duration_s: float
    duration_s: float = 0.0
    extra: dict = field(default_factory=dict)
    mutants: list[MutantResult] = field(default_factory=list)
    controls: list[ControlResult] = field(default_factory=list)

    @property
    def caught(self) -> int:
        return sum(1 for f in self.faults if f.caught)

    @property
    def score(self) -> float:
        """Named-fault score: (fault, version) pairs caught / pairs run."""
        return self.caught / len(self.faults) if self.faults else 0.0

    @property
    def killed(self) -> int:
        return sum(1 for m in self.mutants if m.killed)

    @property
    def blind_score(self) -> float:
        """Blind-mutation score: mutants killed / mutants run."""
        return self.killed / len(self.mutants) if self.mutants else 0.0

    @property
    def survivors(self) -> list[MutantResult]:
        return [m for m in self.mutants if not m.killed]

    @property
    def control_clean(self) -> bool:
        return self.control_exit_code == runner.EXIT_OK and not self.control_findings

    @property
    def passed(self) -> bool:
        """Every named (fault, version) pair caught, and a clean control. Blind survivors are information."""
        return bool(self.faults or self.mutants) and self.caught == len(self.faults) and self.control_clean

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "caught": self.caught,
            "total": len(self.faults),
            "blind": {
                "score": round(self.blind_score, 4),
                "killed": self.killed,
                "total": len(self.mutants),
                "survivors": [
                    {"operator": m.operator, "operationId": m.operation_id, "apiVersion": m.api_version, "service": m.service}
                    for m in self.survivors
                ],
                "mutants": [asdict(m) for m in self.mutants],
            },
            "controlClean": self.control_clean,
            "controlFindings": self.control_findings,
            "controls": [
                {"service": c.service, "apiVersion": c.api_version, "clean": c.clean, "findings": len(c.findings), "durationSeconds": c.duration_s}
                for c in self.controls
            ],
            "durationSeconds": round(self.duration_s, 2),
            "faults": [asdict(f) for f in self.faults],
        }


# ----------------------------------------------------------------------------- catalogues


def _emulator_json(flag: str, what: str) -> Any:
    proc = subprocess.run([sys.executable, "-m", "cognitive_conformance.emulator", flag], capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise runner.ConfigError(f"could not read the {what}: {proc.stderr.strip()[-1000:]}")
    return json.loads(proc.stdout)


def load_catalogue() -> list[dict[str, Any]]:
    """The emulator's fault catalogue, read from ``conformance emulator --list-faults``."""
    return _emulator_json("--list-faults", "fault catalogue")


def load_mutants() -> list[dict[str, Any]]:
    """The emulator's blind mutants, read from ``conformance emulator --list-mutants``."""
    return _emulator_json("--list-mutants", "mutant list")


def fault_versions(entry: dict[str, Any]) -> tuple[str, ...]:
    """The API versions a catalogue entry applies to: ``api_versions``, else its ``api_version``, else every
    version of its service (``info.x-api-versions`` of ``specs/<service>.yaml``)."""
    versions = entry.get("api_versions")
    if versions:
        return tuple(versions)
    if entry.get("api_version"):
        return (entry["api_version"],)
    return tuple(spec_module.api_versions(entry["service"]))


def sample_mutants(entries: list[dict[str, Any]], n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` mutants chosen with ``seed``: round robin over the operators (each shuffled), so every
    operator is represented before any is repeated. The order of ``entries`` does not matter."""
    rng = random.Random(seed)
    by_operator: dict[str, list[dict[str, Any]]] = {}
    for entry in sorted(entries, key=lambda e: e["mutant"]):
        by_operator.setdefault(entry["operator"], []).append(entry)
    for group in by_operator.values():
        rng.shuffle(group)
    chosen: list[dict[str, Any]] = []
    while len(chosen) < n and any(by_operator.values()):
        for name in sorted(by_operator):
            if by_operator[name] and len(chosen) < n:
                chosen.append(by_operator[name].pop())
    return chosen


# ----------------------------------------------------------------------------- runs


@dataclass(frozen=True)
class _Options:
    max_examples: int
    poll_timeout_s: float
    training_seconds: float
    seed: int


def _config(options: _Options, service: str, versions: tuple[str, ...], phases: tuple[str, ...], **extra: Any) -> runner.RunConfig:
    return runner.RunConfig(
        services=(service,),
        api_versions=versions,
        seed=options.seed,
        max_examples=options.max_examples,
        poll_timeout_s=options.poll_timeout_s,
        emulator_training_seconds=options.training_seconds,
        phases=phases,
        workers=1,
        **extra,
    )


@dataclass
class _Observed:
    """One run, with the seconds from each version's first phase start to its first finding (of each
    check), and the seconds each version's phases took."""

    result: runner.RunResult
    first_any: dict[str, float]
    first_by_check: dict[tuple[str, str], float]
    phase_s: dict[str, float]


def _observe(config: runner.RunConfig) -> _Observed:
    started: dict[str, float] = {}
    first_any: dict[str, float] = {}
    first: dict[tuple[str, str], float] = {}
    phase_s: dict[str, float] = {}

    def on_event(event: Event) -> None:
        now = time.monotonic()
        if isinstance(event, PhaseStarted):
            started.setdefault(event.version, now)
        elif isinstance(event, PhaseFinished):
            phase_s[event.version] = phase_s.get(event.version, 0.0) + event.duration_s
        elif isinstance(event, FindingRaised):
            version = event.finding.version
            since = now - started.get(version, now)
            first_any.setdefault(version, since)
            first.setdefault((version, event.finding.check), since)

    return _Observed(runner.run(config, on_event=on_event), first_any, first, phase_s)


def _error(result: runner.RunResult) -> str | None:
    finish = next((e for e in reversed(result.events) if isinstance(e, RunFinished)), None)
    return finish.error if finish else None


def _stateful_only_checks() -> frozenset[str]:
    return frozenset(c.name for c in all_checks() if c.stateful_only)


def _phases_plan(stateless_extra: dict[str, Any], stateful_only: bool) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    plan: list[tuple[tuple[str, ...], dict[str, Any]]] = [(_STATEFUL, {})]
    if not stateful_only:
        plan.append((_STATELESS, stateless_extra))
    return plan


def _run_fault(args: tuple[dict[str, Any], tuple[str, ...], _Options]) -> list[FaultResult]:
    """One emulator with the fault, every version of the fault in it (one tenant each); the stateless
    phase only for the versions the stateful phase did not show it in."""
    entry, versions, options = args
    service, expected = entry["service"], entry["expected_check"]
    t0 = time.monotonic()
    fired: dict[str, set[str]] = {v: set() for v in versions}
    phases: dict[str, list[str]] = {v: [] for v in versions}
    first_any: dict[str, float] = {}
    expected_first: dict[str, float] = {}
    spent: dict[str, float] = {v: 0.0 for v in versions}
    exit_code, error = runner.EXIT_OK, None
    todo = tuple(versions)
    for phase, extra in _phases_plan({}, expected in _stateful_only_checks()):
        profile = entry.get("profile") or "observed"  # the emulator and checking profile the fault declares
        observed = _observe(_config(options, service, todo, phase, emulator_faults=(entry["name"],), profile=profile, **extra))
        result = observed.result
        for f in result.findings:
            fired.setdefault(f.version, set()).add(f.check)
        for v in todo:
            phases[v] += phase
            if v in observed.first_any:
                first_any.setdefault(v, spent[v] + observed.first_any[v])
            if (v, expected) in observed.first_by_check:
                expected_first.setdefault(v, spent[v] + observed.first_by_check[(v, expected)])
            spent[v] += observed.phase_s.get(v, 0.0)
        exit_code, error = max(exit_code, result.exit_code), error or _error(result)
        todo = tuple(v for v in todo if expected not in fired[v])
        if not todo or result.exit_code in (runner.EXIT_USAGE, runner.EXIT_UNREACHABLE):
            break
    duration = round((time.monotonic() - t0) / len(versions), 2)
    return [
        FaultResult(
            fault=entry["name"],
            service=service,
            api_version=v,
            expected_check=expected,
            caught=expected in fired[v],
            fired=tuple(sorted(fired[v])),
            first_finding_s=None if v not in first_any else round(first_any[v], 3),
            expected_first_s=None if v not in expected_first else round(expected_first[v], 3),
            duration_s=duration,
            exit_code=runner.EXIT_FINDINGS if fired[v] else (exit_code if error else runner.EXIT_OK),
            breaks=entry.get("breaks", ""),
            error=error,
            phases=tuple(phases[v]),
        )
        for v in versions
    ]


def _finding_key(finding: Any) -> tuple:
    """What makes two findings the same across runs of one version (titles and repros carry per-run ids)."""
    if isinstance(finding, dict):
        return (finding["check"], finding["phase"], finding["operationId"], finding["scenario"])
    return (finding.check, finding.phase, finding.operation_id, finding.scenario)


@dataclass(frozen=True)
class _MutantRun:
    """What one version of a mutant's run reported, before it is judged against its control."""

    entry: dict[str, Any]
    findings: frozenset[tuple]
    phases: tuple[str, ...]
    duration_s: float
    exit_code: int
    error: str | None

    def judge(self, baseline: frozenset[tuple]) -> MutantResult:
        new = self.findings - baseline
        e = self.entry
        return MutantResult(
            mutant=e["mutant"],
            operator=e["operator"],
            service=e["service"],
            api_version=e["apiVersion"],
            operation_id=e["operationId"],
            killed=bool(new),
            new_findings=tuple(sorted(f"{check} ({op or scenario or '-'})" for check, _, op, scenario in new)),
            duration_s=self.duration_s,
            exit_code=self.exit_code,
            phases=self.phases,
            error=self.error,
        )


def _run_mutant(args: tuple[tuple[dict[str, Any], ...], _Options]) -> list[_MutantRun]:
    """One emulator with ``operator@operationId`` for every listed version of it; the stateless phase
    (that operation only) for the versions whose stateful phase reported nothing.

    Runs do not wait for the controls: a mutant is judged against its control afterwards
    (:meth:`_MutantRun.judge`); the faithful control is clean, so "reported nothing" is the same test.
    """
    entries, options = args
    operator, service, operation = entries[0]["operator"], entries[0]["service"], entries[0]["operationId"]
    versions = tuple(e["apiVersion"] for e in entries)
    t0 = time.monotonic()
    phases: dict[str, list[str]] = {v: [] for v in versions}
    found: dict[str, set[tuple]] = {v: set() for v in versions}
    exit_code, error = runner.EXIT_OK, None
    todo = versions
    for phase, extra in _phases_plan({"operations": (operation,)}, False):
        result = runner.run(_config(options, service, todo, phase, emulator_mutations=(f"{operator}@{operation}",), **extra))
        for f in result.findings:
            if f.version in todo:
                found[f.version].add(_finding_key(f))
        for v in todo:
            phases[v] += phase
        exit_code, error = max(exit_code, result.exit_code), error or _error(result)
        todo = tuple(v for v in todo if not found[v])
        if not todo or result.exit_code in (runner.EXIT_USAGE, runner.EXIT_UNREACHABLE):
            break
    duration = round((time.monotonic() - t0) / len(versions), 2)
    broken = error if exit_code in (runner.EXIT_USAGE, runner.EXIT_UNREACHABLE) else None
    return [_MutantRun(e, frozenset(found[e["apiVersion"]]), tuple(phases[e["apiVersion"]]), duration, exit_code, broken) for e in entries]


def _run_control(args: tuple[str, str, _Options, tuple[str, ...] | None]) -> ControlResult:
    """The faithful emulator: the stateful phase, then the stateless phase over ``operations``
    (``()``: every operation; ``None``: no stateless phase)."""
    service, version, options, operations = args
    t0 = time.monotonic()
    findings: list[dict[str, Any]] = []
    exit_code = runner.EXIT_OK
    for phase, extra in _phases_plan({"operations": operations}, operations is None):
        result = runner.run(_config(options, service, (version,), phase, **extra))
        findings += [f.to_dict() for f in result.findings]
        exit_code = max(exit_code, result.exit_code)
    return ControlResult(service, version, tuple(findings), exit_code, round(time.monotonic() - t0, 2))


def _schedule(
    control_jobs: list[tuple[str, str, _Options, tuple[str, ...] | None]],
    fault_jobs: list[tuple[dict[str, Any], tuple[str, ...], _Options]],
    mutant_entries: list[dict[str, Any]],
    options: _Options,
    workers: int,
    on_done: Any = None,
) -> tuple[list[ControlResult], list[FaultResult], list[MutantResult]]:
    """Every control, fault and mutant run in one pool (the longest first); mutants judged at the end.

    Mutants are grouped by (operator, operation): one emulator serves every listed version of one.
    ``on_done(line)`` hears of each run as it ends (``conformance selftest -v``).
    """
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for e in mutant_entries:
        groups.setdefault((e["operator"], e["service"], e["operationId"]), []).append(e)
    mutant_jobs = sorted(((tuple(es), options) for es in groups.values()), key=lambda job: -len(job[0]))
    items = (
        [("control", job) for job in control_jobs]
        + [("fault", job) for job in fault_jobs]
        + [("mutant", job) for job in mutant_jobs]
    )
    runners = {"control": lambda job: [_run_control(job)], "fault": _run_fault, "mutant": _run_mutant}
    results: dict[int, list[Any]] = {}
    failures: list[str] = []
    index = {id(item): n for n, item in enumerate(items)}

    def work(item: tuple[str, Any], emit: Any) -> list[Any]:
        kind, job = item
        return runners[kind](job)

    def done(item: tuple[str, Any], value: list[Any] | None, error: str | None) -> None:
        if error is not None:
            failures.append(f"{item[0]} run failed: {error}")
        else:
            results[index[id(item)]] = value
        if on_done is not None:
            kind, job = item
            what = {"control": lambda: f"{job[0]}@{job[1]}", "fault": lambda: job[0]["name"],
                    "mutant": lambda: f"{job[0][0]['operator']}@{job[0][0]['operationId']}"}[kind]()
            on_done(f"{kind} {what}: {'failed' if error is not None else 'done'} ({len(results) + len(failures)}/{len(items)} runs)")

    pool.stream(work, items, workers=workers, on_event=lambda event: None, on_done=done)
    if failures:
        raise RuntimeError(failures[0])
    ordered = [(items[n][0], r) for n in sorted(results) for r in results[n]]
    controls = [r for kind, r in ordered if kind == "control"]
    faults = [r for kind, r in ordered if kind == "fault"]
    runs = [r for kind, r in ordered if kind == "mutant"]
    baselines = {(c.service, c.api_version): frozenset(_finding_key(f) for f in c.findings) for c in controls}
    return controls, faults, [run.judge(baselines[(run.entry["service"], run.entry["apiVersion"])]) for run in runs]


def _select(
    items: list[dict[str, Any]], names: Iterable[str], key: str, what: str
) -> list[dict[str, Any]]:
    names = tuple(names)
    known = {e[key] for e in items}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise runner.ConfigError(f"unknown {what}(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return [e for e in items if not names or e[key] in names]


def run_selftest(
    *,
    faults: tuple[str, ...] = (),
    services: tuple[str, ...] = (),
    operators: tuple[str, ...] = (),
    mutants: tuple[str, ...] = (),
    sample: int | None = None,
    named: bool | None = None,
    blind: bool | None = None,
    workers: int | None = None,
    max_examples: int = 2,
    poll_timeout_s: float = 5.0,
    training_seconds: float = 0.2,
    seed: int = 0,
    on_done: Any = None,
) -> SelftestResult:
    """Run the checker under the selected named faults and blind mutants, and the faithful controls.

    ``faults`` selects named faults, ``operators`` / ``mutants`` (``OPERATOR@operationId@apiVersion``)
    blind mutants; ``services`` narrows both. Naming only faults runs no blind mutants and naming only
    mutants or operators runs no named faults, unless ``named`` / ``blind`` say otherwise. ``sample``
    keeps that many blind mutants (:func:`sample_mutants`, seeded with ``seed``). ``workers`` parallel
    runs (default 2 x CPUs, as the runner: runs mostly wait on training and polls). ``on_done(line)`` is told
    of each run as it ends.
    """
    t0 = time.monotonic()
    if named is None:
        named = bool(faults) or not (operators or mutants)
    if blind is None:
        blind = bool(operators or mutants or sample) or not faults
    unknown_services = [s for s in services if s not in spec_module.services()]
    if unknown_services:
        raise runner.ConfigError(f"unknown service(s) {', '.join(unknown_services)}; known: {', '.join(spec_module.services())}")
    options = _Options(max_examples, poll_timeout_s, training_seconds, seed)
    workers = workers if workers is not None else max(2, 2 * (os.cpu_count() or 1))

    fault_jobs: list[tuple[dict[str, Any], tuple[str, ...], _Options]] = []
    if named or faults:
        selected = _select(load_catalogue(), faults, "name", "fault")
        fault_jobs = [(e, fault_versions(e), options) for e in selected if not services or e["service"] in services]
        fault_jobs.sort(key=lambda job: -len(job[1]))  # the longest runs first: a shorter tail on the pool
        if not named:
            fault_jobs = []
    mutant_entries: list[dict[str, Any]] = []
    if blind or operators or mutants:
        listed = load_mutants()
        by_operator = _select(listed, operators, "operator", "operator")
        mutant_entries = [e for e in _select(by_operator, mutants, "mutant", "mutant") if not services or e["service"] in services]
        if sample is not None:
            mutant_entries = sample_mutants(mutant_entries, sample, seed)
        if not blind:
            mutant_entries = []

    # One control per (service, version) that any run checks: its stateful phase, and its stateless phase
    # over the mutated operations (what mutants are judged against) - over every operation in the service's
    # default version when named faults of that service run (a false-positive check, as the faults are
    # judged by their expected check alone).
    pairs = sorted({(e["service"], v) for e, vs, _ in fault_jobs for v in vs} | {(e["service"], e["apiVersion"]) for e in mutant_entries})
    named_services = {e["service"] for e, _, _ in fault_jobs}
    control_jobs = []
    for service, version in pairs:
        mutated = tuple(sorted({e["operationId"] for e in mutant_entries if (e["service"], e["apiVersion"]) == (service, version)}))
        full = service in named_services and version == spec_module.default_api_version(service)
        control_jobs.append((service, version, options, () if full else (mutated or None)))
    controls, fault_results, mutant_results = _schedule(control_jobs, fault_jobs, mutant_entries, options, workers, on_done)
    order = {v: i for s in spec_module.services() for i, v in enumerate(spec_module.api_versions(s))}
    return SelftestResult(
        faults=sorted(fault_results, key=lambda r: (r.service, r.fault, order.get(r.api_version, 0))),
        control_findings=[f for c in controls for f in c.findings],
        control_exit_code=max((c.exit_code for c in controls), default=runner.EXIT_OK),
        control_duration_s=round(sum(c.duration_s for c in controls), 2),
        duration_s=time.monotonic() - t0,
        mutants=sorted(mutant_results, key=lambda r: (r.service, order.get(r.api_version, 0), r.operation_id, r.operator)),
        controls=controls,
    )


# ----------------------------------------------------------------------------- output


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for i, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row[:-1])) + "  " + row[-1])
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 12)
    return lines


def render_table(result: SelftestResult) -> str:
    """Plain text: one row per (fault, version), the survivors of the blind mutants, both scores, the control."""
    lines: list[str] = []
    if result.faults:
        rows = [("fault", "service", "api version", "expected check", "result", "time to first finding", "checks fired")]
        for f in result.faults:
            when = "-" if f.expected_first_s is None else f"{f.expected_first_s:.2f} s"
            rows.append((f.fault, f.service, f.api_version, f.expected_check, "caught" if f.caught else "MISSED", when, ", ".join(f.fired) or "-"))
        lines += _table(rows) + [""]
    if result.mutants:
        if result.survivors:
            rows = [("surviving mutant: operator", "operation", "service", "api version", "phases run")]
            rows += [(m.operator, m.operation_id, m.service, m.api_version, ", ".join(m.phases)) for m in result.survivors]
            lines += _table(rows) + [""]
        by_operator: dict[str, list[MutantResult]] = {}
        for m in result.mutants:
            by_operator.setdefault(m.operator, []).append(m)
        lines.append("blind mutants killed, by operator: " + ", ".join(
            f"{name} {sum(m.killed for m in ms)}/{len(ms)}" for name, ms in sorted(by_operator.items())
        ))
    control = "clean (0 findings)" if result.control_clean else f"{len(result.control_findings)} finding(s), exit {result.control_exit_code}"
    versions = len({(f.service, f.api_version) for f in result.faults})
    if result.faults:
        lines.append(f"named-fault score: {result.caught}/{len(result.faults)} (fault, version) pairs = {result.score:.0%} "
                     f"({len({f.fault for f in result.faults})} faults over {versions} service versions)")
    if result.mutants:
        lines.append(f"blind-mutation score: {result.killed}/{len(result.mutants)} killed = {result.blind_score:.0%}, "
                     f"{len(result.survivors)} survivor(s)")
    lines += [
        f"false-positive control (faithful emulator, {len(result.controls)} service versions): {control}",
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
