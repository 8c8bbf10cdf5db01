"""Rule family: status codes.

* every status a target answers must be documented for the operation (the documented
  outcome of provoked situations is :mod:`conformance.checks.provoked`'s).
"""

from __future__ import annotations

from conformance.checks.registry import check
from conformance.context import CheckContext
from conformance.failures import UndocumentedStatusCode
from conformance.transport import ResponseRecord

__all__ = ["status_code_documented"]


@check
def status_code_documented(ctx: CheckContext, response: ResponseRecord) -> None:
    """The response status is one the spec documents for this operation; a `default` response covers errors only.

    Source: specs/<service>.yaml responses of the operation (Face: seed 000 "202 Accepted" for
    Train, seed 001 200/401/403/404/409/429 for Get Training Status; Speaker: seed 003 "201
    Created"; Custom Voice: seed 004 "201 Created"). In the Azure swaggers `default` is the
    error response (API-DIGEST §1.2 "Every F12 error response is default", §2.2 "All errors
    are default", §3.2), so a success status must be listed explicitly.
    """
    if ctx.operation is None:
        return
    documented = ctx.spec.documented_statuses(ctx.operation.operation_id)
    status = str(response.status_code)
    if status in documented or f"{status[0]}XX" in documented:
        return
    if response.status_code >= 400 and "default" in documented:
        return
    raise UndocumentedStatusCode(
        f"{ctx.operation.operation_id} answered {response.status_code}, which is not documented",
        received=response.status_code,
        documented=", ".join(sorted(documented)),
    )
