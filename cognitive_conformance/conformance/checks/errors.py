"""Rule family: error envelopes.

* every error is a JSON envelope ``{"error": {"code", "message"}}`` (Face, Speaker, Custom
  Voice); the observed profile also accepts the API gateway's ``{"error": {"statusCode",
  "message"}}`` that the Face v1.0 Get Training Status documents for 401/403/429;
* ``error.code`` is one the spec documents for that status and operation.
"""

from __future__ import annotations

from cognitive_conformance.conformance.checks._util import error_body, is_error, truncate
from cognitive_conformance.conformance.checks.registry import NotApplicable, response_rule
from cognitive_conformance.conformance.context import CheckContext
from cognitive_conformance.conformance.failures import InvalidErrorEnvelope, UndocumentedErrorCode
from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = ["error_envelope_valid", "error_code_documented"]

_GATEWAY_STATUSES = {401, 403, 429}


@response_rule(severity="error")
def error_envelope_valid(ctx: CheckContext, response: ResponseRecord) -> None:
    """Every error response is a JSON envelope {"error": {"code": string, "message": string}}.

    Source: Face
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group
    (FaceErrorResponse: error.code, error.message); Speaker
    https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/text-independent/create-enrollment
    (SpeakerErrorInfo); Custom Voice
    https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post (ErrorResponse,
    following
    https://github.com/microsoft/api-guidelines/blob/vNext/azure/Guidelines.md#handling-errors); the
    observed profile also accepts the API gateway's {"error": {"statusCode", "message"}} for 401/403/429,
    as specs/face.yaml documents with its `x-source`.
    """
    if not is_error(response):
        raise NotApplicable("not an error response")
    try:
        body = response.json()
    except ValueError:
        raise InvalidErrorEnvelope(
            f"{response.status_code} error body is not JSON",
            received=f"{response.content_type or 'no Content-Type'}: "
            + truncate(response.body.decode("utf-8", "replace"), 120),
            documented='{"error": {"code": "...", "message": "..."}}',
        ) from None
    err = error_body(response)
    if err is None:
        raise InvalidErrorEnvelope(
            f"{response.status_code} error body has no 'error' object",
            received=truncate(body),
            documented='{"error": {"code": "...", "message": "..."}}',
        )
    gateway_ok = (
        ctx.profile == "observed"
        and response.status_code in _GATEWAY_STATUSES
        and isinstance(err.get("statusCode"), int)
        and isinstance(err.get("message"), str)
    )
    if gateway_ok:
        return
    problems = [f"'{f}' is missing or not a string" for f in ("code", "message") if not isinstance(err.get(f), str)]
    if problems:
        raise InvalidErrorEnvelope(
            f"{response.status_code} error envelope: " + "; ".join(problems),
            received=truncate(body),
            documented='{"error": {"code": "...", "message": "..."}}',
        )


_GATEWAY_STATUSES = frozenset({401, 403, 429})


@response_rule(severity="warning")
def error_code_documented(ctx: CheckContext, response: ResponseRecord) -> None:
    """The error code is one the spec documents for this operation and status.

    Source: specs/<service>.yaml `x-error-codes` per response: Face codes from
    https://aka.ms/face-error-codes-and-messages, Speaker codes from
    https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/text-independent/create-enrollment,
    the Custom Voice ErrorCode enum of
    https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post.

    A warning: the documented code lists are what the documents name, and a client has to
    handle a code it does not know anyway; the status code still decides the outcome. The
    observed profile also accepts the API gateway's own code, the status as a string, for
    401, 403 and 429 (`{"error":{"code":"429","message":"Rate limit is exceeded. Try again in
    21 seconds."}}`: tests/reference/recordings/face/v1.0/vcrpy/test_snapshot.yaml interaction 4).
    """
    if not is_error(response):
        raise NotApplicable("not an error response")
    if ctx.operation is None:
        raise NotApplicable("request matches no operation of the spec")
    codes = ctx.spec.error_codes(ctx.operation.operation_id, response.status_code)
    if not codes:
        raise NotApplicable(f"no error codes documented for {response.status_code}")
    err = error_body(response)
    if err is None or "code" not in err:
        raise NotApplicable("error body has no error.code (judged by error_envelope_valid)")
    if ctx.profile == "observed" and response.status_code in _GATEWAY_STATUSES and err["code"] == str(response.status_code):
        return
    if err["code"] not in codes:
        raise UndocumentedErrorCode(
            f"{ctx.operation_id} {response.status_code} error code {err['code']!r} is not documented",
            received=err["code"],
            documented=", ".join(codes),
        )
