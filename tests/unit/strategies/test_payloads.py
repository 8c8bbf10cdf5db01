"""Unit tests for strategies.payloads: each valid value keeps its documented rule, each invalid kind breaks one."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from cognitive_conformance.strategies.payloads import (
    FACE_ERROR_MESSAGES,
    INVALID_OPERATION_RESULT_KINDS,
    INVALID_TRAINING_STATUS_KINDS,
    create_person_bodies,
    create_person_group_bodies,
    face_error_bodies,
    face_user_data,
    gateway_error_bodies,
    invalid_create_person_bodies,
    invalid_create_person_group_bodies,
    invalid_face_error_bodies,
    invalid_gateway_error_bodies,
    invalid_names,
    invalid_operation_result_bodies,
    invalid_recognition_models,
    invalid_training_status_bodies,
    invalid_update_person_group_bodies,
    invalid_user_data,
    operation_result_bodies,
    person_group_names,
    recognition_models,
    training_status_bodies,
    update_person_group_bodies,
    user_data,
)

# The documented facts, written out again here (API-DIGEST §1.4, §1.5, §1.7).
V10_STATUSES = {"nonstarted", "running", "succeeded", "failed"}
V11_STATUSES = {"notStarted", "running", "succeeded", "failed"}
MODELS = {"recognition_01", "recognition_02", "recognition_03", "recognition_04"}
VERSIONS = ["v1.0", "v1.1-preview.1", "v1.2-preview.1", "v1.2"]
RFC3339 = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z")


def parse_timestamp(text: str) -> datetime:
    """Parse our RFC 3339 UTC form; raises ValueError for anything else."""
    match = RFC3339.fullmatch(text)
    if match is None:
        raise ValueError(text)
    fraction = (match.group(3) or ".0")[1:7].ljust(6, "0")
    return datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}.{fraction}")


def is_timestamp(value: object) -> bool:
    try:
        parse_timestamp(value)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return False
    return True


# ---------------------------------------------------------------------------------------------
# names, userData, recognition models
# ---------------------------------------------------------------------------------------------


@given(person_group_names())
def test_names_are_1_to_128_code_points(name: str) -> None:
    assert 1 <= len(name) <= 128


@given(user_data())
def test_user_data_is_at_most_16384(value: str) -> None:
    assert len(value) <= 16384


@given(face_user_data())
def test_face_user_data_is_at_most_1024(value: str) -> None:
    assert len(value) <= 1024


def test_user_data_reaches_its_upper_bound() -> None:
    longest = find(user_data(), lambda value: len(value) == 16384, settings=settings(max_examples=5000))
    assert len(longest) == 16384


def test_names_reach_their_upper_bound() -> None:
    assert len(find(person_group_names(), lambda name: len(name) == 128, settings=settings(max_examples=5000))) == 128


@given(invalid_names())
def test_invalid_names_are_empty_or_too_long(name: str) -> None:
    assert len(name) == 0 or len(name) > 128


@given(invalid_user_data())
def test_invalid_user_data_is_just_over_16384(value: str) -> None:
    assert 16384 < len(value) <= 16384 + 256


@given(invalid_user_data(max_size=1024))
def test_invalid_face_user_data_is_just_over_1024(value: str) -> None:
    assert 1024 < len(value) <= 1024 + 256


@pytest.mark.parametrize(
    "call",
    [
        lambda: person_group_names(min_size=0),
        lambda: person_group_names(max_size=129),
        lambda: person_group_names(min_size=5, max_size=4),
        lambda: user_data(max_size=16385),
        lambda: user_data(max_size=-1),
        lambda: face_user_data(max_size=1025),
        lambda: invalid_user_data(max_size=16385),
        lambda: invalid_user_data(max_size=10),
    ],
)
def test_text_strategies_reject_bad_options(call: Any) -> None:
    with pytest.raises(ValueError):
        call()


@given(recognition_models())
def test_recognition_models_are_in_the_enum(model: str) -> None:
    assert model in MODELS


@given(invalid_recognition_models())
def test_invalid_recognition_models_are_outside_the_enum(model: str) -> None:
    assert model not in MODELS


# ---------------------------------------------------------------------------------------------
# request bodies
# ---------------------------------------------------------------------------------------------


@given(create_person_group_bodies())
def test_create_person_group_bodies_have_the_documented_shape(body: dict[str, Any]) -> None:
    assert set(body) <= {"name", "userData", "recognitionModel"}
    assert 1 <= len(body["name"]) <= 128
    assert len(body.get("userData", "")) <= 16384
    assert body.get("recognitionModel", "recognition_01") in MODELS


@given(update_person_group_bodies())
def test_update_bodies_always_update_something(body: dict[str, Any]) -> None:
    assert set(body) <= {"name", "userData"}
    assert "name" in body or body.get("userData")
    assert 1 <= len(body.get("name", "x")) <= 128
    assert len(body.get("userData", "")) <= 16384


@given(create_person_bodies())
def test_create_person_bodies_have_the_documented_shape(body: dict[str, Any]) -> None:
    assert set(body) <= {"name", "userData"}
    assert 1 <= len(body["name"]) <= 128
    assert len(body.get("userData", "")) <= 16384


def _broken_rules(body: dict[str, Any]) -> list[str]:
    broken = []
    if "name" in body and not 1 <= len(body["name"]) <= 128:
        broken.append("bad_name")
    if len(body.get("userData", "")) > 16384:
        broken.append("user_data_too_long")
    if "recognitionModel" in body and body["recognitionModel"] not in MODELS:
        broken.append("bad_recognition_model")
    return broken


@pytest.mark.parametrize("kind", ["missing_name", "bad_name", "user_data_too_long", "bad_recognition_model"])
@settings(max_examples=50)
@given(data=st.data())
def test_invalid_create_person_group_bodies_break_exactly_their_rule(kind: str, data: st.DataObject) -> None:
    body = data.draw(invalid_create_person_group_bodies(kinds=[kind]))
    broken = _broken_rules(body) + ([] if "name" in body else ["missing_name"])
    assert broken == [kind]


@pytest.mark.parametrize("kind", ["bad_name", "user_data_too_long"])
@settings(max_examples=50)
@given(data=st.data())
def test_invalid_update_bodies_break_exactly_their_rule(kind: str, data: st.DataObject) -> None:
    assert _broken_rules(data.draw(invalid_update_person_group_bodies(kinds=[kind]))) == [kind]


@pytest.mark.parametrize("kind", ["missing_name", "bad_name", "user_data_too_long"])
@settings(max_examples=50)
@given(data=st.data())
def test_invalid_create_person_bodies_break_exactly_their_rule(kind: str, data: st.DataObject) -> None:
    body = data.draw(invalid_create_person_bodies(kinds=[kind]))
    assert _broken_rules(body) + ([] if "name" in body else ["missing_name"]) == [kind]


def test_invalid_body_strategies_reject_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="kinds"):
        invalid_create_person_group_bodies(kinds=["bad_name", "typo"])
    with pytest.raises(ValueError, match="kinds"):
        invalid_update_person_group_bodies(kinds=["missing_name"])
    with pytest.raises(ValueError, match="kinds"):
        invalid_create_person_bodies(kinds=[])


# ---------------------------------------------------------------------------------------------
# training status and operation results
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@settings(max_examples=60)
@given(data=st.data())
def test_training_status_bodies_follow_the_version(version: str, data: st.DataObject) -> None:
    body = data.draw(training_status_bodies(version=version))
    assert body["status"] in (V10_STATUSES if version == "v1.0" else V11_STATUSES)
    if version != "v1.0":
        assert {"lastActionDateTime", "lastSuccessfulTrainingDateTime"} <= set(body)
    created = parse_timestamp(body["createdDateTime"])
    if "lastActionDateTime" in body:
        assert created <= parse_timestamp(body["lastActionDateTime"])
    if "lastSuccessfulTrainingDateTime" in body:
        success = parse_timestamp(body["lastSuccessfulTrainingDateTime"])
        assert created <= success
        if "lastActionDateTime" in body:
            assert success <= parse_timestamp(body["lastActionDateTime"])
    assert ("message" in body) == (body["status"] == "failed")
    assert set(body) <= {"status", "createdDateTime", "lastActionDateTime", "lastSuccessfulTrainingDateTime", "message"}


def test_training_status_bodies_cover_every_status_of_the_version() -> None:
    for version, statuses in (("v1.0", V10_STATUSES), ("v1.2", V11_STATUSES)):
        for status in statuses:
            find(training_status_bodies(version=version), lambda body, s=status: body["status"] == s)


@pytest.mark.parametrize("version", ["v2.0", "1.0", "v1.0-preview.1", "", "v1.2 "])
def test_training_status_bodies_reject_unknown_versions(version: str) -> None:
    with pytest.raises(ValueError, match="version"):
        training_status_bodies(version=version)
    with pytest.raises(ValueError, match="version"):
        invalid_training_status_bodies(version=version)


def _training_rule_breaks(body: dict[str, Any], version: str) -> set[str]:
    breaks = set()
    if body.get("status") not in (V10_STATUSES if version == "v1.0" else V11_STATUSES) and "status" in body:
        breaks.add("wrong_enum_spelling")
    required = {"status", "createdDateTime"} | (set() if version == "v1.0" else {"lastActionDateTime", "lastSuccessfulTrainingDateTime"})
    if not required <= set(body):
        breaks.add("missing_required")
    stamps = [key for key in ("createdDateTime", "lastActionDateTime", "lastSuccessfulTrainingDateTime") if key in body]
    if not all(is_timestamp(body[key]) for key in stamps):
        breaks.add("unparsable_timestamp")
    elif "createdDateTime" in body and "lastActionDateTime" in body:
        if parse_timestamp(body["lastActionDateTime"]) < parse_timestamp(body["createdDateTime"]):
            breaks.add("timestamps_out_of_order")
    return breaks


@pytest.mark.parametrize("version", ["v1.0", "v1.2"])
@pytest.mark.parametrize("kind", INVALID_TRAINING_STATUS_KINDS)
@settings(max_examples=40)
@given(data=st.data())
def test_invalid_training_status_bodies_break_exactly_their_rule(version: str, kind: str, data: st.DataObject) -> None:
    body = data.draw(invalid_training_status_bodies(version=version, kinds=[kind]))
    assert _training_rule_breaks(body, version) == {kind}


@given(invalid_training_status_bodies(version="v1.0", kinds=["wrong_enum_spelling"]))
def test_v10_wrong_spelling_includes_other_versions_spellings(body: dict[str, Any]) -> None:
    assert body["status"] not in V10_STATUSES


def test_v10_wrong_spelling_can_be_the_v11_spelling() -> None:
    find(invalid_training_status_bodies(version="v1.0", kinds=["wrong_enum_spelling"]), lambda b: b["status"] == "notStarted")
    find(invalid_training_status_bodies(version="v1.2", kinds=["wrong_enum_spelling"]), lambda b: b["status"] == "nonstarted")


@given(operation_result_bodies())
def test_operation_result_bodies_are_coherent(body: dict[str, Any]) -> None:
    assert str(uuid.UUID(body["operationId"])) == body["operationId"]
    assert body["status"] in V11_STATUSES
    created = parse_timestamp(body["createdTime"])
    if "lastActionTime" in body:
        assert created <= parse_timestamp(body["lastActionTime"])
    assert ("finishedTime" in body) == (body["status"] in {"succeeded", "failed"})
    if "finishedTime" in body:
        assert parse_timestamp(body["lastActionTime"]) <= parse_timestamp(body["finishedTime"])
    assert ("message" in body) == (body["status"] == "failed")


def _operation_rule_breaks(body: dict[str, Any]) -> set[str]:
    breaks = set()
    if "status" in body and body["status"] not in V11_STATUSES:
        breaks.add("wrong_enum_spelling")
    if not {"operationId", "status", "createdTime"} <= set(body):
        breaks.add("missing_required")
    if "operationId" in body:
        try:
            uuid.UUID(body["operationId"])
        except ValueError:
            breaks.add("bad_operation_id")
    stamps = [key for key in ("createdTime", "lastActionTime", "finishedTime") if key in body]
    if not all(is_timestamp(body[key]) for key in stamps):
        breaks.add("unparsable_timestamp")
    elif "createdTime" in body and "lastActionTime" in body:
        if parse_timestamp(body["lastActionTime"]) < parse_timestamp(body["createdTime"]):
            breaks.add("timestamps_out_of_order")
    return breaks


@pytest.mark.parametrize("kind", INVALID_OPERATION_RESULT_KINDS)
@settings(max_examples=40)
@given(data=st.data())
def test_invalid_operation_result_bodies_break_exactly_their_rule(kind: str, data: st.DataObject) -> None:
    assert _operation_rule_breaks(data.draw(invalid_operation_result_bodies(kinds=[kind]))) == {kind}


# ---------------------------------------------------------------------------------------------
# error bodies
# ---------------------------------------------------------------------------------------------


@given(face_error_bodies())
def test_face_error_bodies_carry_a_documented_code_and_message(body: dict[str, Any]) -> None:
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    code, message = body["error"]["code"], body["error"]["message"]
    assert code in FACE_ERROR_MESSAGES
    assert "{" not in message and message  # placeholders are filled in
    templates = FACE_ERROR_MESSAGES[code]
    assert any(re.fullmatch(re.escape(t).replace(r"\{uuid\}", ".+").replace(r"\{resource\}", ".+"), message) for t in templates)


@given(face_error_bodies(codes=["PersonGroupNotFound", "MyOwnCode"]))
def test_face_error_bodies_respect_the_codes_option(body: dict[str, Any]) -> None:
    assert body["error"]["code"] in {"PersonGroupNotFound", "MyOwnCode"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def test_face_error_bodies_document_the_seed_001_codes() -> None:
    for code in ("PersonGroupNotFound", "PersonGroupNotTrained", "ConcurrentOperationConflict", "Unspecified"):
        assert code in FACE_ERROR_MESSAGES
    assert "Person group not trained." in FACE_ERROR_MESSAGES["PersonGroupNotTrained"]


@pytest.mark.parametrize("codes", [[], [""], [404]])
def test_face_error_bodies_reject_bad_codes(codes: list[Any]) -> None:
    with pytest.raises(ValueError):
        face_error_bodies(codes=codes)


@given(gateway_error_bodies())
def test_gateway_error_bodies_use_a_numeric_status_code(body: dict[str, Any]) -> None:
    error = body["error"]
    assert set(error) == {"statusCode", "message"}
    assert error["statusCode"] in (403, 429) and type(error["statusCode"]) is int
    if error["statusCode"] == 429:
        assert re.fullmatch(r"Rate limit is exceeded\. Try again in \d+ seconds\.", error["message"])
    else:
        assert re.fullmatch(r"Out of call volume quota\. Quota will be replenished in \d+\.\d\d days\.", error["message"])


@given(gateway_error_bodies(status_codes=[401, 503]))
def test_gateway_error_bodies_respect_the_status_codes_option(body: dict[str, Any]) -> None:
    assert body["error"]["statusCode"] in (401, 503) and body["error"]["message"]


@pytest.mark.parametrize("status_codes", [[], [True], [399], [600], ["429"]])
def test_gateway_error_bodies_reject_bad_status_codes(status_codes: list[Any]) -> None:
    with pytest.raises(ValueError):
        gateway_error_bodies(status_codes=status_codes)


def _envelope_breaks(body: Any) -> set[str]:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return {"error_not_object"}
    breaks = set()
    if "code" not in error:
        breaks.add("missing_code")
    elif not isinstance(error["code"], str):
        breaks.add("code_not_string")
    if "message" not in error:
        breaks.add("missing_message")
    return breaks


@pytest.mark.parametrize("kind", ["missing_code", "missing_message", "code_not_string", "error_not_object"])
@given(data=st.data())
def test_invalid_face_error_bodies_break_exactly_their_rule(kind: str, data: st.DataObject) -> None:
    assert _envelope_breaks(data.draw(invalid_face_error_bodies(kinds=[kind]))) == {kind}


@pytest.mark.parametrize("kind", ["missing_status_code", "missing_message", "status_code_not_int"])
@given(data=st.data())
def test_invalid_gateway_error_bodies_break_exactly_their_rule(kind: str, data: st.DataObject) -> None:
    error = data.draw(invalid_gateway_error_bodies(kinds=[kind]))["error"]
    breaks = set()
    if "statusCode" not in error:
        breaks.add("missing_status_code")
    elif type(error["statusCode"]) is not int:
        breaks.add("status_code_not_int")
    if "message" not in error:
        breaks.add("missing_message")
    assert breaks == {kind}
