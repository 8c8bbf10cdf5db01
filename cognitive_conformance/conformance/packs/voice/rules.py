"""Rule family: Custom Voice personal voices (https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview).

* ``speakerProfileId`` is a GUID, assigned once: every read of the same personal voice shows the same one;
* speaker verification decides the outcome: consent and training audio of the same speaker train to
  ``Succeeded``; of different speakers, to ``Failed`` with ``failureReason`` ``SpeakerVerificationFailed``;
* ``Operation-Id``: the identical request retried with the same id is a safe retry (same operation, same
  resource); the same id with a different request is 400 Bad Request;
* paginated lists: following ``nextLink`` from the first page visits every item exactly once.

Each judges typed evidence: the personal voice's :class:`~conformance.flows.LroTrace`, an
:class:`~conformance.flows.IdempotencyRecord`, a :class:`~conformance.flows.PageWalk`. The generic
long-running rules (legal status path, sticky terminal status, operation vs resource, ordered
timestamps) are the ``lro`` family's.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from cognitive_conformance.conformance.checks._util import error_body, truncate
from cognitive_conformance.conformance.checks.lro import outcome_matches
from cognitive_conformance.conformance.checks.pagination import judge_walk
from cognitive_conformance.conformance.checks.registry import NotApplicable, flow_rule
from cognitive_conformance.conformance.failures import HeaderFailure, ResourceFieldChanged, StatusFailure
from cognitive_conformance.conformance.flows.evidence import RESOURCE, IdempotencyRecord, LroTrace, PageWalk
from cognitive_conformance.conformance.spec import Spec
from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = [
    "OperationIdNotIdempotent",
    "OperationIdReuseAccepted",
    "DIFFERENT_SPEAKERS",
    "SAME_SPEAKER",
    "voice_speaker_profile_id_stable",
    "voice_speaker_verification_fails",
    "voice_operation_id_retry_idempotent",
    "voice_operation_id_reuse_rejected",
    "voice_list_pages_complete",
]

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
#: The cases of :class:`~conformance.flows.ExpectedOutcome` the Custom Voice scenarios set.
SAME_SPEAKER, DIFFERENT_SPEAKERS = "same-speaker", "different-speakers"
# Fields of a created resource that an identical retry must return unchanged (status may have moved on).
_STABLE_FIELDS = ("id", "projectId", "consentId", "speakerProfileId", "createdDateTime", "voiceTalentName", "locale")


class OperationIdNotIdempotent(HeaderFailure):
    title = "Identical retry with the same Operation-Id was not a safe retry"


class OperationIdReuseAccepted(StatusFailure):
    title = "Operation-Id reused with a different request was accepted"


def _body(response: ResponseRecord) -> dict | None:
    body = response.json_or_none()
    return body if isinstance(body, dict) else None


@flow_rule(evidence=LroTrace)
def voice_speaker_profile_id_stable(spec: Spec, trace: LroTrace) -> None:
    """A personal voice's speakerProfileId is a GUID and every read of the same personal voice returns the same one.

    Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (PersonalVoice.speakerProfileId, "Personal voice speaker profile id. Fill this property
    in SSML"; sample 3059912f-a3dc-49e3-bdd0-02e449df1fe3); https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (uuid, readOnly).
    """
    first: str | None = None
    for exchange in (trace.submit, *(r.exchange for r in trace.via(RESOURCE))):
        body = _body(exchange)
        if body is None or not 200 <= exchange.status_code < 300 or "speakerProfileId" not in body:
            continue
        current = body["speakerProfileId"]
        if not isinstance(current, str) or not _GUID.fullmatch(current):
            raise ResourceFieldChanged(
                "speakerProfileId is not a GUID",
                received=truncate(current),
                documented="a GUID such as 3059912f-a3dc-49e3-bdd0-02e449df1fe3",
            )
        if first is not None and current != first:
            raise ResourceFieldChanged(
                f"speakerProfileId of personal voice {body.get('id')!r} changed between two reads",
                received=f"{first} then {current}",
                documented="one speakerProfileId, assigned at creation",
            )
        first = current
    if first is None:
        raise NotApplicable("no read of the resource carried a speakerProfileId")


@flow_rule(evidence=LroTrace)
def voice_speaker_verification_fails(spec: Spec, trace: LroTrace) -> None:
    """A personal voice trained on another speaker's audio than the consent's ends Failed with failureReason SpeakerVerificationFailed; the consent's own speaker ends Succeeded.

    Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (ModelFailureReason SpeakerVerificationFailed; Status Succeeded/Failed); https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json
    definitions.ModelFailureReason ("the consent and training audio are not from the same speaker").
    """
    case = trace.expected.case if trace.expected is not None else None
    if case not in (SAME_SPEAKER, DIFFERENT_SPEAKERS):
        raise NotApplicable("the trace is not a personal voice with a known speaker relation")
    outcome_matches(trace, case)


@flow_rule(evidence=IdempotencyRecord)
def voice_operation_id_retry_idempotent(spec: Spec, record: IdempotencyRecord) -> None:
    """The identical create request retried with the same Operation-Id returns the same operation and the same resource.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json parameters.HeaderOperationId (a matching Operation-Id fails only when "the request is not
    identical to the prior request"); https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (Operation-Id request header; 201 with Operation-Id and
    Operation-Location).
    """
    first, response = record.first, record.retry
    if response is None:
        raise NotApplicable("no identical retry was sent")
    if not 200 <= first.status_code < 300:
        raise NotApplicable("the first request was not accepted")
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


@flow_rule(evidence=IdempotencyRecord)
def voice_operation_id_reuse_rejected(spec: Spec, record: IdempotencyRecord) -> None:
    """A create that reuses an existing Operation-Id with a different request is rejected with 400 BadRequest.

    Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview ("If the Operation-Id header matches an existing operation and the request is not
    identical to the prior request, it will fail with a 400 Bad Request"); https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json;
    specs/customvoice.yaml (400 BadRequest).
    """
    response = record.reuse
    if response is None:
        raise NotApplicable("the Operation-Id was not reused with a different request")
    err = error_body(response)
    code = err.get("code") if err else None
    if response.status_code != 400 or (spec.profile == "docs" and code != "BadRequest"):
        raise OperationIdReuseAccepted(
            "the Operation-Id of an earlier, different request was accepted again",
            received=f"{response.status_code} {code or ''}".strip(),
            documented="400 BadRequest",
        )


@flow_rule(evidence=PageWalk)
def voice_list_pages_complete(spec: Spec, walk: PageWalk) -> None:
    """Following nextLink from the first page visits every item exactly once, each page at most maxpagesize long.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (Paginated*: value + nextLink; skip, maxpagesize); example
    tests/reference/azure-examples/custom-voice/2024-02-01-preview/get_personalvoices.json (nextLink …?skip=2&maxpagesize=2).
    """
    judge_walk(walk, "item")
