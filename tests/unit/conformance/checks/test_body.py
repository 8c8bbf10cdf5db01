"""Unit tests for conformance.checks.body: response schemas, Content-Type and per-version status enums.

Source: seed 000 ("202 Accepted: A successful call returns an empty response body"); seed 001 (TrainingStatus
fields and the example `{"status":"succeeded","createdDateTime":"1/3/2017 4:11:35 AM",...}`); API-DIGEST §1.4
(v1.0 requires status and createdDateTime, v1.2 also lastActionDateTime and lastSuccessfulTrainingDateTime),
§1.5 (v1.0 `nonstarted`, v1.1+ `notStarted`), §3.5 (Custom Voice PascalCase enums).
"""

from __future__ import annotations

import pytest

from cognitive_conformance.conformance.checks.body import content_type_documented, response_schema_conforms, status_in_version_enum
from cognitive_conformance.conformance.failures import SchemaViolation, StatusNotInVersionEnum, UndocumentedContentType

from ._helpers import OP_UUID, context, expect_failure, response
from ._outcomes import expect_na

TRAIN = "PersonGroupOperations_TrainPersonGroup"
TRAINING = "PersonGroupOperations_GetPersonGroupTrainingStatus"
LARGE_TRAINING = "PersonGroupOperations_GetLargePersonGroupTrainingStatus"
CV = "2024-02-01-preview"

V12_STATUS = {
    "status": "succeeded",
    "createdDateTime": "2024-01-02T03:04:05Z",
    "lastActionDateTime": "2024-01-02T03:04:09Z",
    "lastSuccessfulTrainingDateTime": "2024-01-02T03:04:09Z",
    "message": None,
}
SEED_001_EXAMPLE = {"status": "succeeded", "createdDateTime": "1/3/2017 4:11:35 AM",
                    "lastActionDateTime": None, "message": None}
PERSONAL_VOICE = {
    "id": "jessica-voice",
    "speakerProfileId": "3059912f-a3dc-49e3-bdd0-02e449df1fe3",
    "projectId": "jessica-project",
    "consentId": "jessica-consent",
    "status": "NotStarted",
    "createdDateTime": "2023-04-01T05:30:00.000Z",
    "lastActionDateTime": "2023-04-02T10:15:30.000Z",
}


# -- response_schema_conforms ------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1.0", "v1.2"])
@pytest.mark.parametrize("profile", ["docs", "observed"])
def test_schema_valid_training_status_passes(version: str, profile: str) -> None:
    body = dict(V12_STATUS, status="nonstarted" if (version, profile) == ("v1.0", "docs") else V12_STATUS["status"])
    assert response_schema_conforms(context("face", version, TRAINING, profile=profile), response(200, body)) is None


def test_schema_v12_strict_requires_last_successful_training_time() -> None:
    body = {k: v for k, v in V12_STATUS.items() if k != "lastSuccessfulTrainingDateTime"}
    ctx = context("face", "v1.2", TRAINING)
    failure = expect_failure(SchemaViolation, response_schema_conforms, ctx, response(200, body))
    assert "'lastSuccessfulTrainingDateTime' is a required property" in failure.message
    assert "v1.2 docs" in failure.message
    assert failure.documented == ctx.spec.source(TRAINING, 200)
    # ... which v1.0 does not require (API-DIGEST §1.4, F10 TrainingStatus)
    assert response_schema_conforms(context("face", "v1.0", TRAINING), response(200, body)) is None


def test_schema_seed_001_example_needs_the_lenient_profile() -> None:
    """Seed 001 prints createdDateTime as "1/3/2017 4:11:35 AM" although it describes an RFC 3339 date-time."""
    failure = expect_failure(SchemaViolation, response_schema_conforms, context("face", "v1.0", TRAINING),
                             response(200, SEED_001_EXAMPLE))
    assert "$.createdDateTime" in failure.message and "date-time" in failure.message
    assert response_schema_conforms(context("face", "v1.0", TRAINING, profile="observed"),
                                    response(200, SEED_001_EXAMPLE)) is None


def test_schema_train_202_with_a_body_fails() -> None:
    failure = expect_failure(SchemaViolation, response_schema_conforms, context("face", "v1.2", TRAIN),
                             response(202, {"status": "running"}))
    assert failure.documented == "empty body"
    assert '"status"' in failure.received


@pytest.mark.parametrize("body", [b"", b"  \r\n"])
def test_schema_train_202_empty_passes(body: bytes) -> None:
    assert response_schema_conforms(context("face", "v1.0", TRAIN), response(202, body)) is None


def test_schema_custom_voice_delete_204_with_body_fails() -> None:
    ctx = context("customvoice", CV, "PersonalVoices_Delete")
    assert response_schema_conforms(ctx, response(204)) is None
    expect_failure(SchemaViolation, response_schema_conforms, ctx, response(204, {"deleted": True}))


def test_schema_body_that_is_not_json_fails() -> None:
    failure = expect_failure(SchemaViolation, response_schema_conforms, context("face", "v1.2", TRAINING),
                             response(200, "status=running", content_type="application/json"))
    assert "not JSON" in failure.message and failure.received == "status=running"


def test_schema_error_envelope_validated_per_status() -> None:
    ctx = context("face", "v1.2", TRAIN)
    assert response_schema_conforms(ctx, response(404, {"error": {"code": "PersonGroupNotFound", "message": "m"}})) is None
    failure = expect_failure(SchemaViolation, response_schema_conforms, ctx,
                             response(404, {"error": {"code": "PersonGroupNotFound"}}))
    assert "$.error: 'message' is a required property" in failure.message


def test_schema_custom_voice_personal_voice_strict_vs_lenient() -> None:
    sparse = {"projectId": "jessica-project", "consentId": "jessica-consent"}
    assert response_schema_conforms(context("customvoice", CV, "PersonalVoices_Create"),
                                    response(201, PERSONAL_VOICE)) is None
    failure = expect_failure(SchemaViolation, response_schema_conforms,
                             context("customvoice", CV, "PersonalVoices_Create"), response(201, sparse))
    assert "'id' is a required property" in failure.message
    assert response_schema_conforms(context("customvoice", CV, "PersonalVoices_Create", profile="observed"),
                                    response(201, sparse)) is None


def test_schema_does_not_apply_to_undocumented_status_or_unknown_operation() -> None:
    expect_na(response_schema_conforms, context("face", "v1.2", TRAIN), response(500, "<html>oops</html>"),
              "operation documents no response for 500")
    expect_na(response_schema_conforms, context("face", "v1.2", None), response(200, "not json"),
              "request matches no operation")


# -- content_type_documented ---------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8",
                                          "Application/JSON"])
def test_content_type_json_passes(content_type: str) -> None:
    record = response(200, V12_STATUS, content_type=content_type)
    assert content_type_documented(context("face", "v1.2", TRAINING), record) is None


@pytest.mark.parametrize("content_type", ["text/plain", "text/html; charset=utf-8", "application/problem+json"])
def test_content_type_other_media_type_fails(content_type: str) -> None:
    failure = expect_failure(UndocumentedContentType, content_type_documented, context("face", "v1.2", TRAINING),
                             response(200, V12_STATUS, content_type=content_type))
    assert failure.received == content_type.split(";")[0].lower()
    assert failure.documented == "application/json"


def test_content_type_missing_fails() -> None:
    record = response(404, b'{"error": {"code": "PersonGroupNotFound", "message": "m"}}')
    failure = expect_failure(UndocumentedContentType, content_type_documented, context("face", "v1.2", TRAINING),
                             record)
    assert failure.received == "(none)" and "no Content-Type" in failure.message


def test_content_type_does_not_apply_to_empty_or_undocumented_bodies() -> None:
    expect_na(content_type_documented, context("face", "v1.2", TRAINING), response(200, b""), "empty body")
    # Train 202 documents no content at all: a body there is response_schema_conforms's finding.
    expect_na(content_type_documented, context("face", "v1.2", TRAIN), response(202, "x", content_type="text/plain"),
              "no content documented for 202")
    expect_na(content_type_documented, context("face", "v1.2", None), response(200, "x", content_type="text/plain"),
              "request matches no operation")
    expect_na(content_type_documented, context("face", "v1.2", TRAINING), response(418, "x", content_type="text/plain"),
              "operation documents no response for 418")


# -- status_in_version_enum ----------------------------------------------------------------------------


def training(status: str) -> dict:
    return dict(V12_STATUS, status=status)


@pytest.mark.parametrize("op", [TRAINING, LARGE_TRAINING])
def test_status_enum_v10_nonstarted_passes(op: str) -> None:
    assert status_in_version_enum(context("face", "v1.0", op), response(200, training("nonstarted"))) is None


@pytest.mark.parametrize("op", [TRAINING, LARGE_TRAINING])
def test_status_enum_v10_camel_case_fails_in_strict(op: str) -> None:
    failure = expect_failure(StatusNotInVersionEnum, status_in_version_enum, context("face", "v1.0", op),
                             response(200, training("notStarted")))
    assert failure.received == "notStarted"
    assert failure.documented == "nonstarted | running | succeeded | failed"
    assert "v1.0 docs" in failure.message


@pytest.mark.parametrize("status", ["notStarted", "notstarted", "nonstarted", "Running"])
def test_status_enum_v10_observed_accepts_every_documented_spelling(status: str) -> None:
    # The observed v1.0 status is any spelling of a documented value the documents show.
    ctx = context("face", "v1.0", TRAINING, profile="observed")
    assert status_in_version_enum(ctx, response(200, training(status))) is None


@pytest.mark.parametrize("status", ["queued", "done", "Cancelled"])
def test_status_enum_observed_still_fails_a_value_no_document_lists(status: str) -> None:
    # A client cannot know whether to keep polling on a status it does not know: a failure in every profile.
    for version in ("v1.0", "v1.2"):
        ctx = context("face", version, TRAINING, profile="observed")
        failure = expect_failure(StatusNotInVersionEnum, status_in_version_enum, ctx, response(200, training(status)))
        assert failure.received == status


@pytest.mark.parametrize("status", ["NotStarted", "nonstarted", "Succeeded", "done"])
def test_status_enum_v12_wrong_spelling_fails(status: str) -> None:
    failure = expect_failure(StatusNotInVersionEnum, status_in_version_enum, context("face", "v1.2", TRAINING),
                             response(200, training(status)))
    assert failure.received == status
    assert failure.documented == "notStarted | running | succeeded | failed"


def test_status_enum_v12_camel_case_passes() -> None:
    assert status_in_version_enum(context("face", "v1.2", TRAINING), response(200, training("notStarted"))) is None


def test_status_enum_v12_operation_result() -> None:
    ctx = context("face", "v1.2", "GetOperationResult")
    good = {"operationId": OP_UUID, "status": "running", "createdTime": "2024-01-02T03:04:05Z"}
    assert status_in_version_enum(ctx, response(200, good)) is None
    expect_failure(StatusNotInVersionEnum, status_in_version_enum, ctx, response(200, dict(good, status="Running")))


def test_status_enum_custom_voice_is_pascal_case() -> None:
    ops = context("customvoice", CV, "Operations_Get")
    assert status_in_version_enum(ops, response(200, {"id": "op-1", "status": "Running"})) is None
    failure = expect_failure(StatusNotInVersionEnum, status_in_version_enum, ops,
                             response(200, {"id": "op-1", "status": "running"}))
    assert "NotStarted" in failure.documented
    voice = context("customvoice", CV, "PersonalVoices_Get")
    assert status_in_version_enum(voice, response(200, PERSONAL_VOICE)) is None
    expect_failure(StatusNotInVersionEnum, status_in_version_enum, voice,
                   response(200, dict(PERSONAL_VOICE, status="Completed")))


def test_status_enum_does_not_apply_outside_2xx_status_bodies() -> None:
    ctx = context("face", "v1.2", TRAINING)
    expect_na(status_in_version_enum, ctx, response(404, {"error": {"code": "X", "message": "m"}, "status": "x"}),
              "not a success response")
    expect_na(status_in_version_enum, ctx, response(200, ["notStarted"]), "not a JSON object")
    expect_na(status_in_version_enum, ctx, response(200, "status: bogus", content_type="text/plain"),
              "not a JSON object")
    expect_na(status_in_version_enum, context("face", "v1.2", "PersonGroupOperations_GetPersonGroup"),
              response(200, {"personGroupId": "g", "name": "n", "status": "bogus"}),
              "no status field with a documented enum")
    expect_na(status_in_version_enum, context("face", "v1.2", None), response(200, {"status": "bogus"}),
              "request matches no operation")
    expect_na(status_in_version_enum, context("face", "v1.2", TRAIN), response(202, b""), "no JSON schema documented")
