"""The audio files Custom Voice takes for a consent and for a personal voice's prompt, and the refusal of others.

Both pages give one table ("Supported audio formats for consent audio", "Prompt audio format"):

=======  ================================  ======================================  ======================
format   sample rate                       bit rate                                bit depth
=======  ================================  ======================================  ======================
mp3      16 kHz, 24 kHz, 44.1 kHz, 48 kHz  128 kbps, 192 kbps, 256 kbps, 320 kbps  /
wav      16 kHz, 24 kHz, 44.1 kHz, 48 kHz  /                                       16-bit, 24-bit, 32-bit
=======  ================================  ======================================  ======================

So a WAV file is accepted at those four rates in 16-, 24- or 32-bit samples (32-bit integer or IEEE
float: the table does not tell them apart), an MP3 file at those four rates and bit rates; anything
else (8 kHz, 22.05 kHz, 8-bit, 64-bit float, another bit rate, FLAC, Ogg, an unreadable file) is 400
``BadArgument`` naming the file and the supported kinds. The pages say nothing of channels; one speaker
is recorded, and the emulator keeps to mono (a stereo file is refused the same way): a decision. So is the
refusal of a file longer than ``emulator.audio.MAX_FILE_SECONDS`` (the prompt page asks for 5 to 90 s).

Source: https://learn.microsoft.com/en-us/azure/ai-services/speech-service/personal-voice-create-consent ("Supported audio formats for consent audio");
https://learn.microsoft.com/en-us/azure/ai-services/speech-service/personal-voice-create-voice ("Prompt audio format");
BadArgument: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (ErrorCode).
"""

from __future__ import annotations

import numpy as np

from cognitive_conformance.emulator.audio import MAX_FILE_SECONDS, AudioFile, AudioFormatError, AudioTooLongError, read_audio_file

__all__ = ["MP3_BITRATES_KBPS", "SAMPLE_RATES", "SUPPORTED", "WAV_BIT_DEPTHS", "refusal", "samples_of"]

SAMPLE_RATES = (16000, 24000, 44100, 48000)
WAV_BIT_DEPTHS = (16, 24, 32)
MP3_BITRATES_KBPS = (128, 192, 256, 320)
SUPPORTED = (
    "supported are WAV (16, 24, 44.1 or 48 kHz; 16-, 24- or 32-bit; mono) "
    "and MP3 (16, 24, 44.1 or 48 kHz; 128, 192, 256 or 320 kbps; mono)"
)


def _describe(audio: AudioFile) -> str:
    rate = f"{audio.sample_rate / 1000:g} kHz"
    if audio.container == "wav":
        depth = f"{audio.bit_depth}-bit{' float' if audio.sample_format == 'float' else ''}"
        return f"WAV {rate} {depth} {audio.channels}-channel"
    bitrate = f"{audio.bitrate_kbps} kbps" if audio.bitrate_kbps else "free-format"
    return f"MP3 {rate} {bitrate} {audio.channels}-channel"


def refusal(audio: AudioFile) -> str | None:
    """Why the documents do not take this file (a short description of what it is), or ``None`` when they do."""
    ok = audio.sample_rate in SAMPLE_RATES and audio.channels == 1
    if audio.container == "wav":
        ok = ok and audio.bit_depth in WAV_BIT_DEPTHS
    else:
        ok = ok and audio.bitrate_kbps in MP3_BITRATES_KBPS
    return None if ok else _describe(audio)


def samples_of(data: bytes) -> tuple[np.ndarray | None, str | None]:
    """The 16 kHz mono samples of an accepted file, or ``(None, why)``: not a WAV/MP3 file, or an unsupported kind."""
    try:
        audio = read_audio_file(data)
    except AudioTooLongError:
        return None, f"is longer than the {MAX_FILE_SECONDS} s the emulator reads"
    except AudioFormatError:
        return None, "is not a WAV or MP3 audio file"
    why = refusal(audio)
    if why is not None:
        return None, f"is {why}"
    return audio.samples, None
