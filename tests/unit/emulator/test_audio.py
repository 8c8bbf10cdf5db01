"""emulator.audio: decoding rules and the measured accuracy of the VAD, SNR and voiceprint.

The tolerances asserted here are the figures the module promises (and that
``benchmarks/audio_estimates.py`` reports) on the synthetic voices of ``strategies.audio``:

* speech length: within ``0.10 s + 2 %`` of the clip duration of the known voiced length, for
  speech ratios 0.2-1.0, SNR 5-40 dB, all six voices;
* SNR: within 0.5 dB when the clip has pauses (ratio <= 0.9); for fully voiced clips (no pause to
  measure noise in) within 1 dB up to 10 dB and at least 10 dB above that (harmonics-to-noise
  fallback, documented as an underestimate);
* ``too_noisy`` clips (true SNR -2..-0.5 dB) measure below 2 dB, enrollment clips at or above it;
* voiceprints: every speaker is closer to itself (other text, other seed) than to any other
  speaker, by a margin of at least 0.2.

Source: seed 003 (16 kHz 16-bit mono PCM, pure speech, SNR >= 2 dB); API-DIGEST §2.3, §2.5.
"""

from __future__ import annotations

import io
import itertools
import struct
import wave

import numpy as np
import pytest

from cognitive_conformance.emulator.audio import (
    AUDIO_FORMAT_MESSAGE,
    SAMPLE_RATE,
    SNR_CEILING_DB,
    SNR_FLOOR_DB,
    VOICEPRINT_DIM,
    AudioFormatError,
    analyse,
    decode,
    similarity,
)
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize


def _wav(samples: np.ndarray, *, rate: int = 16000, width: int = 2, channels: int = 1) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(samples.tobytes())
    return buffer.getvalue()


RAMP = (np.arange(-500, 500, dtype=np.int16) * 37).astype(np.int16)


# ----------------------------------------------------------------------------- decode


def test_decode_wav_returns_the_exact_samples() -> None:
    out = decode(_wav(RAMP))
    assert out.dtype == np.int16
    assert np.array_equal(out, RAMP)


def test_decode_headerless_pcm_is_little_endian_int16() -> None:
    assert np.array_equal(decode(RAMP.astype("<i2").tobytes()), RAMP)
    assert np.array_equal(decode(struct.pack("<3h", 1, -2, 32767)), np.array([1, -2, 32767], dtype=np.int16))


def test_decode_wav_and_pcm_containers_of_the_same_clip_agree() -> None:
    wav = synthesize(speaker=SPEAKERS[2], duration_s=1.23, seed=5)
    pcm = synthesize(speaker=SPEAKERS[2], duration_s=1.23, seed=5, container="pcm")
    assert np.array_equal(decode(wav), decode(pcm))
    assert decode(wav).size == round(1.23 * SAMPLE_RATE)


def test_decode_empty_body_is_zero_samples() -> None:
    assert decode(b"").size == 0


def test_decode_ignores_chunks_after_the_data_chunk() -> None:
    body = _wav(RAMP) + b"LIST\x04\x00\x00\x00INFO"
    assert np.array_equal(decode(body), RAMP)


@pytest.mark.parametrize(
    ("label", "body"),
    [
        ("8 kHz", _wav(RAMP, rate=8000)),
        ("44.1 kHz", _wav(RAMP, rate=44100)),
        ("8-bit", _wav((RAMP // 256 + 128).astype(np.uint8), width=1)),
        ("32-bit", _wav(RAMP.astype(np.int32), width=4)),
        ("stereo", _wav(np.repeat(RAMP, 2), channels=2)),
        ("header cut at 4", _wav(RAMP)[:4]),
        ("header cut at 30", _wav(RAMP)[:30]),
        ("header cut at 43", _wav(RAMP)[:43]),
        ("data chunk shorter than declared", _wav(RAMP)[:-10]),
        ("data chunk empty but declared", _wav(RAMP)[:44]),
        ("RIFF but WEBP", b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(64)),
        ("odd headerless", b"\x01\x02\x03"),
        ("PNG", b"\x89PNG\r\n\x1a\n" + bytes(32)),
        ("Ogg", b"OggS\x00\x02" + bytes(32)),
        ("MP4", b"\x00\x00\x00\x20ftypM4A " + bytes(32)),
        ("XML", b"<?xml version='1.0'?><a/>!"),
    ],
)
def test_decode_rejects_every_other_format_with_the_documented_message(label: str, body: bytes) -> None:
    with pytest.raises(AudioFormatError) as caught:
        decode(body)
    assert str(caught.value) == AUDIO_FORMAT_MESSAGE == "Invalid audio format. Supported format is 16Khz 16bit Mono PCM."
    assert isinstance(caught.value, ValueError)
    assert caught.value.detail, label


def test_decode_refuses_non_bytes() -> None:
    with pytest.raises(TypeError):
        decode("RIFF")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- duration and degenerate input


@pytest.mark.parametrize("n", [1, 159, 160, 161, 16001, 48017])
def test_analyse_duration_is_exact_to_the_sample(n: int) -> None:
    samples = decode(synthesize(speaker=SPEAKERS[0], duration_s=n / SAMPLE_RATE, seed=1))
    assert samples.size == n
    result = analyse(samples)
    assert result.duration_s == n / SAMPLE_RATE
    assert 0.0 <= result.speech_s <= result.duration_s


def test_analyse_empty_input() -> None:
    result = analyse(np.zeros(0, dtype=np.int16))
    assert (result.duration_s, result.speech_s, result.snr_db) == (0.0, 0.0, SNR_FLOOR_DB)
    assert result.voiceprint == (0.0,) * VOICEPRINT_DIM


def test_analyse_digital_silence_has_no_speech_and_floor_snr() -> None:
    result = analyse(np.zeros(3 * SAMPLE_RATE, dtype=np.int16))
    assert result.speech_s == 0.0
    assert result.snr_db == SNR_FLOOR_DB
    assert result.voiceprint == (0.0,) * VOICEPRINT_DIM


@pytest.mark.parametrize("rms", [3.0, 300.0, 3000.0])
def test_analyse_pure_white_noise_has_no_speech(rms: float) -> None:
    noise = np.random.default_rng(7).standard_normal(4 * SAMPLE_RATE) * rms
    result = analyse(noise.astype(np.int16))
    assert result.speech_s == 0.0
    assert result.snr_db == SNR_FLOOR_DB


def test_analyse_noiseless_speech_with_digital_pauses_has_ceiling_snr() -> None:
    result = analyse(decode(synthesize(speaker=SPEAKERS[3], duration_s=3.0, speech_ratio=0.6, snr_db=None)))
    assert result.snr_db == SNR_CEILING_DB
    assert abs(result.speech_s - 1.8) <= 0.1


def test_analyse_rejects_multichannel_arrays() -> None:
    with pytest.raises(ValueError):
        analyse(np.zeros((2, 100), dtype=np.int16))


def test_analyse_is_deterministic() -> None:
    samples = decode(synthesize(speaker=SPEAKERS[1], duration_s=2.0, snr_db=15.0, seed=3))
    assert analyse(samples) == analyse(samples.copy())


# ----------------------------------------------------------------------------- measured accuracy


DURATION_S = 4.0
RATIOS = (0.2, 0.4, 0.6, 0.8, 0.9, 1.0)
SNRS = (5.0, 10.0, 20.0, 40.0)


def _grid() -> list[tuple[float, float, int]]:
    # Every ratio x SNR cell, each voice twice across the grid (speaker rotates with the cell).
    cells = list(itertools.product(RATIOS, SNRS))
    return [(ratio, snr, (i + k) % len(SPEAKERS)) for i, (ratio, snr) in enumerate(cells) for k in (0, 3)]


@pytest.mark.parametrize(("ratio", "snr", "speaker"), _grid())
def test_analyse_speech_length_and_snr_within_tolerance(ratio: float, snr: float, speaker: int) -> None:
    seed = int(ratio * 100 + snr + speaker)
    samples = decode(
        synthesize(speaker=SPEAKERS[speaker], duration_s=DURATION_S, speech_ratio=ratio, snr_db=snr, seed=seed)
    )
    true_speech = round(ratio * samples.size) / SAMPLE_RATE
    result = analyse(samples)
    assert abs(result.speech_s - true_speech) <= 0.10 + 0.02 * DURATION_S, (result.speech_s, true_speech)
    if ratio <= 0.9:
        assert abs(result.snr_db - snr) <= 0.5, result.snr_db
    elif snr <= 10.0:
        assert abs(result.snr_db - snr) <= 1.0, result.snr_db
    else:
        assert 10.0 <= result.snr_db <= snr + 1.0, result.snr_db


@pytest.mark.parametrize("seed", range(12))
def test_analyse_too_noisy_speech_measures_below_2_db(seed: int) -> None:
    rng = np.random.default_rng(seed)
    true_snr = float(rng.uniform(-2.0, -0.5))
    samples = decode(
        synthesize(
            speaker=SPEAKERS[seed % len(SPEAKERS)],
            duration_s=3.0 + seed % 5,
            speech_ratio=float(rng.uniform(0.5, 0.9)),
            snr_db=true_snr,
            seed=seed,
        )
    )
    assert analyse(samples).snr_db < 2.0


@pytest.mark.parametrize("seed", range(12))
def test_analyse_clean_speech_measures_at_least_2_db(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    snr = None if seed % 4 == 0 else float(rng.uniform(10.0, 40.0))
    samples = decode(
        synthesize(
            speaker=SPEAKERS[seed % len(SPEAKERS)],
            duration_s=1.5 + seed % 4,
            speech_ratio=float(rng.uniform(0.5, 0.95)),
            snr_db=snr,
            seed=seed,
        )
    )
    result = analyse(samples)
    assert result.snr_db >= 2.0
    assert result.speech_s > 0.5


# ----------------------------------------------------------------------------- voiceprints


@pytest.fixture(scope="module")
def prints() -> dict[tuple[str, int], tuple[float, ...]]:
    out: dict[tuple[str, int], tuple[float, ...]] = {}
    for speaker in SPEAKERS:
        for seed in range(3):
            body = synthesize(speaker=speaker, duration_s=5.0, speech_ratio=0.8, snr_db=(30.0, 20.0, 10.0)[seed], seed=500 + seed)
            out[(speaker.name, seed)] = analyse(decode(body)).voiceprint
    return out


def test_voiceprint_is_unit_length_and_fixed_size(prints: dict[tuple[str, int], tuple[float, ...]]) -> None:
    for vector in prints.values():
        assert len(vector) == VOICEPRINT_DIM
        assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-9


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(range(len(SPEAKERS)), 2)))
def test_voiceprint_same_speaker_beats_other_speaker_with_margin(
    prints: dict[tuple[str, int], tuple[float, ...]], a: int, b: int
) -> None:
    name_a, name_b = SPEAKERS[a].name, SPEAKERS[b].name
    same = [similarity(prints[(n, i)], prints[(n, j)]) for n in (name_a, name_b) for i, j in itertools.combinations(range(3), 2)]
    cross = [similarity(prints[(name_a, i)], prints[(name_b, j)]) for i in range(3) for j in range(3)]
    assert min(same) > max(cross) + 0.2, (min(same), max(cross))


def test_voiceprint_ignores_loudness() -> None:
    samples = decode(synthesize(speaker=SPEAKERS[4], duration_s=3.0, snr_db=None, seed=9))
    quiet = (samples.astype(np.int32) // 4).astype(np.int16)
    assert similarity(analyse(samples).voiceprint, analyse(quiet).voiceprint) > 0.99


def test_similarity_range_and_edge_cases() -> None:
    v = (0.6, 0.8, 0.0)
    assert similarity(v, v) == pytest.approx(1.0)
    assert similarity(v, (-0.6, -0.8, 0.0)) == 0.0
    assert similarity(v, (0.0, 0.0, 0.0)) == 0.0
    assert similarity((1.0, 0.0), (0.0, 1.0)) == 0.0
    assert 0.0 < similarity((1.0, 1.0), (1.0, 0.0)) < 1.0
    with pytest.raises(ValueError):
        similarity((1.0, 0.0), (1.0, 0.0, 0.0))
