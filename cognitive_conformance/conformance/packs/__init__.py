"""Service packs: everything the checker knows about one service, in one place.

A :class:`Pack` declares its spec file (``specs/<service>.yaml``), the modules holding its own
rules, its stateful scenarios and the names users call it by. Packs register themselves
through the ``cognitive_conformance.packs`` entry-point group (``pyproject.toml``), so the
runner, the CLI, the reports and the rule registry never name a service: adding a service
is adding a pack.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    from cognitive_conformance.conformance.flows.status import StatusModel
    from cognitive_conformance.conformance.scenarios import Scenario

__all__ = ["ENTRY_POINT_GROUP", "Environment", "Listing", "Pack", "UnknownPack", "all_packs", "get_pack", "resolve", "scenarios_of"]

ENTRY_POINT_GROUP = "cognitive_conformance.packs"


class UnknownPack(ValueError):
    """No pack has that name or alias."""


@dataclass(frozen=True)
class Listing:
    """A list operation ``conformance cleanup --prefix`` walks: each item's id is in ``id_field``.

    ``query``: its query parameters (a page size); ``start``: the query parameter that asks
    for the page after an id (Face's ``start``), for lists answered as a bare JSON array; lists
    answered as ``{"value": [...], "nextLink"}`` are followed by their ``nextLink``. The
    resource of an item is the list's path plus ``/<id>``. ``match_field``: the field the prefix is matched
    against when it is not the id (a service that assigns ids the run cannot prefix, such as UUIDs, but keeps a
    name the run chose); ``None``: the id.
    """

    operation: str
    id_field: str
    query: tuple[tuple[str, str], ...] = ()
    start: str | None = None
    match_field: str | None = None


@dataclass(frozen=True)
class Environment:
    """An Azure convention: the environment variables the service's own samples read the key and endpoint from.

    ``endpoint`` names the variable holding the endpoint, which ``template`` turns into the target URL (``"{}"``:
    the variable holds the URL itself; ``"https://{}.api.cognitive.microsoft.com"``: it holds a region).
    ``source``: the public document that uses these names. ``conformance run`` reads them after ``--target``/
    ``--key`` and ``CONFORMANCE_TARGET``/``CONFORMANCE_KEY``, for a run whose every service shares the convention.
    """

    key: str
    endpoint: str
    template: str = "{}"
    source: str = ""

    def target(self, environ: "Mapping[str, str]") -> str | None:
        """The target URL the environment names (``None``: the endpoint variable is unset or empty)."""
        value = environ.get(self.endpoint, "").strip()
        return self.template.format(value) if value else None


@dataclass(frozen=True)
class Pack:
    """One service as the checker sees it.

    ``service``: the spec's ``info.x-service`` and file stem; ``aliases``: other names users
    type (``--service voice``); ``rule_modules``: modules whose import registers the pack's
    own rules; ``scenario_module``: the module whose ``SCENARIOS`` list holds its stateful
    flows; ``notice``: a line shown wherever the pack's results are (e.g. a retirement);
    ``probe_operation``/``probe_query``: the read the preflight sends before any test.
    """

    service: str
    title: str
    aliases: tuple[str, ...] = ()
    rule_modules: tuple[str, ...] = ()
    scenario_module: str | None = None
    notice: str = ""
    strategies: tuple[str, ...] = field(default=())  # modules whose import registers its strategies
    probe_operation: str | None = None  # a cheap, read-only list operation for the preflight
    probe_query: tuple[tuple[str, str], ...] = ()  # its query parameters (e.g. a page size of 1)
    status_model: str | None = None  # "module:function": the documented StatusModel of an API version
    #: ``--use-existing SERVICE:KIND=ID``: kind -> the read operations (each with one path id) judged on it
    existing: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: the lists ``conformance cleanup --prefix`` searches for a run's resources
    listings: tuple[Listing, ...] = ()
    #: the Azure convention of environment variables for the service's key and endpoint, if it has one
    environment: Environment | None = None

    def status_model_for(self, version: str) -> "StatusModel | None":
        """The documented status order of ``version``'s long-running operations (``None``: the pack has none)."""
        if self.status_model is None:
            return None
        module, _, name = self.status_model.partition(":")
        return getattr(importlib.import_module(module), name)(version)

    def existing_reads(self, kind: str) -> tuple[str, ...] | None:
        """The read operations of an existing resource of ``kind`` (``None``: the pack has no such kind)."""
        return dict(self.existing).get(kind)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.service, *self.aliases)

    def scenarios(self) -> Sequence["Scenario"]:
        if self.scenario_module is None:
            return ()
        return tuple(importlib.import_module(self.scenario_module).SCENARIOS)


@functools.cache
def _discover() -> tuple[Pack, ...]:
    packs: dict[str, Pack] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        pack = ep.load()
        if not isinstance(pack, Pack):
            raise TypeError(f"entry point {ep.name} = {ep.value} is not a Pack")
        if pack.service in packs:
            raise ValueError(f"two packs declare service {pack.service!r}")
        packs[pack.service] = pack
    if not packs:
        raise RuntimeError(
            f"no service pack is registered (entry-point group {ENTRY_POINT_GROUP!r}); is the package installed?"
        )
    return tuple(packs[name] for name in sorted(packs))


def all_packs() -> tuple[Pack, ...]:
    """Every registered pack, sorted by service name."""
    return _discover()


def resolve(name: str) -> str:
    """The service a user-typed name or alias stands for; raises :class:`UnknownPack`."""
    wanted = name.strip().lower()
    for pack in all_packs():
        if wanted in pack.names:
            return pack.service
    known = "; ".join(
        pack.service + (f" (also {', '.join(pack.aliases)})" if pack.aliases else "") for pack in all_packs()
    )
    raise UnknownPack(f"unknown service {name!r}; known: {known}")


def get_pack(name: str) -> Pack:
    """The pack of a service name or alias."""
    service = resolve(name)
    return next(p for p in all_packs() if p.service == service)


def scenarios_of(service: str) -> Sequence["Scenario"]:
    return get_pack(service).scenarios()


