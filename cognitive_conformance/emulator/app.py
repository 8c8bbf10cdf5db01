"""``create_app(config)``: the whole request pipeline, top to bottom, in one function.

1. request id      ``pipeline/request_id.py``   ``apim-request-id`` on every response
2. route           ``routing.py``               404 unknown path, 405 wrong method (+ ``Allow``)
3. auth            ``pipeline/auth.py``         401 missing/wrong ``Ocp-Apim-Subscription-Key`` (or test-mode bearer token)
3b. quota          ``pipeline/quota.py``        opt-in 429 once a tenant's ``--quota`` is used up (none by default)
4. api version     ``pipeline/api_version.py``  404 unknown version
5. validation      ``pipeline/validation.py``   415 media type, 400 JSON/fields, 413/400 size, 404 bad ids
6. handler         ``services/<svc>/*.py``      thin: validated inputs -> store -> reply (a GET's within ``Store.reading()``)
7. error mapping   ``pipeline/error_mapping.py`` ``ApiError`` -> envelope; anything else -> JSON 500
8. faults          ``faults.py``                opt-in reply rewrites of the request's service (none by default)
9. mutations       ``mutations.py``             opt-in blind rewrites of one operation's 2xx replies (none by default)
10. request log    ``request_log.py``           opt-in JSON line per request (``--request-log``)

Starlette's own 404/405/500 paths are also mapped to the JSON envelope, so no request ever
gets an HTML/plain-text error or a traceback. The emulator sends ``Retry-After`` only when asked
(``--retry-after`` on status reads, ``--quota-retry-after`` on quota 429s).

Source: ARCHITECTURE.md "The emulator" (pipeline order, one module per step);
ARCHITECTURE.md "The emulator"; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (envelope), https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (no Retry-After required).
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import Headers, QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from cognitive_conformance.emulator import errors
from cognitive_conformance.emulator.config import EmulatorConfig
from cognitive_conformance.emulator.errors import ApiError, ErrorEnvelope
from cognitive_conformance.emulator.faults import Exchange, adjusted_behaviour, build_faults, service_of
from cognitive_conformance.emulator.mutations import Call, build_mutants
from cognitive_conformance.emulator.pipeline import api_version, auth, error_mapping, quota, request_id, validation
from cognitive_conformance.emulator.request_log import RequestLog
from cognitive_conformance.emulator.routing import HandlerContext, Reply, RouteNotResolved, Router, ServiceDefinition, routing_path
from cognitive_conformance.emulator.services import registered_services

__all__ = ["create_app"]

_log = logging.getLogger("emulator")


_READS = frozenset({"GET", "HEAD"})

#: Liveness probe for containers and orchestrators: no key needed, outside every service's paths.
HEALTH_PATH = "/healthz"


def create_app(config: EmulatorConfig | None = None, *, services: tuple[ServiceDefinition, ...] | None = None) -> Starlette:
    """Build the ASGI app for ``config`` (default: faithful emulator) mounting every registered service.

    ``app.state.config``, ``app.state.store`` and ``app.state.router`` expose the parts tests need.
    """
    config = config or EmulatorConfig()
    router = Router(services if services is not None else registered_services())
    # Each service gets only its own faults: their knobs (Behaviour) and their reply rewrites.
    enabled = build_faults(config.faults)
    faults_of = {s.name: tuple(f for f in enabled if service_of(type(f)) == s.name) for s in router.services}
    behaviours = {name: adjusted_behaviour(faults) for name, faults in faults_of.items()}
    mutants = build_mutants(config.mutations)
    limiter = quota.Quota(*config.quota, retry_after=config.quota_retry_after) if config.quota else None
    log = RequestLog(config.request_log) if config.request_log else None

    async def pipeline(request: Request) -> Response:
        reply, tenant = await _decide(request)
        if log is not None:  # 10. request log
            log.write(
                tenant=tenant,
                method=request.method,
                path=request.scope["path"],
                status=reply.status,
                body=getattr(request.state, "body", b""),
            )
        return error_mapping.render(reply)

    any_mutants = bool(mutants)
    retry_after = None if config.retry_after is None else str(config.retry_after)
    clock, store, keys, tokens, profile = config.clock, config.store, config.keys, config.aad_tokens, config.profile

    async def _decide(request: Request) -> tuple[Reply, str | None]:
        rid = request_id.new_request_id()  # 1. request id
        # The raw ASGI path (routing.routing_path), not request.url.path: urlsplit() silently drops \t \r \n
        # from URLs, and a decoded path would split an id holding an encoded "/".
        path = routing_path(request.scope)
        service: ServiceDefinition | None = None
        operation_id: str | None = None
        version: str | None = None
        key: str | None = None
        try:
            match = router.resolve(request.method, path)  # 2. route
            service = match.service
            route = match.route
            operation_id = route.operation_id
            query = request.query_params
            asked = api_version.requested_version(service, match.path_params, query)
            behaviour = behaviours[service.name]
            key = auth.authenticate(  # 3. auth
                request.headers, keys, service, asked, enforce=behaviour.enforce_auth, tokens=tokens
            )
            refused = limiter.admit(key, clock.now()) if limiter is not None else None  # 3b. quota
            if refused is not None:
                request_id.stamp(refused.headers, rid, request.headers)
                return refused, key
            version = api_version.negotiate(service, route, match.path_params, query)  # 4.
            # A route's guard (e.g. Speaker's per-profile in-flight marker) spans reading the body and the handler.
            with route.guard(key, match.path_params, config) if route.guard else _NO_GUARD:
                inputs = await validation.validate_request(request, route, version, match.path_params, config)  # 5.
                context = HandlerContext(
                    key=key,
                    version=version,
                    inputs=inputs,
                    path_params=match.path_params,
                    store=store,
                    now=clock.now(),
                    config=config,
                    behaviour=behaviour,
                    base_url=_base_url(request.scope),
                )
                # A GET's handler only reads: a persistent store then skips writing its partitions back.
                reading = store.reading() if route.method in _READS else nullcontext()
                with reading:
                    reply = await route.handler(context)  # 6. handler
        except RouteNotResolved as unresolved:  # 7. error mapping
            service = unresolved.service
            reply = error_mapping.error_reply(unresolved.error, _envelope(service, profile))
        except ApiError as error:
            if service is not None and service.adapt_error is not None:
                error = service.adapt_error(error, operation_id)
            reply = error_mapping.error_reply(error, _envelope(service, profile))
        except Exception:
            _log.exception("unhandled error in the emulator pipeline (request %s)", rid)
            if service is None:
                service = router.service_for(path)
            reply = error_mapping.internal_error_reply(_envelope(service, profile))
        faults = faults_of.get(service.name, ()) if service is not None else ()
        if faults:  # 8. faults
            exchange = Exchange(
                service=service.name if service else None,
                operation_id=operation_id,
                version=version,
                key=key,
                method=request.method,
                path=path,
                now=clock.now(),
                store=store,
            )
            for fault in faults:
                if fault.applies_to(exchange.version):
                    reply = fault.transform(exchange, reply)
        if any_mutants:  # 9. mutations
            call = Call(key, request.method, path)
            reply = mutants.apply(service.name if service else None, operation_id, version, call, reply)
        if retry_after is not None and service is not None and service.in_progress and service.in_progress(reply):
            reply.headers["Retry-After"] = retry_after
        request_id.stamp(reply.headers, rid, request.headers)
        return reply, key

    async def http_exception(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        error = {404: errors.resource_not_found(), 405: errors.method_not_allowed([])}.get(status, errors.internal_error())
        if isinstance(exc, HTTPException) and status == 405 and exc.headers:
            error = errors.method_not_allowed([m.strip() for m in exc.headers.get("Allow", "").split(",") if m.strip()])
        return error_mapping.render(error_mapping.error_reply(error, None))

    async def last_resort(request: Request, exc: Exception) -> Response:
        _log.error("unhandled exception reached Starlette: %s", type(exc).__name__)
        return error_mapping.render(error_mapping.internal_error_reply(None))

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        # Every HTTP request reaches the pipeline (Starlette path patterns would skip paths with
        # e.g. an encoded newline); other scope types (websocket) are refused.
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": 1000})
            return
        if scope["path"] == HEALTH_PATH and scope["method"] in {"GET", "HEAD"}:
            await health(scope, receive, send)
            return
        try:
            response = await pipeline(_Request(scope, receive))
        except Exception as exc:  # what Starlette's ServerErrorMiddleware does, without wrapping every send
            await (await last_resort(_Request(scope), exc))(scope, receive, send)
            raise  # as Starlette does: the server logs it
        await response(scope, receive, send)

    health = JSONResponse(
        {"status": "ok", "services": [s.name for s in router.services], "profile": config.profile},
        headers={"Cache-Control": "no-store"},
    )

    app = _EmulatorApp(routes=[], exception_handlers={HTTPException: http_exception, Exception: last_resort})
    app.router.default = endpoint
    app.http = endpoint
    app.state.config = config
    app.state.store = config.store
    app.state.router = router
    app.state.behaviours = behaviours
    return app


class _EmulatorApp(Starlette):
    """Starlette, with HTTP requests sent straight to the pipeline.

    The pipeline answers every path and method itself and maps every error, so Starlette's
    router and its middleware have nothing to do for an HTTP request but cost a few calls each
    (its error middleware wraps every ``send``); the endpoint answers the last-resort JSON 500
    itself. Other scopes (lifespan, websocket) still go through Starlette's whole stack.
    """

    http: Any = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.http is not None:
            scope["app"] = self
            await self.http(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


class _Headers(Headers):
    """Starlette's request headers with a ``get`` that scans once and raises nothing for an absent header.

    (``Headers.get`` is ``Mapping.get`` over ``__getitem__``: a ``KeyError`` raised and caught for every
    header a request does not carry, and the pipeline asks for several on every request.)
    """

    def get(self, key: str, default: Any = None) -> Any:
        wanted = key.lower().encode("latin-1")
        for name, value in self._list:
            if name == wanted:
                return value.decode("latin-1")
        return default


_NO_QUERY = QueryParams("")


class _Request(Request):
    """The pipeline's request: :class:`_Headers`, and one shared empty ``QueryParams`` for a URL without a query."""

    _fast_headers: _Headers | None = None
    _fast_query: QueryParams | None = None

    @property
    def headers(self) -> Headers:
        if self._fast_headers is None:
            self._fast_headers = _Headers(scope=self.scope)
        return self._fast_headers

    @property
    def query_params(self) -> QueryParams:
        if self._fast_query is None:
            raw = self.scope.get("query_string", b"")
            self._fast_query = QueryParams(raw) if raw else _NO_QUERY
        return self._fast_query


_NO_GUARD = nullcontext()
"""The guard of a route without one (``nullcontext`` is reusable and reentrant)."""


def _envelope(service: ServiceDefinition | None, profile: str) -> ErrorEnvelope | None:
    """The service's error envelope in the emulator profile (``ServiceDefinition.envelope_for``), else its one envelope."""
    if service is None:
        return None
    return service.envelope_for(profile) if service.envelope_for is not None else service.envelope


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _base_url(scope: Scope) -> str:
    """``scheme://host[:port]`` as the client addressed us (Host header), for absolute LRO URLs.

    Read straight from the ASGI scope (building Starlette's ``request.url`` costs a URL parse per
    request); without a Host header, the server's address, its port omitted when it is the scheme's default.
    """
    scheme = scope.get("scheme") or "http"
    for name, value in scope["headers"]:
        if name == b"host":
            if value:
                return f"{scheme}://{value.decode('latin-1')}"
            break
    server = scope.get("server")
    if server is None:
        return f"{scheme}://"
    host, port = server
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{scheme}://{host}" if port == _DEFAULT_PORTS.get(scheme) else f"{scheme}://{host}:{port}"

