"""Custom Voice error factories and envelope, built on the generic :class:`~emulator.errors.ApiError`.

Every Custom Voice error is ``ErrorResponse`` ``{"error": {"code", "message"}}`` whose ``code``
is one of the ``ErrorCode`` enum (BadRequest, BadArgument, Unauthorized, Forbidden, NotFound,
UnsupportedMediaType, TooManyRequests, InternalServerError, ServiceUnavailable), plus the
``x-ms-error-code`` header equal to ``error.code`` (https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview "Other Status Codes ... Headers
x-ms-error-code"). The shared pipeline raises generic errors (415 ``BadArgument``, 405
``MethodNotAllowed``, 413); :func:`voice_envelope` maps any code outside the enum to the enum
code of its status, so no Custom Voice response carries an undocumented code.

The decisions (which situation is 400 ``BadArgument`` and which 400 ``BadRequest``, the
api-version messages) are the ones written in ``specs/customvoice.yaml`` ``info.description``.

Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (ErrorCode enum, x-ms-error-code); https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json; specs/customvoice.yaml.
"""

from __future__ import annotations

from typing import Any

from cognitive_conformance.emulator import errors
from cognitive_conformance.emulator.errors import ACCESS_DENIED_MESSAGE, ERROR_CODE_HEADER, ApiError

__all__ = [
    "ERROR_CODES",
    "SUPPORTED_VERSIONS",
    "voice_envelope",
    "bad_argument",
    "bad_request",
    "not_found",
    "unauthorized",
    "api_version_missing",
    "api_version_unsupported",
    "already_exists",
    "operation_id_reused",
]

ERROR_CODES = frozenset(
    {
        "BadRequest",
        "BadArgument",
        "Unauthorized",
        "Forbidden",
        "NotFound",
        "UnsupportedMediaType",
        "TooManyRequests",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
"""The ``ErrorCode`` enum (Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json definitions.ErrorCode; https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview)."""

SUPPORTED_VERSIONS = ("2024-02-01-preview", "2026-01-01")
"""API versions served (Source: specs/customvoice.yaml ``info.x-api-versions``; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json)."""

_BY_STATUS = {
    400: "BadArgument",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "BadRequest",
    413: "BadArgument",
    415: "UnsupportedMediaType",
    429: "TooManyRequests",
    503: "ServiceUnavailable",
}


def voice_envelope(error: ApiError) -> tuple[dict[str, Any], dict[str, str]]:
    """``{"error": {"code", "message"}}`` + ``x-ms-error-code``; codes outside the enum become their status's code.

    Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (ErrorResponse, x-ms-error-code); https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json; specs/customvoice.yaml
    (415 ``UnsupportedMediaType``).
    """
    code = error.code
    if error.status == 415:
        code = "UnsupportedMediaType"
    elif code not in ERROR_CODES:
        code = _BY_STATUS.get(error.status, "InternalServerError")
    headers = {ERROR_CODE_HEADER: code, **error.headers}
    return {"error": {"code": code, "message": error.message}}, headers


def bad_argument(message: str) -> ApiError:
    """400 ``BadArgument``: a malformed value (id, header, body field, form part, audio, query value)."""
    return errors.bad_argument(message)


def bad_request(message: str) -> ApiError:
    """400 ``BadRequest``: a well-formed request the current state forbids."""
    return ApiError(400, "BadRequest", message)


def not_found(noun: str, resource_id: str) -> ApiError:
    """404 ``NotFound``: the resource named in the URL does not exist for this key."""
    return ApiError(404, "NotFound", f"{noun} '{resource_id}' was not found.")


def unauthorized(version: str | None = None) -> ApiError:
    """401 ``Unauthorized`` with the documented access-denied message (any version)."""
    return ApiError(401, "Unauthorized", ACCESS_DENIED_MESSAGE)


def api_version_missing() -> ApiError:
    """400 ``BadRequest`` "The api-version query parameter is required." (specs/customvoice.yaml)."""
    return bad_request("The api-version query parameter is required.")


def api_version_unsupported(version: str) -> ApiError:
    """400 ``BadRequest`` naming the unknown version and the supported ones (specs/customvoice.yaml)."""
    return bad_request(
        f"The API version '{version}' is not supported. Supported versions: {', '.join(SUPPORTED_VERSIONS)}."
    )


def already_exists(noun: str, resource_id: str) -> ApiError:
    """400 ``BadRequest`` "A <noun> with ID '<id>' already exists." (specs/customvoice.yaml Projects_Create)."""
    return bad_request(f"A {noun.lower()} with ID '{resource_id}' already exists.")


def operation_id_reused(operation_id: str) -> ApiError:
    """400 ``BadRequest``: the Operation-Id matches an existing operation whose request was different.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json parameters.HeaderOperationId ("If the Operation-Id header matches an existing operation
    and the request is not identical to the prior request, it will fail with a 400 Bad Request"); https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview.
    """
    return bad_request(
        f"The Operation-Id '{operation_id}' matches an existing operation and the request is not identical to the prior request."
    )
