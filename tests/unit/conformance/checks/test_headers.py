"""Unit tests for conformance.checks.headers: Operation-Location, Operation-Id and x-ms-error-code.

Source: seed 000 (Train, v1.1-preview.1: 202 with `operation-Location`; errors carry `x-ms-error-code`);
API-DIGEST §1.3 (v1.0 train has no operation-Location; v1.1+ points at the operation status resource),
§3.3 (Custom Voice `Operation-Location: …/customvoice/operations/{id}?api-version=…` and `Operation-Id`), §4.
"""

from __future__ import annotations

import httpx
import pytest

from cognitive_conformance.conformance.checks.headers import (
    error_code_header_matches_body,
    error_code_header_present,
    lro_operation_location_present,
    operation_id_header_present,
)
from cognitive_conformance.conformance.failures import (
    ErrorCodeHeaderMismatch,
    MalformedOperationLocation,
    MissingErrorCodeHeader,
    MissingOperationId,
    MissingOperationLocation,
)
from cognitive_conformance.conformance.transport import Transport

from ._helpers import OP_UUID, context, expect_failure, response
from ._outcomes import expect_na

TRAIN = "PersonGroupOperations_TrainPersonGroup"
TRAIN_LARGE = "PersonGroupOperations_TrainLargePersonGroup"
TRAINING = "PersonGroupOperations_GetPersonGroupTrainingStatus"
CV = "2024-02-01-preview"
CV_OP_ID = "070f7986-ef17-41d0-ba2b-907f0f28e314"
CV_LOCATION = f"https://eastus.api.cognitive.microsoft.com/customvoice/operations/{CV_OP_ID}?api-version={CV}"


def envelope(code: str) -> dict:
    return {"error": {"code": code, "message": "msg"}}


# -- lro_operation_location_present -------------------------------------------------------------------


@pytest.mark.parametrize("op", [TRAIN, TRAIN_LARGE])
@pytest.mark.parametrize("profile", ["docs", "observed"])
def test_operation_location_absolute_url_of_operation_status_passes(op: str, profile: str) -> None:
    ctx = context("face", "v1.2", op, profile=profile)
    record = response(202, headers=[("operation-location", f"http://h/face/v1.2/operations/{OP_UUID}")])
    assert lro_operation_location_present(ctx, record) is None


def test_operation_location_missing_fails() -> None:
    failure = expect_failure(MissingOperationLocation, lro_operation_location_present,
                             context("face", "v1.2", TRAIN), response(202))
    assert failure.received == "no Operation-Location header"
    assert "absolute URL" in failure.documented
    assert TRAIN in failure.message and "202" in failure.message


def test_operation_location_empty_value_fails_as_missing() -> None:
    expect_failure(MissingOperationLocation, lro_operation_location_present,
                   context("face", "v1.2", TRAIN), response(202, headers=[("operation-location", "")]))


@pytest.mark.parametrize("location", [
    f"/face/v1.2/operations/{OP_UUID}",
    f"face/v1.2/operations/{OP_UUID}",
    f"ftp://h/face/v1.2/operations/{OP_UUID}",
    f"http:///face/v1.2/operations/{OP_UUID}",
])
def test_operation_location_not_absolute_http_fails(location: str) -> None:
    failure = expect_failure(MalformedOperationLocation, lro_operation_location_present,
                             context("face", "v1.2", TRAIN),
                             response(202, headers=[("operation-location", location)]))
    assert failure.received == location
    assert "absolute" in failure.message and failure.documented == "absolute URL (format: uri)"


@pytest.mark.parametrize("location", [
    f"http://h/face/v1.0/operations/{OP_UUID}",  # another version's path
    f"http://h/face/v1.1-preview.1/operations/{OP_UUID}",
    "http://h/face/v1.2/persongroups/g1/training",  # the resource, not the operation status resource
    "https://contoso.com/operationstatus",  # the upstream example's placeholder
])
def test_operation_location_to_another_resource_or_version_fails(location: str) -> None:
    failure = expect_failure(MalformedOperationLocation, lro_operation_location_present,
                             context("face", "v1.2", TRAIN),
                             response(202, headers=[("operation-location", location)]))
    assert failure.received == location
    assert "GetOperationResult" in failure.documented and "/face/v1.2/operations/{operationId}" in failure.documented


@pytest.mark.parametrize("op,kind", [(TRAIN, "persongroups"), (TRAIN_LARGE, "largepersongroups")])
def test_observed_operation_location_to_the_groups_own_training_passes(op: str, kind: str) -> None:
    """The recorded service links train to the group's /training (tests/reference/recordings/README.md behaviour 1)."""
    ctx = context("face", "v1.2", op, profile="observed")
    assert lro_operation_location_present(ctx, response(202, headers=[("Operation-Location", f"http://h/face/v1.2/{kind}/g1/training")])) is None


@pytest.mark.parametrize("location", [
    "http://h/face/v1.2/largepersongroups/g1/training",  # another kind's training status
    "http://h/face/v1.0/persongroups/g1/training",  # another version's
    "http://h/face/v1.2/persongroups/g1",  # the group itself, not its training status
])
def test_observed_operation_location_elsewhere_still_fails(location: str) -> None:
    failure = expect_failure(MalformedOperationLocation, lro_operation_location_present,
                             context("face", "v1.2", TRAIN, profile="observed"),
                             response(202, headers=[("operation-location", location)]))
    assert "GetOperationResult" in failure.documented and TRAINING in failure.documented


def test_operation_location_does_not_apply_to_v10_train() -> None:
    """v1.0 train answers 202 with no headers; clients poll /training (API-DIGEST §1.3)."""
    expect_na(lro_operation_location_present, context("face", "v1.0", TRAIN), response(202), "polled through its resource")


@pytest.mark.parametrize("status", [401, 404, 409, 429])
def test_operation_location_does_not_apply_to_errors(status: int) -> None:
    expect_na(lro_operation_location_present, context("face", "v1.2", TRAIN), response(status, envelope("x")),
              "submit was not accepted")


def test_operation_location_does_not_apply_to_non_lro_operations() -> None:
    expect_na(lro_operation_location_present, context("face", "v1.2", TRAINING), response(200, {}),
              "not a long-running submit")
    expect_na(lro_operation_location_present, context("face", "v1.2", None), response(202), "matches no operation")


def test_operation_location_documented_spelling_survives_the_transport() -> None:
    """Face spells the header `operation-Location` (API-DIGEST §1.3); names are case-insensitive."""
    url = f"http://127.0.0.1:9/face/v1.2/operations/{OP_UUID}"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(202, headers=[("operation-Location", url)])

    with Transport("http://127.0.0.1:9", "secret", client=httpx.Client(transport=httpx.MockTransport(handler))) as t:
        record = t.request("POST", "/face/v1.2/persongroups/g1/train", operation_id=TRAIN)
    assert record.header("Operation-Location") == url
    assert lro_operation_location_present(context("face", "v1.2", TRAIN), record) is None


@pytest.mark.parametrize("op", ["PersonalVoices_Create", "PersonalVoices_Post", "Consents_Create"])
def test_custom_voice_operation_location_with_api_version_query_passes(op: str) -> None:
    record = response(201, {}, headers=[("operation-location", CV_LOCATION), ("operation-id", CV_OP_ID)])
    assert lro_operation_location_present(context("customvoice", CV, op), record) is None


def test_custom_voice_operation_location_to_the_voice_itself_fails() -> None:
    record = response(201, {}, headers=[("operation-location", "https://h/customvoice/personalvoices/v1")])
    failure = expect_failure(MalformedOperationLocation, lro_operation_location_present,
                             context("customvoice", CV, "PersonalVoices_Create"), record)
    assert "Operations_Get" in failure.documented


def test_custom_voice_project_create_is_not_long_running() -> None:
    expect_na(lro_operation_location_present, context("customvoice", CV, "Projects_Create"), response(201, {}),
              "not a long-running submit")


# -- operation_id_header_present ----------------------------------------------------------------------


def test_operation_id_equal_to_the_location_id_passes() -> None:
    record = response(201, {}, headers=[("operation-location", CV_LOCATION), ("operation-id", CV_OP_ID)])
    assert operation_id_header_present(context("customvoice", CV, "PersonalVoices_Post"), record) is None


def test_operation_id_missing_fails() -> None:
    record = response(201, {}, headers=[("operation-location", CV_LOCATION)])
    failure = expect_failure(MissingOperationId, operation_id_header_present,
                             context("customvoice", CV, "PersonalVoices_Post"), record)
    assert failure.received == "no Operation-Id header"
    assert "PersonalVoices_Post" in failure.message


def test_operation_id_different_from_the_location_id_fails() -> None:
    record = response(201, {}, headers=[("operation-location", CV_LOCATION), ("operation-id", "other-op-id")])
    failure = expect_failure(MissingOperationId, operation_id_header_present,
                             context("customvoice", CV, "PersonalVoices_Create"), record)
    assert "differs" in failure.message
    assert "other-op-id" in failure.received and CV_OP_ID in failure.received


def test_operation_id_does_not_apply_where_not_documented() -> None:
    expect_na(operation_id_header_present, context("face", "v1.2", TRAIN), response(202),
              "no Operation-Id header documented for 202")
    expect_na(operation_id_header_present, context("customvoice", CV, "Projects_Create"), response(201, {}),
              "no Operation-Id header documented for 201")
    expect_na(operation_id_header_present, context("face", "v1.2", None), response(201, {}), "matches no operation")


def test_operation_id_does_not_apply_to_errors() -> None:
    ctx = context("customvoice", CV, "PersonalVoices_Post")
    expect_na(operation_id_header_present, ctx, response(400, envelope("BadArgument")), "not a success response")


# -- error_code_header_present -------------------------------------------------------------------------


def test_error_code_header_present_passes() -> None:
    record = response(404, envelope("PersonGroupNotFound"), headers=[("x-ms-error-code", "PersonGroupNotFound")])
    assert error_code_header_present(context("face", "v1.2", TRAINING), record) is None


@pytest.mark.parametrize(("service", "version", "op", "status", "code"), [
    ("face", "v1.2", TRAINING, 404, "PersonGroupNotFound"),
    ("face", "v1.0", TRAIN, 409, "PersonGroupTrainingNotFinished"),
    ("customvoice", CV, "PersonalVoices_Post", 400, "BadArgument"),
])
def test_error_code_header_missing_fails_in_strict(service: str, version: str, op: str, status: int, code: str) -> None:
    failure = expect_failure(MissingErrorCodeHeader, error_code_header_present,
                             context(service, version, op), response(status, envelope(code)))
    assert failure.received == "no x-ms-error-code header"
    assert failure.documented == f"x-ms-error-code: {code}"
    assert str(status) in failure.message


def test_error_code_header_missing_with_non_envelope_body_still_fails() -> None:
    failure = expect_failure(MissingErrorCodeHeader, error_code_header_present,
                             context("face", "v1.2", TRAINING), response(404, "nope", content_type="text/plain"))
    assert failure.documented == "x-ms-error-code: <error code>"


def test_error_code_header_optional_in_lenient() -> None:
    """The swaggers (and the Custom Voice one) declare no error header: lenient does not require it."""
    expect_na(error_code_header_present, context("face", "v1.2", TRAINING, profile="observed"),
              response(404, envelope("PersonGroupNotFound")), "not required for 404 in this profile")
    expect_na(error_code_header_present, context("customvoice", CV, "PersonalVoices_Post", profile="observed"),
              response(400, envelope("BadArgument")), "not required for 400 in this profile")


def test_error_code_header_does_not_apply_to_success_or_undocumented_status() -> None:
    expect_na(error_code_header_present, context("face", "v1.2", TRAINING), response(200, {"status": "running"}),
              "not an error response")
    # PersonalVoices_Create documents no 404 at all: status_code_documented's finding, not this one's.
    expect_na(error_code_header_present, context("customvoice", CV, "PersonalVoices_Create"),
              response(404, envelope("NotFound")), "not required for 404")
    expect_na(error_code_header_present, context("face", "v1.2", None), response(404, envelope("x")),
              "matches no operation")


# -- error_code_header_matches_body --------------------------------------------------------------------


def test_error_code_header_equal_to_body_passes() -> None:
    record = response(409, envelope("ConcurrentOperationConflict"),
                      headers=[("x-ms-error-code", "ConcurrentOperationConflict")])
    assert error_code_header_matches_body(context("face", "v1.2", TRAINING), record) is None


def test_error_code_header_different_from_body_fails() -> None:
    record = response(404, envelope("PersonGroupNotTrained"), headers=[("x-ms-error-code", "PersonGroupNotFound")])
    failure = expect_failure(ErrorCodeHeaderMismatch, error_code_header_matches_body,
                             context("face", "v1.2", TRAINING), record)
    assert failure.received == "header 'PersonGroupNotFound', body 'PersonGroupNotTrained'"
    assert failure.documented == "the same code in both"


def test_error_code_header_compares_exactly() -> None:
    record = response(404, envelope("PersonGroupNotFound"), headers=[("x-ms-error-code", "persongroupnotfound")])
    expect_failure(ErrorCodeHeaderMismatch, error_code_header_matches_body, context("face", "v1.2", TRAINING), record)


def test_error_code_header_numeric_body_code_compares_as_text() -> None:
    """FERR's 429 code is the string "429"; a numeric body code equal to the header is not a mismatch."""
    record = response(429, {"error": {"code": 429, "message": "Rate limit is exceeded."}},
                      headers=[("x-ms-error-code", "429")])
    assert error_code_header_matches_body(context("face", "v1.2", TRAINING), record) is None


@pytest.mark.parametrize(("record", "reason"), [
    (response(200, {"status": "running"}, headers=[("x-ms-error-code", "Whatever")]), "not an error response"),
    # no header: error_code_header_present's finding
    (response(404, envelope("PersonGroupNotFound")), "no x-ms-error-code header"),
    (response(429, {"error": {"statusCode": 429, "message": "Rate limit"}}, headers=[("x-ms-error-code", "429")]),
     "no error.code"),
    (response(404, "Not Found", headers=[("x-ms-error-code", "NotFound")], content_type="text/plain"),
     "no error.code"),
])
def test_error_code_header_match_does_not_apply(record, reason: str) -> None:
    expect_na(error_code_header_matches_body, context("face", "v1.2", TRAINING), record, reason)


def test_header_rule_severities() -> None:
    from cognitive_conformance.conformance.checks.registry import get

    assert get("lro_operation_location_present").severity == "error"
    assert get("operation_id_header_present").severity == "error"
    assert get("error_code_header_matches_body").severity == "error"
    # Required by the docs profile (as Schemathesis' response_headers_conformance also judges); lenient: n/a.
    assert get("error_code_header_present").severity == "error"
