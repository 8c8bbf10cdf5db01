"""Unit tests for conformance.checks._util: status normalisation, error bodies and timestamp parsing.

Source: API-DIGEST §1.5 (three spellings of "not started": nonstarted, notstarted, notStarted); seed 001
(createdDateTime "1/3/2017 4:11:35 AM" although described as a UTC date-time joined by T); API-DIGEST §3.4
(Custom Voice "2023-04-01T05:30:00.000Z").
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from cognitive_conformance.conformance.checks._util import error_body, is_error, norm_status, parse_timestamp, truncate

from ._helpers import response

UTC = timezone.utc


@pytest.mark.parametrize(("raw", "norm"), [("nonstarted", "notstarted"), ("notStarted", "notstarted"),
                                           ("NotStarted", "notstarted"), ("NONSTARTED", "notstarted"),
                                           ("Succeeded", "succeeded"), ("Enrolling", "enrolling")])
def test_norm_status_folds_case_and_nonstarted(raw: str, norm: str) -> None:
    assert norm_status(raw) == norm


def test_error_body_returns_only_an_error_object() -> None:
    assert error_body(response(404, {"error": {"code": "X"}})) == {"code": "X"}
    assert error_body(response(404, {"error": "X"})) is None
    assert error_body(response(404, ["error"])) is None
    assert error_body(response(404, "text", content_type="text/plain")) is None


def test_is_error_from_400() -> None:
    assert not is_error(response(399)) and is_error(response(400)) and is_error(response(599))


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ("2024-01-02t03:04:05z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ("2023-04-01T05:30:00.000Z", datetime(2023, 4, 1, 5, 30, tzinfo=UTC)),
    ("2024-01-02T03:04:05.1234567Z", datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)),  # .NET's 7 digits
    ("2024-01-02T04:04:05+01:00", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
])
def test_parse_timestamp_rfc3339(text: str, expected: datetime) -> None:
    assert parse_timestamp(text, lenient=False) == expected
    assert parse_timestamp(text, lenient=True) == expected


@pytest.mark.parametrize("text", ["2024-01-02T03:04:05", "2024-01-02 03:04:05Z", "2024-02-30T00:00:00Z",
                                  "2024-01-02T03:04:05+25:00", "", "now"])
def test_parse_timestamp_rejects_non_rfc3339(text: str) -> None:
    assert parse_timestamp(text, lenient=False) is None
    assert parse_timestamp(text, lenient=True) is None


def test_parse_timestamp_seed_001_shape_only_when_lenient() -> None:
    assert parse_timestamp("1/3/2017 4:11:35 AM", lenient=False) is None
    assert parse_timestamp("1/3/2017 4:11:35 AM", lenient=True) == datetime(2017, 1, 3, 4, 11, 35, tzinfo=UTC)
    assert parse_timestamp("1/3/2017 4:11:35 PM", lenient=True) == datetime(2017, 1, 3, 16, 11, 35, tzinfo=UTC)
    assert parse_timestamp("13/3/2017 4:11:35 AM", lenient=True) is None  # no 13th month


@pytest.mark.parametrize("value", [None, 1704164645, 1.5, ["2024-01-02T03:04:05Z"], {"t": 1}])
def test_parse_timestamp_non_strings_are_unparsable(value: object) -> None:
    assert parse_timestamp(value, lenient=True) is None


def test_truncate_keeps_short_values_and_marks_cuts() -> None:
    assert truncate("abc") == "abc"
    assert truncate({"a": 1}) == "{'a': 1}"
    cut = truncate("x" * 500, 10)
    assert len(cut) == 10 and cut.endswith("…")
