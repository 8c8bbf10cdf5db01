"""The fault mechanism: named, opt-in modifiers that each make the emulator break one documented rule.

The default emulator is faithful. A fault is switched on by name (``EmulatorConfig(faults=
("train-returns-200",))`` or ``conformance emulator --fault train-returns-200``). This module
knows no service: every fault is defined and registered by a service package
(``emulator/services/<svc>/faults.py``) and belongs to that service. ``create_app`` applies the
enabled faults of a service to that service's requests only, at two points:

* :meth:`Fault.adjust` turns a :class:`Behaviour` knob, once, when the app is built (the
  pipeline's auth step and the handlers read the knobs of their service);
* :meth:`Fault.transform` rewrites a finished :class:`~emulator.routing.Reply` (status,
  headers, JSON body) just before it is rendered, for the API versions the fault applies to.

A transform is the preferred form: one place in the pipeline, no handler involved. A knob is
kept only where the defect needs state a reply cannot see (a record kept after a delete, an
outcome decided when a training is submitted); each knob says so below.

Every fault names the rule it breaks (``breaks``, with a public source), the conformance check
that must catch it (``expected_check``) and the API versions it shows in (``api_versions``;
empty = every version of its service, read from ``info.x-api-versions`` of
``specs/<service>.yaml``). :func:`catalogue` publishes all of this for the checker's self-test.

Pattern: schemathesis ``test/apps/catalog/openapi/modifiers`` (named opt-in modifiers of a
faithful test app).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, ClassVar, Iterable

from cognitive_conformance.emulator.config import PROFILES
from cognitive_conformance.emulator.routing import Reply

__all__ = [
    "Behaviour",
    "Exchange",
    "Fault",
    "FAULTS",
    "adjusted_behaviour",
    "build_faults",
    "catalogue",
    "describe_faults",
    "register_fault",
    "resolved_versions",
    "service_of",
    "spec_versions",
    "validate_fault_names",
    "without_header",
]


@dataclass(frozen=True)
class Behaviour:
    """The knobs faults may turn, one set per service; the defaults are the faithful behaviour.

    Only :attr:`enforce_auth` is read by the pipeline; the others are read by handlers, because
    the defect they stand for depends on state no reply shows.
    """

    enforce_auth: bool = True
    """Missing or wrong subscription keys get the service's 401 (pipeline step 3)."""
    training_scale: float = 1.0
    """Multiplier on training durations: 0 finishes at once, ``inf`` never finishes. The schedule is fixed when a
    training is submitted and every later read derives its status from it, so this cannot be a reply rewrite."""
    empty_training_fails: bool = True
    """A training with nothing to learn from (e.g. a group without persons or faces) ends failed. The outcome is
    decided at submission and carried into the resource's training history (the last successful training
    reported by later trainings), which a reply rewrite could not keep consistent."""
    deleted_readable: bool = False
    """A deleted resource stays readable (a defect: DELETE must make it 404). Needs the deleted record, which only
    the handlers hold."""
    replay_identical_retries: bool = True
    """A request repeated with the same ``Operation-Id`` and an identical body replays the first answer. Whether a
    request is a retry depends on the operations stored earlier, which only the handlers see."""
    reject_reused_operation_ids: bool = True
    """An ``Operation-Id`` sent again with a different request is rejected (400). Same reason as above."""
    verify_training_identity: bool = True
    """Training checks that the training data comes from the identity that consented (e.g. one speaker in the
    consent and the training audio). The outcome is decided from the request's media at submission."""


@dataclass(frozen=True)
class Exchange:
    """What a fault knows about the request whose reply it may rewrite."""

    service: str | None
    operation_id: str | None
    version: str | None
    key: str | None
    method: str
    path: str
    now: datetime
    store: Any


class Fault:
    """Base class: identity behaviour. Subclasses set the class attributes and override a hook."""

    name: ClassVar[str]
    description: ClassVar[str]
    breaks: ClassVar[str]
    expected_check: ClassVar[str]
    service: ClassVar[str | None] = None
    """The service whose rule it breaks; ``None``: the service package that defines it (see :func:`service_of`)."""
    api_versions: ClassVar[tuple[str, ...]] = ()
    """The API versions of its service in which the fault shows; empty: every version (see :func:`catalogue`)."""
    profile: ClassVar[str] = "observed"
    """The emulator profile (``EmulatorConfig.profile``) and checking profile the fault is run under. ``docs`` for a
    fault whose defect breaks only the documents' literal form, or needs the documents' form to show (e.g. the
    ``/operations/{id}`` link), where the real service also departs from the documents."""

    def adjust(self, behaviour: Behaviour) -> Behaviour:
        """Return the behaviour with this fault's knob turned (default: unchanged)."""
        return behaviour

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        """Return the reply this fault sends instead (default: unchanged)."""
        return reply

    @classmethod
    def applies_to(cls, version: str | None) -> bool:
        """Whether :meth:`transform` runs for a request of this API version (an unknown version: always)."""
        return not cls.api_versions or version is None or version in cls.api_versions


FAULTS: dict[str, type[Fault]] = {}
"""Every known fault by its CLI name (filled when the service packages are imported)."""


def register_fault(cls: type[Fault]) -> type[Fault]:
    """Class decorator: add a fault to :data:`FAULTS` (names are unique, kebab-case)."""
    for attr in ("name", "description", "breaks", "expected_check"):
        if not isinstance(getattr(cls, attr, None), str) or not getattr(cls, attr):
            raise TypeError(f"fault {cls.__name__} must define a non-empty {attr!r}")
    versions = getattr(cls, "api_versions", None)
    if not isinstance(versions, tuple) or not all(isinstance(v, str) and v for v in versions):
        raise TypeError(f"fault {cls.__name__}: api_versions must be a tuple of version strings")
    if getattr(cls, "profile", None) not in PROFILES:
        raise TypeError(f"fault {cls.__name__}: profile must be one of {PROFILES}")
    if cls.service is None and _service_package(cls) is None:
        raise TypeError(f"fault {cls.__name__} must be defined in a service package (emulator.services.<svc>) or set 'service'")
    if cls.name in FAULTS and FAULTS[cls.name] is not cls:
        raise ValueError(f"duplicate fault name {cls.name!r}")
    FAULTS[cls.name] = cls
    return cls


def _service_package(cls: type[Fault]) -> str | None:
    parts = cls.__module__.split(".")
    if parts[:3] == ["cognitive_conformance", "emulator", "services"] and len(parts) > 3:
        return ".".join(parts[:4])
    return None


def _load_service_faults() -> None:
    """Import every service package (the one registry, :mod:`emulator.services`) so their faults are known."""
    from cognitive_conformance.emulator.services import registered_services

    registered_services()


def validate_fault_names(names: Iterable[str]) -> None:
    """Raise ``ValueError`` naming the unknown faults and listing the valid ones."""
    _load_service_faults()
    unknown = [n for n in names if n not in FAULTS]
    if unknown:
        valid = ", ".join(sorted(FAULTS))
        raise ValueError(f"unknown fault(s): {', '.join(unknown)}. Valid faults: {valid}")


def build_faults(names: Iterable[str]) -> tuple[Fault, ...]:
    """Instantiate the named faults in order (validated first)."""
    names = tuple(names)
    validate_fault_names(names)
    return tuple(FAULTS[n]() for n in names)


def adjusted_behaviour(faults: Iterable[Fault]) -> Behaviour:
    """The faithful :class:`Behaviour` with every given fault's knob turned, in order."""
    behaviour = Behaviour()
    for fault in faults:
        behaviour = fault.adjust(behaviour)
    return behaviour


def without_header(headers: dict[str, str], name: str) -> dict[str, str]:
    """A copy of ``headers`` without ``name`` (compared case-insensitively)."""
    return {k: v for k, v in headers.items() if k.lower() != name.lower()}


def describe_faults() -> str:
    """One line per fault, ``name: description (caught by expected_check)``, for ``--help``."""
    _load_service_faults()
    return "\n".join(
        f"{cls.name}: {cls.description} (caught by {cls.expected_check}" + (f"; --profile {cls.profile})" if cls.profile != "observed" else ")")
        for _, cls in sorted(FAULTS.items())
    )


def service_of(cls: type[Fault]) -> str:
    """The service a fault belongs to: its explicit ``service``, else the ``SERVICE.name`` of the service
    package that defines it (``emulator.services.<pkg>.…``)."""
    if cls.service:
        return cls.service
    package = _service_package(cls)
    if package is None:
        raise TypeError(f"fault {cls.__name__} belongs to no service package")
    return importlib.import_module(package).SERVICE.name


@lru_cache(maxsize=None)
def spec_versions(service: str) -> tuple[str, ...]:
    """Every API version ``specs/<service>.yaml`` describes (``info.x-api-versions``, oldest first)."""
    import yaml

    from cognitive_conformance import specs

    with specs.spec_path(service).open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    versions = (document.get("info") or {}).get("x-api-versions")
    if not isinstance(versions, list) or not versions:
        raise ValueError(f"specs/{service}.yaml has no info.x-api-versions list")
    return tuple(str(v) for v in versions)


def resolved_versions(cls: type[Fault]) -> tuple[str, ...]:
    """The fault's API versions, concrete: its own list (checked against its spec), or every version of its spec."""
    every = spec_versions(service_of(cls))
    if not cls.api_versions:
        return every
    unknown = [v for v in cls.api_versions if v not in every]
    if unknown:
        raise ValueError(f"fault {cls.name!r} lists API versions its spec does not describe: {unknown}")
    return tuple(v for v in every if v in cls.api_versions)


def catalogue() -> list[dict[str, Any]]:
    """Every fault as plain data (``conformance emulator --list-faults``), sorted by service and name.

    ``api_versions`` is always a concrete, non-empty list, oldest version first; ``profile`` is the emulator and
    checking profile to run the fault under (``observed`` unless the fault says ``docs``). The checker's
    self-test reads this over a process boundary: it never imports the emulator.
    """
    _load_service_faults()
    return [
        {
            "name": cls.name,
            "service": service_of(cls),
            "api_versions": list(resolved_versions(cls)),
            "expected_check": cls.expected_check,
            "profile": cls.profile,
            "description": cls.description,
            "breaks": cls.breaks,
        }
        for cls in sorted(FAULTS.values(), key=lambda c: (service_of(c), c.name))
    ]
