"""Rule family: Speaker Recognition enrollment accounting, identification and profile paging.

The enrollment rules judge an :class:`~conformance.flows.EnrollmentLedger`: a profile's
enrollments since it was created or reset (``start``, with 0 enrollments), each with the audio
length actually sent (samples / 16000) and whether ``ignoreMinLength=true`` applied. Each
accepted enrollment (201 TiEnrollmentInfo) is judged against the ones before it.

Numbers are compared with the rounding the documents show (two decimals, e.g. 1.83 s): a
tolerance of 0.01 s per summed value. ``audioLengthInSec`` may differ from the audio sent by at
most :data:`AUDIO_LENGTH_TOLERANCE_S` or :data:`AUDIO_LENGTH_TOLERANCE_RATIO` of it, whichever
is larger (a service may count a partial last frame or trim a header).

The paging rule judges a :class:`~conformance.flows.PageWalk` of the profile list; the
identify rule an :class:`Identification` whose speaker is known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from cognitive_conformance.conformance.checks.pagination import PagingViolation, judge_walk
from cognitive_conformance.conformance.checks.registry import NotApplicable, flow_rule
from cognitive_conformance.conformance.failures import AccountingViolation, BodyFailure
from cognitive_conformance.conformance.flows.evidence import Enrollment, EnrollmentLedger, PageWalk
from cognitive_conformance.conformance.spec import Spec
from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = [
    "AUDIO_LENGTH_TOLERANCE_RATIO",
    "AUDIO_LENGTH_TOLERANCE_S",
    "ENROLL_OPERATION",
    "IDENTIFY_OPERATION",
    "Identification",
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


class WrongSpeakerIdentified(BodyFailure):
    title = "Identification names the wrong profile"


def _number(body: dict, name: str) -> float | None:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


@dataclass(frozen=True)
class Identification:
    """An identification of audio whose speaker is known: the exchange and the profile enrolled with that voice."""

    exchange: ResponseRecord
    expected_profile: str


@dataclass(frozen=True)
class _Step:
    """One accepted enrollment, the bodies read before it (start first) and whether the min length was waived."""

    entry: Enrollment
    body: dict
    before: tuple[dict, ...]
    waived: bool


def _steps(ledger: EnrollmentLedger) -> Iterator[_Step]:
    start = ledger.start.json_or_none() if ledger.start is not None else None
    before: list[dict] = [start] if isinstance(start, dict) and 200 <= ledger.start.status_code < 300 else []
    waived = False
    for entry in ledger.entries:
        body = entry.exchange.json_or_none()
        if not entry.accepted or not isinstance(body, dict):
            continue
        waived = waived or entry.ignore_min_length
        yield _Step(entry, body, tuple(before), waived)
        before.append(body)


def _judge_each(ledger: EnrollmentLedger, judge: Callable[[_Step], bool]) -> None:
    """Apply ``judge`` to every accepted enrollment; n/a unless it could judge at least one."""
    judged = False
    for step in _steps(ledger):
        judged = judge(step) or judged
    if not judged:
        raise NotApplicable("no accepted enrollment carried what this rule compares")


def _previous(step: _Step, name: str) -> float | None:
    for body in reversed(step.before):
        value = _number(body, name)
        if value is not None:
            return value
    return None


@flow_rule(evidence=EnrollmentLedger)
def enrollment_count_increments(spec: Spec, ledger: EnrollmentLedger) -> None:
    """Each accepted enrollment (201) reports enrollmentsCount one higher than the profile had before it.

    Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (TiEnrollmentInfo.enrollmentsCount "Number of enrollment audios accepted for
    this profile"); https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json; specs/speaker.yaml TextIndependent_CreateEnrollment 201.
    """

    def judge(step: _Step) -> bool:
        before, now = _previous(step, "enrollmentsCount"), _number(step.body, "enrollmentsCount")
        if before is None or now is None:
            return False
        if now != before + 1:
            raise AccountingViolation(
                "enrollmentsCount did not go up by one with this accepted enrollment",
                received=f"{before:g} before, {now:g} after",
                documented=f"{before + 1:g}",
            )
        return True

    _judge_each(ledger, judge)


@flow_rule(evidence=EnrollmentLedger)
def enrollment_totals_are_sums(spec: Spec, ledger: EnrollmentLedger) -> None:
    """The totals enrollmentsLengthInSec and enrollmentsSpeechLengthInSec are the sums of every enrollment's audioLengthInSec and audioSpeechLengthInSec (±0.01 s per enrollment).

    Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (TiEnrollmentInfo: enrollmentsLengthInSec "Total length of enrollment audios
    accepted for this profile", enrollmentsSpeechLengthInSec "Summation of pure speech across all
    profile enrollments"); https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json.
    """

    def judge(step: _Step) -> bool:
        if not step.before or _number(step.before[0], "enrollmentsCount") != 0:
            return False  # the ledger must start from an empty profile (created or reset)
        enrollments = [b for b in step.before[1:] if "audioLengthInSec" in b] + [step.body]
        judged = False
        for total_name, part_name in (
            ("enrollmentsLengthInSec", "audioLengthInSec"),
            ("enrollmentsSpeechLengthInSec", "audioSpeechLengthInSec"),
        ):
            total = _number(step.body, total_name)
            parts = [_number(b, part_name) for b in enrollments]
            if total is None or any(p is None for p in parts):
                continue
            judged = True
            expected = sum(p for p in parts if p is not None)
            if abs(total - expected) > _ROUNDING_S * (len(parts) + 1):
                raise AccountingViolation(
                    f"{total_name} is not the sum of the {len(parts)} enrollments' {part_name}",
                    received=f"{total_name}={total:g}",
                    documented=f"{' + '.join(f'{p:g}' for p in parts if p is not None)} = {expected:.2f}",
                )
        return judged

    _judge_each(ledger, judge)


@flow_rule(evidence=EnrollmentLedger)
def enrollment_audio_length_matches(spec: Spec, ledger: EnrollmentLedger) -> None:
    """audioLengthInSec equals the length of the audio sent, within max(0.1 s, 2 %).

    Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (TiEnrollmentInfo.audioLengthInSec "This enrollment audio length in
    seconds"); the audio sent is 16 kHz 16-bit mono PCM, so its length is samples / 16000.
    """

    def judge(step: _Step) -> bool:
        sent, reported = step.entry.audio_s, _number(step.body, "audioLengthInSec")
        if sent is None or reported is None:
            return False
        tolerance = max(AUDIO_LENGTH_TOLERANCE_S, AUDIO_LENGTH_TOLERANCE_RATIO * float(sent))
        if abs(reported - float(sent)) > tolerance:
            raise AccountingViolation(
                "audioLengthInSec does not match the audio sent",
                received=f"{reported:g} s",
                documented=f"{float(sent):.3f} s ± {tolerance:.2f} s",
            )
        return True

    _judge_each(ledger, judge)


@flow_rule(evidence=EnrollmentLedger)
def enrollment_speech_within_audio(spec: Spec, ledger: EnrollmentLedger) -> None:
    """Pure speech never exceeds the audio: audioSpeechLengthInSec ≤ audioLengthInSec and enrollmentsSpeechLengthInSec ≤ enrollmentsLengthInSec.

    Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (audioSpeechLengthInSec is "audio after removing silence and non-speech
    segments"); https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json.
    """

    def judge(step: _Step) -> bool:
        judged = False
        for speech_name, audio_name in (
            ("audioSpeechLengthInSec", "audioLengthInSec"),
            ("enrollmentsSpeechLengthInSec", "enrollmentsLengthInSec"),
        ):
            speech, audio = _number(step.body, speech_name), _number(step.body, audio_name)
            if speech is None or audio is None:
                continue
            judged = True
            if speech > audio + _ROUNDING_S:
                raise AccountingViolation(
                    f"{speech_name} exceeds {audio_name}",
                    received=f"{speech_name}={speech:g}, {audio_name}={audio:g}",
                    documented=f"{speech_name} ≤ {audio_name}",
                )
        return judged

    _judge_each(ledger, judge)


@flow_rule(evidence=EnrollmentLedger)
def enrollment_remaining_never_grows(spec: Spec, ledger: EnrollmentLedger) -> None:
    """remainingEnrollmentsSpeechLengthInSec is never negative and never grows from one enrollment to the next.

    Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (remainingEnrollmentsSpeechLengthInSec "Amount of pure speech needed to
    complete profile enrollment"; 20 s of pure speech in total); https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json.
    """

    def judge(step: _Step) -> bool:
        now = _number(step.body, "remainingEnrollmentsSpeechLengthInSec")
        if now is None:
            return False
        if now < 0:
            raise AccountingViolation(
                "remainingEnrollmentsSpeechLengthInSec is negative", received=f"{now:g}", documented="≥ 0"
            )
        before = _previous(step, "remainingEnrollmentsSpeechLengthInSec")
        if before is not None and now > before + _ROUNDING_S:
            raise AccountingViolation(
                "remainingEnrollmentsSpeechLengthInSec grew with an enrollment",
                received=f"{before:g} before, {now:g} after",
                documented=f"≤ {before:g}",
            )
        return True

    _judge_each(ledger, judge)


@flow_rule(evidence=EnrollmentLedger)
def enrollment_status_consistent(spec: Spec, ledger: EnrollmentLedger) -> None:
    """enrollmentStatus is Enrolling while speech remains and Training or Enrolled only once none remains (or ignoreMinLength=true was sent).

    Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (Enrolling: no voice print yet; Training: the voice print is being created;
    Enrolled: ready; "If true, a voice print will be created immediately ... regardless of how
    much speech is supplied" for ignoreMinLength); https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json.
    """

    def judge(step: _Step) -> bool:
        status = step.body.get("enrollmentStatus")
        remaining = _number(step.body, "remainingEnrollmentsSpeechLengthInSec")
        if not isinstance(status, str) or remaining is None:
            return False
        complete = remaining <= 0 or step.waived
        if status in ("Training", "Enrolled") and not complete:
            raise AccountingViolation(
                f"enrollmentStatus {status} while {remaining:g} s of speech remain",
                received=f"{status}, remaining {remaining:g} s",
                documented="Enrolling until no speech remains (or ignoreMinLength=true)",
            )
        if status == "Enrolling" and complete:
            raise AccountingViolation(
                "enrollmentStatus Enrolling although no speech remains",
                received=f"Enrolling, remaining {remaining:g} s{' (ignoreMinLength=true)' if step.waived else ''}",
                documented="Training or Enrolled once the speech requirement is met",
            )
        return True

    _judge_each(ledger, judge)


@flow_rule(evidence=PageWalk)
def list_pages_cover_each_once(spec: Spec, walk: PageWalk) -> None:
    """Following nextLink from the first page to the last lists every profile exactly once.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json (TextIndependent_ListProfiles is x-ms-pageable with nextLinkName
    nextLink and itemName value: the pages together are the collection); specs/speaker.yaml.
    """
    judge_walk(walk, "profile")


@flow_rule(evidence=Identification)
def identify_returns_enrolled_speaker(spec: Spec, identification: Identification) -> None:
    """Identifying audio of an enrolled speaker names that speaker's profile, first in a descending top-5 ranking.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json (IdentifiedSingleSpeakerInfo: identifiedProfile, profilesRanking "top 5
    profiles ... sorted in descending order by score", score "higher means higher similarity");
    specs/speaker.yaml TextIndependent_IdentifySingleSpeaker.
    """
    response = identification.exchange
    if response.status_code != 200:
        raise NotApplicable(f"the identification answered {response.status_code} (judged by the response rules)")
    body = response.json_or_none()
    expected = identification.expected_profile.lower()
    if not isinstance(body, dict):
        raise NotApplicable("the identification body is not JSON")
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
