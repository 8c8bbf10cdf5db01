"""pytest plugin: the conformance suite as test items in a user's own test run.

``pytest --conformance`` (the embedded emulator) or ``pytest --conformance-target URL
--conformance-key KEY`` collects one item per (service, API version, operation) for the
stateless phase and one per (service, API version, scenario) for the stateful phase. Each
item runs the same runner and checks as ``conformance run`` and fails with the findings.
Nothing is collected unless one of those options is given, so installing the package does
not change anyone's test run.

Collection. The items hang from one collector, ``conformance``, that the plugin adds to the
session's own collection report (:func:`pytest_make_collect_report`, a documented hook): so
pytest counts them, ``--collect-only`` lists them, ``-k``/``-m``/``--deselect`` select among them
like any item, and every pytest-xdist worker collects the same items in the same order (their
names come from the specs and the packs alone).

Reports (``--conformance-report-dir D``). Each item is one run of the runner; their event records
are merged (:mod:`conformance.reports.merge`) into one run, written as ``conformance.json``,
``junit.xml``, ``summary.md`` and ``events.jsonl.gz`` in D. Under pytest-xdist, every worker
appends the record of each item it ran to ``D/parts/<worker id>.events.jsonl.gz`` and hands the
file to the controller when it finishes (so remote workers' parts arrive too); the controller,
the process without ``config.workerinput``, merges every worker's part at the end of the session
and writes the one report set in D. A worker that went down without handing its part over is
named in the merged report's error (and its part on disk, if any, is merged).
"""

from __future__ import annotations

import os
import re
import secrets
from contextlib import ExitStack
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest

# Only what the options need is imported here: a pytest run without --conformance does not pay for the
# runner, Schemathesis and Hypothesis (imported by the first item that runs, or by collection).
from cognitive_conformance.conformance import spec as spec_module
from cognitive_conformance.conformance.config import EXIT_CHECKER_ERROR, EXIT_OK, ConfigError, RunConfig
from cognitive_conformance.conformance.events import (
    Event,
    EventsFileError,
    FindingRaised,
    RunFinished,
    RunStarted,
    ScenarioFinished,
    dump,
    load,
)
from cognitive_conformance.conformance.reports import merge

__all__ = ["ConformanceCollector", "ConformanceItem", "ConformanceFailed"]

_STATE = pytest.StashKey[dict]()
#: The key of a worker's part in pytest-xdist's ``workeroutput``.
_WORKER_OUTPUT = "cognitive_conformance_part"
_DEFAULTS = {f.name: f.default for f in fields(RunConfig)}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "Azure AI train-then-poll conformance (cognitive-conformance)")
    group.addoption("--conformance", action="store_true", help="collect the conformance suite (embedded emulator unless --conformance-target)")
    group.addoption("--conformance-target", help="base URL of the target to check")
    group.addoption("--conformance-key", help="subscription key (default: env CONFORMANCE_KEY)")
    group.addoption("--conformance-service", action="append", default=[], help="service to check (repeatable)")
    group.addoption("--conformance-api-version", action="append", default=[], help="API version to check (repeatable)")
    group.addoption("--conformance-profile", default=_DEFAULTS["profile"], choices=list(spec_module.PROFILES))
    group.addoption("--conformance-max-examples", type=int, default=_DEFAULTS["max_examples"],
                    help=f"Hypothesis-generated requests per operation and mode (default {_DEFAULTS['max_examples']}, as `conformance run`)")
    group.addoption("--conformance-seed", type=int, default=_DEFAULTS["seed"])
    group.addoption("--conformance-poll-timeout", type=float, default=_DEFAULTS["poll_timeout_s"])
    group.addoption("--conformance-poll-interval", type=float, default=None,
                    help="wait after an LRO's first status read without Retry-After (as `conformance run --poll-interval`)")
    group.addoption("--conformance-poll-backoff", type=float, default=None, help="growth of each next wait (as `--poll-backoff`)")
    group.addoption("--conformance-poll-max-interval", type=float, default=None, help="longest wait (as `--poll-max-interval`)")
    group.addoption("--conformance-report-dir", help="also write conformance.json, junit.xml, summary.md, report.html, traffic.har and events.jsonl.gz here (one merged run; under pytest-xdist each worker's part goes to DIR/parts/)")


def _poll_config(config: pytest.Config, *, embedded: bool) -> RunConfig:
    """The poll options as a RunConfig whose ``poll_policy()`` is the items' schedule: the embedded
    emulator (started here, reached as a target) is polled as ``conformance run`` polls its own."""
    return RunConfig(
        target=None if embedded else "target",
        poll_timeout_s=config.getoption("--conformance-poll-timeout"),
        poll_interval_s=config.getoption("--conformance-poll-interval"),
        poll_backoff=config.getoption("--conformance-poll-backoff"),
        poll_max_interval_s=config.getoption("--conformance-poll-max-interval"),
    )


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("--conformance") or config.getoption("--conformance-target"))


def _worker_id(config: pytest.Config) -> str | None:
    """This process's pytest-xdist worker id (``gw0``…), or None for the controller or a run without workers."""
    workerinput = getattr(config, "workerinput", None)
    return None if workerinput is None else str(workerinput.get("workerid"))


def _report_dir(config: pytest.Config) -> Path | None:
    value = config.getoption("--conformance-report-dir", default=None)
    return Path(value).resolve() if value else None


def _base_config(config: pytest.Config) -> RunConfig:
    return RunConfig(
        services=tuple(config.getoption("--conformance-service")),
        api_versions=tuple(config.getoption("--conformance-api-version")),
        profile=config.getoption("--conformance-profile"),
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformance: an item of the cognitive-conformance suite")
    config.stash[_STATE] = {"stack": ExitStack(), "target": None, "key": None, "embedded": False, "events": [],
                            "parts": {}, "down": {}}
    if not _enabled(config):
        return
    # Usage errors stop the session before anything is collected: one line, pytest's exit code 4.
    try:
        _base_config(config).plan()
    except ConfigError as exc:
        raise pytest.UsageError(f"--conformance: {exc}") from None
    if config.getoption("--conformance-max-examples") < 1:
        raise pytest.UsageError("--conformance-max-examples must be at least 1")
    if config.getoption("--conformance-poll-timeout") <= 0:
        raise pytest.UsageError("--conformance-poll-timeout must be positive")
    try:
        _poll_config(config, embedded=not config.getoption("--conformance-target")).poll_policy()
    except ConfigError as exc:
        raise pytest.UsageError(f"--conformance: {exc}") from None
    if config.getoption("--conformance-target") and not (
        config.getoption("--conformance-key") or os.environ.get("CONFORMANCE_KEY")
    ):
        raise pytest.UsageError("--conformance-target needs --conformance-key or CONFORMANCE_KEY")
    directory = _report_dir(config)
    if directory is not None:
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise pytest.UsageError(f"--conformance-report-dir {directory}: {exc.strerror or exc}") from None


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state:
        state["stack"].close()


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Any:
    """Add the ``conformance`` collector to what the session itself collected."""
    report = yield
    if isinstance(collector, pytest.Session) and _enabled(collector.config) and report.passed:
        report.result.append(ConformanceCollector.from_parent(collector, name="conformance", nodeid="conformance"))
    return report


class ConformanceFailed(AssertionError):
    pass


class ConformanceCollector(pytest.Collector):
    """Every item of the selected services and versions, in the specs' and packs' own order."""

    def collect(self) -> list[pytest.Item]:
        from cognitive_conformance.conformance.scenarios import scenarios_for

        base = _base_config(self.config)
        items: list[pytest.Item] = []
        for service, versions in base.plan().items():
            for version in versions:
                spec = spec_module.Spec(service, version, base.profile)
                for op in spec.operations():
                    items.append(ConformanceItem.from_parent(
                        self, name=f"{service}[{version}]::stateless::{op.operation_id}",
                        service=service, version=version, phase="stateless", subject=op.operation_id,
                    ))
                for scenario in (s for s in scenarios_for(service) if s.runs_in(version)):
                    items.append(ConformanceItem.from_parent(
                        self, name=f"{service}[{version}]::stateful::{scenario.name}",
                        service=service, version=version, phase="stateful", subject=scenario.name,
                    ))
        return items


class ConformanceItem(pytest.Item):
    def __init__(self, *, service: str, version: str, phase: str, subject: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.service, self.version, self.phase, self.subject = service, version, phase, subject
        self.add_marker(pytest.mark.conformance)

    def _target(self) -> tuple[str, str]:
        from cognitive_conformance.conformance.embedded import embedded_emulator

        state = self.config.stash[_STATE]
        if state["target"] is None:
            target = self.config.getoption("--conformance-target")
            key = self.config.getoption("--conformance-key") or os.environ.get("CONFORMANCE_KEY")
            if not target:  # one embedded emulator per process (each xdist worker its own), its own key
                key = secrets.token_hex(16)
                target = state["stack"].enter_context(embedded_emulator(
                    key=key, training_seconds=_DEFAULTS["emulator_training_seconds"],
                    profile=self.config.getoption("--conformance-profile"),
                ))
                state["embedded"] = True
            state["target"], state["key"] = target, key
        return state["target"], state["key"]

    def runtest(self) -> None:
        from cognitive_conformance.conformance import runner

        target, key = self._target()
        report_dir = self.config.getoption("--conformance-report-dir")
        policy = _poll_config(self.config, embedded=self.config.stash[_STATE]["embedded"]).poll_policy()
        config = RunConfig(
            target=target,
            key=key,
            services=(self.service,),
            api_versions=(self.version,),
            profile=self.config.getoption("--conformance-profile"),
            seed=self.config.getoption("--conformance-seed"),
            max_examples=self.config.getoption("--conformance-max-examples"),
            poll_timeout_s=self.config.getoption("--conformance-poll-timeout"),
            poll_interval_s=policy.initial_interval_s,
            poll_backoff=policy.factor,
            poll_max_interval_s=policy.max_interval_s,
            phases=(self.phase,),
            scenarios=(self.subject,) if self.phase == "stateful" else (),
            operations=(self.subject,) if self.phase == "stateless" else (),
            har_parts=_har_parts(report_dir) if report_dir else None,
        )
        result = runner.run(config)
        _record(self.config, _as_embedded(result.events) if self.config.stash[_STATE]["embedded"] else result.events)
        problems = _describe(result.events)
        if result.exit_code != EXIT_OK or problems:
            raise ConformanceFailed("\n\n".join(problems) or f"exit code {result.exit_code}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ConformanceFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[str, int, str]:
        return "conformance", 0, self.name


def _har_parts(report_dir: str) -> str:
    from cognitive_conformance.conformance.har import PARTS_DIR

    return str(Path(report_dir) / PARTS_DIR)  # every item's jobs; merged into traffic.har when the session ends


def _as_embedded(events: list[Event]) -> list[Event]:
    """The runner saw the emulator this plugin started as a target URL; the report says what it was."""
    return [replace(e, embedded=True) if isinstance(e, RunStarted) else e for e in events]


def _part_path(directory: Path, worker: str) -> Path:
    return directory / merge.PARTS_DIR / f"{worker}.events.jsonl.gz"


def _record(config: pytest.Config, events: list[Event]) -> None:
    """Keep one item's run: in memory, or on an xdist worker appended to its part as soon as it ends."""
    directory, worker = _report_dir(config), _worker_id(config)
    if directory is None:
        return
    if worker is None:
        config.stash[_STATE]["events"].extend(events)
    else:
        dump(events, _part_path(directory, worker), append=True)


def _describe(events: list[Event]) -> list[str]:
    out = []
    for e in events:
        if isinstance(e, FindingRaised):
            f = e.finding
            out.append(
                f"[{f.check}] {f.title} ({f.operation_id}, {f.service} {f.version})\n{f.message}\n"
                f"Rule: {f.rule}\nSource: {f.source}\nRepro: {f.repro}"
            )
        elif isinstance(e, ScenarioFinished) and e.error and not e.passed:
            out.append(f"scenario {e.scenario}: {e.error}")
        elif isinstance(e, RunFinished) and e.error:
            out.append(f"run error: {e.error}")
    return out


# -- the end of the session: one merged report set ------------------------------------------------

@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """The controller clears the parts a previous session left in the report directory: D holds one session."""
    config = session.config
    directory = _report_dir(config)
    if not _enabled(config) or directory is None or _worker_id(config) is not None or config.getoption("collectonly"):
        return
    parts = directory / merge.PARTS_DIR
    if parts.is_dir():
        for old in parts.iterdir():
            if old.is_file() and old.name.endswith(merge.PART_SUFFIXES):
                old.unlink()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    directory = _report_dir(config)
    if not _enabled(config) or directory is None:
        return
    worker = _worker_id(config)
    if worker is not None:  # hand the part to the controller (pytest-xdist sends workeroutput when this returns)
        part = _part_path(directory, worker)
        if part.is_file():
            config.workeroutput[_WORKER_OUTPUT] = {"worker": worker, "data": part.read_bytes()}
        return
    state = config.stash[_STATE]
    if not (state["parts"] or state["down"] or state["events"]):
        return  # nothing ran (collection only, everything deselected)
    try:
        if state["parts"] or state["down"]:
            events = _merged_parts(directory, state["parts"], state["down"])
        else:
            events = merge.merge_runs(merge.split_runs(state["events"]))
        merge.write_reports(events, directory)
    except (merge.MergeError, EventsFileError, OSError) as exc:  # one line, and the session fails as for a usage error
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"conformance: error: cannot write the reports to {directory}: {exc}", red=True)
        session.exitstatus = pytest.ExitCode.USAGE_ERROR


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object | None) -> None:
    """pytest-xdist, on the controller: a worker finished (its part arrives in ``workeroutput``) or went down."""
    config = node.config
    directory = _report_dir(config)
    if not _enabled(config) or directory is None:
        return
    state = config.stash[_STATE]
    worker = str(node.gateway.id)
    output = (getattr(node, "workeroutput", None) or {}).get(_WORKER_OUTPUT)
    if output is not None:
        path = _part_path(directory, output["worker"])
        if not path.is_file() or path.read_bytes() != output["data"]:  # a remote worker wrote it on its own disk
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(output["data"])
        state["parts"][output["worker"]] = path
    elif error is not None or getattr(node, "workeroutput", None) is None:
        state["down"][worker] = str(error or "no report")
        path = _part_path(directory, worker)
        if path.is_file():  # a local worker's items that finished before it went down
            state["parts"][worker] = path


def _natural(name: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def _merged_parts(directory: Path, parts: dict[str, Path], down: dict[str, str]) -> list[Event]:
    runs: list[list[Event]] = []
    for worker in sorted(parts, key=_natural):
        runs += merge.split_runs(load(parts[worker]))
    for worker, error in sorted(down.items(), key=lambda kv: _natural(kv[0])):
        runs.append([RunFinished(
            EXIT_CHECKER_ERROR, 0.0, 0, 0, 0,
            error=f"pytest-xdist worker {worker} went down ({error}): the items it had not finished are not in this report",
        )])
    return merge.merge_runs(runs)
