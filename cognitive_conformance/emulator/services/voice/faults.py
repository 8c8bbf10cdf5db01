"""Custom Voice faults on its behaviour: Operation-Id idempotency, speaker verification, paging, profile ids.

Registered with :func:`emulator.faults.register_fault` when the service package is imported; the
pipeline applies them to Custom Voice requests only. Paging and the speaker profile id are reply
rewrites; the Operation-Id and verification faults turn a :class:`~emulator.faults.Behaviour` knob,
because whether a request is a retry, and whether a training passes verification, depends on
state (earlier operations, the consent's audio) that no single reply shows.

Sources: POST, Personal Voices - Post (2024-02-01-preview),
https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview
(Operation-Id request header, speakerProfileId, failure reasons); specs/customvoice.yaml (paging).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from cognitive_conformance.emulator.faults import Behaviour, Exchange, Fault, register_fault
from cognitive_conformance.emulator.routing import Reply

__all__ = [
    "OperationIdRetryRejected",
    "OperationIdReuseAccepted",
    "SpeakerVerificationSkipped",
    "ListPagesOverlap",
    "SpeakerProfileIdChanges",
]

POST = "https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview"
_LISTS = frozenset({"Projects_List", "Consents_List", "PersonalVoices_List"})


@register_fault
class OperationIdRetryRejected(Fault):
    """Knob ``replay_identical_retries``."""

    name = "operation-id-retry-rejected"
    description = "An identical retry with the same Operation-Id is treated as a new request (400 'already exists')."
    breaks = f"The same Operation-Id with an identical request is a safe retry ({POST}, Operation-Id header)."
    expected_check = "voice_operation_id_retry_idempotent"

    def adjust(self, behaviour: Behaviour) -> Behaviour:
        return replace(behaviour, replay_identical_retries=False)


@register_fault
class OperationIdReuseAccepted(Fault):
    """Knob ``reject_reused_operation_ids``."""

    name = "operation-id-reuse-accepted"
    description = "An Operation-Id reused with a different request is accepted (a new operation is made)."
    breaks = f"Reusing an Operation-Id with a different request is 400 Bad Request ({POST}, Operation-Id header)."
    expected_check = "voice_operation_id_reuse_rejected"

    def adjust(self, behaviour: Behaviour) -> Behaviour:
        return replace(behaviour, reject_reused_operation_ids=False)


@register_fault
class SpeakerVerificationSkipped(Fault):
    """Knob ``verify_training_identity``: the outcome is decided from the audio when the training is submitted."""

    name = "speaker-verification-skipped"
    description = "A personal voice trains to Succeeded even when consent and training audio are different speakers."
    breaks = f"Different speakers end Failed with failureReason SpeakerVerificationFailed ({POST}, ModelFailureReason)."
    expected_check = "voice_speaker_verification_fails"

    def adjust(self, behaviour: Behaviour) -> Behaviour:
        return replace(behaviour, verify_training_identity=False)


@register_fault
class ListPagesOverlap(Fault):
    name = "list-pages-overlap"
    description = "List nextLink starts the next page one item early, so an item appears on two pages."
    breaks = "nextLink leads to the next page: skip advances by maxpagesize (specs/customvoice.yaml Projects_List, x-ms-pageable)."
    expected_check = "voice_list_pages_complete"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        """Lower the nextLink's ``skip`` by one (pages of one item are left alone: nothing could repeat)."""
        if exchange.operation_id not in _LISTS or reply.status != 200 or not isinstance(reply.json, dict):
            return reply
        link = reply.json.get("nextLink")
        if not isinstance(link, str):
            return reply
        parts = urlsplit(link)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if not query.get("skip", "").isdigit() or int(query.get("maxpagesize", "1")) <= 1 or int(query["skip"]) == 0:
            return reply
        query["skip"] = str(int(query["skip"]) - 1)
        return replace(reply, json={**reply.json, "nextLink": urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))})


@register_fault
class SpeakerProfileIdChanges(Fault):
    name = "speaker-profile-id-changes"
    description = "Every PersonalVoices_Get answers a fresh speakerProfileId."
    breaks = f"speakerProfileId is the personal voice's one speaker profile GUID, used in SSML ({POST})."
    expected_check = "voice_speaker_profile_id_stable"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if exchange.operation_id == "PersonalVoices_Get" and reply.status == 200 and isinstance(reply.json, dict):
            return replace(reply, json={**reply.json, "speakerProfileId": str(uuid.uuid4())})
        return reply
