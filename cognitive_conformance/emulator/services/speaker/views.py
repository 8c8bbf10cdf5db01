"""JSON bodies of the Speaker responses (TiProfileInfo, TiEnrollmentInfo, IdentifiedSingleSpeakerInfo).

Numbers of seconds are rounded to 2 decimals like the upstream examples (1.83 s, 18.65 s);
dates are RFC 3339 UTC with milliseconds.

Source: https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json (schemas and example values); https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (TiEnrollmentInfo fields).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cognitive_conformance.emulator.clock import format_rfc3339
from cognitive_conformance.emulator.services.speaker.models import MODEL_VERSION, Profile

__all__ = ["EMPTY_GUID", "in_progress", "seconds", "profile_body", "enrollment_body", "score_entry"]

EMPTY_GUID = "00000000-0000-0000-0000-000000000000"
"""The identified profile when no candidate is close enough (https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json)."""


def in_progress(reply: Any) -> bool:
    """A 200 profile read whose voice print is still being built (``ServiceDefinition.in_progress``)."""
    body = reply.json if reply.status == 200 else None
    return isinstance(body, dict) and body.get("enrollmentStatus") == "Training"


def seconds(value: float) -> float:
    """Seconds rounded to 2 decimals (never negative)."""
    return max(0.0, round(float(value), 2))


def _totals(profile: Profile, now: datetime) -> dict[str, Any]:
    return {
        "enrollmentStatus": profile.status(now),
        "enrollmentsCount": profile.count,
        "enrollmentsLengthInSec": seconds(profile.audio_s),
        "enrollmentsSpeechLengthInSec": seconds(profile.speech_s),
        "remainingEnrollmentsSpeechLengthInSec": seconds(profile.remaining_s),
    }


def profile_body(profile: Profile, now: datetime) -> dict[str, Any]:
    """TiProfileInfo at ``now`` (status derived from the voice print's timestamps)."""
    return {
        "profileId": profile.profile_id,
        "locale": profile.locale,
        "profileStatus": profile.profile_status,
        **_totals(profile, now),
        "createdDateTime": format_rfc3339(profile.created_at),
        "lastUpdatedDateTime": format_rfc3339(profile.updated_at),
        "modelVersion": MODEL_VERSION if profile.enrollments else "",
    }


def enrollment_body(profile: Profile, audio_s: float, speech_s: float, now: datetime) -> dict[str, Any]:
    """TiEnrollmentInfo: the profile's totals after this enrollment plus this request's lengths."""
    return {
        "profileId": profile.profile_id,
        **_totals(profile, now),
        "audioLengthInSec": seconds(audio_s),
        "audioSpeechLengthInSec": seconds(speech_s),
    }


def score_entry(profile_id: str, score: float) -> dict[str, Any]:
    """IdentifyInfo ``{profileId, score}`` with the score clipped to [0, 1] and rounded to 4 decimals."""
    return {"profileId": profile_id, "score": round(min(1.0, max(0.0, float(score))), 4)}
