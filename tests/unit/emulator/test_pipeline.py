"""Each pipeline step on its own, plus the last-resort 500 handler."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.datastructures import Headers, QueryParams
from starlette.requests import Request

from cognitive_conformance.emulator import errors
from cognitive_conformance.emulator.errors import ApiError
from cognitive_conformance.emulator.pipeline import api_version, auth, error_mapping, request_id, validation
from cognitive_conformance.emulator.routing import NO_BODY, ApiVersionPolicy, HandlerContext, Reply, Route, RouteNotResolved, Router, ServiceDefinition
from cognitive_conformance.emulator.services.face import SERVICE
from tests.unit.emulator.conftest import H, assert_error, make_client


def _request(chunks: list[bytes], headers: dict[str, str] | None = None) -> tuple[Request, list[int]]:
    calls = [0]
    queue = list(chunks)

    async def receive() -> dict[str, Any]:
        calls[0] += 1
        chunk = queue.pop(0) if queue else b""
        return {"type": "http.request", "body": chunk, "more_body": bool(queue)}

    raw_headers = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = {"type": "http", "method": "POST", "path": "/", "headers": raw_headers, "query_string": b""}
    return Request(scope, receive), calls


def test_read_body_stops_right_after_the_limit() -> None:
    request, calls = _request([b"a" * 10] * 100)
    too_big = errors.request_too_large(25)
    with pytest.raises(ApiError) as info:
        asyncio.run(validation.read_body(request, 25, too_big))
    assert info.value is too_big
    assert calls[0] == 3  # 30 bytes read: limit (25) + 1 reached, the other 97 chunks never pulled


def test_read_body_rejects_a_large_content_length_before_reading() -> None:
    request, calls = _request([b"a"], {"content-length": "1000"})
    with pytest.raises(ApiError):
        asyncio.run(validation.read_body(request, 10, errors.request_too_large(10)))
    assert calls[0] == 0


def test_read_body_returns_bodies_within_the_limit() -> None:
    request, _ = _request([b"ab", b"cd"])
    assert asyncio.run(validation.read_body(request, 4, errors.request_too_large(4))) == b"abcd"


def test_parse_json_and_media_type() -> None:
    assert validation.parse_json(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}
    for bad in (b"{", b"NaN", b"\xff", b"[" * 100000):
        with pytest.raises(ApiError) as info:
            validation.parse_json(bad)
        assert info.value.message == "JSON parsing error."
    assert validation.media_type_of("Application/JSON; charset=utf-8") == "application/json"
    assert validation.media_type_of(None) is None and validation.media_type_of(" ") is None


def test_auth_accepts_configured_keys_only() -> None:
    keys = ("k1", "k2")
    assert auth.authenticate(Headers({"ocp-apim-subscription-key": "k2"}), keys, SERVICE, "v1.2") == "k2"
    with pytest.raises(ApiError) as info:
        auth.authenticate(Headers({"ocp-apim-subscription-key": "k3"}), keys, SERVICE, "v1.0")
    assert (info.value.status, info.value.code) == (401, "Unspecified")
    with pytest.raises(ApiError) as info:
        auth.authenticate(Headers({}), keys, SERVICE, "v1.2")
    assert info.value.code == "401"
    assert auth.authenticate(Headers({}), keys, SERVICE, "v1.2", enforce=False) == auth.ANONYMOUS_TENANT


def test_api_version_negotiation() -> None:
    router = Router((SERVICE,))
    match = router.resolve("GET", "/face/v1.2/operations/x")
    assert api_version.negotiate(SERVICE, match.route, match.path_params, QueryParams("")) == "v1.2"
    old = router.resolve("GET", "/face/v1.0/operations/x")
    with pytest.raises(ApiError) as info:
        api_version.negotiate(SERVICE, old.route, old.path_params, QueryParams(""))
    assert info.value.status == 404
    unknown = router.resolve("GET", "/face/v7/persongroups")
    with pytest.raises(ApiError) as info:
        api_version.negotiate(SERVICE, unknown.route, unknown.path_params, QueryParams(""))
    assert (info.value.status, info.value.code) == (404, "NotFound")


def test_query_version_policy_for_other_services() -> None:
    async def handler(ctx: HandlerContext) -> Reply:
        return Reply(200, json={"version": ctx.version})

    async def validate(raw: Any, config: Any) -> None:
        return None

    svc = ServiceDefinition(
        name="demo",
        prefix="/demo",
        routes=(Route("Ping", "GET", "/ping", handler, validate),),
        envelope=errors.azure_envelope,
        versions=ApiVersionPolicy("query", ("2021-09-05",), lambda v: errors.bad_argument(f"bad version {v}"), lambda: errors.bad_argument("missing"), "api-version"),
        auth_error=lambda v: errors.access_denied("401"),
    )
    route = svc.routes[0]
    assert api_version.negotiate(svc, route, {}, QueryParams("api-version=2021-09-05")) == "2021-09-05"
    with pytest.raises(ApiError, match="missing"):
        api_version.negotiate(svc, route, {}, QueryParams(""))
    with pytest.raises(ApiError, match="bad version 1"):
        api_version.negotiate(svc, route, {}, QueryParams("api-version=1"))


def test_router_resolves_404_and_405() -> None:
    router = Router((SERVICE,))
    assert router.resolve("GET", "/face/v1.2/persongroups/g/").route.operation_id == "PersonGroupOperations_GetPersonGroup"
    with pytest.raises(RouteNotResolved) as info:
        router.resolve("POST", "/face/v1.2/persongroups/g")
    assert info.value.error.status == 405 and info.value.error.headers["Allow"] == "DELETE, GET, PATCH, PUT"
    with pytest.raises(RouteNotResolved) as info:
        router.resolve("GET", "/other")
    assert info.value.error.status == 404 and info.value.service is None
    with pytest.raises(ValueError):
        Router((SERVICE, SERVICE))


def test_request_id_stamp() -> None:
    headers: dict[str, str] = {}
    request_id.stamp(headers, "rid", {"x-ms-client-request-id": "bad value\r\n"})
    assert headers == {"apim-request-id": "rid"}


def test_render_json_empty_and_raw() -> None:
    assert error_mapping.render(Reply(202)).body == b""
    assert error_mapping.render(Reply(200, json={"a": "é"})).body == '{"a":"é"}'.encode()
    raw = error_mapping.render(Reply(400, json=NO_BODY, content=b"x", media_type="text/plain"))
    assert raw.body == b"x" and raw.media_type == "text/plain"


def test_unhandled_exception_is_a_json_500_without_details() -> None:
    import warnings

    from cognitive_conformance.emulator import EmulatorConfig, create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    async def boom(ctx: HandlerContext) -> Reply:
        raise RuntimeError("secret-detail-1f0e2d3c")

    async def validate(raw: Any, config: Any) -> None:
        return None

    svc = ServiceDefinition(
        name="boom",
        prefix="/boom",
        routes=(Route("Boom", "GET", "/{apiVersion}/x", boom, validate),),
        envelope=errors.azure_envelope,
        versions=ApiVersionPolicy("path", ("v1",), lambda v: errors.resource_not_found()),
        auth_error=lambda v: errors.access_denied("401"),
    )
    client = TestClient(create_app(EmulatorConfig(), services=(svc,)), raise_server_exceptions=False)
    response = client.get("/boom/v1/x", headers=H)
    assert_error(response, 500, "InternalServerError", "An internal server error occurred.")
    assert "secret-detail" not in response.text and "RuntimeError" not in response.text


def test_starlette_level_errors_are_json_too() -> None:
    client, _ = make_client()
    response = client.request("TRACE", "/face/v1.2/persongroups", headers=H)
    assert response.status_code == 405 and response.json()["error"]["code"] == "MethodNotAllowed"
    assert "x-ms-error-code" not in response.headers  # Face, observed profile (default): none, as recorded
    docs, _ = make_client(profile="docs")
    assert docs.request("TRACE", "/face/v1.2/persongroups", headers=H).headers["x-ms-error-code"] == "MethodNotAllowed"
