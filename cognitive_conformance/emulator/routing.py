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
from urllib.parse import quote, unquote_to_bytes

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
    "decode_segment",
    "routing_path",
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

    def __init__(
        self,
        method: str,
        path_params: Mapping[str, str],
        query: QueryParams,
        headers: Headers,
        media_type: str | None,
        body: bytes,
        json: Any,
        version: str,
        form: "tuple[FormPart, ...] | None" = None,
    ) -> None:
        # One per request: filled in one step (a frozen dataclass's own __init__ pays object.__setattr__ per field).
        self.__dict__.update(
            method=method, path_params=path_params, query=query, headers=headers, media_type=media_type,
            body=body, json=json, version=version, form=form,
        )


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

    def __init__(
        self, key: str, version: str, inputs: Any, path_params: Mapping[str, str], store: Any, now: datetime,
        config: Any, behaviour: Any, base_url: str,
    ) -> None:
        # One per request, like RawInput: filled in one step, still frozen afterwards.
        self.__dict__.update(
            key=key, version=version, inputs=inputs, path_params=path_params, store=store, now=now,
            config=config, behaviour=behaviour, base_url=base_url,
        )


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


def routing_path(scope: Mapping[str, Any]) -> str:
    """The path a request is routed on: the raw, still percent-encoded path as the client sent it.

    The one id rule of the emulator. ASGI servers hand an app two paths: ``path``, percent-decoded
    (uvicorn and Starlette turn ``%2F`` into ``/``), and ``raw_path``, the bytes received. Routing on
    the decoded path would split an id holding an encoded ``/`` into two segments, so
    ``persongroups/a%2Fpersons`` would be read as the persons of group ``a``. The router matches
    templates against the raw path (an encoded ``/`` stays inside its segment) and each path
    parameter is decoded exactly once (:func:`decode_segment`); each service's validator then refuses
    what its id format forbids, with that service's documented error. ``raw_path`` is cut at ``?``
    (httpx's ASGI transport passes the query in it); without one, the decoded path is re-encoded.
    """
    raw = scope.get("raw_path")
    if raw:
        return raw.split(b"?", 1)[0].decode("latin-1")
    return quote(scope.get("path", ""), safe="/:@!$&'()*+,;=-._~")


def decode_segment(raw: str) -> str:
    """One path parameter as the service sees it: percent-decoded once, as UTF-8 (invalid bytes become U+FFFD).

    ``%252F`` stays ``%2F`` (never decoded twice); a decoded ``/``, ``..`` or control character is kept
    as a character of the id, for the service's id rule to refuse.
    """
    if "%" not in raw and raw.isascii():
        return raw
    return unquote_to_bytes(raw.encode("latin-1")).decode("utf-8", "replace")


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
        # One entry per template, in that order, with its routes by method: a request tries each template
        # once; the first that matches decides (its route for the method, or 405 with its methods as Allow).
        by_template: dict[str, tuple[ServiceDefinition, re.Pattern[str], list[str], dict[str, Route]]] = {}
        for service, route, regex, names in self._compiled:
            entry = by_template.setdefault(service.prefix + route.template, (service, regex, names, {}))
            entry[3].setdefault(route.method, route)
        self._templates = list(by_template.values())

    def service_for(self, path: str) -> ServiceDefinition | None:
        """The service whose prefix the path starts with, if any."""
        for service in self.services:
            if path == service.prefix or path.startswith(service.prefix + "/"):
                return service
        return None

    def resolve(self, method: str, path: str) -> Match:
        """Return the match or raise :class:`RouteNotResolved` (404 unknown path, 405 wrong method).

        ``path`` is the raw (percent-encoded) path, :func:`routing_path`; parameters come back decoded once.
        """
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        for service, regex, names, routes in self._templates:
            m = regex.fullmatch(path)
            if m is None:
                continue
            route = routes.get(method.upper())
            if route is None:
                raise RouteNotResolved(errors.method_not_allowed(sorted(routes)), self.service_for(path))
            return Match(service, route, {name: decode_segment(raw) for name, raw in zip(names, m.groups())})
        raise RouteNotResolved(errors.resource_not_found(), self.service_for(path))
