"""Custom Voice faults: each breaks one documented rule and names the check that must catch it.

Registered with :func:`emulator.faults.register_fault` when the service package is imported. The
flag faults turn a switch in ``Behaviour.flags`` that the handlers consult; the reply fault rewrites
``PersonalVoices_Get`` bodies.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from emulator.faults import Behaviour, Exchange, Fault, register_fault
from emulator.routing import Reply
from emulator.services.voice.state import (
    FLAG_PAGES_OVERLAP,
    FLAG_RETRY_NOT_IDEMPOTENT,
    FLAG_REUSE_ACCEPTED,
    FLAG_SKIP_VERIFICATION,
)

__all__ = [
    "OperationIdRetryRejected",
    "OperationIdReuseAccepted",
    "SpeakerVerificationSkipped",
    "ListPagesOverlap",
    "SpeakerProfileIdChanges",
]


class _Flag(Fault):
    def adjust(self, behaviour: Behaviour) -> Behaviour:
        return replace(behaviour, flags=behaviour.flags | {self.name})


@register_fault
class OperationIdRetryRejected(_Flag):
    name = FLAG_RETRY_NOT_IDEMPOTENT
    description = "An identical retry with the same Operation-Id is treated as a new request (400 'already exists')."
    breaks = "The same Operation-Id with an identical request is a safe retry (https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json parameters.HeaderOperationId; https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview)."
    expected_check = "voice_operation_id_retry_idempotent"


@register_fault
class OperationIdReuseAccepted(_Flag):
    name = FLAG_REUSE_ACCEPTED
    description = "An Operation-Id reused with a different request is accepted (a new operation is made)."
    breaks = "Reusing an Operation-Id with a different request is 400 Bad Request (https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json parameters.HeaderOperationId; https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview)."
    expected_check = "voice_operation_id_reuse_rejected"


@register_fault
class SpeakerVerificationSkipped(_Flag):
    name = FLAG_SKIP_VERIFICATION
    description = "A personal voice trains to Succeeded even when consent and training audio are different speakers."
    breaks = "Different speakers end Failed with failureReason SpeakerVerificationFailed (https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview ModelFailureReason)."
    expected_check = "voice_speaker_verification_fails"


@register_fault
class ListPagesOverlap(_Flag):
    name = FLAG_PAGES_OVERLAP
    description = "List nextLink starts the next page one item early, so an item appears on two pages."
    breaks = "nextLink leads to the next page: skip advances by maxpagesize (https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json; get_personalvoices.json)."
    expected_check = "voice_list_pages_complete"


@register_fault
class SpeakerProfileIdChanges(Fault):
    name = "speaker-profile-id-changes"
    description = "Every PersonalVoices_Get answers a fresh speakerProfileId."
    breaks = "speakerProfileId is the personal voice's one speaker profile GUID, used in SSML (https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json)."
    expected_check = "voice_speaker_profile_id_stable"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if exchange.operation_id == "PersonalVoices_Get" and reply.status == 200 and isinstance(reply.json, dict):
            return replace(reply, json={**reply.json, "speakerProfileId": str(uuid.uuid4())})
        return reply
