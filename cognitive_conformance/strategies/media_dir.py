"""The user's own media (``conformance run --media-dir DIR``), in place of the bundled synthetic media.

Layout of ``DIR`` (only the folders of the selected services are required)::

    faces/*.jpg|*.jpeg|*.png        one face each: Face add-face (persons, large face lists) and the
                                    stateless phase's application/octet-stream bodies       (face)
    multi/*.jpg|*.png               optional, several faces each: not used yet
    speech/<speaker>/*.wav          16 kHz 16-bit mono PCM speech, one folder per speaker, at least
                                    two speakers: Speaker enrollments (cycled until 20 s of speech),
                                    identify queries, the stateless phase's audio/wav bodies  (speaker)
    consent/<talent>.wav            a talent's consent statement, and
    voice/<talent>/*.wav            that talent's recordings: Custom Voice consents and personal
                                    voices, the stateless phase's multipart audio parts  (customvoice)

A personal voice of a different speaker (the speaker-verification scenario) pairs the consent of
the first talent with the recordings of the second; with one talent that scenario keeps the
synthetic pair. Provocations of *invalid* media (a too-small image, audio too short, too long, too
noisy, over 5 MB) always stay synthetic: they are defined by their defect.

:func:`load_media_dir` validates a directory up front (a missing or malformed file raises
:class:`MediaDirError` naming it); :func:`activate_media_dir` makes it the process's media, which
:func:`face_images`, :func:`speech_clip`, :func:`voice_pair` and :func:`register_user_media` then
serve; without it they serve the synthetic defaults they are given.

Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment
(audio: WAV, 16 kHz, 16-bit, mono PCM); https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json
(JPEG, PNG, GIF, BMP images of 1 KB..6 MB).
"""

from __future__ import annotations

import io
import wave
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

__all__ = [
    "MediaDir",
    "MediaDirError",
    "activate_media_dir",
    "active_media_dir",
    "face_images",
    "load_media_dir",
    "register_user_media",
    "speech_clip",
    "voice_pair",
]

_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
_NEEDS = {"face": ("faces",), "speaker": ("speech",), "customvoice": ("consent", "voice")}


class MediaDirError(ValueError):
    """The media directory lacks a file a selected service needs, or a file is not what it must be."""


@dataclass(frozen=True)
class MediaDir:
    root: Path
    faces: tuple[bytes, ...] = ()
    speakers: tuple[tuple[str, tuple[bytes, ...]], ...] = ()  # (speaker, clips), sorted by name
    talents: tuple[tuple[str, bytes, tuple[bytes, ...]], ...] = ()  # (talent, consent, recordings)
    files: dict[str, Path] = field(default_factory=dict, compare=False)


def _image(path: Path) -> bytes:
    data = path.read_bytes()
    if not (data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n")):
        raise MediaDirError(f"--media-dir: {path} is not a JPEG or PNG image")
    return data


def _wav(path: Path, *, strict: bool) -> bytes:
    data = path.read_bytes()
    try:
        with wave.open(io.BytesIO(data)) as w:
            shape = (w.getframerate(), w.getsampwidth(), w.getnchannels())
            frames = w.getnframes()
    except (wave.Error, EOFError) as exc:
        raise MediaDirError(f"--media-dir: {path} is not a PCM WAV file ({exc})") from None
    if strict and shape != (16000, 2, 1):
        raise MediaDirError(f"--media-dir: {path} is {shape[0]} Hz, {8 * shape[1]}-bit, {shape[2]} channel(s); needs 16 kHz 16-bit mono PCM")
    if frames == 0:
        raise MediaDirError(f"--media-dir: {path} holds no audio")
    return data


def _sorted(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes) if folder.is_dir() else []


def load_media_dir(path: str | Path, services: Iterable[str] = ()) -> MediaDir:
    """Read and validate ``path``; the folders of ``services`` (face, speaker, customvoice) are required."""
    root = Path(path)
    if not root.is_dir():
        raise MediaDirError(f"--media-dir {root}: no such directory")
    wanted = set(services)
    faces = tuple(_image(p) for p in _sorted(root / "faces", _IMAGE_SUFFIXES))
    if "face" in wanted and not faces:
        raise MediaDirError(f"--media-dir: missing {root / 'faces'}/*.jpg|*.png (Face needs at least one face image)")
    speakers = []
    speech = root / "speech"
    for folder in sorted(p for p in speech.iterdir() if p.is_dir()) if speech.is_dir() else []:
        clips = tuple(_wav(p, strict=True) for p in _sorted(folder, (".wav",)))
        if clips:
            speakers.append((folder.name, clips))
    if "speaker" in wanted and len(speakers) < 2:
        raise MediaDirError(
            f"--media-dir: missing {speech}/<speaker>/*.wav for two speakers (Speaker identification needs at least two; found {len(speakers)})"
        )
    talents = []
    for consent in _sorted(root / "consent", (".wav",)):
        recordings = tuple(_wav(p, strict=False) for p in _sorted(root / "voice" / consent.stem, (".wav",)))
        if not recordings and "customvoice" in wanted:
            raise MediaDirError(f"--media-dir: missing {root / 'voice' / consent.stem}/*.wav (the recordings of the talent of {consent})")
        if recordings:
            talents.append((consent.stem, _wav(consent, strict=False), recordings))
    if "customvoice" in wanted and not talents:
        raise MediaDirError(f"--media-dir: missing {root / 'consent'}/<talent>.wav and {root / 'voice'}/<talent>/*.wav (Custom Voice needs one talent)")
    return MediaDir(root, faces, tuple(speakers), tuple(talents))


_active: list[MediaDir] = []


def activate_media_dir(path: str | Path | None) -> MediaDir | None:
    """Make ``path`` this process's media (``None``: back to the synthetic media); returns it."""
    if path is None:
        _active.clear()
        return None
    if _active and _active[0].root == Path(path):
        return _active[0]
    media = load_media_dir(path)
    _active[:] = [media]
    return media


def active_media_dir() -> MediaDir | None:
    return _active[0] if _active else None


def face_images(default: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    """The user's face images (each file's bytes, unchanged) when a media dir is active, else ``default``."""
    media = active_media_dir()
    return st.sampled_from(media.faces) if media and media.faces else default


def speech_clip(slot: int, index: int, *, pcm: bool = False) -> bytes | None:
    """Clip ``index`` (cycled) of the user's speaker ``slot`` (cycled over the speakers), or ``None``.

    ``pcm=True`` gives the WAV's frames without the header (what a client streaming bare PCM sends).
    """
    media = active_media_dir()
    if not media or not media.speakers:
        return None
    clips = media.speakers[slot % len(media.speakers)][1]
    data = clips[index % len(clips)]
    if pcm:
        with wave.open(io.BytesIO(data)) as w:
            return w.readframes(w.getnframes())
    return data


def voice_pair(same_speaker: bool, default: st.SearchStrategy[tuple[bytes, bytes]]) -> st.SearchStrategy[tuple[bytes, bytes]]:
    """``(consent, recording)`` from the user's talents when active (two talents for different speakers), else ``default``."""
    media = active_media_dir()
    if not media or not media.talents or (not same_speaker and len(media.talents) < 2):
        return default
    first, second = media.talents[0], media.talents[1 if not same_speaker else 0]
    return st.sampled_from([(first[1], clip) for clip in second[2]])


def register_user_media() -> None:
    """Register the active media dir's files with Schemathesis over the synthetic registrations (no-op otherwise)."""
    media = active_media_dir()
    if media is None:
        return
    from cognitive_conformance.strategies import audio, voice
    from cognitive_conformance.strategies.schemathesis_setup import FACE_IMAGE_MEDIA_TYPE, register_media_type

    if media.faces:
        register_media_type(FACE_IMAGE_MEDIA_TYPE, st.sampled_from(media.faces))
    if media.speakers:
        clips = [c for _, cs in media.speakers for c in cs]
        import schemathesis  # as strategies.audio.register_media does: the documented alias carries a parameter

        schemathesis.openapi.media_type(audio.AUDIO_MEDIA_TYPE, st.sampled_from(clips), aliases=[audio.AUDIO_MEDIA_TYPE_DOCUMENTED])
    if media.talents:
        voice.register_form_audio(audio=st.sampled_from([c for _, _, cs in media.talents for c in cs]))
