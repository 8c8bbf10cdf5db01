"""``create_app(config)``: the whole request pipeline, top to bottom, in one function.

1. request id      ``pipeline/request_id.py``   ``apim-request-id`` on every response
2. route           ``routing.py``               404 unknown path, 405 wrong method (+ ``Allow``)
3. auth            ``pipeline/auth.py``         401 missing/wrong ``Ocp-Apim-Subscription-Key`` (or test-mode bearer token)
3b. quota          ``pipeline/quota.py``        opt-in 429 once a tenant's ``--quota`` is used up (none by default)
4. api version     ``pipeline/api_version.py``  404 unknown version
5. validation      ``pipeline/validation.py``   415 media type, 400 JSON/fields, 413/400 size, 404 bad ids
6. handler         ``services/<svc>/*.py``      thin: validated inputs -> store -> reply
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

    async def _decide(request: Request) -> tuple[Reply, str | None]:
        rid = request_id.new_request_id()  # 1. request id
        # The raw ASGI path (routing.routing_path), not request.url.path: urlsplit() silently drops \t \r \n
        # from URLs, and a decoded path would split an id holding an encoded "/".
        path = routing_path(request.scope)
        service: ServiceDefinition | None = router.service_for(path)
        exchange_info: dict[str, Any] = {"operation_id": None, "version": None, "key": None}
        try:
            match = router.resolve(request.method, path)  # 2. route
            service = match.service
            exchange_info["operation_id"] = match.route.operation_id
            asked = api_version.requested_version(service, match.path_params, request.query_params)
            behaviour = behaviours[service.name]
            key = auth.authenticate(  # 3. auth
                request.headers, config.keys, service, asked, enforce=behaviour.enforce_auth, tokens=config.aad_tokens
            )
            exchange_info["key"] = key
            refused = limiter.admit(key, config.clock.now()) if limiter is not None else None  # 3b. quota
            if refused is not None:
                request_id.stamp(refused.headers, rid, request.headers)
                return refused, key
            version = api_version.negotiate(service, match.route, match.path_params, request.query_params)  # 4.
            exchange_info["version"] = version
            # A route's guard (e.g. Speaker's per-profile in-flight marker) spans reading the body and the handler.
            guard = match.route.guard(key, match.path_params, config) if match.route.guard else nullcontext()
            with guard:
                inputs = await validation.validate_request(request, match.route, version, match.path_params, config)  # 5.
                context = HandlerContext(
                    key=key,
                    version=version,
                    inputs=inputs,
                    path_params=match.path_params,
                    store=config.store,
                    now=config.clock.now(),
                    config=config,
                    behaviour=behaviour,
                    base_url=_base_url(request),
                )
                reply = await match.route.handler(context)  # 6. handler
        except RouteNotResolved as unresolved:  # 7. error mapping
            service = unresolved.service
            reply = error_mapping.error_reply(unresolved.error, _envelope(service, config.profile))
        except ApiError as error:
            if service is not None and service.adapt_error is not None:
                error = service.adapt_error(error, exchange_info["operation_id"])
            reply = error_mapping.error_reply(error, _envelope(service, config.profile))
        except Exception:
            _log.exception("unhandled error in the emulator pipeline (request %s)", rid)
            reply = error_mapping.internal_error_reply(_envelope(service, config.profile))
        faults = faults_of.get(service.name, ()) if service is not None else ()
        if faults:  # 8. faults
            exchange = Exchange(
                service=service.name if service else None,
                operation_id=exchange_info["operation_id"],
                version=exchange_info["version"],
                key=exchange_info["key"],
                method=request.method,
                path=request.scope["path"],
                now=config.clock.now(),
                store=config.store,
            )
            for fault in faults:
                if fault.applies_to(exchange.version):
                    reply = fault.transform(exchange, reply)
        if mutants:  # 9. mutations
            call = Call(exchange_info["key"], request.method, request.scope["path"])
            reply = mutants.apply(service.name if service else None, exchange_info["operation_id"], exchange_info["version"], call, reply)
        if config.retry_after is not None and service is not None and service.in_progress and service.in_progress(reply):
            reply.headers["Retry-After"] = str(config.retry_after)
        request_id.stamp(reply.headers, rid, request.headers)
        return reply, exchange_info["key"]

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
        response = await pipeline(Request(scope, receive))
        await response(scope, receive, send)

    health = JSONResponse(
        {"status": "ok", "services": [s.name for s in router.services], "profile": config.profile},
        headers={"Cache-Control": "no-store"},
    )

    app = Starlette(routes=[], exception_handlers={HTTPException: http_exception, Exception: last_resort})
    app.router.default = endpoint
    app.state.config = config
    app.state.store = config.store
    app.state.router = router
    app.state.behaviours = behaviours
    return app


def _envelope(service: ServiceDefinition | None, profile: str) -> ErrorEnvelope | None:
    """The service's error envelope in the emulator profile (``ServiceDefinition.envelope_for``), else its one envelope."""
    if service is None:
        return None
    return service.envelope_for(profile) if service.envelope_for is not None else service.envelope


def _base_url(request: Request) -> str:
    """``scheme://host[:port]`` as the client addressed us (Host header), for absolute LRO URLs."""
    scheme = request.url.scheme or "http"
    host = request.headers.get("host") or request.url.netloc
    return f"{scheme}://{host}"

