"""Rule family: status codes.

* every status a target answers must be documented for the operation (the documented
  outcome of provoked situations is :mod:`conformance.checks.provoked`'s).
"""

from __future__ import annotations

from cognitive_conformance.conformance.checks.registry import NotApplicable, response_rule
from cognitive_conformance.conformance.context import CheckContext
from cognitive_conformance.conformance.failures import UndocumentedStatusCode
from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = ["status_code_documented"]


@response_rule(severity="error")
def status_code_documented(ctx: CheckContext, response: ResponseRecord) -> None:
    """The response status is one the spec documents for this operation; a `default` response covers errors only.

    Source: specs/<service>.yaml responses of the operation (Face
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group: 202
    Accepted; Speaker
    https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/text-independent/create-enrollment:
    201 Created; Custom Voice
    https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post: 201 Created).
    In the Azure swaggers `default` is the error response ("Other Status Codes" on each page above), so
    a success status must be listed explicitly.
    """
    if ctx.operation is None:
        raise NotApplicable("request matches no operation of the spec")
    documented = ctx.spec.documented_statuses(ctx.operation.operation_id)
    status = str(response.status_code)
    if status in documented or f"{status[0]}XX" in documented:
        return
    if response.status_code >= 400 and "default" in documented:
        return
    redirect = ""
    if 300 <= response.status_code < 400:
        # The checker never follows a redirect, so neither the key nor the request leaves the target's origin.
        redirect = f": a redirect to {response.header('location') or '(no Location)'}, not followed"
    raise UndocumentedStatusCode(
        f"{ctx.operation.operation_id} answered {response.status_code}, which is not documented{redirect}",
        received=response.status_code,
        documented=", ".join(sorted(documented)),
    )
