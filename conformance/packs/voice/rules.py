"""Rule family: Custom Voice personal voices (https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview).

* ``speakerProfileId`` is a GUID, assigned once: every read of the same personal voice shows the same one;
* speaker verification decides the outcome: consent and training audio of the same speaker train to
  ``Succeeded``; of different speakers, to ``Failed`` with ``failureReason`` ``SpeakerVerificationFailed``;
* ``Operation-Id``: the identical request retried with the same id is a safe retry (same operation, same
  resource); the same id with a different request is 400 Bad Request;
* paginated lists: following ``nextLink`` from the first page visits every item exactly once.

The generic long-running rules (legal status path, sticky terminal status, operation vs resource,
ordered timestamps) are the ``lro`` family's; the scenarios hand them the Custom Voice order
``NotStarted → Running → Succeeded | Failed``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from conformance.checks._util import error_body, norm_status, truncate
from conformance.checks.lro import status_of
from conformance.checks.registry import check
from conformance.context import CheckContext
from conformance.failures import BodyFailure, HeaderFailure, ResourceFieldChanged, StatusFailure, TrainingResultUnexpected
from conformance.transport import ResponseRecord

__all__ = [
    "OperationIdNotIdempotent",
    "OperationIdReuseAccepted",
    "PaginationBroken",
    "voice_speaker_profile_id_stable",
    "voice_speaker_verification_fails",
    "voice_operation_id_retry_idempotent",
    "voice_operation_id_reuse_rejected",
    "voice_list_pages_complete",
]

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_TERMINAL = {"succeeded", "failed"}
# Fields of a created resource that an identical retry must return unchanged (status may have moved on).
_STABLE_FIELDS = ("id", "projectId", "consentId", "speakerProfileId", "createdDateTime", "voiceTalentName", "locale")


class OperationIdNotIdempotent(HeaderFailure):
    title = "Identical retry with the same Operation-Id was not a safe retry"


class OperationIdReuseAccepted(StatusFailure):
    title = "Operation-Id reused with a different request was accepted"


class PaginationBroken(BodyFailure):
    title = "Following nextLink does not visit every item exactly once"


def _body(response: ResponseRecord) -> dict | None:
    body = response.json_or_none()
    return body if isinstance(body, dict) else None


@check
def voice_speaker_profile_id_stable(ctx: CheckContext, response: ResponseRecord) -> None:
    """A personal voice's speakerProfileId is a GUID and every read of the same personal voice returns the same one.

    Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (PersonalVoice.speakerProfileId, "Personal voice speaker profile id. Fill this property
    in SSML"; sample 3059912f-a3dc-49e3-bdd0-02e449df1fe3); https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (uuid, readOnly).
    """
    if ctx.service != "customvoice" or not 200 <= response.status_code < 300:
        return
    body = _body(response)
    if body is None or "speakerProfileId" not in body:
        return
    current = body["speakerProfileId"]
    if not isinstance(current, str) or not _GUID.fullmatch(current):
        raise ResourceFieldChanged(
            "speakerProfileId is not a GUID",
            received=truncate(current),
            documented="a GUID such as 3059912f-a3dc-49e3-bdd0-02e449df1fe3",
        )
    for earlier in ctx.history:
        old = _body(earlier)
        if not old or not 200 <= earlier.status_code < 300 or old.get("id") != body.get("id"):
            continue
        before = old.get("speakerProfileId")
        if isinstance(before, str) and before != current:
            raise ResourceFieldChanged(
                f"speakerProfileId of personal voice {body.get('id')!r} changed between two reads",
                received=f"{before} then {current}",
                documented="one speakerProfileId, assigned at creation",
            )


@check(stateful_only=True)
def voice_speaker_verification_fails(ctx: CheckContext, response: ResponseRecord) -> None:
    """A personal voice trained on another speaker's audio than the consent's ends Failed with failureReason SpeakerVerificationFailed; the consent's own speaker ends Succeeded.

    Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (ModelFailureReason SpeakerVerificationFailed; Status Succeeded/Failed); https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json
    definitions.ModelFailureReason ("the consent and training audio are not from the same speaker").
    """
    if ctx.situation not in {"different-speakers-terminal", "same-speaker-terminal"} or ctx.lro is None:
        return
    if not 200 <= response.status_code < 300:
        return
    status = status_of(response)
    if status is None or norm_status(status) not in _TERMINAL:
        return
    body = _body(response) or {}
    properties = body.get("properties") if isinstance(body.get("properties"), dict) else {}
    reason = properties.get("failureReason")
    if ctx.situation == "same-speaker-terminal":
        if norm_status(status) != "succeeded":
            raise TrainingResultUnexpected(
                "a personal voice trained on the consent speaker's own audio did not succeed",
                received=f"{status} (failureReason: {reason})",
                documented="Succeeded",
            )
        return
    if norm_status(status) != "failed" or (ctx.operation_id != "Operations_Get" and reason != "SpeakerVerificationFailed"):
        raise TrainingResultUnexpected(
            "a personal voice trained on another speaker's audio than the consent's",
            received=f"{status} (failureReason: {reason})",
            documented="Failed with properties.failureReason SpeakerVerificationFailed",
        )


@check(stateful_only=True)
def voice_operation_id_retry_idempotent(ctx: CheckContext, response: ResponseRecord) -> None:
    """The identical create request retried with the same Operation-Id returns the same operation and the same resource.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json parameters.HeaderOperationId (a matching Operation-Id fails only when "the request is not
    identical to the prior request"); https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (Operation-Id request header; 201 with Operation-Id and
    Operation-Location).
    """
    if ctx.situation != "operation-id-retry" or not ctx.history:
        return
    first = ctx.history[0]
    if not 200 <= response.status_code < 300:
        err = error_body(response) or {}
        raise OperationIdNotIdempotent(
            "the identical retry was rejected",
            received=f"{response.status_code} {err.get('code', '')}: {truncate(err.get('message', ''), 120)}",
            documented=f"{first.status_code} with the original operation and resource",
        )
    sent_id = first.header("operation-id")
    if response.header("operation-id") != sent_id:
        raise OperationIdNotIdempotent(
            "the retry answered another Operation-Id",
            received=response.header("operation-id"),
            documented=sent_id,
        )
    old_loc, new_loc = first.header("operation-location"), response.header("operation-location")
    if old_loc and (not new_loc or urlsplit(old_loc).path != urlsplit(new_loc).path):
        raise OperationIdNotIdempotent(
            "the retry answered another Operation-Location",
            received=new_loc,
            documented=old_loc,
        )
    old, new = _body(first) or {}, _body(response) or {}
    for name in _STABLE_FIELDS:
        if name in old and old.get(name) != new.get(name):
            raise OperationIdNotIdempotent(
                f"the retry returned a different resource ({name} differs)",
                received=truncate(new.get(name)),
                documented=truncate(old.get(name)),
            )


@check(stateful_only=True)
def voice_operation_id_reuse_rejected(ctx: CheckContext, response: ResponseRecord) -> None:
    """A create that reuses an existing Operation-Id with a different request is rejected with 400 BadRequest.

    Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview ("If the Operation-Id header matches an existing operation and the request is not
    identical to the prior request, it will fail with a 400 Bad Request"); https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json;
    specs/customvoice.yaml (400 BadRequest).
    """
    if ctx.situation != "operation-id-reused":
        return
    err = error_body(response)
    code = err.get("code") if err else None
    if response.status_code != 400 or (ctx.profile == "strict" and code != "BadRequest"):
        raise OperationIdReuseAccepted(
            "the Operation-Id of an earlier, different request was accepted again",
            received=f"{response.status_code} {code or ''}".strip(),
            documented="400 BadRequest",
        )


@check(stateful_only=True)
def voice_list_pages_complete(ctx: CheckContext, response: ResponseRecord) -> None:
    """Following nextLink from the first page visits every item exactly once, each page at most maxpagesize long.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (Paginated*: value + nextLink; skip, maxpagesize); example
    tests/reference/azure-examples/custom-voice/2024-02-01-preview/get_personalvoices.json (nextLink …?skip=2&maxpagesize=2).
    ``ctx.history`` holds the earlier pages, ``ctx.extra`` the ``maxpagesize`` asked and the
    ``expected_ids`` the scenario created.
    """
    if ctx.situation != "list-walk" or not 200 <= response.status_code < 300:
        return
    pages = [*ctx.history, response]
    size = ctx.extra.get("maxpagesize")
    seen: list[str] = []
    for number, page in enumerate(pages, 1):
        body = _body(page) or {}
        items = body.get("value") if isinstance(body.get("value"), list) else []
        if isinstance(size, int) and len(items) > size:
            raise PaginationBroken(
                f"page {number} holds {len(items)} items", received=len(items), documented=f"at most maxpagesize={size}"
            )
        seen.extend(str(i.get("id")) for i in items if isinstance(i, dict))
    twice = sorted({i for i in seen if seen.count(i) > 1})
    if twice:
        raise PaginationBroken(
            f"{len(twice)} item(s) appear on more than one page", received=", ".join(twice[:5]), documented="each item once"
        )
    missing = sorted(set(ctx.extra.get("expected_ids") or ()) - set(seen))
    if missing:
        raise PaginationBroken(
            f"{len(missing)} item(s) never appear on any page", received=", ".join(missing[:5]), documented="every item once"
        )
