"""Speaker request validators: raw request -> typed inputs, or the documented error.

Rules (each cites its source):

* ``profileId``: a GUID (any case; stored lower-case), else 404 ``NotFound`` (decision in
  specs/speaker.yaml NotFound: "A profileId that is not a GUID is answered the same way").
* create profile: a JSON object with ``locale`` matching ``^[a-zA-Z]{2}-?[a-zA-Z]{2}$`` and one of
  en-US, es-ES, fr-FR, zh-CN in any case, with or without the hyphen (the example sends
  ``en-us`` and gets ``en-US``); missing -> "Locale parameter is missing.", other -> "Invalid
  locale value." (https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json; https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json).
* ``maxpagesize``: integer 1..500, default 100 (https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json).
* ``ignoreMinLength``: ``true``/``false`` in any case (the Speech SDK sends ``True``), default
  false; else 400 ``InvalidArgument`` (https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json).
* audio bodies (enroll and identify), in this order: empty -> "Request body is missing.";
  :func:`emulator.audio.decode` (WAV 16 kHz/16-bit/mono, or headerless PCM as the Speech SDK
  streams it) -> "Invalid audio format."; length < 1 s or > 120 s -> "Invalid audio length.";
  SNR < 2 dB, or no speech at all (whose SNR is the floor) -> "too noisy"; identify only: under
  4 s of speech unless ``ignoreMinLength`` (https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment; https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json; https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json). The body cap
  (5 MB) is enforced by the pipeline while reading (``Route.body_limit``). The first-enrollment
  activation-phrase rule is not emulated: synthetic audio carries no words.
* identify ``profileIds``: comma-separated GUIDs; empty items are dropped (the Speech SDK sends
  a trailing comma), duplicates collapse (the upstream example repeats one); none -> "profileIds
  parameter is missing.", a non-GUID -> "Invalid profileIds parameter value.", more than 50 ->
  "Maximum number of profiles allowed per request is 50." (https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json; https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json).
"""

from __future__ import annotations

import asyncio
import math
import re
from dataclasses import dataclass
from typing import Any

from cognitive_conformance.emulator.audio import AudioAnalysis, AudioFormatError, analyse, decode
from cognitive_conformance.emulator.routing import RawInput
from cognitive_conformance.emulator.services.speaker import errors
from cognitive_conformance.emulator.services.speaker.state import UUID_PATTERN

__all__ = [
    "MAX_AUDIO_S",
    "MAX_BODY_BYTES",
    "MAX_PROFILE_IDS",
    "MIN_AUDIO_S",
    "MIN_IDENTIFY_SPEECH_S",
    "MIN_SNR_DB",
    "CreateProfileInput",
    "EnrollInput",
    "IdentifyInput",
    "ListProfilesInput",
    "LocaleInput",
    "ProfileRef",
    "body_limit",
    "normalise_locale",
    "validate_create_profile",
    "validate_enroll",
    "validate_identify",
    "validate_list_profiles",
    "validate_locale",
    "validate_profile_ref",
]

MIN_AUDIO_S = 1.0
MAX_AUDIO_S = 120.0
MIN_SNR_DB = 2.0
MIN_IDENTIFY_SPEECH_S = 4.0
MAX_PROFILE_IDS = 50
MAX_BODY_BYTES = 5 * 1024 * 1024
""""Supports audio up to 5MB", read as 5 × 2^20 bytes (specs/speaker.yaml PayloadTooLarge)."""
_LOCALE = re.compile(r"^([a-zA-Z]{2})-?([a-zA-Z]{2})$")
_SUPPORTED = {loc.lower().replace("-", ""): loc for loc in errors.SUPPORTED_LOCALES}
_PAGE_SIZE = re.compile(r"^\d{1,6}$")  # as written, no padding or sign (schema type integer)


@dataclass(frozen=True)
class ProfileRef:
    profile_id: str


@dataclass(frozen=True)
class CreateProfileInput:
    locale: str


@dataclass(frozen=True)
class ListProfilesInput:
    max_page_size: int
    after: str | None
    """The emulator's nextLink cursor: list only ids sorted after this one (keyset paging)."""


@dataclass(frozen=True)
class LocaleInput:
    locale: str


@dataclass(frozen=True)
class EnrollInput:
    profile_id: str
    ignore_min_length: bool
    audio: AudioAnalysis


@dataclass(frozen=True)
class IdentifyInput:
    profile_ids: tuple[str, ...]
    ignore_min_length: bool
    audio: AudioAnalysis


def body_limit(config: Any) -> tuple[int, Any]:
    """The audio routes' body cap and its error (``Route.body_limit``)."""
    return MAX_BODY_BYTES, errors.payload_too_large()


def normalise_locale(value: Any) -> str:
    """``"en-us"``/``"enUS"`` -> ``"en-US"``; raise the documented 400 otherwise."""
    if value is None:
        raise errors.locale_missing()
    if not isinstance(value, str):
        raise errors.invalid_locale()
    m = _LOCALE.fullmatch(value)
    if m is None:
        raise errors.invalid_locale()
    supported = _SUPPORTED.get((m.group(1) + m.group(2)).lower())
    if supported is None:
        raise errors.invalid_locale()
    return supported


def _profile_id(raw: RawInput) -> str:
    value = raw.path_params.get("profileId", "")
    if not UUID_PATTERN.fullmatch(value):
        raise errors.profile_not_found()
    return value.lower()


def _ignore_min_length(raw: RawInput) -> bool:
    values = raw.query.getlist("ignoreMinLength")
    if not values:
        return False
    if len(values) > 1:
        raise errors.invalid_ignore_min_length()
    lowered = values[0].strip().lower()
    if lowered not in ("true", "false"):
        raise errors.invalid_ignore_min_length()
    return lowered == "true"


async def _audio(raw: RawInput, *, identify: bool) -> AudioAnalysis:
    if not raw.body:
        raise errors.body_missing()
    try:
        samples = decode(raw.body)
    except AudioFormatError:
        raise errors.audio_format() from None
    duration = samples.size / 16000
    if duration < MIN_AUDIO_S:
        raise errors.audio_too_short(identify)
    if duration > MAX_AUDIO_S:
        raise errors.audio_too_long(identify)
    analysis = await asyncio.to_thread(analyse, samples)
    if analysis.speech_s <= 0.0 or not math.isfinite(analysis.snr_db) or analysis.snr_db < MIN_SNR_DB:
        raise errors.too_noisy(identify)
    return analysis


async def validate_profile_ref(raw: RawInput, config: Any) -> ProfileRef:
    """Get, delete, reset: a GUID profile id."""
    return ProfileRef(_profile_id(raw))


async def validate_create_profile(raw: RawInput, config: Any) -> CreateProfileInput:
    """TextIndependent_CreateProfile: JSON ``{"locale"}``."""
    body = raw.json
    if body is None:
        raise errors.body_missing()
    if not isinstance(body, dict):
        raise errors.invalid_json()
    return CreateProfileInput(normalise_locale(body.get("locale")))


async def validate_list_profiles(raw: RawInput, config: Any) -> ListProfilesInput:
    """TextIndependent_ListProfiles: ``maxpagesize`` 1..500 (default 100); ``after`` is the emulator's nextLink cursor."""
    size = 100
    values = raw.query.getlist("maxpagesize")
    if values:
        if len(values) > 1 or not _PAGE_SIZE.fullmatch(values[0]) or not 1 <= int(values[0]) <= 500:
            raise errors.invalid_max_page_size()
        size = int(values[0])
    after = None
    cursors = raw.query.getlist("after")
    if cursors:
        if len(cursors) > 1 or not UUID_PATTERN.fullmatch(cursors[0]):
            raise errors.invalid_max_page_size()
        after = cursors[0].lower()
    return ListProfilesInput(size, after)


async def validate_locale(raw: RawInput, config: Any) -> LocaleInput:
    """TextIndependent_ListActivationPhrases: the ``{locale}`` path segment."""
    return LocaleInput(normalise_locale(raw.path_params.get("locale")))


async def validate_enroll(raw: RawInput, config: Any) -> EnrollInput:
    """TextIndependent_CreateEnrollment: profile id, ``ignoreMinLength``, and the analysed audio."""
    profile_id = _profile_id(raw)
    ignore = _ignore_min_length(raw)
    return EnrollInput(profile_id, ignore, await _audio(raw, identify=False))


async def validate_identify(raw: RawInput, config: Any) -> IdentifyInput:
    """TextIndependent_IdentifySingleSpeaker: ``profileIds``, ``ignoreMinLength``, the analysed audio."""
    values = raw.query.getlist("profileIds")
    items = [item.strip() for value in values for item in value.split(",")]
    items = [item for item in items if item]
    if not items:
        raise errors.profile_ids_missing()
    if any(not UUID_PATTERN.fullmatch(item) for item in items):
        raise errors.invalid_profile_ids()
    unique = tuple(dict.fromkeys(item.lower() for item in items))
    if len(unique) > MAX_PROFILE_IDS:
        raise errors.too_many_profiles()
    ignore = _ignore_min_length(raw)
    audio = await _audio(raw, identify=True)
    if not ignore and audio.speech_s < MIN_IDENTIFY_SPEECH_S:
        raise errors.not_enough_speech()
    return IdentifyInput(unique, ignore, audio)
