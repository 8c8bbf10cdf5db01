"""Judge observed traffic (a recording, a proxy's exchanges) with the rules live runs use.

There is no second implementation: every exchange is judged by the same response rules a
live run applies to its own exchanges, and the long-running operations in the traffic are
assembled into the same :class:`~conformance.flows.evidence.LroTrace` a live scenario builds
(:func:`~conformance.flows.evidence.build_trace`), judged by the same flow rules. What a
live run knows from its own plan, traffic shows by itself:

* **which operation**: the service, API version and operation come from the URL, matched
  against every pack's spec (Face carries the version in the path, the other services in
  ``api-version``); an exchange that no spec describes is counted as *not judged*, with why.
* **which LRO**: a 2xx answer to an operation the spec marks ``x-long-running`` opens a
  trace; later ``GET`` s of its status resource (the ``resource-operation`` or
  ``status-operation`` the spec names, filled with the submit's path parameters) and of the
  ``Operation-Location`` it gave are its reads; the next submit on the same resource, a
  ``DELETE`` of it or the end of the traffic closes it. Rules about the *client* (polls
  after terminal, Retry-After honoured) thus judge whoever made the traffic.
* **where**: each exchange carries a label (``file.json#12``, ``proxy#3``) that findings and
  deviations name.

Rules that judge a scenario's expectation (``stateful_only`` response rules) have none here
and are not offered. Under the ``observed`` profile, departures from the documents are
:class:`~conformance.events.Deviation` s (see :mod:`conformance.profiles`).
"""

from __future__ import annotations

import re
import secrets as _secrets
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from cognitive_conformance.conformance.checks.registry import (
    FAIL,
    FLOW,
    RESPONSE,
    NotApplicable,
    Rule,
    all_rules,
    judge,
    rules_for,
)
from cognitive_conformance.conformance.context import CheckContext
from cognitive_conformance.conformance.events import (
    DeviationRaised,
    Event,
    Finding,
    FindingRaised,
    LroCompleted,
    PhaseFinished,
    RuleEvaluated,
    RuleInfo,
    RulesDeclared,
    RunFinished,
    RunStarted,
    tally_findings,
)
from cognitive_conformance.conformance.failures import Failure
from cognitive_conformance.conformance.flows.client import client_polling, post_repeats
from cognitive_conformance.conformance.flows.evidence import OPERATION, POLL, RESOURCE, LroTrace, build_trace
from cognitive_conformance.conformance.flows.status import StatusModel, status_of
from cognitive_conformance.conformance.flows.timeline import timeline_of
from cognitive_conformance.conformance.packs import all_packs, get_pack
from cognitive_conformance.conformance.profiles import DEFAULT_PROFILE, flow_deviation, response_deviation
from cognitive_conformance.conformance.scenarios.session import TERMINAL_REREAD
from cognitive_conformance.conformance.spec import Operation, Spec, api_versions, services
from cognitive_conformance.conformance.transport import ResponseRecord, finding_evidence, redact

__all__ = ["PHASE", "Identified", "TrafficJudge", "identify", "traffic_run"]

#: The phase name findings of observed traffic carry.
PHASE = "traffic"
EXIT_OK, EXIT_FINDINGS = 0, 1


@dataclass(frozen=True)
class Identified:
    """What an exchange is: the rendered spec of its service and version, and the operation."""

    spec: Spec
    operation: Operation


class _Catalogue:
    """Every pack's spec in every API version, for one profile; finds the operation of an exchange."""

    def __init__(self, profile: str) -> None:
        self.profile = profile
        self._specs: list[tuple[Spec, bool]] = []  # (spec, version travels in the query)
        for service in services():
            try:
                get_pack(service)
            except Exception:  # a spec without a pack is not checked
                continue
            for version in api_versions(service):
                spec = Spec(service, version, profile)
                in_query = spec.document.get("info", {}).get("x-api-version-in") == "query"
                self._specs.append((spec, in_query))
        self._cache: dict[tuple[str, str, str | None], Identified | str] = {}

    def identify(self, method: str, url: str) -> Identified | str:
        """The spec and operation of ``method url``, or the reason none describes it."""
        parts = urlsplit(url)
        version = (parse_qs(parts.query).get("api-version") or [None])[0]
        key = (method.upper(), parts.path, version)
        if key not in self._cache:
            self._cache[key] = self._identify(method.upper(), parts.path, version)
        return self._cache[key]

    def _identify(self, method: str, path: str, version: str | None) -> Identified | str:
        path_only: list[Spec] = []
        for spec, in_query in self._specs:
            operation = spec.match(method, path)
            if operation is None:
                continue
            if not in_query or version == spec.version:
                return Identified(spec, operation)
            path_only.append(spec)
        if path_only:
            known = ", ".join(s.version for s in path_only)
            return f"{path_only[0].service}: api-version {version!r} is not one the spec describes ({known})"
        face_like = re.match(r"^/[a-z]+/(v[0-9][^/]*)/", path)
        if face_like:
            return f"{method} {_template_hint(path)}: no operation of API version {face_like.group(1)} in any spec"
        return f"{method} {_template_hint(path)}: no spec describes this operation"


def _template_hint(path: str) -> str:
    """A path with its id-like segments elided, so that reasons group."""
    return re.sub(r"/[0-9a-fA-F-]{16,}(?=/|$)", "/{id}", path)


_CATALOGUES: dict[str, _Catalogue] = {}


def identify(method: str, url: str, *, profile: str = DEFAULT_PROFILE) -> Identified | str:
    """The spec and operation an exchange belongs to, or why no spec describes it."""
    if profile not in _CATALOGUES:
        _CATALOGUES[profile] = _Catalogue(profile)
    return _CATALOGUES[profile].identify(method, url)


@dataclass
class _OpenLro:
    spec: Spec
    submit: ResponseRecord
    where: str
    resource_path: str
    operation_path: str | None  # the Operation-Location's path when it is another status resource
    operation_url: str | None  # the Operation-Location as given
    model: StatusModel
    scenario: str | None
    reads: list[tuple[str, ResponseRecord]] = field(default_factory=list)
    wheres: list[str] = field(default_factory=list)
    after: int = 0  # position in the judged traffic after the last exchange of this LRO


class TrafficJudge:
    """Judges exchanges one at a time, as they are read or proxied, and the LROs among them at the end.

    ``emit`` receives RuleEvaluated, FindingRaised, DeviationRaised and LroCompleted events
    (phase :data:`PHASE`, scenario = the exchange's label). ``secrets`` are redacted from
    every message. ``min_poll_interval_s`` is the polling floor the client rules judge.
    """

    def __init__(
        self,
        *,
        profile: str = DEFAULT_PROFILE,
        emit: Callable[[Event], None],
        secrets: Sequence[str] = (),
        min_poll_interval_s: float | None = None,
        rules: Sequence[Rule] | None = None,
    ) -> None:
        self.profile = profile
        self.emit = emit
        self.secrets = tuple(s for s in secrets if s)
        self.min_poll_interval_s = min_poll_interval_s
        pool = list(rules) if rules is not None else all_rules()
        self._response_rules = [r for r in pool if r.kind == RESPONSE and not r.stateful_only]
        self._flow_rules = [r for r in pool if r.kind == FLOW]
        self._open: dict[tuple[str, str, str], _OpenLro] = {}
        self.judged: Counter[tuple[str, str]] = Counter()  # (service, version) -> exchanges judged
        self.by_operation: dict[tuple[str, str], Counter[str]] = {}  # (service, version) -> operationId -> exchanges
        self.specs: dict[tuple[str, str], Any] = {}  # (service, version) -> the spec its exchanges matched
        self.not_judged: Counter[str] = Counter()  # reason -> exchanges no spec describes
        self.lros = 0
        self._records: list[tuple[str, ResponseRecord, str | None]] = []  # (where, record, scenario)
        self._batch_start = 0  # where the traffic since the last close() begins

    # -- one exchange ----------------------------------------------------------------------
    def add(self, record: ResponseRecord, *, where: str, scenario: str | None = None) -> None:
        """Judge one exchange's response rules now; attach it to the LRO it belongs to."""
        found = identify(record.request.method, record.request.url, profile=self.profile)
        if isinstance(found, str):
            self.not_judged[found] += 1
            self._read_of_open_lro(record, where)  # an Operation-Location no spec names is still a read
            return
        spec, operation = found.spec, found.operation
        record = replace(record, operation_id=operation.operation_id)
        self._records.append((where, record, scenario))
        self.judged[(spec.service, spec.version)] += 1
        self.specs.setdefault((spec.service, spec.version), spec)
        self.by_operation.setdefault((spec.service, spec.version), Counter())[operation.operation_id] += 1
        ctx = CheckContext(spec=spec, operation=operation)
        judged = _CutBody(record) if record.truncated else record
        for rule in self._response_rules:
            if not rule.covers(spec.service, spec.version):
                continue
            outcome = judge(rule, ctx, judged)
            if outcome.verdict == FAIL:
                self._finding(rule, outcome.failure, spec, operation.operation_id, record, where, scenario)
            else:
                departure = response_deviation(rule, ctx, judged, phase=PHASE, where=where)
                if departure is not None:
                    self._deviation(departure, scenario)
            self._evaluated(rule, outcome.verdict, spec, operation.operation_id, scenario, outcome.reason)
        method = record.request.method.upper()
        path = urlsplit(record.request.url).path.rstrip("/")
        if method == "DELETE":
            for key, lro in list(self._open.items()):
                if lro.resource_path.startswith(path + "/") or lro.resource_path == path:
                    self._close(key)
        elif method != "GET":
            # An action on the resource (``POST …/{id}:suspend``) starts its own operation: the resource's
            # later reads are no longer reads of the operation that made it.
            for key, lro in list(self._open.items()):
                if path.startswith(lro.resource_path + ":"):
                    self._close(key)
        if method != "GET" and 200 <= record.status_code < 300:
            self._submitted(spec, operation, record, where, scenario)
        elif method == "GET":
            self._read_of_open_lro(record, where)

    def _submitted(
        self, spec: Spec, operation: Operation, record: ResponseRecord, where: str, scenario: str | None
    ) -> None:
        lro = operation.definition.get("x-long-running")
        if not isinstance(lro, dict) or (lro.get("statuses") and record.status_code not in lro["statuses"]):
            return
        status_op = lro.get("resource-operation") if lro.get("poll") == "operation-location" else None
        location = record.header("operation-location")
        operation_path = None
        if location:
            operation_path = urlsplit(urljoin(record.request.url, location)).path.rstrip("/")
        if status_op is None and lro.get("poll") == "operation-location":
            # Only the operation is polled (an action such as an endpoint's suspend): its Operation-Location is
            # the status resource.
            if operation_path is None:
                return
            resource_path, operation_path = operation_path, None
        else:
            try:
                resource_op = spec.operation(status_op or lro.get("status-operation"))
            except (KeyError, TypeError):
                return
            resource_path = _fill(resource_op.path, operation.path, urlsplit(record.request.url).path)
            if resource_path is None:
                # No status resource of its own (Face PersonDirectory): the operation it links is the one to poll.
                if operation_path is None or lro.get("poll") != "operation-location":
                    return
                resource_path, operation_path = operation_path, None
            if operation_path == resource_path:
                operation_path = None  # the resource's own status (train -> /training): one status resource
        model = get_pack(spec.service).status_model_for(spec.version)
        if model is None:
            return
        key = (spec.service, spec.version, resource_path)
        if key in self._open:
            self._close(key)
        self._open[key] = _OpenLro(
            spec, record, where, resource_path, operation_path, location, model, scenario, after=len(self._records)
        )

    def _read_of_open_lro(self, record: ResponseRecord, where: str) -> None:
        if record.request.method.upper() != "GET":
            return
        path = urlsplit(record.request.url).path.rstrip("/")
        for lro in self._open.values():
            via = RESOURCE if path == lro.resource_path else (
                OPERATION if lro.operation_path and path == lro.operation_path else None
            )
            if via is not None:
                lro.reads.append((via, record))
                lro.wheres.append(where)
                lro.after = len(self._records)
                return

    # -- the end -----------------------------------------------------------------------------
    def close(self) -> None:
        """Judge every LRO still open (the traffic ended) and the client's behaviour."""
        for key in list(self._open):
            self._close(key)
        batch = self._records[self._batch_start :]
        self._batch_start = len(self._records)
        where_of = {id(record): (where, scenario) for where, record, scenario in batch}
        for repeat in post_repeats([record for _, record, _ in batch]):
            found = identify(repeat.repeat.request.method, repeat.repeat.request.url, profile=self.profile)
            if isinstance(found, str):
                continue
            where, scenario = where_of.get(id(repeat.repeat), ("", None))
            self._assess(found.spec, repeat, repeat.repeat.operation_id, where, scenario, repeat.repeat)

    def _close(self, key: tuple[str, str, str]) -> None:
        lro = self._open.pop(key)
        spec = lro.spec
        trace = build_trace(
            service=spec.service,
            version=spec.version,
            submit=lro.submit,
            reads=_purposes(lro.reads, lro.model),
            model=lro.model,
            resource=lro.resource_path.split("/", 3)[-1] if lro.resource_path.count("/") >= 3 else lro.resource_path,
            scenario=lro.scenario,
            operation_url=lro.operation_url,
        )
        self.lros += 1
        where = f"{lro.where} .. {lro.wheres[-1]}" if lro.wheres else lro.where
        operation_id = lro.submit.operation_id
        last = trace.reads[-1].exchange if trace.reads else trace.submit
        self._assess(spec, trace, operation_id, where, lro.scenario, last)
        records = self._records
        # Lazily: client_polling stops at the first write after the last read, so no copy of the tail per LRO.
        later = (records[i][1] for i in range(lro.after, len(records)))
        polling = client_polling(trace, self.min_poll_interval_s, after=later)
        self._assess(spec, polling, operation_id, where, lro.scenario, polling.exchange)
        self.emit(LroCompleted(timeline_of(trace)))

    def _assess(
        self, spec: Spec, evidence: Any, operation_id: str | None, where: str, scenario: str | None,
        shown: ResponseRecord,
    ) -> None:
        """Judge ``evidence`` by every flow rule for its type, as a live session does."""
        for rule in rules_for(spec.service, spec.version, evidence=type(evidence), selected=self._flow_rules):
            outcome = judge(rule, spec, evidence)
            if outcome.verdict == FAIL:
                self._finding(rule, outcome.failure, spec, operation_id, shown, where, scenario)
            else:
                departure = flow_deviation(
                    rule, spec, evidence, phase=PHASE, operation_id=operation_id, scenario=scenario, where=where
                )
                if departure is not None:
                    self._deviation(departure, scenario)
            self._evaluated(rule, outcome.verdict, spec, operation_id, scenario, outcome.reason)

    # -- events -------------------------------------------------------------------------------
    def _evaluated(
        self, rule: Rule, verdict: str, spec: Spec, operation_id: str | None, scenario: str | None, reason: str | None
    ) -> None:
        self.emit(
            RuleEvaluated(
                check=rule.name,
                verdict=verdict,
                service=spec.service,
                version=spec.version,
                phase=PHASE,
                operation_id=operation_id,
                scenario=scenario,
                reason=reason,
            )
        )

    def _finding(
        self,
        rule: Rule,
        failure: Failure | None,
        spec: Spec,
        operation_id: str | None,
        record: ResponseRecord,
        where: str,
        scenario: str | None,
    ) -> None:
        assert failure is not None
        self.emit(
            FindingRaised(
                Finding(
                    check=rule.name,
                    title=failure.title,
                    rule=rule.statement,
                    source=rule.source,
                    message=redact(f"at {where}: {failure.describe()}", self.secrets),
                    service=spec.service,
                    version=spec.version,
                    phase=PHASE,
                    operation_id=operation_id,
                    scenario=scenario,
                    **finding_evidence(record, self.secrets),
                    severity=rule.severity,
                    where=where,
                )
            )
        )

    def _deviation(self, departure: Any, scenario: str | None) -> None:
        self.emit(DeviationRaised(replace(departure, scenario=scenario, message=redact(departure.message, self.secrets))))


def _purposes(reads: list[tuple[str, ResponseRecord]], model: StatusModel) -> list[tuple[str, ResponseRecord, str]]:
    """Each read with its purpose: the first read of a status resource after its terminal status is a re-read.

    Reading the result once more after the terminal status (to use it, or to see that it
    sticks) is what this checker's own poller does too (:data:`TERMINAL_REREAD`); every further
    read of that resource is a poll after terminal.
    """
    out: list[tuple[str, ResponseRecord, str]] = []
    state: dict[str, str] = {}  # via -> "terminal" once a terminal status was read, "reread" after its re-read
    for via, record in reads:
        seen = state.get(via)
        purpose = TERMINAL_REREAD if seen == "terminal" else POLL
        if seen == "terminal":
            state[via] = "reread"
        elif seen is None and model.is_terminal(status_of(record)):
            state[via] = "terminal"
        out.append((via, record, purpose))
    return out


def _fill(template: str, submit_template: str, submit_path: str) -> str | None:
    """``template`` with the path parameters a concrete ``submit_path`` gives ``submit_template``."""
    names = re.findall(r"\{([^{}]+)\}", submit_template)
    pieces = re.split(r"\{[^{}]+\}", submit_template)
    pattern = "".join(
        re.escape(piece) + (f"(?P<p{i}>[^/]+)" if i < len(names) else "") for i, piece in enumerate(pieces)
    )
    match = re.fullmatch(pattern, submit_path.rstrip("/"))
    if match is None:
        return None
    values = {name: match.group(f"p{i}") for i, name in enumerate(names)}
    try:
        return re.sub(r"\{([^{}]+)\}", lambda m: values[m.group(1)], template).rstrip("/")
    except KeyError:
        return None


class _CutBody:
    """A truncated exchange as the response rules see it: its body cannot be parsed.

    A body cut before it was stored (a HAR's body cap, the transport's read cap) is not the body the
    target sent: a rule that parses it answers n/a instead of calling it malformed; status, headers,
    content type and whether a body was sent at all are judged as usual.
    """

    def __init__(self, record: ResponseRecord) -> None:
        self._record = record

    def _cut(self) -> NotApplicable:
        return NotApplicable(f"the response body was cut at {len(self._record.body)} bytes before it was recorded")

    def json(self) -> Any:
        raise self._cut()

    def json_or_none(self) -> Any:
        raise self._cut()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._record, name)


def traffic_run(
    batches: Iterable[tuple[str, Iterable[tuple[str, ResponseRecord]]]],
    *,
    profile: str = DEFAULT_PROFILE,
    target: str,
    min_poll_interval_s: float | None = None,
    secrets: Sequence[str] = (),
    on_event: Callable[[Event], None] | None = None,
    notices: Sequence[str] = (),
) -> tuple[list[Event], int]:
    """The whole event stream (RunStarted … RunFinished) of judging ``batches``, and the exit code.

    Each batch is ``(label, [(where, record), ...])``: a recording file and its entries, or a
    proxy session. Exit code 0 when no error-severity finding was raised, 1 otherwise.
    """
    started = time.monotonic()
    body: list[Event] = []

    def emit(event: Event) -> None:
        body.append(event)
        if on_event is not None:
            on_event(event)

    judge_ = TrafficJudge(profile=profile, emit=emit, secrets=secrets, min_poll_interval_s=min_poll_interval_s)
    for label, exchanges in batches:
        for where, record in exchanges:
            judge_.add(record, where=where, scenario=label)
        judge_.close()  # an LRO never spans two recordings
    plan: dict[str, list[str]] = {}
    for service, version in judge_.judged:
        plan.setdefault(service, [])
        if version not in plan[service]:
            plan[service].append(version)
    for service in plan:
        order = api_versions(service)
        plan[service].sort(key=lambda v: order.index(v) if v in order else len(order))
    skipped = [f"{n} exchange(s) not judged: {reason}" for reason, n in judge_.not_judged.most_common()]
    pack_notices = [get_pack(s).notice for s in plan if get_pack(s).notice]
    start = RunStarted(
        run_id=_secrets.token_hex(3),
        target=target,
        embedded=False,
        services=tuple(plan),
        versions={s: tuple(v) for s, v in plan.items()},
        profile=profile,
        seed=0,
        max_examples=0,
        started_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        notices=tuple([*notices, *pack_notices, *skipped]),
    )
    declared = tuple(
        RuleInfo.of(r)
        for r in all_rules()
        if (r.kind == FLOW or not r.stateful_only)
        and any(r.covers(s, v) for s, vs in plan.items() for v in vs)
    )
    duration = time.monotonic() - started
    phases = [
        PhaseFinished(
            service, version, PHASE, duration / max(1, len(judge_.judged)), requests=n,
            exchanges={op.operation_id: judge_.by_operation[(service, version)].get(op.operation_id, 0)
                       for op in judge_.specs[(service, version)].operations()},
            operations={op.operation_id: f"{op.method} {op.path}" for op in judge_.specs[(service, version)].operations()},
        )
        for (service, version), n in judge_.judged.items()
    ]
    events: list[Event] = [start, RulesDeclared(declared), *body, *phases]
    tally = tally_findings(events)
    exit_code = EXIT_FINDINGS if tally.errors else EXIT_OK
    polls = sum(e.timeline.polls for e in body if isinstance(e, LroCompleted))
    events.append(
        RunFinished(
            exit_code,
            duration,
            sum(judge_.judged.values()) + sum(judge_.not_judged.values()),
            polls,
            tally.findings,
            occurrences=tally.occurrences,
            errors=tally.errors,
            warnings=tally.warnings,
        )
    )
    return events, exit_code
