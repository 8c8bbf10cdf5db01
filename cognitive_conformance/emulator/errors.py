"""Generic error building: :class:`ApiError`, the Azure envelope, and the errors of the pipeline itself.

Every failure the emulator reports is an :class:`ApiError` (HTTP status, ``error.code``,
``error.message``); an *envelope* function turns it into the JSON body and headers a service
sends. :func:`azure_envelope` is ``{"error": {"code", "message"}}`` plus the ``x-ms-error-code``
header. The factories here are the ones the service-neutral pipeline raises (route not found,
method not allowed, media type, JSON parsing, body size, internal error) and the Azure AI
services' common 401 message; a service rewrites them into its own documented errors with
``ServiceDefinition.adapt_error``. Service-specific factories live in
``emulator/services/<svc>/errors.py``; nothing else builds error bodies.

Source: Azure REST API guidelines (https://github.com/microsoft/api-guidelines/blob/vNext/azure/Guidelines.md,
"Handling errors": the ``x-ms-error-code`` header and the ``error`` object with ``code`` and
``message``); Face error codes (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes,
https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes) for
the common ``BadArgument`` messages and the 401 message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = [
    "ApiError",
    "ErrorEnvelope",
    "azure_envelope",
    "ERROR_CODE_HEADER",
    "ACCESS_DENIED_MESSAGE",
    "bad_argument",
    "json_parsing_error",
    "invalid_request_body",
    "invalid_media_type",
    "request_too_large",
    "resource_not_found",
    "method_not_allowed",
    "access_denied",
    "internal_error",
    "throttled_body",
]

ERROR_CODE_HEADER = "x-ms-error-code"

ACCESS_DENIED_MESSAGE = (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key "
    "for an active subscription and use a correct regional API endpoint for your resource."
)


@dataclass(eq=False)
class ApiError(Exception):
    """A documented error response: ``status`` + ``code`` + ``message`` (+ extra headers such as ``Allow``)."""

    status: int
    code: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


ErrorEnvelope = Callable[[ApiError], tuple[dict[str, Any], dict[str, str]]]
"""Turns an ``ApiError`` into ``(json_body, headers)``; each service picks one."""


def azure_envelope(error: ApiError) -> tuple[dict[str, Any], dict[str, str]]:
    """``{"error": {"code", "message"}}`` with ``x-ms-error-code: <code>``.

    Source: Azure REST API guidelines, "Handling errors" (module docstring).
    """
    headers = {ERROR_CODE_HEADER: error.code, **error.headers}
    return {"error": {"code": error.code, "message": error.message}}, headers


def bad_argument(message: str) -> ApiError:
    """400 ``BadArgument`` with a documented message. Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes (common codes)."""
    return ApiError(400, "BadArgument", message)


def json_parsing_error() -> ApiError:
    """400 BadArgument "JSON parsing error." Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
    return bad_argument("JSON parsing error.")


def invalid_request_body() -> ApiError:
    """400 BadArgument "Request body is invalid." Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
    return bad_argument("Request body is invalid.")


def invalid_media_type() -> ApiError:
    """415 BadArgument "Invalid Media Type." Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
    return ApiError(415, "BadArgument", "Invalid Media Type.")


def request_too_large(limit: int) -> ApiError:
    """413 BadArgument for a body over ``limit`` bytes (emulator choice: no document states a cap for JSON bodies)."""
    return ApiError(413, "BadArgument", f"Request body is too large; the limit is {limit} bytes.")


def resource_not_found() -> ApiError:
    """404 ``NotFound`` "Resource not found." for a path no operation serves (emulator choice; no doc names it)."""
    return ApiError(404, "NotFound", "Resource not found.")


def method_not_allowed(allowed: list[str]) -> ApiError:
    """405 ``MethodNotAllowed`` with an ``Allow`` header listing the path's methods (RFC 9110 §15.5.6)."""
    return ApiError(
        405,
        "MethodNotAllowed",
        "The requested HTTP method is not allowed for this resource.",
        {"Allow": ", ".join(allowed)},
    )


def access_denied(code: str) -> ApiError:
    """401 with the common message of a missing or wrong subscription key (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes); each service picks ``code``."""
    return ApiError(401, code, ACCESS_DENIED_MESSAGE)


def internal_error() -> ApiError:
    """500 ``InternalServerError`` without any detail of the cause (never leak exception text)."""
    return ApiError(500, "InternalServerError", "An internal server error occurred.")


def throttled_body(seconds: int) -> bytes:
    """The gateway's 429 body, byte for byte as recorded: ``{"error":{"code":"429","message":"Rate limit is
    exceeded. Try again in N seconds."}}`` (the code is the string ``"429"``; no ``x-ms-error-code``; see
    tests/reference/recordings/README.md behaviour 13). Not a service error: the gateway answers it."""
    message = f"Rate limit is exceeded. Try again in {seconds} seconds."
    return ('{"error":{"code":"429","message":"' + message + '"}}').encode("utf-8")
