"""The rule registry: two kinds of rule, one registry, four outcomes.

* A **response rule** is a pure function ``(ctx, response) -> None`` of one exchange (the
  rendered spec and operation in ``ctx``, the request and response in ``response``): status
  documented, schema, headers, error envelope, content type, id formats. Registered with
  :func:`response_rule`.
* A **flow rule** is a pure function ``(spec, evidence) -> None`` of typed evidence that a
  scenario, a recording or a proxy assembled (an LRO trace, a page walk, an enrollment
  ledger, an idempotency record, ...). Registered with :func:`flow_rule` naming the evidence
  type it judges.

Either kind answers, for every exchange or piece of evidence it is offered, one of:

* **pass**: it returned ``None``;
* **fail**: it raised a :class:`~conformance.failures.Failure` subclass;
* **n/a**: it raised :class:`NotApplicable` with the reason (the situation it judges did not
  arise, the evidence lacks what it needs, the target cannot show it). A rule that did not
  apply is never counted as passed.

The function name is the rule's id in the CLI, configuration and reports; the first
docstring line is its one-line statement and the ``Source:`` paragraph cites the public
document it enforces (a URL or a file shipped in this repository). Each rule also states its
severity and, optionally, the services and API versions it covers (``None``: all).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cognitive_conformance.conformance.failures import Failure

__all__ = [
    "FAIL",
    "NA",
    "PASS",
    "SEVERITIES",
    "NotApplicable",
    "Outcome",
    "Rule",
    "all_rules",
    "check",
    "flow_rule",
    "get",
    "judge",
    "response_rule",
    "rules_for",
]

PASS, FAIL, NA = "pass", "fail", "n/a"
SEVERITIES = ("error", "warning")
RESPONSE, FLOW = "response", "flow"

#: Modules holding the rules that apply to every service; packs add their own modules.
_CORE_RULE_MODULES = (
    "cognitive_conformance.conformance.checks.body",
    "cognitive_conformance.conformance.checks.client",
    "cognitive_conformance.conformance.checks.errors",
    "cognitive_conformance.conformance.checks.headers",
    "cognitive_conformance.conformance.checks.lro",
    "cognitive_conformance.conformance.checks.provoked",
    "cognitive_conformance.conformance.checks.status",
)


class NotApplicable(Exception):
    """Raised by a rule that was offered something it cannot judge; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Rule:
    name: str
    fn: Callable[..., None]
    statement: str
    source: str
    family: str
    kind: str  # "response" | "flow"
    severity: str = "error"
    evidence: type | None = None  # flow rules: the evidence type they judge
    services: frozenset[str] | None = None  # None: every service
    versions: frozenset[str] | None = None  # None: every API version of those services
    stateful_only: bool = False  # response rules that need a scenario's expectation

    @property
    def rule(self) -> str:
        """The one-line statement (the name reports have always used)."""
        return self.statement

    def covers(self, service: str, version: str) -> bool:
        """Whether the rule is offered exchanges of this service and API version at all."""
        if self.services is not None and service not in self.services:
            return False
        return self.versions is None or version in self.versions

    def __call__(self, *args: Any) -> None:
        self.fn(*args)


@dataclass(frozen=True)
class Outcome:
    rule: Rule
    verdict: str  # PASS | FAIL | NA
    failure: Failure | None = None
    reason: str | None = None  # NA: why the rule did not apply

    @property
    def passed(self) -> bool:
        return self.verdict == PASS

    @property
    def failed(self) -> bool:
        return self.verdict == FAIL


_REGISTRY: dict[str, Rule] = {}
_LOADED = False


def _parse_doc(fn: Callable) -> tuple[str, str]:
    doc = inspect.getdoc(fn) or ""
    if not doc:
        raise ValueError(f"rule {fn.__name__} needs a docstring stating its rule")
    lines = doc.splitlines()
    statement = lines[0].strip()
    parts: list[str] = []
    collecting = False
    for line in lines[1:]:
        if line.strip().startswith("Source:"):
            collecting = True
            parts.append(line.strip()[len("Source:"):].strip())
            continue
        if collecting:
            if not line.strip():
                break
            parts.append(line.strip())
    source = " ".join(p for p in parts if p)
    if not source:
        raise ValueError(f"rule {fn.__name__} needs a 'Source:' line citing where its rule is documented")
    return statement, source


def _frozen(values: Iterable[str] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(values)


def _register(fn: Callable, **fields: Any) -> Callable:
    statement, source = _parse_doc(fn)
    if fields["severity"] not in SEVERITIES:
        raise ValueError(f"rule {fn.__name__}: severity must be one of {', '.join(SEVERITIES)}")
    family = fn.__module__.rsplit(".", 1)[-1]
    if fn.__module__.startswith("cognitive_conformance.conformance.packs."):
        # A pack's rules form its family and cover its service unless they say otherwise.
        pack = importlib.import_module(".".join(fn.__module__.split(".")[:4])).PACK
        family = pack.service
        if fields["services"] is None:
            fields["services"] = frozenset({pack.service})
    existing = _REGISTRY.get(fn.__name__)
    if existing is not None and existing.fn is not fn:
        raise ValueError(f"duplicate rule name {fn.__name__}")
    _REGISTRY[fn.__name__] = Rule(name=fn.__name__, fn=fn, statement=statement, source=source, family=family, **fields)
    return fn


def response_rule(
    fn: Callable | None = None,
    *,
    severity: str = "error",
    services: Iterable[str] | None = None,
    versions: Iterable[str] | None = None,
    stateful_only: bool = False,
) -> Callable:
    """Register a response rule (``@response_rule`` or ``@response_rule(severity=...)``).

    ``stateful_only`` rules judge an exchange against a scenario's expectation and are not
    offered the stateless phase's exchanges.
    """

    def register(f: Callable) -> Callable:
        return _register(
            f,
            kind=RESPONSE,
            severity=severity,
            evidence=None,
            services=_frozen(services),
            versions=_frozen(versions),
            stateful_only=stateful_only,
        )

    return register(fn) if fn is not None else register


#: The name rule modules used before flow rules existed; a response rule.
check = response_rule


def flow_rule(
    *,
    evidence: type,
    severity: str = "error",
    services: Iterable[str] | None = None,
    versions: Iterable[str] | None = None,
) -> Callable:
    """Register a flow rule judging ``evidence`` (``fn(spec, evidence) -> None``)."""

    def register(f: Callable) -> Callable:
        return _register(
            f,
            kind=FLOW,
            severity=severity,
            evidence=evidence,
            services=_frozen(services),
            versions=_frozen(versions),
            stateful_only=True,
        )

    return register


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    from cognitive_conformance.conformance.packs import all_packs

    for module in _CORE_RULE_MODULES:
        importlib.import_module(module)
    for pack in all_packs():
        for module in pack.rule_modules:
            importlib.import_module(module)
    _LOADED = True


def all_rules(kind: str | None = None) -> list[Rule]:
    """Every registered rule (of one ``kind`` if given), sorted by family and name."""
    _load()
    rules = (r for r in _REGISTRY.values() if kind is None or r.kind == kind)
    return sorted(rules, key=lambda r: (r.family, r.name))


def all_checks() -> list[Rule]:
    """Every response rule (what the stateless phase and each scenario exchange are judged by)."""
    return all_rules(RESPONSE)


def get(name: str) -> Rule:
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown rule {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None


def rules_for(
    service: str,
    version: str,
    *,
    kind: str | None = None,
    evidence: type | None = None,
    selected: Iterable[Rule] | None = None,
) -> list[Rule]:
    """The rules offered for one service and version (optionally: of one kind or evidence type)."""
    pool = list(selected) if selected is not None else all_rules()
    return [
        r
        for r in pool
        if r.covers(service, version)
        and (kind is None or r.kind == kind)
        and (evidence is None or (r.evidence is not None and isinstance(evidence, type) and issubclass(evidence, r.evidence)))
    ]


def judge(rule: Rule, *args: Any) -> Outcome:
    """Apply ``rule`` to its arguments and return its outcome.

    A rule that raises something other than :class:`Failure` or :class:`NotApplicable` is a
    bug in the checker, not in the target: it propagates.
    """
    try:
        rule.fn(*args)
    except Failure as failure:
        return Outcome(rule, FAIL, failure=failure)
    except NotApplicable as skipped:
        return Outcome(rule, NA, reason=skipped.reason)
    return Outcome(rule, PASS)


# Kept for the modules that still import the old names.
Check = Rule
CheckFn = Callable[..., None]


def run_checks(ctx: Any, response: Any, checks: list[Rule] | None = None) -> list[Outcome]:
    """Judge one exchange by ``checks`` (default: every response rule)."""
    return [judge(c, ctx, response) for c in (checks if checks is not None else all_checks())]
