"""pytest plugin: the conformance suite as test items in a user's own test run.

``pytest --conformance`` (the embedded emulator) or ``pytest --conformance-target URL
--conformance-key KEY`` collects one item per (service, API version, operation) for the
stateless phase and one per (service, API version, scenario) for the stateful phase. Each
item runs the same runner and checks as ``conformance run`` and fails with the findings.
Nothing is collected unless one of those options is given, so installing the package does
not change anyone's test run.
"""

from __future__ import annotations

import os
import secrets
from contextlib import ExitStack
from typing import Any

import pytest

from cognitive_conformance.conformance import runner, spec as spec_module
from cognitive_conformance.conformance.events import Event, FindingRaised, RunFinished, ScenarioFinished
from cognitive_conformance.conformance.scenarios import scenarios_for

__all__ = ["ConformanceItem", "ConformanceFailed"]

_STATE = pytest.StashKey[dict]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "Azure AI train-then-poll conformance (cognitive-conformance)")
    group.addoption("--conformance", action="store_true", help="collect the conformance suite (embedded emulator unless --conformance-target)")
    group.addoption("--conformance-target", help="base URL of the target to check")
    group.addoption("--conformance-key", help="subscription key (default: env CONFORMANCE_KEY)")
    group.addoption("--conformance-service", action="append", default=[], help="service to check (repeatable)")
    group.addoption("--conformance-api-version", action="append", default=[], help="API version to check (repeatable)")
    group.addoption("--conformance-profile", default="observed", choices=["observed", "docs"])
    group.addoption("--conformance-max-examples", type=int, default=10)
    group.addoption("--conformance-seed", type=int, default=0)
    group.addoption("--conformance-poll-timeout", type=float, default=60.0)
    group.addoption("--conformance-report-dir", help="also write conformance.json/junit.xml/summary.md and traffic.har here")


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("--conformance") or config.getoption("--conformance-target"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformance: an item of the cognitive-conformance suite")
    config.stash[_STATE] = {"stack": ExitStack(), "target": None, "key": None, "events": []}


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if not state:
        return
    report_dir = config.getoption("--conformance-report-dir", default=None)
    if report_dir and state["events"]:
        from cognitive_conformance.conformance.reports import write_all

        write_all(state["events"], report_dir)
    state["stack"].close()


class ConformanceFailed(AssertionError):
    pass


class ConformanceCollector(pytest.Collector):
    def collect(self) -> list[pytest.Item]:
        config = self.config
        base = runner.RunConfig(
            services=tuple(config.getoption("--conformance-service")),
            api_versions=tuple(config.getoption("--conformance-api-version")),
            profile=config.getoption("--conformance-profile"),
        )
        try:
            plan = base.plan()
        except runner.ConfigError as exc:
            raise pytest.UsageError(str(exc)) from None
        items: list[pytest.Item] = []
        for service, versions in plan.items():
            for version in versions:
                spec = spec_module.Spec(service, version, base.profile)
                for op in spec.operations():
                    items.append(
                        ConformanceItem.from_parent(
                            self,
                            name=f"{service}[{version}]::stateless::{op.operation_id}",
                            service=service,
                            version=version,
                            phase="stateless",
                            subject=op.operation_id,
                        )
                    )
                for scenario in scenarios_for(service):
                    items.append(
                        ConformanceItem.from_parent(
                            self,
                            name=f"{service}[{version}]::stateful::{scenario.name}",
                            service=service,
                            version=version,
                            phase="stateful",
                            subject=scenario.name,
                        )
                    )
        return items


class ConformanceItem(pytest.Item):
    def __init__(self, *, service: str, version: str, phase: str, subject: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.service, self.version, self.phase, self.subject = service, version, phase, subject
        self.add_marker(pytest.mark.conformance)

    def _target(self) -> tuple[str, str]:
        state = self.config.stash[_STATE]
        if state["target"] is None:
            target = self.config.getoption("--conformance-target")
            key = self.config.getoption("--conformance-key") or os.environ.get("CONFORMANCE_KEY")
            if target:
                if not key:
                    raise pytest.UsageError("--conformance-target needs --conformance-key or CONFORMANCE_KEY")
            else:
                key = secrets.token_hex(16)
                target = state["stack"].enter_context(runner.embedded_emulator(key=key, training_seconds=0.3))
            state["target"], state["key"] = target, key
        return state["target"], state["key"]

    def runtest(self) -> None:
        target, key = self._target()
        report_dir = self.config.getoption("--conformance-report-dir")
        config = runner.RunConfig(
            target=target,
            key=key,
            services=(self.service,),
            api_versions=(self.version,),
            profile=self.config.getoption("--conformance-profile"),
            seed=self.config.getoption("--conformance-seed"),
            max_examples=self.config.getoption("--conformance-max-examples"),
            poll_timeout_s=self.config.getoption("--conformance-poll-timeout"),
            phases=(self.phase,),
            scenarios=(self.subject,) if self.phase == "stateful" else (),
            operations=(self.subject,) if self.phase == "stateless" else (),
            har_parts=_har_parts(report_dir) if report_dir else None,
        )
        result = runner.run(config)
        self.config.stash[_STATE]["events"].extend(result.events)
        problems = _describe(result.events)
        if result.exit_code != runner.EXIT_OK or problems:
            raise ConformanceFailed("\n\n".join(problems) or f"exit code {result.exit_code}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ConformanceFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[str, int, str]:
        return "conformance", 0, self.name


def _har_parts(report_dir: str) -> str:
    from pathlib import Path

    from cognitive_conformance.conformance.har import PARTS_DIR

    return str(Path(report_dir) / PARTS_DIR)  # every item's jobs; merged into traffic.har when the session ends


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


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _enabled(config):
        return
    collector = ConformanceCollector.from_parent(session, name="conformance")
    items.extend(collector.collect())

