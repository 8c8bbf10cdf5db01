"""Rule family: error envelopes.

* every error is a JSON envelope ``{"error": {"code", "message"}}`` (Face, Speaker, Custom
  Voice); the lenient profile also accepts the API gateway's ``{"error": {"statusCode",
  "message"}}`` that seed 001 shows for 401/403/429;
* ``error.code`` is one the spec documents for that status and operation.
"""

from __future__ import annotations

from conformance.checks._util import error_body, is_error, truncate
from conformance.checks.registry import check
from conformance.context import CheckContext
from conformance.failures import InvalidErrorEnvelope, UndocumentedErrorCode
from conformance.transport import ResponseRecord

__all__ = ["error_envelope_valid", "error_code_documented"]

_GATEWAY_STATUSES = {401, 403, 429}


@check
def error_envelope_valid(ctx: CheckContext, response: ResponseRecord) -> None:
    """Every error response is a JSON envelope {"error": {"code": string, "message": string}}.

    Source: seed 000 (FaceErrorResponse: error.code, error.message); seed 003 (SpeakerErrorInfo);
    seed 004 (ErrorResponse following the Azure REST API guidelines, code + message required);
    seed 001 Response 403/429 for the gateway shape {"error": {"statusCode", "message"}}
    (lenient profile only); API-DIGEST §1.8, §2.2, §3.6.
    """
    if not is_error(response):
        return
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
        ctx.profile == "lenient"
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


@check
def error_code_documented(ctx: CheckContext, response: ResponseRecord) -> None:
    """The error code is one the spec documents for this operation and status.

    Source: specs/<service>.yaml `x-error-codes` per response: Face codes from seed 001 and FERR
    (API-DIGEST §1.9), Speaker codes from SR3 (API-DIGEST §2.5), Custom Voice ErrorCode enum
    (seed 004, API-DIGEST §3.5).
    """
    if not is_error(response) or ctx.operation is None:
        return
    codes = ctx.spec.error_codes(ctx.operation.operation_id, response.status_code)
    err = error_body(response)
    if not codes or err is None or "code" not in err:
        return
    if err["code"] not in codes:
        raise UndocumentedErrorCode(
            f"{ctx.operation_id} {response.status_code} error code {err['code']!r} is not documented",
            received=err["code"],
            documented=", ".join(codes),
        )
