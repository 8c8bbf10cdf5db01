"""A ``--media-dir`` built from the synthetic generators, for tests (faces, speakers, a talent)."""

from __future__ import annotations

import hashlib
import io
import wave
from pathlib import Path

from hypothesis import HealthCheck, find, settings

from cognitive_conformance.strategies.audio import SPEAKERS, synthesize
from cognitive_conformance.strategies.images import images


def make_media_dir(root: Path) -> dict[str, set[str]]:
    """Write faces/, speech/<speaker>/, consent/ and voice/; return the SHA-256 of each folder's files
    (for speech, also of each file's bare PCM frames)."""
    quiet = settings(database=None, suppress_health_check=list(HealthCheck))
    written: dict[str, set[str]] = {"faces": set(), "speech": set(), "voice": set()}

    def put(path: Path, data: bytes, kind: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written[kind].add(hashlib.sha256(data).hexdigest())

    for n, fmt in enumerate(("JPEG", "PNG")):
        data = find(images(formats=(fmt,), max_side=160), lambda b: True, settings=quiet)
        put(root / "faces" / f"face{n}.{'jpg' if fmt == 'JPEG' else 'png'}", data, "faces")
    for s, speaker in enumerate(SPEAKERS[:2]):
        for i in range(2):
            clip = synthesize(speaker=speaker, duration_s=12.0, speech_ratio=0.9, snr_db=30.0, seed=500 + 10 * s + i)
            put(root / "speech" / speaker.name / f"clip{i}.wav", clip, "speech")
            # A scenario streaming bare PCM (identify's second profile) sends the file's frames without the header.
            with wave.open(io.BytesIO(clip)) as w:
                written["speech"].add(hashlib.sha256(w.readframes(w.getnframes())).hexdigest())
    put(root / "consent" / "alex.wav", synthesize(speaker=SPEAKERS[2], duration_s=3.2, seed=7), "voice")
    put(root / "voice" / "alex" / "one.wav", synthesize(speaker=SPEAKERS[2], duration_s=3.2, seed=8), "voice")
    return written
