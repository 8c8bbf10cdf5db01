"""Run a conformance check as a straight line: plan → jobs → events.

:func:`run` is the one entry point the CLI and the pytest plugin adapt. It plans the run
(:mod:`conformance.config`), starts the embedded emulator when there is no target
(:mod:`conformance.embedded`: a subprocess reached over HTTP, never an import), runs one job
per (service, API version) in worker processes (:mod:`conformance.pool`) and streams their
events. A job runs the stateless phase (:mod:`conformance.stateless`) and the stateful
scenarios of the service's pack (:mod:`conformance.packs`).

Exit codes: 0 conformant, 1 nonconformance found (an error-severity finding; warnings are
reported and do not fail a run), 2 usage or configuration error, 3 target unreachable,
4 checker error, 5 incomplete (a budget ran out), 130/143 interrupted by SIGINT/SIGTERM.

A run is bounded (:mod:`conformance.budget`): ``max_requests`` and ``max_time_s`` are shared by
every worker; when one runs out, or a signal arrives (``handle_signals``), no new request,
operation, scenario or job starts, the request in flight finishes, the cleanup runs (outside the
budget, counted apart) and ``RunFinished.extra["incomplete"]`` says why. A second signal while
the workers clean up kills them at once and names the jobs whose cleanup did not finish.
"""

from __future__ import annotations

import secrets
import signal
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from cognitive_conformance.conformance import access, pool, preflight
from cognitive_conformance.conformance.budget import INTERRUPTED, Budget, RunStopped
from cognitive_conformance.conformance.coverage import ExchangeCounter
from cognitive_conformance.conformance import spec as spec_module
from cognitive_conformance.conformance.checks.registry import Check, all_rules, rules_for
from cognitive_conformance.conformance.config import (
    EXIT_CHECKER_ERROR,
    EXIT_FINDINGS,
    EXIT_INCOMPLETE,
    EXIT_OK,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    PHASES,
    ConfigError,
    Job,
    RunConfig,
    Task,
    jobs as plan_jobs,
    tasks_by_service,
)
from cognitive_conformance.conformance.embedded import embedded_emulator
from cognitive_conformance.conformance.packs import get_pack
from cognitive_conformance.conformance.events import (
    DeviationRaised,
    Event,
    FindingRaised,
    LroCompleted,
    PhaseFinished,
    PhaseStarted,
    RuleEvaluated,
    RuleInfo,
    RulesDeclared,
    RunFinished,
    RunStarted,
    ScenarioFinished,
    fold_verdicts,
    tally_findings,
)
from cognitive_conformance.conformance.naming import resource_prefix
from cognitive_conformance.conformance.progress import Progress
from cognitive_conformance.conformance.scenarios import Scenario, scenarios_for
from cognitive_conformance.conformance.scenarios.polling import BoundedClock, Poller
from cognitive_conformance.conformance.scenarios.session import ScenarioAborted, Session, run_with_data
from cognitive_conformance.conformance.throttle import RateLimiter
from cognitive_conformance.conformance.transport import TargetUnreachable, Transport, redact

__all__ = [
    "EXIT_OK",
    "EXIT_FINDINGS",
    "EXIT_USAGE",
    "EXIT_UNREACHABLE",
    "EXIT_CHECKER_ERROR",
    "EXIT_INCOMPLETE",
    "PHASES",
    "ConfigError",
    "RunConfig",
    "RunResult",
    "embedded_emulator",
    "run",
]



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


def _job_scenarios(service: str, config: RunConfig) -> list[Scenario]:
    """The scenarios a job runs: the selected ones (read-only ones only under ``--read-only``),
    then the reads of ``--use-existing`` resources of the service."""
    from cognitive_conformance.conformance.scenarios.existing import existing_scenario

    chosen = [s for s in _select_scenarios(service, config.scenarios) if s.read_only or not config.read_only]
    refs = config.existing().get(service)
    return chosen + ([existing_scenario(service, refs)] if refs else [])


@dataclass
class _Stop:
    """What the parent knows about stopping: the budget, the signals received, the jobs not done."""

    budget: Budget
    signals: list[int] = field(default_factory=list)
    pending: dict[int, tuple[Job, ...]] = field(default_factory=dict)  # task index -> its jobs, until done
    aborted: bool = False  # a second signal: the workers are killed (the parent never raises from the handler)
    budget_run_id: str = "<run id>"
    handles_signals: bool = False

    def on_signal(self, signum: int, frame: object) -> None:
        self.signals.append(signum)
        self.budget.stop(INTERRUPTED, force=len(self.signals) == 1)
        if len(self.signals) == 1:
            print(
                f"conformance: {signal.Signals(signum).name}: stopping; cleaning up what the run created "
                "(press Ctrl-C again to abort the cleanup)",
                file=sys.stderr,
                flush=True,
            )
        else:
            self.aborted = True

    def exit_code(self) -> int | None:
        return 128 + self.signals[0] if self.signals else None


def _in_worker(budget: Budget) -> Callable[[], None]:
    """A worker's signal handlers: a signal stops the run (the parent decides about a second one)."""

    def install() -> None:
        def stop(signum: int, frame: object) -> None:
            budget.stop(INTERRUPTED, force=True)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)

    return install


def run(
    config: RunConfig,
    *,
    on_event: Callable[[Event], None] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    handle_signals: bool = False,
) -> RunResult:
    """Run the configured phases against the target; return the events and the exit code.

    ``on_progress`` receives each job's :class:`~conformance.progress.Progress` (operations or scenarios
    done, requests sent), streamed from the workers on the events' channel and never kept in the events.

    ``handle_signals`` (the CLI): SIGINT and SIGTERM stop the run as a budget does (exit 130/143);
    a second one while the workers clean up aborts the cleanup.
    """
    started = time.monotonic()
    events: list[Event] = []
    lock = threading.Lock()

    def emit(event: Event) -> None:
        with lock:
            events.append(event)
        if on_event:
            on_event(event)

    try:
        budget = Budget(max_requests=config.max_requests, max_time_s=config.max_time_s)
    except ValueError as exc:
        emit(RunFinished(EXIT_USAGE, 0.0, 0, 0, 0, error=str(exc)))
        return RunResult(EXIT_USAGE, events)
    stop = _Stop(budget)
    previous = {}
    if handle_signals and threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, stop.on_signal)
        stop.handles_signals = True
    try:
        return _run(config, emit, events, started, on_progress, stop)
    except pool.Aborted:
        code = stop.exit_code() or EXIT_INCOMPLETE
        begun = {(e.service, e.version) for e in events if isinstance(e, PhaseStarted)}
        left = [f"{s} {v}" for jobs in stop.pending.values() for s, v in jobs if (s, v) in begun]  # jobs not started made nothing
        message = (
            f"aborted by a second signal: cleanup not finished for {', '.join(left) or 'no job'}; what they created "
            f"is named cc-{stop.budget_run_id}-... and may remain on the target"
        )
        incomplete = dict(budget.incomplete() or {"reason": INTERRUPTED}, aborted=True, notCleaned=left)
        emit(RunFinished(code, time.monotonic() - started, budget.requests + budget.cleanup_requests, 0, 0,
                         error=message, extra={"incomplete": incomplete}))
        return RunResult(code, events, "", budget.requests + budget.cleanup_requests, time.monotonic() - started)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _run(
    config: RunConfig,
    emit: Callable[[Event], None],
    events: list[Event],
    started: float,
    on_progress: Callable[[Progress], None] | None,
    stop: _Stop,
) -> RunResult:
    try:
        plan = config.plan()
        config.poll_policy()  # a schedule that cannot be honoured ends the run before it starts
        checks = _select_checks(config.checks)
        if config.scenarios:
            known = {s.name for svc in plan for s in scenarios_for(svc)}
            unknown = [s for s in config.scenarios if s not in known]
            if unknown:
                raise ConfigError(f"unknown scenario(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        config.check_touch(plan, {s.name: s.read_only for svc in plan for s in scenarios_for(svc)})
    except (ConfigError, ValueError, KeyError) as exc:
        result = RunResult(EXIT_USAGE, events)
        emit(RunFinished(EXIT_USAGE, 0.0, 0, 0, 0, error=str(exc)))
        return result

    if config.target is None:
        # One tenant (key) per (service, version) job: jobs never see each other's resources, so
        # they can run at the same time without disturbing e.g. a pagination walk.
        jobs = plan_jobs(plan)
        keys = tuple(secrets.token_hex(16) for _ in jobs) if not config.key else (config.key,) * len(jobs)
        tasks = [(k, (job,)) for k, job in zip(keys, jobs)] if not config.key else tasks_by_service(config.key, jobs)
        aad = config.auth == "aad"  # the same tenants, as bearer tokens the emulator accepts (--aad-token)
        try:
            with embedded_emulator(
                key=() if aad else tuple(dict.fromkeys(keys)),
                aad_tokens=tuple(dict.fromkeys(keys)) if aad else (),
                training_seconds=config.emulator_training_seconds,
                faults=config.emulator_faults,
                mutations=config.emulator_mutations,
                profile=config.profile,
            ) as url:
                return _run_against(url, tasks, True, config, plan, emit, events, started, on_progress, stop)
        except ConfigError as exc:
            emit(RunFinished(EXIT_USAGE, time.monotonic() - started, 0, 0, 0, error=str(exc)))
            return RunResult(EXIT_USAGE, events)
    try:
        target = preflight.normalise_target(config.target)
    except preflight.TargetUrlError as exc:
        emit(RunFinished(EXIT_USAGE, 0.0, 0, 0, 0, error=str(exc)))
        return RunResult(EXIT_USAGE, events)
    if not config.key and config.auth == "key":
        emit(RunFinished(EXIT_USAGE, 0.0, 0, 0, 0, error="a key is needed for a target: --key or CONFORMANCE_KEY"))
        return RunResult(EXIT_USAGE, events)
    credential = config.key  # a key, or with --auth aad a static token (CONFORMANCE_TOKEN)
    rate = config.rate(embedded=False)
    limiter = RateLimiter(rate) if rate is not None else None  # the preflight's reads count against the limit too
    try:
        if credential is None:  # --auth aad without CONFORMANCE_TOKEN: DefaultAzureCredential
            credential = access.aad_token_provider()()
        preflight.check_target(
            target, credential, plan, auth=config.auth, verify=access.tls_verify(config.ca_bundle),
            pace=limiter.acquire if limiter else None,
        )
    except ConfigError as exc:
        emit(RunFinished(EXIT_USAGE, 0.0, 0, 0, 0, error=str(exc)))
        return RunResult(EXIT_USAGE, events)
    except (preflight.PreflightError, access.TokenUnavailable) as exc:
        emit(RunFinished(EXIT_UNREACHABLE, time.monotonic() - started, 0, 0, 0, error=f"preflight: {exc}"))
        return RunResult(EXIT_UNREACHABLE, events, target)
    # One key for a real target: the versions of one service share its resources, so they run
    # one after the other (different services still run side by side).
    tasks = tasks_by_service(config.key, plan_jobs(plan))
    return _run_against(target, tasks, False, config, plan, emit, events, started, on_progress, stop, limiter=limiter)


def _run_against(
    target: str,
    tasks: list[Task],
    embedded: bool,
    config: RunConfig,
    plan: dict[str, tuple[str, ...]],
    emit: Callable[[Event], None],
    events: list[Event],
    started: float,
    on_progress: Callable[[Progress], None] | None,
    stop: _Stop,
    *,
    limiter: RateLimiter | None = None,
) -> RunResult:
    run_id = secrets.token_hex(3)
    stop.budget_run_id = run_id
    budget = stop.budget
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
            notices=tuple(get_pack(s).notice for s in plan if get_pack(s).notice),
        )
    )
    emit(RulesDeclared(_declared_rules(config, plan)))
    keys = sorted({key for key, _ in tasks})
    requests, errors, checker_errors = 0, [], []
    if limiter is None:
        rate = config.rate(embedded=embedded)
        limiter = RateLimiter(rate) if rate is not None else None  # shared memory: made before the workers fork

    def work(task: Task, emit_event: Callable[[Event], None]) -> tuple[int, str | None]:
        key, jobs = task
        progress = emit_event if on_progress else None  # the one channel from a worker to the parent
        return _task(target, key, run_id, config, jobs, emit_event, progress, limiter=limiter, budget=budget)

    def route(item: Event | Progress) -> None:
        if isinstance(item, Progress):
            if on_progress:
                on_progress(item)
        else:
            emit(item)

    index_of = {id(task): i for i, task in enumerate(tasks)}
    stop.pending.update({i: task[1] for i, task in enumerate(tasks)})

    def done(task: Task, value: tuple[int, str | None] | None, error: str | None) -> None:
        nonlocal requests
        stop.pending.pop(index_of.get(id(task), -1), None)
        if error is not None:
            checker_errors.append(redact(f"checker error in {task[1]}: {error}", keys))
            return
        n, problem = value
        requests += n
        if problem:
            errors.append(problem)

    try:
        pool.stream(
            work, tasks, workers=config.workers, on_event=route, on_done=done,
            initializer=_in_worker(budget), abort=(lambda: stop.aborted) if stop.handles_signals else None,
            batch=_batchable, fold=fold_verdicts,
        )
    except pool.WorkerDied as exc:
        checker_errors.append(f"a checker worker process died: {exc}")
    error = (checker_errors or errors or [None])[0]
    polls = sum(e.timeline.polls for e in events if isinstance(e, LroCompleted))
    # Distinct findings; only error-severity ones make the run nonconformant (warnings are reported).
    tally = tally_findings(events)
    incomplete = budget.incomplete()
    # A checker error first; then a signal (the user asked to stop); then what was found, which
    # stands in an incomplete run too; then an unusable target; then a budget that ran out.
    if checker_errors:
        exit_code = EXIT_CHECKER_ERROR
    elif stop.exit_code() is not None:
        exit_code = stop.exit_code()
    elif tally.errors:
        exit_code = EXIT_FINDINGS
    elif error:
        exit_code = EXIT_UNREACHABLE
    else:
        exit_code = EXIT_INCOMPLETE if incomplete else EXIT_OK
    duration = time.monotonic() - started
    emit(
        RunFinished(
            exit_code,
            duration,
            requests,
            polls,
            tally.findings,
            error=redact(error, keys) if error else None,
            occurrences=tally.occurrences,
            errors=tally.errors,
            warnings=tally.warnings,
            extra={"incomplete": incomplete} if incomplete else {},
        )
    )
    return RunResult(exit_code, events, target, requests, duration)


def _batchable(item: Event | Progress) -> bool:
    """Rule verdicts (tens per request) and deviations from the documents (about one per two requests
    on the emulator) travel from the workers in batches, identical verdicts folded into one that
    counts them (a run's two hundred thousand verdicts arrive as a few thousand events); every other
    event at once, after what was held."""
    return isinstance(item, (RuleEvaluated, DeviationRaised))


def _declared_rules(config: RunConfig, plan: dict[str, tuple[str, ...]]) -> tuple[RuleInfo, ...]:
    """Every rule this run offers an exchange or evidence to (selected, and covering a planned version)."""
    jobs = plan_jobs(plan)
    stateful = "stateful" in config.phases
    rules = _select_checks(config.checks)  # response and flow rules; flow rules judge the scenarios' evidence
    offered = [
        RuleInfo.of(rule)
        for rule in rules
        if (stateful or not rule.stateful_only) and any(rule.covers(s, v) for s, v in jobs)
    ]
    if "stateless" in config.phases:
        from cognitive_conformance.conformance.stateless import BUILTIN_RULES

        offered += BUILTIN_RULES
    return tuple(offered)


def _job(
    target: str,
    key: str,
    run_id: str,
    config: RunConfig,
    job: tuple[str, str],
    emit: Callable[[Event], None],
    on_progress: Callable[[Progress], None] | None,
    *,
    limiter: RateLimiter | None = None,
    budget: Budget | None = None,
) -> tuple[int, str | None]:
    """Run the configured phases for one (service, API version); return (requests, error).

    A stopped run (``budget``) ends the job after the cleanup of the work in progress."""
    service, version = job
    # Only the rules that cover this service and version are offered its exchanges.
    checks = rules_for(service, version, selected=_select_checks(config.checks))
    spec = spec_module.Spec(service, version, config.profile)
    poller = Poller(config.poll_policy(), BoundedClock(budget.remaining_s) if budget is not None else None)
    transport = Transport(
        target, key, timeout_s=config.request_timeout_s, connect_timeout_s=config.connect_timeout_s,
        limiter=limiter, budget=budget, **_access(config, key),
    )
    har = _attach_har(transport, spec, run_id, config)
    ledger = _attach_ledger(transport, spec, run_id, config)
    _attach_coverage(transport, spec)
    try:
        if "stateless" in config.phases:
            try:
                _stateless(transport, spec, emit, run_id, config, checks, on_progress)
            finally:
                with transport.unbudgeted():  # cleanup is never refused by a budget
                    ledger.sweep(transport)  # the scenarios start from what the run found
        if "stateful" in config.phases:
            _stateful(transport, spec, emit, run_id, config, checks, poller, on_progress)
    except RunStopped:
        pass  # the work in progress was cleaned up; the report says the run is incomplete
    except TargetUnreachable as exc:
        return transport.request_count, f"target unreachable: {exc}"
    finally:
        _sweep_job(ledger, transport, spec, emit)
        transport.close()
        if har is not None:
            har.close()
    return transport.request_count, None


def _access(config: RunConfig, key: str | None) -> dict:
    """The transport's auth mode, token provider and TLS trust; activates the user's media for this process."""
    from cognitive_conformance.strategies.media_dir import activate_media_dir

    activate_media_dir(config.media_dir)  # None: the bundled synthetic media
    token = access.aad_token_provider() if config.auth == "aad" and not key else None  # one per worker process
    return {"auth": config.auth, "token": token, "verify": access.tls_verify(config.ca_bundle)}


#: Each job's exchange counter, by its transport (``conformance.coverage``).
_COVERAGE: "weakref.WeakKeyDictionary[Transport, ExchangeCounter]" = weakref.WeakKeyDictionary()


def _attach_coverage(transport: Transport, spec) -> ExchangeCounter:
    """Count every exchange the job's transport sends by the spec's operation (the report's coverage table)."""
    counter = ExchangeCounter(spec, transport.base_url)
    transport.recorders.append(counter.add)
    _COVERAGE[transport] = counter
    return counter


def _attach_ledger(transport: Transport, spec, run_id: str, config: RunConfig):
    """The job's view of the run's ledger, recording every create and deletion the transport sees."""
    from urllib.parse import urlsplit

    from cognitive_conformance.conformance.ledger import Ledger

    ledger = Ledger(config.ledger, spec=spec, run_id=run_id, base_path=urlsplit(transport.base_url).path)
    transport.observers.append(ledger.observe)
    return ledger


def _attach_har(transport: Transport, spec, run_id: str, config: RunConfig):
    """The job's HAR part (``config.har_parts``), streaming every exchange the transport records; None without."""
    if config.har_parts is None:
        return None
    from cognitive_conformance.conformance.har import HarPart, part_path

    page = f"{spec.service}@{spec.version}"
    part = HarPart(part_path(config.har_parts, run_id, page), page=page, title=f"{spec.service} {spec.version}",
                   secrets=lambda: transport.secrets)
    transport.recorders.append(part.add)
    return part


def _sweep_job(ledger, transport: Transport, spec, emit: Callable[[Event], None]) -> None:
    """Delete what the job created and did not delete (children first); report what is left."""
    from cognitive_conformance.conformance.events import LeftoversFound

    with transport.unbudgeted():  # cleanup is never refused by a budget
        leftovers = ledger.sweep(transport)
    if leftovers:
        emit(LeftoversFound(spec.service, spec.version, tuple((l.path, l.status, l.reason) for l in leftovers)))


def _task(
    target: str,
    key: str,
    run_id: str,
    config: RunConfig,
    jobs: tuple[Job, ...],
    emit: Callable[[Event], None],
    on_progress: Callable[[Progress], None] | None,
    *,
    limiter: RateLimiter | None = None,
    budget: Budget | None = None,
) -> tuple[int, str | None]:
    total = 0
    for job in jobs:
        if budget is not None and budget.reason is not None:
            break  # no new job once the run is stopped
        n, error = _job(target, key, run_id, config, job, emit, on_progress, limiter=limiter, budget=budget)
        total += n
        if error:
            return total, error
    return total, None


def _counters(transport: Transport) -> tuple:
    counter = _COVERAGE.get(transport)
    coverage = counter.snapshot() if counter is not None else ({}, 0)
    return transport.request_count, transport.throttles, transport.throttle_wait_s, transport.rate_wait_s, coverage


def _phase_finished(spec, phase: str, transport: Transport, t0: float, before: tuple) -> PhaseFinished:
    now = _counters(transport)
    exchanges, unmatched = ExchangeCounter.since(before[4], now[4])
    counter = _COVERAGE.get(transport)
    return PhaseFinished(
        spec.service,
        spec.version,
        phase,
        time.monotonic() - t0,
        now[0] - before[0],
        throttles=now[1] - before[1],
        throttle_wait_s=round(now[2] - before[2], 3),
        rate_wait_s=round(now[3] - before[3], 3),
        exchanges=exchanges,
        operations=dict(counter.operations) if counter is not None else {},
        unmatched=unmatched,
    )


def _stateless(transport, spec, emit, run_id, config, checks, on_progress) -> None:
    from cognitive_conformance.conformance.stateless import cleanup_created, run_stateless

    t0, counters = time.monotonic(), _counters(transport)
    emit(PhaseStarted(spec.service, spec.version, "stateless"))
    before = len(transport.records)
    stopped = None
    # Progress: the operations run_stateless visits (each announced as it starts) of those it will visit.
    total = sum(1 for op in spec.operations() if not config.operations or op.operation_id in config.operations)
    started_ops: list[str] = []

    def operation_started(message: str) -> None:
        started_ops.append(message.rsplit(" ", 1)[-1])
        on_progress(Progress(spec.service, spec.version, "stateless", len(started_ops) - 1, total,
                             transport.request_count - counters[0], started_ops[-1]))

    try:
        run_stateless(
            transport=transport,
            spec=spec,
            emit=emit,
            run_id=run_id,
            max_examples=config.max_examples,
            seed=config.seed,
            checks=checks,
            on_progress=operation_started if on_progress else None,
            operations=config.operations,
            read_only=config.read_only,
        )
    except RunStopped as exc:
        stopped = exc
    finally:
        with transport.unbudgeted():  # the cleanup runs also when the run is stopped, outside the budget
            cleanup_created(transport, transport.records[before:], resource_prefix(run_id, spec.version))
    if on_progress:  # the operation in progress when a budget stopped the run did not end
        done = len(started_ops) - (1 if stopped is not None and started_ops else 0)
        on_progress(Progress(spec.service, spec.version, "stateless", done, total, transport.request_count - counters[0]))
    emit(_phase_finished(spec, "stateless", transport, t0, counters))
    if stopped is not None:
        raise stopped


def _stateful(transport, spec, emit, run_id, config, checks, poller, on_progress) -> None:
    t0, counters = time.monotonic(), _counters(transport)
    emit(PhaseStarted(spec.service, spec.version, "stateful"))
    stopped = None
    scenarios = [s for s in _job_scenarios(spec.service, config) if s.runs_in(spec.version)]
    done = 0
    for scenario in scenarios:
        if transport.budget is not None and transport.budget.reason is not None:
            stopped = RunStopped(transport.budget.reason)  # no new scenario
            break
        if on_progress:
            on_progress(Progress(spec.service, spec.version, "stateful", done, len(scenarios),
                                 transport.request_count - counters[0], scenario.name))
        session = Session(transport=transport, spec=spec, emit=emit, run_id=run_id, poller=poller, checks=checks)
        session.scenario = scenario.name
        s0 = time.monotonic()
        problem = None
        try:
            run_with_data(lambda: scenario.run(session), session, seed=config.seed)
        except ScenarioAborted as exc:
            problem = str(exc)
        except RunStopped as exc:
            stopped = exc
            problem = f"incomplete: the run stopped ({exc.reason}) before the scenario ended"
        except TargetUnreachable:
            raise
        finally:
            with transport.unbudgeted():  # the cleanup stack runs also when the run is stopped
                leftovers = session.cleanup()
            if leftovers and problem is None:
                problem = "cleanup failed: " + "; ".join(leftovers)
        passed = not session.failed and stopped is None
        emit(ScenarioFinished(spec.service, spec.version, scenario.name, passed, time.monotonic() - s0, problem))
        if stopped is not None:
            break
        done += 1
    if on_progress:
        on_progress(Progress(spec.service, spec.version, "stateful", done, len(scenarios), transport.request_count - counters[0]))
    emit(_phase_finished(spec, "stateful", transport, t0, counters))
    if stopped is not None:
        raise stopped
