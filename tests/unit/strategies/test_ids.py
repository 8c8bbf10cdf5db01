"""Unit tests for strategies.ids: valid ids follow seed 000/001's rule, invalid ones break one part of it."""

from __future__ import annotations

import re
import string
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cognitive_conformance.strategies.ids import (
    GROUP_ID_ALPHABET,
    INVALID_UUID_KINDS,
    invalid_large_person_group_ids,
    invalid_person_group_ids,
    invalid_uuids,
    is_valid_group_id,
    large_person_group_ids,
    person_group_ids,
    uuids,
)

# Written out again (not imported) so a wrong constant in the module cannot hide a wrong strategy.
SEED_RULE = re.compile(r"[a-z0-9\-_]{1,64}")
CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PATH_UNSAFE = set("/?#%")


@given(person_group_ids())
def test_person_group_ids_match_the_seed_rule(value: str) -> None:
    assert SEED_RULE.fullmatch(value)


@given(st.data())
def test_person_group_ids_respect_prefix_and_size_options(data: st.DataObject) -> None:
    prefix = data.draw(st.text(alphabet=GROUP_ID_ALPHABET, max_size=10), label="prefix")
    max_size = data.draw(st.integers(max(1, len(prefix)), 64), label="max_size")
    min_size = data.draw(st.integers(1, max_size), label="min_size")
    value = data.draw(person_group_ids(prefix=prefix, min_size=min_size, max_size=max_size))
    assert value.startswith(prefix)
    assert min_size <= len(value) <= max_size
    assert SEED_RULE.fullmatch(value)


@given(large_person_group_ids(prefix="lpg-", max_size=20))
def test_large_person_group_ids_follow_the_same_rule(value: str) -> None:
    assert value.startswith("lpg-") and len(value) <= 20 and SEED_RULE.fullmatch(value)


@pytest.mark.parametrize(
    "options",
    [
        {"prefix": "Upper"},
        {"prefix": "a/b"},
        {"min_size": 0},
        {"max_size": 65},
        {"min_size": 10, "max_size": 5},
        {"prefix": "abcdef", "max_size": 5},
    ],
)
def test_person_group_ids_rejects_bad_options(options: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        person_group_ids(**options)  # type: ignore[arg-type]


@given(invalid_person_group_ids(kinds=["upper_case"]))
def test_invalid_upper_case_ids_break_only_the_case_rule(value: str) -> None:
    assert any(char in string.ascii_uppercase for char in value)
    assert SEED_RULE.fullmatch(value.lower())
    assert not is_valid_group_id(value)


@given(invalid_person_group_ids(kinds=["bad_character"]))
def test_invalid_bad_character_ids_have_exactly_one_foreign_character(value: str) -> None:
    foreign = [char for char in value if char not in GROUP_ID_ALPHABET]
    assert len(foreign) == 1
    assert 1 <= len(value) <= 64
    assert value[0] in GROUP_ID_ALPHABET  # never a "." or ".." dot-segment
    assert not PATH_UNSAFE & set(value)
    assert not SEED_RULE.fullmatch(value)


@given(invalid_person_group_ids(kinds=["too_long"]))
def test_invalid_too_long_ids_break_only_the_length_rule(value: str) -> None:
    assert len(value) > 64
    assert set(value) <= set(GROUP_ID_ALPHABET)


@given(invalid_person_group_ids())
def test_invalid_person_group_ids_never_satisfy_the_rule(value: str) -> None:
    assert not SEED_RULE.fullmatch(value)
    assert not is_valid_group_id(value)
    assert value and not PATH_UNSAFE & set(value)


@given(invalid_large_person_group_ids())
def test_invalid_large_person_group_ids_never_satisfy_the_rule(value: str) -> None:
    assert not SEED_RULE.fullmatch(value)


@pytest.mark.parametrize("kinds", [[], ["nope"], ["upper_case", "lower_case"]])
def test_invalid_person_group_ids_rejects_unknown_kinds(kinds: list[str]) -> None:
    with pytest.raises(ValueError, match="kinds"):
        invalid_person_group_ids(kinds=kinds)


def test_is_valid_group_id_agrees_with_the_seed_rule_on_examples() -> None:
    assert is_valid_group_id("your_person_group_id")
    assert is_valid_group_id("a" * 64)
    assert not is_valid_group_id("a" * 65)
    assert not is_valid_group_id("")
    assert not is_valid_group_id("Sample")
    assert not is_valid_group_id("abc\n")


@given(uuids())
def test_uuids_are_canonical_lower_case_strings(value: str) -> None:
    assert CANONICAL_UUID.fullmatch(value)
    assert str(uuid.UUID(value)) == value


@given(uuids(version=4))
def test_uuids_honour_the_version_option(value: str) -> None:
    assert uuid.UUID(value).version == 4


def test_uuids_rejects_an_unknown_version() -> None:
    with pytest.raises(ValueError):
        uuids(version=7)


@pytest.mark.parametrize("kind", INVALID_UUID_KINDS)
@settings(max_examples=50)
@given(data=st.data())
def test_invalid_uuids_are_rejected_by_uuid_parsing(kind: str, data: st.DataObject) -> None:
    value = data.draw(invalid_uuids(kinds=[kind]))
    with pytest.raises(ValueError):
        uuid.UUID(value)
    assert not CANONICAL_UUID.fullmatch(value)
    assert set(value) <= set(string.ascii_lowercase + string.digits + "-_")


@given(invalid_uuids(kinds=["wrong_length"]))
def test_wrong_length_uuids_keep_the_shape_but_not_the_digit_count(value: str) -> None:
    assert value.count("-") == 4
    assert len(value.replace("-", "")) in (31, 33)


@given(invalid_uuids(kinds=["non_hex"]))
def test_non_hex_uuids_keep_the_length_with_one_foreign_letter(value: str) -> None:
    assert len(value) == 36
    assert sum(char not in "0123456789abcdef-" for char in value) == 1

