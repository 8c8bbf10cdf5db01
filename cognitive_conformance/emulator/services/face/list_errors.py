"""Error factories of the FaceList and LargeFaceList operations.

Codes and messages follow the Face error-code reference
(https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes):
``FaceListNotFound`` / ``LargeFaceListNotFound`` (missing list, or an id that breaks
``^[a-z0-9-_]+$`` / 64 characters), ``FaceListExists`` / ``LargeFaceListExists`` (create on an
existing id), ``LargeFaceListNotTrained`` (training status of a list never trained),
``LargeFaceListTrainingNotFinished`` (train or change faces while a training runs),
``PersistedFaceNotFound`` and 403 ``QuotaExceeded`` (a FaceList holds 1,000 faces). The wording of
the messages mirrors the person-group messages of the same page ("Person group is not found.",
"Person group ID is invalid.", "Person group not trained.", "Person group is under training.").
"""

from __future__ import annotations

from cognitive_conformance.emulator.errors import ApiError

__all__ = [
    "list_not_found",
    "list_id_invalid",
    "list_id_invalid_on_create",
    "list_exists",
    "list_not_trained",
    "list_training_not_finished",
    "list_face_not_found",
    "list_face_id_invalid",
    "list_faces_quota_exceeded",
]

_WORDS = {"facelists": ("FaceList", "Face list"), "largefacelists": ("LargeFaceList", "Large face list")}


def list_not_found(kind: str) -> ApiError:
    """404 ``FaceListNotFound`` / ``LargeFaceListNotFound`` "... is not found."."""
    code, noun = _WORDS[kind]
    return ApiError(404, f"{code}NotFound", f"{noun} is not found.")


def list_id_invalid(kind: str) -> ApiError:
    """404 ``FaceListNotFound`` / ``LargeFaceListNotFound`` "... ID is invalid." (a malformed id is a missing list)."""
    code, noun = _WORDS[kind]
    return ApiError(404, f"{code}NotFound", f"{noun} ID is invalid.")


def list_id_invalid_on_create(kind: str) -> ApiError:
    """400 ``BadArgument`` "Face list ID is invalid." / "Large face list ID is invalid." on create."""
    _, noun = _WORDS[kind]
    return ApiError(400, "BadArgument", f"{noun} ID is invalid.")


def list_exists(kind: str) -> ApiError:
    """409 ``FaceListExists`` / ``LargeFaceListExists`` "... already exists."."""
    code, noun = _WORDS[kind]
    return ApiError(409, f"{code}Exists", f"{noun} already exists.")


def list_not_trained() -> ApiError:
    """404 ``LargeFaceListNotTrained`` "Large face list not trained." (training status before any train)."""
    return ApiError(404, "LargeFaceListNotTrained", "Large face list not trained.")


def list_training_not_finished() -> ApiError:
    """409 ``LargeFaceListTrainingNotFinished`` "Large face list is under training."."""
    return ApiError(409, "LargeFaceListTrainingNotFinished", "Large face list is under training.")


def list_face_not_found() -> ApiError:
    """404 ``PersistedFaceNotFound`` "Persisted face is not found." (a face not in this list)."""
    return ApiError(404, "PersistedFaceNotFound", "Persisted face is not found.")


def list_face_id_invalid() -> ApiError:
    """404 ``PersistedFaceNotFound`` "Persisted face ID is invalid." (not a uuid)."""
    return ApiError(404, "PersistedFaceNotFound", "Persisted face ID is invalid.")


def list_faces_quota_exceeded() -> ApiError:
    """403 ``QuotaExceeded`` "Persisted face number reached limit." (a FaceList holds up to 1,000 faces)."""
    return ApiError(403, "QuotaExceeded", "Persisted face number reached limit.")
