"""Step 5: read and validate the request before any handler runs.

Generic part (here): the body is read in chunks and abandoned as soon as it exceeds the
route's limit (at most limit + 1 bytes are ever buffered; a larger ``Content-Length`` is
rejected before reading); the media type must be one the route accepts (else 415
BadArgument "Invalid Media Type."); a JSON body must parse (else 400 BadArgument "JSON
parsing error."). Then the route's own validator turns the raw request into typed inputs
or raises the documented 400/404. Handlers never see invalid input.

The per-operation rules are encoded by each service's validators
(``emulator/services/<svc>/validation.py``), each citing its source.

Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (415 "Invalid Media Type."), https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes (400 "JSON parsing error."),
https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (image 6 MB cap); ARCHITECTURE.md "The emulator".
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from cognitive_conformance.emulator import errors
from cognitive_conformance.emulator.errors import ApiError
from cognitive_conformance.emulator.routing import FormPart, RawInput, Route

__all__ = [
    "ensure_object",
    "media_type_of",
    "parse_form",
    "parse_json",
    "read_body",
    "route_body_limit",
    "validate_request",
]

_JSON_TYPES = ("application/json", "text/json")


def media_type_of(content_type: str | None) -> str | None:
    """``"application/JSON; charset=utf-8"`` -> ``"application/json"``; ``None``/blank -> ``None``."""
    if content_type is None:
        return None
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime or None


def _is_json(mime: str | None) -> bool:
    return mime is not None and (mime in _JSON_TYPES or mime.endswith("+json"))


async def read_body(request: Request, limit: int, too_large: ApiError) -> bytes:
    """Read at most ``limit + 1`` bytes; raise ``too_large`` if the body is longer than ``limit``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > limit:
        raise too_large
    buffer = bytearray()
    async for chunk in request.stream():
        buffer.extend(chunk[: limit + 1 - len(buffer)])  # never buffer more than limit + 1 bytes
        if len(buffer) > limit:
            raise too_large
    request.state.body = bytes(buffer)  # for the optional request log (emulator/request_log.py)
    return bytes(buffer)


def _reject_constant(value: str) -> Any:
    raise ValueError(f"non-standard JSON constant {value}")


def parse_json(body: bytes) -> Any:
    """Parse a JSON document (UTF-8, BOM tolerated; NaN/Infinity rejected) or raise 400 "JSON parsing error."."""
    try:
        text = body.decode("utf-8-sig")
        return json.loads(text, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise errors.json_parsing_error() from None


async def validate_request(request: Request, route: Route, version: str, path_params: dict[str, str], config: Any) -> Any:
    """Run the generic checks for ``route`` and then its validator; return the validated inputs."""
    mime = media_type_of(request.headers.get("content-type"))
    body = b""
    parsed: Any = None
    form: tuple[FormPart, ...] | None = None
    if route.body != "none":
        limit, too_large = route_body_limit(route, config)
        if route.body == "json":
            if mime is not None and not _is_json(mime):
                raise errors.invalid_media_type()
        elif mime is None or not (mime in route.media_types or (_is_json(mime) and "application/json" in route.media_types)):
            raise errors.invalid_media_type()
        body = await read_body(request, limit, too_large)
        if route.body == "form":
            form = parse_form(
                body,
                request.headers.get("content-type", ""),
                max_file_bytes=config.limits.max_form_file_bytes,
                max_parts=config.limits.max_form_parts,
            )
        elif _is_json(mime) or (route.body == "json" and mime is None and body.strip()):
            if not body.strip():
                raise errors.invalid_request_body()
            parsed = parse_json(body)
    raw = RawInput(
        method=request.method,
        path_params=path_params,
        query=request.query_params,
        headers=request.headers,
        media_type=mime,
        body=body,
        json=parsed,
        version=version,
        form=form,
    )
    return await route.validate(raw, config)


def route_body_limit(route: Route, config: Any) -> tuple[int, ApiError]:
    """The byte limit for the route's body and the error for exceeding it.

    The route's own ``body_limit`` first (a service sets it for its media, e.g. images or audio). Otherwise:
    JSON bodies ``Limits.max_json_body_bytes``, media bodies ``Limits.max_image_bytes``, both -> 413;
    ``multipart/form-data`` ``Limits.max_form_total_bytes`` -> 400 BadArgument.
    """
    if route.body_limit is not None:
        return route.body_limit(config)
    limits = config.limits
    if route.body == "form":
        return limits.max_form_total_bytes, errors.bad_argument(
            f"The multipart/form-data body is too large; the limit is {limits.max_form_total_bytes} bytes."
        )
    if route.body == "media":
        return limits.max_image_bytes, errors.request_too_large(limits.max_image_bytes)
    return limits.max_json_body_bytes, errors.request_too_large(limits.max_json_body_bytes)


def ensure_object(value: Any) -> dict[str, Any]:
    """A JSON body that must be an object; anything else is 400 "Request body is invalid."."""
    if not isinstance(value, dict):
        raise errors.invalid_request_body()
    return value



def parse_form(body: bytes, content_type: str, *, max_file_bytes: int, max_parts: int) -> tuple[FormPart, ...]:
    """Parse a ``multipart/form-data`` body into its parts (wire order), or raise 400 ``BadArgument``.

    Rules: the Content-Type carries a ``boundary``; the body is well formed and ends with the
    closing boundary; every part has ``Content-Disposition: form-data; name=...`` (a ``filename``
    makes it a file part); a file part is at most ``max_file_bytes`` and there are at most
    ``max_parts`` parts (limits are the emulator's: Azure documents none for these forms).

    Source: RFC 7578 (multipart/form-data); specs/customvoice.yaml (Consents_Post /
    PersonalVoices_Post: a malformed form is 400 BadArgument).
    """
    from python_multipart.exceptions import MultipartParseError
    from python_multipart.multipart import MultipartParser, parse_options_header

    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise errors.bad_argument("The multipart/form-data Content-Type has no boundary.")
    parts: list[FormPart] = []
    state: dict[str, Any] = {"headers": {}, "field": b"", "value": b"", "data": bytearray(), "ended": False}
    problems: list[ApiError] = []

    def on_part_begin() -> None:
        state["headers"] = {}
        state["data"] = bytearray()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["field"].decode("latin-1").strip().lower()] = state["value"].decode("latin-1").strip()
        state["field"], state["value"] = b"", b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        state["data"].extend(data[start:end])
        if len(state["data"]) > max_file_bytes and not problems:
            problems.append(errors.bad_argument(f"A form part is too large; the limit is {max_file_bytes} bytes."))

    def on_part_end() -> None:
        disposition = state["headers"].get("content-disposition")
        if disposition is None:
            problems.append(errors.bad_argument("A form part has no Content-Disposition header."))
            return
        kind, options = parse_options_header(disposition)
        name = options.get(b"name")
        if kind.lower() != b"form-data" or name is None:
            problems.append(errors.bad_argument("A form part has no 'form-data' Content-Disposition with a name."))
            return
        filename = options.get(b"filename")
        parts.append(
            FormPart(
                name=name.decode("utf-8", "replace"),
                filename=None if filename is None else filename.decode("utf-8", "replace"),
                content_type=state["headers"].get("content-type"),
                data=bytes(state["data"]),
            )
        )
        if len(parts) > max_parts and not problems:
            problems.append(errors.bad_argument(f"Too many form parts; the limit is {max_parts}."))

    def on_end() -> None:
        state["ended"] = True

    callbacks = {
        "on_part_begin": on_part_begin,
        "on_part_data": on_part_data,
        "on_part_end": on_part_end,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_end": on_end,
    }
    try:
        parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
        parser.write(body)
        parser.finalize()
    except (MultipartParseError, ValueError):
        raise errors.bad_argument("The request body is not valid multipart/form-data.") from None
    if problems:
        raise problems[0]
    if not state["ended"]:
        raise errors.bad_argument("The request body is not valid multipart/form-data.")
    return tuple(parts)
