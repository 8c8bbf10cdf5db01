"""strategies.audio: synthesis is exact, deterministic and fast; every strategy yields what it promises.

Source: seed 003 (16 kHz 16-bit mono PCM WAV, 1-120 s, SNR >= 2 dB, up to 5 MB); API-DIGEST §2.4, §2.5;
/work/shared/SCHEMATHESIS.md §1.4 (media type registration).
"""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.media_types import MEDIA_TYPE_STRATEGIES

from cognitive_conformance.conformance.spec import render
from cognitive_conformance.emulator.audio import AudioFormatError, analyse, decode
from cognitive_conformance.strategies.audio import (
    INVALID_AUDIO_KINDS,
    MAX_BODY_BYTES,
    SPEAKERS,
    enrollment_clips,
    invalid_audio,
    register_media,
    speakers,
    synthesize,
    wav_clips,
)

FAST = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def _header(body: bytes) -> tuple[int, int, int, int]:
    with wave.open(io.BytesIO(body)) as reader:
        return reader.getframerate(), reader.getsampwidth() * 8, reader.getnchannels(), reader.getnframes()


@pytest.mark.parametrize(
    ("rate", "depth", "channels"), [(16000, 16, 1), (8000, 16, 1), (44100, 16, 1), (16000, 8, 1), (16000, 24, 1), (16000, 32, 2)]
)
def test_synthesize_writes_the_requested_format(rate: int, depth: int, channels: int) -> None:
    body = synthesize(speaker=SPEAKERS[1], duration_s=0.5, sample_rate=rate, bit_depth=depth, channels=channels)
    assert _header(body) == (rate, depth, channels, round(0.5 * rate))
    assert len(body) == 44 + round(0.5 * rate) * depth // 8 * channels


def test_synthesize_pcm_is_the_wav_payload_without_header() -> None:
    wav = synthesize(speaker=SPEAKERS[0], duration_s=0.7, seed=4)
    pcm = synthesize(speaker=SPEAKERS[0], duration_s=0.7, seed=4, container="pcm")
    assert wav[44:] == pcm and wav[:4] == b"RIFF" and not pcm.startswith(b"RIFF")


def test_synthesize_is_deterministic_per_seed() -> None:
    kwargs = dict(speaker=SPEAKERS[3], duration_s=1.0, snr_db=20.0)
    assert synthesize(**kwargs, seed=1) == synthesize(**kwargs, seed=1)
    assert synthesize(**kwargs, seed=1) != synthesize(**kwargs, seed=2)


@pytest.mark.parametrize("ratio", [0.0, 0.3, 0.75, 1.0])
def test_synthesize_voices_exactly_the_requested_fraction(ratio: float) -> None:
    samples = decode(synthesize(speaker=SPEAKERS[2], duration_s=2.0, speech_ratio=ratio, snr_db=None, seed=8))
    voiced = round(ratio * samples.size)
    nonzero = int(np.count_nonzero(samples))
    # Silence is digital zero; voiced samples are non-zero except at rare zero crossings and fade ends.
    assert nonzero <= voiced
    assert nonzero >= 0.97 * voiced


@pytest.mark.parametrize("snr", [-3.0, 2.0, 12.5, 35.0])
def test_synthesize_noise_power_matches_snr_against_speech_power(snr: float) -> None:
    clean = decode(synthesize(speaker=SPEAKERS[5], duration_s=2.0, speech_ratio=0.6, snr_db=None, seed=6)).astype(float)
    noisy = decode(synthesize(speaker=SPEAKERS[5], duration_s=2.0, speech_ratio=0.6, snr_db=snr, seed=6)).astype(float)
    noise = noisy - clean  # no clipping rescale happens at -20 dBFS speech for these SNRs
    voiced = clean != 0
    measured = 10 * np.log10(np.mean(clean[voiced] ** 2) / np.mean(noise**2))
    assert abs(measured - snr) < 0.3


@pytest.mark.parametrize(
    "kwargs",
    [
        {"duration_s": -1.0},
        {"duration_s": float("nan")},
        {"speech_ratio": 1.5},
        {"snr_db": float("inf")},
        {"sample_rate": 100},
        {"bit_depth": 12},
        {"channels": 3},
        {"container": "mp3"},
    ],
)
def test_synthesize_validates_arguments(kwargs: dict[str, object]) -> None:
    arguments: dict[str, object] = {"speaker": SPEAKERS[0], "duration_s": 1.0, **kwargs}
    with pytest.raises(ValueError):
        synthesize(**arguments)  # type: ignore[arg-type]


def test_speakers_are_named_and_well_separated() -> None:
    assert len({s.name for s in SPEAKERS}) == len(SPEAKERS) >= 4
    f0s = sorted(s.f0_hz for s in SPEAKERS)
    assert all(b / a >= 1.2 for a, b in zip(f0s, f0s[1:]))


@FAST
@given(speakers())
def test_speakers_draws_from_speakers(speaker: object) -> None:
    assert speaker in SPEAKERS


@FAST
@given(wav_clips(min_duration_s=0.5, max_duration_s=1.5))
def test_wav_clips_are_16k_16bit_mono_within_bounds(body: bytes) -> None:
    rate, depth, channels, frames = _header(body)
    assert (rate, depth, channels) == (16000, 16, 1)
    assert 0.5 * 16000 <= frames <= 1.5 * 16000


@FAST
@given(enrollment_clips(max_duration_s=3.0))
def test_enrollment_clips_pass_the_documented_audio_rules(body: bytes) -> None:
    result = analyse(decode(body))
    assert 1.0 <= result.duration_s <= 120.0
    assert result.snr_db >= 2.0
    assert result.speech_s >= 0.5
    assert len(body) <= MAX_BODY_BYTES


def test_strategy_options_are_validated() -> None:
    with pytest.raises(ValueError):
        wav_clips(min_duration_s=3.0, max_duration_s=2.0)
    with pytest.raises(TypeError):
        wav_clips(speaker=SPEAKERS[0])  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        enrollment_clips(min_duration_s=0.5)
    with pytest.raises(ValueError):
        invalid_audio(kind="too_loud")


FORMAT_KINDS = ("wrong_sample_rate", "wrong_bit_depth", "stereo", "truncated_header", "lying_header", "not_audio")


@pytest.mark.parametrize("kind", FORMAT_KINDS)
def test_invalid_audio_format_kinds_are_rejected_by_decode(kind: str) -> None:
    @FAST
    @given(invalid_audio(kind=kind))
    def check(body: bytes) -> None:
        with pytest.raises(AudioFormatError):
            decode(body)

    check()


def _analysed(kind: str, examples: int = 8) -> list[tuple[bytes, object]]:
    found: list[tuple[bytes, object]] = []

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(invalid_audio(kind=kind))
    def collect(body: bytes) -> None:
        found.append((body, analyse(decode(body))))

    collect()
    return found


def test_invalid_audio_silence_has_no_speech() -> None:
    assert all(result.speech_s == 0.0 for _, result in _analysed("silence"))


def test_invalid_audio_too_short_is_under_one_second() -> None:
    assert all(result.duration_s < 1.0 and result.speech_s > 0.0 for _, result in _analysed("too_short"))


def test_invalid_audio_too_noisy_measures_below_2_db_with_speech() -> None:
    assert all(result.snr_db < 2.0 and result.speech_s > 0.0 for _, result in _analysed("too_noisy"))


@pytest.mark.slow
def test_invalid_audio_too_long_is_over_120_s_but_under_5_mb() -> None:
    for body, result in _analysed("too_long", examples=4):
        assert result.duration_s > 120.0 and len(body) <= MAX_BODY_BYTES


@pytest.mark.slow
def test_invalid_audio_over_5mb_is_over_the_body_limit() -> None:
    for body, _ in _analysed("over_5mb", examples=4):
        assert len(body) > MAX_BODY_BYTES
        assert _header(body)[:3] == (16000, 16, 1)


def test_invalid_audio_kinds_are_all_covered_by_these_tests() -> None:
    covered = set(FORMAT_KINDS) | {"silence", "too_short", "too_noisy", "too_long", "over_5mb"}
    assert covered == set(INVALID_AUDIO_KINDS)


def test_register_media_is_idempotent_and_feeds_schemathesis() -> None:
    register_media()
    first = MEDIA_TYPE_STRATEGIES["audio/wav"]
    register_media()
    assert MEDIA_TYPE_STRATEGIES["audio/wav"] is first
    assert MEDIA_TYPE_STRATEGIES["audio/wav; codecs=audio/pcm"] is first

    schema = schemathesis.openapi.from_dict(render("speaker"))
    operation = schema["/speaker-recognition/identification/text-independent/profiles/{profileId}/enrollments"]["POST"]
    bodies: list[bytes] = []

    @FAST
    @given(operation.as_strategy())
    def collect(case: schemathesis.Case) -> None:
        bodies.append(case.body)

    collect()
    assert bodies
    for body in bodies:
        assert isinstance(body, bytes) and body.startswith(b"RIFF")
        assert decode(body).size >= 16000
