"""Unit tests for conformance.checks.status: documented status codes and the situational outcome checks.

Source: seed 000 (Train: 202 Accepted), seed 001 (Get Training Status: 200/401/403/404/409/429, 404
PersonGroupNotFound / PersonGroupNotTrained), seed 004 (Personal Voices - Post: 201 Created); API-DIGEST §1.9
(FERR codes), §3.6.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.checks.status import (
    auth_rejects_bad_key,
    deleted_resource_not_found,
    documented_outcome_for_situation,
    lro_not_trained_before_train,
    status_code_documented,
)
from conformance.context import CheckContext, Expected
from conformance.failures import UndocumentedStatusCode, UnexpectedErrorCode, UnexpectedStatusForSituation
from conformance.transport import ResponseRecord

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
    from conformance.checks.registry import get

    assert get("status_code_documented").severity == "error"


# -- the situational checks ----------------------------------------------------------------------

SituationCheck = Callable[[CheckContext, ResponseRecord], None]

# (check, its situation, the expectation the scenario sets, a response that honours it, a generic-code response)
CASES: list[tuple[SituationCheck, str, str, Expected, ResponseRecord, str]] = [
    (auth_rejects_bad_key, "bad-key", GET_GROUP, Expected(401, ("Unspecified", "401"), "seed 001 Response 401"),
     response(401, envelope("Unspecified", "Access denied due to invalid subscription key.")), "Forbidden"),
    (auth_rejects_bad_key, "no-key", GET_GROUP, Expected(401, ("Unspecified", "401"), "seed 001 Response 401"),
     response(401, envelope("401")), "BadArgument"),
    (deleted_resource_not_found, "after-delete", GET_PERSON, Expected(404, ("PersonNotFound",), "FERR"),
     response(404, envelope("PersonNotFound", "Person is not found.")), "NotFound"),
    (lro_not_trained_before_train, "never-trained", TRAINING,
     Expected(404, ("PersonGroupNotTrained",), "seed 001, Response 404"),
     response(404, envelope("PersonGroupNotTrained", "Person group not trained.")), "PersonGroupNotFound"),
    (documented_outcome_for_situation, "missing-group", GET_GROUP,
     Expected(404, ("PersonGroupNotFound",), "seed 001, Response 404"),
     response(404, envelope("PersonGroupNotFound")), "NotFound"),
    (documented_outcome_for_situation, "group-exists", "PersonGroupOperations_CreatePersonGroup",
     Expected(409, ("PersonGroupExists",), "FERR: PersonGroupExists"),
     response(409, envelope("PersonGroupExists")), "Conflict"),
]
IDS = [f"{c[0].__name__}-{c[1]}" for c in CASES]


@pytest.mark.parametrize(("chk", "situation", "op", "expected", "good", "generic"), CASES, ids=IDS)
def test_situational_check_passes_the_documented_outcome(
    chk: SituationCheck, situation: str, op: str, expected: Expected, good: ResponseRecord, generic: str
) -> None:
    assert chk(context("face", "v1.2", op, situation=situation, expected=expected), good) is None


@pytest.mark.parametrize(("chk", "situation", "op", "expected", "good", "generic"), CASES, ids=IDS)
def test_situational_check_fails_a_wrong_status(
    chk: SituationCheck, situation: str, op: str, expected: Expected, good: ResponseRecord, generic: str
) -> None:
    ctx = context("face", "v1.2", op, situation=situation, expected=expected)
    failure = expect_failure(UnexpectedStatusForSituation, chk, ctx, response(200, {"personGroupId": "g"}))
    assert failure.received == 200 and failure.documented == expected.status
    assert failure.message.startswith(f"{situation}: {op} answered 200")
    assert expected.source in failure.message


@pytest.mark.parametrize(("chk", "situation", "op", "expected", "good", "generic"), CASES, ids=IDS)
def test_situational_check_fails_a_generic_error_code(
    chk: SituationCheck, situation: str, op: str, expected: Expected, good: ResponseRecord, generic: str
) -> None:
    ctx = context("face", "v1.2", op, situation=situation, expected=expected)
    failure = expect_failure(UnexpectedErrorCode, chk, ctx, response(expected.status, envelope(generic)))
    assert failure.received == generic
    assert failure.documented == " or ".join(expected.codes)
    assert situation in failure.message


@pytest.mark.parametrize(("chk", "situation", "op", "expected", "good", "generic"), CASES, ids=IDS)
def test_situational_check_fails_a_body_without_error_code(
    chk: SituationCheck, situation: str, op: str, expected: Expected, good: ResponseRecord, generic: str
) -> None:
    ctx = context("face", "v1.2", op, situation=situation, expected=expected)
    plain = response(expected.status, "Resource not found", content_type="text/plain")
    failure = expect_failure(UnexpectedErrorCode, chk, ctx, plain)
    assert failure.received is None


@pytest.mark.parametrize(("chk", "situation", "op", "expected", "good", "generic"), CASES, ids=IDS)
def test_situational_check_accepts_any_code_when_none_is_documented(
    chk: SituationCheck, situation: str, op: str, expected: Expected, good: ResponseRecord, generic: str
) -> None:
    any_code = Expected(expected.status, (), expected.source)
    ctx = context("face", "v1.2", op, situation=situation, expected=any_code)
    assert chk(ctx, response(expected.status, envelope(generic))) is None


@pytest.mark.parametrize(("chk", "situation", "op", "expected", "good", "generic"), CASES, ids=IDS)
def test_situational_check_does_not_apply_without_an_expectation(
    chk: SituationCheck, situation: str, op: str, expected: Expected, good: ResponseRecord, generic: str
) -> None:
    ctx = context("face", "v1.2", op, situation=situation, expected=None)
    assert chk(ctx, response(500, "boom", content_type="text/plain")) is None


ALL_SITUATIONS = ["bad-key", "no-key", "after-delete", "never-trained", "missing-group", "group-exists",
                  "operation-vs-resource", None]
OWN_SITUATIONS: dict[str, set[str | None]] = {
    "auth_rejects_bad_key": {"bad-key", "no-key"},
    "deleted_resource_not_found": {"after-delete"},
    "lro_not_trained_before_train": {"never-trained"},
    "documented_outcome_for_situation": {"missing-group", "group-exists", "operation-vs-resource", None},
}


@pytest.mark.parametrize(
    "chk", [auth_rejects_bad_key, deleted_resource_not_found, lro_not_trained_before_train,
            documented_outcome_for_situation], ids=lambda f: f.__name__)
@pytest.mark.parametrize("situation", ALL_SITUATIONS)
def test_situational_checks_apply_only_to_their_own_situations(chk: SituationCheck, situation: str | None) -> None:
    """Each provoked situation is judged by exactly one check; the others are not applicable."""
    ctx = context("face", "v1.2", GET_GROUP, situation=situation, expected=Expected(404, ("PersonGroupNotFound",)))
    wrong = response(200, {"personGroupId": "g", "name": "n"})
    if situation in OWN_SITUATIONS[chk.__name__]:
        expect_failure(UnexpectedStatusForSituation, chk, ctx, wrong)
    else:
        assert chk(ctx, wrong) is None


def test_default_response_covers_errors_but_not_an_unlisted_success() -> None:
    """Speaker (like upstream) has a `default` error response: a 500 falls to it, a 200 on delete does not."""
    ctx = context("speaker", "2021-09-05", "TextIndependent_DeleteProfile")
    failure = expect_failure(UndocumentedStatusCode, status_code_documented, ctx, response(200, {"deleted": True}))
    assert failure.received == 200 and "204" in str(failure.documented)
    status_code_documented(ctx, response(204))
    status_code_documented(ctx, response(500, {"error": {"code": "InternalServerError", "message": "x"}}))
