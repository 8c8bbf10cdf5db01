"""Events the runner emits; reports and the CLI consume only these.

The stream for one run is::

    RunStarted
    RulesDeclared                      every rule offered to this run, with its metadata
      (PhaseStarted, RuleEvaluated*, FindingRaised*, LroCompleted*, ScenarioFinished*, PhaseFinished)*
    RunFinished

A *finding* is one rule broken on one operation of one API version (in one scenario, for
the stateful phase); each ``FindingRaised`` is one *occurrence* of it. Headline counts are
distinct findings, with their occurrences beside them (:func:`tally_findings`). A run is
nonconformant only when a finding of ``error`` severity exists; ``warning`` findings are
reported and do not fail it.
"""

from __future__ import annotations

import base64
import dataclasses
import gzip
import hashlib
import json
import os
import types
import typing
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

__all__ = [
    "Event",
    "RunStarted",
    "RuleInfo",
    "RulesDeclared",
    "FindingTally",
    "tally_findings",
    "PhaseStarted",
    "PhaseFinished",
    "RuleEvaluated",
    "fold_verdicts",
    "Body",
    "Exchange",
    "Finding",
    "FindingRaised",
    "Deviation",
    "DeviationRaised",
    "LroTimeline",
    "LroCompleted",
    "ScenarioFinished",
    "LeftoversFound",
    "RunFinished",
    "EVENTS_FORMAT",
    "EventsFileError",
    "event_types",
    "to_json",
    "from_json",
    "dump",
    "load",
]


@dataclass(frozen=True)
class Event:
    pass


@dataclass(frozen=True)
class RunStarted(Event):
    run_id: str
    target: str
    embedded: bool
    services: tuple[str, ...]
    versions: dict[str, tuple[str, ...]]
    profile: str
    seed: int
    max_examples: int
    started_at: str  # RFC 3339
    notices: tuple[str, ...] = ()  # what the selected services' packs say of themselves (e.g. a retirement)


@dataclass(frozen=True)
class RuleInfo:
    """What a report needs to know about one rule (the registry stays out of the reports)."""

    name: str
    statement: str
    source: str
    family: str
    kind: str  # "response" | "flow" | "schemathesis"
    severity: str = "error"  # "error" | "warning"
    services: tuple[str, ...] | None = None  # None: every service
    versions: tuple[str, ...] | None = None  # None: every API version

    @classmethod
    def of(cls, rule: Any) -> RuleInfo:
        """The info of a registered rule (any object with the registry's ``Rule`` fields)."""
        return cls(
            name=rule.name,
            statement=rule.statement,
            source=rule.source,
            family=rule.family,
            kind=rule.kind,
            severity=rule.severity,
            services=None if rule.services is None else tuple(sorted(rule.services)),
            versions=None if rule.versions is None else tuple(sorted(rule.versions)),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.name,
            "statement": self.statement,
            "source": self.source,
            "family": self.family,
            "kind": self.kind,
            "severity": self.severity,
            "services": None if self.services is None else list(self.services),
            "versions": None if self.versions is None else list(self.versions),
        }


@dataclass(frozen=True)
class RulesDeclared(Event):
    """The rules offered to this run (emitted once, after RunStarted)."""

    rules: tuple[RuleInfo, ...]


@dataclass(frozen=True)
class PhaseStarted(Event):
    service: str
    version: str
    phase: str  # "stateless" | "stateful"


@dataclass(frozen=True)
class PhaseFinished(Event):
    service: str
    version: str
    phase: str
    duration_s: float
    requests: int  # every request sent, 429s included
    throttles: int = 0  # 429 answers (waited out and sent again, or past the retry budget)
    throttle_wait_s: float = 0.0  # time waited as the 429s asked
    rate_wait_s: float = 0.0  # time waited for the run's --rate-limit
    #: Exchanges sent in this phase by operationId: every operation of the rendered spec, 0 included
    #: (``conformance.coverage``); empty where the phase does not count them (judged traffic).
    exchanges: dict[str, int] = field(default_factory=dict)
    #: ``METHOD /path`` of each operation in ``exchanges``.
    operations: dict[str, str] = field(default_factory=dict)
    unmatched: int = 0  # exchanges no operation of the spec describes (an undeclared method, a path outside it)


@dataclass(frozen=True)
class RuleEvaluated(Event):
    """One rule judged one exchange or one piece of evidence: ``verdict`` is pass, fail or n/a.

    ``reason`` says why a rule did not apply (n/a). ``count``: how many such verdicts, all equal
    in every other field, this event stands for (a worker folds identical verdicts before they
    travel; see :func:`fold_verdicts`).
    """

    check: str
    verdict: str  # "pass" | "fail" | "n/a"
    service: str
    version: str
    phase: str
    operation_id: str | None
    scenario: str | None = None
    reason: str | None = None
    count: int = 1

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"


def fold_verdicts(events: Sequence[Event]) -> list[Event]:
    """``events`` with identical rule verdicts folded into one each (its ``count`` the sum), placed where
    the first of them was; every other event keeps its order. Counting folded events gives the same
    figures as counting the originals (a report counts verdicts; it never reads their order)."""
    out: list[Event] = []
    at: dict[RuleEvaluated, int] = {}
    for e in events:
        if not isinstance(e, RuleEvaluated):
            out.append(e)
            continue
        key = e if e.count == 1 else replace(e, count=1)
        i = at.get(key)
        if i is None:
            at[key] = len(out)
            out.append(e)
        else:
            prior = out[i]
            out[i] = replace(prior, count=prior.count + e.count)
    return out


#: How much of a body a report shows (and a finding keeps of a response body); the size and SHA-256 are of the whole.
SHOWN_BODY_BYTES = 64 * 1024
#: A request body a finding keeps whole for its repro file up to this size (the transport's response cap).
KEPT_REQUEST_BODY_BYTES = 16 * 1024 * 1024
#: Text bodies a repro sends inline (``--data-raw``) up to this size; longer ones go to a body file.
INLINE_BODY_BYTES = 8 * 1024
_TEXT_TYPES = ("application/json", "application/problem+json", "application/xml", "application/x-www-form-urlencoded")


def _redact_bytes(data: bytes, secrets: Sequence[str]) -> tuple[bytes, bool]:
    hit = False
    for secret in secrets:
        if secret and secret.encode("utf-8") in data:
            data, hit = data.replace(secret.encode("utf-8"), b"***"), True
    return data, hit


def _redact_text(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


@dataclass(frozen=True)
class Body:
    """One message body as a finding keeps it: its size and SHA-256 are of the whole body as sent or received.

    ``data`` is the whole body for a request (the repro sends it from a file, byte for byte) and
    at most :data:`SHOWN_BODY_BYTES` for a response; ``complete`` says whether ``data`` is all of
    it. ``truncated``: the transport stopped reading the response at its cap (``size`` is what was
    read). ``redacted``: a secret of the run was replaced by ``***`` in it (the hash is of the result).
    """

    content_type: str
    size: int
    sha256: str
    data: bytes
    complete: bool = True
    truncated: bool = False
    redacted: bool = False

    @classmethod
    def of(cls, data: bytes, content_type: str, *, keep: int, secrets: Sequence[str] = (), truncated: bool = False) -> Body:
        data, hit = _redact_bytes(data, secrets)
        return cls(
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data[:keep],
            complete=len(data) <= keep,
            truncated=truncated,
            redacted=hit,
        )

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()

    @property
    def textual(self) -> bool:
        """A text media type whose bytes are UTF-8 (multipart, images and audio never are)."""
        t = self.media_type
        if not (t.startswith("text/") or t in _TEXT_TYPES or t.endswith("+json") or t.endswith("+xml")):
            return False
        try:
            self.data.decode("utf-8")
        except UnicodeDecodeError:
            if self.complete or len(self.data) < 4:
                return False
            try:  # a multi-byte character cut by the cap
                self.data[:-3].decode("utf-8")
            except UnicodeDecodeError:
                return False
        return True

    @property
    def inline(self) -> bool:
        """Whether a repro can carry the body as a shell argument, exactly (short, printable UTF-8 text)."""
        if not (self.complete and self.textual and self.size <= INLINE_BODY_BYTES):
            return False
        text = self.data.decode("utf-8")
        return all(c.isprintable() or c in "\n\t" for c in text)

    @property
    def file(self) -> str | None:
        """The repro's body file, relative to the report directory (named by the body's SHA-256: stable)."""
        return None if self.inline else f"repro/{self.sha256[:16]}.body"

    def text(self) -> str | None:
        """The shown part as text, or ``None`` for a binary body (never inlined as text)."""
        return self.data.decode("utf-8", "ignore" if not self.complete else "replace") if self.textual else None

    def redacted_with(self, secrets: Sequence[str]) -> Body:
        data, hit = _redact_bytes(self.data, secrets)
        if not hit:
            return self
        return replace(self, data=data, sha256=hashlib.sha256(data).hexdigest() if self.complete else self.sha256,
                       size=len(data) if self.complete else self.size, redacted=True)

    def to_dict(self, *, request: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "contentType": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "binary": not self.textual,
            "text": self.text(),
            "shownBytes": min(len(self.data), SHOWN_BODY_BYTES) if self.textual else 0,
            "truncated": self.truncated,
            "redacted": self.redacted,
        }
        if request:
            out["file"] = self.file if self.complete else None
            out["complete"] = self.complete
            if self.media_type.startswith("multipart/"):
                out["parts"] = multipart_parts(self.data, self.content_type)
        if out["text"] is not None and len(self.data) > SHOWN_BODY_BYTES:
            out["text"] = self.data[:SHOWN_BODY_BYTES].decode("utf-8", "ignore")
        return out


def multipart_parts(data: bytes, content_type: str) -> list[dict[str, Any]]:
    """The parts of a multipart body: name, filename, content type and size (no content)."""
    boundary = next((p.split("=", 1)[1].strip().strip('"') for p in content_type.split(";")[1:]
                     if p.strip().lower().startswith("boundary=")), None)
    if not boundary:
        return []
    parts = []
    for chunk in data.split(b"--" + boundary.encode("latin-1"))[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, content = chunk.lstrip(b"\r\n").partition(b"\r\n\r\n")
        fields: dict[str, Any] = {"name": None, "filename": None, "contentType": None}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            if key.strip().lower() == "content-disposition":
                for param in value.split(";")[1:]:
                    k, _, v = param.strip().partition("=")
                    if k.lower() in ("name", "filename"):
                        fields[k.lower()] = v.strip('"')
            elif key.strip().lower() == "content-type":
                fields["contentType"] = value.strip()
        fields["size"] = len(content[:-2] if content.endswith(b"\r\n") else content)
        parts.append(fields)
    return parts


@dataclass(frozen=True)
class Exchange:
    """The request and response a finding shows, credentials as ``***`` and redacted with the run's secrets."""

    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: Body | None
    status_code: int
    response_headers: tuple[tuple[str, str], ...]
    response_body: Body | None
    elapsed_s: float = 0.0
    #: "run": the request carried the run's key or token; "other": another one on purpose (a wrong key); "none"; None: unknown
    credential: str | None = None

    def request_header(self, name: str) -> str | None:
        return next((v for k, v in self.request_headers if k.lower() == name.lower()), None)

    def redacted_with(self, secrets: Sequence[str]) -> Exchange:
        """The same exchange with ``secrets`` (e.g. keys only a proxy saw) replaced by ``***`` everywhere."""
        if not any(secrets):
            return self
        return replace(
            self,
            url=_redact_text(self.url, secrets),
            request_headers=tuple((k, _redact_text(v, secrets)) for k, v in self.request_headers),
            request_body=None if self.request_body is None else self.request_body.redacted_with(secrets),
            response_headers=tuple((k, _redact_text(v, secrets)) for k, v in self.response_headers),
            response_body=None if self.response_body is None else self.response_body.redacted_with(secrets),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "request": {
                "method": self.method,
                "url": self.url,
                "headers": [[k, v] for k, v in self.request_headers],
                "body": None if self.request_body is None else self.request_body.to_dict(request=True),
                "credential": self.credential,
            },
            "response": {
                "status": self.status_code,
                "headers": [[k, v] for k, v in self.response_headers],
                "body": None if self.response_body is None else self.response_body.to_dict(request=False),
                "elapsedSeconds": round(self.elapsed_s, 3),
            },
        }


@dataclass(frozen=True)
class Finding:
    """One rule broken by the target. ``repro`` is a curl command with the key as ``***``.

    ``exchange`` is the request and response that show it (:meth:`conformance.transport.ResponseRecord.exchange`);
    ``repro`` sends its request again (a binary body from ``repro/<sha256>.body`` in the report directory).
    """

    check: str
    title: str
    rule: str
    source: str
    message: str
    service: str
    version: str
    phase: str
    operation_id: str | None
    status_code: int | None
    repro: str
    scenario: str | None = None
    occurrences: int = 1
    severity: str = "error"  # the rule's; a rule declared in RulesDeclared overrides it
    where: str | None = None  # where the exchange was found (a recording's file and entry: "file.json#12")
    exchange: Exchange | None = None  # the exchange that shows it, redacted

    def key(self) -> tuple:
        """What makes a finding distinct: rule × service × API version × phase × operation × scenario."""
        return (self.check, self.service, self.version, self.phase, self.operation_id, self.scenario)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "title": self.title,
            "rule": self.rule,
            "source": self.source,
            "message": self.message,
            "service": self.service,
            "apiVersion": self.version,
            "phase": self.phase,
            "operationId": self.operation_id,
            "statusCode": self.status_code,
            "scenario": self.scenario,
            "occurrences": self.occurrences,
            "severity": self.severity,
            "repro": self.repro,
            "where": self.where,
        }


@dataclass(frozen=True)
class FindingRaised(Event):
    finding: Finding


@dataclass(frozen=True)
class Deviation:
    """A departure from the documents that the real service is known to make.

    Judged by the ``observed`` profile (the default), the exchange or evidence passed; judged
    by the documents literally (the ``docs`` profile) the same rule failed, with ``message``.
    ``observed`` lists where the real behaviour is recorded (the spec's ``x-observed``
    citations for the operation, e.g. ``tests/reference/recordings/...json entries 10, 11``).
    A deviation never fails a run; ``--profile docs`` turns it into a finding.
    """

    check: str
    rule: str
    source: str
    message: str
    service: str
    version: str
    phase: str
    operation_id: str | None
    status_code: int | None = None
    scenario: str | None = None
    observed: tuple[str, ...] = ()
    where: str | None = None

    def key(self) -> tuple:
        return (self.check, self.service, self.version, self.operation_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "rule": self.rule,
            "source": self.source,
            "message": self.message,
            "service": self.service,
            "apiVersion": self.version,
            "phase": self.phase,
            "operationId": self.operation_id,
            "statusCode": self.status_code,
            "scenario": self.scenario,
            "observed": list(self.observed),
            "where": self.where,
        }


@dataclass(frozen=True)
class DeviationRaised(Event):
    deviation: Deviation


@dataclass(frozen=True)
class LroTimeline:
    """What one long-running operation looked like from the outside, with its measured figures.

    Every figure is counted from the status reads (see :class:`conformance.flows.LroTrace`):
    ``polls`` the status reads made to learn the outcome (operation and resource reads both
    count; named verification re-reads do not); ``polls_after_terminal`` polls of a status
    resource after its terminal status had been read; ``verification_reads`` the re-reads made
    on purpose, by name; ``retry_after_seen`` reads a ``Retry-After`` on the previous response
    asked to wait for, ``retry_after_honoured`` those sent no sooner than it asked (measured from
    send times); ``throttles`` 429 answers while polling.

    ``reads`` is every read in send order, each ``(t, via, purpose, status or None, HTTP status,
    Retry-After asked by the previous response or None, wait taken since that response arrived,
    response time, whether the wait honoured the Retry-After or None)``, t in seconds since the
    submission was sent; ``terminal_read`` the index in
    ``reads`` of the read that completed the terminal status (None: never). ``submit_status`` and
    ``submit_elapsed_s`` are the submission's HTTP status and response time.
    """

    service: str
    version: str
    scenario: str
    operation_id: str  # the submitting operation (upstream operationId)
    resource: str  # e.g. "persongroups/cc-1a2b-group"
    statuses: tuple[tuple, ...]  # (seconds since submit, status, via: resource|operation[, purpose])
    polls: int
    terminal_status: str | None
    time_to_terminal_s: float | None
    polls_after_terminal: int = 0
    retry_after_honoured: int = 0
    retry_after_seen: int = 0
    verification_reads: tuple[tuple[str, int], ...] = ()
    throttles: int = 0
    budget_exhausted: bool = False
    reads: tuple[tuple, ...] = ()
    terminal_read: int | None = None
    submit_status: int | None = None
    submit_elapsed_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        def sec(value: float | None) -> float | None:
            return None if value is None else round(value, 3)

        return {
            "service": self.service,
            "apiVersion": self.version,
            "scenario": self.scenario,
            "operationId": self.operation_id,
            "resource": self.resource,
            "statusesSeen": [
                {"t": round(s[0], 3), "status": s[1], "via": s[2], "purpose": s[3] if len(s) > 3 else "poll"}
                for s in self.statuses
            ],
            "polls": self.polls,
            "pollsAfterTerminal": self.polls_after_terminal,
            "verificationReads": dict(self.verification_reads),
            "terminalStatus": self.terminal_status,
            "timeToTerminalSeconds": None if self.time_to_terminal_s is None else round(self.time_to_terminal_s, 3),
            "retryAfterSeen": self.retry_after_seen,
            "retryAfterHonoured": self.retry_after_honoured,
            "throttles": self.throttles,
            "budgetExhausted": self.budget_exhausted,
            "submitStatusCode": self.submit_status,
            "submitElapsedSeconds": sec(self.submit_elapsed_s),
            "reads": [
                {
                    "t": round(t, 3), "via": via, "purpose": purpose, "status": status, "statusCode": code,
                    "retryAfterSeconds": sec(retry_after), "waitedSeconds": sec(waited), "elapsedSeconds": sec(elapsed),
                    "retryAfterHonoured": honoured,
                }
                for t, via, purpose, status, code, retry_after, waited, elapsed, honoured in self.reads
            ],
            "terminalReadIndex": self.terminal_read,
        }


@dataclass(frozen=True)
class LroCompleted(Event):
    """One long-running operation was polled to its end (terminal, error or budget); its timeline."""

    timeline: LroTimeline


@dataclass(frozen=True)
class ScenarioFinished(Event):
    service: str
    version: str
    scenario: str
    passed: bool
    duration_s: float
    error: str | None = None  # set when the scenario could not run to its end


@dataclass(frozen=True)
class LeftoversFound(Event):
    """What a job's cleanup could not delete: ``(path, DELETE status or None, reason)`` per resource."""

    service: str
    version: str
    leftovers: tuple[tuple[str, int | None, str], ...]


@dataclass(frozen=True)
class RunFinished(Event):
    """``findings`` counts distinct findings (``errors`` + ``warnings``); ``occurrences`` every FindingRaised."""

    exit_code: int
    duration_s: float
    requests: int
    polls: int
    findings: int
    error: str | None = None
    extra: dict = field(default_factory=dict)
    occurrences: int = 0
    errors: int = 0
    warnings: int = 0


@dataclass(frozen=True)
class FindingTally:
    """Distinct findings of a run, each with its resolved severity and every occurrence."""

    groups: tuple[tuple[Finding, tuple[Finding, ...]], ...]  # (first occurrence with severity set, all occurrences)

    @property
    def findings(self) -> int:
        return len(self.groups)

    @property
    def occurrences(self) -> int:
        return sum(len(all_) for _, all_ in self.groups)

    @property
    def errors(self) -> int:
        return sum(1 for f, _ in self.groups if f.severity != "warning")

    @property
    def warnings(self) -> int:
        return self.findings - self.errors


def tally_findings(events: Iterable[Event]) -> FindingTally:
    """Group the run's FindingRaised events into distinct findings (first-seen order).

    A finding's severity is its rule's, as declared in ``RulesDeclared``; a finding of an
    undeclared rule keeps the severity it was raised with.
    """
    events = list(events)
    severity = {r.name: r.severity for e in events if isinstance(e, RulesDeclared) for r in e.rules}
    groups: dict[tuple, list[Finding]] = {}
    for e in events:
        if isinstance(e, FindingRaised):
            groups.setdefault(e.finding.key(), []).append(e.finding)
    out = []
    for occurrences in groups.values():
        first = occurrences[0]
        level = severity.get(first.check, first.severity)
        if level != first.severity:
            first = replace(first, severity=level)
        out.append((first, tuple(occurrences)))
    return FindingTally(tuple(out))



# -- the machine-readable record: events as JSON lines -------------------------------------------
#
# ``dump(events, path)`` writes one JSON object per line after a header line naming the format and
# its version; a path ending in ``.gz`` is gzip-compressed (deterministically: no timestamp in the
# gzip header). ``load(path)`` reads it back, gzip or not, into events equal to those written. The
# encoding follows each event's dataclass fields and their type hints: tuples become JSON arrays
# and come back as tuples, nested records (Finding, RuleInfo, LroTimeline, Deviation) as objects,
# bytes as base64 strings. Events hold only redacted data (the transport writes ``***`` for every
# credential), so the file holds no key either.

#: The header line of an events file: ``{"format": EVENTS_FORMAT, "version": EVENTS_VERSION}``.
EVENTS_FORMAT = "cognitive-conformance events"
EVENTS_VERSION = 2
#: Versions :func:`load` reads: version 1 had no ``count`` in a rule verdict (each stood for one).
READABLE_EVENTS_VERSIONS = (1, 2)


class EventsFileError(ValueError):
    """An events file that cannot be read: not one, a newer version, or a malformed line (names the file and line)."""


def event_types() -> dict[str, type[Event]]:
    """Every concrete event class by its name (the ``event`` tag of a JSON line)."""
    found: dict[str, type[Event]] = {}
    pending = list(Event.__subclasses__())
    while pending:
        cls = pending.pop()
        found.setdefault(cls.__name__, cls)
        pending.extend(cls.__subclasses__())
    return found


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decode(hint: Any, value: Any) -> Any:
    """``value`` (parsed JSON) as the type ``hint`` describes: tuples, nested dataclasses, bytes."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        arms = [a for a in typing.get_args(hint) if a is not type(None)]
        return _decode(arms[0], value) if len(arms) == 1 else value
    if dataclasses.is_dataclass(hint):
        return _record(hint, value)
    if hint is tuple:
        return tuple(value)
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in value)
        return tuple(_decode(a, v) for a, v in zip(args, value, strict=True)) if args else tuple(value)
    if origin is dict:
        _, value_hint = typing.get_args(hint) or (Any, Any)
        return {k: _decode(value_hint, v) for k, v in value.items()}
    if hint is bytes:
        return base64.b64decode(value)
    return value


def _record(cls: type, data: Any) -> Any:
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValueError(f"{cls.__name__} has no field {', '.join(unknown)}")
    return cls(**{name: _decode(hints[name], v) for name, v in data.items()})


def to_json(event: Event) -> dict[str, Any]:
    """One event as a JSON object: ``{"event": <class name>, <field>: <value>, ...}``."""
    return {"event": type(event).__name__, **_encode(event)}


def from_json(data: dict[str, Any]) -> Event:
    """The event :func:`to_json` made ``data`` from; raises ValueError for an unknown event or field."""
    data = dict(data)
    name = data.pop("event", None)
    cls = event_types().get(name) if isinstance(name, str) else None
    if cls is None:
        raise ValueError(f"unknown event {name!r}")
    return _record(cls, data)


def dump(events: Iterable[Event], path: str | os.PathLike[str], *, append: bool = False) -> Path:
    """Write ``events`` to ``path`` as JSON lines (gzip when it ends in ``.gz``); return the path.

    The file is written beside its final name and renamed into place, so a reader never sees half
    of it. ``append``: add ``events`` to the end of an existing record instead (one more gzip member,
    which :func:`load` reads on); a missing or empty file is made as by a plain dump.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = not (append and path.is_file() and path.stat().st_size > 0)
    lines = [json.dumps({"format": EVENTS_FORMAT, "version": EVENTS_VERSION})] if fresh else []
    lines += [json.dumps(to_json(e), separators=(",", ":")) for e in events]  # ASCII: any str survives, lone surrogates too
    data = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    if path.name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    if not fresh:
        with path.open("ab") as out:  # one write: an item's events land whole or not at all in practice
            out.write(data)
        return path
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def load(path: str | os.PathLike[str]) -> list[Event]:
    """The events :func:`dump` wrote to ``path`` (gzip or plain); raises :class:`EventsFileError`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        text = (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise EventsFileError(f"{path}: cannot read events: {exc}") from None
    lines = text.splitlines()
    try:
        header = json.loads(lines[0]) if lines else None
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("format") != EVENTS_FORMAT:
        raise EventsFileError(f"{path}: not an events file of cognitive-conformance (no {EVENTS_FORMAT!r} header)")
    if header.get("version") not in READABLE_EVENTS_VERSIONS:
        raise EventsFileError(
            f"{path}: events format version {header.get('version')!r}; this version of cognitive-conformance "
            f"reads version(s) {', '.join(map(str, READABLE_EVENTS_VERSIONS))}"
        )
    out: list[Event] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            out.append(from_json(json.loads(line)))
        except (ValueError, TypeError) as exc:
            raise EventsFileError(f"{path}:{number}: {exc}") from None
    return out
