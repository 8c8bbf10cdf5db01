"""Microsoft's published personal-voice Python sample, replayed request by request against the emulator.

Issue 4 records what the sample (Azure-Samples cognitive-services-speech-sdk, samples/custom-voice/python, package
``customvoice``) does; its code is not available offline, so this test reproduces that observed sequence with
``requests``, the library the sample uses: PUT project ``{"description": null, "kind": "PersonalVoice"}``; POST the
consent as multipart (projectId, voiceTalentName, companyName, locale and a file part ``audiodata``); GET the consent
until ``Succeeded`` or ``Failed``; POST the personal voice as multipart (projectId, consentId, one ``audiodata`` part
per file); GET it until terminal. Like the sample it sends no Operation-Id, treats any status below 400 as success,
needs PascalCase statuses exactly, and parses every error body as JSON.
"""

from __future__ import annotations

import io
import json
import time

import pytest
import requests

from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, running
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize

API = "2024-02-01-preview"
PASCAL = {"NotStarted", "Running", "Succeeded", "Failed", "Disabling", "Disabled"}


class SampleError(Exception):
    pass


def _check(response: requests.Response) -> dict:
    """The sample's rule: < 400 is success (JSON body if any); otherwise the body is JSON with an error."""
    if response.status_code < 400:
        return response.json() if response.content else {}
    body = json.loads(response.text)  # the sample parses every error body as JSON
    raise SampleError(f"{response.status_code} {body['error']['code']}: {body['error']['message']}")


def _wait(session: requests.Session, url: str, interval_s: float) -> tuple[dict, list[str]]:
    statuses: list[str] = []
    for _ in range(200):
        body = _check(session.get(url, params={"api-version": API}))
        statuses.append(body["status"])
        assert body["status"] in PASCAL, body
        if body["status"] in ("Succeeded", "Failed"):
            return body, statuses
        time.sleep(interval_s)
    raise AssertionError(f"{url} did not finish: {statuses[-5:]}")


@pytest.mark.parametrize("speaker_of_training", [0, 3])
def test_sample_request_sequence_runs_unmodified_but_for_the_url(speaker_of_training: int) -> None:
    consent_audio = synthesize(speaker=SPEAKERS[0], duration_s=3.0, seed=11)
    training = [synthesize(speaker=SPEAKERS[speaker_of_training], duration_s=2.0, seed=s) for s in (12, 13)]
    with running(EmulatorConfig(training_seconds=0.3)) as base:
        session = requests.Session()
        session.headers["Ocp-Apim-Subscription-Key"] = DEFAULT_KEY
        prefix = f"{base}/customvoice"
        project = _check(session.put(f"{prefix}/projects/PersonalVoiceSample", params={"api-version": API},
                                     json={"description": None, "kind": "PersonalVoice"}))
        assert project["kind"] == "PersonalVoice"
        consent = _check(session.post(
            f"{prefix}/consents/JessicaConsent", params={"api-version": API},
            data={"projectId": "PersonalVoiceSample", "voiceTalentName": "Sample Voice Actor", "companyName": "Contoso",
                  "locale": "en-US"},
            files={"audiodata": open_like("consent.wav", consent_audio)},
        ))
        assert consent["status"] == "NotStarted"
        consent, seen = _wait(session, f"{prefix}/consents/JessicaConsent", 0.05)
        assert consent["status"] == "Succeeded" and seen[0] in ("NotStarted", "Running")
        voice = _check(session.post(
            f"{prefix}/personalvoices/JessicaPersonalVoice", params={"api-version": API},
            data={"projectId": "PersonalVoiceSample", "consentId": "JessicaConsent"},
            files=[("audiodata", open_like(f"{i}.wav", audio)) for i, audio in enumerate(training)],
        ))
        assert voice["status"] == "NotStarted"
        voice, _ = _wait(session, f"{prefix}/personalvoices/JessicaPersonalVoice", 0.05)
        if speaker_of_training == 0:
            assert voice["status"] == "Succeeded" and len(voice["speakerProfileId"]) == 36
        else:
            assert voice["status"] == "Failed"
            assert voice["properties"]["failureReason"] == "SpeakerVerificationFailed"
        # An error the sample would meet (creating the project again) parses as JSON with the documented code.
        with pytest.raises(SampleError, match="400 BadRequest"):
            _check(session.put(f"{prefix}/projects/PersonalVoiceSample", params={"api-version": API},
                               json={"description": None, "kind": "PersonalVoice"}))
        session.close()


def open_like(name: str, data: bytes) -> tuple[str, io.BytesIO]:
    """What ``open(path, 'rb')`` gives requests: a named file object (requests sends no part Content-Type)."""
    return name, io.BytesIO(data)
