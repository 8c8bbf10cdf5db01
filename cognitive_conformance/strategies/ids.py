"""Hypothesis strategies for Face identifiers: person group ids and UUIDs, valid and invalid.

Rules encoded (Source: https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1, https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247, https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json, https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes "Person Group error codes"):

* ``personGroupId`` / ``largePersonGroupId`` match ``^[a-z0-9-_]+$`` and are 1..64 characters
  ("Valid character is English letter in lower case, digit, '-' or '_'. Maximum length is 64.").
  An id that breaks the rule is answered like a missing group: ``404 PersonGroupNotFound``
  ("Person group ID is invalid.") (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247, Get Training Status).
* ``personId``, ``persistedFaceId`` and the v1.1+ ``operationId`` are ``format: uuid``; an
  invalid one is ``404 PersonNotFound`` "Person ID is invalid." (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes) for persons.

Invalid ids here are built to be usable as a single URL path segment (no ``/``, ``?``, ``#``,
``%``, never ``.`` or ``..`` on their own), so a request built from them reaches the operation
and tests the id rule, not the router.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from typing import Final

from hypothesis import strategies as st

__all__ = [
    "GROUP_ID_ALPHABET",
    "GROUP_ID_MAX_LENGTH",
    "GROUP_ID_PATTERN",
    "INVALID_GROUP_ID_KINDS",
    "INVALID_UUID_KINDS",
    "invalid_large_person_group_ids",
    "invalid_person_group_ids",
    "invalid_uuids",
    "is_valid_group_id",
    "large_person_group_ids",
    "person_group_ids",
    "uuids",
]

GROUP_ID_PATTERN: Final[str] = r"^[a-z0-9-_]+$"
"""The documented ``personGroupId`` pattern (Source: https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 "Regex pattern: ^[a-z0-9-_]+$")."""

GROUP_ID_MAX_LENGTH: Final[int] = 64
"""Longest valid person group id (Source: https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json)."""

GROUP_ID_ALPHABET: Final[str] = string.digits + string.ascii_lowercase + "-_"
"""Every character ``GROUP_ID_PATTERN`` allows, in shrink order (digits first)."""

INVALID_GROUP_ID_KINDS: Final[tuple[str, ...]] = ("upper_case", "bad_character", "too_long")
"""Every ``kinds`` value accepted by :func:`invalid_person_group_ids`."""

INVALID_UUID_KINDS: Final[tuple[str, ...]] = ("wrong_length", "non_hex", "not_a_uuid")
"""Every ``kinds`` value accepted by :func:`invalid_uuids`."""

# Characters outside the id rule that are still safe inside one URL path segment.
_BAD_CHARACTERS: Final[str] = "!$&'()*+,.:;=@~ é"
_HEX: Final[str] = "0123456789abcdef"
_UUID_GROUPS: Final[tuple[int, ...]] = (8, 4, 4, 4, 12)
_GROUP_ID_RE: Final = re.compile(GROUP_ID_PATTERN)


def _check_kinds(kinds: Sequence[str], allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    chosen = tuple(kinds)
    if not chosen:
        raise ValueError(f"{what}: kinds must not be empty; choose from {allowed!r}")
    unknown = [kind for kind in chosen if kind not in allowed]
    if unknown:
        raise ValueError(f"{what}: unknown kinds {unknown!r}; choose from {allowed!r}")
    return chosen


# --------------------------------------------------------------------------------------------
# Person group ids
# --------------------------------------------------------------------------------------------


def person_group_ids(
    *, prefix: str = "", min_size: int = 1, max_size: int = GROUP_ID_MAX_LENGTH
) -> st.SearchStrategy[str]:
    """Generate valid ``personGroupId`` values: ``prefix`` plus characters from ``[a-z0-9-_]``.

    The whole id, prefix included, is ``min_size..max_size`` characters and matches
    ``^[a-z0-9-_]+$``. Use ``prefix`` to namespace ids per test run (e.g. ``"cc-"``).

    Rule encoded: CreatePersonGroup / TrainPersonGroup / GetPersonGroupTrainingStatus path
    parameter ``personGroupId``, pattern ``^[a-z0-9-_]+$``, 1..64 chars (Source: https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1,
    https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247, https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json).

    Options: ``prefix`` must itself use only the allowed characters;
    ``1 <= min_size <= max_size <= 64`` and ``len(prefix) <= max_size``.
    Shrinks towards ``prefix`` followed by the fewest characters, digits before letters.
    """
    if not set(prefix) <= set(GROUP_ID_ALPHABET):
        raise ValueError(f"prefix {prefix!r} must match {GROUP_ID_PATTERN} (lower-case letters, digits, '-', '_')")
    if not (1 <= min_size <= max_size <= GROUP_ID_MAX_LENGTH):
        raise ValueError(f"need 1 <= min_size <= max_size <= {GROUP_ID_MAX_LENGTH}, got {min_size=} {max_size=}")
    if len(prefix) > max_size:
        raise ValueError(f"prefix {prefix!r} is longer than max_size={max_size}")
    tail = st.text(
        alphabet=GROUP_ID_ALPHABET,
        min_size=max(0, min_size - len(prefix)),
        max_size=max_size - len(prefix),
    )
    return tail.map(lambda rest: prefix + rest)


def large_person_group_ids(
    *, prefix: str = "", min_size: int = 1, max_size: int = GROUP_ID_MAX_LENGTH
) -> st.SearchStrategy[str]:
    """Generate valid ``largePersonGroupId`` values; the same rule and options as :func:`person_group_ids`.

    Rule encoded: ``largePersonGroupId`` shares the Face v1.2 swagger's ``collectionId`` definition, pattern
    ``^[a-z0-9-_]+$``, 1..64 chars (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes "Large Person Group error
    codes"). Shrinks like :func:`person_group_ids`.
    """
    return person_group_ids(prefix=prefix, min_size=min_size, max_size=max_size)


@st.composite
def _upper_case_ids(draw: st.DrawFn) -> str:
    head = draw(st.text(alphabet=GROUP_ID_ALPHABET, max_size=20))
    upper = draw(st.sampled_from(string.ascii_uppercase))
    tail = draw(st.text(alphabet=GROUP_ID_ALPHABET + string.ascii_uppercase, max_size=20))
    return head + upper + tail


@st.composite
def _bad_character_ids(draw: st.DrawFn) -> str:
    # A valid character first keeps "." and ".." (path dot-segments) out of the results.
    head = draw(st.text(alphabet=GROUP_ID_ALPHABET, min_size=1, max_size=20))
    bad = draw(st.sampled_from(_BAD_CHARACTERS))
    tail = draw(st.text(alphabet=GROUP_ID_ALPHABET, max_size=20))
    return head + bad + tail


@st.composite
def _too_long_ids(draw: st.DrawFn) -> str:
    # A short valid fragment repeated past 64 characters: cheap to draw and to shrink.
    length = draw(st.integers(GROUP_ID_MAX_LENGTH + 1, 4 * GROUP_ID_MAX_LENGTH))
    fragment = draw(st.text(alphabet=GROUP_ID_ALPHABET, min_size=1, max_size=16))
    return (fragment * (length // len(fragment) + 1))[:length]


_INVALID_GROUP_ID_BUILDERS: Final = {
    "upper_case": _upper_case_ids,
    "bad_character": _bad_character_ids,
    "too_long": _too_long_ids,
}


def invalid_person_group_ids(*, kinds: Sequence[str] = INVALID_GROUP_ID_KINDS) -> st.SearchStrategy[str]:
    """Generate ``personGroupId`` values that break the id rule in one way each.

    ``kinds`` (any non-empty subset of :data:`INVALID_GROUP_ID_KINDS`):

    * ``upper_case``: valid characters plus at least one upper-case letter, at most 41 chars
      (breaks "lower case").
    * ``bad_character``: at least one valid character, then exactly one of
      ``! $ & ' ( ) * + , . : ; = @ ~``, a space or ``é``, at most 41 chars (breaks the
      character class; every one is safe inside a URL path segment once percent-encoded).
    * ``too_long``: only valid characters, 65..256 of them (breaks "at most 64").

    Rule broken: ``^[a-z0-9-_]+$``, 1..64 (Source: https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1, https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247). Documented answer:
    ``404 PersonGroupNotFound`` "Person group ID is invalid." (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247, Get Training Status;
    https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes "Person Group error codes", which also lists ``400 BadArgument`` with the same message;
    ``specs/face.yaml`` records the choice per operation). The empty id is excluded: it changes the
    route (``/persongroups/``), not the id. Shrinks towards the simplest kind and the shortest id
    (in practice 65 zeros).
    """
    chosen = _check_kinds(kinds, INVALID_GROUP_ID_KINDS, "invalid_person_group_ids")
    return st.one_of([_INVALID_GROUP_ID_BUILDERS[kind]() for kind in chosen])


def invalid_large_person_group_ids(*, kinds: Sequence[str] = INVALID_GROUP_ID_KINDS) -> st.SearchStrategy[str]:
    """Generate invalid ``largePersonGroupId`` values; same kinds as :func:`invalid_person_group_ids`.

    Documented answer: ``404 LargePersonGroupNotFound`` "Large person group ID is invalid."
    (Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes "Large Person Group error codes"; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json).
    """
    return invalid_person_group_ids(kinds=kinds)


# --------------------------------------------------------------------------------------------
# UUIDs
# --------------------------------------------------------------------------------------------


def uuids(*, version: int | None = None) -> st.SearchStrategy[str]:
    """Generate UUIDs in canonical lower-case string form, ``8-4-4-4-12`` hex digits.

    Rule encoded: ``personId``, ``persistedFaceId``, ``operationId``: ``format: uuid``
    (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json). ``version`` (1..5 or ``None`` for any) is passed to
    :func:`hypothesis.strategies.uuids`. Shrinks towards one fixed UUID
    (Hypothesis maps its simplest draw to a constant).
    """
    if version is not None and version not in (1, 2, 3, 4, 5):
        raise ValueError(f"version must be 1..5 or None, got {version!r}")
    return st.uuids(version=version).map(str)


@st.composite
def _wrong_length_uuids(draw: st.DrawFn) -> str:
    # One hyphen-separated group one digit short or long: 31 or 33 hex digits in all.
    groups = list(_UUID_GROUPS)
    index = draw(st.integers(0, len(groups) - 1))
    groups[index] += draw(st.sampled_from((-1, 1)))
    return "-".join(draw(st.text(alphabet=_HEX, min_size=size, max_size=size)) for size in groups)


@st.composite
def _non_hex_uuids(draw: st.DrawFn) -> str:
    # The right 8-4-4-4-12 shape with one digit replaced by a letter g..z.
    text = str(draw(st.uuids()))
    positions = [i for i, char in enumerate(text) if char != "-"]
    position = draw(st.sampled_from(positions))
    letter = draw(st.sampled_from("ghijklmnopqrstuvwxyz"))
    return text[:position] + letter + text[position + 1 :]


@st.composite
def _not_a_uuid(draw: st.DrawFn) -> str:
    # A short word: never 32 hex digits, never a dot-segment.
    return draw(st.text(alphabet=string.ascii_lowercase + string.digits + "_", min_size=1, max_size=30))


_INVALID_UUID_BUILDERS: Final = {
    "wrong_length": _wrong_length_uuids,
    "non_hex": _non_hex_uuids,
    "not_a_uuid": _not_a_uuid,
}


def invalid_uuids(*, kinds: Sequence[str] = INVALID_UUID_KINDS) -> st.SearchStrategy[str]:
    """Generate strings that are not UUIDs under any reading (``uuid.UUID`` and JSON Schema alike).

    ``kinds`` (any non-empty subset of :data:`INVALID_UUID_KINDS`):

    * ``wrong_length``: ``8-4-4-4-12`` with one group one hex digit short or long.
    * ``non_hex``: a canonical UUID with one digit replaced by a letter ``g..z``.
    * ``not_a_uuid``: 1..30 characters from ``[a-z0-9_]``.

    Rule broken: ``format: uuid`` on ``personId`` / ``persistedFaceId`` / ``operationId``
    (Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json). Documented answer for persons: ``404 PersonNotFound``
    "Person ID is invalid." (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes). Only ``[0-9a-z_-]`` is used, so every value is a plain
    URL path segment. Shrinks towards the simplest kind and the
    shortest value (in practice ``"0"``).
    """
    chosen = _check_kinds(kinds, INVALID_UUID_KINDS, "invalid_uuids")
    return st.one_of([_INVALID_UUID_BUILDERS[kind]() for kind in chosen])


def is_valid_group_id(value: str) -> bool:
    """Return whether ``value`` satisfies ``^[a-z0-9-_]+$`` and 1..64 chars (https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1, https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247)."""
    return len(value) <= GROUP_ID_MAX_LENGTH and _GROUP_ID_RE.fullmatch(value) is not None
