"""--media-dir: the layout is validated up front, and the strategies serve the user's bytes when active."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cognitive_conformance.conformance import spec_render
from cognitive_conformance.strategies import media_dir
from cognitive_conformance.strategies.audio import synthesize, SPEAKERS
from tests.media_dirs import make_media_dir


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, set[str]]]:
    root = tmp_path_factory.mktemp("media")
    return root, make_media_dir(root)


@pytest.fixture(autouse=True)
def _inactive():
    yield
    media_dir.activate_media_dir(None)


def test_a_complete_directory_loads_for_every_service(media) -> None:
    root, _ = media
    loaded = media_dir.load_media_dir(root, ("face", "speaker", "customvoice"))
    assert len(loaded.faces) == 2 and [s for s, _ in loaded.speakers] == ["baritone", "bass"]
    assert [t for t, _, _ in loaded.talents] == ["alex"]


@pytest.mark.parametrize(
    "service, remove, named",
    [("face", "faces", "faces"), ("speaker", "speech/bass", "speech"), ("customvoice", "voice/alex", "voice/alex")],
)
def test_a_missing_required_file_is_named(tmp_path: Path, service: str, remove: str, named: str) -> None:
    import shutil

    make_media_dir(tmp_path)
    shutil.rmtree(tmp_path / remove)
    with pytest.raises(media_dir.MediaDirError, match=named):
        media_dir.load_media_dir(tmp_path, (service,))
    media_dir.load_media_dir(tmp_path, ())  # not required when the service is not selected


def test_wrong_audio_format_is_named(tmp_path: Path) -> None:
    make_media_dir(tmp_path)
    bad = tmp_path / "speech" / "bass" / "8k.wav"
    bad.write_bytes(synthesize(speaker=SPEAKERS[0], duration_s=1.0, sample_rate=8000, seed=1))
    with pytest.raises(media_dir.MediaDirError, match=r"8k\.wav is 8000 Hz"):
        media_dir.load_media_dir(tmp_path, ("speaker",))


def test_strategies_serve_the_users_files_when_active(media) -> None:
    root, hashes = media
    default = st.just(b"synthetic")
    assert media_dir.speech_clip(0, 0) is None
    media_dir.activate_media_dir(root)

    @settings(max_examples=10, database=None)
    @given(media_dir.face_images(default), media_dir.voice_pair(True, st.just((b"", b""))))
    def check(face: bytes, pair: tuple[bytes, bytes]) -> None:
        assert hashlib.sha256(face).hexdigest() in hashes["faces"]
        assert {hashlib.sha256(b).hexdigest() for b in pair} <= hashes["voice"]

    check()
    assert hashlib.sha256(media_dir.speech_clip(3, 5)).hexdigest() in hashes["speech"]
    assert not media_dir.speech_clip(0, 0, pcm=True).startswith(b"RIFF")
    assert media_dir.voice_pair(False, default) is default  # one talent: the synthetic pair of two speakers


def test_the_stateless_phase_registers_the_users_files_with_schemathesis(media) -> None:
    from cognitive_conformance import strategies
    from cognitive_conformance.strategies.schemathesis_setup import FACE_IMAGE_MEDIA_TYPE, registered_media_types

    root, hashes = media
    media_dir.activate_media_dir(root)
    strategies.register_media(spec_render.standalone("face"))

    @settings(max_examples=5, database=None)
    @given(registered_media_types()[FACE_IMAGE_MEDIA_TYPE])
    def check(body: bytes) -> None:
        assert hashlib.sha256(body).hexdigest() in hashes["faces"]

    check()
    media_dir.activate_media_dir(None)
    strategies.register_media(spec_render.standalone("face"))  # back to the synthetic images
    assert registered_media_types()[FACE_IMAGE_MEDIA_TYPE] is not None
