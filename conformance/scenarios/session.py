"""The machinery every stateful scenario uses.

A :class:`Session` sends requests by method and concrete path, finds the operation in the
rendered spec, runs every applicable check on the response (with the scenario's situation,
expectation and LRO history), emits events, and keeps a cleanup stack so that everything a
scenario creates is deleted at the end, also when the scenario fails. Resources it creates
carry the run's prefix (``cc-<run id>-<version tag>-``, see :mod:`conformance.naming`) so a
human can recognise and remove leftovers.

Schemathesis does not record calls made inside custom rules, so the session records every
request and poll itself (through :class:`~conformance.transport.Transport`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed as hyp_seed, settings
from hypothesis import strategies as st

from conformance.checks.registry import FAIL, Check, all_checks, get, judge
from conformance.context import CheckContext, Expected, LroView
from conformance.events import (
    RuleEvaluated,
    Event,
    Finding,
    FindingRaised,
    LroCompleted,
    LroTimeline,
)
from conformance.failures import Failure, FlowBroken
from conformance.naming import resource_prefix
from conformance.scenarios.polling import Poller
from conformance.spec import Spec
from conformance.transport import ResponseRecord, Transport, redact

__all__ = ["Session", "ScenarioAborted", "MISSING", "run_with_data", "Lro"]

MISSING: Any = object()


class ScenarioAborted(Exception):
    """The documented flow cannot continue (a finding has been raised already)."""


@dataclass
class Lro:
    """Book-keeping for one long-running operation while it is polled."""

    service: str
    version: str
    scenario: str
    operation_id: str
    resource: str
    submitted_at: float
    order: tuple[str, ...]
    terminal: frozenset[str]
    statuses: list[tuple[float, str, str]] = field(default_factory=list)
    polls: int = 0
    polls_after_terminal: int = 0
    retry_after_seen: int = 0
    retry_after_honoured: int = 0
    terminal_status: str | None = None
    terminal_at: float | None = None

    def view(self, via: str) -> LroView:
        return LroView(
            kind=via,
            statuses=tuple(s for _, s, v in self.statuses if v == via),
            terminal=self.terminal,
            order=self.order,
            submitted_at=self.submitted_at,
        )

    def saw(self, status: str | None, via: str, at: float) -> None:
        if status is None:
            return
        self.statuses.append((at - self.submitted_at, status, via))

    def timeline(self) -> LroTimeline:
        return LroTimeline(
            service=self.service,
            version=self.version,
            scenario=self.scenario,
            operation_id=self.operation_id,
            resource=self.resource,
            statuses=tuple(self.statuses),
            polls=self.polls,
            terminal_status=self.terminal_status,
            time_to_terminal_s=None if self.terminal_at is None else self.terminal_at - self.submitted_at,
            polls_after_terminal=self.polls_after_terminal,
            retry_after_honoured=self.retry_after_honoured,
            retry_after_seen=self.retry_after_seen,
        )


class Session:
    def __init__(
        self,
        *,
        transport: Transport,
        spec: Spec,
        emit: Callable[[Event], None],
        run_id: str,
        poller: Poller,
        phase: str = "stateful",
        checks: list[Check] | None = None,
    ) -> None:
        self.transport = transport
        self.spec = spec
        self.emit = emit
        self.run_id = run_id
        self.poller = poller
        self.phase = phase
        self.checks = checks if checks is not None else all_checks()
        self.scenario: str | None = None
        self._cleanup: list[tuple[str, Callable[[], None]]] = []
        self._draw: Callable[[st.SearchStrategy], Any] | None = None
        self.failed = False

    # -- naming ------------------------------------------------------------------------
    @property
    def prefix(self) -> str:
        return resource_prefix(self.run_id, self.spec.version)

    def name(self, suffix: str) -> str:
        return f"{self.prefix}{suffix}"

    # -- data ----------------------------------------------------------------------------
    def draw(self, strategy: st.SearchStrategy) -> Any:
        if self._draw is None:
            raise RuntimeError("Session.draw is only available inside run_with_data()")
        return self._draw(strategy)

    # -- HTTP + checks -------------------------------------------------------------------
    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        json_body: Any = MISSING,
        content: bytes | None = None,
        data: dict[str, Any] | None = None,
        files: Any = None,
        key: Any = MISSING,
        situation: str | None = None,
        expected: Expected | None = None,
        lro: LroView | None = None,
        history: tuple[ResponseRecord, ...] = (),
        extra: dict | None = None,
        check: bool = True,
    ) -> ResponseRecord:
        operation = self.spec.match(method, _path_of(path))
        query = dict(params or {})
        version_param = _version_query_param(self.spec)
        if version_param and version_param not in query and "?" not in path:
            query[version_param] = self.spec.version
        kwargs: dict[str, Any] = {"params": query or None, "headers": headers}
        if json_body is not MISSING:
            kwargs["json_body"] = json_body
        if content is not None:
            kwargs["content"] = content
        if data is not None:
            kwargs["data"] = data
        if files is not None:
            kwargs["files"] = files
        if key is not MISSING:
            kwargs["key"] = key
        record = self.transport.request(
            method, path, operation_id=operation.operation_id if operation else None, **kwargs
        )
        if check:
            ctx = CheckContext(
                spec=self.spec,
                operation=operation,
                history=history,
                situation=situation,
                expected=expected,
                lro=lro,
                extra=extra or {},
            )
            self.evaluate(ctx, record)
        return record

    def evaluate(self, ctx: CheckContext, record: ResponseRecord, checks: list[Check] | None = None) -> bool:
        """Judge ``record`` by ``checks``; emit one RuleEvaluated per rule and a finding per failure."""
        ok = True
        for c in checks if checks is not None else self.checks:
            outcome = judge(c, ctx, record)
            if outcome.verdict == FAIL:
                ok = False
                self.failed = True
                self._finding(c.name, c.rule, c.source, outcome.failure, ctx, record)
            self.emit(self._evaluated(c.name, outcome.verdict, ctx, outcome.reason))
        return ok

    def evaluate_one(self, name: str, ctx: CheckContext, record: ResponseRecord) -> bool:
        return self.evaluate(ctx, record, [get(name)])

    def context(self, record: ResponseRecord, **kwargs: Any) -> CheckContext:
        operation = self.spec.match(record.request.method, _path_of(record.request.url))
        return CheckContext(spec=self.spec, operation=operation, **kwargs)

    def broken(self, message: str, record: ResponseRecord | None, *, documented: str, source: str) -> None:
        """The documented flow cannot go on: raise a FlowBroken finding and abort the scenario."""
        failure = FlowBroken(
            message,
            received=None if record is None else f"{record.status_code} {record.body[:200]!r}",
            documented=documented,
        )
        ctx = self.context(record) if record is not None else CheckContext(spec=self.spec, operation=None)
        self.failed = True
        self._finding("documented_flow", "The documented request sequence can be followed", source, failure, ctx, record)
        raise ScenarioAborted(message)

    def _evaluated(self, name: str, verdict: str, ctx: CheckContext, reason: str | None = None) -> RuleEvaluated:
        return RuleEvaluated(
            check=name,
            verdict=verdict,
            reason=reason,
            service=self.spec.service,
            version=self.spec.version,
            phase=self.phase,
            operation_id=ctx.operation_id,
            scenario=self.scenario,
        )

    def _finding(
        self,
        check: str,
        rule: str,
        source: str,
        failure: Failure,
        ctx: CheckContext,
        record: ResponseRecord | None,
    ) -> None:
        secrets = self.transport.secrets
        self.emit(
            FindingRaised(
                Finding(
                    check=check,
                    title=failure.title,
                    rule=rule,
                    source=source,
                    message=redact(failure.describe(), secrets),
                    service=self.spec.service,
                    version=self.spec.version,
                    phase=self.phase,
                    operation_id=ctx.operation_id,
                    status_code=None if record is None else record.status_code,
                    repro="" if record is None else redact(record.curl(), secrets),
                    scenario=self.scenario,
                )
            )
        )

    # -- long-running operations -----------------------------------------------------------
    def lro_done(self, lro: Lro) -> None:
        self.emit(LroCompleted(lro.timeline()))

    # -- cleanup ---------------------------------------------------------------------------
    def on_cleanup(self, label: str, fn: Callable[[], None]) -> None:
        self._cleanup.append((label, fn))

    def delete_later(self, path: str) -> None:
        self.on_cleanup(path, lambda: self.call("DELETE", path, check=False))

    def cleanup(self) -> list[str]:
        """Run the cleanup stack (last in, first out); return what could not be cleaned."""
        problems = []
        while self._cleanup:
            label, fn = self._cleanup.pop()
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - cleanup must go on; report, don't raise
                problems.append(f"{label}: {redact(str(exc), self.transport.secrets)}")
        return problems


def _version_query_param(spec: Spec) -> str | None:
    info = spec.document.get("info", {})
    return "api-version" if info.get("x-api-version-in") == "query" else None


def _path_of(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path


def run_with_data(fn: Callable[[], None], session: Session, *, seed: int) -> None:
    """Run ``fn`` once with ``session.draw`` bound to a seeded Hypothesis data source.

    Scenarios draw their payloads (images, audio, names) from ``strategies/`` so the same
    generators serve the stateless and stateful phases; one example, no shrinking, seeded.
    """

    @hyp_seed(seed)
    @settings(
        max_examples=1,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=False,
    )
    @given(data=st.data())
    def body(data: st.DataObject) -> None:
        session._draw = data.draw
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised below, outside Hypothesis
            raised.append(exc)
        finally:
            session._draw = None

    raised: list[BaseException] = []
    body()
    if raised:
        raise raised[0]


def monotonic() -> float:
    return time.monotonic()


def poll_lro(
    session: Session,
    lro: Lro,
    resource_path: str,
    *,
    op_url: str | None = None,
    situation: str | None = None,
    history: tuple[ResponseRecord, ...] = (),
    abort_message: str,
) -> ResponseRecord:
    """Poll a long-running operation to a terminal status; return the terminal resource read.

    Every poll reads the operation status resource (``op_url``, from ``Operation-Location``)
    when there is one, then the resource itself, and checks that the two agree
    (``lro_operations_agree``: the operation's status lies between the resource statuses read
    just before and after it). Each read runs every check with ``lro`` views of what was seen
    so far. At the deadline ``lro_reaches_terminal`` fires and the scenario aborts; at a
    terminal status one verification read (not a poll) checks that it sticks. The timeline is
    emitted as an ``LroCompleted`` event either way.
    """
    from conformance.checks._util import norm_status
    from conformance.checks.lro import status_of

    terminal = {norm_status(t) for t in lro.terminal}
    res_hist: list[ResponseRecord] = list(history)
    op_hist: list[ResponseRecord] = []
    state: dict[str, Any] = {"prev": lro.order[0], "op": None}

    def read_operation() -> ResponseRecord:
        record = session.call("GET", op_url, lro=lro.view("operation"), history=tuple(op_hist), situation=situation)
        lro.saw(status_of(record), "operation", record.sent_at)
        op_hist.append(record)
        return record

    def read_resource() -> ResponseRecord:
        record = session.call("GET", resource_path, lro=lro.view("resource"), history=tuple(res_hist), situation=situation)
        lro.saw(status_of(record), "resource", record.sent_at)
        res_hist.append(record)
        return record

    def read() -> ResponseRecord:
        op_record = read_operation() if op_url else None
        record = read_resource()
        lro.polls += 1
        after = status_of(record)
        if op_record is not None and status_of(op_record) is not None and after is not None:
            ctx = session.context(
                op_record,
                situation="operation-vs-resource",
                lro=lro.view("operation"),
                extra={"resource_before": state["prev"], "resource_after": after},
            )
            session.evaluate_one("lro_operations_agree", ctx, op_record)
        if after is not None:
            state["prev"] = after
        state["op"] = op_record
        return record

    def is_terminal(record: ResponseRecord) -> bool:
        done = norm_status(status_of(record) or "") in terminal
        if op_url and state["op"] is not None:
            done = done and norm_status(status_of(state["op"]) or "") in terminal
        return done

    outcome = session.poller.poll(read, is_terminal, stop=lambda r: r.status_code >= 400)
    lro.retry_after_seen, lro.retry_after_honoured = outcome.retry_after_seen, outcome.retry_after_honoured
    if outcome.terminal is None:
        last = outcome.records[-1]
        if last.status_code < 400:
            ctx = session.context(
                last,
                situation="poll-budget-exhausted",
                lro=lro.view("resource"),
                extra={"polls": outcome.polls, "elapsed_s": outcome.elapsed_s},
            )
            session.evaluate_one("lro_reaches_terminal", ctx, last)
        session.lro_done(lro)
        raise ScenarioAborted(abort_message)
    lro.terminal_status = status_of(outcome.terminal)
    lro.terminal_at = outcome.terminal.sent_at
    session.poller.clock.sleep(min(0.05, session.poller.policy.max_interval_s))
    if op_url:
        read_operation()
    read_resource()
    session.lro_done(lro)
    return outcome.terminal
