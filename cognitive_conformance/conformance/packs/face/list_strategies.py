"""Hypothesis strategies for FaceList / LargeFaceList identifiers, valid and invalid.

``faceListId`` and ``largeFaceListId`` share the Face collection-id rule of person groups:
``^[a-z0-9-_]+$``, 1..64 characters ("Valid character is letter in lower case or digit or '-'
or '_', maximum length is 64."). An id that breaks it is answered like a missing list, 404
``FaceListNotFound`` / ``LargeFaceListNotFound`` (400 ``BadArgument`` on create), as
specs/face.yaml records.

Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json
(faceListId / largeFaceListId path parameters: minLength 1, maxLength 64, pattern ``^[a-z0-9-_]+$``).
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

from cognitive_conformance.strategies.ids import GROUP_ID_MAX_LENGTH, INVALID_GROUP_ID_KINDS, invalid_person_group_ids, person_group_ids

__all__ = ["face_list_ids", "large_face_list_ids", "invalid_face_list_ids", "invalid_large_face_list_ids"]


def face_list_ids(*, prefix: str = "", min_size: int = 1, max_size: int = GROUP_ID_MAX_LENGTH) -> st.SearchStrategy[str]:
    """Generate valid ``faceListId`` values: ``prefix`` plus characters of ``[a-z0-9-_]``, 1..64 in all.

    Options and shrinking as :func:`strategies.ids.person_group_ids` (the same collection-id rule).
    """
    return person_group_ids(prefix=prefix, min_size=min_size, max_size=max_size)


def large_face_list_ids(
    *, prefix: str = "", min_size: int = 1, max_size: int = GROUP_ID_MAX_LENGTH
) -> st.SearchStrategy[str]:
    """Generate valid ``largeFaceListId`` values; the rule and options of :func:`face_list_ids`."""
    return person_group_ids(prefix=prefix, min_size=min_size, max_size=max_size)


def invalid_face_list_ids(*, kinds: Sequence[str] = INVALID_GROUP_ID_KINDS) -> st.SearchStrategy[str]:
    """Generate ``faceListId`` values that break the collection-id rule, one way each.

    ``kinds`` as :func:`strategies.ids.invalid_person_group_ids` (``upper_case``, ``bad_character``,
    ``too_long``). Documented answer: 404 ``FaceListNotFound`` "Face list ID is invalid."
    (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes).
    """
    return invalid_person_group_ids(kinds=kinds)


def invalid_large_face_list_ids(*, kinds: Sequence[str] = INVALID_GROUP_ID_KINDS) -> st.SearchStrategy[str]:
    """Generate invalid ``largeFaceListId`` values; answered 404 ``LargeFaceListNotFound``. Kinds as above."""
    return invalid_person_group_ids(kinds=kinds)
