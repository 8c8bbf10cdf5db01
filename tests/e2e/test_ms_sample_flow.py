"""Microsoft's published personal-voice Python sample, replayed request by request against the default emulator.

The sample is Azure-Samples/cognitive-services-speech-sdk ``samples/custom-voice/python``:
``personal_voice_sample.py`` (013126af710e9355173cbaeb7582f9d648430f3e) calls its ``customvoice`` package:
``Project.create`` (``project.py``, 7660a7f4cb2fced278ffccf3be82bbb001b7cfc4), ``Consent.create`` (``consent.py``,
0f92ce439a7f61313e718533202aae27802f065e), ``PersonalVoice.create`` (``personal_voice.py``,
11f20c7d2654cc848d58f85f1f8ccf381081ad92), statuses read with ``Status[json['status']]`` (``status_object.py``)
and errors with ``response.json()`` (``helper.py``). This test sends what those do, with ``requests`` as they do:

* the URL is ``<url_prefix>/customvoice/<collection>/<id>?api-version=2024-02-01-preview`` (``config.py``), the key
  in ``Ocp-Apim-Subscription-Key``, no Operation-Id;
* PUT project ``{"description": null, "kind": "PersonalVoice"}``;
* POST consent: form ``projectId``, ``voiceTalentName``, ``companyName``, ``locale`` (the script passes ``en-us``),
  ``description`` None (which requests leaves out), one file ``('audiodata', (name, file, 'audio/wav'))``; GET it
  until ``Succeeded`` or ``Failed``;
* POST personal voice: form ``description`` None, ``projectId``, ``consentId`` and one ``audiodata`` part per file of
  the audio folder (``os.listdir``), each ``'audio/wav'``; GET it until terminal; the result's ``speakerProfileId``
  goes into the SSML ``<mstts:ttsembedding speakerProfileId='...'/>`` the sample synthesizes with.

Departures, all the test's: the consent and the folder's files are synthetic speech of the kinds the consent and
prompt pages list (the sample's own WAVs are not shipped here), polls are 0.05 s apart instead of 1 s, and the speech
synthesis itself is not run (the emulator has no text to speech); the SSML is built and parsed.
"""

from __future__ import annotations

import io
import json
import os
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator

import pytest
import requests
import soundfile

from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, running
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize

pytestmark = pytest.mark.e2e

API_VERSION = "api-version=2024-02-01-preview"
STATUSES = ("NotStarted", "Running", "Succeeded", "Failed", "Disabling", "Disabled")  # status_object.Status
_POLL_S = 0.05


class ServiceError(Exception):
    pass


def _raise_when_failed(response: requests.Response) -> None:
    """helper.raise_exception_when_reqeust_failed: >= 400 is an error whose body is dumped as JSON."""
    if response.status_code >= 400:
        raise ServiceError(f"status code: {response.status_code} response: {json.dumps(response.json())}")


class Sample:
    """The customvoice package's calls, pointed at ``url_prefix``."""

    def __init__(self, base_url: str) -> None:
        self.url_prefix = f"{base_url}/customvoice/"
        self.headers = {"Ocp-Apim-Subscription-Key": DEFAULT_KEY}

    def _url(self, collection: str, object_id: str) -> str:
        return self.url_prefix + collection + "/" + object_id + "?" + API_VERSION

    def _get(self, collection: str, object_id: str) -> dict:
        response = requests.get(self._url(collection, object_id), headers=self.headers)
        _raise_when_failed(response)
        return response.json()

    def _wait(self, collection: str, body: dict) -> tuple[dict, list[str]]:
        seen = [body["status"]]
        for _ in range(400):
            if body["status"] in ("Succeeded", "Failed"):
                return body, seen
            time.sleep(_POLL_S)
            body = self._get(collection, body["id"])
            assert body["status"] in STATUSES, body  # Status[json_dict['status']] raises on anything else
            seen.append(body["status"])
        raise AssertionError(f"{collection}/{body['id']} did not finish: {seen[-5:]}")

    def create_project(self, project_id: str) -> dict:
        response = requests.put(self._url("projects", project_id), json={"description": None, "kind": "PersonalVoice"}, headers=self.headers)
        _raise_when_failed(response)
        return response.json()

    def create_consent(self, project_id: str, consent_id: str, talent: str, company: str, path: Path, locale: str) -> tuple[dict, list[str]]:
        data = {"projectId": project_id, "voiceTalentName": talent, "companyName": company, "locale": locale, "description": None}
        with path.open("rb") as audio:
            files = [("audiodata", (os.path.basename(path), audio, "audio/wav"))]
            response = requests.post(self._url("consents", consent_id), data=data, headers=self.headers, files=files)
        _raise_when_failed(response)
        return self._wait("consents", response.json())

    def create_personal_voice(self, project_id: str, voice_id: str, consent_id: str, folder: Path) -> tuple[dict, list[str]]:
        data = {"description": None, "projectId": project_id, "consentId": consent_id}
        handles = [(name, (folder / name).open("rb")) for name in os.listdir(folder)]
        try:
            files = [("audiodata", (name, handle, "audio/wav")) for name, handle in handles]
            response = requests.post(self._url("personalvoices", voice_id), data=data, headers=self.headers, files=files)
        finally:
            for _, handle in handles:
                handle.close()
        _raise_when_failed(response)
        return self._wait("personalvoices", response.json())


def _ssml(speaker_profile_id: str, text: str) -> str:
    """The SSML personal_voice_sample.speech_synthesis_to_wave_file sends with the speaker profile id."""
    return (
        "<speak version='1.0' xml:lang='en-US' xmlns='http://www.w3.org/2001/10/synthesis' "
        "xmlns:mstts='http://www.w3.org/2001/mstts'><voice name='PhoenixV2Neural'>"
        f"<mstts:ttsembedding speakerProfileId='{speaker_profile_id}'/><mstts:express-as style='Prompt'>"
        f"<lang xml:lang='en-US'> {text} </lang></mstts:express-as></voice></speak>"
    )


def _write(path: Path, speaker: int, seed: int, seconds: float, rate: int, bits: int = 16, mp3: bool = False) -> Path:
    body = synthesize(speaker=SPEAKERS[speaker], duration_s=seconds, sample_rate=rate, bit_depth=bits, seed=seed)
    if mp3:
        samples, sr = soundfile.read(io.BytesIO(body), dtype="float64")
        out = io.BytesIO()
        soundfile.write(out, samples, sr, format="MP3", subtype="MPEG_LAYER_III", bitrate_mode="CONSTANT", compression_level=0.0)
        body = out.getvalue()
    path.write_bytes(body)
    return path


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running(EmulatorConfig(training_seconds=0.3)) as url:
        yield url


CONSENTS = {  # (sample rate, bit depth) of the verbal-statement WAV
    "16kHz-16bit": (16000, 16),
    "24kHz-16bit": (24000, 16),
    "48kHz-24bit": (48000, 24),
}


@pytest.mark.parametrize("consent_kind", sorted(CONSENTS))
def test_the_published_sample_flow_gives_a_speaker_profile_id(consent_kind: str, base_url: str, tmp_path: Path) -> None:
    rate, bits = CONSENTS[consent_kind]
    sample = Sample(base_url)
    project_id, consent_id, voice_id = f"personal-voice-project-{rate}-{bits}", f"personal-voice-consent-{rate}-{bits}", f"personal-voice-{rate}-{bits}"
    project = sample.create_project(project_id)
    assert (project["id"], project["kind"]) == (project_id, "PersonalVoice")
    statement = _write(tmp_path / "VoiceTalentVerbalStatement.wav", 0, seed=11, seconds=3.0, rate=rate, bits=bits)
    consent, seen = sample.create_consent(project_id, consent_id, "Sample Voice Actor", "Contoso", statement, "en-us")
    assert consent["status"] == "Succeeded", consent
    assert seen[0] == "NotStarted" and set(seen) <= {"NotStarted", "Running", "Succeeded"}
    folder = tmp_path / "SampleAudios"
    folder.mkdir()
    _write(folder / "CNVSample001.wav", 0, seed=12, seconds=2.0, rate=24000)
    _write(folder / "CNVSample002.wav", 0, seed=13, seconds=2.0, rate=48000, bits=24)
    _write(folder / "CNVSample003.mp3", 0, seed=14, seconds=2.0, rate=44100, mp3=True)
    voice, seen = sample.create_personal_voice(project_id, voice_id, consent_id, folder)
    assert voice["status"] == "Succeeded", voice
    assert seen[0] == "NotStarted" and voice["consentId"] == consent_id and voice["projectId"] == project_id
    speaker_profile_id = voice["speakerProfileId"]
    assert len(speaker_profile_id) == 36 and speaker_profile_id.count("-") == 4
    embedding = ET.fromstring(_ssml(speaker_profile_id, "This is zero shot voice."))
    found = embedding.find(".//{http://www.w3.org/2001/mstts}ttsembedding")
    assert found is not None and found.get("speakerProfileId") == speaker_profile_id


def test_the_sample_meets_documented_errors_as_json(base_url: str, tmp_path: Path) -> None:
    sample = Sample(base_url)
    sample.create_project("personal-voice-project-errors")
    with pytest.raises(ServiceError, match='"code": "BadRequest"'):  # the project exists
        sample.create_project("personal-voice-project-errors")
    too_low = _write(tmp_path / "statement-8k.wav", 0, seed=1, seconds=3.0, rate=8000)
    with pytest.raises(ServiceError, match="status code: 400 .*BadArgument.*is WAV 8 kHz 16-bit"):
        sample.create_consent("personal-voice-project-errors", "consent-8k", "Sample Voice Actor", "Contoso", too_low, "en-us")
    statement = _write(tmp_path / "statement.wav", 0, seed=2, seconds=3.0, rate=24000)
    consent, _ = sample.create_consent("personal-voice-project-errors", "consent-ok", "Sample Voice Actor", "Contoso", statement, "en-us")
    assert consent["status"] == "Succeeded"
    folder = tmp_path / "other-speaker"
    folder.mkdir()
    _write(folder / "a.wav", 3, seed=3, seconds=2.0, rate=24000)
    voice, _ = sample.create_personal_voice("personal-voice-project-errors", "voice-other", "consent-ok", folder)
    assert voice["status"] == "Failed" and voice["properties"]["failureReason"] == "SpeakerVerificationFailed"
