"""Service definitions and the router: which operation serves ``METHOD /path``.

Each service package (``emulator/services/<svc>/``) exposes one :class:`ServiceDefinition`:
its URL prefix, its :class:`Route` table (upstream operationId -> handler, body kind,
validator), its error envelope and its API-version policy. ``create_app`` mounts every
registered definition; :class:`Router` resolves a request to a :class:`Match`, or raises
the documented 404 (no such path) / 405 (path exists, method does not; ``Allow`` header).

Source: ARCHITECTURE.md "The emulator" (routing.py: operationId -> handler table, one mount per
service); https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (Face: version is a path segment; others: ``api-version`` query).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Awaitable, Callable, ContextManager, Literal, Mapping

from starlette.datastructures import Headers, QueryParams

from cognitive_conformance.emulator import errors
from cognitive_conformance.emulator.errors import ApiError, ErrorEnvelope

__all__ = [
    "ApiVersionPolicy",
    "BodyKind",
    "FormPart",
    "HandlerContext",
    "Match",
    "NO_BODY",
    "RawInput",
    "Reply",
    "Route",
    "RouteNotResolved",
    "Router",
    "ServiceDefinition",
]

BodyKind = Literal["none", "json", "media", "form"]
"""``none``: body ignored; ``json``: a JSON object is required; ``media``: raw media or JSON (route's media types);
``form``: ``multipart/form-data``, parsed into ``RawInput.form`` parts by the validation step."""


class _NoBody:
    def __repr__(self) -> str:
        return "NO_BODY"


NO_BODY: Any = _NoBody()
"""Marker for a reply with an empty body (distinct from JSON ``null``)."""


@dataclass
class Reply:
    """A response before rendering: faults and error mapping work on this, not on bytes.

    Exactly one of ``json`` (any JSON value, or ``NO_BODY``) or ``content`` (raw bytes) is used.
    """

    status: int
    json: Any = NO_BODY
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None
    media_type: str | None = None
    error: ApiError | None = None
    """The error this reply reports, when it is an error reply."""


@dataclass(frozen=True)
class FormPart:
    """One ``multipart/form-data`` part: its ``name``, ``filename`` (``None`` for a text field), ``content_type`` and bytes."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes

    @property
    def is_file(self) -> bool:
        """A part sent with a ``filename`` (servers read parts without one as text fields)."""
        return self.filename is not None


@dataclass(frozen=True)
class RawInput:
    """The request as the validation step hands it to a route's validator."""

    method: str
    path_params: Mapping[str, str]
    query: QueryParams
    headers: Headers
    media_type: str | None
    body: bytes
    json: Any
    """The parsed JSON body when the media type is JSON, else ``None``."""
    version: str
    form: "tuple[FormPart, ...] | None" = None
    """The parsed ``multipart/form-data`` parts of a ``form`` route, in wire order (else ``None``)."""


@dataclass(frozen=True)
class HandlerContext:
    """Everything a handler may use. Handlers never see invalid input (``inputs`` is validated)."""

    key: str
    version: str
    inputs: Any
    path_params: Mapping[str, str]
    store: Any
    now: datetime
    config: Any
    behaviour: Any
    """This service's :class:`~emulator.faults.Behaviour`: the knobs its enabled faults turned (faithful by default)."""
    base_url: str
    """``scheme://host[:port]`` the client used (for absolute ``operation-Location`` URLs)."""


Handler = Callable[[HandlerContext], Awaitable[Reply]]
Guard = Callable[[str, Mapping[str, str], Any], ContextManager[None]]
"""``(tenant key, path params, config) -> context manager``; may raise ``ApiError`` (e.g. 409 while busy)."""
Validator = Callable[[RawInput, Any], Awaitable[Any]]
"""``(raw, config) -> inputs``; raises ``ApiError`` for invalid input."""


@dataclass(frozen=True)
class Route:
    """One operation: ``method`` + path ``template`` (relative to the service prefix) -> handler."""

    operation_id: str
    method: str
    template: str
    handler: Handler
    validate: Validator
    body: BodyKind = "none"
    media_types: tuple[str, ...] = ()
    versions: tuple[str, ...] | None = None
    """API versions that have this operation (``None``: all the service's versions)."""
    body_limit: "Callable[[Any], tuple[int, ApiError]] | None" = None
    """``config -> (byte limit, error)`` for this route's body, replacing the generic limit of its body kind."""
    guard: "Guard | None" = None
    """Entered before the body is read and held until the handler returns (e.g. a per-resource in-flight marker)."""


@dataclass(frozen=True)
class ApiVersionPolicy:
    """Where a service's API version lives and which values it accepts."""

    location: Literal["path", "query"]
    supported: tuple[str, ...]
    unsupported: Callable[[str], ApiError]
    missing: Callable[[], ApiError] | None = None
    parameter: str = "apiVersion"
    """Path parameter name (``path``) or query parameter name (``query``, e.g. ``api-version``)."""


@dataclass(frozen=True)
class ServiceDefinition:
    """A pluggable emulated service."""

    name: str
    prefix: str
    routes: tuple[Route, ...]
    envelope: ErrorEnvelope
    versions: ApiVersionPolicy
    auth_error: Callable[[str | None], ApiError]
    """The 401 for a missing/wrong key, given the requested version (may be unknown/None)."""
    adapt_error: Callable[[ApiError, str | None], ApiError] | None = None
    """Rewrites a generic pipeline error (415, bad JSON, body too large) into the service's documented one,
    given the operationId (``None`` when no route matched)."""
    envelope_for: "Callable[[str], ErrorEnvelope] | None" = None
    """The error envelope in an emulator profile (``EmulatorConfig.profile``), when the service's differs by profile;
    ``None``: :attr:`envelope` in every profile."""
    in_progress: "Callable[[Reply], bool] | None" = None
    """Whether a reply is a status read of a long-running operation that is not terminal yet: where the optional
    ``Retry-After`` (``EmulatorConfig.retry_after``) goes. ``None``: the service never sends it."""

    def __post_init__(self) -> None:
        if not self.prefix.startswith("/") or self.prefix.endswith("/"):
            raise ValueError(f"service prefix must look like '/name', got {self.prefix!r}")


@dataclass(frozen=True)
class Match:
    """A resolved request."""

    service: ServiceDefinition
    route: Route
    path_params: dict[str, str]


class RouteNotResolved(Exception):
    """No operation serves the request; carries the documented error and the service (if the prefix matched)."""

    def __init__(self, error: ApiError, service: ServiceDefinition | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.service = service


_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_-]*)\}")


def _compile(template: str) -> tuple[re.Pattern[str], list[str]]:
    names: list[str] = []
    pattern = ""
    pos = 0
    for m in _PARAM.finditer(template):
        pattern += re.escape(template[pos : m.start()])
        group = f"p{len(names)}"
        names.append(m.group(1))
        pattern += f"(?P<{group}>[^/]+)"
        pos = m.end()
    pattern += re.escape(template[pos:])
    return re.compile(pattern), names


class Router:
    """Resolves ``(method, path)`` across the mounted services."""

    def __init__(self, services: tuple[ServiceDefinition, ...]) -> None:
        prefixes = [s.prefix for s in services]
        if len(set(prefixes)) != len(prefixes):
            raise ValueError(f"two services share a prefix: {prefixes}")
        self.services = services
        self._compiled: list[tuple[ServiceDefinition, Route, re.Pattern[str], list[str]]] = []
        for service in services:
            for route in service.routes:
                regex, names = _compile(service.prefix + route.template)
                self._compiled.append((service, route, regex, names))
        # The most specific template first (fewer parameters, then more literal characters): a path of
        # ``/trainingsets/{id}:upload`` is never read as ``/trainingsets/{id}`` with the id ``x:upload``.
        self._compiled.sort(key=lambda entry: (len(entry[3]), -len(_PARAM.sub("", entry[1].template))))

    def service_for(self, path: str) -> ServiceDefinition | None:
        """The service whose prefix the path starts with, if any."""
        for service in self.services:
            if path == service.prefix or path.startswith(service.prefix + "/"):
                return service
        return None

    def resolve(self, method: str, path: str) -> Match:
        """Return the match or raise :class:`RouteNotResolved` (404 unknown path, 405 wrong method)."""
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        allowed: list[str] = []
        template: str | None = None
        for service, route, regex, names in self._compiled:
            m = regex.fullmatch(path)
            if m is None or (template is not None and service.prefix + route.template != template):
                continue
            template = service.prefix + route.template
            if route.method == method.upper():
                params = {name: m.group(f"p{i}") for i, name in enumerate(names)}
                return Match(service, route, params)
            if route.method not in allowed:
                allowed.append(route.method)
        service = self.service_for(path)
        if allowed:
            raise RouteNotResolved(errors.method_not_allowed(sorted(allowed)), service)
        raise RouteNotResolved(errors.resource_not_found(), service)
