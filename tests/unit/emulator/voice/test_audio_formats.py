"""Custom Voice consent and prompt audio: every documented kind accepted, every other kind refused with BadArgument.

Source: https://learn.microsoft.com/en-us/azure/ai-services/speech-service/personal-voice-create-consent ("Supported audio
formats for consent audio") and .../personal-voice-create-voice ("Prompt audio format"): WAV at 16, 24, 44.1, 48 kHz in
16-, 24-, 32-bit; MP3 at those rates in 128, 192, 256, 320 kbps. Mono is the emulator's decision (the pages are silent).
"""

from __future__ import annotations

import functools
import io

import numpy as np
import pytest
import soundfile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cognitive_conformance.emulator.audio import AudioFormatError, read_audio_file
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize

from .conftest import Voice

_MP3_LEVEL = {160: 0.0, 320: 0.0, 256: 0.2, 128: 0.25, 96: 0.75}  # libsndfile/LAME constant bit rate for a level


@functools.cache
def wav(rate: int, bits: int = 16, channels: int = 1, speaker: int = 0, seed: int = 1) -> bytes:
    return synthesize(speaker=SPEAKERS[speaker], duration_s=2.0, sample_rate=rate, bit_depth=bits, channels=channels, seed=seed)


@functools.cache
def encoded(rate: int, fmt: str, subtype: str, kbps: int | None = None, speaker: int = 0, seed: int = 1) -> bytes:
    """The 16-bit clip of ``rate`` re-encoded by libsndfile (MP3 at a constant ``kbps``, float WAV, FLAC)."""
    samples, sr = soundfile.read(io.BytesIO(wav(rate, speaker=speaker, seed=seed)), dtype="float64")
    out = io.BytesIO()
    extra = {"bitrate_mode": "CONSTANT", "compression_level": _MP3_LEVEL[kbps]} if kbps else {}
    soundfile.write(out, samples, sr, format=fmt, subtype=subtype, **extra)
    return out.getvalue()


def mp3(rate: int, kbps: int, **kw: int) -> bytes:
    body = encoded(rate, "MP3", "MPEG_LAYER_III", kbps, **kw)
    assert read_audio_file(body).bitrate_kbps == kbps  # the file really is what the case says
    return body


ACCEPTED = {
    **{f"wav-{r}-{b}bit": (lambda r=r, b=b: wav(r, b)) for r in (16000, 24000, 44100, 48000) for b in (16, 24, 32)},
    "wav-24000-32bit-float": lambda: encoded(24000, "WAV", "FLOAT"),
    "mp3-16000-128k": lambda: mp3(16000, 128),
    "mp3-24000-128k": lambda: mp3(24000, 128),
    "mp3-44100-320k": lambda: mp3(44100, 320),
    "mp3-48000-256k": lambda: mp3(48000, 256),
}
REFUSED = {
    "wav-8000-16bit": (lambda: wav(8000), "WAV 8 kHz 16-bit 1-channel"),
    "wav-22050-16bit": (lambda: wav(22050), "WAV 22.05 kHz 16-bit 1-channel"),
    "wav-24000-8bit": (lambda: wav(24000, 8), "WAV 24 kHz 8-bit 1-channel"),
    "wav-24000-stereo": (lambda: wav(24000, 16, 2), "WAV 24 kHz 16-bit 2-channel"),
    "wav-48000-64bit-float": (lambda: encoded(48000, "WAV", "DOUBLE"), "WAV 48 kHz 64-bit float 1-channel"),
    "mp3-24000-160k": (lambda: mp3(24000, 160), "MP3 24 kHz 160 kbps 1-channel"),
    "mp3-48000-96k": (lambda: mp3(48000, 96), "MP3 48 kHz 96 kbps 1-channel"),
    "flac-24000": (lambda: encoded(24000, "FLAC", "PCM_16"), "is not a WAV or MP3 audio file"),
    "not-audio": (lambda: b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk", "is not a WAV or MP3 audio file"),
}


@pytest.mark.parametrize("kind", sorted(ACCEPTED))
def test_each_documented_kind_is_accepted_as_consent(kind: str) -> None:
    cv = Voice()
    assert cv.project().status_code == 201
    r = cv.consent(audio=ACCEPTED[kind]())
    assert r.status_code == 201, r.text
    cv.clock.advance(10)
    got = cv.call("GET", "/consents/cons").json()
    assert got["status"] == "Succeeded", got


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_each_other_kind_is_refused_with_bad_argument(kind: str) -> None:
    build, what = REFUSED[kind]
    cv = Voice()
    assert cv.project().status_code == 201
    r = cv.consent(audio=build())
    assert r.status_code == 400 and r.json()["error"]["code"] == "BadArgument", r.text
    message = r.json()["error"]["message"]
    assert "'consent.wav'" in message and what in message and "supported are WAV (16, 24, 44.1 or 48 kHz" in message
    r = cv.call("GET", "/consents/cons")
    assert r.status_code == 404  # nothing was created


def test_a_24khz_consent_and_a_48khz_24bit_prompt_of_one_speaker_make_a_personal_voice() -> None:
    # the voiceprints of both files are compared at 16 kHz: resampling keeps the speaker recognisable
    cv = Voice()
    assert cv.project().status_code == 201
    assert cv.consent(audio=wav(24000, 16)).status_code == 201
    cv.clock.advance(10)
    r = cv.voice(audios=[wav(48000, 24, seed=7), mp3(44100, 320, seed=8)])
    assert r.status_code == 201, r.text
    cv.clock.advance(30)
    body = cv.call("GET", "/personalvoices/pv1").json()
    assert body["status"] == "Succeeded" and body["speakerProfileId"], body
    # another speaker's prompt at 24 kHz still fails speaker verification
    assert cv.voice("pv2", audios=[wav(24000, 16, speaker=4, seed=9)]).status_code == 201
    cv.clock.advance(30)
    other = cv.call("GET", "/personalvoices/pv2").json()
    assert other["status"] == "Failed" and other["properties"]["failureReason"] == "SpeakerVerificationFailed", other
    refused = cv.voice("pv3", audios=[wav(22050, 16)])
    assert refused.status_code == 400 and "'s0.wav' is WAV 22.05 kHz" in refused.json()["error"]["message"]


def test_read_audio_file_resamples_to_16khz_mono() -> None:
    for rate in (24000, 44100, 48000):
        got = read_audio_file(wav(rate, 24))
        assert (got.container, got.sample_rate, got.bit_depth, got.channels) == ("wav", rate, 24, 1)
        assert got.samples.dtype == np.int16 and got.samples.size == 32000


def _lying(body: bytes, frames: int) -> bytes:
    """``body`` with its data chunk's size field claiming ``frames`` 16-bit frames."""
    at = body.index(b"data") + 4
    return body[:at] + (frames * 2).to_bytes(4, "little") + body[at + 4 :]


@pytest.mark.parametrize(
    "body",
    [
        lambda: wav(24000)[: len(wav(24000)) // 2],  # truncated data chunk
        lambda: _lying(wav(24000), 2**31 - 1),  # a header declaring 2^31 frames in 96 KB
    ],
    ids=["truncated", "lying-header"],
)
def test_a_wav_that_holds_less_than_its_header_declares_is_refused(body) -> None:
    cv = Voice()
    assert cv.project().status_code == 201
    r = cv.consent(audio=body())
    assert r.status_code == 400 and "is not a WAV or MP3 audio file" in r.json()["error"]["message"], r.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_files_are_read_or_refused_never_an_error_of_another_kind(data) -> None:
    base = bytearray(data.draw(st.sampled_from([wav(24000), wav(48000, 32), mp3(24000, 128)])))
    for _ in range(data.draw(st.integers(1, 12))):
        base[data.draw(st.integers(0, min(len(base), 256) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(base)))
    try:
        got = read_audio_file(bytes(base[:cut]))
    except AudioFormatError:
        return
    assert got.samples.dtype == np.int16 and got.samples.ndim == 1
