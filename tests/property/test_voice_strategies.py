"""Property tests: what strategies.voice draws validates against specs/customvoice.yaml, and what its
invalid strategies draw is rejected by the same schemas for exactly the rule they break.

Schemas come from ``conformance.spec.Spec("customvoice", version).schema(name)`` for every documented
version; forms are validated after a real multipart round trip (httpx encode, Starlette decode), with
each file part standing in as a string (JSON Schema cannot hold bytes). Also: Schemathesis, after
``register_form_audio()``, generates PersonalVoices_Post/Consents_Post bodies whose every audio part is a
WAV file sent with a filename; and ``voice_pairs`` yields pairs the emulator's audio analysis scores as
same / different speakers.

Source: specs/customvoice.yaml; seed 004; API-DIGEST §3.3, §3.4, §3.7; SCHEMATHESIS.md §1.4.
"""

from __future__ import annotations

import asyncio
import io
import wave
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from cognitive_conformance.conformance.spec import Spec, api_versions, render, validate
from cognitive_conformance.strategies import voice
from cognitive_conformance.strategies.voice import Form

VERSIONS = api_versions("customvoice")
FAST = settings(max_examples=30, deadline=None)


def _wav(frames: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16000)
        writer.writeframes(b"\x00\x01" * frames)
    return buffer.getvalue()


WAVS = st.integers(min_value=1, max_value=200).map(_wav)


def _parse(form: Form) -> FormData:
    data, files = form.to_httpx()
    request = httpx.Request("POST", "http://127.0.0.1/customvoice/personalvoices/x", data=data, files=files)
    body = request.read()
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "query_string": b"",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in request.headers.items()],
    }

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def parse() -> FormData:
        return await Request(scope, receive).form(max_files=100, max_fields=100)

    return asyncio.run(parse())


def form_instance(form: Form, schema: dict[str, Any]) -> dict[str, Any]:
    """The decoded multipart body as a JSON instance of ``schema``: one key per part name, a list
    when the property is an array or the part repeats, a file part as the string ``<file>``."""
    root = schema["$defs"][schema["$ref"].rsplit("/", 1)[-1]] if "$ref" in schema else schema
    properties = root.get("properties", {})
    grouped: dict[str, list[Any]] = {}
    for name, value in _parse(form).multi_items():
        grouped.setdefault(name, []).append("<file>" if isinstance(value, UploadFile) else value)
    instance: dict[str, Any] = {}
    for name, values in grouped.items():
        is_array = properties.get(name, {}).get("type") == "array"
        instance[name] = values if is_array or len(values) > 1 else values[0]
    return instance


def _specs() -> Iterator[Spec]:
    for version in VERSIONS:
        yield Spec("customvoice", version, "docs")


# ----------------------------------------------------------------------------------------- ids


@FAST
@given(value=voice.resource_ids(), op_id=voice.operation_ids())
def test_ids_validate_against_spec(value: str, op_id: str) -> None:
    for spec in _specs():
        assert validate(spec.schema("ResourceId"), value) == []
        assert validate(spec.schema("OperationId"), op_id) == []


@FAST
@given(value=voice.invalid_resource_ids(), op_id=voice.invalid_operation_ids())
def test_invalid_ids_are_rejected_by_spec(value: str, op_id: str) -> None:
    for spec in _specs():
        assert validate(spec.schema("ResourceId"), value) != []
        assert validate(spec.schema("OperationId"), op_id) != []


@pytest.mark.parametrize("kind", voice.INVALID_RESOURCE_ID_KINDS)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_each_invalid_id_kind_breaks_only_its_keyword(kind: str, data: st.DataObject) -> None:
    value = data.draw(voice.invalid_resource_ids(kind=kind))
    errors = validate(Spec("customvoice").schema("ResourceId"), value)
    length = {"too_short": "is too short", "too_long": "is too long"}.get(kind)
    if length is None:  # a character rule: only the pattern fails, the length is fine
        assert len(errors) == 1 and "does not match" in errors[0], errors
    else:  # a length rule: the length keyword fails (the pattern, which also bounds length, may too)
        assert any(length in e for e in errors), errors
        assert all(length in e or "does not match" in e for e in errors), errors


# -------------------------------------------------------------------------------------- bodies


@FAST
@given(
    project=st.one_of(voice.project_bodies(), voice.project_bodies(kind="ProfessionalVoice")),
    consent=voice.consent_bodies(project_id="Jessica"),
    personal=voice.personal_voice_bodies(project_id="PersonalVoice", consent_id="Jessica"),
)
def test_bodies_validate_against_request_schemas(
    project: dict[str, Any], consent: dict[str, Any], personal: dict[str, Any]
) -> None:
    for spec in _specs():
        assert validate(spec.schema("ProjectCreate"), project) == []
        assert validate(spec.schema("ConsentCreate"), consent) == []
        assert validate(spec.schema("PersonalVoiceCreate"), personal) == []


def test_request_schemas_are_the_ones_the_operations_use() -> None:
    """Guards the test above: the schema names match each operation's request body."""
    spec = Spec("customvoice")
    expected = {
        "Projects_Create": ("application/json", "ProjectCreate"),
        "Consents_Create": ("application/json", "ConsentCreate"),
        "PersonalVoices_Create": ("application/json", "PersonalVoiceCreate"),
        "Consents_Post": ("multipart/form-data", "ConsentForm"),
        "PersonalVoices_Post": ("multipart/form-data", "PersonalVoiceForm"),
    }
    for operation_id, (media, name) in expected.items():
        content = spec.operation(operation_id).definition["requestBody"]["content"]
        assert content[media]["schema"] == {"$ref": f"#/components/schemas/{name}"}


# --------------------------------------------------------------------------------------- forms


@FAST
@given(form=voice.consent_forms(audio=WAVS, project_id="Jessica"))
def test_consent_forms_validate_against_consent_form_schema(form: Form) -> None:
    for spec in _specs():
        schema = spec.schema("ConsentForm")
        assert validate(schema, form_instance(form, schema)) == []


@FAST
@given(
    form=voice.personal_voice_forms(
        audio_files=st.lists(WAVS, min_size=1, max_size=3), project_id="PersonalVoice", consent_id="Jessica"
    )
)
def test_personal_voice_forms_validate_against_personal_voice_form_schema(form: Form) -> None:
    for spec in _specs():
        schema = spec.schema("PersonalVoiceForm")
        assert validate(schema, form_instance(form, schema)) == []


@pytest.mark.parametrize("form_kind", voice.FORM_KINDS)
@pytest.mark.parametrize("kind", ["missing_part", "duplicated_part"])
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_invalid_forms_break_exactly_their_part(form_kind: str, kind: str, data: st.DataObject) -> None:
    form = data.draw(voice.invalid_forms(kind=kind, form=form_kind))
    part = form.defect.split(":")[1] if form.defect else "?"
    schema = Spec("customvoice").schema("ConsentForm" if form_kind == "consent" else "PersonalVoiceForm")
    errors = validate(schema, form_instance(form, schema))
    assert errors, f"{form.defect} passed the schema"
    assert all(part in e for e in errors), errors


# ---------------------------------------------------------------------------------- schemathesis


@pytest.fixture
def form_audio_registered() -> Iterator[None]:
    """What a run registers in a worker process that fuzzed Speaker (raw ``audio/wav`` bodies) before
    Custom Voice, with this module's WAVs for the form parts."""
    from schemathesis.specs.openapi.formats import unregister_string_format

    from cognitive_conformance import strategies

    strategies.register_media(render("speaker"))
    strategies.register_media(render("customvoice"))
    voice.register_form_audio(audio=WAVS)
    try:
        yield
    finally:
        unregister_string_format("binary")


def _is_wav(data: bytes) -> bool:
    try:
        with wave.open(io.BytesIO(data), "rb") as reader:
            return reader.getframerate() == 16000 and reader.getnchannels() == 1
    except (wave.Error, EOFError):
        return False


@pytest.mark.parametrize("path", ["/customvoice/consents/{id}", "/customvoice/personalvoices/{id}"])
def test_schemathesis_sends_wav_files_with_filenames(form_audio_registered: None, path: str) -> None:
    import schemathesis

    schema = schemathesis.openapi.from_dict(render("customvoice"))
    operation = schema[path]["POST"]
    seen: list[int] = []

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        kwargs = case.as_transport_kwargs(base_url="http://127.0.0.1:1")
        # (name, (filename, content, content_type)) as Schemathesis hands them to its HTTP client
        audio = [part for name, part in kwargs.get("files") or [] if name == "audiodata"]
        assert audio, kwargs.get("files")
        for filename, content, *content_type in audio:
            assert filename == "audiodata.wav"
            assert content_type == ["audio/wav"]
            assert _is_wav(bytes(getattr(content, "data", content)))
        seen.append(len(audio))

    run()
    assert seen


# ---------------------------------------------------------------------------------- voice pairs


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(same=voice.voice_pairs(same_speaker=True), different=voice.voice_pairs(same_speaker=False))
def test_voice_pairs_same_speaker_scores_higher_than_different(
    same: tuple[bytes, bytes], different: tuple[bytes, bytes]
) -> None:
    from cognitive_conformance.emulator import audio as analysis

    def score(pair: tuple[bytes, bytes]) -> float:
        a, b = (analysis.analyse(analysis.decode(clip)) for clip in pair)
        return analysis.similarity(a.voiceprint, b.voiceprint)

    assert all(_is_wav(clip) for clip in (*same, *different))
    assert same[0] != same[1]
    assert score(same) > score(different)
