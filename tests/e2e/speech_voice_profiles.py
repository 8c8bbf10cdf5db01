"""The Speech SDK's voice-profile client, reached through the SDK's own native C API from Python.

``azure-cognitiveservices-speech`` (PyPI) never wrapped speaker recognition in Python: its Python
layer has no ``VoiceProfileClient``. Its native core, ``libMicrosoft.CognitiveServices.Speech.core.so``
(the same library the C++, C#, Java and Go SDKs wrap), exports the speaker-recognition C API of
``speechapi_c_speaker_recognition.h`` up to release 1.46.0 (1.47.0 dropped it with the retirement of
Speaker Recognition). The classes below call that C API with ``ctypes``, the way the Go SDK calls it
with cgo (microsoft/cognitive-services-speech-sdk-go ``speaker/voice_profile_client.go``), and reuse
the Python package's ``SpeechConfig``, ``AudioConfig``, ``ResultReason`` and property bags. Every
HTTP request, URL, header, audio upload and the reading of each answer into a result reason is the
SDK's native code, unmodified; this module only passes handles.

Method names follow the C++ ``VoiceProfileClient`` / ``SpeakerRecognizer`` (``CreateProfileAsync``,
``EnrollProfileAsync``, ``DeleteProfileAsync``, ``RecognizeOnceAsync(SpeakerIdentificationModel)``),
called synchronously (the C functions block until the service answered).
"""

from __future__ import annotations

import ctypes
import json
from dataclasses import dataclass
from typing import Any

import azure.cognitiveservices.speech as speechsdk
from azure.cognitiveservices.speech.interop import _call_hr_fn, _sdk_lib, _spx_handle
from azure.cognitiveservices.speech.properties import PropertyCollection

__all__ = ["VoiceProfile", "VoiceProfileClient", "Result", "identify", "native_api_present"]

from azure.cognitiveservices.speech.enums import VoiceProfileType  # noqa: E402  (not re-exported by the package)

_TEXT_INDEPENDENT_IDENTIFICATION = VoiceProfileType.TextIndependentIdentification.value


def native_api_present() -> bool:
    """Whether this build of the native core still exports the speaker-recognition C API."""
    return hasattr(_sdk_lib, "create_voice_profile_client_from_config") and hasattr(_sdk_lib, "enroll_voice_profile")


@dataclass
class Result:
    """A native result: its reason and the service's JSON answer (``SpeechServiceResponse_JsonResult``)."""

    reason: speechsdk.ResultReason
    json_text: str

    @property
    def body(self) -> Any:
        return json.loads(self.json_text) if self.json_text else None


def _result(handle: _spx_handle) -> Result:
    try:
        reason = ctypes.c_int(0)
        _call_hr_fn(fn=_sdk_lib.result_get_reason, *[handle, ctypes.byref(reason)])
        bag = _spx_handle(0)
        _call_hr_fn(fn=_sdk_lib.result_get_property_bag, *[handle, ctypes.byref(bag)])
        text = PropertyCollection(bag).get_property(speechsdk.PropertyId.SpeechServiceResponse_JsonResult)
        return Result(speechsdk.ResultReason(reason.value), text)
    finally:
        _sdk_lib.recognizer_result_handle_release(handle)


class VoiceProfile:
    """A native voice-profile handle and the id the service gave it."""

    def __init__(self, handle: _spx_handle) -> None:
        self.handle = handle
        size = ctypes.c_uint32(64)
        buffer = ctypes.create_string_buffer(size.value)
        _call_hr_fn(fn=_sdk_lib.voice_profile_get_id, *[handle, buffer, ctypes.byref(size)])
        self.profile_id = buffer.value.decode("ascii")

    def close(self) -> None:
        if self.handle:
            _sdk_lib.voice_profile_release_handle(self.handle)
            self.handle = _spx_handle(0)


class VoiceProfileClient:
    """``VoiceProfileClient::FromConfig``: create, enroll and delete text-independent identification profiles."""

    def __init__(self, config: speechsdk.SpeechConfig) -> None:
        self.handle = _spx_handle(0)
        _call_hr_fn(fn=_sdk_lib.create_voice_profile_client_from_config, *[ctypes.byref(self.handle), config._handle])

    def create_profile(self, locale: str = "en-us") -> VoiceProfile:
        profile = _spx_handle(0)
        _call_hr_fn(
            fn=_sdk_lib.create_voice_profile,
            *[self.handle, ctypes.c_int(_TEXT_INDEPENDENT_IDENTIFICATION), locale.encode("ascii"), ctypes.byref(profile)],
        )
        return VoiceProfile(profile)

    def enroll_profile(self, profile: VoiceProfile, audio: speechsdk.audio.AudioConfig) -> Result:
        result = _spx_handle(0)
        _call_hr_fn(fn=_sdk_lib.enroll_voice_profile, *[self.handle, profile.handle, audio._handle, ctypes.byref(result)])
        return _result(result)

    def delete_profile(self, profile: VoiceProfile) -> Result:
        result = _spx_handle(0)
        _call_hr_fn(fn=_sdk_lib.delete_voice_profile, *[self.handle, profile.handle, ctypes.byref(result)])
        return _result(result)

    def close(self) -> None:
        if self.handle:
            _sdk_lib.voice_profile_client_release_handle(self.handle)
            self.handle = _spx_handle(0)


def identify(config: speechsdk.SpeechConfig, audio: speechsdk.audio.AudioConfig, profiles: list[VoiceProfile]) -> Result:
    """``SpeakerRecognizer(config, audio).RecognizeOnceAsync(SpeakerIdentificationModel::FromProfiles(profiles))``."""
    model = _spx_handle(0)
    recognizer = _spx_handle(0)
    _call_hr_fn(fn=_sdk_lib.speaker_identification_model_create, *[ctypes.byref(model)])
    try:
        for profile in profiles:
            _call_hr_fn(fn=_sdk_lib.speaker_identification_model_add_profile, *[model, profile.handle])
        _call_hr_fn(fn=_sdk_lib.recognizer_create_speaker_recognizer_from_config, *[ctypes.byref(recognizer), config._handle, audio._handle])
        result = _spx_handle(0)
        _call_hr_fn(fn=_sdk_lib.speaker_recognizer_identify, *[recognizer, model, ctypes.byref(result)])
        return _result(result)
    finally:
        if recognizer:
            _sdk_lib.speaker_recognizer_release_handle(recognizer)
        _sdk_lib.speaker_identification_model_release_handle(model)
