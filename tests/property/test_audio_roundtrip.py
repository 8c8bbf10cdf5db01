"""Property tests: decode and analyse never crash, whatever the body.

* any bytes -> ``decode`` returns 1-D int16 samples or raises ``AudioFormatError``, nothing else
  (so the emulator can map it to 400 InvalidRequest and never to a 500);
* any int16 signal -> ``analyse`` returns ``0 <= speech_s <= duration_s``, an SNR within the
  documented clamp and a voiceprint of unit (or zero) length;
* a synthesized clip survives the WAV and PCM containers unchanged.

Source: seed 003 (audio/wav; codecs=audio/pcm); API-DIGEST §2.5 (format error message);
common rule "bad input gets the documented error, never a 500".
"""

from __future__ import annotations

import io
import wave

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cognitive_conformance.emulator.audio import SAMPLE_RATE, SNR_CEILING_DB, SNR_FLOOR_DB, VOICEPRINT_DIM, AudioFormatError, analyse, decode
from cognitive_conformance.strategies.audio import SPEAKERS, speakers, synthesize

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


def _valid_header(frames: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16000)
        writer.writeframes(bytes(2 * frames))
    return buffer.getvalue()[:44]


@st.composite
def _mutated_wavs(draw: st.DrawFn) -> bytes:
    """A valid 44-byte header with some bytes overwritten, followed by some data."""
    header = bytearray(_valid_header(draw(st.integers(0, 400))))
    for _ in range(draw(st.integers(0, 4))):
        header[draw(st.integers(4, 43))] = draw(st.integers(0, 255))
    return bytes(header) + draw(st.binary(max_size=600))


BODIES = st.one_of(
    st.binary(max_size=2048),
    st.binary(max_size=512).map(lambda b: b"RIFF" + b),
    st.binary(max_size=512).map(lambda b: b"RIFF\x00\x00\x00\x00WAVEfmt " + b),
    _mutated_wavs(),
)


def _check_decoded(body: bytes) -> None:
    try:
        samples = decode(body)
    except AudioFormatError:
        return
    assert samples.dtype == np.int16 and samples.ndim == 1


@PROPERTY
@given(BODIES)
def test_decode_returns_samples_or_raises_audio_format_error_only(body: bytes) -> None:
    _check_decoded(body)


def _check_analysis(samples: np.ndarray) -> None:
    result = analyse(samples)
    assert result.duration_s == samples.size / SAMPLE_RATE
    assert 0.0 <= result.speech_s <= result.duration_s
    assert SNR_FLOOR_DB <= result.snr_db <= SNR_CEILING_DB
    assert len(result.voiceprint) == VOICEPRINT_DIM
    norm = float(np.linalg.norm(result.voiceprint))
    assert abs(norm - 1.0) < 1e-9 or norm == 0.0


@PROPERTY
@given(hnp.arrays(np.int16, st.integers(0, 6000)))
def test_analyse_never_crashes_on_arbitrary_signals(samples: np.ndarray) -> None:
    _check_analysis(samples)


@settings(max_examples=40, deadline=None, database=None)
@given(
    hnp.arrays(np.int16, st.integers(0, 4000), elements=st.sampled_from([0, 1, -1, 32767, -32768])),
    st.integers(0, 20),
)
def test_analyse_never_crashes_on_extreme_or_constant_signals(samples: np.ndarray, repeat: int) -> None:
    _check_analysis(np.tile(samples, repeat + 1) if samples.size else samples)


@settings(max_examples=25, deadline=None, database=None)
@given(
    speakers(),
    st.integers(0, 300).map(lambda c: c / 100),
    st.floats(0.0, 1.0),
    st.one_of(st.none(), st.floats(-10.0, 60.0)),
    st.integers(0, 1000),
)
def test_synthesized_clips_round_trip_through_both_containers(
    speaker: object, duration_s: float, ratio: float, snr: float | None, seed: int
) -> None:
    kwargs = dict(speaker=speaker, duration_s=duration_s, speech_ratio=ratio, snr_db=snr, seed=seed)
    wav = decode(synthesize(**kwargs))  # type: ignore[arg-type]
    pcm = decode(synthesize(**kwargs, container="pcm"))  # type: ignore[arg-type]
    assert np.array_equal(wav, pcm)
    assert wav.size == round(duration_s * SAMPLE_RATE)
    _check_analysis(wav)


def test_the_speakers_are_the_ones_synthesized() -> None:
    assert all(isinstance(s.f0_hz, float) for s in SPEAKERS)
