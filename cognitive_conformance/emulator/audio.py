"""Decode and analyse enrollment / identification audio for the Speaker Recognition emulator.

The service accepts ``audio/wav; codecs=audio/pcm`` bodies of 16 kHz, 16-bit, mono PCM and
rejects anything else with 400 ``InvalidRequest`` "Invalid audio format. Supported format is
16Khz 16bit Mono PCM."; it reports each enrollment's audio length and "pure speech" length
(audio after removing silence and non-speech), requires an SNR of at least 2 dB, and scores
identification by voice similarity in [0, 1] (Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment; https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json; https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json). This
module turns a body into those numbers, deterministically. The limits themselves (1-120 s,
20 s of speech, 2 dB, 5 MB) are the service's business, not this module's.

Decoding (:func:`decode`)
-------------------------
* A body starting with ``RIFF`` is parsed with :mod:`wave`. Only 1 channel, 2-byte samples,
  16000 Hz, uncompressed PCM is accepted. The ``data`` chunk must hold every frame its header
  declares (a truncated or "lying" header is rejected); bytes after the data chunk (for
  example a ``LIST`` chunk) are ignored, and so is the RIFF size field (streaming writers put
  placeholders there).
* A body without a RIFF header is raw 16 kHz 16-bit mono little-endian PCM, which is what the
  Speech SDK's native client streams once it has stripped the header. An odd byte count is
  rejected. Raw PCM cannot be told apart from arbitrary bytes, so a body that begins with the
  signature of another well-known format (Ogg, FLAC, MP3/ID3, AIFF, CAF, AMR, Matroska/WebM,
  MP4, PNG, JPEG, GIF, PDF, ZIP, gzip, XML) is rejected too.
* An empty body decodes to zero samples (the service's "Request body is missing." check comes
  first).
Every rejection is an :class:`AudioFormatError` whose message is the documented one.

:func:`read_audio_file` is the other entry point, for services that take audio *files* of several
kinds (Custom Voice consents and prompts): a RIFF/WAVE (integer PCM of any width, IEEE float) or an
MPEG audio (MP3) file, read with ``soundfile`` (libsndfile), described by an :class:`AudioFile`
(container, sample rate, bit depth, channels, the first MP3 frame's bit rate) and brought to the
16 kHz mono int16 samples that :func:`analyse` takes (channels averaged, FFT resampling). Which
kinds a service accepts is that service's rule, not this module's.

Analysis (:func:`analyse`)
--------------------------
Samples are scaled to [-1, 1). The signal is cut into **cells** of 10 ms (160 samples); each
cell is judged on the 30 ms (480 sample) **window** centred on it (the window is clipped at
the clip's edges and its energy averaged over the samples it really covers).

1. *Features per cell.* Energy ``E`` = mean square of the window, level ``L = 10·log10(E)``
   dBFS (``E`` floored at 1e-12). Periodicity ``r`` = the highest normalised autocorrelation
   of the mean-removed window over lags 2.5-16.7 ms (400 Hz-60 Hz), normalised by the
   energies of the two overlapping parts (so ``r`` is in [-1, 1]; white noise gives about
   0.13, a clean voiced vowel above 0.9).
2. *Noise floor.* ``N`` = the mean energy of the quietest 10 % of cells (at least one cell),
   a minimum-statistics estimate: any clip with at least 10 % pauses has its floor in them.
3. *Voice activity.* A cell is speech if it is at least ``ABS_FLOOR_DBFS`` (-80 dBFS, about
   3 LSB RMS at 16 bits) and either louder than ``N`` by ``ENERGY_MARGIN_DB`` (3 dB) or
   voiced (``r >= VOICING_THRESHOLD``, 0.5). The voicing rule keeps speech that never pauses
   (where the floor sits on speech itself) and the energy rule keeps unvoiced speech.
4. *Hangover smoothing.* Pauses of at most ``HANGOVER_CELLS`` (5 cells = 50 ms) between
   speech cells become speech (the energy dips between syllables); then speech runs shorter
   than ``MIN_SPEECH_CELLS`` (3 cells = 30 ms) are dropped as clicks or noise bursts.
5. ``speech_s`` = the samples covered by speech cells / 16000 (so ``speech_s <= duration_s``).
   ``duration_s`` = the sample count / 16000, exact.
6. *SNR.* Noise power ``P_n`` = the **median** energy of the non-speech cells when there are at
   least ``MIN_NOISE_CELLS`` (10 cells = 100 ms) of them. Otherwise the noise cannot be
   observed in pauses and is estimated from the voiced speech cells by the
   harmonics-to-noise ratio (Boersma 1993): ``P_n`` = median of ``(1 - r)·E`` over speech cells
   with ``r >= VOICING_THRESHOLD``; this underestimates the SNR of very clean audio (our
   synthetic voices top out at about 20 dB this way) but tracks low SNRs. Speech power
   ``P_s`` = mean energy of the speech cells minus ``P_n`` (speech cells hold speech plus
   noise). ``snr_db = 10·log10(P_s / P_n)`` clamped to [``SNR_FLOOR_DB``, ``SNR_CEILING_DB``]
   = [-30, 100] dB. Special cases: no speech cells, or ``P_s <= 0``, gives ``SNR_FLOOR_DB``
   (no signal); ``P_n == 0`` (digital silence in the pauses) gives ``SNR_CEILING_DB``. A clip
   of pure silence or pure noise therefore has ``speech_s == 0`` and ``snr_db == -30``; the
   service should check the speech length before the SNR to choose its error.
7. *Voiceprint* (``VOICEPRINT_DIM`` = 36 floats, L2 norm 1, or all zeros without speech):
   * 20 spectral values: the mean Hann-windowed power spectrum (512-point FFT) of the speech
     cells, minus the mean spectrum of the non-speech cells when there are at least
     ``MIN_NOISE_CELLS`` of them (spectral subtraction, floored at 5 % of the speech
     spectrum), summed into 20 log-spaced bands between 100 Hz and 6 kHz, ``log10``, the
     mean removed (so loudness does not matter), scaled to unit length;
   * 16 pitch values: a histogram of the per-cell pitch of the voiced speech cells over 16
     centres spaced 0.2 octave apart from 60 Hz to 480 Hz, each cell spread as a Gaussian of
     0.15 octave, scaled to unit length. The pitch of a cell is ``16000 / lag`` at the first
     local maximum of its autocorrelation that reaches 90 % of the highest one (this avoids
     octave-down errors), refined by parabolic interpolation;
   * both halves weighted by ``sqrt(1/2)``; if there is no voiced cell the spectral half
     alone is used at unit length.
:func:`similarity` is the cosine of two voiceprints clipped to [0, 1] (0 when either is all
zeros).

Measured accuracy on the synthetic voices of ``strategies/audio.py`` is printed by
``benchmarks/audio_estimates.py`` and asserted by ``tests/unit/emulator/test_audio.py``.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ABS_FLOOR_DBFS",
    "AUDIO_FORMAT_MESSAGE",
    "AudioAnalysis",
    "AudioFormatError",
    "CELL_SAMPLES",
    "ENERGY_MARGIN_DB",
    "HANGOVER_CELLS",
    "MIN_NOISE_CELLS",
    "MIN_SPEECH_CELLS",
    "SAMPLE_RATE",
    "SNR_CEILING_DB",
    "SNR_FLOOR_DB",
    "VOICEPRINT_DIM",
    "VOICING_THRESHOLD",
    "WINDOW_SAMPLES",
    "AudioFile",
    "AudioTooLongError",
    "MAX_FILE_SECONDS",
    "analyse",
    "decode",
    "read_audio_file",
    "similarity",
]

#: Documented message for a body that is not 16 kHz 16-bit mono PCM (https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json).
AUDIO_FORMAT_MESSAGE = "Invalid audio format. Supported format is 16Khz 16bit Mono PCM."
SAMPLE_RATE = 16000

CELL_SAMPLES = 160  # 10 ms
WINDOW_SAMPLES = 480  # 30 ms
ABS_FLOOR_DBFS = -80.0
ENERGY_MARGIN_DB = 3.0
VOICING_THRESHOLD = 0.5
HANGOVER_CELLS = 5
MIN_SPEECH_CELLS = 3
MIN_NOISE_CELLS = 10
SNR_FLOOR_DB = -30.0
SNR_CEILING_DB = 100.0

_FLOOR_FRACTION = 0.10
_MIN_LAG = SAMPLE_RATE // 400  # 40 samples, 400 Hz
_MAX_LAG = SAMPLE_RATE // 60  # 266 samples, 60 Hz
_AC_FFT = 1024
_CHUNK_CELLS = 2048
_SPECTRUM_FFT = 512
_N_BANDS = 20
_BAND_EDGES_HZ = np.geomspace(100.0, 6000.0, _N_BANDS + 1)
_PITCH_CENTRES = np.log2(60.0) + 0.2 * np.arange(16)
_PITCH_SIGMA_OCT = 0.15
VOICEPRINT_DIM = _N_BANDS + _PITCH_CENTRES.size

# Signatures of other formats: raw PCM could start with anything, these are just implausible.
_FOREIGN_SIGNATURES: tuple[bytes, ...] = (
    b"OggS",
    b"fLaC",
    b"ID3",
    b"FORM",
    b"caff",
    b"#!AMR",
    b"\x1aE\xdf\xa3",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"<?xml",
    # A JSON object sent to an audio endpoint (e.g. a create-profile body posted as an
    # enrollment). Raw PCM starting with these two bytes would have a first sample of exactly
    # 8827 (0x227B); a recording that starts there is rejected too, an accepted trade-off.
    b'{"',
)


class AudioFormatError(ValueError):
    """The body is not 16 kHz, 16-bit, mono PCM (WAV or headerless).

    Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json swagger: 400 ``InvalidRequest`` "Invalid audio format.
    Supported format is 16Khz 16bit Mono PCM."
    """

    def __init__(self, detail: str = "") -> None:
        super().__init__(AUDIO_FORMAT_MESSAGE)
        #: Why the body was rejected, for logs; never part of the documented message.
        self.detail = detail


@dataclass(frozen=True)
class AudioAnalysis:
    """What the service reports about one request's audio.

    ``duration_s`` feeds ``audioLengthInSec``, ``speech_s`` feeds ``audioSpeechLengthInSec``
    (TiEnrollmentInfo, https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json); ``snr_db`` is compared with the 2 dB minimum
    (https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment); ``voiceprint`` is compared with :func:`similarity` for identification scores.
    """

    duration_s: float
    speech_s: float
    snr_db: float
    voiceprint: tuple[float, ...]


def decode(body: bytes) -> np.ndarray:
    """Return the int16 mono samples of an enrollment/identification body.

    Rules (module docstring, "Decoding"): RIFF/WAVE must be 16000 Hz, 16-bit, 1 channel PCM
    with a complete data chunk; a headerless body is raw 16 kHz 16-bit mono little-endian PCM
    of even length that does not start with another format's signature. Anything else raises
    :class:`AudioFormatError`.

    Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (``audio/wav; codecs=audio/pcm``); https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json (format message).
    """
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise TypeError(f"body must be bytes, got {type(body).__name__}")
    body = bytes(body)
    if body.startswith(b"RIFF"):
        return _decode_wav(body)
    if body[4:8] == b"ftyp" or body.startswith(_FOREIGN_SIGNATURES):
        raise AudioFormatError("body starts with the signature of a non-PCM format")
    if len(body) % 2:
        raise AudioFormatError("headerless PCM with an odd number of bytes")
    return np.frombuffer(body, dtype="<i2").astype(np.int16)


def _decode_wav(body: bytes) -> np.ndarray:
    try:
        with wave.open(io.BytesIO(body), "rb") as reader:
            channels = reader.getnchannels()
            width = reader.getsampwidth()
            rate = reader.getframerate()
            compression = reader.getcomptype()
            declared = reader.getnframes()
            frames = reader.readframes(declared)
    except (wave.Error, EOFError, struct.error, ValueError, OverflowError, RuntimeError, OSError) as exc:
        # RuntimeError: wave's chunk reader raises it when a chunk size points outside the body.
        raise AudioFormatError(f"unreadable RIFF/WAVE header: {exc}") from None
    if (channels, width, rate, compression) != (1, 2, SAMPLE_RATE, "NONE"):
        raise AudioFormatError(f"{rate} Hz, {8 * width}-bit, {channels} channel(s), {compression}")
    if len(frames) != declared * 2:
        raise AudioFormatError(f"data chunk declares {declared * 2} bytes, holds {len(frames)}")
    return np.frombuffer(frames, dtype="<i2").astype(np.int16)


MAX_FILE_SECONDS = 600
"""The longest audio file :func:`read_audio_file` decodes (a 10 MB file part holds at most about 11 minutes of 128 kbps MP3)."""


class AudioTooLongError(AudioFormatError):
    """The file is longer than :data:`MAX_FILE_SECONDS`."""


@dataclass(frozen=True)
class AudioFile:
    """An audio file's kind and its samples at 16 kHz mono (what :func:`analyse` takes).

    ``container`` is ``"wav"`` or ``"mp3"``; ``bit_depth`` is the WAV sample width in bits (``None`` for MP3);
    ``sample_format`` is ``"pcm"`` (integer) or ``"float"`` for WAV, ``"mpeg"`` for MP3; ``bitrate_kbps`` is
    the first MPEG frame's bit rate (``None`` for WAV or a free-format frame).
    """

    container: str
    sample_rate: int
    channels: int
    bit_depth: int | None
    sample_format: str
    bitrate_kbps: int | None
    samples: np.ndarray


_WAV_SUBTYPES = {"PCM_U8": (8, "pcm"), "PCM_16": (16, "pcm"), "PCM_24": (24, "pcm"), "PCM_32": (32, "pcm"),
                 "FLOAT": (32, "float"), "DOUBLE": (64, "float")}
# MPEG-1 and MPEG-2/2.5 Layer III bit rates (kbps) by the header's 4-bit index (ISO/IEC 11172-3, 13818-3).
_MP3_KBPS = {1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
             2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}


def _looks_like_mp3(body: bytes) -> bool:
    return body.startswith(b"ID3") or (len(body) > 1 and body[0] == 0xFF and body[1] & 0xE0 == 0xE0)


def _mp3_bitrate(body: bytes) -> int | None:
    """The bit rate of the first Layer III frame header after an optional ID3v2 tag."""
    start = 0
    if body.startswith(b"ID3") and len(body) >= 10:
        size = (body[6] & 0x7F) << 21 | (body[7] & 0x7F) << 14 | (body[8] & 0x7F) << 7 | (body[9] & 0x7F)
        start = 10 + size
    for i in range(start, min(len(body) - 3, start + 4096)):
        if body[i] == 0xFF and body[i + 1] & 0xE0 == 0xE0:
            version = (body[i + 1] >> 3) & 0x3  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
            layer = (body[i + 1] >> 1) & 0x3  # 1: Layer III
            index = body[i + 2] >> 4
            if version == 1 or layer != 1 or index == 15:
                continue
            return _MP3_KBPS[1 if version == 3 else 2][index] or None
    return None


def _wav_data_complete(body: bytes) -> bool:
    """Whether the RIFF ``data`` chunk holds every byte its size field declares (walking the chunks from byte 12)."""
    at = 12
    while at + 8 <= len(body):
        size = int.from_bytes(body[at + 4 : at + 8], "little")
        if body[at : at + 4] == b"data":
            return at + 8 + size <= len(body)
        at += 8 + size + (size & 1)
    return False


def _resample(x: np.ndarray, rate: int) -> np.ndarray:
    """Band-limited resampling of a float signal to :data:`SAMPLE_RATE`, 10 s at a time (memory stays bounded).

    Each piece's spectrum is truncated or zero-padded (FFT resampling).
    """
    if rate == SAMPLE_RATE or x.size == 0:
        return x
    pieces = []
    step = 10 * rate
    for start in range(0, x.size, step):
        piece = x[start : start + step]
        n_out = int(round(piece.size * SAMPLE_RATE / rate))
        if n_out == 0:
            continue
        spectrum = np.fft.rfft(piece)
        out = np.zeros(n_out // 2 + 1, dtype=spectrum.dtype)
        m = min(out.size, spectrum.size)
        out[:m] = spectrum[:m]
        pieces.append(np.fft.irfft(out, n_out) * (n_out / piece.size))
    return np.concatenate(pieces) if pieces else np.zeros(0)


def read_audio_file(body: bytes) -> AudioFile:
    """Read a WAV or MP3 file: its kind and its samples at 16 kHz mono int16; :class:`AudioFormatError` otherwise.

    A body that is neither a RIFF/WAVE file nor MPEG audio, that libsndfile cannot read, or a WAV whose data
    chunk is missing or holds fewer bytes or frames than its header declares (as :func:`decode` refuses) is an :class:`AudioFormatError` (its ``detail`` says
    why); a file longer than :data:`MAX_FILE_SECONDS` is an :class:`AudioTooLongError`. The file is read in
    blocks, so neither a lying header nor a long file makes memory grow past that bound.
    """
    import soundfile  # the emulator extra's reader (libsndfile): WAV of every width and float, MP3

    body = bytes(body)
    is_wav = body[:4] == b"RIFF" and body[8:12] == b"WAVE"
    if not is_wav and not _looks_like_mp3(body):
        raise AudioFormatError("neither a RIFF/WAVE file nor MPEG audio")
    if is_wav and not _wav_data_complete(body):
        raise AudioFormatError("the data chunk is missing or holds fewer bytes than its header declares")
    try:
        with soundfile.SoundFile(io.BytesIO(body)) as reader:
            kind, subtype, rate, channels = reader.format, reader.subtype, reader.samplerate, reader.channels
            declared, limit = reader.frames, MAX_FILE_SECONDS * rate
            if is_wav and declared > len(body):  # a frame is at least a byte: the header lies
                raise AudioFormatError(f"the header declares {declared} frames in {len(body)} bytes")
            if declared > limit and (is_wav or declared < 2**62):  # libsndfile's "unknown" is huge
                raise AudioTooLongError(f"{declared / rate:.0f} s")
            mono: list[np.ndarray] = []
            read = 0
            for block in reader.blocks(blocksize=65536, dtype="float32", always_2d=True):
                read += len(block)
                if read > limit:
                    raise AudioTooLongError(f"more than {MAX_FILE_SECONDS} s")
                with np.errstate(invalid="ignore", over="ignore"):  # NaN/inf in a damaged float WAV: refused below
                    mono.append(block.mean(axis=1, dtype=np.float64))
    except (soundfile.LibsndfileError, RuntimeError, ValueError, TypeError, MemoryError) as exc:
        raise AudioFormatError(f"unreadable audio file: {exc}") from None
    if is_wav and read != declared:
        raise AudioFormatError(f"the data chunk holds {read} of the {declared} frames its header declares")
    if is_wav != (kind == "WAV") or (not is_wav and kind != "MP3"):
        raise AudioFormatError(f"container {kind!r} does not match the file's signature")
    if is_wav:
        if subtype not in _WAV_SUBTYPES:
            raise AudioFormatError(f"WAV sample format {subtype}")
        bit_depth, sample_format = _WAV_SUBTYPES[subtype]
        bitrate = None
    else:
        bit_depth, sample_format, bitrate = None, "mpeg", _mp3_bitrate(body)
    joined = np.concatenate(mono) if mono else np.zeros(0)
    if not np.isfinite(joined).all():  # a float WAV carrying NaN or infinity
        raise AudioFormatError("samples that are not finite numbers")
    signal = _resample(joined, rate)
    samples = np.clip(np.round(signal * 32768.0), -32768, 32767).astype(np.int16)
    return AudioFile("wav" if is_wav else "mp3", int(rate), int(channels), bit_depth, sample_format, bitrate, samples)


def analyse(samples: np.ndarray) -> AudioAnalysis:
    """Measure duration, pure-speech length, SNR and a voiceprint of 16 kHz mono samples.

    ``samples`` is what :func:`decode` returns (int16), or any 1-D numeric array on the int16
    scale. The algorithms and thresholds are in the module docstring ("Analysis").

    Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (pure speech excludes silence and non-speech frames; SNR >= 2 dB);
    https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json (``audioLengthInSec``, ``audioSpeechLengthInSec``, identification score).
    """
    x = np.asarray(samples)
    if x.ndim != 1:
        raise ValueError(f"samples must be one-dimensional, got shape {x.shape}")
    n = int(x.size)
    duration_s = n / SAMPLE_RATE
    if n == 0:
        return AudioAnalysis(0.0, 0.0, SNR_FLOOR_DB, (0.0,) * VOICEPRINT_DIM)
    x = np.nan_to_num(x.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0) / 32768.0

    n_cells = -(-n // CELL_SAMPLES)
    energy = _cell_energy(x, n_cells, CELL_SAMPLES)
    window_energy = _cell_energy(x, n_cells, WINDOW_SAMPLES)
    level = 10.0 * np.log10(np.maximum(energy, 1e-12))
    windows = _windows(x, n_cells)
    periodicity, lag = _periodicity(windows)

    k = max(1, int(math.ceil(_FLOOR_FRACTION * n_cells)))
    floor_db = 10.0 * math.log10(max(float(np.mean(np.partition(energy, k - 1)[:k])), 1e-12))
    loud = level >= ABS_FLOOR_DBFS
    voiced = (periodicity >= VOICING_THRESHOLD) & (energy >= 0.5 * window_energy)
    speech = loud & ((level >= floor_db + ENERGY_MARGIN_DB) | voiced)
    speech = _drop_short_runs(_fill_short_gaps(speech, HANGOVER_CELLS), MIN_SPEECH_CELLS)

    cell_sizes = np.full(n_cells, CELL_SAMPLES, dtype=np.int64)
    cell_sizes[-1] = n - CELL_SAMPLES * (n_cells - 1)
    speech_s = int(cell_sizes[speech].sum()) / SAMPLE_RATE

    noise = ~speech
    observable_noise = int(noise.sum()) >= MIN_NOISE_CELLS
    snr_db = _snr(energy, periodicity, speech, noise, observable_noise)
    voiceprint = _voiceprint(windows, speech, noise & observable_noise, speech & voiced, lag)
    return AudioAnalysis(duration_s, speech_s, snr_db, voiceprint)


def similarity(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two voiceprints clipped to [0, 1]; 1 means identical direction.

    Returns 0.0 when either vector is all zeros (audio without speech). Vectors of different
    lengths raise ``ValueError``.

    Source: identification scores are "between 0 and 1. A higher number means higher
    similarity" (https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json, IdentifyInfo.score).
    """
    va = np.asarray(a, dtype=np.float64)
    vb = np.asarray(b, dtype=np.float64)
    if va.shape != vb.shape or va.ndim != 1:
        raise ValueError(f"voiceprints must be 1-D and of equal length, got {va.shape} and {vb.shape}")
    na = float(np.linalg.norm(va))
    nb = float(np.linalg.norm(vb))
    if not (na > 0.0 and nb > 0.0) or not (math.isfinite(na) and math.isfinite(nb)):
        return 0.0
    return float(min(1.0, max(0.0, float(np.dot(va, vb)) / (na * nb))))


# --------------------------------------------------------------------------- helpers


def _cell_energy(x: np.ndarray, n_cells: int, span: int) -> np.ndarray:
    """Mean square of the ``span`` samples centred on each cell, over the samples covered."""
    csum = np.concatenate(([0.0], np.cumsum(x * x)))
    starts = np.arange(n_cells) * CELL_SAMPLES - (span - CELL_SAMPLES) // 2
    lo = np.clip(starts, 0, x.size)
    hi = np.clip(starts + span, 0, x.size)
    return (csum[hi] - csum[lo]) / np.maximum(hi - lo, 1)


def _windows(x: np.ndarray, n_cells: int) -> np.ndarray:
    """``(n_cells, 480)`` float32 windows centred on each cell, zero-padded at the edges."""
    left = (WINDOW_SAMPLES - CELL_SAMPLES) // 2
    padded = np.zeros(n_cells * CELL_SAMPLES + WINDOW_SAMPLES, dtype=np.float32)
    padded[left : left + x.size] = x
    view = np.lib.stride_tricks.sliding_window_view(padded, WINDOW_SAMPLES)
    return view[: n_cells * CELL_SAMPLES : CELL_SAMPLES]


def _periodicity(windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per window: highest normalised autocorrelation over 60-400 Hz lags, and its pitch lag."""
    n_cells = windows.shape[0]
    best = np.zeros(n_cells, dtype=np.float64)
    lags = np.zeros(n_cells, dtype=np.float64)
    taus = np.arange(_MIN_LAG, _MAX_LAG + 1)
    for start in range(0, n_cells, _CHUNK_CELLS):
        w = windows[start : start + _CHUNK_CELLS].astype(np.float64)
        w = w - w.mean(axis=1, keepdims=True)
        spectrum = np.fft.rfft(w, _AC_FFT, axis=1)
        ac = np.fft.irfft(spectrum.real**2 + spectrum.imag**2, _AC_FFT, axis=1)
        sq = np.cumsum(w * w, axis=1)
        total = sq[:, -1:]
        head = sq[:, WINDOW_SAMPLES - 1 - taus]  # energy of x[0 : W - tau]
        tail = total - sq[:, taus - 1]  # energy of x[tau : W]
        denominator = np.sqrt(np.maximum(head * tail, 0.0))
        r = np.divide(ac[:, taus], denominator, out=np.zeros_like(denominator), where=denominator > 1e-12)
        r = np.clip(r, -1.0, 1.0)
        peak = r.max(axis=1)
        best[start : start + w.shape[0]] = peak
        # Pitch: first local maximum reaching 90 % of the peak (avoids octave-down errors).
        inner = r[:, 1:-1]
        local_max = (inner >= r[:, :-2]) & (inner >= r[:, 2:]) & (inner >= 0.9 * peak[:, None])
        has = local_max.any(axis=1)
        idx = np.argmax(local_max, axis=1) + 1
        rows = np.arange(w.shape[0])
        y0, y1, y2 = r[rows, idx - 1], r[rows, idx], r[rows, idx + 1]
        curvature = y0 - 2.0 * y1 + y2
        shift = np.divide(0.5 * (y0 - y2), curvature, out=np.zeros_like(y1), where=np.abs(curvature) > 1e-12)
        lag = taus[idx] + np.clip(shift, -0.5, 0.5)
        lags[start : start + w.shape[0]] = np.where(has, lag, 0.0)
    return best, lags


def _fill_short_gaps(mask: np.ndarray, max_gap: int) -> np.ndarray:
    """Turn runs of False of length <= max_gap that lie between True cells into True."""
    out = mask.copy()
    for start, end in _runs(~mask):
        if start > 0 and end < mask.size and end - start <= max_gap:
            out[start:end] = True
    return out


def _drop_short_runs(mask: np.ndarray, min_run: int) -> np.ndarray:
    """Turn runs of True shorter than min_run into False."""
    out = mask.copy()
    for start, end in _runs(mask):
        if end - start < min_run:
            out[start:end] = False
    return out


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[(start, end)]`` of the runs of True in a boolean array."""
    if mask.size == 0:
        return []
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _snr(
    energy: np.ndarray, periodicity: np.ndarray, speech: np.ndarray, noise: np.ndarray, observable_noise: bool
) -> float:
    """Speech-to-noise power ratio in dB (module docstring, step 6)."""
    if not speech.any():
        return SNR_FLOOR_DB
    if observable_noise:
        noise_power = float(np.median(energy[noise]))
    else:
        voiced = speech & (periodicity >= VOICING_THRESHOLD)
        if not voiced.any():
            return SNR_FLOOR_DB
        noise_power = float(np.median((1.0 - periodicity[voiced]) * energy[voiced]))
    speech_power = float(np.mean(energy[speech])) - noise_power
    if speech_power <= 0.0:
        return SNR_FLOOR_DB
    if noise_power <= 0.0:
        return SNR_CEILING_DB
    return float(min(SNR_CEILING_DB, max(SNR_FLOOR_DB, 10.0 * math.log10(speech_power / noise_power))))


def _voiceprint(
    windows: np.ndarray, speech: np.ndarray, noise: np.ndarray, voiced_speech: np.ndarray, lag: np.ndarray
) -> tuple[float, ...]:
    """Band log-energies of the speech spectrum plus a pitch histogram (module docstring, 7)."""
    if not speech.any():
        return (0.0,) * VOICEPRINT_DIM
    spectral = _band_profile(windows, speech, noise)
    pitch = np.zeros(_PITCH_CENTRES.size)
    lags = lag[voiced_speech]
    lags = lags[lags > 0]
    if lags.size:
        octaves = np.log2(SAMPLE_RATE / lags)
        pitch = np.exp(-0.5 * ((octaves[:, None] - _PITCH_CENTRES[None, :]) / _PITCH_SIGMA_OCT) ** 2).sum(axis=0)
    vector = np.concatenate((_unit(spectral), _unit(pitch)))
    norm = float(np.linalg.norm(vector))
    if norm == 0.0:
        return (0.0,) * VOICEPRINT_DIM
    return tuple(float(v) for v in vector / norm)


def _band_profile(windows: np.ndarray, speech: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Mean-removed log10 band energies of the (noise-subtracted) mean speech spectrum."""
    hann = np.hanning(WINDOW_SAMPLES).astype(np.float32)
    freqs = np.fft.rfftfreq(_SPECTRUM_FFT, 1.0 / SAMPLE_RATE)
    band_of = np.digitize(freqs, _BAND_EDGES_HZ) - 1
    in_band = (band_of >= 0) & (band_of < _N_BANDS)

    def mean_power(mask: np.ndarray) -> np.ndarray:
        total = np.zeros(freqs.size)
        idx = np.flatnonzero(mask)
        for start in range(0, idx.size, _CHUNK_CELLS):
            chunk = windows[idx[start : start + _CHUNK_CELLS]] * hann
            spectrum = np.fft.rfft(chunk, _SPECTRUM_FFT, axis=1)
            total += (spectrum.real**2 + spectrum.imag**2).sum(axis=0)
        return total / max(idx.size, 1)

    power = mean_power(speech)
    if noise.any():
        power = np.maximum(power - mean_power(noise), 0.05 * power)
    bands = np.bincount(band_of[in_band], weights=power[in_band], minlength=_N_BANDS)[:_N_BANDS]
    log_bands = np.log10(np.maximum(bands, 1e-20))
    return log_bands - log_bands.mean()


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0.0 and math.isfinite(norm) else np.zeros_like(v)
