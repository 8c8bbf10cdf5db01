"""Speaker faults: each breaks one enrollment/identify/list rule and names the check that catches it.

Registered with :func:`emulator.faults.register_fault` when the service package is imported; the
pipeline applies them to Speaker requests only. Every one is a reply rewrite. The enrollment
faults rewrite the 201 TiEnrollmentInfo consistently (so that exactly one accounting rule
breaks: e.g. a wrong ``audioLengthInSec`` is added to the totals too, so the totals are still
the sums of what was reported); the list fault moves the nextLink cursor back by one profile.

Sources: ENROLL, Create Enrollment (text-independent identification),
https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/text-independent/create-enrollment
(TiEnrollmentInfo fields, the 20 s speech requirement); specs/speaker.yaml (list paging, identify,
delete).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from cognitive_conformance.emulator.faults import Exchange, Fault, register_fault
from cognitive_conformance.emulator.routing import Reply

__all__ = [
    "EnrollmentCountStuck",
    "EnrollmentTotalsDrift",
    "AudioLengthOff",
    "SpeechExceedsAudio",
    "RemainingGrows",
    "EnrolledTooEarly",
    "ListPagesOverlap",
    "IdentifyWrongProfile",
    "DeleteReturns200WithBody",
]

ENROLL = "https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/text-independent/create-enrollment"
SR_LIST = "specs/speaker.yaml TextIndependent_ListProfiles, x-ms-pageable"

_ENROLL = "TextIndependent_CreateEnrollment"
_IDENTIFY = "TextIndependent_IdentifySingleSpeaker"
_LIST = "TextIndependent_ListProfiles"


def _enrollment(exchange: Exchange, reply: Reply) -> dict[str, Any] | None:
    if exchange.operation_id == _ENROLL and reply.status == 201 and isinstance(reply.json, dict):
        return dict(reply.json)
    return None


class _EnrollmentFault(Fault):
    def rewrite(self, body: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _enrollment(exchange, reply)
        if body is None:
            return reply
        return replace(reply, json=self.rewrite(body))


@register_fault
class EnrollmentCountStuck(_EnrollmentFault):
    name = "speaker-enrollment-count-stuck"
    description = "Create Enrollment's 201 reports one enrollment fewer than the profile holds."
    breaks = f"enrollmentsCount counts the accepted enrollments, so each 201 adds one ({ENROLL}, TiEnrollmentInfo)."
    expected_check = "enrollment_count_increments"

    def rewrite(self, body: dict[str, Any]) -> dict[str, Any]:
        body["enrollmentsCount"] = max(0, int(body.get("enrollmentsCount", 0)) - 1)
        return body


@register_fault
class EnrollmentTotalsDrift(_EnrollmentFault):
    name = "speaker-enrollment-totals-drift"
    description = "enrollmentsLengthInSec grows by 0.5 s more than the audio of each enrollment."
    breaks = f"enrollmentsLengthInSec is the total length of the accepted enrollment audios ({ENROLL})."
    expected_check = "enrollment_totals_are_sums"

    def rewrite(self, body: dict[str, Any]) -> dict[str, Any]:
        body["enrollmentsLengthInSec"] = round(body["enrollmentsLengthInSec"] + 0.5 * body["enrollmentsCount"], 2)
        return body


@register_fault
class AudioLengthOff(_EnrollmentFault):
    name = "speaker-audio-length-off"
    description = "audioLengthInSec (and so the total) is 1 s longer than the audio sent."
    breaks = f"audioLengthInSec is this enrollment's audio length ({ENROLL})."
    expected_check = "enrollment_audio_length_matches"

    def rewrite(self, body: dict[str, Any]) -> dict[str, Any]:
        body["audioLengthInSec"] = round(body["audioLengthInSec"] + 1.0, 2)
        body["enrollmentsLengthInSec"] = round(body["enrollmentsLengthInSec"] + 1.0 * body["enrollmentsCount"], 2)
        return body


@register_fault
class SpeechExceedsAudio(_EnrollmentFault):
    name = "speaker-speech-exceeds-audio"
    description = "audioSpeechLengthInSec is 0.5 s longer than the audio itself (totals follow)."
    breaks = f"Pure speech is the audio after removing silence, so it cannot exceed the audio ({ENROLL})."
    expected_check = "enrollment_speech_within_audio"

    def rewrite(self, body: dict[str, Any]) -> dict[str, Any]:
        body["audioSpeechLengthInSec"] = round(body["audioLengthInSec"] + 0.5, 2)
        body["enrollmentsSpeechLengthInSec"] = round(body["enrollmentsLengthInSec"] + 0.5 * body["enrollmentsCount"], 2)
        return body


@register_fault
class RemainingGrows(_EnrollmentFault):
    name = "speaker-remaining-grows"
    description = "While Enrolling, remainingEnrollmentsSpeechLengthInSec grows by 1 s with each enrollment."
    breaks = f"Remaining speech = the 20 s requirement minus the speech collected, so it never grows ({ENROLL})."
    expected_check = "enrollment_remaining_never_grows"

    def rewrite(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("enrollmentStatus") == "Enrolling":
            body["remainingEnrollmentsSpeechLengthInSec"] = 20.0 + body["enrollmentsCount"]
        return body


@register_fault
class EnrolledTooEarly(_EnrollmentFault):
    name = "speaker-enrolled-too-early"
    description = "Create Enrollment reports Enrolled while speech is still missing."
    breaks = f"A profile is Enrolled only after 20 s of speech (or ignoreMinLength) and its voice print ({ENROLL})."
    expected_check = "enrollment_status_consistent"

    def rewrite(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("enrollmentStatus") == "Enrolling":
            body["enrollmentStatus"] = "Enrolled"
        return body


@register_fault
class ListPagesOverlap(Fault):
    name = "speaker-list-pages-overlap"
    description = "Each nextLink page of List Profiles repeats the previous page's last profile."
    breaks = f"x-ms-pageable: following nextLink pages lists every profile once ({SR_LIST})."
    expected_check = "list_pages_cover_each_once"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        """Move the nextLink's keyset cursor (``after=<last id>``) to just before the last id of the page."""
        if exchange.operation_id != _LIST or reply.status != 200 or not isinstance(reply.json, dict):
            return reply
        link = reply.json.get("nextLink")
        if not isinstance(link, str):
            return reply
        parts = urlsplit(link)
        query = parse_qsl(parts.query, keep_blank_values=True)
        cursor = next((v for k, v in query if k == "after"), None)
        if cursor is None or int(uuid.UUID(cursor)) == 0:
            return reply
        earlier = str(uuid.UUID(int=int(uuid.UUID(cursor)) - 1))
        query = [(k, earlier if k == "after" else v) for k, v in query]
        return replace(reply, json={**reply.json, "nextLink": urlunsplit(parts._replace(query=urlencode(query)))})


@register_fault
class IdentifyWrongProfile(Fault):
    name = "speaker-identify-wrong-profile"
    description = "Identify names the second-best candidate instead of the best one."
    breaks = "identifiedProfile is the enrolled profile that matches the speaker (specs/speaker.yaml TextIndependent_IdentifySingleSpeaker)."
    expected_check = "identify_returns_enrolled_speaker"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if exchange.operation_id != _IDENTIFY or reply.status != 200 or not isinstance(reply.json, dict):
            return reply
        ranking = reply.json.get("profilesRanking") or []
        if len(ranking) < 2:
            return reply
        return replace(reply, json={**reply.json, "identifiedProfile": dict(ranking[1])})


@register_fault
class DeleteReturns200WithBody(Fault):
    name = "speaker-delete-returns-200-with-body"
    description = "Delete Profile answers 200 with a JSON body instead of 204 No Content."
    breaks = "TextIndependent_DeleteProfile answers 204 (specs/speaker.yaml TextIndependent_DeleteProfile)."
    expected_check = "status_code_documented"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if exchange.operation_id == "TextIndependent_DeleteProfile" and reply.status == 204:
            return replace(reply, status=200, json={"deleted": True}, content=None)
        return reply
