"""Rule family: response headers.

* a long-running operation whose outcome is polled through ``Operation-Location`` carries
  that header, as an absolute URL that points at the operation status resource;
* Custom Voice creates also return ``Operation-Id``, equal to the id in that URL;
* error responses carry ``x-ms-error-code`` where documented, equal to ``error.code``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from cognitive_conformance.conformance.checks._util import error_body, is_error, truncate
from cognitive_conformance.conformance.checks.registry import NotApplicable, response_rule
from cognitive_conformance.conformance.context import CheckContext
from cognitive_conformance.conformance.failures import (
    ErrorCodeHeaderMismatch,
    MalformedOperationLocation,
    MissingErrorCodeHeader,
    MissingOperationId,
    MissingOperationLocation,
)
from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = [
    "lro_operation_location_present",
    "operation_id_header_present",
    "error_code_header_present",
    "error_code_header_matches_body",
]


def _polls_operation_location(ctx: CheckContext) -> dict:
    if ctx.operation is None:
        raise NotApplicable("request matches no operation of the spec")
    lro = ctx.spec.long_running(ctx.operation.operation_id)
    if not lro:
        raise NotApplicable("not a long-running submit")
    if lro.get("poll") != "operation-location":
        raise NotApplicable("long-running operation is polled through its resource, not Operation-Location")
    return lro


@response_rule(severity="error")
def lro_operation_location_present(ctx: CheckContext, response: ResponseRecord) -> None:
    """A successful long-running submit returns an absolute Operation-Location URL of the operation status resource.

    Source: Face
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group ("202
    Accepted ... Headers operation-Location"); Custom Voice
    https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post (201 with
    Operation-Location …/customvoice/operations/{id}?api-version=…). The observed profile also accepts the
    resource's own status (``x-long-running.resource-operation``): the recorded Face service links train to the
    group's ``/training`` (tests/reference/recordings/README.md behaviour 1).
    """
    lro = _polls_operation_location(ctx)
    if not 200 <= response.status_code < 300:
        raise NotApplicable("submit was not accepted (not a success response)")
    if lro.get("statuses") and response.status_code not in lro["statuses"]:
        raise NotApplicable(f"a {response.status_code} answer of this operation starts no long-running operation")
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
    accepted = {wanted}
    if ctx.spec.profile == "observed" and lro.get("resource-operation"):
        # The real service points it at the resource's own status (Face train -> .../training), not /operations/{id}:
        # tests/reference/recordings/README.md behaviour 1.
        accepted.add(lro["resource-operation"])
    if target is None or (wanted and target.operation_id not in accepted):
        raise MalformedOperationLocation(
            "Operation-Location does not point at the operation status resource of this API version",
            received=truncate(location),
            documented=" or ".join(f"a URL served by {op} ({ctx.spec.operation(op).path})" for op in sorted(accepted) if op) or "?",
        )


@response_rule(severity="error")
def operation_id_header_present(ctx: CheckContext, response: ResponseRecord) -> None:
    """A Custom Voice create returns an Operation-Id header equal to the id in its Operation-Location.

    Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post (sample
    response: Operation-Location …/operations/1321a2c0-… and Operation-Id: 1321a2c0-…).
    """
    if ctx.operation is None:
        raise NotApplicable("request matches no operation of the spec")
    if not 200 <= response.status_code < 300:
        raise NotApplicable("not a success response")
    headers = ctx.spec.response_headers(ctx.operation.operation_id, response.status_code)
    if "operation-id" not in headers:
        raise NotApplicable(f"no Operation-Id header documented for {response.status_code}")
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


def _require_error_code_header(ctx: CheckContext, response: ResponseRecord) -> None:
    if ctx.operation is None:
        raise NotApplicable("request matches no operation of the spec")
    header = ctx.spec.response_headers(ctx.operation.operation_id, response.status_code).get("x-ms-error-code")
    if not (header and header.get("required")):
        raise NotApplicable(f"x-ms-error-code is not required for {response.status_code} in this profile")


@response_rule(severity="error")
def error_code_header_present(ctx: CheckContext, response: ResponseRecord) -> None:
    """An error response carries the x-ms-error-code header where the spec requires it.

    Source: Face
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group ("Other
    Status Codes: FaceErrorResponse, Headers x-ms-error-code"); Speaker
    https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/text-independent/create-enrollment
    ("Failure Headers x-ms-error-code"); Custom Voice
    https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post ("An error
    occurred. Headers x-ms-error-code"). The observed profile follows the swaggers that do not declare
    it.
    """
    if not is_error(response):
        raise NotApplicable("not an error response")
    _require_error_code_header(ctx, response)
    if not response.header("x-ms-error-code"):
        err = error_body(response)
        raise MissingErrorCodeHeader(
            f"{ctx.operation_id} answered {response.status_code} without x-ms-error-code",
            received="no x-ms-error-code header",
            documented=f"x-ms-error-code: {err.get('code') if err else '<error code>'}",
        )


@response_rule(severity="error")
def error_code_header_matches_body(ctx: CheckContext, response: ResponseRecord) -> None:
    """When an error carries both, x-ms-error-code equals the body's error.code.

    Source: Face
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group and
    Speaker
    https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/text-independent/create-enrollment:
    x-ms-error-code is the error code of the FaceErrorResponse / SpeakerErrorInfo body (Speaker's
    sample: `x-ms-error-code: Error Code` with `"code": "Error Code"`).
    """
    if not is_error(response):
        raise NotApplicable("not an error response")
    header = response.header("x-ms-error-code")
    if header is None:
        raise NotApplicable("no x-ms-error-code header")
    err = error_body(response)
    if err is None or "code" not in err:
        raise NotApplicable("error body has no error.code")
    if str(err["code"]) != header:
        raise ErrorCodeHeaderMismatch(
            "x-ms-error-code does not match error.code",
            received=f"header {header!r}, body {err['code']!r}",
            documented="the same code in both",
        )
