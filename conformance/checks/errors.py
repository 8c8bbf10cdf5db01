"""Rule family: error envelopes.

* every error is a JSON envelope ``{"error": {"code", "message"}}`` (Face, Speaker, Custom
  Voice); the lenient profile also accepts the API gateway's ``{"error": {"statusCode",
  "message"}}`` that the v1.0 Get Training Status reference (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247) shows for 401/403/429;
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

    Source: https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 (FaceErrorResponse: error.code, error.message); https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (SpeakerErrorInfo);
    https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (ErrorResponse following the Azure REST API guidelines, code + message required);
    https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 Response 403/429 for the gateway shape {"error": {"statusCode", "message"}}
    (lenient profile only); https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json.
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

    Source: specs/<service>.yaml `x-error-codes` per response: Face codes from https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 and https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes, Speaker codes from https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json, Custom Voice ErrorCode enum
    (https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview, https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json).
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
