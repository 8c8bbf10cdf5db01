"""Run a conformance check: spec + strategies → requests → checks → events.

:func:`run` is the one entry point the CLI and the pytest plugin adapt. Without a target it
starts the embedded emulator as a subprocess (``python -m emulator --port 0``), reads the
address it prints and talks HTTP to it: ``conformance/`` never imports ``emulator/``.

Exit codes: 0 conformant, 1 nonconformance found, 2 usage or configuration error, 3 target
unreachable.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queue_module
import re
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone

from conformance import spec as spec_module
from conformance.checks.registry import Check, all_rules
from conformance.events import (
    Event,
    FindingRaised,
    LroCompleted,
    PhaseFinished,
    PhaseStarted,
    RunFinished,
    RunStarted,
    ScenarioFinished,
)
from conformance.naming import resource_prefix
from conformance.scenarios import Scenario, scenarios_for
from conformance.scenarios.polling import Poller, PollPolicy
from conformance.scenarios.session import ScenarioAborted, Session, run_with_data
from conformance.transport import TargetUnreachable, Transport, redact

__all__ = [
    "EXIT_OK",
    "EXIT_FINDINGS",
    "EXIT_USAGE",
    "EXIT_UNREACHABLE",
    "ConfigError",
    "RunConfig",
    "RunResult",
    "embedded_emulator",
    "run",
]

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3
PHASES = ("stateless", "stateful")
_LISTENING = re.compile(r"listening on (https?://\S+)")


class ConfigError(ValueError):
    """The run was asked for something that does not exist (exit code 2)."""


@dataclass(frozen=True)
class RunConfig:
    target: str | None = None
    key: str | None = None
    services: tuple[str, ...] = ()
    api_versions: tuple[str, ...] = ()
    profile: str = "strict"
    seed: int = 0
    max_examples: int = 5
    poll_timeout_s: float = 60.0
    phases: tuple[str, ...] = PHASES
    scenarios: tuple[str, ...] = ()  # empty: all
    operations: tuple[str, ...] = ()  # stateless phase: only these operationIds (empty: all)
    checks: tuple[str, ...] = ()  # empty: all
    emulator_training_seconds: float = 0.3
    emulator_faults: tuple[str, ...] = ()
    request_timeout_s: float = 30.0
    # Jobs mix CPU work with waiting on the target (round trips, training), so more workers than
    # cores pay off: 4 measured best on 2 cores (benchmarks/gate_time.py).
    workers: int = field(default_factory=lambda: max(2, 2 * (os.cpu_count() or 1)))

    def plan(self) -> dict[str, tuple[str, ...]]:
        """service -> API versions to check; raises ConfigError for unknown names."""
        from conformance.packs import UnknownPack, all_packs, resolve

        try:
            services = tuple(dict.fromkeys(resolve(s) for s in self.services)) if self.services else tuple(
                p.service for p in all_packs()
            )
        except UnknownPack as exc:
            raise ConfigError(str(exc)) from None
        if self.profile not in spec_module.PROFILES:
            raise ConfigError(f"unknown profile {self.profile!r}; known: {', '.join(spec_module.PROFILES)}")
        for p in self.phases:
            if p not in PHASES:
                raise ConfigError(f"unknown phase {p!r}; known: {', '.join(PHASES)}")
        plan: dict[str, tuple[str, ...]] = {}
        wanted = set(self.api_versions)
        for s in services:
            versions = tuple(spec_module.api_versions(s))
            chosen = tuple(v for v in versions if not wanted or v in wanted)
            if chosen:
                plan[s] = chosen
        if wanted:
            all_versions = {v for s in services for v in spec_module.api_versions(s)}
            unknown = wanted - all_versions
            if unknown:
                raise ConfigError(
                    f"unknown API version(s) {', '.join(sorted(unknown))} for {', '.join(services)}; "
                    f"known: {', '.join(sorted(all_versions))}"
                )
        if not plan:
            raise ConfigError("nothing to check: no selected service has the selected API versions")
        return plan


@dataclass
class RunResult:
    exit_code: int
    events: list[Event] = field(default_factory=list)
    target: str = ""
    requests: int = 0
    duration_s: float = 0.0

    @property
    def findings(self):
        return [e.finding for e in self.events if isinstance(e, FindingRaised)]


@contextmanager
def embedded_emulator(
    *, key: str | tuple[str, ...], training_seconds: float, faults: tuple[str, ...] = (), timeout_s: float = 30.0
) -> Iterator[str]:
    """Start ``python -m emulator`` on a free loopback port; yield its base URL; stop it after.

    ``key`` may be several keys: each is an isolated tenant of the emulator.
    """
    keys = (key,) if isinstance(key, str) else tuple(key)
    cmd = [sys.executable, "-m", "emulator", "--host", "127.0.0.1", "--port", "0", "--training-seconds", str(training_seconds)]
    for one in keys:
        cmd += ["--key", one]
    for fault in faults:
        cmd += ["--fault", fault]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    found: dict[str, str] = {}

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            m = _LISTENING.search(line)
            if m and "url" not in found:
                found["url"] = m.group(1).rstrip("/")

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    try:
        while "url" not in found:
            if proc.poll() is not None:
                err = proc.stderr.read() if proc.stderr else ""
                raise ConfigError(f"the embedded emulator exited with {proc.returncode}: {redact(err.strip(), list(keys))[-2000:]}")
            if time.monotonic() > deadline:
                raise ConfigError("the embedded emulator did not start within 30 s")
            time.sleep(0.02)
        yield found["url"]
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _select_checks(names: tuple[str, ...]) -> list[Check]:
    checks = all_rules()
    if not names:
        return checks
    by_name = {c.name: c for c in checks}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ConfigError(f"unknown check(s) {', '.join(unknown)}; known: {', '.join(sorted(by_name))}")
    return [by_name[n] for n in names]


def _select_scenarios(service: str, names: tuple[str, ...]) -> list[Scenario]:
    chosen = scenarios_for(service)
    if names:
        chosen = [s for s in chosen if s.name in names]
    return chosen


def run(
    config: RunConfig,
    *,
    on_event: Callable[[Event], None] | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> RunResult:
    """Run the configured phases against the target; return the events and the exit code."""
    started = time.monotonic()
    events: list[Event] = []
    lock = threading.Lock()

    def emit(event: Event) -> None:
        with lock:
            events.append(event)
        if on_event:
            on_event(event)

    try:
        plan = config.plan()
        checks = _select_checks(config.checks)
        if config.scenarios:
            known = {s.name for svc in plan for s in scenarios_for(svc)}
            unknown = [s for s in config.scenarios if s not in known]
            if unknown:
                raise ConfigError(f"unknown scenario(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    except (ConfigError, ValueError, KeyError) as exc:
        result = RunResult(EXIT_USAGE, events)
        emit(RunFinished(EXIT_USAGE, 0.0, 0, 0, 0, error=str(exc)))
        return result

    if config.target is None:
        # One tenant (key) per (service, version) job: jobs never see each other's resources, so
        # they can run at the same time without disturbing e.g. a pagination walk.
        jobs = _jobs(plan)
        keys = tuple(secrets.token_hex(16) for _ in jobs) if not config.key else (config.key,) * len(jobs)
        tasks = [(k, (job,)) for k, job in zip(keys, jobs)] if not config.key else _tasks_by_service(config.key, jobs)
        try:
            with embedded_emulator(
                key=tuple(dict.fromkeys(keys)), training_seconds=config.emulator_training_seconds, faults=config.emulator_faults
            ) as url:
                return _run_against(url, tasks, True, config, plan, emit, events, started, on_progress)
        except ConfigError as exc:
            emit(RunFinished(EXIT_USAGE, time.monotonic() - started, 0, 0, 0, error=str(exc)))
            return RunResult(EXIT_USAGE, events)
    if not config.key:
        emit(RunFinished(EXIT_USAGE, 0.0, 0, 0, 0, error="a key is needed for a target: --key or CONFORMANCE_KEY"))
        return RunResult(EXIT_USAGE, events)
    # One key for a real target: the versions of one service share its resources, so they run
    # one after the other (different services still run side by side).
    tasks = _tasks_by_service(config.key, _jobs(plan))
    return _run_against(config.target.rstrip("/"), tasks, False, config, plan, emit, events, started, on_progress)


Job = tuple[str, str]  # (service, API version)
Task = tuple[str, tuple[Job, ...]]  # (subscription key, jobs run one after the other)


def _jobs(plan: dict[str, tuple[str, ...]]) -> list[Job]:
    return [(service, version) for service, versions in plan.items() for version in versions]


def _tasks_by_service(key: str, jobs: list[Job]) -> list[Task]:
    by_service: dict[str, list[Job]] = {}
    for job in jobs:
        by_service.setdefault(job[0], []).append(job)
    return [(key, tuple(group)) for group in by_service.values()]


def _run_against(
    target: str,
    tasks: list[Task],
    embedded: bool,
    config: RunConfig,
    plan: dict[str, tuple[str, ...]],
    emit: Callable[[Event], None],
    events: list[Event],
    started: float,
    on_progress: Callable[[str], None] | None,
) -> RunResult:
    run_id = secrets.token_hex(3)
    emit(
        RunStarted(
            run_id=run_id,
            target=target,
            embedded=embedded,
            services=tuple(plan),
            versions=dict(plan),
            profile=config.profile,
            seed=config.seed,
            max_examples=config.max_examples,
            started_at=_now(),
        )
    )
    keys = sorted({key for key, _ in tasks})
    workers = max(1, min(config.workers, len(tasks)))
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        requests, error = _run_parallel(target, run_id, config, tasks, workers, emit, on_progress)
    else:
        requests, error = 0, None
        for key, jobs in tasks:
            n, error = _task(target, key, run_id, config, jobs, emit, on_progress)
            requests += n
            if error:
                break
    polls = sum(e.timeline.polls for e in events if isinstance(e, LroCompleted))
    findings = sum(1 for e in events if isinstance(e, FindingRaised))
    exit_code = EXIT_UNREACHABLE if error else (EXIT_FINDINGS if findings else EXIT_OK)
    duration = time.monotonic() - started
    emit(RunFinished(exit_code, duration, requests, polls, findings, error=redact(error, keys) if error else None))
    return RunResult(exit_code, events, target, requests, duration)


def _job(
    target: str,
    key: str,
    run_id: str,
    config: RunConfig,
    job: tuple[str, str],
    emit: Callable[[Event], None],
    on_progress: Callable[[str], None] | None,
) -> tuple[int, str | None]:
    """Run the configured phases for one (service, API version); return (requests, error)."""
    service, version = job
    checks = _select_checks(config.checks)
    spec = spec_module.Spec(service, version, config.profile)
    poller = Poller(PollPolicy(timeout_s=config.poll_timeout_s))
    transport = Transport(target, key, timeout_s=config.request_timeout_s)
    try:
        if "stateless" in config.phases:
            _stateless(transport, spec, emit, run_id, config, checks, on_progress)
        if "stateful" in config.phases:
            _stateful(transport, spec, emit, run_id, config, checks, poller, on_progress)
    except TargetUnreachable as exc:
        return transport.request_count, f"target unreachable: {exc}"
    finally:
        transport.close()
    return transport.request_count, None


def _task(
    target: str,
    key: str,
    run_id: str,
    config: RunConfig,
    jobs: tuple[Job, ...],
    emit: Callable[[Event], None],
    on_progress: Callable[[str], None] | None,
) -> tuple[int, str | None]:
    total = 0
    for job in jobs:
        n, error = _job(target, key, run_id, config, job, emit, on_progress)
        total += n
        if error:
            return total, error
    return total, None


def _worker(target, run_id, config, tasks, results) -> None:  # runs in a forked process
    def emit(event: Event) -> None:
        results.put(("event", event))

    while True:
        task = tasks.get()
        if task is None:
            return
        key, jobs = task
        try:
            requests, error = _task(target, key, run_id, config, jobs, emit, None)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails the run
            import traceback

            results.put(("done", jobs, 0, redact(f"checker error in {jobs}: {exc!r}\n{traceback.format_exc()}", [key])))
        else:
            results.put(("done", jobs, requests, error))


def _run_parallel(
    target: str,
    run_id: str,
    config: RunConfig,
    tasks_list: list[Task],
    workers: int,
    emit: Callable[[Event], None],
    on_progress: Callable[[str], None] | None,
) -> tuple[int, str | None]:
    """Run jobs in ``workers`` forked processes; events stream back to ``emit`` as they happen.

    The stateless phase is CPU-bound (Hypothesis generation) and the stateful one waits on
    training, so (service, version) jobs overlap well on two cores.
    """
    ctx = multiprocessing.get_context("fork")
    tasks, results = ctx.Queue(), ctx.Queue()
    for task in tasks_list:
        tasks.put(task)
    for _ in range(workers):
        tasks.put(None)
    procs = [ctx.Process(target=_worker, args=(target, run_id, config, tasks, results), daemon=True) for _ in range(workers)]
    for proc in procs:
        proc.start()
    requests, error, pending = 0, None, len(tasks_list)
    try:
        while pending:
            try:
                item = results.get(timeout=1.0)
            except queue_module.Empty:
                if not any(p.is_alive() for p in procs):
                    error = error or "a checker worker process died"
                    break
                continue
            if item[0] == "event":
                emit(item[1])
            else:
                _, job, n, err = item
                pending -= 1
                requests += n
                error = error or err
                if on_progress:
                    on_progress(", ".join(f"{s} {v}" for s, v in job) + " done")
    finally:
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
    return requests, error


def _stateless(transport, spec, emit, run_id, config, checks, on_progress) -> None:
    from conformance.stateless import cleanup_created, run_stateless

    t0, n0 = time.monotonic(), transport.request_count
    emit(PhaseStarted(spec.service, spec.version, "stateless"))
    before = len(transport.records)
    try:
        run_stateless(
            transport=transport,
            spec=spec,
            emit=emit,
            run_id=run_id,
            max_examples=config.max_examples,
            seed=config.seed,
            checks=checks,
            on_progress=on_progress,
            operations=config.operations,
        )
    finally:
        cleanup_created(transport, transport.records[before:], resource_prefix(run_id, spec.version))
    emit(PhaseFinished(spec.service, spec.version, "stateless", time.monotonic() - t0, transport.request_count - n0))


def _stateful(transport, spec, emit, run_id, config, checks, poller, on_progress) -> None:
    t0, n0 = time.monotonic(), transport.request_count
    emit(PhaseStarted(spec.service, spec.version, "stateful"))
    for scenario in _select_scenarios(spec.service, config.scenarios):
        if on_progress:
            on_progress(f"{spec.service} {spec.version} {scenario.name}")
        session = Session(transport=transport, spec=spec, emit=emit, run_id=run_id, poller=poller, checks=checks)
        session.scenario = scenario.name
        s0 = time.monotonic()
        problem = None
        try:
            run_with_data(lambda: scenario.run(session), session, seed=config.seed)
        except ScenarioAborted as exc:
            problem = str(exc)
        except TargetUnreachable:
            raise
        finally:
            leftovers = session.cleanup()
            if leftovers and problem is None:
                problem = "cleanup failed: " + "; ".join(leftovers)
        emit(
            ScenarioFinished(
                spec.service, spec.version, scenario.name, not session.failed, time.monotonic() - s0, problem
            )
        )
    emit(PhaseFinished(spec.service, spec.version, "stateful", time.monotonic() - t0, transport.request_count - n0))
