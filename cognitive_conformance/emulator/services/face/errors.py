"""Face error factories: one per documented Face error code, built on :class:`~emulator.errors.ApiError`.

Face errors use the generic Azure envelope: in the emulator's ``docs`` profile exactly
:func:`emulator.errors.azure_envelope` (with ``x-ms-error-code``), in the default ``observed`` profile
the same body without that header (:func:`observed_envelope`). The generic
factories the Face handlers also raise (``bad_argument``, ``invalid_request_body``, ...) are
re-exported here, so a Face module needs this one ``errors`` module.

Sources:

* https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes: Face error codes,
  https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes
* GTS10: Get Training Status (v1.0), https://learn.microsoft.com/en-us/rest/api/faceapi/persongroup/gettrainingstatus
  (401 code ``Unspecified``; 404 for a never-trained or invalid group)
* specs/face.yaml for the decisions no document makes (recorded there).
"""

from __future__ import annotations

from typing import Any

from cognitive_conformance.emulator.errors import (
    ERROR_CODE_HEADER,
    ApiError,
    ErrorEnvelope,
    access_denied,
    azure_envelope,
    bad_argument,
    invalid_request_body,
    resource_not_found,
)

__all__ = [
    "ApiError",
    "access_denied",
    "bad_argument",
    "invalid_request_body",
    "resource_not_found",
    "auth_error",
    "envelope_for_profile",
    "observed_envelope",
    "unsupported_api_version",
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
    "face_not_found",
    "identify_group_not_found",
    "identify_group_not_trained",
    "directory_person_not_found",
    "dynamic_group_not_found",
    "dynamic_group_exists",
]


def observed_envelope(error: ApiError) -> tuple[dict[str, Any], dict[str, str]]:
    """``{"error": {"code", "message"}}`` without the ``x-ms-error-code`` header, as the real service answers.

    Recorded: tests/reference/recordings/face/v1.0/vcrpy/test_snapshot.yaml entry 0 (404
    ``PersonGroupNotFound``, ``content-type: application/json; charset=utf-8``, no ``x-ms-error-code``)
    and entry 4 (a 429, no ``x-ms-error-code``); no recorded response carries it
    (tests/reference/recordings/README.md behaviours 12-14). Departs from the Train Person Group reference
    (https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1,
    "Other Status Codes ... Headers x-ms-error-code"), which the ``docs`` profile follows.
    """
    body, headers = azure_envelope(error)
    return body, {k: v for k, v in headers.items() if k.lower() != ERROR_CODE_HEADER}


def envelope_for_profile(profile: str) -> ErrorEnvelope:
    """``ServiceDefinition.envelope_for``: :func:`observed_envelope` by default, :func:`~emulator.errors.azure_envelope` under ``docs``."""
    return azure_envelope if profile == "docs" else observed_envelope


def auth_error(version: str | None) -> ApiError:
    """401: code ``Unspecified`` on v1.0 (GTS10), ``401`` otherwise (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes)."""
    return access_denied("Unspecified" if version == "v1.0" else "401")


def unsupported_api_version(version: str) -> ApiError:
    """404 ``NotFound`` for an unknown API version path segment (emulator choice, JSON envelope)."""
    return ApiError(404, "NotFound", f"Resource not found: API version '{version}' is not supported.")


_GROUP_WORDS = {"persongroups": ("PersonGroup", "Person group"), "largepersongroups": ("LargePersonGroup", "Large person group")}


def _words(kind: str) -> tuple[str, str]:
    return _GROUP_WORDS[kind]


def group_not_found(kind: str) -> ApiError:
    """404 ``PersonGroupNotFound`` / ``LargePersonGroupNotFound`` "... is not found." Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
    code, noun = _words(kind)
    return ApiError(404, f"{code}NotFound", f"{noun} is not found.")


def group_id_invalid(kind: str) -> ApiError:
    """404 ``PersonGroupNotFound`` "Person group ID is invalid." (large: ``LargePersonGroupNotFound``).

    Source: GTS10 (404 when the id is invalid); https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes Person Group error codes.
    """
    code, noun = _words(kind)
    return ApiError(404, f"{code}NotFound", f"{noun} ID is invalid.")


def group_exists(kind: str) -> ApiError:
    """409 ``PersonGroupExists`` / ``LargePersonGroupExists``. Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
    code, noun = _words(kind)
    return ApiError(409, f"{code}Exists", f"{noun} already exists.")


def group_not_trained(kind: str) -> ApiError:
    """404 ``PersonGroupNotTrained`` "Person group not trained." on get-training-status of a never-trained group.

    Source: GTS10; https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes.
    """
    code, noun = _words(kind)
    return ApiError(404, f"{code}NotTrained", f"{noun} not trained.")


def group_training_not_finished(kind: str) -> ApiError:
    """409 ``PersonGroupTrainingNotFinished`` "Person group is under training." Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
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
    recorded in specs/face.yaml (``OperationNotFound404``).
    """
    return ApiError(404, "NotFound", "Operation is not found.")


def operation_id_invalid() -> ApiError:
    """400 ``BadArgument`` "Operation ID is invalid." for a malformed (non-uuid) operationId.

    Decision recorded in specs/face.yaml (GetOperationResult description; ``operationId`` is ``format: uuid``).
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
    """403 ``QuotaExceeded`` (e.g. "Persisted face number reached limit."). Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes."""
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


# ----------------------------------------------------------------------------- identify, PersonDirectory

_IDENTIFY_NOUN = {"persongroups": "PersonGroup", "largepersongroups": "LargePersonGroup"}


def face_not_found() -> ApiError:
    """400 ``FaceNotFound`` "Face is not found." for a faceId that Detect never gave or that expired (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes, Identify)."""
    return ApiError(400, "FaceNotFound", "Face is not found.")


def identify_group_not_found(kind: str) -> ApiError:
    """400 ``PersonGroupNotFound`` / ``LargePersonGroupNotFound`` from Identify (the group is a body field, so 400, not 404).

    Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes (Identify error codes).
    """
    code, noun = _words(kind)
    return ApiError(400, f"{code}NotFound", f"{noun} is not found.")


def identify_group_not_trained(kind: str) -> ApiError:
    """400 ``PersonGroupNotTrained`` / ``LargePersonGroupNotTrained`` "Person group not trained." from Identify.

    Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes (Identify error codes);
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group ("only a trained Person
    Group can be used by Identify From Person Group").
    """
    code, noun = _words(kind)
    return ApiError(400, f"{code}NotTrained", f"{noun} not trained.")


def directory_person_not_found() -> ApiError:
    """404 ``PersonNotFound`` "Person is not found." for a PersonDirectory person (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes)."""
    return ApiError(404, "PersonNotFound", "Person is not found.")


def dynamic_group_not_found() -> ApiError:
    """404 ``DynamicPersonGroupNotFound`` "Dynamic person group is not found.": the PersonGroup pattern applied to dynamic groups
    (decision recorded in specs/face.yaml; the PersonDirectory references document only ``default`` errors)."""
    return ApiError(404, "DynamicPersonGroupNotFound", "Dynamic person group is not found.")


def dynamic_group_exists() -> ApiError:
    """409 ``DynamicPersonGroupExists`` "Dynamic person group already exists.": the PersonGroup pattern applied to dynamic
    groups (decision recorded in specs/face.yaml)."""
    return ApiError(409, "DynamicPersonGroupExists", "Dynamic person group already exists.")
