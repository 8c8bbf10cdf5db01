"""Hypothesis strategies for Face JSON payloads: request bodies, training/operation status, errors.

Everything here is a plain JSON value (``dict``/``str``/``int``), ready for ``json.dumps``.
Valid strategies yield values that satisfy the docs profile of ``specs/face.yaml`` for the
relevant version; each ``invalid_*`` strategy sits next to its valid counterpart and breaks one
documented rule per value (which one is chosen with ``kinds``; every kind is listed in the
docstring and in a ``*_KINDS`` constant).

Sources: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (request bodies), https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (schemas), https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (status enum spelling per
version), https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (limits), https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (error envelopes), https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes (error codes and messages),
https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 (training status fields, 403/429 gateway bodies), https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 (FaceErrorResponse).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Final

from hypothesis import strategies as st

from cognitive_conformance.strategies.ids import invalid_uuids, person_group_ids, uuids

__all__ = [
    "FACE_ERROR_MESSAGES",
    "INVALID_CREATE_PERSON_BODY_KINDS",
    "INVALID_CREATE_PERSON_GROUP_BODY_KINDS",
    "INVALID_ERROR_BODY_KINDS",
    "INVALID_GATEWAY_ERROR_BODY_KINDS",
    "INVALID_OPERATION_RESULT_KINDS",
    "INVALID_TRAINING_STATUS_KINDS",
    "INVALID_UPDATE_PERSON_GROUP_BODY_KINDS",
    "NAME_MAX_LENGTH",
    "FACE_USER_DATA_MAX_LENGTH",
    "RECOGNITION_MODELS",
    "USER_DATA_MAX_LENGTH",
    "create_person_bodies",
    "create_person_group_bodies",
    "face_error_bodies",
    "face_user_data",
    "gateway_error_bodies",
    "invalid_create_person_bodies",
    "invalid_create_person_group_bodies",
    "invalid_face_error_bodies",
    "invalid_gateway_error_bodies",
    "invalid_names",
    "invalid_operation_result_bodies",
    "invalid_recognition_models",
    "invalid_training_status_bodies",
    "invalid_update_person_group_bodies",
    "invalid_user_data",
    "operation_result_bodies",
    "operation_statuses",
    "person_group_names",
    "recognition_models",
    "training_status_bodies",
    "training_statuses",
    "update_person_group_bodies",
    "user_data",
]

NAME_MAX_LENGTH: Final[int] = 128
"""``name`` of a person group or person: 1..128 characters (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json)."""

USER_DATA_MAX_LENGTH: Final[int] = 16384
"""``userData`` of a person group or person: at most 16K characters (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json)."""

FACE_USER_DATA_MAX_LENGTH: Final[int] = 1024
"""``userData`` of a persisted face: at most 1K characters (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json)."""

RECOGNITION_MODELS: Final[tuple[str, ...]] = ("recognition_01", "recognition_02", "recognition_03", "recognition_04")
"""The ``RecognitionModel`` enum, default first (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json)."""

_STATUS_TAIL: Final[tuple[str, ...]] = ("running", "succeeded", "failed")
_NOT_STARTED_V10: Final[str] = "nonstarted"
_NOT_STARTED_V11: Final[str] = "notStarted"
_TERMINAL: Final[frozenset[str]] = frozenset({"succeeded", "failed"})
# Every spelling of a status that some Face document uses somewhere (https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json), plus
# capitalised variants: each is wrong for at least one version.
_STATUS_MISSPELLINGS: Final[tuple[str, ...]] = (
    "nonstarted",
    "notstarted",
    "notStarted",
    "NotStarted",
    "not_started",
    "Running",
    "Succeeded",
    "Failed",
    "SUCCEEDED",
)
_FACE_VERSION = re.compile(r"^v1\.(\d+)(-preview\.\d+)?$")

# Characters for free text: anything JSON can carry except surrogates and control characters.
_TEXT_CHARS: Final = st.characters(exclude_categories=("Cs", "Cc"))

FACE_ERROR_MESSAGES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "BadArgument": (
            "Request body is invalid.",
            "JSON parsing error.",
            "'recognitionModel' is invalid.",
            "'detectionModel' is invalid.",
            "'name' is empty.",
            "'name' is too long.",
            "'userData' is too long.",
            "'start' is too long.",
            "'top' is invalid.",
            "Argument targetFace out of range.",
            "Invalid argument targetFace.",
            "Person group ID is invalid.",
            "Invalid Media Type.",
        ),
        "InvalidURL": ("Invalid image URL.",),
        "InvalidImage": (
            "Decoding error, image format unsupported.",
            "No face detected in the image.",
            "There is more than 1 face in the image.",
        ),
        "InvalidImageSize": ("Image size is too small.", "Image size is too big."),
        "401": (
            "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid "
            "key for an active subscription and use a correct regional API endpoint for your resource.",
        ),
        "Unspecified": (
            "Access denied due to invalid subscription key. Make sure you are subscribed to an API you are "
            "trying to call and provide the right key.",
        ),
        "QuotaExceeded": (
            "Person group number reached subscription level limit.",
            "Person number reached person group level limit.",
            "Person number reached subscription level limit.",
            "Persisted face number reached limit.",
        ),
        "PersonGroupNotFound": ("Person group is not found.", "Person group ID is invalid."),
        "PersonNotFound": ("Person {uuid} is not found.", "Person ID is invalid."),
        "PersistedFaceNotFound": (
            "Persisted face is not found.",
            "Persisted face {uuid} is not found.",
            "Persisted face ID is invalid.",
        ),
        "PersonGroupNotTrained": ("Person group not trained.",),
        "PersonGroupExists": ("Person group already exists.",),
        "PersonGroupTrainingNotFinished": ("Person group is under training.",),
        "LargePersonGroupNotFound": ("Large person group is not found.", "Large person group ID is invalid."),
        "LargePersonGroupNotTrained": ("Large person group not trained.",),
        "LargePersonGroupExists": ("Large person group already exists.",),
        "LargePersonGroupTrainingNotFinished": ("Large person group is under training.",),
        "ConcurrentOperationConflict": (
            "There is a conflict operation on resource {resource}, please try later.",
        ),
        "OperationTimeOut": ("Request Timeout.",),
        "429": ("Rate limit is exceeded.",),
    }
)
"""Documented Face ``error.code`` values with their documented messages. ``{uuid}`` and
``{resource}`` are filled in when drawn (Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes "Common error codes" and "Person Group
error codes"; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (``Unspecified``, ``OperationTimeOut``); https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247)."""

_GATEWAY_MESSAGES: Final[Mapping[int, str]] = MappingProxyType(
    {
        401: "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.",
        403: "Out of call volume quota. Quota will be replenished in {n} days.",
        429: "Rate limit is exceeded. Try again in {n} seconds.",
    }
)

INVALID_TRAINING_STATUS_KINDS: Final[tuple[str, ...]] = (
    "wrong_enum_spelling",
    "missing_required",
    "unparsable_timestamp",
    "timestamps_out_of_order",
)
INVALID_OPERATION_RESULT_KINDS: Final[tuple[str, ...]] = (
    "wrong_enum_spelling",
    "missing_required",
    "unparsable_timestamp",
    "timestamps_out_of_order",
    "bad_operation_id",
)
INVALID_ERROR_BODY_KINDS: Final[tuple[str, ...]] = ("missing_code", "missing_message", "code_not_string", "error_not_object")
INVALID_GATEWAY_ERROR_BODY_KINDS: Final[tuple[str, ...]] = ("missing_status_code", "missing_message", "status_code_not_int")
INVALID_CREATE_PERSON_GROUP_BODY_KINDS: Final[tuple[str, ...]] = (
    "missing_name",
    "bad_name",
    "user_data_too_long",
    "bad_recognition_model",
)
INVALID_UPDATE_PERSON_GROUP_BODY_KINDS: Final[tuple[str, ...]] = ("bad_name", "user_data_too_long")
INVALID_CREATE_PERSON_BODY_KINDS: Final[tuple[str, ...]] = ("missing_name", "bad_name", "user_data_too_long")


# --------------------------------------------------------------------------------------------
# Small shared helpers
# --------------------------------------------------------------------------------------------


def _check_kinds(kinds: Sequence[str], allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    chosen = tuple(kinds)
    if not chosen:
        raise ValueError(f"{what}: kinds must not be empty; choose from {allowed!r}")
    unknown = [kind for kind in chosen if kind not in allowed]
    if unknown:
        raise ValueError(f"{what}: unknown kinds {unknown!r}; choose from {allowed!r}")
    return chosen


def _repeat_to(fragment: str, length: int) -> str:
    return (fragment * (length // len(fragment) + 1))[:length]


def _text(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    """Text of ``min_size..max_size`` code points that reaches its upper bound cheaply.

    Short strings (up to ``min_size + 64``) are drawn character by character; longer ones repeat
    a drawn 1..16 character fragment to a drawn length, so 16K strings cost a handful of choices.
    """
    short_max = min(max_size, min_size + 64)
    short = st.text(_TEXT_CHARS, min_size=min_size, max_size=short_max)
    if short_max == max_size:
        return short
    long = st.builds(_repeat_to, st.text(_TEXT_CHARS, min_size=1, max_size=16), st.integers(short_max + 1, max_size))
    return st.one_of(short, long)


def _not_started(version: str) -> str:
    """The "not started" status spelling of ``version`` (https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json); ValueError if unknown."""
    if version == "v1.0":
        return _NOT_STARTED_V10
    match = _FACE_VERSION.fullmatch(version)
    if match is None or int(match.group(1)) < 1:
        raise ValueError(
            f"unknown Face API version {version!r}; expected 'v1.0' or a later 'v1.N[-preview.M]' "
            "such as 'v1.1-preview.1' or 'v1.2'"
        )
    return _NOT_STARTED_V11


def _format_timestamp(moment: datetime, digits: int) -> str:
    """RFC 3339 UTC: ``YYYY-MM-DDTHH:MM:SS[.f{digits}]Z`` (7 digits like .NET ticks allowed)."""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += f".{moment.microsecond:06d}0"[: digits + 1]
    return text + "Z"


@st.composite
def _ordered_timestamps(draw: st.DrawFn, count: int, *, min_step_ms: int = 0) -> list[str]:
    """``count`` RFC 3339 timestamps, each ``min_step_ms`` or more after the previous one.

    All share one precision (0, 2, 3 or 7 fractional digits); moments are truncated to it
    before formatting, so the strings sort like the moments. A ``min_step_ms`` of 1000 or more
    keeps them distinct at every precision. Shrinks towards 2015-01-01T00:00:00Z repeated.
    """
    start = draw(st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2035, 12, 31)))
    digits = draw(st.sampled_from((0, 2, 3, 7)))
    moments = [start]
    for _ in range(count - 1):
        step_ms = draw(st.integers(min_step_ms, min_step_ms + 7 * 24 * 3600 * 1000))
        moments.append(moments[-1] + timedelta(milliseconds=step_ms))
    if digits == 0:
        moments = [m.replace(microsecond=0) for m in moments]
    elif digits == 2:
        moments = [m.replace(microsecond=m.microsecond // 10000 * 10000) for m in moments]
    elif digits == 3:
        moments = [m.replace(microsecond=m.microsecond // 1000 * 1000) for m in moments]
    return [_format_timestamp(m, digits) for m in moments]


_UNPARSABLE_TIMESTAMPS: Final[tuple[str, ...]] = (
    "1/3/2017 4:11:35 AM",  # the format of the example in https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247
    "2017-12-21 12:57:27",
    "2017-13-21T12:57:27Z",
    "2017-12-21T25:00:00Z",
    "2017-12-21T12:57:27",
    "yesterday",
    "",
)


# --------------------------------------------------------------------------------------------
# Names, userData, recognition models
# --------------------------------------------------------------------------------------------


def person_group_names(*, min_size: int = 1, max_size: int = NAME_MAX_LENGTH) -> st.SearchStrategy[str]:
    """Generate ``name`` values for person groups and persons: ``min_size..max_size`` code points.

    Rule encoded: CreatePersonGroup / CreatePersonGroupPerson ``name`` (required), string
    1..128 (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json). Any Unicode except surrogates and control
    characters. Options: ``1 <= min_size <= max_size <= 128``. Shrinks towards ``"0"``.
    """
    if not (1 <= min_size <= max_size <= NAME_MAX_LENGTH):
        raise ValueError(f"need 1 <= min_size <= max_size <= {NAME_MAX_LENGTH}, got {min_size=} {max_size=}")
    return _text(min_size, max_size)


def user_data(*, max_size: int = USER_DATA_MAX_LENGTH) -> st.SearchStrategy[str]:
    """Generate ``userData`` for person groups and persons: 0..``max_size`` code points.

    Rule encoded: ``userData`` string, at most 16384 (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json). Long values
    are a repeated short fragment, so the 16K boundary is reached cheaply. Options:
    ``0 <= max_size <= 16384``. Shrinks towards ``""``.
    """
    if not (0 <= max_size <= USER_DATA_MAX_LENGTH):
        raise ValueError(f"need 0 <= max_size <= {USER_DATA_MAX_LENGTH}, got {max_size=}")
    return _text(0, max_size)


def face_user_data(*, max_size: int = FACE_USER_DATA_MAX_LENGTH) -> st.SearchStrategy[str]:
    """Generate ``userData`` for a persisted face: 0..``max_size`` code points (at most 1024).

    Rule encoded: PersonGroupPersonFace ``userData`` at most 1024 (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json). Options: ``0 <= max_size <= 1024``. Shrinks towards ``""``.
    """
    if not (0 <= max_size <= FACE_USER_DATA_MAX_LENGTH):
        raise ValueError(f"need 0 <= max_size <= {FACE_USER_DATA_MAX_LENGTH}, got {max_size=}")
    return _text(0, max_size)


def invalid_names() -> st.SearchStrategy[str]:
    """Generate ``name`` values that break 1..128: the empty string or 129..512 code points.

    Rule broken: ``name`` minLength 1 / maxLength 128 (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json). Documented
    answer: ``400 BadArgument`` "'name' is empty." or "'name' is too long." (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes).
    Shrinks towards ``""``.
    """
    return st.one_of(st.just(""), _text(NAME_MAX_LENGTH + 1, 4 * NAME_MAX_LENGTH))


def invalid_user_data(*, max_size: int = USER_DATA_MAX_LENGTH) -> st.SearchStrategy[str]:
    """Generate ``userData`` one to 256 code points longer than ``max_size``.

    Rule broken: ``userData`` maxLength (16384 for groups and persons; pass
    ``max_size=1024`` for faces) (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json). Documented answer:
    ``400 BadArgument`` "'userData' is too long." (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes). Options: ``max_size`` is 1024 or 16384
    or anything in between. Shrinks towards ``max_size + 1`` copies of ``"0"``.
    """
    if not (FACE_USER_DATA_MAX_LENGTH <= max_size <= USER_DATA_MAX_LENGTH):
        raise ValueError(
            f"need {FACE_USER_DATA_MAX_LENGTH} <= max_size <= {USER_DATA_MAX_LENGTH}, got {max_size=}"
        )
    return st.builds(_repeat_to, st.text(_TEXT_CHARS, min_size=1, max_size=16), st.integers(max_size + 1, max_size + 256))


def recognition_models() -> st.SearchStrategy[str]:
    """Generate a ``recognitionModel``: ``recognition_01`` .. ``recognition_04``.

    Rule encoded: RecognitionModel enum (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json). Shrinks towards the
    default ``recognition_01``.
    """
    return st.sampled_from(RECOGNITION_MODELS)


def invalid_recognition_models() -> st.SearchStrategy[str]:
    """Generate ``recognitionModel`` strings outside the enum.

    Includes ``recognition_v01`` (the value the v1.0 example tests/reference/azure-examples/face/v1.0/CreateNewPersonGroup.json sends), upper-case and out-of-range spellings. Rule broken: RecognitionModel enum
    (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json). Documented answer: ``400 BadArgument`` "'recognitionModel' is invalid."
    (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes). Shrinks towards ``recognition_v01``.
    """
    return st.sampled_from(("recognition_v01", "Recognition_01", "RECOGNITION_01", "recognition_05", "recognition_00", "recognition_1", ""))


# --------------------------------------------------------------------------------------------
# Request bodies
# --------------------------------------------------------------------------------------------


def create_person_group_bodies() -> st.SearchStrategy[dict[str, Any]]:
    """Generate CreatePersonGroup bodies: ``{name, userData?, recognitionModel?}``.

    Rule encoded: CreatePersonGroup (``PUT /persongroups/{personGroupId}``) JSON body, ``name``
    required 1..128, ``userData`` optional <=16384, ``recognitionModel`` optional enum
    (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; example tests/reference/azure-examples/face/v1.2/PersonGroupOperations_CreatePersonGroup.json).
    Shrinks towards ``{"name": "0"}``.
    """
    return st.fixed_dictionaries(
        {"name": person_group_names()},
        optional={"userData": user_data(), "recognitionModel": recognition_models()},
    )


def update_person_group_bodies() -> st.SearchStrategy[dict[str, Any]]:
    """Generate UpdatePersonGroup bodies: ``{name?, userData?}`` with something to update.

    Rule encoded: UpdatePersonGroup (``PATCH /persongroups/{personGroupId}``) ``{name?,
    userData?}`` (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json). Either ``name`` is present, or ``userData`` is present and
    non-empty, because the Face error-code table (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes) documents ``400 BadArgument`` "Both 'name' and 'userData' are
    empty." for the large-group twin. Shrinks towards a one-field body with a short value.
    """
    with_name = st.fixed_dictionaries({"name": person_group_names()}, optional={"userData": user_data()})
    user_data_only = st.fixed_dictionaries({"userData": _text(1, USER_DATA_MAX_LENGTH)})
    return st.one_of(with_name, user_data_only)


def create_person_bodies() -> st.SearchStrategy[dict[str, Any]]:
    """Generate CreatePersonGroupPerson bodies: ``{name, userData?}``.

    Rule encoded: ``POST /persongroups/{personGroupId}/persons`` ``name`` required 1..128,
    ``userData`` optional <=16384 (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; example tests/reference/azure-examples/face/v1.0/CreateNewPersonGroupPerson.json).
    Shrinks towards ``{"name": "0"}``.
    """
    return st.fixed_dictionaries({"name": person_group_names()}, optional={"userData": user_data()})


def _break_body(valid: st.SearchStrategy[dict[str, Any]], kind: str) -> st.SearchStrategy[dict[str, Any]]:
    if kind == "missing_name":
        return valid.map(lambda body: {k: v for k, v in body.items() if k != "name"})
    if kind == "bad_name":
        return st.builds(lambda body, name: {**body, "name": name}, valid, invalid_names())
    if kind == "user_data_too_long":
        return st.builds(lambda body, data: {**body, "userData": data}, valid, invalid_user_data())
    if kind == "bad_recognition_model":
        return st.builds(lambda body, model: {**body, "recognitionModel": model}, valid, invalid_recognition_models())
    raise AssertionError(kind)  # pragma: no cover - kinds are checked by the callers


def invalid_create_person_group_bodies(
    *, kinds: Sequence[str] = INVALID_CREATE_PERSON_GROUP_BODY_KINDS
) -> st.SearchStrategy[dict[str, Any]]:
    """Generate CreatePersonGroup bodies that break one rule each (choose with ``kinds``).

    * ``missing_name``: ``name`` absent (required). → ``400 BadArgument`` "'name' is empty."
    * ``bad_name``: ``name`` empty or 129+ chars. → ``400 BadArgument``.
    * ``user_data_too_long``: ``userData`` over 16384. → ``400 BadArgument`` "'userData' is too long."
    * ``bad_recognition_model``: not in the enum. → ``400 BadArgument`` "'recognitionModel' is invalid."

    Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes "Common error codes". Otherwise the body is a valid
    :func:`create_person_group_bodies` value. Shrinks towards the simplest kind and shortest values.
    """
    chosen = _check_kinds(kinds, INVALID_CREATE_PERSON_GROUP_BODY_KINDS, "invalid_create_person_group_bodies")
    return st.one_of([_break_body(create_person_group_bodies(), kind) for kind in chosen])


def invalid_update_person_group_bodies(
    *, kinds: Sequence[str] = INVALID_UPDATE_PERSON_GROUP_BODY_KINDS
) -> st.SearchStrategy[dict[str, Any]]:
    """Generate UpdatePersonGroup bodies that break one rule each: ``bad_name`` or ``user_data_too_long``.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes (``400 BadArgument``). Shrinks towards the simplest kind and shortest values.
    """
    chosen = _check_kinds(kinds, INVALID_UPDATE_PERSON_GROUP_BODY_KINDS, "invalid_update_person_group_bodies")
    return st.one_of([_break_body(update_person_group_bodies(), kind) for kind in chosen])


def invalid_create_person_bodies(
    *, kinds: Sequence[str] = INVALID_CREATE_PERSON_BODY_KINDS
) -> st.SearchStrategy[dict[str, Any]]:
    """Generate CreatePersonGroupPerson bodies breaking one rule: ``missing_name``, ``bad_name``, ``user_data_too_long``.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes (``400 BadArgument``). Shrinks towards the simplest kind and shortest values.
    """
    chosen = _check_kinds(kinds, INVALID_CREATE_PERSON_BODY_KINDS, "invalid_create_person_bodies")
    return st.one_of([_break_body(create_person_bodies(), kind) for kind in chosen])


# --------------------------------------------------------------------------------------------
# Training status and operation results
# --------------------------------------------------------------------------------------------


def training_statuses(*, version: str) -> st.SearchStrategy[str]:
    """Generate the ``status`` values of ``version``'s training status enum, "not started" first.

    v1.0: ``nonstarted|running|succeeded|failed`` (https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json enum); v1.1 and later:
    ``notStarted|running|succeeded|failed`` (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json OperationStatus). Source: https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json.
    ValueError for a string that is not a Face version (``v1.0``, ``v1.N[-preview.M]``).
    """
    return st.sampled_from((_not_started(version), *_STATUS_TAIL))


def operation_statuses() -> st.SearchStrategy[str]:
    """Generate ``OperationResult.status``: ``notStarted|running|succeeded|failed`` (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json)."""
    return st.sampled_from((_NOT_STARTED_V11, *_STATUS_TAIL))


@st.composite
def _training_status(draw: st.DrawFn, version: str) -> dict[str, Any]:
    status = draw(training_statuses(version=version))
    created, last_success, last_action = draw(_ordered_timestamps(3))
    body: dict[str, Any] = {"status": status, "createdDateTime": created}
    required_all = version != "v1.0"
    if status == "succeeded":
        last_success = last_action
    if required_all or draw(st.booleans()):
        body["lastActionDateTime"] = last_action
    if required_all or draw(st.booleans()):
        body["lastSuccessfulTrainingDateTime"] = last_success
    if status == "failed":
        body["message"] = draw(_text(1, 200))
    return body


def training_status_bodies(*, version: str) -> st.SearchStrategy[dict[str, Any]]:
    """Generate GetPersonGroupTrainingStatus ``200`` bodies (``TrainingResult``) for ``version``.

    * ``status`` uses exactly the version's enum (see :func:`training_statuses`).
    * ``createdDateTime`` always; ``lastActionDateTime`` and ``lastSuccessfulTrainingDateTime``
      always for v1.1+ (required in https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json), optional for v1.0 (the Face v1.0 swagger (https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json) requires only status and
      createdDateTime). Timestamps are RFC 3339 UTC (``Z``) with 0, 2, 3 or 7 fractional digits,
      ordered ``createdDateTime <= lastSuccessfulTrainingDateTime <= lastActionDateTime``
      (equal last-success and last-action when ``succeeded``).
    * ``message`` only when ``failed`` ("omitted when training succeed"); never ``null``.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (TrainingResult / v1.0 TrainingStatus), https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json; https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247; examples
    tests/reference/azure-examples/face/v1.0/GetPersonGroupTrainingStatus.json, tests/reference/azure-examples/face/v1.2/PersonGroupOperations_GetPersonGroupTrainingStatus.json.
    Shrinks towards a "not started" body at 2015-01-01T00:00:00Z.
    """
    _not_started(version)
    return _training_status(version)


def _break_status_body(
    valid: st.SearchStrategy[dict[str, Any]],
    kind: str,
    *,
    status_key: str,
    valid_statuses: frozenset[str],
    required: tuple[str, ...],
    timestamp_keys: tuple[str, ...],
    ordered_pair: tuple[str, str],
) -> st.SearchStrategy[dict[str, Any]]:
    if kind == "wrong_enum_spelling":
        wrong = st.sampled_from([s for s in _STATUS_MISSPELLINGS if s not in valid_statuses])
        return st.builds(lambda body, status: {**body, status_key: status}, valid, wrong)
    if kind == "missing_required":
        return st.builds(lambda body, key: {k: v for k, v in body.items() if k != key}, valid, st.sampled_from(required))

    if kind == "unparsable_timestamp":

        @st.composite
        def _unparsable(draw: st.DrawFn) -> dict[str, Any]:
            body = draw(valid)
            key = draw(st.sampled_from([k for k in timestamp_keys if k in body]))
            return {**body, key: draw(st.sampled_from(_UNPARSABLE_TIMESTAMPS))}

        return _unparsable()

    if kind == "timestamps_out_of_order":
        earlier, later = ordered_pair

        @st.composite
        def _swapped(draw: st.DrawFn) -> dict[str, Any]:
            body = draw(valid)
            first, second = draw(_ordered_timestamps(2, min_step_ms=1000))
            return {**body, earlier: second, later: first}

        return _swapped()
    if kind == "bad_operation_id":
        return st.builds(lambda body, bad: {**body, "operationId": bad}, valid, invalid_uuids())
    raise AssertionError(kind)  # pragma: no cover - kinds are checked by the callers


def invalid_training_status_bodies(
    *, version: str, kinds: Sequence[str] = INVALID_TRAINING_STATUS_KINDS
) -> st.SearchStrategy[dict[str, Any]]:
    """Generate training status bodies for ``version`` that break one rule each.

    * ``wrong_enum_spelling``: ``status`` is a spelling used elsewhere but not in this version's
      enum (``notStarted``/``notstarted`` for v1.0, ``nonstarted``/``notstarted`` for v1.1+,
      or a capitalised value). Breaks the enum (https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json).
    * ``missing_required``: drops one required field (``status``, ``createdDateTime``; for v1.1+
      also ``lastActionDateTime``, ``lastSuccessfulTrainingDateTime``) (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json).
    * ``unparsable_timestamp``: one timestamp is not RFC 3339, e.g. the v1.0 Get Training Status reference's own
      ``"1/3/2017 4:11:35 AM"``. Breaks ``format: date-time``.
    * ``timestamps_out_of_order``: ``lastActionDateTime`` strictly before ``createdDateTime``.
      Schema-valid; breaks the ordering a coherent service keeps (only a check can see it).

    Every kind except ``timestamps_out_of_order`` fails the docs profile of ``specs/face.yaml``;
    the observed profile accepts capitalised spellings and the v1.0 Get Training Status reference's ``M/D/YYYY h:mm:ss AM``
    timestamps. Shrinks towards the simplest kind and shortest values.
    """
    not_started = _not_started(version)
    chosen = _check_kinds(kinds, INVALID_TRAINING_STATUS_KINDS, "invalid_training_status_bodies")
    required = ("status", "createdDateTime")
    if version != "v1.0":
        required += ("lastActionDateTime", "lastSuccessfulTrainingDateTime")
    valid = training_status_bodies(version=version)
    return st.one_of(
        [
            _break_status_body(
                valid,
                kind,
                status_key="status",
                valid_statuses=frozenset({not_started, *_STATUS_TAIL}),
                required=required,
                timestamp_keys=("createdDateTime", "lastActionDateTime", "lastSuccessfulTrainingDateTime"),
                ordered_pair=("createdDateTime", "lastActionDateTime"),
            )
            for kind in chosen
        ]
    )


@st.composite
def _operation_result(draw: st.DrawFn) -> dict[str, Any]:
    status = draw(operation_statuses())
    created, last_action, finished = draw(_ordered_timestamps(3))
    body: dict[str, Any] = {"operationId": draw(uuids()), "status": status, "createdTime": created}
    if status == "running":
        body["lastActionTime"] = last_action
    elif status in _TERMINAL:
        body["lastActionTime"] = finished
        body["finishedTime"] = finished
    elif draw(st.booleans()):
        body["lastActionTime"] = created
    if status == "failed":
        body["message"] = draw(_text(1, 200))
    return body


def operation_result_bodies() -> st.SearchStrategy[dict[str, Any]]:
    """Generate GetOperationResult ``200`` bodies (``OperationResult``, v1.1 and later).

    ``operationId`` (uuid), ``status`` (``notStarted|running|succeeded|failed``), ``createdTime``
    always; ``lastActionTime`` once the operation has moved; ``finishedTime`` (equal to the last
    action) only when ``succeeded``/``failed``; ``message`` only when ``failed``. Timestamps are
    RFC 3339 and ordered ``createdTime <= lastActionTime <= finishedTime``.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (OperationResult, required operationId/status/createdTime), tests/reference/azure-examples/face/v1.1-preview.1/GetFaceOperationStatus.json;
    example tests/reference/azure-examples/face/v1.2/GetOperationResult.json. Shrinks towards an early operation with few fields.
    """
    return _operation_result()


def invalid_operation_result_bodies(
    *, kinds: Sequence[str] = INVALID_OPERATION_RESULT_KINDS
) -> st.SearchStrategy[dict[str, Any]]:
    """Generate OperationResult bodies that break one rule each.

    * ``wrong_enum_spelling``: ``status`` like ``nonstarted``, ``notstarted`` or ``Succeeded``.
    * ``missing_required``: drops ``operationId``, ``status`` or ``createdTime``.
    * ``unparsable_timestamp``: one timestamp is not RFC 3339.
    * ``timestamps_out_of_order``: ``lastActionTime`` strictly before ``createdTime``
      (schema-valid; only a check can see it).
    * ``bad_operation_id``: ``operationId`` is not a UUID (see :func:`strategies.ids.invalid_uuids`).

    Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json. Shrinks towards the simplest kind and shortest values.
    """
    chosen = _check_kinds(kinds, INVALID_OPERATION_RESULT_KINDS, "invalid_operation_result_bodies")
    valid = operation_result_bodies()
    return st.one_of(
        [
            _break_status_body(
                valid,
                kind,
                status_key="status",
                valid_statuses=frozenset({_NOT_STARTED_V11, *_STATUS_TAIL}),
                required=("operationId", "status", "createdTime"),
                timestamp_keys=("createdTime", "lastActionTime", "finishedTime"),
                ordered_pair=("createdTime", "lastActionTime"),
            )
            for kind in chosen
        ]
    )


# --------------------------------------------------------------------------------------------
# Error bodies
# --------------------------------------------------------------------------------------------


@st.composite
def _face_error(draw: st.DrawFn, codes: tuple[str, ...]) -> dict[str, Any]:
    code = draw(st.sampled_from(codes))
    templates = FACE_ERROR_MESSAGES.get(code)
    if templates is None:
        message = draw(_text(1, 200))
    else:
        template = draw(st.sampled_from(templates))
        message = template
        if "{uuid}" in template:
            message = template.replace("{uuid}", draw(uuids()))
        if "{resource}" in template:
            message = template.replace("{resource}", draw(person_group_ids(max_size=32)))
    return {"error": {"code": code, "message": message}}


def face_error_bodies(*, codes: Sequence[str] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Generate ``FaceErrorResponse`` bodies: ``{"error": {"code": str, "message": str}}``.

    ``codes`` restricts ``error.code`` (default: every code in :data:`FACE_ERROR_MESSAGES`).
    Documented codes get one of their documented messages (placeholders filled with a drawn
    UUID or group id); other codes get 1..200 characters of text.

    Rule encoded: FaceErrorResponse / FaceError, ``code`` and ``message`` both required strings
    (Source: https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 "Definitions"; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes for the code/message table).
    Options: ``codes`` a non-empty sequence of non-empty strings. Shrinks towards a code with a
    single documented message.
    """
    chosen = tuple(FACE_ERROR_MESSAGES) if codes is None else tuple(codes)
    if not chosen:
        raise ValueError("codes must not be empty (pass None for every documented code)")
    bad = [code for code in chosen if not isinstance(code, str) or not code]
    if bad:
        raise ValueError(f"codes must be non-empty strings, got {bad!r}")
    return _face_error(chosen)


@st.composite
def _gateway_error(draw: st.DrawFn, status_codes: tuple[int, ...]) -> dict[str, Any]:
    status = draw(st.sampled_from(status_codes))
    template = _GATEWAY_MESSAGES.get(status)
    if template is None:
        message = draw(_text(1, 200))
    elif status == 403:
        message = template.format(n=f"{draw(st.integers(1, 3000)) / 100:.2f}")
    elif status == 429:
        message = template.format(n=draw(st.integers(1, 60)))
    else:
        message = template
    return {"error": {"statusCode": status, "message": message}}


def gateway_error_bodies(*, status_codes: Sequence[int] = (403, 429)) -> st.SearchStrategy[dict[str, Any]]:
    """Generate the API-gateway error shape: ``{"error": {"statusCode": int, "message": str}}``.

    403 "Out of call volume quota. Quota will be replenished in N days." and 429 "Rate limit is
    exceeded. Try again in N seconds." follow the documented text; other statuses get free
    text. Note the numeric ``statusCode`` and no ``code``.

    Source: https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 (403, 429 bodies); https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (the sources disagree with the Face error-code table's 429
    code ``429``). Options: ``status_codes`` non-empty, each an ``int`` in 400..599. Shrinks
    towards the first status code.
    """
    chosen = tuple(status_codes)
    if not chosen:
        raise ValueError("status_codes must not be empty")
    bad = [code for code in chosen if isinstance(code, bool) or not isinstance(code, int) or not 400 <= code <= 599]
    if bad:
        raise ValueError(f"status_codes must be ints in 400..599, got {bad!r}")
    return _gateway_error(chosen)


def invalid_face_error_bodies(*, kinds: Sequence[str] = INVALID_ERROR_BODY_KINDS) -> st.SearchStrategy[Any]:
    """Generate error bodies that break the FaceErrorResponse envelope in one way each.

    * ``missing_code``: ``error`` has only ``message`` (also the gateway shape with ``statusCode``).
    * ``missing_message``: ``error`` has only ``code``.
    * ``code_not_string``: ``error.code`` is a number (the v1.0 Get Training Status reference's sample even leaves the code
      unquoted, which is not valid JSON at all).
    * ``error_not_object``: ``error`` is a string, or the body has no ``error`` key.

    Rule broken: FaceErrorResponse requires ``error.code`` and ``error.message``, both strings
    (https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json, https://github.com/Azure/azure-rest-api-specs/tree/54923347f07c69f929305d5c2fd3fa7fda1dab96/specification/ai/Face). ``specs/face.yaml`` requires both in every version and
    profile; note the Face v1.0 swagger's v1.0 ``APIError`` required neither. Shrinks towards the simplest kind and shortest values.
    """
    chosen = _check_kinds(kinds, INVALID_ERROR_BODY_KINDS, "invalid_face_error_bodies")
    valid = face_error_bodies()
    builders: dict[str, st.SearchStrategy[Any]] = {
        "missing_code": st.one_of(
            valid.map(lambda body: {"error": {"message": body["error"]["message"]}}),
            gateway_error_bodies(),
        ),
        "missing_message": valid.map(lambda body: {"error": {"code": body["error"]["code"]}}),
        "code_not_string": st.builds(
            lambda body, number: {"error": {"code": number, "message": body["error"]["message"]}},
            valid,
            st.integers(400, 599),
        ),
        "error_not_object": st.one_of(
            valid.map(lambda body: {"error": body["error"]["message"]}),
            valid.map(lambda body: dict(body["error"])),
        ),
    }
    return st.one_of([builders[kind] for kind in chosen])


def invalid_gateway_error_bodies(
    *, kinds: Sequence[str] = INVALID_GATEWAY_ERROR_BODY_KINDS
) -> st.SearchStrategy[dict[str, Any]]:
    """Generate gateway error bodies that break the ``{"error": {"statusCode": int, "message"}}`` shape.

    * ``missing_status_code``: only ``message``.
    * ``missing_message``: only ``statusCode``.
    * ``status_code_not_int``: ``statusCode`` is the status as a string (``"429"``).

    Source: https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 (403/429 bodies). Shrinks towards the simplest kind and shortest values.
    """
    chosen = _check_kinds(kinds, INVALID_GATEWAY_ERROR_BODY_KINDS, "invalid_gateway_error_bodies")
    valid = gateway_error_bodies()
    builders: dict[str, st.SearchStrategy[dict[str, Any]]] = {
        "missing_status_code": valid.map(lambda body: {"error": {"message": body["error"]["message"]}}),
        "missing_message": valid.map(lambda body: {"error": {"statusCode": body["error"]["statusCode"]}}),
        "status_code_not_int": valid.map(
            lambda body: {"error": {"statusCode": str(body["error"]["statusCode"]), "message": body["error"]["message"]}}
        ),
    }
    return st.one_of([builders[kind] for kind in chosen])
