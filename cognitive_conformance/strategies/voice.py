"""Hypothesis strategies for Custom Voice: resource ids, JSON bodies, multipart forms, voice pairs.

The Custom Voice personal-voice flow (``specs/customvoice.yaml``) is: create a project
(``Projects_Create``), a voice talent consent (``Consents_Create`` JSON with ``audioUrl`` or
``Consents_Post`` multipart with the ``audiodata`` file), then a personal voice
(``PersonalVoices_Create`` JSON with blob ``audios`` or ``PersonalVoices_Post`` multipart with one
or more audio files), and poll ``Operations_Get``. The rules encoded here:

* every resource id, ``projectId``/``consentId`` reference and ``Operation-Id`` header matches
  ``^[a-zA-Z0-9][a-zA-Z0-9._-]{1,62}[a-zA-Z0-9]$`` (3..64 characters)
  (Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json ``definitions.ResourceId``, ``parameters.HeaderOperationId``);
* a breach of that pattern is ``400 BadArgument`` (Source: specs/customvoice.yaml ``info.description``);
* ``Consents_Post`` parts: ``projectId``, ``voiceTalentName``, ``companyName``, ``locale`` and one
  ``audiodata`` WAV file are required; ``PersonalVoices_Post`` parts: ``projectId``, ``consentId``
  and one or more ``audiodata`` WAV files (``audioData`` accepted as an alias)
  (Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json; tests/reference/azure-examples/custom-voice/2026-01-01/create_personalvoice_with_multipart_form.json; specs/customvoice.yaml ``ConsentForm``, ``PersonalVoiceForm``);
* a missing required part or a non-WAV audio part is ``400 BadArgument`` (Source: specs/customvoice.yaml).

Forms are :class:`Form` values (text fields + file parts) that :meth:`Form.to_httpx` turns into
the ``data``/``files`` arguments of an httpx request. :func:`voice_pairs` pairs a consent recording
with a training recording of the same or of a different synthetic speaker
(:mod:`strategies.audio`, imported lazily), to drive ``SpeakerVerificationFailed``
(Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview, ModelFailureReason).

No HTTP, no emulator import. Shrinking: ids shrink towards ``"aaa"``, optional fields towards
absent, lists towards their minimum size, invalid kinds towards the first listed variant.
"""

from __future__ import annotations

import io
import json
import re
import string
import wave
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

__all__ = [
    "CONSENT_FORM_REQUIRED",
    "FORM_KINDS",
    "Form",
    "INVALID_FORM_KINDS",
    "INVALID_RESOURCE_ID_KINDS",
    "LOCALES",
    "PERSONAL_VOICE_FORM_REQUIRED",
    "PROJECT_KINDS",
    "RESOURCE_ID_PATTERN",
    "consent_bodies",
    "consent_forms",
    "invalid_forms",
    "invalid_operation_ids",
    "invalid_resource_ids",
    "locales",
    "operation_ids",
    "personal_voice_bodies",
    "personal_voice_forms",
    "project_bodies",
    "register_form_audio",
    "resource_ids",
    "voice_pairs",
]

RESOURCE_ID_PATTERN: Final[str] = r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,62}[a-zA-Z0-9]$"
"""ResourceId / OperationId / Operation-Id pattern (Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json ``definitions.ResourceId``)."""

_RESOURCE_ID = re.compile(RESOURCE_ID_PATTERN)
_EDGE_CHARS: Final[str] = string.ascii_letters + string.digits
_INNER_CHARS: Final[str] = _EDGE_CHARS + "._-"
_ID_MIN, _ID_MAX = 3, 64
# Characters outside the pattern that survive both a URL path segment (httpx percent-encodes what it
# must) and an HTTP header value unchanged: no '/', '?', '#', '%', whitespace or control characters.
_BAD_ID_CHARS: Final[str] = "!$&'()*+,;=@~^"

PROJECT_KINDS: Final[tuple[str, ...]] = ("ProfessionalVoice", "PersonalVoice")
"""ProjectKind enum (Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json ``definitions.ProjectKind``)."""

LOCALES: Final[tuple[str, ...]] = (
    "en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "it-IT", "ja-JP", "zh-CN", "pt-BR", "ko-KR",
)
"""Text-to-speech locales used for consents; all match the spec's BCP-47 ``Locale`` pattern."""

CONSENT_FORM_REQUIRED: Final[tuple[str, ...]] = ("projectId", "voiceTalentName", "companyName", "locale", "audiodata")
"""Required Consents_Post parts (Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json Consents_Post formData; specs/customvoice.yaml ``ConsentForm``)."""

PERSONAL_VOICE_FORM_REQUIRED: Final[tuple[str, ...]] = ("projectId", "consentId", "audiodata")
"""Required PersonalVoices_Post parts (Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json; tests/reference/azure-examples/custom-voice/2026-01-01/create_personalvoice_with_multipart_form.json; ``PersonalVoiceForm``)."""

INVALID_RESOURCE_ID_KINDS: Final[tuple[str, ...]] = ("too_short", "too_long", "bad_first_char", "bad_last_char", "bad_char")
"""The ways :func:`invalid_resource_ids` breaks the ResourceId rule, one rule per kind."""

FORM_KINDS: Final[tuple[str, ...]] = ("consent", "personal_voice")
"""Which multipart operation a form is for: Consents_Post or PersonalVoices_Post."""

INVALID_FORM_KINDS: Final[tuple[str, ...]] = ("missing_part", "wrong_part_type", "duplicated_part")
"""The ways :func:`invalid_forms` breaks a multipart form, one rule per kind."""

_WAV_CONTENT_TYPE: Final[str] = "audio/wav"
_FILE_FIELDS: Final[frozenset[str]] = frozenset({"audiodata", "audioData"})


@dataclass(frozen=True)
class Form:
    """A multipart/form-data request body: text fields plus file parts.

    ``fields`` are the text parts (name -> value). ``files`` are the remaining parts in order,
    each ``(field_name, filename, content, content_type)``; a file part has a ``filename`` (the
    service reads parts without one as text, Source: https://github.com/schemathesis/schemathesis/issues/3951). Only invalid forms
    carry an entry whose filename is ``None``: a text part that had to go into ``files`` because
    its name repeats a text field, or text sent where a file is expected. ``defect`` says which
    rule an invalid form breaks (``"<kind>:<part>"``, e.g. ``"missing_part:projectId"``); it is
    ``None`` for valid forms.
    """

    fields: dict[str, str]
    files: list[tuple[str, str | None, bytes, str | None]] = field(default_factory=list)
    defect: str | None = None

    def to_httpx(self) -> tuple[dict[str, str], list[tuple[str, tuple[str | None, bytes, str | None]]]]:
        """``(data, files)`` for ``httpx.Client.post(url, data=data, files=files)``.

        httpx sends every ``data`` item as a text part and every ``files`` item as a part with
        ``Content-Disposition: form-data; name=...; filename=...`` and the given Content-Type
        (no filename when it is ``None``).
        """
        return dict(self.fields), [(name, (filename, content, ctype)) for name, filename, content, ctype in self.files]

    def part_names(self) -> list[str]:
        """Every part name in the order httpx sends them (text fields first), repeats included."""
        return [*self.fields, *(name for name, *_ in self.files)]


# --------------------------------------------------------------------------------------------
# Ids
# --------------------------------------------------------------------------------------------


def _joined(alphabet: str, *, min_size: int, max_size: int) -> SearchStrategy[str]:
    """Strings over ``alphabet`` that shrink towards its first character (``st.text`` shrinks by code point)."""
    return st.lists(st.sampled_from(alphabet), min_size=min_size, max_size=max_size).map("".join)


def _check_resource_id(name: str, value: str) -> None:
    if not isinstance(value, str) or not _RESOURCE_ID.fullmatch(value):
        raise ValueError(f"{name}={value!r} does not match the ResourceId pattern {RESOURCE_ID_PATTERN} (3..64 chars)")


def resource_ids(*, prefix: str = "", max_size: int = _ID_MAX) -> SearchStrategy[str]:
    """Resource ids matching ``^[a-zA-Z0-9][a-zA-Z0-9._-]{1,62}[a-zA-Z0-9]$``, 3..``max_size`` chars.

    Rule: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json ``definitions.ResourceId`` / ``parameters.PathId`` (Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json), used by
    every ``/customvoice/{projects,consents,personalvoices}/{id}`` path and the ``projectId`` /
    ``consentId`` references. ``prefix`` (e.g. a per-test namespace) starts every id; it must
    itself be a valid start: an alphanumeric first character, then ``[a-zA-Z0-9._-]``, and leave
    room for at least one more character. Shrinks towards ``prefix + "aa"`` (``"aaa"`` unprefixed).
    """
    if not isinstance(max_size, int) or not _ID_MIN <= max_size <= _ID_MAX:
        raise ValueError(f"max_size must be an int in {_ID_MIN}..{_ID_MAX}, got {max_size!r}")
    if not isinstance(prefix, str):
        raise ValueError(f"prefix must be a str, got {prefix!r}")
    if prefix and not re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9._-]*", prefix):
        raise ValueError(f"prefix={prefix!r} must start with [a-zA-Z0-9] and contain only [a-zA-Z0-9._-]")
    if len(prefix) > max_size - 1:
        raise ValueError(f"prefix={prefix!r} leaves no room for the last character within max_size={max_size}")

    head = st.just(prefix) if prefix else st.sampled_from(_EDGE_CHARS)
    head_len = len(prefix) if prefix else 1
    min_inner = max(0, _ID_MIN - head_len - 1)
    max_inner = max_size - head_len - 1
    return st.builds(
        lambda h, inner, last: h + inner + last,
        head,
        _joined(_INNER_CHARS, min_size=min_inner, max_size=max_inner),
        st.sampled_from(_EDGE_CHARS),
    )


def invalid_resource_ids(*, kind: str | None = None) -> SearchStrategy[str]:
    """Ids that break the ResourceId rule in exactly one way; usable in a URL path and a header.

    Kinds (``None`` = any of them): ``too_short`` (1..2 valid characters), ``too_long`` (65..80
    valid characters), ``bad_first_char`` / ``bad_last_char`` (``.``, ``_`` or ``-`` at that end,
    length 3..64), ``bad_char`` (one inner character outside ``[a-zA-Z0-9._-]``, length 3..64).
    Never empty (an empty path segment changes the route, not the id). The documented answer is
    ``400 BadArgument`` (Source: specs/customvoice.yaml ``info.description``; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json ``parameters.PathId``).
    Shrinks towards the shortest id of the first kind.
    """
    if kind is None:
        return st.one_of(*(invalid_resource_ids(kind=k) for k in INVALID_RESOURCE_ID_KINDS))
    if kind not in INVALID_RESOURCE_ID_KINDS:
        raise ValueError(f"kind={kind!r} is not one of {', '.join(INVALID_RESOURCE_ID_KINDS)}")
    valid = resource_ids()
    if kind == "too_short":
        return _joined(_EDGE_CHARS, min_size=1, max_size=_ID_MIN - 1)
    if kind == "too_long":
        return st.builds(
            lambda first, inner, last: first + inner + last,
            st.sampled_from(_EDGE_CHARS),
            _joined(_INNER_CHARS, min_size=_ID_MAX - 1, max_size=78),
            st.sampled_from(_EDGE_CHARS),
        )
    if kind == "bad_first_char":
        return st.builds(lambda bad, ok: bad + ok[1:], st.sampled_from("._-"), valid)
    if kind == "bad_last_char":
        return st.builds(lambda ok, bad: ok[:-1] + bad, valid, st.sampled_from("._-"))
    # bad_char: replace one inner character of a valid id with a character outside the alphabet.

    @st.composite
    def _bad_char(draw: st.DrawFn) -> str:
        ok = draw(valid)
        position = draw(st.integers(min_value=1, max_value=len(ok) - 2))
        return ok[:position] + draw(st.sampled_from(_BAD_ID_CHARS)) + ok[position + 1:]

    return _bad_char()


def operation_ids() -> SearchStrategy[str]:
    """Values for the optional ``Operation-Id`` request header: GUIDs (what the service and the
    examples use) or any other string matching the OperationId pattern (3..64 chars).

    Rule: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json ``parameters.HeaderOperationId`` / ``definitions.OperationId`` (Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json).
    Shrinks towards the nil GUID.
    """
    return st.one_of(st.uuids().map(str), resource_ids())


def invalid_operation_ids(*, kind: str | None = None) -> SearchStrategy[str]:
    """``Operation-Id`` header values that break the OperationId pattern in exactly one way.

    The pattern is the ResourceId one, so the kinds are those of :func:`invalid_resource_ids`;
    every value is printable ASCII without whitespace, so it reaches the server unchanged as a
    header. Documented answer: ``400 BadArgument`` (Source: specs/customvoice.yaml; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json).
    """
    return invalid_resource_ids(kind=kind)


# --------------------------------------------------------------------------------------------
# JSON bodies
# --------------------------------------------------------------------------------------------


def _texts(*, min_size: int = 0, max_size: int = 40) -> SearchStrategy[str]:
    """Printable Unicode text without control characters or surrogates (safe in JSON and multipart)."""
    return st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn")),
        min_size=min_size,
        max_size=max_size,
    )


def locales() -> SearchStrategy[str]:
    """BCP-47 text-to-speech locales (``en-US`` ...), matching the spec's ``Locale`` pattern.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json ``definitions.Consent.locale`` ("Locale code follows BCP-47"). Shrinks to ``en-US``.
    """
    return st.sampled_from(LOCALES)


def project_bodies(*, kind: str = "PersonalVoice") -> SearchStrategy[dict[str, str]]:
    """``Projects_Create`` bodies: ``{"kind": kind}`` plus optional ``displayName`` (non-empty) and
    ``description``.

    Rule: ``ProjectCreate`` (``kind`` required, ProjectKind enum; displayName minLength 1)
    (Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json ``definitions.Project``). A personal voice needs a project of
    kind ``PersonalVoice``, the default. Shrinks towards ``{"kind": kind}``.
    """
    if kind not in PROJECT_KINDS:
        raise ValueError(f"kind={kind!r} is not one of {', '.join(PROJECT_KINDS)}")
    return st.fixed_dictionaries(
        {"kind": st.just(kind)},
        optional={"displayName": _texts(min_size=1), "description": _texts()},
    )


def consent_bodies(*, project_id: str) -> SearchStrategy[dict[str, str]]:
    """``Consents_Create`` bodies: ``projectId``, ``voiceTalentName``, ``companyName``, ``locale`` and
    an https ``audioUrl``, plus optional ``displayName`` and ``description``.

    Rule: ``ConsentCreate`` (Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json ``definitions.Consent``; example
    tests/reference/azure-examples/custom-voice/2024-02-01-preview/create_consent.json). ``project_id`` must be a valid ResourceId
    (ValueError otherwise). Shrinks towards the required fields only.
    """
    _check_resource_id("project_id", project_id)
    audio_urls = st.builds(
        lambda blob: f"https://contoso.blob.core.windows.net/public/{blob}.wav?sv=2023-01-03&sig=x",
        st.text(alphabet=string.ascii_lowercase + string.digits + "-", min_size=1, max_size=24),
    )
    return st.fixed_dictionaries(
        {
            "projectId": st.just(project_id),
            "voiceTalentName": _texts(min_size=1),
            "companyName": _texts(min_size=1),
            "locale": locales(),
            "audioUrl": audio_urls,
        },
        optional={"displayName": _texts(min_size=1), "description": _texts()},
    )


def personal_voice_bodies(*, project_id: str, consent_id: str) -> SearchStrategy[dict[str, object]]:
    """``PersonalVoices_Create`` bodies: ``projectId``, ``consentId`` and blob ``audios``
    (``{containerUrl, prefix?, extensions}``), plus optional ``displayName`` and ``description``.

    Rule: ``PersonalVoiceCreate`` / ``AzureBlobContentSource`` (containerUrl uri, extensions a
    non-empty list; ``.wav`` and ``*.wav`` both occur upstream) (Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json
    ``definitions.AzureBlobContentSource``; tests/reference/azure-examples/custom-voice/2026-01-01/create_personalvoice_with_multipart_form.json). Both ids must be valid ResourceIds.
    Shrinks towards the required fields with a single ``.wav`` extension.
    """
    _check_resource_id("project_id", project_id)
    _check_resource_id("consent_id", consent_id)
    audios = st.fixed_dictionaries(
        {
            "containerUrl": st.builds(
                lambda container: f"https://contoso.blob.core.windows.net/{container}?sv=2023-01-03&sig=x",
                st.text(alphabet=string.ascii_lowercase + string.digits, min_size=3, max_size=24),
            ),
            "extensions": st.lists(st.sampled_from([".wav", "*.wav"]), min_size=1, max_size=2, unique=True),
        },
        optional={"prefix": st.text(alphabet=string.ascii_lowercase + "/", max_size=16)},
    )
    return st.fixed_dictionaries(
        {"projectId": st.just(project_id), "consentId": st.just(consent_id), "audios": audios},
        optional={"displayName": _texts(min_size=1), "description": _texts()},
    )


# --------------------------------------------------------------------------------------------
# Multipart forms
# --------------------------------------------------------------------------------------------


def _check_strategy(name: str, value: object) -> None:
    if not isinstance(value, SearchStrategy):
        raise ValueError(f"{name} must be a hypothesis SearchStrategy, got {type(value).__name__}")


def _properties_values() -> SearchStrategy[str]:
    """The free-form ``properties`` string part, as a small JSON object."""
    return st.dictionaries(
        st.text(alphabet=string.ascii_letters, min_size=1, max_size=8), _texts(max_size=12), max_size=2
    ).map(lambda d: json.dumps(d, ensure_ascii=False))


def _optional_fields() -> SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries(
        {}, optional={"displayName": _texts(min_size=1), "description": _texts(), "properties": _properties_values()}
    )


def consent_forms(*, audio: SearchStrategy[bytes], project_id: str) -> SearchStrategy[Form]:
    """``Consents_Post`` forms: text parts ``projectId``, ``voiceTalentName``, ``companyName``,
    ``locale`` (+ optional ``displayName``, ``description``, ``properties``) and exactly one file
    part ``audiodata`` (filename ``consent.wav``, ``audio/wav``) drawn from ``audio``.

    Rule: ``ConsentForm`` (Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json Consents_Post formData parameters; example
    tests/reference/azure-examples/custom-voice/2024-02-01-preview/create_consent_with_multipart_form.json). ``audio`` should
    yield 16 kHz 16-bit mono WAV bytes (e.g. ``strategies.audio.wav_clips()``); ``project_id``
    must be a valid ResourceId. Shrinks towards required parts only and the smallest audio.
    """
    _check_strategy("audio", audio)
    _check_resource_id("project_id", project_id)
    required = st.fixed_dictionaries(
        {
            "projectId": st.just(project_id),
            "voiceTalentName": _texts(min_size=1),
            "companyName": _texts(min_size=1),
            "locale": locales(),
        }
    )
    return st.builds(
        lambda req, opt, data: Form(fields={**req, **opt}, files=[("audiodata", "consent.wav", data, _WAV_CONTENT_TYPE)]),
        required,
        _optional_fields(),
        audio,
    )


def personal_voice_forms(
    *,
    audio_files: SearchStrategy[list[bytes]],
    project_id: str,
    consent_id: str,
    file_field: str = "audiodata",
) -> SearchStrategy[Form]:
    """``PersonalVoices_Post`` forms: text parts ``projectId``, ``consentId`` (+ optional
    ``displayName``, ``description``, ``properties``) and one file part per element of the drawn
    ``audio_files`` list, all named ``file_field`` (filenames ``sample-<n>.wav``, ``audio/wav``).

    Rule: ``PersonalVoiceForm`` (Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json; tests/reference/azure-examples/custom-voice/2026-01-01/create_personalvoice_with_multipart_form.json: the examples send
    ``audiodata`` and ``consentId``, the 2024-02-01-preview swagger spells the file part
    ``audioData``, accepted as an alias). ``file_field`` is ``"audiodata"`` or ``"audioData"``;
    the ids must be valid ResourceIds; ``audio_files`` must yield non-empty lists (an empty draw
    raises ValueError when drawn, since that form would be invalid). Shrinks towards required parts
    only and the shortest list.
    """
    _check_strategy("audio_files", audio_files)
    _check_resource_id("project_id", project_id)
    _check_resource_id("consent_id", consent_id)
    if file_field not in _FILE_FIELDS:
        raise ValueError(f"file_field={file_field!r} must be 'audiodata' or its alias 'audioData'")

    def build(opt: dict[str, str], files: list[bytes]) -> Form:
        if not files:
            raise ValueError("audio_files drew an empty list; PersonalVoices_Post needs at least one audio file")
        return Form(
            fields={"projectId": project_id, "consentId": consent_id, **opt},
            files=[(file_field, f"sample-{n}.wav", data, _WAV_CONTENT_TYPE) for n, data in enumerate(files, 1)],
        )

    return st.builds(build, _optional_fields(), audio_files)


def _pcm_wav(samples: bytes, *, sample_rate: int = 16000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(sample_rate)
        writer.writeframes(samples)
    return buffer.getvalue()


def _small_wavs() -> SearchStrategy[bytes]:
    """Small valid 16 kHz 16-bit mono PCM WAV files (0.05..0.25 s of random samples)."""
    return st.integers(min_value=800, max_value=4000).flatmap(
        lambda frames: st.binary(min_size=2 * frames, max_size=2 * frames)
    ).map(_pcm_wav)


def _not_wav_files() -> SearchStrategy[bytes]:
    """Files that are not RIFF/WAVE: text, a PNG header, an MP3 frame header, or random bytes
    not starting with ``RIFF``."""
    return st.one_of(
        _texts(min_size=1, max_size=40).map(lambda t: ("not audio: " + t).encode("utf-8")),
        st.binary(min_size=8, max_size=64).map(lambda b: b"\x89PNG\r\n\x1a\n" + b),
        st.binary(min_size=8, max_size=64).map(lambda b: b"ID3\x04\x00\x00" + b),
        st.binary(min_size=12, max_size=64).filter(lambda b: not b.startswith(b"RIFF")),
    )


def invalid_forms(
    *,
    kind: str,
    form: str = "consent",
    audio: SearchStrategy[bytes] | None = None,
    project_id: str = "PersonalVoice",
    consent_id: str = "Jessica",
) -> SearchStrategy[Form]:
    """Multipart forms for ``Consents_Post`` (``form="consent"``) or ``PersonalVoices_Post``
    (``form="personal_voice"``) that break exactly one form rule; every other part is valid.

    Kinds (``Form.defect`` names the part):

    * ``missing_part`` - one required part is left out (for the file part: every file part).
    * ``wrong_part_type`` - text where a file is expected (``audiodata`` sent as a text part, no
      filename) or a non-WAV file (text, PNG, MP3 or random bytes) sent as ``audiodata`` with a
      ``.wav`` filename and ``audio/wav``.
    * ``duplicated_part`` - a single-valued part is sent twice with different values: a required
      text part, or (consent only) a second ``audiodata`` file.

    Documented answer for each: ``400 BadArgument`` (Source: specs/customvoice.yaml Consents_Post /
    PersonalVoices_Post 400 description; https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json). ``audio`` supplies the valid
    WAV parts (default: small 16 kHz 16-bit mono WAVs built here). Shrinks towards the first
    listed part and variant.
    """
    if kind not in INVALID_FORM_KINDS:
        raise ValueError(f"kind={kind!r} is not one of {', '.join(INVALID_FORM_KINDS)}")
    if form not in FORM_KINDS:
        raise ValueError(f"form={form!r} is not one of {', '.join(FORM_KINDS)}")
    if audio is None:
        audio = _small_wavs()
    _check_strategy("audio", audio)
    if form == "consent":
        base = consent_forms(audio=audio, project_id=project_id)
        required = CONSENT_FORM_REQUIRED
    else:
        base = personal_voice_forms(
            audio_files=st.lists(audio, min_size=1, max_size=2), project_id=project_id, consent_id=consent_id
        )
        required = PERSONAL_VOICE_FORM_REQUIRED
    text_required = [name for name in required if name not in _FILE_FIELDS]

    @st.composite
    def _missing(draw: st.DrawFn) -> Form:
        valid = draw(base)
        part = draw(st.sampled_from(required))
        if part in _FILE_FIELDS:
            return Form(fields=dict(valid.fields), files=[], defect=f"missing_part:{part}")
        fields = {k: v for k, v in valid.fields.items() if k != part}
        return Form(fields=fields, files=list(valid.files), defect=f"missing_part:{part}")

    @st.composite
    def _wrong_type(draw: st.DrawFn) -> Form:
        valid = draw(base)
        others = list(valid.files[1:])
        if draw(st.booleans()):
            junk = draw(_not_wav_files())
            bad = ("audiodata", "bad.wav", junk, _WAV_CONTENT_TYPE)
            return Form(fields=dict(valid.fields), files=[bad, *others], defect="wrong_part_type:audiodata:not_wav")
        text = draw(_texts(min_size=1))
        bad_text = ("audiodata", None, text.encode("utf-8"), None)
        # For a personal voice, every file part becomes text: a single remaining WAV would make the form valid.
        return Form(fields=dict(valid.fields), files=[bad_text], defect="wrong_part_type:audiodata:text")

    @st.composite
    def _duplicated(draw: st.DrawFn) -> Form:
        valid = draw(base)
        choices = list(text_required) + (["audiodata"] if form == "consent" else [])
        part = draw(st.sampled_from(choices))
        if part == "audiodata":
            extra = ("audiodata", "consent-2.wav", draw(audio), _WAV_CONTENT_TYPE)
            return Form(fields=dict(valid.fields), files=[*valid.files, extra], defect="duplicated_part:audiodata")
        if part in ("projectId", "consentId"):
            second = draw(resource_ids().filter(lambda v: v != valid.fields[part]))
        elif part == "locale":
            second = draw(locales().filter(lambda v: v != valid.fields[part]))
        else:
            second = draw(_texts(min_size=1).filter(lambda v: v != valid.fields[part]))
        extra_text = (part, None, second.encode("utf-8"), None)
        return Form(fields=dict(valid.fields), files=[extra_text, *valid.files], defect=f"duplicated_part:{part}")

    return {"missing_part": _missing, "wrong_part_type": _wrong_type, "duplicated_part": _duplicated}[kind]()


# --------------------------------------------------------------------------------------------
# Voice pairs (consent recording vs training recording)
# --------------------------------------------------------------------------------------------


def voice_pairs(
    *,
    same_speaker: bool,
    min_duration_s: float = 3.0,
    max_duration_s: float = 6.0,
) -> SearchStrategy[tuple[bytes, bytes]]:
    """``(consent_audio, training_audio)`` WAV bytes spoken by the same synthetic speaker
    (``same_speaker=True``) or by two different ones (``False``), each of a drawn duration.

    Rule: a personal voice trains only when the consent and training audio come from the same
    speaker; otherwise it ends ``Failed`` with ``failureReason: SpeakerVerificationFailed``
    (Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview / https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json ``ModelFailureReason``: "The consent and training audio are not from
    the same speaker."). The speakers are :data:`strategies.audio.SPEAKERS` and the audio is
    :func:`strategies.audio.synthesize` (imported lazily, so this module loads without it); the
    two recordings always use different seeds, so they are never byte-identical. Shrinks towards
    the first speaker(s) and ``min_duration_s``.
    """
    if not isinstance(same_speaker, bool):
        raise ValueError(f"same_speaker must be a bool, got {same_speaker!r}")
    if not (0 < min_duration_s <= max_duration_s):
        raise ValueError(f"need 0 < min_duration_s <= max_duration_s, got {min_duration_s!r}, {max_duration_s!r}")

    from cognitive_conformance.strategies import audio  # lazy: the audio module is optional for everything else here

    speakers: Sequence[audio.Speaker] = audio.SPEAKERS
    if not same_speaker and len(speakers) < 2:
        raise ValueError("strategies.audio.SPEAKERS has fewer than two speakers; cannot draw different speakers")
    durations = st.floats(min_value=min_duration_s, max_value=max_duration_s, allow_nan=False, allow_infinity=False)

    @st.composite
    def _pairs(draw: st.DrawFn) -> tuple[bytes, bytes]:
        first = draw(st.integers(min_value=0, max_value=len(speakers) - 1))
        if same_speaker:
            second = first
        else:
            offset = draw(st.integers(min_value=1, max_value=len(speakers) - 1))
            second = (first + offset) % len(speakers)
        seed = draw(st.integers(min_value=0, max_value=2**16))
        consent = audio.synthesize(speaker=speakers[first], duration_s=draw(durations), seed=seed)
        training = audio.synthesize(speaker=speakers[second], duration_s=draw(durations), seed=seed + 1)
        return consent, training

    return _pairs()


# --------------------------------------------------------------------------------------------
# Schemathesis
# --------------------------------------------------------------------------------------------


def register_form_audio(*, audio: SearchStrategy[bytes] | None = None) -> None:
    """Make Schemathesis put real WAV bytes into every ``format: binary`` multipart part.

    Verified with schemathesis 4.32.5 against specs/customvoice.yaml: Schemathesis sends
    ``format: binary`` parts (also array items) as files with ``filename=`` taken from
    ``encoding.<part>.headers.Content-Disposition`` (``audiodata.wav``) and Content-Type from
    ``encoding.<part>.contentType``; but their bytes are random unless a strategy is registered.
    Registering ``media_type("audio/wav", ...)`` fills single parts, yet it replaces the whole
    ``audiodata`` *array* of PersonalVoices_Post with one part without a filename. Registering the
    ``binary`` string format (this function) fills each array item and keeps the filenames.
    Note: this applies to every ``format: binary`` value Schemathesis generates outside a
    registered media type (raw bodies with a registered media type are unaffected). Idempotent.
    ``audio`` defaults to small valid 16 kHz 16-bit mono WAVs.
    """
    import schemathesis

    strategy = audio if audio is not None else _small_wavs()
    _check_strategy("audio", strategy)
    schemathesis.openapi.format("binary", strategy)
