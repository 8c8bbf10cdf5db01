"""Rule family: response headers.

* a long-running operation whose outcome is polled through ``Operation-Location`` carries
  that header, as an absolute URL that points at the operation status resource;
* Custom Voice creates also return ``Operation-Id``, equal to the id in that URL;
* error responses carry ``x-ms-error-code`` where documented, equal to ``error.code``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from conformance.checks._util import error_body, is_error, truncate
from conformance.checks.registry import check
from conformance.context import CheckContext
from conformance.failures import (
    ErrorCodeHeaderMismatch,
    MalformedOperationLocation,
    MissingErrorCodeHeader,
    MissingOperationId,
    MissingOperationLocation,
)
from conformance.transport import ResponseRecord

__all__ = [
    "lro_operation_location_present",
    "operation_id_header_present",
    "error_code_header_present",
    "error_code_header_matches_body",
]


def _polls_operation_location(ctx: CheckContext) -> dict | None:
    if ctx.operation is None:
        return None
    lro = ctx.spec.long_running(ctx.operation.operation_id)
    if not lro or lro.get("poll") != "operation-location":
        return None
    return lro


@check
def lro_operation_location_present(ctx: CheckContext, response: ResponseRecord) -> None:
    """A successful long-running submit returns an absolute Operation-Location URL of the operation status resource.

    Source: https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 (Train Person Group, v1.1-preview.1: "202 Accepted ... Headers
    operation-Location"); https://github.com/Azure/azure-rest-api-specs/tree/54923347f07c69f929305d5c2fd3fa7fda1dab96/specification/ai/Face header spelling; https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (Personal Voices -
    Post: 201 with Operation-Location) and https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (`…/customvoice/operations/{id}?api-version=…`).
    """
    lro = _polls_operation_location(ctx)
    if lro is None or not 200 <= response.status_code < 300:
        return
    location = response.header("operation-location")
    if not location:
        raise MissingOperationLocation(
            f"{ctx.operation_id} answered {response.status_code} without an Operation-Location header",
            received="no Operation-Location header",
            documented="Operation-Location: <absolute URL of the operation status resource>",
        )
    parts = urlsplit(location)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise MalformedOperationLocation(
            "Operation-Location is not an absolute http(s) URL",
            received=truncate(location),
            documented="absolute URL (format: uri)",
        )
    target = ctx.spec.match("GET", parts.path)
    wanted = lro.get("status-operation")
    if target is None or (wanted and target.operation_id != wanted):
        raise MalformedOperationLocation(
            "Operation-Location does not point at the operation status resource of this API version",
            received=truncate(location),
            documented=f"a URL served by {wanted} ({ctx.spec.operation(wanted).path if wanted else '?'})",
        )


@check
def operation_id_header_present(ctx: CheckContext, response: ResponseRecord) -> None:
    """A Custom Voice create returns an Operation-Id header equal to the id in its Operation-Location.

    Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (Personal Voices - Post, sample response: Operation-Location …/operations/1321a2c0-…
    and Operation-Id: 1321a2c0-…); https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json.
    """
    if ctx.operation is None or not 200 <= response.status_code < 300:
        return
    headers = ctx.spec.response_headers(ctx.operation.operation_id, response.status_code)
    if "operation-id" not in headers:
        return
    op_id = response.header("operation-id")
    if not op_id:
        raise MissingOperationId(
            f"{ctx.operation_id} answered {response.status_code} without an Operation-Id header",
            received="no Operation-Id header",
            documented="Operation-Id: <id of the status monitor>",
        )
    location = response.header("operation-location")
    if location:
        last = urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1]
        if last != op_id:
            raise MissingOperationId(
                "Operation-Id differs from the id in Operation-Location",
                received=f"Operation-Id {op_id}, Operation-Location …/{last}",
                documented="the same operation id in both headers",
            )


def _header_required(ctx: CheckContext, response: ResponseRecord) -> bool:
    if ctx.operation is None:
        return False
    header = ctx.spec.response_headers(ctx.operation.operation_id, response.status_code).get("x-ms-error-code")
    return bool(header and header.get("required"))


@check
def error_code_header_present(ctx: CheckContext, response: ResponseRecord) -> None:
    """An error response carries the x-ms-error-code header where the spec requires it.

    Source: https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 ("Other Status Codes: FaceErrorResponse, Headers x-ms-error-code"); https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment ("Failure Headers", example `x-ms-error-code: Error Code`); https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview ("An error
    occurred. Headers x-ms-error-code"); https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json. The lenient profile follows the
    swaggers that do not declare it.
    """
    if not is_error(response) or not _header_required(ctx, response):
        return
    if not response.header("x-ms-error-code"):
        err = error_body(response)
        raise MissingErrorCodeHeader(
            f"{ctx.operation_id} answered {response.status_code} without x-ms-error-code",
            received="no x-ms-error-code header",
            documented=f"x-ms-error-code: {err.get('code') if err else '<error code>'}",
        )


@check
def error_code_header_matches_body(ctx: CheckContext, response: ResponseRecord) -> None:
    """When an error carries both, x-ms-error-code equals the body's error.code.

    Source: https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 and https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (x-ms-error-code is "String error code indicating what went
    wrong", the same code as the FaceErrorResponse/SpeakerErrorInfo body); https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json.
    """
    if not is_error(response):
        return
    header = response.header("x-ms-error-code")
    err = error_body(response)
    if header is None or err is None or "code" not in err:
        return
    if str(err["code"]) != header:
        raise ErrorCodeHeaderMismatch(
            "x-ms-error-code does not match error.code",
            received=f"header {header!r}, body {err['code']!r}",
            documented="the same code in both",
        )
