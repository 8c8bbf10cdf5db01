"""The check registry.

A check is a small pure function ``(ctx, response) -> None`` registered with
:func:`check`. It returns ``None`` when the response passes or the rule does not apply and
raises one :class:`~conformance.failures.Failure` subclass when it is broken. The function
name is the check's ID in the CLI, configuration and reports; the first docstring line is
the rule and the ``Source:`` line says where it is documented.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

from conformance.context import CheckContext
from conformance.failures import Failure
from conformance.transport import ResponseRecord

__all__ = ["Check", "CheckFn", "Outcome", "check", "get", "all_checks", "run_checks"]

CheckFn = Callable[[CheckContext, ResponseRecord], None]


@dataclass(frozen=True)
class Check:
    name: str
    fn: CheckFn
    rule: str
    source: str
    family: str
    stateful_only: bool

    def __call__(self, ctx: CheckContext, response: ResponseRecord) -> None:
        self.fn(ctx, response)


@dataclass(frozen=True)
class Outcome:
    check: Check
    failure: Failure | None

    @property
    def passed(self) -> bool:
        return self.failure is None


_REGISTRY: dict[str, Check] = {}


def _parse_doc(fn: Callable) -> tuple[str, str]:
    doc = inspect.getdoc(fn) or ""
    if not doc:
        raise ValueError(f"check {fn.__name__} needs a docstring stating its rule")
    lines = doc.splitlines()
    rule = lines[0].strip()
    source = ""
    collecting = False
    parts: list[str] = []
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
        raise ValueError(f"check {fn.__name__} needs a 'Source:' line citing where its rule is documented")
    return rule, source


def check(fn: CheckFn | None = None, *, stateful_only: bool = False) -> Callable:
    """Register ``fn`` as a check (usable as ``@check`` or ``@check(stateful_only=True)``).

    ``stateful_only`` checks need scenario context (an expectation or LRO history) and are
    not run in the stateless phase.
    """

    def register(f: CheckFn) -> CheckFn:
        rule, source = _parse_doc(f)
        family = f.__module__.rsplit(".", 1)[-1]
        if f.__name__ in _REGISTRY and _REGISTRY[f.__name__].fn is not f:
            raise ValueError(f"duplicate check name {f.__name__}")
        _REGISTRY[f.__name__] = Check(f.__name__, f, rule, source, family, stateful_only)
        return f

    if fn is not None:
        return register(fn)
    return register


def _load_families() -> None:
    # Import the rule families so their @check decorators run.
    from conformance.checks import body, enrollment, errors, headers, lro, status, voice  # noqa: F401


def all_checks() -> list[Check]:
    _load_families()
    return sorted(_REGISTRY.values(), key=lambda c: (c.family, c.name))


def get(name: str) -> Check:
    _load_families()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown check {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None


def run_checks(
    ctx: CheckContext,
    response: ResponseRecord,
    checks: list[Check] | None = None,
) -> list[Outcome]:
    """Run ``checks`` (default: all applicable) and return one outcome per check.

    A check that raises something other than :class:`Failure` is a bug in the checker, not
    in the target: it propagates.
    """
    selected = checks if checks is not None else all_checks()
    outcomes = []
    for c in selected:
        try:
            c.fn(ctx, response)
        except Failure as failure:
            outcomes.append(Outcome(c, failure))
        else:
            outcomes.append(Outcome(c, None))
    return outcomes
