"""Unit tests for conformance.checks.errors: the error envelope and documented error codes.

Source: seed 000 (FaceErrorResponse `{"error": {"code", "message"}}`); seed 001 (403/429 gateway bodies
`{"error": {"statusCode": 429, "message": ...}}`, 404 PersonGroupNotFound / PersonGroupNotTrained); seed 004
(Custom Voice ErrorResponse, code + message required); API-DIGEST §1.8 ("The sources disagree"), §1.9, §3.6.
"""

from __future__ import annotations

import pytest

from cognitive_conformance.conformance.checks.errors import error_code_documented, error_envelope_valid
from cognitive_conformance.conformance.failures import InvalidErrorEnvelope, UndocumentedErrorCode

from ._helpers import context, expect_failure, response
from ._outcomes import expect_na

TRAINING = "PersonGroupOperations_GetPersonGroupTrainingStatus"
CV = "2024-02-01-preview"
ENVELOPE = '{"error": {"code": "...", "message": "..."}}'
GATEWAY_429 = {"error": {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 26 seconds."}}
GATEWAY_403 = {"error": {"statusCode": 403, "message": "Out of call volume quota. Quota will be replenished in 2 days."}}


def envelope(code: str, message: str = "msg") -> dict:
    return {"error": {"code": code, "message": message}}


# -- error_envelope_valid --------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["docs", "observed"])
@pytest.mark.parametrize(("status", "code"), [(401, "Unspecified"), (404, "PersonGroupNotFound"),
                                               (409, "ConcurrentOperationConflict"), (429, "429"), (500, "Internal")])
def test_error_envelope_code_and_message_passes(profile: str, status: int, code: str) -> None:
    ctx = context("face", "v1.2", TRAINING, profile=profile)
    assert error_envelope_valid(ctx, response(status, envelope(code))) is None


def test_error_envelope_with_extra_fields_passes() -> None:
    """Custom Voice errors may add target/details/innererror (API-DIGEST §3.6)."""
    body = {"error": {"code": "BadArgument", "message": "m", "target": "audiodata", "details": [],
                      "innererror": {"code": "InvalidAudio"}}}
    assert error_envelope_valid(context("customvoice", CV, "PersonalVoices_Post"), response(400, body)) is None


@pytest.mark.parametrize("body", [GATEWAY_429])
def test_error_envelope_gateway_shape_fails_strict(body: dict) -> None:
    failure = expect_failure(InvalidErrorEnvelope, error_envelope_valid, context("face", "v1.0", TRAINING),
                             response(429, body))
    assert "'code' is missing or not a string" in failure.message
    assert "'message'" not in failure.message
    assert "statusCode" in failure.received and failure.documented == ENVELOPE


@pytest.mark.parametrize(("status", "body"), [(429, GATEWAY_429), (403, GATEWAY_403),
                                              (401, {"error": {"statusCode": 401, "message": "Access denied"}})])
def test_error_envelope_gateway_shape_passes_lenient_for_gateway_statuses(status: int, body: dict) -> None:
    assert error_envelope_valid(context("face", "v1.0", TRAINING, profile="observed"), response(status, body)) is None


@pytest.mark.parametrize("status", [400, 404, 409, 500])
def test_error_envelope_gateway_shape_fails_lenient_for_other_statuses(status: int) -> None:
    body = {"error": {"statusCode": status, "message": "Not found"}}
    failure = expect_failure(InvalidErrorEnvelope, error_envelope_valid,
                             context("face", "v1.0", TRAINING, profile="observed"), response(status, body))
    assert "'code' is missing" in failure.message


@pytest.mark.parametrize("body", [
    {"error": {"statusCode": "429", "message": "Rate limit"}},  # statusCode must be a number
    {"error": {"statusCode": 429}},  # and a message is still required
])
def test_error_envelope_malformed_gateway_shape_fails_lenient(body: dict) -> None:
    expect_failure(InvalidErrorEnvelope, error_envelope_valid, context("face", "v1.2", TRAINING, profile="observed"),
                   response(429, body))


def test_error_envelope_plain_text_fails() -> None:
    record = response(404, "Resource not found", content_type="text/plain")
    failure = expect_failure(InvalidErrorEnvelope, error_envelope_valid, context("face", "v1.2", TRAINING), record)
    assert "not JSON" in failure.message and "404" in failure.message
    assert failure.received == "text/plain: Resource not found"


def test_error_envelope_empty_body_fails() -> None:
    failure = expect_failure(InvalidErrorEnvelope, error_envelope_valid, context("face", "v1.2", TRAINING),
                             response(500))
    assert failure.received.startswith("no Content-Type")


@pytest.mark.parametrize("body", [
    {"code": "PersonGroupNotFound", "message": "m"},  # not wrapped in "error"
    {"error": "PersonGroupNotFound"},
    ["error"],
    None,
])
def test_error_envelope_without_error_object_fails(body: object) -> None:
    raw = b"null" if body is None else body
    failure = expect_failure(InvalidErrorEnvelope, error_envelope_valid, context("face", "v1.2", TRAINING),
                             response(404, raw, content_type="application/json"))
    assert "no 'error' object" in failure.message


@pytest.mark.parametrize(("inner", "problem"), [
    ({"code": "X"}, "'message' is missing or not a string"),
    ({"message": "m"}, "'code' is missing or not a string"),
    ({"code": 409, "message": "m"}, "'code' is missing or not a string"),  # seed 001 leaves 409's code unquoted
    ({"code": None, "message": None}, "'code' is missing or not a string; 'message' is missing or not a string"),
])
def test_error_envelope_missing_or_non_string_fields_fail(inner: dict, problem: str) -> None:
    failure = expect_failure(InvalidErrorEnvelope, error_envelope_valid, context("face", "v1.2", TRAINING),
                             response(409, {"error": inner}))
    assert failure.message == f"409 error envelope: {problem}"


def test_error_envelope_does_not_apply_to_success() -> None:
    ctx = context("face", "v1.2", TRAINING)
    expect_na(error_envelope_valid, ctx, response(200, "not json at all", content_type="text/plain"),
              "not an error response")
    expect_na(error_envelope_valid, ctx, response(302, b""), "not an error response")


# -- error_code_documented -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["PersonGroupNotFound", "PersonGroupNotTrained"])
def test_error_code_documented_passes(code: str) -> None:
    assert error_code_documented(context("face", "v1.2", TRAINING), response(404, envelope(code))) is None


def test_error_code_generic_not_found_fails() -> None:
    failure = expect_failure(UndocumentedErrorCode, error_code_documented, context("face", "v1.2", TRAINING),
                             response(404, envelope("NotFound")))
    assert failure.received == "NotFound"
    assert failure.documented == "PersonGroupNotFound, PersonGroupNotTrained"
    assert TRAINING in failure.message and "'NotFound'" in failure.message


def test_error_code_401_differs_by_version() -> None:
    """v1.0 documents 401 Unspecified (seed 001); v1.2 documents 401 "401" (FERR, API-DIGEST §1.9)."""
    assert error_code_documented(context("face", "v1.0", TRAINING), response(401, envelope("Unspecified"))) is None
    failure = expect_failure(UndocumentedErrorCode, error_code_documented, context("face", "v1.2", TRAINING),
                             response(401, envelope("Unspecified")))
    assert failure.documented == "401"


def test_error_code_custom_voice_uses_its_error_code_enum() -> None:
    ctx = context("customvoice", CV, "PersonalVoices_Post")
    assert error_code_documented(ctx, response(400, envelope("BadArgument"))) is None
    failure = expect_failure(UndocumentedErrorCode, error_code_documented, ctx, response(400, envelope("InvalidImage")))
    assert "BadArgument" in failure.documented


@pytest.mark.parametrize(("record", "reason"), [
    (response(200, envelope("Anything")), "not an error response"),
    (response(429, GATEWAY_429), "no error.code"),  # error_envelope_valid's finding
    (response(404, "plain", content_type="text/plain"), "no error.code"),
    (response(500, envelope("Weird")), "no error codes documented for 500"),  # Face training documents no 500
])
def test_error_code_documented_does_not_apply(record, reason: str) -> None:
    expect_na(error_code_documented, context("face", "v1.2", TRAINING), record, reason)


def test_error_code_documented_needs_an_operation() -> None:
    expect_na(error_code_documented, context("face", "v1.2", None), response(404, envelope("Nope")),
              "request matches no operation")


def test_error_rule_severities() -> None:
    from cognitive_conformance.conformance.checks.registry import get

    assert get("error_envelope_valid").severity == "error"
    # An undocumented code is reported, but the status decides: clients must handle unknown codes.
    assert get("error_code_documented").severity == "warning"
