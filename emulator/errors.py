"""Azure error factories: the only place error bodies are built.

Every failure the emulator reports is an :class:`ApiError` (HTTP status, ``error.code``,
``error.message``). Factories below create one per documented code; an *envelope*
function turns an ``ApiError`` into the JSON body and headers a service sends. Face and
Speaker use :func:`azure_envelope` ``{"error": {"code", "message"}}`` plus the
``x-ms-error-code`` header.

Sources: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (envelope + ``x-ms-error-code``) and https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes (codes/messages, https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes);
https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 (v1.0 401 code ``Unspecified``); https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 (``FaceErrorResponse``).
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
    # generic
    "bad_argument",
    "json_parsing_error",
    "invalid_request_body",
    "invalid_media_type",
    "request_too_large",
    "resource_not_found",
    "method_not_allowed",
    "unsupported_api_version",
    "access_denied",
    "internal_error",
    # face
    "group_not_found",
    "group_id_invalid",
    "group_exists",
    "group_not_trained",
    "group_training_not_finished",
    "person_not_found",
    "person_id_invalid",
    "persisted_face_not_found",
    "persisted_face_id_invalid",
    "operation_not_found",
    "operation_id_invalid",
    "group_id_invalid_on_create",
    "quota_exceeded",
    "invalid_url",
    "invalid_image",
    "invalid_image_size",
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

    Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (``FaceErrorResponse``, header ``x-ms-error-code``); https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1.
    """
    headers = {ERROR_CODE_HEADER: error.code, **error.headers}
    return {"error": {"code": error.code, "message": error.message}}, headers


# --------------------------------------------------------------------------- generic


def bad_argument(message: str) -> ApiError:
    """400 ``BadArgument`` with a documented message. Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes common codes."""
    return ApiError(400, "BadArgument", message)


def json_parsing_error() -> ApiError:
    """400 BadArgument "JSON parsing error." Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
    return bad_argument("JSON parsing error.")


def invalid_request_body() -> ApiError:
    """400 BadArgument "Request body is invalid." Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
    return bad_argument("Request body is invalid.")


def invalid_media_type() -> ApiError:
    """415 BadArgument "Invalid Media Type." Source: tests/reference/azure-examples/face/v1.1-preview.1/PersonGroupOperations_AddPersonGroupPersonFaceFromUrl.json 415."""
    return ApiError(415, "BadArgument", "Invalid Media Type.")


def request_too_large(limit: int) -> ApiError:
    """413 BadArgument for a non-image body over ``limit`` bytes.

    No Face document states the JSON body cap; 413 with the Face envelope is the emulator's choice.
    Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (envelope).
    """
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


def unsupported_api_version(version: str) -> ApiError:
    """404 ``NotFound`` for an unknown Face API version path segment (emulator choice, JSON envelope)."""
    return ApiError(404, "NotFound", f"Resource not found: API version '{version}' is not supported.")


def access_denied(code: str) -> ApiError:
    """401 with the message of the Face error-code table (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes); ``code`` is ``Unspecified`` (v1.0, https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247) or ``401`` (v1.1+, https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes).

    Source: https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 (401 ``Unspecified``); https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes 401 ``401``.
    """
    return ApiError(401, code, ACCESS_DENIED_MESSAGE)


def internal_error() -> ApiError:
    """500 ``InternalServerError`` without any detail of the cause (never leak exception text)."""
    return ApiError(500, "InternalServerError", "An internal server error occurred.")


# --------------------------------------------------------------------------- face

_GROUP_WORDS = {"persongroups": ("PersonGroup", "Person group"), "largepersongroups": ("LargePersonGroup", "Large person group")}


def _words(kind: str) -> tuple[str, str]:
    return _GROUP_WORDS[kind]


def group_not_found(kind: str) -> ApiError:
    """404 ``PersonGroupNotFound`` / ``LargePersonGroupNotFound`` "... is not found." Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
    code, noun = _words(kind)
    return ApiError(404, f"{code}NotFound", f"{noun} is not found.")


def group_id_invalid(kind: str) -> ApiError:
    """404 ``PersonGroupNotFound`` "Person group ID is invalid." (large: ``LargePersonGroupNotFound``).

    Source: https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 (404 when the id is invalid); https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes Person Group error codes.
    """
    code, noun = _words(kind)
    return ApiError(404, f"{code}NotFound", f"{noun} ID is invalid.")


def group_exists(kind: str) -> ApiError:
    """409 ``PersonGroupExists`` / ``LargePersonGroupExists``. Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
    code, noun = _words(kind)
    return ApiError(409, f"{code}Exists", f"{noun} already exists.")


def group_not_trained(kind: str) -> ApiError:
    """404 ``PersonGroupNotTrained`` "Person group not trained." on get-training-status of a never-trained group.

    Source: https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247; https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes.
    """
    code, noun = _words(kind)
    return ApiError(404, f"{code}NotTrained", f"{noun} not trained.")


def group_training_not_finished(kind: str) -> ApiError:
    """409 ``PersonGroupTrainingNotFinished`` "Person group is under training." Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes; tests/reference/azure-examples/face/v1.1-preview.1/ 409 examples."""
    code, noun = _words(kind)
    return ApiError(409, f"{code}TrainingNotFinished", f"{noun} is under training.")


def person_not_found() -> ApiError:
    """404 ``PersonNotFound`` "Person is not found." Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
    return ApiError(404, "PersonNotFound", "Person is not found.")


def person_id_invalid() -> ApiError:
    """404 ``PersonNotFound`` "Person ID is invalid." Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
    return ApiError(404, "PersonNotFound", "Person ID is invalid.")


def persisted_face_not_found() -> ApiError:
    """404 ``PersistedFaceNotFound`` "Persisted face is not found." Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
    return ApiError(404, "PersistedFaceNotFound", "Persisted face is not found.")


def persisted_face_id_invalid() -> ApiError:
    """404 ``PersistedFaceNotFound`` "Persisted face ID is invalid." Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
    return ApiError(404, "PersistedFaceNotFound", "Persisted face ID is invalid.")


def operation_not_found() -> ApiError:
    """404 ``NotFound`` "Operation is not found." for an unknown ``/operations/{operationId}``.

    No Face document names this code (the Face v1.2 swagger (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json) declares only ``default``); ``NotFound`` is the decision
    recorded in specs/face.yaml (``OperationNotFound404``). Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json.
    """
    return ApiError(404, "NotFound", "Operation is not found.")


def operation_id_invalid() -> ApiError:
    """400 ``BadArgument`` "Operation ID is invalid." for a malformed (non-uuid) operationId.

    Decision recorded in specs/face.yaml (GetOperationResult description). Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (``format: uuid``).
    """
    return bad_argument("Operation ID is invalid.")


def group_id_invalid_on_create(kind: str) -> ApiError:
    """400 ``BadArgument`` "Person group ID is invalid." / "Large person group ID is invalid." on create.

    Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes Person Group / Large Person Group error codes (400 BadArgument); specs/face.yaml ("except on
    create, where it is 400 BadArgument").
    """
    _, noun = _words(kind)
    return bad_argument(f"{noun} ID is invalid.")


def quota_exceeded(message: str) -> ApiError:
    """403 ``QuotaExceeded`` (e.g. "Persisted face number reached limit."). Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes; tests/reference/azure-examples/face/v1.1-preview.1/ 403 example."""
    return ApiError(403, "QuotaExceeded", message)


def invalid_url(message: str = "Invalid image URL.") -> ApiError:
    """400 ``InvalidURL``. Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
    return ApiError(400, "InvalidURL", message)


def invalid_image(message: str) -> ApiError:
    """400 ``InvalidImage`` (decoding error, no face detected, ...). Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
    return ApiError(400, "InvalidImage", message)


def invalid_image_size(message: str) -> ApiError:
    """400 ``InvalidImageSize`` "Image size is too small." / "Image size is too big." Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
    return ApiError(400, "InvalidImageSize", message)
