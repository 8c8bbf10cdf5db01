"""Synthetic speech for the Speaker Recognition enrollment and identification bodies.

Speaker Recognition text-independent identification (api-version 2021-09-05) takes a raw
request body of ``audio/wav; codecs=audio/pcm``: 16 kHz, 16-bit, mono PCM, up to 5 MB, 1 s to
120 s of audio per request, at least 2 dB signal-to-noise ratio; a voice print needs 20 s of
pure speech in total (Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment; https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json; https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json). This module makes such bodies
(and every documented way of getting them wrong) without recordings, so the strategies are
deterministic, shrinkable and fast.

How a clip is made (:func:`synthesize`)
---------------------------------------
* **Layout.** ``duration_s`` is rounded to whole samples. ``round(speech_ratio * n)`` samples
  are voiced, the rest is silence. Voiced samples are split into utterances of about
  ``_MEAN_UTTERANCE_S`` (0.7 s); silences between utterances are at least ``_MIN_GAP_S``
  (0.15 s) whenever the silence budget allows, so a voice activity detector can see them.
  Leading and trailing silence take random shares of what remains. The exact voiced sample
  count is ``round(speech_ratio * n)``.
* **Voice.** Each utterance is cut into syllables of 150-300 ms. A syllable is a glottal pulse
  train at the speaker's ``f0_hz`` (intonation: a per-utterance declination of up to ±5 %, a
  per-syllable offset of up to ±6 %, a 5 Hz vibrato of 1 %; integer-sample pulse positions add
  natural jitter) filtered in the frequency domain by a source tilt (-6 dB/octave above
  2·f0) and three second-order formant resonators at the speaker's ``formants_hz``, each
  moved per syllable to mimic different vowels (F1 ±15 %, F2 ±12 %, F3 ±4 %). Syllable
  outputs are overlap-added, so resonances ring across syllable boundaries. The loudness
  follows ``0.7 + 0.3·sin²`` within each syllable and 10 ms raised-cosine fades at utterance
  edges. Different seeds give different "text" (layout, syllables, vowels, intonation) for
  the same speaker.
* **Level and noise.** Speech is scaled to -20 dBFS RMS over the voiced samples. With
  ``snr_db`` set, white Gaussian noise of power ``P_speech / 10**(snr_db/10)`` is added over
  the whole clip, where ``P_speech`` is the mean power of the voiced samples (the definition
  :func:`emulator.audio.analyse` estimates). If the mix would clip, everything is scaled down
  together (the SNR is unchanged). ``snr_db=None`` means no noise: silences are digital zero.
* **Encoding.** Quantised to ``bit_depth`` (8-bit unsigned, 16/24/32-bit signed little-endian),
  duplicated to ``channels``, then written as a RIFF/WAVE file with :mod:`wave`
  (``container="wav"``) or as bare little-endian PCM (``container="pcm"``, what the Speech SDK
  streams after stripping the header).

A 20 s clip takes a few milliseconds; see ``benchmarks/audio_estimates.py``.

The strategies (:func:`wav_clips`, :func:`enrollment_clips`, :func:`invalid_audio`) draw the
synthesis parameters and shrink towards the shortest clip, the first speaker, the lowest
speech ratio and seed 0. :func:`register_media` plugs :func:`enrollment_clips` into
Schemathesis for the ``audio/wav`` request bodies of ``specs/speaker.yaml``.
"""

from __future__ import annotations

import functools
import io
import math
import wave
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

__all__ = [
    "AUDIO_MEDIA_TYPE",
    "AUDIO_MEDIA_TYPE_DOCUMENTED",
    "INVALID_AUDIO_KINDS",
    "MAX_AUDIO_S",
    "MAX_BODY_BYTES",
    "MIN_AUDIO_S",
    "MIN_SNR_DB",
    "SPEAKERS",
    "Speaker",
    "enrollment_clips",
    "invalid_audio",
    "raw_audio_body",
    "register_media",
    "unregister_media",
    "speakers",
    "synthesize",
    "wav_clips",
]

# Documented limits of CreateEnrollment / IdentifySingleSpeaker (https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment; https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json).
MIN_AUDIO_S = 1.0
MAX_AUDIO_S = 120.0
MIN_SNR_DB = 2.0
#: "Supports audio up to 5MB". We read MB as MiB (5 * 2**20 bytes), the larger reading, so a
#: body over this is over the limit under either reading.
MAX_BODY_BYTES = 5 * 1024 * 1024

_SPEECH_RMS = 0.1  # -20 dBFS
_MEAN_UTTERANCE_S = 0.7
_MIN_GAP_S = 0.15
_FADE_S = 0.010
_SYLLABLE_S = (0.15, 0.30)
_BANDWIDTHS_HZ = (80.0, 110.0, 160.0)
_VOWEL_SPREAD = (0.15, 0.12, 0.04)
_FFT_PAD = 384  # > 20 ms: the narrowest resonance (80 Hz) has decayed by > 40 dB


@dataclass(frozen=True)
class Speaker:
    """A synthetic voice: a name, a mean fundamental frequency and three neutral-vowel formants.

    Source: the voice model is ours (source-filter synthesis); it exists so identification
    (TextIndependent_IdentifySingleSpeaker, https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json) has distinguishable speakers.
    """

    name: str
    f0_hz: float
    formants_hz: tuple[float, float, float]


#: Six voices, spaced at least ~25 % apart in f0 and ~8 % in formants (vocal-tract length).
SPEAKERS: tuple[Speaker, ...] = (
    Speaker("bass", 90.0, (480.0, 1380.0, 2350.0)),
    Speaker("baritone", 120.0, (540.0, 1540.0, 2550.0)),
    Speaker("tenor", 155.0, (590.0, 1680.0, 2720.0)),
    Speaker("alto", 195.0, (640.0, 1820.0, 2900.0)),
    Speaker("soprano", 245.0, (710.0, 1980.0, 3100.0)),
    Speaker("child", 310.0, (800.0, 2200.0, 3400.0)),
)

_BIT_DEPTHS = (8, 16, 24, 32)
_CONTAINERS = ("wav", "pcm")


def synthesize(
    *,
    speaker: Speaker,
    duration_s: float,
    speech_ratio: float = 0.8,
    snr_db: float | None = 30.0,
    sample_rate: int = 16000,
    bit_depth: int = 16,
    channels: int = 1,
    seed: int = 0,
    container: str = "wav",
) -> bytes:
    """Return ``duration_s`` of synthetic speech by ``speaker`` as WAV or headerless PCM bytes.

    ``speech_ratio`` is the fraction of samples that are voiced (the rest is silence, or noise
    when ``snr_db`` is set); ``snr_db`` is the ratio of the mean voiced-speech power to the
    white-noise power. The same arguments always give the same bytes. The algorithm is
    described in the module docstring.

    Source: the valid format is 16 kHz, 16-bit, mono PCM in ``audio/wav; codecs=audio/pcm``
    (https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment; https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json "Invalid audio format. Supported format is 16Khz 16bit Mono
    PCM."); the other ``sample_rate``/``bit_depth``/``channels`` values exist to break it.
    """
    if not isinstance(speaker, Speaker):
        raise TypeError(f"speaker must be a Speaker, got {type(speaker).__name__}")
    if not (math.isfinite(duration_s) and 0.0 <= duration_s <= 600.0):
        raise ValueError(f"duration_s must be within [0, 600], got {duration_s!r}")
    if not (0.0 <= speech_ratio <= 1.0):
        raise ValueError(f"speech_ratio must be within [0, 1], got {speech_ratio!r}")
    if snr_db is not None and not (math.isfinite(snr_db) and -40.0 <= snr_db <= 120.0):
        raise ValueError(f"snr_db must be None or within [-40, 120], got {snr_db!r}")
    if not (4000 <= sample_rate <= 192000):
        raise ValueError(f"sample_rate must be within [4000, 192000], got {sample_rate!r}")
    if bit_depth not in _BIT_DEPTHS:
        raise ValueError(f"bit_depth must be one of {_BIT_DEPTHS}, got {bit_depth!r}")
    if channels not in (1, 2):
        raise ValueError(f"channels must be 1 or 2, got {channels!r}")
    if container not in _CONTAINERS:
        raise ValueError(f"container must be one of {_CONTAINERS}, got {container!r}")
    if max(speaker.formants_hz) >= sample_rate / 2:
        raise ValueError("speaker formants must lie below the Nyquist frequency")

    rng = np.random.default_rng([seed & 0xFFFFFFFF, 0x5EED])
    n = int(round(duration_s * sample_rate))
    n_voiced = int(round(speech_ratio * n))
    signal = np.zeros(n, dtype=np.float64)
    voiced_mask = np.zeros(n, dtype=bool)
    for start, length in _layout(n, n_voiced, sample_rate, rng):
        signal[start : start + length] = _utterance(speaker, length, sample_rate, rng)
        voiced_mask[start : start + length] = True

    if n_voiced:
        power = float(np.mean(signal[voiced_mask] ** 2))
        if power > 0.0:
            signal *= _SPEECH_RMS / math.sqrt(power)
    if snr_db is not None and n:
        noise_power = _SPEECH_RMS**2 / 10.0 ** (snr_db / 10.0)
        noise_rng = np.random.default_rng([seed & 0xFFFFFFFF, 0x0015E])
        signal = signal + noise_rng.standard_normal(n) * math.sqrt(noise_power)
    peak = float(np.max(np.abs(signal))) if n else 0.0
    if peak > 0.98:
        signal *= 0.98 / peak
    return _encode(signal, sample_rate=sample_rate, bit_depth=bit_depth, channels=channels, container=container)


def _layout(n: int, n_voiced: int, sample_rate: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """Place voiced utterances: ``[(start, length)]`` with lengths summing to ``n_voiced``."""
    if n_voiced <= 0:
        return []
    n_silent = n - n_voiced
    if n_silent == 0:
        return [(0, n)]
    min_gap = int(_MIN_GAP_S * sample_rate)
    k = max(1, int(round(n_voiced / (_MEAN_UTTERANCE_S * sample_rate))))
    # Interior gaps may use at most 70 % of the silence; the rest goes to random shares.
    k = max(1, min(k, 1 + int(0.7 * n_silent) // max(min_gap, 1)))
    lengths = np.floor(rng.dirichlet(np.full(k, 5.0)) * n_voiced).astype(np.int64)
    lengths[-1] += n_voiced - int(lengths.sum())
    extra = n_silent - (k - 1) * min_gap
    gaps = np.floor(rng.dirichlet(np.full(k + 1, 2.0)) * extra).astype(np.int64)
    gaps[1:k] += min_gap
    gaps[-1] += n_silent - int(gaps.sum())
    segments: list[tuple[int, int]] = []
    position = int(gaps[0])
    for i in range(k):
        length = int(lengths[i])
        if length > 0:
            segments.append((position, length))
        position += length + int(gaps[i + 1])
    return segments


def _utterance(speaker: Speaker, length: int, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    """One voiced utterance of ``length`` samples (unit-free; scaled by the caller)."""
    t = np.arange(length) / sample_rate
    # Syllable boundaries.
    bounds = [0]
    while bounds[-1] < length:
        bounds.append(bounds[-1] + int(rng.uniform(*_SYLLABLE_S) * sample_rate))
    bounds[-1] = length
    if len(bounds) > 2 and bounds[-1] - bounds[-2] < int(0.05 * sample_rate):
        bounds.pop(-2)
    n_syll = len(bounds) - 1
    # Intonation: declination over the utterance, an offset per syllable, vibrato.
    declination = rng.uniform(-0.05, 0.05)
    offsets = rng.uniform(-0.06, 0.06, size=n_syll)
    syllable_of = np.repeat(np.arange(n_syll), np.diff(bounds))
    duration = max(length / sample_rate, 1e-9)
    f_inst = (
        speaker.f0_hz
        * (1.0 + declination * (0.5 - t / duration))
        * (1.0 + offsets[syllable_of])
        * (1.0 + 0.01 * np.sin(2 * np.pi * 5.0 * t + rng.uniform(0, 2 * np.pi)))
    )
    phase = np.cumsum(f_inst / sample_rate) + rng.uniform(0.0, 1.0)
    pulses = np.flatnonzero(np.diff(np.floor(phase), prepend=np.floor(phase[0])) > 0)

    out = np.zeros(length + 2 * _FFT_PAD, dtype=np.float64)
    for s in range(n_syll):
        lo, hi = bounds[s], bounds[s + 1]
        in_syll = pulses[(pulses >= lo) & (pulses < hi)]
        if in_syll.size == 0:
            continue
        span = hi - lo
        nfft = 1 << int(math.ceil(math.log2(span + 2 * _FFT_PAD)))
        excitation = np.zeros(nfft)
        excitation[in_syll - lo + _FFT_PAD] = 1.0
        freqs = np.fft.rfftfreq(nfft, 1.0 / sample_rate)
        scale = 1.0 + rng.uniform(-1.0, 1.0, size=3) * np.asarray(_VOWEL_SPREAD)
        response = _envelope(freqs, speaker, scale, float(np.mean(f_inst[lo:hi])))
        filtered = np.fft.irfft(np.fft.rfft(excitation) * response, nfft)
        # Zero-phase filter: the pulses sit _FFT_PAD samples into the buffer so the
        # pre-ringing does not wrap around; overlap-add into the padded output.
        end = min(lo + nfft, out.size)
        out[lo:end] += filtered[: end - lo]
    speech = out[_FFT_PAD : _FFT_PAD + length]

    # Loudness: 0.7 + 0.3 sin^2 within each syllable, 10 ms fades at the utterance edges.
    pos = np.empty(length)
    for s in range(n_syll):
        lo, hi = bounds[s], bounds[s + 1]
        pos[lo:hi] = (np.arange(hi - lo) + 0.5) / (hi - lo)
    gain = 0.7 + 0.3 * np.sin(np.pi * pos) ** 2
    fade = min(int(_FADE_S * sample_rate), length // 2)
    if fade > 0:
        ramp = 0.5 - 0.5 * np.cos(np.pi * (np.arange(fade) + 0.5) / fade)
        gain[:fade] *= ramp
        gain[length - fade :] *= ramp[::-1]
    return speech * gain


def _envelope(freqs: np.ndarray, speaker: Speaker, scale: np.ndarray, f0: float) -> np.ndarray:
    """Magnitude response: source tilt times three second-order formant resonators."""
    response = 1.0 / np.sqrt(1.0 + (freqs / (2.0 * f0)) ** 2)
    for formant, bandwidth, factor in zip(speaker.formants_hz, _BANDWIDTHS_HZ, scale, strict=True):
        fc = formant * factor
        bw = bandwidth * factor
        response = response * fc**2 / np.sqrt((fc**2 - freqs**2) ** 2 + (bw * freqs) ** 2)
    return response


def _encode(signal: np.ndarray, *, sample_rate: int, bit_depth: int, channels: int, container: str) -> bytes:
    """Quantise a [-1, 1) float signal and wrap it as WAV or bare little-endian PCM."""
    full_scale = float(2 ** (bit_depth - 1))
    ints = np.clip(np.round(signal * full_scale), -full_scale, full_scale - 1).astype(np.int64)
    if channels == 2:
        ints = np.repeat(ints, 2)
    if bit_depth == 8:
        frames = (ints + 128).astype(np.uint8).tobytes()
    elif bit_depth == 16:
        frames = ints.astype("<i2").tobytes()
    elif bit_depth == 24:
        frames = ints.astype("<i4").view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    else:
        frames = ints.astype("<i4").tobytes()
    if container == "pcm":
        return frames
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(bit_depth // 8)
        writer.setframerate(sample_rate)
        writer.writeframes(frames)
    return buffer.getvalue()


# --------------------------------------------------------------------------- strategies

#: The ``kind`` values :func:`invalid_audio` accepts, each breaking one documented rule.
INVALID_AUDIO_KINDS: tuple[str, ...] = (
    "wrong_sample_rate",
    "wrong_bit_depth",
    "stereo",
    "truncated_header",
    "lying_header",
    "silence",
    "too_short",
    "too_long",
    "over_5mb",
    "too_noisy",
    "not_audio",
)

_SEEDS = st.integers(min_value=0, max_value=2**16 - 1)


def speakers() -> SearchStrategy[Speaker]:
    """One of :data:`SPEAKERS`; shrinks towards the first ("bass")."""
    return st.sampled_from(SPEAKERS)


def _centiseconds(low: float, high: float) -> SearchStrategy[float]:
    """Durations in [low, high] on a 10 ms grid (whole centiseconds shrink to ``low``)."""
    lo = int(math.ceil(round(low * 100, 6)))
    hi = int(math.floor(round(high * 100, 6)))
    if lo > hi:
        raise ValueError(f"no 10 ms step within [{low}, {high}]")
    return st.integers(min_value=lo, max_value=hi).map(lambda c: c / 100.0)


def wav_clips(
    *,
    min_duration_s: float = 1.0,
    max_duration_s: float = 5.0,
    speaker: SearchStrategy[Speaker] | None = None,
    speech_ratio: SearchStrategy[float] | None = None,
    snr_db: SearchStrategy[float | None] | None = None,
) -> SearchStrategy[bytes]:
    """16 kHz, 16-bit, mono RIFF/WAVE clips of synthetic speech (see :func:`synthesize`).

    Durations lie in [``min_duration_s``, ``max_duration_s``] on a 10 ms grid; ``speaker``
    defaults to :func:`speakers`, ``speech_ratio`` to floats in [0.5, 1.0], ``snr_db`` to
    floats in [10, 40] dB or ``None`` (no noise). Shrinks towards the shortest clip, the
    first speaker, the lowest ratio and SNR, and seed 0.

    Source: the body format of TextIndependent_CreateEnrollment and
    TextIndependent_IdentifySingleSpeaker, ``audio/wav; codecs=audio/pcm`` (https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment).
    """
    if not (0.0 <= min_duration_s <= max_duration_s <= 600.0):
        raise ValueError(
            f"need 0 <= min_duration_s <= max_duration_s <= 600, got {min_duration_s!r}, {max_duration_s!r}"
        )
    for name, value in (("speaker", speaker), ("speech_ratio", speech_ratio), ("snr_db", snr_db)):
        if value is not None and not isinstance(value, SearchStrategy):
            raise TypeError(f"{name} must be a SearchStrategy or None, got {type(value).__name__}")
    return st.builds(
        _synthesize_wav,
        speaker=speaker if speaker is not None else speakers(),
        duration_s=_centiseconds(min_duration_s, max_duration_s),
        speech_ratio=speech_ratio if speech_ratio is not None else st.floats(0.5, 1.0),
        snr_db=snr_db if snr_db is not None else st.one_of(st.floats(10.0, 40.0), st.none()),
        seed=_SEEDS,
    )


def _synthesize_wav(
    *, speaker: Speaker, duration_s: float, speech_ratio: float, snr_db: float | None, seed: int
) -> bytes:
    return synthesize(speaker=speaker, duration_s=duration_s, speech_ratio=speech_ratio, snr_db=snr_db, seed=seed)


def enrollment_clips(
    *,
    min_duration_s: float = 1.5,
    max_duration_s: float = 6.0,
    speaker: SearchStrategy[Speaker] | None = None,
) -> SearchStrategy[bytes]:
    """Bodies TextIndependent_CreateEnrollment must accept: 16 kHz/16-bit/mono WAV speech.

    Each clip is 1.5-6 s by default (documented range 1-120 s; longer clips cost time, not
    coverage), at least half speech (ratio 0.5-0.95, so its measured speech is at least
    0.7 s) and 10-40 dB SNR or noiseless, well above the 2 dB minimum. Clips shorter than
    ``MIN_AUDIO_S`` or longer than ``MAX_AUDIO_S`` are refused up front.

    Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (1 s..120 s per request, SNR >= 2 dB, ``audio/wav; codecs=audio/pcm``).
    """
    if min_duration_s < MIN_AUDIO_S + 0.2 or max_duration_s > MAX_AUDIO_S:
        raise ValueError(
            f"enrollment clips must stay within [{MIN_AUDIO_S + 0.2}, {MAX_AUDIO_S}] s "
            f"(0.2 s above the minimum keeps the measured length clear of it), "
            f"got [{min_duration_s}, {max_duration_s}]"
        )
    return wav_clips(
        min_duration_s=min_duration_s,
        max_duration_s=max_duration_s,
        speaker=speaker,
        speech_ratio=st.floats(0.5, 0.95),
        snr_db=st.one_of(st.floats(10.0, 40.0), st.none()),
    )


def invalid_audio(*, kind: str) -> SearchStrategy[bytes]:
    """Bodies that break exactly one documented audio rule, named by ``kind``.

    Format (``decode`` must raise; 400 InvalidRequest "Invalid audio format. Supported format
    is 16Khz 16bit Mono PCM.", https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json):

    * ``wrong_sample_rate``: 8000/22050/44100/48000 Hz, otherwise valid WAV.
    * ``wrong_bit_depth``: 8-, 24- or 32-bit samples, otherwise valid WAV.
    * ``stereo``: two channels, otherwise valid WAV.
    * ``truncated_header``: a valid WAV cut to 4..43 bytes (inside the 44-byte header).
    * ``lying_header``: a valid header whose data chunk declares more bytes than follow
      (0-90 % of the data is kept).
    * ``not_audio``: PNG, JPEG, PDF, ZIP, Ogg, FLAC, MP3 (ID3), MP4, WebP (RIFF but not WAVE),
      JSON or XML signatures followed by random bytes.

    Content (valid format; the service rejects them after analysis, https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment):

    * ``silence``: 1.5-5 s of digital silence or faint white noise (-70..-50 dBFS): no speech.
    * ``too_short``: 0.2-0.9 s of speech (minimum 1 s per request).
    * ``too_long``: 120.5-124 s of speech (maximum 120 s; about 3.9 MB, under 5 MB).
    * ``over_5mb``: 165-170 s of speech, more than 5 MiB = 5,242,880 bytes (also over 120 s;
      the body-size rule is checked before the audio is read).
    * ``too_noisy``: 3-8 s, speech ratio 0.5-0.9, true SNR -2..-0.5 dB, so the measured SNR is
      below 2 dB while speech is still detectable.

    The long kinds draw from four cached clips each, so they cost one synthesis per seed.
    """
    if kind not in INVALID_AUDIO_KINDS:
        raise ValueError(f"kind must be one of {INVALID_AUDIO_KINDS}, got {kind!r}")
    return _INVALID_BUILDERS[kind]()


def _wrong_sample_rate() -> SearchStrategy[bytes]:
    return st.builds(
        lambda rate, spk, dur, seed: synthesize(speaker=spk, duration_s=dur, sample_rate=rate, seed=seed),
        st.sampled_from((8000, 22050, 44100, 48000)),
        speakers(),
        _centiseconds(1.5, 3.0),
        _SEEDS,
    )


def _wrong_bit_depth() -> SearchStrategy[bytes]:
    return st.builds(
        lambda depth, spk, dur, seed: synthesize(speaker=spk, duration_s=dur, bit_depth=depth, seed=seed),
        st.sampled_from((8, 24, 32)),
        speakers(),
        _centiseconds(1.5, 3.0),
        _SEEDS,
    )


def _stereo() -> SearchStrategy[bytes]:
    return st.builds(
        lambda spk, dur, seed: synthesize(speaker=spk, duration_s=dur, channels=2, seed=seed),
        speakers(),
        _centiseconds(1.5, 3.0),
        _SEEDS,
    )


def _truncated_header() -> SearchStrategy[bytes]:
    return st.builds(
        lambda spk, cut, seed: synthesize(speaker=spk, duration_s=1.5, seed=seed)[:cut],
        speakers(),
        st.integers(min_value=4, max_value=43),
        _SEEDS,
    )


def _lying_header() -> SearchStrategy[bytes]:
    def build(spk: Speaker, dur: float, keep_percent: int, seed: int) -> bytes:
        body = synthesize(speaker=spk, duration_s=dur, seed=seed)
        data = len(body) - 44
        return body[: 44 + (data * keep_percent // 100) // 2 * 2]

    return st.builds(build, speakers(), _centiseconds(1.5, 4.0), st.integers(0, 90), _SEEDS)


def _silence() -> SearchStrategy[bytes]:
    def build(dur: float, level_dbfs: float | None, seed: int) -> bytes:
        n = int(round(dur * 16000))
        if level_dbfs is None:
            signal = np.zeros(n)
        else:
            signal = np.random.default_rng(seed).standard_normal(n) * 10.0 ** (level_dbfs / 20.0)
        return _encode(signal, sample_rate=16000, bit_depth=16, channels=1, container="wav")

    return st.builds(build, _centiseconds(1.5, 5.0), st.one_of(st.none(), st.floats(-70.0, -50.0)), _SEEDS)


def _too_short() -> SearchStrategy[bytes]:
    return st.builds(
        lambda spk, dur, seed: synthesize(speaker=spk, duration_s=dur, speech_ratio=0.9, seed=seed),
        speakers(),
        _centiseconds(0.2, 0.9),
        _SEEDS,
    )


@functools.lru_cache(maxsize=8)
def _long_clip(duration_s: float, seed: int) -> bytes:
    return synthesize(speaker=SPEAKERS[seed % len(SPEAKERS)], duration_s=duration_s, seed=seed)


def _too_long() -> SearchStrategy[bytes]:
    return st.sampled_from(((120.5, 0), (121.0, 1), (122.5, 2), (124.0, 3))).map(lambda p: _long_clip(*p))


def _over_5mb() -> SearchStrategy[bytes]:
    return st.sampled_from(((165.0, 0), (166.5, 1), (168.0, 2), (170.0, 3))).map(lambda p: _long_clip(*p))


def _too_noisy() -> SearchStrategy[bytes]:
    return st.builds(
        lambda spk, dur, ratio, snr, seed: synthesize(
            speaker=spk, duration_s=dur, speech_ratio=ratio, snr_db=snr, seed=seed
        ),
        speakers(),
        _centiseconds(3.0, 8.0),
        st.floats(0.5, 0.9),
        st.floats(-2.0, -0.5),
        _SEEDS,
    )


_NOT_AUDIO_SIGNATURES: tuple[bytes, ...] = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff\xe0",
    b"%PDF-1.7\n",
    b"PK\x03\x04",
    b"OggS\x00\x02",
    b"fLaC\x00\x00\x00\x22",
    b"ID3\x04\x00",
    b"\x00\x00\x00\x20ftypM4A ",
    b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    b'{"locale": "en-US"}',
    b"<?xml version='1.0'?>",
)


def _not_audio() -> SearchStrategy[bytes]:
    return st.builds(lambda sig, tail: sig + tail, st.sampled_from(_NOT_AUDIO_SIGNATURES), st.binary(max_size=256))


_INVALID_BUILDERS = {
    "wrong_sample_rate": _wrong_sample_rate,
    "wrong_bit_depth": _wrong_bit_depth,
    "stereo": _stereo,
    "truncated_header": _truncated_header,
    "lying_header": _lying_header,
    "silence": _silence,
    "too_short": _too_short,
    "too_long": _too_long,
    "over_5mb": _over_5mb,
    "too_noisy": _too_noisy,
    "not_audio": _not_audio,
}

#: Media types of the speaker audio bodies. ``specs/speaker.yaml`` keys the request bodies
#: ``audio/wav``; the documented header value carries a parameter.
AUDIO_MEDIA_TYPE = "audio/wav"
AUDIO_MEDIA_TYPE_DOCUMENTED = "audio/wav; codecs=audio/pcm"
_MEDIA_STRATEGY: SearchStrategy[bytes] = enrollment_clips(max_duration_s=3.0)


def register_media() -> None:
    """Make Schemathesis send :func:`enrollment_clips` for ``audio/wav`` request bodies.

    Registers the strategy (and a pass-through serializer) for ``audio/wav`` and its alias
    ``audio/wav; codecs=audio/pcm``. Schemathesis 4.32 looks a body's media type up exactly
    first, then by ``type/subtype`` with parameters dropped, so either spelling in a spec finds
    it. Calling it again registers the same strategy object again, which changes nothing.

    Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (``audio/wav; codecs=audio/pcm``); https://schemathesis.readthedocs.io/en/stable/guides/custom-media-types/.
    """
    import schemathesis

    schemathesis.openapi.media_type(AUDIO_MEDIA_TYPE, _MEDIA_STRATEGY, aliases=[AUDIO_MEDIA_TYPE_DOCUMENTED])


def unregister_media() -> None:
    """Undo :func:`register_media` (and a ``--media-dir``'s speech clips) for the documents that send no
    raw ``audio/wav`` body.

    Schemathesis 4.32 looks a multipart part's ``encoding.contentType`` up in the same registry as a
    raw body's media type: with ``audio/wav`` registered, the ``audiodata`` *array* of Custom Voice's
    PersonalVoices_Post is drawn as one part without a filename (see
    :func:`cognitive_conformance.strategies.voice.register_form_audio`). The registry has no public
    removal; this touches ``schemathesis.core.media_types.MEDIA_TYPE_STRATEGIES`` (hence the upper bound
    on Schemathesis in pyproject.toml).
    """
    from schemathesis.core.media_types import MEDIA_TYPE_STRATEGIES

    for name in (AUDIO_MEDIA_TYPE, AUDIO_MEDIA_TYPE_DOCUMENTED):
        MEDIA_TYPE_STRATEGIES.pop(name, None)


def raw_audio_body(document: Any) -> bool:
    """Whether an OpenAPI document sends ``audio/wav`` (with or without parameters) as a whole request body."""
    def audio(content: Any) -> bool:
        return isinstance(content, dict) and any(str(m).split(";")[0].strip() == AUDIO_MEDIA_TYPE for m in content)

    for item in ((document or {}).get("paths") or {}).values():
        for operation in (item or {}).values() if isinstance(item, dict) else ():
            if isinstance(operation, dict) and audio((operation.get("requestBody") or {}).get("content")):
                return True
    bodies = ((document or {}).get("components") or {}).get("requestBodies") or {}
    return any(isinstance(b, dict) and audio(b.get("content")) for b in bodies.values())
