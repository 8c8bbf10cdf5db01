"""The machinery every stateful scenario uses.

A :class:`Session` sends requests by method and concrete path, finds the operation in the
rendered spec, judges every response rule on each exchange (:meth:`Session.evaluate`), judges
every flow rule on the evidence a scenario assembles (:meth:`Session.assess`: an LRO trace, a
page walk, an enrollment ledger, an idempotency record, a provocation), emits events, and
keeps a cleanup stack so that everything a scenario creates is deleted at the end, also when
the scenario fails. Resources it creates
carry the run's prefix (``cc-<run id>-<version tag>-``, see :mod:`conformance.naming`) so a
human can recognise and remove leftovers.

Schemathesis does not record calls made inside custom rules, so the session records every
request and poll itself (through :class:`~conformance.transport.Transport`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed as hyp_seed, settings
from hypothesis import strategies as st

from cognitive_conformance.conformance.checks.registry import FAIL, FLOW, NA, RESPONSE, Rule, all_rules, judge, rules_for
from cognitive_conformance.conformance.context import CheckContext
from cognitive_conformance.conformance.events import DeviationRaised, Event, Finding, FindingRaised, LroCompleted, RuleEvaluated
from cognitive_conformance.conformance.failures import Failure, FlowBroken
from cognitive_conformance.conformance.flows.evidence import (
    OPERATION,
    POLL,
    RESOURCE,
    EnrollmentLedger,
    Expected,
    ExpectedOutcome,
    IdempotencyRecord,
    LroTrace,
    PageWalk,
    Provocation,
    build_trace,
)
from cognitive_conformance.conformance.flows.client import client_polling
from cognitive_conformance.conformance.flows.status import StatusModel, status_of
from cognitive_conformance.conformance.flows.timeline import timeline_of
from cognitive_conformance.conformance.naming import resource_prefix
from cognitive_conformance.conformance.profiles import flow_deviation, response_deviation
from cognitive_conformance.conformance.scenarios.polling import Poller
from cognitive_conformance.conformance.spec import Spec
from cognitive_conformance.conformance.transport import OffOriginRequest, ResponseRecord, Transport, finding_evidence, redact

__all__ = ["MISSING", "ScenarioAborted", "Session", "TERMINAL_REREAD", "poll_lro", "run_with_data"]

MISSING: Any = object()
THROTTLED = "throttled: still 429 when the retry budget ran out"

#: The name of the verification re-read made after a terminal status (to see that it sticks).
TERMINAL_REREAD = "terminal-reread"


class ScenarioAborted(Exception):
    """The documented flow cannot continue (a finding has been raised already)."""


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
        checks: list[Rule] | None = None,
    ) -> None:
        """``checks``: the rules selected (default every rule). Response rules among them judge
        each exchange; flow rules judge evidence. A selection of response rules only runs no
        flow rule, unless it is every response rule."""
        self.transport = transport
        self.spec = spec
        self.emit = emit
        self.run_id = run_id
        self.poller = poller
        self.phase = phase
        if checks is None:
            self.checks, self.flow_rules = all_rules(RESPONSE), all_rules(FLOW)
        else:
            self.checks = [c for c in checks if c.kind == RESPONSE]
            self.flow_rules = [c for c in checks if c.kind == FLOW]
            if not self.flow_rules and {c.name for c in self.checks} == {c.name for c in all_rules(RESPONSE)}:
                self.flow_rules = all_rules(FLOW)
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
        history: tuple[ResponseRecord, ...] = (),
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
        try:
            record = self.transport.request(
                method, path, operation_id=operation.operation_id if operation else None, **kwargs
            )
        except OffOriginRequest as refused:
            self.broken(
                f"the flow leads to {refused.url}, outside the target's origin {refused.origin}: not followed, no key sent",
                None,
                documented="links (Operation-Location, nextLink, Location) on the target's own origin",
                source="https://github.com/microsoft/api-guidelines/blob/vNext/azure/Guidelines.md#long-running-operations",
            )
        if check:
            self.evaluate(CheckContext(spec=self.spec, operation=operation, history=history), record)
        return record

    def provoke(self, kind: str, expected: Expected, method: str, path: str, **kwargs: Any) -> ResponseRecord:
        """Send a request that provokes a documented situation; judge the exchange and the :class:`Provocation`."""
        record = self.call(method, path, **kwargs)
        self.assess(Provocation(kind, record, expected))
        return record

    def evaluate(self, ctx: CheckContext, record: ResponseRecord, checks: list[Rule] | None = None) -> bool:
        """Judge ``record`` by the response rules; emit one RuleEvaluated per rule and a finding per failure."""
        ok = True
        for c in checks if checks is not None else self.checks:
            if not c.covers(self.spec.service, self.spec.version):
                continue
            if record.throttled:  # a 429 past the retry budget says nothing about the rule
                self.emit(self._evaluated(c.name, NA, ctx.operation_id, THROTTLED))
                continue
            outcome = judge(c, ctx, record)
            if outcome.verdict == FAIL:
                ok = False
                self.failed = True
                self._finding(c.name, c.rule, c.source, outcome.failure, ctx.operation_id, record)
            else:
                departure = response_deviation(c, ctx, record, phase=self.phase)
                if departure is not None:
                    self.emit(DeviationRaised(_scrub(departure, self.scenario, self.transport.secrets)))
            self.emit(self._evaluated(c.name, outcome.verdict, ctx.operation_id, outcome.reason))
        return ok

    def assess(self, evidence: Any) -> bool:
        """Judge ``evidence`` by every selected flow rule for its type; emit verdicts and findings like :meth:`evaluate`."""
        operation_id, record = _anchor(evidence)
        ok = True
        for rule in rules_for(self.spec.service, self.spec.version, evidence=type(evidence), selected=self.flow_rules):
            outcome = judge(rule, self.spec, evidence)
            if outcome.verdict == FAIL:
                ok = False
                if rule.severity == "error":
                    self.failed = True
                self._finding(rule.name, rule.rule, rule.source, outcome.failure, operation_id, record)
            else:
                departure = flow_deviation(rule, self.spec, evidence, phase=self.phase, operation_id=operation_id)
                if departure is not None:
                    self.emit(DeviationRaised(_scrub(departure, self.scenario, self.transport.secrets)))
            self.emit(self._evaluated(rule.name, outcome.verdict, operation_id, outcome.reason))
        return ok

    def context(self, record: ResponseRecord, **kwargs: Any) -> CheckContext:
        operation = self.spec.match(record.request.method, _path_of(record.request.url))
        return CheckContext(spec=self.spec, operation=operation, **kwargs)

    def broken(self, message: str, record: ResponseRecord | None, *, documented: str, source: str) -> None:
        """The documented flow cannot go on: raise a FlowBroken finding and abort the scenario."""
        failure = FlowBroken(
            message,
            received=None if record is None else f"{record.status_code} {_body_text(record)}",
            documented=documented,
        )
        operation_id = self.context(record).operation_id if record is not None else None
        self.failed = True
        rule = "The documented request sequence can be followed"
        self._finding("documented_flow", rule, source, failure, operation_id, record)
        raise ScenarioAborted(message)

    def _evaluated(self, name: str, verdict: str, operation_id: str | None, reason: str | None = None) -> RuleEvaluated:
        return RuleEvaluated(
            check=name,
            verdict=verdict,
            reason=reason,
            service=self.spec.service,
            version=self.spec.version,
            phase=self.phase,
            operation_id=operation_id,
            scenario=self.scenario,
        )

    def _finding(
        self,
        check: str,
        rule: str,
        source: str,
        failure: Failure,
        operation_id: str | None,
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
                    operation_id=operation_id,
                    scenario=self.scenario,
                    **finding_evidence(record, secrets),
                )
            )
        )

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


def _scrub(departure: Any, scenario: str | None, secrets: list[str]) -> Any:
    from dataclasses import replace

    return replace(departure, scenario=scenario, message=redact(departure.message, secrets))


def _body_text(record: ResponseRecord, limit: int = 200) -> str:
    """A response body as a message shows it: text as text (never a Python bytes repr), binary as its size."""
    if not record.body:
        return "(no body)"
    try:
        text = record.body[: limit * 4].decode("utf-8")
    except UnicodeDecodeError:
        return f"({len(record.body)} bytes of {record.content_type or 'unknown type'})"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _version_query_param(spec: Spec) -> str | None:
    info = spec.document.get("info", {})
    return "api-version" if info.get("x-api-version-in") == "query" else None


def _path_of(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path


def _origin(url: str, base: str) -> tuple[str, str]:
    from urllib.parse import urljoin, urlsplit

    parts = urlsplit(urljoin(base, url))
    return parts.scheme.lower(), parts.netloc.lower()


def _anchor(evidence: Any) -> tuple[str | None, ResponseRecord | None]:
    """The operation a piece of evidence is about, and the exchange a finding's repro shows."""
    if isinstance(evidence, LroTrace):
        last = evidence.reads[-1].exchange if evidence.reads else evidence.submit
        return evidence.operation_id or None, last
    if isinstance(evidence, Provocation):
        return evidence.operation_id, evidence.exchange
    if isinstance(evidence, PageWalk):
        return (evidence.pages[-1].operation_id, evidence.pages[-1]) if evidence.pages else (None, None)
    if isinstance(evidence, EnrollmentLedger):
        last = evidence.entries[-1].exchange if evidence.entries else evidence.start
        return (None if last is None else last.operation_id), last
    if isinstance(evidence, IdempotencyRecord):
        last = evidence.reuse or evidence.retry or evidence.first
        return last.operation_id, last
    exchange = getattr(evidence, "exchange", None)
    if isinstance(exchange, ResponseRecord):
        return exchange.operation_id, exchange
    return None, None


class _Raised(Exception):
    """Carries an exception the scenario raised out of Hypothesis' ``@given``."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(repr(original))
        self.original = original


def run_with_data(fn: Callable[[], None], session: Session, *, seed: int) -> None:
    """Run ``fn`` once with ``session.draw`` bound to a seeded Hypothesis data source.

    Scenarios draw their payloads (images, audio, names) from ``strategies/`` so the same
    generators serve the stateless and stateful phases; one example, no shrinking, seeded.
    Only the scenario's own exceptions (``Exception`` subclasses) are captured inside
    ``@given`` and re-raised outside it; Hypothesis' control exceptions, ``KeyboardInterrupt``
    and ``SystemExit`` pass through untouched.
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
        except Exception as exc:
            if _is_hypothesis_control(exc):
                raise
            raised.append(exc)
        finally:
            session._draw = None

    raised: list[BaseException] = []
    body()
    if raised:
        raise raised[0]


def _is_hypothesis_control(exc: BaseException) -> bool:
    """Hypothesis' own flow-control exceptions (``StopTest``, ``UnsatisfiedAssumption``, ``Frozen``, ...)."""
    from hypothesis.errors import Frozen, UnsatisfiedAssumption

    try:
        from hypothesis.errors import StopTest
    except ImportError:  # pragma: no cover - older layouts
        from hypothesis.internal.conjecture.data import StopTest  # type: ignore[no-redef]
    return isinstance(exc, (StopTest, UnsatisfiedAssumption, Frozen))


def _same_resource(op_url: str, resource_path: str, base: str) -> bool:
    from urllib.parse import urljoin, urlsplit

    return urlsplit(urljoin(base, op_url)).path.rstrip("/") == urlsplit(urljoin(base, resource_path)).path.rstrip("/")


def poll_lro(
    session: Session,
    submit: ResponseRecord,
    resource_path: str,
    *,
    model: StatusModel,
    resource: str = "",
    op_url: str | None = None,
    expected: ExpectedOutcome | None = None,
    abort_message: str,
) -> LroTrace:
    """Poll a long-running operation to a terminal status; judge and return its :class:`LroTrace`.

    Each poll reads the operation status resource (``op_url``, from ``Operation-Location``)
    when there is one, then the resource itself, each only until it has shown a terminal
    status (so a race between the two never makes a poll after terminal). An Operation-Location
    on another origin than the target's is not read (the key would go with it). Every read is
    judged by the response rules; at a terminal status each status resource is read once more
    (the named re-read :data:`TERMINAL_REREAD`, so ``lro_terminal_sticky`` can judge). The trace
    is then judged by every LRO flow rule and emitted as ``LroCompleted``; without a terminal
    status the scenario aborts.
    """
    location = op_url
    if op_url and _origin(op_url, submit.request.url) != _origin(submit.request.url, submit.request.url):
        op_url = None  # never send the key off the target's origin; lro_operation_location_resolvable reports it
    if op_url and _same_resource(op_url, resource_path, submit.request.url):
        # The real service points Operation-Location at the resource's own status (train → /training):
        # one status resource, read once per poll, not twice.
        op_url = None
    reads: list[tuple[str, ResponseRecord, str]] = []
    done = {OPERATION: not op_url, RESOURCE: False}

    def read_once(via: str, url: str, purpose: str = POLL) -> ResponseRecord:
        record = session.call("GET", url)
        reads.append((via, record, purpose))
        return record

    def read() -> ResponseRecord:
        # A status resource that has shown its terminal status is not polled again.
        latest: ResponseRecord | None = None
        for via, url in ((OPERATION, op_url), (RESOURCE, resource_path)):
            if url and not done[via]:
                latest = read_once(via, url)
                done[via] = model.is_terminal(status_of(latest))
        if latest is None:  # every status is terminal: only a poller configured to over-poll comes here
            if op_url:
                read_once(OPERATION, op_url)
            latest = read_once(RESOURCE, resource_path)
        return latest

    def is_terminal(record: ResponseRecord) -> bool:
        return all(done.values())

    def stop(record: ResponseRecord) -> bool:
        return record.status_code >= 400 and record.status_code != 429

    throttles_before = session.transport.throttles
    outcome = session.poller.poll(read, is_terminal, stop=stop)
    if outcome.terminal is not None:
        session.poller.clock.sleep(min(0.05, session.poller.policy.max_interval_s))
        if op_url:
            read_once(OPERATION, op_url, TERMINAL_REREAD)
        read_once(RESOURCE, resource_path, TERMINAL_REREAD)
    last = outcome.records[-1] if outcome.records else None
    trace = build_trace(
        service=session.spec.service,
        version=session.spec.version,
        submit=submit,
        reads=reads,
        model=model,
        resource=resource,
        scenario=session.scenario,
        operation_url=location,
        expected=expected,
        budget_exhausted=outcome.terminal is None and last is not None and not stop(last),
        waited_out=session.transport.throttles - throttles_before,
    )
    session.assess(trace)
    # The client rules judge our own poller here (no floor is configured for it; a proxy judges the user's client).
    session.assess(client_polling(trace, None))
    session.emit(LroCompleted(timeline_of(trace)))
    if outcome.terminal is None:
        raise ScenarioAborted(abort_message)
    return trace
