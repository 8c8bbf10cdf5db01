"""Speaker Recognition (text-independent identification, 2021-09-05): enroll until Enrolled, identify.

Scenarios (each cleans up the profiles it creates):

* ``speaker-auth``: a wrong and a missing key get 401 ``Unauthorized`` (https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json).
* ``speaker-enroll-poll``: the train-then-poll of this service. A profile is created (the Speech
  SDK's trailing-slash URL), synthetic speech of one voice is enrolled until no speech remains,
  each 201 checked by the ``enrollment`` family (count, sums, lengths, remaining, status); then
  ``GET`` profile is polled to Enrolled with the generic LRO checks (order Enrolling, Training,
  Enrolled; terminal {Enrolled}; the completing enrollment may already answer Enrolled, as the
  documents show); the terminal read is repeated. Reset
  empties the profile; delete makes later reads 404.
* ``speaker-identify``: two voices are enrolled on two profiles (one as headerless PCM, the SDK
  way); audio of each voice identifies its own profile (with the SDK's trailing comma in
  ``profileIds``); a third, still Enrolling profile among the candidates -> 400.
* ``speaker-limits``: 0.5 s and 121 s -> 400, a wrong format -> 400, a wrong media type -> 415,
  noisy audio -> 400, a bad ``ignoreMinLength`` -> 400, a body over 5 MB -> 413, more than 300 s
  in total -> 403 with nothing stored lost; ``ignoreMinLength=True`` (SDK casing) enrolls at once.
* ``speaker-list-paging``: three profiles are walked with ``maxpagesize=2`` through ``nextLink``;
  every profile appears exactly once.

Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment; https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json; https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json; specs/speaker.yaml.
"""

from __future__ import annotations

import wave
from io import BytesIO
from typing import Any

from cognitive_conformance.conformance.flows.evidence import AFTER_DELETE, Enrollment, EnrollmentLedger, Expected, LroTrace
from cognitive_conformance.conformance.flows.status import StatusModel
from cognitive_conformance.conformance.packs.speaker.rules import Identification
from cognitive_conformance.conformance.scenarios import Scenario
from cognitive_conformance.conformance.scenarios.auth import auth_scenario
from cognitive_conformance.conformance.scenarios.paging import walk_pages
from cognitive_conformance.conformance.scenarios.session import Session, poll_lro
from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = ["SCENARIOS", "status_model", "ORDER", "TERMINAL", "PROFILES", "audio_seconds"]

ORDER = ("Enrolling", "Training", "Enrolled")
TERMINAL = frozenset({"Enrolled"})
MODEL = StatusModel(ORDER, TERMINAL)


def status_model(version: str) -> StatusModel:
    """The documented status order of ``version`` (one model for every version of this service)."""
    return MODEL

PROFILES = "/speaker-recognition/identification/text-independent/profiles"
PHRASES = "/speaker-recognition/identification/text-independent/phrases"
AUDIO = {"Content-Type": "audio/wav; codecs=audio/pcm"}
LIMITS = "https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (limits); https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json"
_MAX_ENROLLMENTS = 30


def audio_seconds(body: bytes) -> float:
    """Length of a 16 kHz 16-bit mono body: WAV frames, or raw PCM bytes / 2, over 16000."""
    if body.startswith(b"RIFF"):
        with wave.open(BytesIO(body), "rb") as reader:
            return reader.getnframes() / reader.getframerate()
    return len(body) / 2 / 16000


def _create_profile(session: Session, *, trailing_slash: bool = False) -> tuple[str, ResponseRecord]:
    r = session.call("POST", PROFILES + ("/" if trailing_slash else ""), json_body={"locale": "en-us"})
    body = r.json_or_none()
    if r.status_code != 201 or not isinstance(body, dict) or not isinstance(body.get("profileId"), str):
        session.broken("could not create a profile", r, documented="201 TiProfileInfo", source="https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json")
    path = f"{PROFILES}/{body['profileId']}"
    session.delete_later(path)
    return path, r


class _Enroller:
    """Enrolls clips into one profile and keeps its :class:`EnrollmentLedger` since ``start``."""

    def __init__(self, session: Session, path: str, start: ResponseRecord) -> None:
        self.session = session
        self.path = path
        self.start = start
        self.entries: list[Enrollment] = []

    @property
    def last(self) -> ResponseRecord:
        return self.entries[-1].exchange if self.entries else self.start

    def enroll(self, clip: bytes, *, ignore_min_length: str | None = None, headers: dict | None = None) -> ResponseRecord:
        params = {"ignoreMinLength": ignore_min_length} if ignore_min_length is not None else None
        r = self.session.call("POST", f"{self.path}/enrollments", params=params, content=clip, headers=headers or AUDIO)
        waived = (ignore_min_length or "").lower() == "true"
        self.entries.append(Enrollment(r, audio_seconds(clip), waived))
        return r

    def assess(self) -> EnrollmentLedger:
        """Judge the ledger so far by the enrollment rules."""
        ledger = EnrollmentLedger(self.start, tuple(self.entries))
        self.session.assess(ledger)
        return ledger


def _poll_until_enrolled(session: Session, path: str, submitted: ResponseRecord) -> LroTrace:
    return poll_lro(
        session,
        submitted,
        path,
        model=MODEL,
        resource=path.rsplit("/", 1)[-1],
        abort_message="the profile did not reach Enrolled",
    )


def _enroll_until_complete(session: Session, enroller: _Enroller, speaker: Any, *, seed: int, container: str = "wav") -> ResponseRecord:
    """Enroll 6 s clips of ``speaker`` until no speech remains; return the completing 201."""
    from cognitive_conformance.strategies.audio import SPEAKERS, synthesize
    from cognitive_conformance.strategies.media_dir import speech_clip

    headers = {"Content-Type": "audio/wav"} if container == "pcm" else AUDIO
    for i in range(_MAX_ENROLLMENTS):
        clip = speech_clip(SPEAKERS.index(speaker), i, pcm=container == "pcm")  # --media-dir: the user's speakers
        if clip is None:
            clip = synthesize(speaker=speaker, duration_s=6.0, speech_ratio=0.85, snr_db=30.0, seed=seed + i, container=container)
        r = enroller.enroll(clip, headers=headers)
        body = r.json_or_none()
        if r.status_code != 201 or not isinstance(body, dict):
            enroller.assess()
            session.broken(
                "an enrollment of clean speech was rejected",
                r,
                documented="201 TiEnrollmentInfo",
                source="https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment",
            )
        remaining = body.get("remainingEnrollmentsSpeechLengthInSec")
        if isinstance(remaining, (int, float)) and remaining <= 0:
            enroller.assess()
            return r
    enroller.assess()
    session.broken(
        f"{_MAX_ENROLLMENTS} enrollments of 6 s did not complete the 20 s of speech",
        enroller.last,
        documented="remainingEnrollmentsSpeechLengthInSec reaches 0 after 20 s of speech",
        source="https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment",
    )
    raise AssertionError("unreachable")


auth = auth_scenario(lambda session: PROFILES, codes=("Unauthorized",), source="specs/speaker.yaml (401 Unauthorized)")


def enroll_poll(session: Session) -> None:
    from cognitive_conformance.strategies.audio import SPEAKERS

    path, created = _create_profile(session, trailing_slash=True)
    session.call("GET", f"{PHRASES}/en-US")
    enroller = _Enroller(session, path, created)
    completing = _enroll_until_complete(session, enroller, SPEAKERS[1], seed=100)
    _poll_until_enrolled(session, path, completing)
    reset = session.call("POST", f"{path}:reset")
    body = reset.json_or_none()
    if reset.status_code != 200 or not isinstance(body, dict):
        session.broken("reset was not accepted", reset, documented="200 TiProfileInfo", source="https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json")
    if body.get("enrollmentsCount") != 0 or body.get("enrollmentStatus") != "Enrolling":
        session.broken(
            "reset did not empty the profile", reset, documented="enrollmentsCount 0, Enrolling", source="specs/speaker.yaml ResetProfile"
        )
    session.call("DELETE", path)
    gone = Expected(404, ("NotFound", "Not Found"), "https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json (404 Requested profile doesn't exist)")
    session.provoke(AFTER_DELETE, gone, "GET", path)
    session.provoke(AFTER_DELETE, gone, "POST", f"{path}:reset")


def identify(session: Session) -> None:
    from cognitive_conformance.strategies.audio import SPEAKERS, synthesize

    voices = (SPEAKERS[0], SPEAKERS[3])
    profiles: list[str] = []
    for n, voice in enumerate(voices):
        path, created = _create_profile(session)
        enroller = _Enroller(session, path, created)
        completing = _enroll_until_complete(session, enroller, voice, seed=200 + 50 * n, container="pcm" if n else "wav")
        _poll_until_enrolled(session, path, completing)
        profiles.append(path.rsplit("/", 1)[-1])
    from cognitive_conformance.strategies.media_dir import speech_clip

    for n, voice in enumerate(voices):
        query = speech_clip(SPEAKERS.index(voice), -1) or synthesize(speaker=voice, duration_s=6.0, speech_ratio=0.85, snr_db=20.0, seed=900 + n)
        r = session.call(
            "POST",
            f"{PROFILES}:identifySingleSpeaker",
            params={"profileIds": ",".join(profiles) + ","},
            content=query,
            headers=AUDIO,
        )
        session.assess(Identification(r, profiles[n]))
    enrolling, _ = _create_profile(session)
    query = synthesize(speaker=voices[0], duration_s=6.0, speech_ratio=0.85, snr_db=20.0, seed=950)
    session.provoke(
        "identify-not-enrolled",
        Expected(400, ("InvalidRequest",), "https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json (identify: Profile is not enrolled.)"),
        "POST",
        f"{PROFILES}:identifySingleSpeaker",
        params={"profileIds": ",".join([*profiles, enrolling.rsplit("/", 1)[-1]])},
        content=query,
        headers=AUDIO,
    )


def limits(session: Session) -> None:
    from cognitive_conformance.strategies.audio import SPEAKERS, invalid_audio, synthesize

    path, created = _create_profile(session)
    enroller = _Enroller(session, path, created)
    bad = Expected(400, ("InvalidRequest",), LIMITS)
    cases = (
        ("audio-too-short", synthesize(speaker=SPEAKERS[2], duration_s=0.5, speech_ratio=0.9, seed=1)),
        ("audio-too-long", synthesize(speaker=SPEAKERS[2], duration_s=121.0, seed=2)),
        ("audio-wrong-format", synthesize(speaker=SPEAKERS[2], duration_s=2.0, sample_rate=8000, seed=3)),
        ("audio-too-noisy", session.draw(invalid_audio(kind="too_noisy"))),
    )
    for situation, clip in cases:
        session.provoke(situation, bad, "POST", f"{path}/enrollments", content=clip, headers=AUDIO)
    clip = synthesize(speaker=SPEAKERS[2], duration_s=2.0, seed=4)
    session.provoke(
        "wrong-media-type",
        Expected(415, ("UnsupportedMediaType",), "https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json (415)"),
        "POST",
        f"{path}/enrollments",
        content=clip,
        headers={"Content-Type": "text/plain"},
    )
    session.provoke(
        "bad-ignore-min-length",
        Expected(400, ("InvalidArgument",), "https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json (ignoreMinLength)"),
        "POST",
        f"{path}/enrollments",
        params={"ignoreMinLength": "maybe"},
        content=clip,
        headers=AUDIO,
    )
    session.provoke(
        "body-over-5mb",
        Expected(413, ("InvalidRequest",), "https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (up to 5MB); specs/speaker.yaml PayloadTooLarge"),
        "POST",
        f"{path}/enrollments",
        content=session.draw(invalid_audio(kind="over_5mb")),
        headers=AUDIO,
    )
    # 3 × 100 s = 300 s is allowed; one more second is over the total.
    for i in range(3):
        r = enroller.enroll(synthesize(speaker=SPEAKERS[2], duration_s=100.0, speech_ratio=0.5, seed=10 + i))
        if r.status_code != 201:
            session.broken(
                "a 100 s enrollment was rejected",
                r,
                documented="201 (1..120 s each, 300 s in total)",
                source=LIMITS,
            )
    enroller.assess()
    session.provoke(
        "total-over-300s",
        Expected(403, ("InvalidRequest",), "https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json (403 Maximum allowed length across all profile enrollments is 300 seconds.)"),
        "POST",
        f"{path}/enrollments",
        content=synthesize(speaker=SPEAKERS[2], duration_s=1.5, seed=20),
        headers=AUDIO,
    )
    after = session.call("GET", path)
    body = after.json_or_none()
    if not isinstance(body, dict) or body.get("enrollmentsCount") != 3:
        session.broken(
            "a rejected enrollment changed what was stored", after, documented="enrollmentsCount 3 after the 403", source="https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment"
        )
    # The Speech SDK sends ignoreMinLength=True (capitalised): a voice print is built at once.
    quick, created = _create_profile(session)
    quick_enroller = _Enroller(session, quick, created)
    r = quick_enroller.enroll(synthesize(speaker=SPEAKERS[4], duration_s=3.0, seed=30), ignore_min_length="True")
    if r.status_code != 201:
        session.broken("ignoreMinLength=True was rejected", r, documented="201", source="https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (ignoreMinLength)")
    quick_enroller.assess()
    _poll_until_enrolled(session, quick, r)


def list_paging(session: Session) -> None:
    ids = [_create_profile(session)[0].rsplit("/", 1)[-1] for _ in range(3)]
    walk_pages(
        session, PROFILES, max_page_size=2, expected_ids=ids, item_key="profileId", items_fields=("value", "profiles")
    )


SCENARIOS = [
    Scenario("speaker-auth", "speaker", "A wrong or missing key is rejected with 401 Unauthorized", auth, read_only=True),
    Scenario(
        "speaker-enroll-poll",
        "speaker",
        "Enroll until no speech remains (accounting checked on every 201), poll to Enrolled, reset, delete → 404",
        enroll_poll,
    ),
    Scenario("speaker-identify", "speaker", "Two enrolled voices are each identified; an Enrolling candidate is 400", identify),
    Scenario("speaker-limits", "speaker", "Each audio limit answers its documented status and code; nothing stored is lost", limits),
    Scenario("speaker-list-paging", "speaker", "nextLink pages list every profile exactly once", list_paging),
]
