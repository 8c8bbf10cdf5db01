"""Unit tests for strategies.voice: each valid strategy meets its rule, each invalid kind breaks exactly
its rule, options are validated, and Form.to_httpx survives a real multipart encode (httpx) and decode
(Starlette / python-multipart).

Source of the rules: specs/customvoice.yaml (ResourceId, ConsentForm, PersonalVoiceForm), seed 004,
API-DIGEST §3.3, §3.4, §3.7.
"""

from __future__ import annotations

import asyncio
import io
import re
import wave

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from cognitive_conformance.strategies import voice
from cognitive_conformance.strategies.voice import Form

ID_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,62}[a-zA-Z0-9]$")
EDGE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
INNER = EDGE | set("._-")
FAST = settings(max_examples=40, deadline=None)


def _tiny_wav(frames: int = 160) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16000)
        writer.writeframes(b"\x01\x00" * frames)
    return buffer.getvalue()


def _is_pcm16_mono_wav(data: bytes) -> bool:
    try:
        with wave.open(io.BytesIO(data), "rb") as reader:
            return reader.getnchannels() == 1 and reader.getsampwidth() == 2 and reader.getframerate() == 16000
    except (wave.Error, EOFError):
        return False


def parse_multipart(form: Form) -> tuple[FormData, bytes]:
    """Encode with httpx exactly as a client would, decode with Starlette (python-multipart)."""
    data, files = form.to_httpx()
    request = httpx.Request("POST", "http://127.0.0.1/customvoice/consents/x", data=data, files=files)
    body = request.read()
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in request.headers.items()]
    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers, "query_string": b""}

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def parse() -> FormData:
        return await Request(scope, receive).form(max_files=100, max_fields=100)

    return asyncio.run(parse()), body


# ----------------------------------------------------------------------------------------- ids


@FAST
@given(voice.resource_ids())
def test_resource_ids_match_pattern(value: str) -> None:
    assert ID_RE.fullmatch(value) and 3 <= len(value) <= 64


@FAST
@given(voice.resource_ids(prefix="ctest-", max_size=20))
def test_resource_ids_prefix_and_max_size_respected(value: str) -> None:
    assert value.startswith("ctest-") and ID_RE.fullmatch(value) and len(value) <= 20


def test_resource_ids_shrink_to_aaa() -> None:
    from hypothesis import find

    assert find(voice.resource_ids(), lambda v: True) == "aaa"


@pytest.mark.parametrize(
    "kwargs",
    [{"prefix": "-bad"}, {"prefix": "a b"}, {"prefix": "a" * 64}, {"max_size": 2}, {"max_size": 65}, {"prefix": 3}],
)
def test_resource_ids_rejects_bad_options(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        voice.resource_ids(**kwargs)  # type: ignore[arg-type]


@FAST
@given(voice.invalid_resource_ids(kind="too_short"))
def test_invalid_ids_too_short_breaks_only_length(value: str) -> None:
    assert 1 <= len(value) < 3 and set(value) <= EDGE


@FAST
@given(voice.invalid_resource_ids(kind="too_long"))
def test_invalid_ids_too_long_breaks_only_length(value: str) -> None:
    assert len(value) > 64
    assert value[0] in EDGE and value[-1] in EDGE and set(value) <= INNER


@FAST
@given(voice.invalid_resource_ids(kind="bad_first_char"))
def test_invalid_ids_bad_first_char_breaks_only_first(value: str) -> None:
    assert value[0] in "._-" and 3 <= len(value) <= 64
    assert value[-1] in EDGE and set(value[1:]) <= INNER


@FAST
@given(voice.invalid_resource_ids(kind="bad_last_char"))
def test_invalid_ids_bad_last_char_breaks_only_last(value: str) -> None:
    assert value[-1] in "._-" and 3 <= len(value) <= 64
    assert value[0] in EDGE and set(value[:-1]) <= INNER


@FAST
@given(voice.invalid_resource_ids(kind="bad_char"))
def test_invalid_ids_bad_char_breaks_only_alphabet(value: str) -> None:
    bad = [c for c in value if c not in INNER]
    assert len(bad) == 1 and 3 <= len(value) <= 64
    assert value[0] in EDGE and value[-1] in EDGE
    # usable unchanged as an HTTP header value
    assert value.isascii() and value.isprintable() and " " not in value


@FAST
@given(voice.invalid_resource_ids())
def test_invalid_ids_never_match_and_never_empty(value: str) -> None:
    assert value and not ID_RE.fullmatch(value)


def test_invalid_ids_unknown_kind_raises() -> None:
    with pytest.raises(ValueError, match="too_short"):
        voice.invalid_resource_ids(kind="nope")


@FAST
@given(voice.operation_ids())
def test_operation_ids_match_pattern(value: str) -> None:
    assert ID_RE.fullmatch(value)


@FAST
@given(voice.invalid_operation_ids())
def test_invalid_operation_ids_break_pattern(value: str) -> None:
    assert not ID_RE.fullmatch(value)


# -------------------------------------------------------------------------------------- bodies


@FAST
@given(voice.project_bodies())
def test_project_bodies_are_personal_voice_projects(body: dict[str, str]) -> None:
    assert body["kind"] == "PersonalVoice"
    assert set(body) <= {"kind", "displayName", "description"}
    assert body.get("displayName", "x") != ""


def test_project_bodies_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError, match="ProfessionalVoice"):
        voice.project_bodies(kind="Custom")


@FAST
@given(voice.consent_bodies(project_id="Jessica"))
def test_consent_bodies_carry_required_fields(body: dict[str, str]) -> None:
    assert body["projectId"] == "Jessica"
    assert {"voiceTalentName", "companyName", "locale", "audioUrl"} <= set(body)
    assert body["audioUrl"].startswith("https://")


@FAST
@given(voice.personal_voice_bodies(project_id="PersonalVoice", consent_id="Jessica"))
def test_personal_voice_bodies_carry_blob_source(body: dict[str, object]) -> None:
    assert body["projectId"] == "PersonalVoice" and body["consentId"] == "Jessica"
    audios = body["audios"]
    assert isinstance(audios, dict) and audios["extensions"] and str(audios["containerUrl"]).startswith("https://")


@pytest.mark.parametrize("bad", ["", "ab", "-x-", "a/b"])
def test_bodies_reject_invalid_ids(bad: str) -> None:
    with pytest.raises(ValueError, match="ResourceId"):
        voice.consent_bodies(project_id=bad)
    with pytest.raises(ValueError, match="ResourceId"):
        voice.personal_voice_bodies(project_id="ok1", consent_id=bad)


# --------------------------------------------------------------------------------------- forms

WAVS = st.integers(min_value=1, max_value=400).map(_tiny_wav)


@FAST
@given(voice.consent_forms(audio=WAVS, project_id="Jessica"))
def test_consent_forms_round_trip_through_multipart(form: Form) -> None:
    parsed, body = parse_multipart(form)
    assert b'filename="consent.wav"' in body and b"Content-Type: audio/wav" in body
    for name in ("projectId", "voiceTalentName", "companyName", "locale"):
        assert parsed[name] == form.fields[name]
    for name, value in form.fields.items():
        assert parsed.getlist(name) == [value]
    uploads = parsed.getlist("audiodata")
    assert len(uploads) == 1 and isinstance(uploads[0], UploadFile)
    assert asyncio.run(uploads[0].read()) == form.files[0][2]
    assert _is_pcm16_mono_wav(form.files[0][2])


@FAST
@given(
    voice.personal_voice_forms(
        audio_files=st.lists(WAVS, min_size=1, max_size=4), project_id="PersonalVoice", consent_id="Jessica"
    )
)
def test_personal_voice_forms_round_trip_every_file(form: Form) -> None:
    parsed, _ = parse_multipart(form)
    assert parsed["projectId"] == "PersonalVoice" and parsed["consentId"] == "Jessica"
    uploads = parsed.getlist("audiodata")
    assert all(isinstance(u, UploadFile) for u in uploads)
    assert [u.filename for u in uploads] == [f"sample-{n}.wav" for n in range(1, len(form.files) + 1)]
    assert [asyncio.run(u.read()) for u in uploads] == [data for _, _, data, _ in form.files]


@settings(max_examples=10, deadline=None)
@given(
    voice.personal_voice_forms(
        audio_files=st.lists(WAVS, min_size=1, max_size=2), project_id="pv1", consent_id="c01", file_field="audioData"
    )
)
def test_personal_voice_forms_alias_field(form: Form) -> None:
    parsed, _ = parse_multipart(form)
    assert parsed.getlist("audiodata") == [] and len(parsed.getlist("audioData")) == len(form.files)


def test_personal_voice_forms_reject_bad_options() -> None:
    files = st.just([_tiny_wav()])
    with pytest.raises(ValueError, match="audioData"):
        voice.personal_voice_forms(audio_files=files, project_id="pv1", consent_id="c01", file_field="audio")
    with pytest.raises(ValueError, match="ResourceId"):
        voice.personal_voice_forms(audio_files=files, project_id="pv1", consent_id="c")
    with pytest.raises(ValueError, match="SearchStrategy"):
        voice.personal_voice_forms(audio_files=[b"x"], project_id="pv1", consent_id="c01")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="SearchStrategy"):
        voice.consent_forms(audio=b"RIFF", project_id="pv1")  # type: ignore[arg-type]


@settings(max_examples=3, deadline=None)
@given(data=st.data())
def test_personal_voice_forms_empty_file_list_is_an_error_when_drawn(data: st.DataObject) -> None:
    strategy = voice.personal_voice_forms(audio_files=st.just([]), project_id="pv1", consent_id="c01")
    with pytest.raises(ValueError, match="at least one"):
        data.draw(strategy)


def test_form_to_httpx_shapes() -> None:
    form = Form(fields={"projectId": "p01"}, files=[("audiodata", "a.wav", b"RIFF", "audio/wav")])
    data, files = form.to_httpx()
    assert data == {"projectId": "p01"}
    assert files == [("audiodata", ("a.wav", b"RIFF", "audio/wav"))]
    assert form.part_names() == ["projectId", "audiodata"]
    # to_httpx hands out copies: mutating them leaves the form alone
    data["projectId"] = "changed"
    assert form.fields["projectId"] == "p01"


# ------------------------------------------------------------------------------- invalid forms


def _required(form_kind: str) -> tuple[str, ...]:
    return voice.CONSENT_FORM_REQUIRED if form_kind == "consent" else voice.PERSONAL_VOICE_FORM_REQUIRED


def _assert_rest_valid(parsed: FormData, form_kind: str, skip: str) -> None:
    for name in _required(form_kind):
        if name == skip:
            continue
        values = parsed.getlist(name)
        assert values, f"{name} must still be present"
        if name == "audiodata":
            assert all(isinstance(v, UploadFile) for v in values)
        else:
            assert len(values) == 1 and isinstance(values[0], str) and values[0]


@pytest.mark.parametrize("form_kind", voice.FORM_KINDS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_invalid_forms_missing_part_drops_exactly_one_part(form_kind: str, data: st.DataObject) -> None:
    form = data.draw(voice.invalid_forms(kind="missing_part", form=form_kind))
    assert form.defect and form.defect.startswith("missing_part:")
    part = form.defect.split(":", 1)[1]
    parsed, _ = parse_multipart(form)
    assert parsed.getlist(part) == []
    _assert_rest_valid(parsed, form_kind, skip=part)


@pytest.mark.parametrize("form_kind", voice.FORM_KINDS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_invalid_forms_wrong_part_type_breaks_the_audio_part(form_kind: str, data: st.DataObject) -> None:
    form = data.draw(voice.invalid_forms(kind="wrong_part_type", form=form_kind))
    parsed, _ = parse_multipart(form)
    values = parsed.getlist("audiodata")
    assert values
    if form.defect == "wrong_part_type:audiodata:text":
        assert len(values) == 1 and isinstance(values[0], str)
    else:
        assert form.defect == "wrong_part_type:audiodata:not_wav"
        first = values[0]
        assert isinstance(first, UploadFile) and first.filename == "bad.wav"
        assert not _is_pcm16_mono_wav(asyncio.run(first.read()))
        assert all(_is_pcm16_mono_wav(asyncio.run(v.read())) for v in values[1:] if isinstance(v, UploadFile))
    _assert_rest_valid(parsed, form_kind, skip="audiodata")


@pytest.mark.parametrize("form_kind", voice.FORM_KINDS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_invalid_forms_duplicated_part_repeats_exactly_one_part(form_kind: str, data: st.DataObject) -> None:
    form = data.draw(voice.invalid_forms(kind="duplicated_part", form=form_kind))
    part = form.defect.split(":", 1)[1] if form.defect else ""
    parsed, _ = parse_multipart(form)
    values = parsed.getlist(part)
    assert len(values) == 2
    if part == "audiodata":
        assert form_kind == "consent" and all(isinstance(v, UploadFile) for v in values)
    else:
        assert all(isinstance(v, str) for v in values) and values[0] != values[1]
    for name in _required(form_kind):
        if name not in (part, "audiodata"):
            assert len(parsed.getlist(name)) == 1


@pytest.mark.parametrize(
    "kwargs",
    [{"kind": "nope"}, {"kind": "missing_part", "form": "project"}, {"kind": "missing_part", "audio": b"x"}],
)
def test_invalid_forms_rejects_bad_options(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        voice.invalid_forms(**kwargs)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------- voice pairs


def test_voice_pairs_rejects_bad_options() -> None:
    with pytest.raises(ValueError):
        voice.voice_pairs(same_speaker="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        voice.voice_pairs(same_speaker=True, min_duration_s=5.0, max_duration_s=1.0)


@pytest.mark.parametrize("same_speaker", [True, False])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_voice_pairs_pick_same_or_different_speakers(same_speaker: bool, data: st.DataObject) -> None:
    from unittest import mock

    from cognitive_conformance.strategies import audio

    calls: list[tuple[str, float, int]] = []

    def fake_synthesize(*, speaker: audio.Speaker, duration_s: float, seed: int = 0, **_: object) -> bytes:
        calls.append((speaker.name, duration_s, seed))
        return _tiny_wav()

    with mock.patch.object(audio, "synthesize", fake_synthesize):
        consent, training = data.draw(voice.voice_pairs(same_speaker=same_speaker, min_duration_s=2.0, max_duration_s=3.0))
    assert len(calls) == 2 and _is_pcm16_mono_wav(consent) and _is_pcm16_mono_wav(training)
    (first, d1, s1), (second, d2, s2) = calls
    assert (first == second) is same_speaker
    assert 2.0 <= d1 <= 3.0 and 2.0 <= d2 <= 3.0 and s1 != s2
