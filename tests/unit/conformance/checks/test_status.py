"""Unit tests for conformance.checks.status: documented status codes (provoked situations: test_provoked.py).

Source: seed 000 (Train: 202 Accepted), seed 001 (Get Training Status: 200/401/403/404/409/429, 404
PersonGroupNotFound / PersonGroupNotTrained), seed 004 (Personal Voices - Post: 201 Created); API-DIGEST §1.9
(FERR codes), §3.6.
"""

from __future__ import annotations

import pytest

from cognitive_conformance.conformance.checks.status import status_code_documented
from cognitive_conformance.conformance.failures import UndocumentedStatusCode

from ._helpers import context, expect_failure, response
from ._outcomes import expect_na

TRAIN = "PersonGroupOperations_TrainPersonGroup"
TRAINING = "PersonGroupOperations_GetPersonGroupTrainingStatus"
GET_GROUP = "PersonGroupOperations_GetPersonGroup"
GET_PERSON = "PersonGroupOperations_GetPersonGroupPerson"


def envelope(code: str, message: str = "msg") -> dict:
    return {"error": {"code": code, "message": message}}


# -- status_code_documented ---------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1.0", "v1.2"])
def test_status_code_documented_passes_train_202(version: str) -> None:
    assert status_code_documented(context("face", version, TRAIN), response(202)) is None


@pytest.mark.parametrize("status", [404, 409, 429])
def test_status_code_documented_passes_documented_errors_of_training_status(status: int) -> None:
    assert status_code_documented(context("face", "v1.0", TRAINING), response(status, envelope("x"))) is None


def test_status_code_documented_fails_train_answering_500() -> None:
    failure = expect_failure(UndocumentedStatusCode, status_code_documented, context("face", "v1.2", TRAIN),
                             response(500, envelope("InternalServerError")))
    assert failure.received == 500
    assert "202" in failure.documented.split(", ") and "500" not in failure.documented
    assert TRAIN in failure.message and "500" in failure.message


def test_status_code_documented_fails_train_answering_200_instead_of_202() -> None:
    failure = expect_failure(UndocumentedStatusCode, status_code_documented, context("face", "v1.2", TRAIN),
                             response(200, {}))
    assert failure.received == 200


def test_status_code_documented_fails_custom_voice_create_answering_202() -> None:
    """Seed 004 / API-DIGEST §3.7: creates answer 201, not 202."""
    ctx = context("customvoice", "2024-02-01-preview", "PersonalVoices_Create")
    assert status_code_documented(ctx, response(201, {})) is None
    failure = expect_failure(UndocumentedStatusCode, status_code_documented, ctx, response(202))
    assert failure.received == 202 and "201" in failure.documented


def test_status_code_documented_does_not_apply_without_an_operation() -> None:
    expect_na(status_code_documented, context("face", "v1.2", None), response(599), "request matches no operation")


def test_status_code_documented_is_an_error() -> None:
    from cognitive_conformance.conformance.checks.registry import get

    assert get("status_code_documented").severity == "error"


def test_default_response_covers_errors_but_not_an_unlisted_success() -> None:
    """Speaker (like upstream) has a `default` error response: a 500 falls to it, a 200 on delete does not."""
    ctx = context("speaker", "2021-09-05", "TextIndependent_DeleteProfile")
    failure = expect_failure(UndocumentedStatusCode, status_code_documented, ctx, response(200, {"deleted": True}))
    assert failure.received == 200 and "204" in str(failure.documented)
    status_code_documented(ctx, response(204))
    status_code_documented(ctx, response(500, {"error": {"code": "InternalServerError", "message": "x"}}))
