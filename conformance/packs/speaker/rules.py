"""Rule family: Speaker Recognition enrollment accounting, identification and profile paging (https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment).

The enrollment checks read one ``TextIndependent_CreateEnrollment`` 201 (TiEnrollmentInfo) in
the context the enroll-until-Enrolled scenario gives it:

* ``ctx.history``: the profile's records since it was created or reset, oldest first: the
  create/reset TiProfileInfo (count 0) and every earlier enrollment 201;
* ``ctx.extra["sent_audio_s"]``: the length of the audio this request sent (samples / 16000);
* ``ctx.extra["min_length_waived"]``: whether ``ignoreMinLength=true`` was sent on this or an
  earlier enrollment of the profile.

Numbers are compared with the rounding the documents show (two decimals, e.g. 1.83 s): a
tolerance of 0.01 s per summed value. ``audioLengthInSec`` may differ from the audio sent by at
most :data:`AUDIO_LENGTH_TOLERANCE_S` or :data:`AUDIO_LENGTH_TOLERANCE_RATIO` of it, whichever
is larger (a service may count a partial last frame or trim a header).

The paging check reads the last page of a ``nextLink`` walk (``ctx.history`` holds the earlier
pages, ``ctx.extra["expected_ids"]`` the profiles that existed during the whole walk). The
identify check reads an identification whose speaker is known (``ctx.extra["speaker_profile"]``).
"""

from __future__ import annotations

from typing import Any

from conformance.checks.registry import check
from conformance.context import CheckContext
from conformance.failures import AccountingViolation, BodyFailure
from conformance.transport import ResponseRecord

__all__ = [
    "AUDIO_LENGTH_TOLERANCE_RATIO",
    "AUDIO_LENGTH_TOLERANCE_S",
    "ENROLL_OPERATION",
    "IDENTIFY_OPERATION",
    "LIST_OPERATION",
    "PagingViolation",
    "WrongSpeakerIdentified",
    "enrollment_audio_length_matches",
    "enrollment_count_increments",
    "enrollment_remaining_never_grows",
    "enrollment_speech_within_audio",
    "enrollment_status_consistent",
    "enrollment_totals_are_sums",
    "identify_returns_enrolled_speaker",
    "list_pages_cover_each_once",
]

ENROLL_OPERATION = "TextIndependent_CreateEnrollment"
IDENTIFY_OPERATION = "TextIndependent_IdentifySingleSpeaker"
LIST_OPERATION = "TextIndependent_ListProfiles"
AUDIO_LENGTH_TOLERANCE_S = 0.1
AUDIO_LENGTH_TOLERANCE_RATIO = 0.02
_ROUNDING_S = 0.01
_EMPTY_GUID = "00000000-0000-0000-0000-000000000000"


class PagingViolation(BodyFailure):
    title = "Paging does not list every resource exactly once"


class WrongSpeakerIdentified(BodyFailure):
    title = "Identification names the wrong profile"


def _number(body: dict, name: str) -> float | None:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _enrollment_body(ctx: CheckContext, response: ResponseRecord) -> dict | None:
    if ctx.operation_id != ENROLL_OPERATION or response.status_code != 201:
        return None
    body = response.json_or_none()
    return body if isinstance(body, dict) else None


def _bodies(ctx: CheckContext) -> list[dict]:
    out = []
    for record in ctx.history:
        body = record.json_or_none()
        if 200 <= record.status_code < 300 and isinstance(body, dict):
            out.append(body)
    return out


def _previous(ctx: CheckContext, name: str) -> float | None:
    for body in reversed(_bodies(ctx)):
        value = _number(body, name)
        if value is not None:
            return value
    return None


@check(stateful_only=True)
def enrollment_count_increments(ctx: CheckContext, response: ResponseRecord) -> None:
    """Each accepted enrollment (201) reports enrollmentsCount one higher than the profile had before it.

    Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (TiEnrollmentInfo.enrollmentsCount "Number of enrollment audios accepted for
    this profile"); https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json; specs/speaker.yaml TextIndependent_CreateEnrollment 201.
    """
    body = _enrollment_body(ctx, response)
    if body is None:
        return
    before = _previous(ctx, "enrollmentsCount")
    now = _number(body, "enrollmentsCount")
    if before is None or now is None:
        return
    if now != before + 1:
        raise AccountingViolation(
            "enrollmentsCount did not go up by one with this accepted enrollment",
            received=f"{before:g} before, {now:g} after",
            documented=f"{before + 1:g}",
        )


@check(stateful_only=True)
def enrollment_totals_are_sums(ctx: CheckContext, response: ResponseRecord) -> None:
    """The totals enrollmentsLengthInSec and enrollmentsSpeechLengthInSec are the sums of every enrollment's audioLengthInSec and audioSpeechLengthInSec (±0.01 s per enrollment).

    Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (TiEnrollmentInfo: enrollmentsLengthInSec "Total length of enrollment audios
    accepted for this profile", enrollmentsSpeechLengthInSec "Summation of pure speech across all
    profile enrollments"); https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json.
    """
    body = _enrollment_body(ctx, response)
    if body is None:
        return
    bodies = _bodies(ctx)
    if not bodies or _number(bodies[0], "enrollmentsCount") != 0:
        return  # the walk must start from an empty profile (created or reset)
    enrollments = [b for b in bodies[1:] if "audioLengthInSec" in b] + [body]
    for total_name, part_name in (
        ("enrollmentsLengthInSec", "audioLengthInSec"),
        ("enrollmentsSpeechLengthInSec", "audioSpeechLengthInSec"),
    ):
        total = _number(body, total_name)
        parts = [_number(b, part_name) for b in enrollments]
        if total is None or any(p is None for p in parts):
            continue
        expected = sum(p for p in parts if p is not None)
        if abs(total - expected) > _ROUNDING_S * (len(parts) + 1):
            raise AccountingViolation(
                f"{total_name} is not the sum of the {len(parts)} enrollments' {part_name}",
                received=f"{total_name}={total:g}",
                documented=f"{' + '.join(f'{p:g}' for p in parts if p is not None)} = {expected:.2f}",
            )


@check(stateful_only=True)
def enrollment_audio_length_matches(ctx: CheckContext, response: ResponseRecord) -> None:
    """audioLengthInSec equals the length of the audio sent, within max(0.1 s, 2 %).

    Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (TiEnrollmentInfo.audioLengthInSec "This enrollment audio length in
    seconds"); the audio sent is 16 kHz 16-bit mono PCM, so its length is samples / 16000.
    """
    body = _enrollment_body(ctx, response)
    sent = ctx.extra.get("sent_audio_s")
    if body is None or not isinstance(sent, (int, float)):
        return
    reported = _number(body, "audioLengthInSec")
    if reported is None:
        return
    tolerance = max(AUDIO_LENGTH_TOLERANCE_S, AUDIO_LENGTH_TOLERANCE_RATIO * float(sent))
    if abs(reported - float(sent)) > tolerance:
        raise AccountingViolation(
            "audioLengthInSec does not match the audio sent",
            received=f"{reported:g} s",
            documented=f"{float(sent):.3f} s ± {tolerance:.2f} s",
        )


@check(stateful_only=True)
def enrollment_speech_within_audio(ctx: CheckContext, response: ResponseRecord) -> None:
    """Pure speech never exceeds the audio: audioSpeechLengthInSec ≤ audioLengthInSec and enrollmentsSpeechLengthInSec ≤ enrollmentsLengthInSec.

    Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (audioSpeechLengthInSec is "audio after removing silence and non-speech
    segments"); https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json.
    """
    body = _enrollment_body(ctx, response)
    if body is None:
        return
    for speech_name, audio_name in (
        ("audioSpeechLengthInSec", "audioLengthInSec"),
        ("enrollmentsSpeechLengthInSec", "enrollmentsLengthInSec"),
    ):
        speech, audio = _number(body, speech_name), _number(body, audio_name)
        if speech is None or audio is None:
            continue
        if speech > audio + _ROUNDING_S:
            raise AccountingViolation(
                f"{speech_name} exceeds {audio_name}",
                received=f"{speech_name}={speech:g}, {audio_name}={audio:g}",
                documented=f"{speech_name} ≤ {audio_name}",
            )


@check(stateful_only=True)
def enrollment_remaining_never_grows(ctx: CheckContext, response: ResponseRecord) -> None:
    """remainingEnrollmentsSpeechLengthInSec is never negative and never grows from one enrollment to the next.

    Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (remainingEnrollmentsSpeechLengthInSec "Amount of pure speech needed to
    complete profile enrollment"; 20 s of pure speech in total); https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json.
    """
    body = _enrollment_body(ctx, response)
    if body is None:
        return
    now = _number(body, "remainingEnrollmentsSpeechLengthInSec")
    if now is None:
        return
    if now < 0:
        raise AccountingViolation(
            "remainingEnrollmentsSpeechLengthInSec is negative", received=f"{now:g}", documented="≥ 0"
        )
    before = _previous(ctx, "remainingEnrollmentsSpeechLengthInSec")
    if before is not None and now > before + _ROUNDING_S:
        raise AccountingViolation(
            "remainingEnrollmentsSpeechLengthInSec grew with an enrollment",
            received=f"{before:g} before, {now:g} after",
            documented=f"≤ {before:g}",
        )


@check(stateful_only=True)
def enrollment_status_consistent(ctx: CheckContext, response: ResponseRecord) -> None:
    """enrollmentStatus is Enrolling while speech remains and Training or Enrolled only once none remains (or ignoreMinLength=true was sent).

    Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (Enrolling: no voice print yet; Training: the voice print is being created;
    Enrolled: ready; "If true, a voice print will be created immediately ... regardless of how
    much speech is supplied" for ignoreMinLength); https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json.
    """
    body = _enrollment_body(ctx, response)
    if body is None:
        return
    status = body.get("enrollmentStatus")
    remaining = _number(body, "remainingEnrollmentsSpeechLengthInSec")
    if not isinstance(status, str) or remaining is None:
        return
    waived = bool(ctx.extra.get("min_length_waived"))
    complete = remaining <= 0 or waived
    if status in ("Training", "Enrolled") and not complete:
        raise AccountingViolation(
            f"enrollmentStatus {status} while {remaining:g} s of speech remain",
            received=f"{status}, remaining {remaining:g} s",
            documented="Enrolling until no speech remains (or ignoreMinLength=true)",
        )
    if status == "Enrolling" and complete:
        raise AccountingViolation(
            "enrollmentStatus Enrolling although no speech remains",
            received=f"Enrolling, remaining {remaining:g} s{' (ignoreMinLength=true)' if waived else ''}",
            documented="Training or Enrolled once the speech requirement is met",
        )


def _page_ids(record: ResponseRecord) -> list[str] | None:
    body = record.json_or_none()
    if not isinstance(body, dict):
        return None
    items = body.get("value")
    if not isinstance(items, list):
        items = body.get("profiles")  # tests/reference/azure-examples/speaker-recognition/2021-09-05/listProfiles.json (lenient profile)
    if not isinstance(items, list):
        return None
    return [str(i["profileId"]).lower() for i in items if isinstance(i, dict) and "profileId" in i]


@check(stateful_only=True)
def list_pages_cover_each_once(ctx: CheckContext, response: ResponseRecord) -> None:
    """Following nextLink from the first page to the last lists every profile exactly once.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json (TextIndependent_ListProfiles is x-ms-pageable with nextLinkName
    nextLink and itemName value: the pages together are the collection); specs/speaker.yaml.
    """
    if ctx.situation != "profile-list-walk" or ctx.operation_id != LIST_OPERATION or response.status_code != 200:
        return
    pages = [r for r in ctx.history if r.status_code == 200] + [response]
    seen: dict[str, int] = {}
    for number, page in enumerate(pages, start=1):
        ids = _page_ids(page)
        if ids is None:
            return  # not a page body: the schema checks report it
        for pid in ids:
            if pid in seen:
                raise PagingViolation(
                    f"profile {pid} is listed on page {seen[pid]} and again on page {number}",
                    received=f"{len(pages)} pages, {pid} twice",
                    documented="each profile on exactly one page",
                )
            seen[pid] = number
    expected = {str(p).lower() for p in ctx.extra.get("expected_ids", ())}
    missing = sorted(expected - set(seen))
    if missing:
        raise PagingViolation(
            f"{len(missing)} existing profile(s) are on no page",
            received=", ".join(missing[:5]),
            documented=f"all {len(expected)} profiles created for the walk",
        )


@check(stateful_only=True)
def identify_returns_enrolled_speaker(ctx: CheckContext, response: ResponseRecord) -> None:
    """Identifying audio of an enrolled speaker names that speaker's profile, first in a descending top-5 ranking.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json (IdentifiedSingleSpeakerInfo: identifiedProfile, profilesRanking "top 5
    profiles ... sorted in descending order by score", score "higher means higher similarity");
    specs/speaker.yaml TextIndependent_IdentifySingleSpeaker.
    """
    if ctx.situation != "identify-enrolled-speaker" or ctx.operation_id != IDENTIFY_OPERATION:
        return
    if response.status_code != 200:
        return
    body = response.json_or_none()
    expected = str(ctx.extra.get("speaker_profile", "")).lower()
    if not isinstance(body, dict) or not expected:
        return
    identified: Any = body.get("identifiedProfile")
    got = str(identified.get("profileId", "")).lower() if isinstance(identified, dict) else ""
    if got != expected:
        raise WrongSpeakerIdentified(
            "identifiedProfile is not the profile enrolled with this speaker's voice"
            + (" (no match: the empty GUID)" if got == _EMPTY_GUID else ""),
            received=got or "(none)",
            documented=expected,
        )
    ranking = body.get("profilesRanking")
    if not isinstance(ranking, list):
        return
    scores = [e.get("score") for e in ranking if isinstance(e, dict)]
    numeric = [float(s) for s in scores if isinstance(s, (int, float)) and not isinstance(s, bool)]
    if len(numeric) == len(scores) and any(a < b for a, b in zip(numeric, numeric[1:])):
        raise WrongSpeakerIdentified(
            "profilesRanking is not sorted by descending score",
            received=", ".join(f"{s:g}" for s in numeric),
            documented="descending scores",
        )
    first = ranking[0] if ranking and isinstance(ranking[0], dict) else None
    if first is not None and str(first.get("profileId", "")).lower() != expected:
        raise WrongSpeakerIdentified(
            "the identified profile is not first in profilesRanking",
            received=str(first.get("profileId")),
            documented=expected,
        )
