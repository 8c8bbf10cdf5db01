"""Rule family: status codes.

* every status a target answers must be documented for the operation;
* in a provoked situation (missing resource, invalid id, wrong key, deleted resource,
  never-trained group) the status and error code must be the documented ones.
"""

from __future__ import annotations

from conformance.checks._util import error_body
from conformance.checks.registry import NotApplicable, check, response_rule
from conformance.context import CheckContext
from conformance.failures import UnexpectedErrorCode, UndocumentedStatusCode, UnexpectedStatusForSituation
from conformance.transport import ResponseRecord

__all__ = [
    "status_code_documented",
    "documented_outcome_for_situation",
    "auth_rejects_bad_key",
    "deleted_resource_not_found",
    "lro_not_trained_before_train",
]


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
    raise UndocumentedStatusCode(
        f"{ctx.operation.operation_id} answered {response.status_code}, which is not documented",
        received=response.status_code,
        documented=", ".join(sorted(documented)),
    )


def _expect(ctx: CheckContext, response: ResponseRecord) -> None:
    expected = ctx.expected
    assert expected is not None
    where = f" ({expected.source})" if expected.source else ""
    if response.status_code != expected.status:
        raise UnexpectedStatusForSituation(
            f"{ctx.situation}: {ctx.operation_id} answered {response.status_code}{where}",
            received=response.status_code,
            documented=expected.status,
        )
    if expected.codes:
        err = error_body(response)
        code = err.get("code") if err else None
        if code not in expected.codes:
            raise UnexpectedErrorCode(
                f"{ctx.situation}: error code is not the one documented for this situation{where}",
                received=code,
                documented=" or ".join(expected.codes),
            )


_SPECIFIC = {"bad-key", "no-key", "after-delete", "never-trained"}


@check(stateful_only=True)
def documented_outcome_for_situation(ctx: CheckContext, response: ResponseRecord) -> None:
    """A provoked situation answers the documented status and the specific error code.

    Source: Face error codes (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes): a missing or invalid group is 404
    PersonGroupNotFound (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247), a missing person 404 PersonNotFound, an existing group 409
    PersonGroupExists, a bad image 400 InvalidImage/InvalidImageSize; Speaker (https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json)
    and Custom Voice (https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json) likewise. A generic code where a specific one is
    documented is a finding.
    """
    if ctx.expected is None or ctx.situation in _SPECIFIC:
        return
    _expect(ctx, response)


@check(stateful_only=True)
def auth_rejects_bad_key(ctx: CheckContext, response: ResponseRecord) -> None:
    """A request with a wrong or missing subscription key is rejected with 401 and the documented body.

    Source: https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 Response 401 (code Unspecified, "Access denied due to invalid subscription
    key"); https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes: 401, https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json (Speaker 401 Unauthorized), https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (Custom Voice
    Unauthorized).
    """
    if ctx.situation not in {"bad-key", "no-key"} or ctx.expected is None:
        return
    _expect(ctx, response)


@check(stateful_only=True)
def deleted_resource_not_found(ctx: CheckContext, response: ResponseRecord) -> None:
    """After a successful delete, reading the resource answers 404 with the resource's not-found code.

    Source: https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 Response 404 PersonGroupNotFound ("the group does not exist"); https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes (PersonNotFound, PersistedFaceNotFound), https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json (Speaker 404), https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (Custom Voice delete
    204, NotFound afterwards).
    """
    if ctx.situation != "after-delete" or ctx.expected is None:
        return
    _expect(ctx, response)


@check(stateful_only=True)
def lro_not_trained_before_train(ctx: CheckContext, response: ResponseRecord) -> None:
    """Training status of a group that was never trained is 404 PersonGroupNotTrained.

    Source: https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 Response 404 "PersonGroupNotTrained: the group was never trained";
    https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes, Get Training Status.
    """
    if ctx.situation != "never-trained" or ctx.expected is None:
        return
    _expect(ctx, response)
