"""Rule family: provoked situations, judged on a :class:`~conformance.flows.Provocation`.

A scenario provokes a documented situation (a missing or invalid resource, an existing one, a
wrong or missing key, a read after delete, a limit broken) and records the exchange with the
outcome the documents give for it. These rules compare the two: the documented status, and the
*specific* error code where one is documented. Face's never-trained rule lives in the Face pack.
"""

from __future__ import annotations

from cognitive_conformance.conformance.checks._util import error_body
from cognitive_conformance.conformance.checks.registry import NotApplicable, flow_rule
from cognitive_conformance.conformance.failures import UnexpectedErrorCode, UnexpectedStatusForSituation
from cognitive_conformance.conformance.flows.evidence import AFTER_DELETE, BAD_KEY, NEVER_TRAINED, NO_KEY, Provocation
from cognitive_conformance.conformance.spec import Spec

__all__ = ["auth_rejects_bad_key", "deleted_resource_not_found", "documented_outcome_for_situation", "expect"]

#: Situations judged by a rule of their own (here or in a pack), not by documented_outcome_for_situation.
SPECIFIC = frozenset({BAD_KEY, NO_KEY, AFTER_DELETE, NEVER_TRAINED})


def expect(provocation: Provocation) -> None:
    """Raise if the exchange is not the documented outcome (status, then error code)."""
    expected = provocation.expected
    response = provocation.exchange
    where = f" ({expected.source})" if expected.source else ""
    label = f"{provocation.kind}: {provocation.operation_id or response.request.method + ' ' + response.request.url}"
    if response.status_code != expected.status:
        raise UnexpectedStatusForSituation(
            f"{label} answered {response.status_code}{where}",
            received=response.status_code,
            documented=expected.status,
        )
    if expected.codes:
        err = error_body(response)
        code = err.get("code") if err else None
        if code not in expected.codes:
            raise UnexpectedErrorCode(
                f"{provocation.kind}: error code is not the one documented for this situation{where}",
                received=code,
                documented=" or ".join(expected.codes),
            )


@flow_rule(evidence=Provocation)
def documented_outcome_for_situation(spec: Spec, provocation: Provocation) -> None:
    """A provoked situation answers the documented status and the specific error code.

    Source: Face error codes (a missing or invalid group is 404 PersonGroupNotFound, an existing one 409
    PersonGroupExists, a bad image 400 InvalidImage/InvalidImageSize), https://aka.ms/face-error-codes-and-messages;
    specs/speaker.yaml and specs/customvoice.yaml (info.description: the error codes of each status).
    A generic code where a specific one is documented is a finding.
    """
    if provocation.kind in SPECIFIC:
        raise NotApplicable(f"{provocation.kind} is judged by its own rule")
    expect(provocation)


@flow_rule(evidence=Provocation)
def auth_rejects_bad_key(spec: Spec, provocation: Provocation) -> None:
    """A request with a wrong or missing subscription key is rejected with 401 and the documented body.

    Source: Get Training Status, Response 401 (code Unspecified, "Access denied due to invalid subscription key"),
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/get-person-group-training-status;
    specs/speaker.yaml and specs/customvoice.yaml (401 Unauthorized).
    """
    if provocation.kind not in (BAD_KEY, NO_KEY):
        raise NotApplicable("not a request with a wrong or missing key")
    expect(provocation)


@flow_rule(evidence=Provocation)
def deleted_resource_not_found(spec: Spec, provocation: Provocation) -> None:
    """After a successful delete, reading the resource answers 404 with the resource's not-found code.

    Source: Get Training Status, Response 404 PersonGroupNotFound,
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/get-person-group-training-status;
    specs/speaker.yaml (404 after DeleteProfile) and specs/customvoice.yaml (Delete 204, NotFound afterwards).
    """
    if provocation.kind != AFTER_DELETE:
        raise NotApplicable("not a read after a delete")
    expect(provocation)
