"""Custom Voice request validators: raw request -> typed inputs, or the documented 400.

Rules (specs/customvoice.yaml ``info.description`` decisions unless cited otherwise):

* path ``id`` (projects, consents, personal voices, operations), body/form ``projectId`` /
  ``consentId`` and the ``Operation-Id`` header match ``^[a-zA-Z0-9][a-zA-Z0-9._-]{1,62}[a-zA-Z0-9]$``
  (3..64 chars), else 400 ``BadArgument`` (https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json definitions.ResourceId, parameters.HeaderOperationId);
* lists: ``skip`` an integer >= 0, ``maxpagesize`` an integer >= 1 (int32), ``filter`` in the documented
  grammar (``projectId|locale|kind|createdDateTime`` ``eq|ne`` a quoted value; ``createdDateTime``
  also ``gt|ge|lt|le`` a date-time; clauses joined by ``and``), else 400 ``BadArgument`` (https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json
  parameters.QuerySkip/QueryMaxPageSize/QueryFilter);
* JSON bodies: required fields present and of the documented type, optional strings may be ``null``
  (Microsoft's sample sends ``{"description": null, "kind": "PersonalVoice"}``, https://github.com/Azure-Samples/cognitive-services-speech-sdk/blob/7660a7f4cb2fced278ffccf3be82bbb001b7cfc4/samples/custom-voice/python/customvoice/project.py), a body ``id``
  equals the path id; unknown members are ignored;
* multipart forms (``Consents_Post``, ``PersonalVoices_Post``): required text parts present exactly once
  and sent without a filename; ``audiodata`` (personal voices also ``audioData``) parts are files
  (with a filename) holding a WAV or MP3 file of a documented kind (``audio_files.py``);
  a consent has exactly one; unknown parts are ignored (https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json; tests/reference/azure-examples/custom-voice/2026-01-01/create_personalvoice_with_multipart_form.json; https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview);
* ``forceDelete`` is ``true`` or ``false``.

Each create input carries a ``fingerprint`` of the request's meaning (not its bytes: a multipart
boundary differs between two identical requests) for the Operation-Id rule.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from cognitive_conformance.emulator.services.voice.audio_files import SUPPORTED, samples_of
from cognitive_conformance.emulator.pipeline.validation import ensure_object
from cognitive_conformance.emulator.routing import FormPart, RawInput
from cognitive_conformance.emulator.services.voice.errors import bad_argument

__all__ = [
    "RESOURCE_ID",
    "PROJECT_KINDS",
    "IdRef",
    "ListInput",
    "FilterClause",
    "CreateProjectInput",
    "DeleteProjectInput",
    "ConsentInput",
    "PersonalVoiceInput",
    "validate_id",
    "validate_list",
    "validate_create_project",
    "validate_delete_project",
    "validate_consent_json",
    "validate_consent_form",
    "validate_personal_voice_json",
    "validate_personal_voice_form",
]

RESOURCE_ID = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,62}[a-zA-Z0-9]$")
PROJECT_KINDS = ("ProfessionalVoice", "PersonalVoice")
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")
_INT = re.compile(r"^[+]?\d{1,10}$")
_INT32_MAX = 2147483647
_FILE_PARTS = ("audiodata", "audioData")
_CLAUSE = re.compile(
    r"^\s*(projectId|locale|kind|createdDateTime)\s+(eq|ne|gt|ge|lt|le)\s+('(?:[^']|'')*'|[0-9T:.+Zz-]+)\s*$"
)


@dataclass(frozen=True)
class IdRef:
    id: str


@dataclass(frozen=True)
class FilterClause:
    """One ``<property> <operator> <value>`` clause; ``value`` is a string or (createdDateTime) a datetime."""

    prop: str
    op: str
    value: Any


@dataclass(frozen=True)
class ListInput:
    skip: int
    maxpagesize: int
    filter: tuple[FilterClause, ...]
    filter_text: str | None


@dataclass(frozen=True)
class CreateProjectInput:
    id: str
    kind: str
    display_name: str | None
    description: str | None


@dataclass(frozen=True)
class DeleteProjectInput:
    id: str
    force: bool


@dataclass(frozen=True)
class ConsentInput:
    id: str
    operation_id: str | None
    project_id: str
    voice_talent_name: str
    company_name: str
    locale: str
    display_name: str | None
    description: str | None
    properties: str | None
    samples: np.ndarray | None
    """Decoded consent audio (form), or ``None`` when the audio is at ``audio_url``."""
    audio_url: str | None
    fingerprint: str


@dataclass(frozen=True)
class PersonalVoiceInput:
    id: str
    operation_id: str | None
    project_id: str
    consent_id: str
    display_name: str | None
    description: str | None
    properties: str | None
    samples: tuple[np.ndarray, ...] | None
    """Decoded training audio files (form), or ``None`` when the audio is in blob storage (``audios``)."""
    audios: dict[str, Any] | None
    fingerprint: str


# ----------------------------------------------------------------------------- helpers


def _resource_id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not RESOURCE_ID.fullmatch(value):
        raise bad_argument(f"The {what} is invalid. It must match ^[a-zA-Z0-9][a-zA-Z0-9._-]{{1,62}}[a-zA-Z0-9]$.")
    return value


def _path_id(raw: RawInput) -> str:
    return _resource_id(raw.path_params.get("id"), "ID")


def _operation_id_header(raw: RawInput) -> str | None:
    value = raw.headers.get("operation-id")
    if value is None:
        return None
    return _resource_id(value, "Operation-Id header")


def _fingerprint(kind: str, resource_id: str, payload: Any) -> str:
    text = json.dumps([kind, resource_id, payload], sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _required_str(body: dict[str, Any], name: str, *, min_length: int = 1) -> str:
    value = body.get(name)
    if not isinstance(value, str) or len(value) < min_length:
        raise bad_argument(f"'{name}' is required and must be a non-empty string.")
    return value


def _optional_str(body: dict[str, Any], name: str, *, min_length: int = 0, nullable: bool = False) -> str | None:
    """An optional string property. Absent -> None; an explicit null only where the spec says
    nullable (``description``: Microsoft's published sample sends ``{"description": null}``)."""
    if name not in body:
        return None
    value = body[name]
    if value is None and nullable:
        return None
    if not isinstance(value, str) or len(value) < min_length:
        raise bad_argument(f"'{name}' must be a string" + (" of at least one character." if min_length else "."))
    return value


def _locale(value: Any) -> str:
    if not isinstance(value, str) or not _LOCALE.fullmatch(value):
        raise bad_argument("'locale' must be a BCP-47 locale such as en-US.")
    return value


def _body_id(body: dict[str, Any], path_id: str) -> None:
    if "id" in body and body["id"] != path_id:  # null included: id is a ResourceId string
        raise bad_argument("The 'id' in the body must equal the ID in the URL.")


def _audio(part: FormPart) -> np.ndarray:
    samples, why = samples_of(part.data)
    if samples is None:
        raise bad_argument(f"The audio file '{part.filename}' {why}: {SUPPORTED}.")
    return samples


def _form(raw: RawInput, text_names: tuple[str, ...], file_names: tuple[str, ...]) -> tuple[dict[str, str], list[FormPart]]:
    """Split a form into its known text fields (each at most once, no filename) and its audio file parts."""
    fields: dict[str, str] = {}
    files: list[FormPart] = []
    for part in raw.form or ():
        if part.name in file_names:
            if not part.is_file:
                raise bad_argument(f"The form part '{part.name}' must be an audio file sent with a filename.")
            files.append(part)
        elif part.name in text_names:
            if part.is_file:
                raise bad_argument(f"The form part '{part.name}' must be a text field, not a file.")
            if part.name in fields:
                raise bad_argument(f"The form part '{part.name}' is sent more than once.")
            try:
                fields[part.name] = part.data.decode("utf-8")
            except UnicodeDecodeError:
                raise bad_argument(f"The form part '{part.name}' is not UTF-8 text.") from None
    return fields, files


def _file_digest(part: FormPart) -> list[Any]:
    return [part.name.lower(), part.filename, hashlib.sha256(part.data).hexdigest()]


# ----------------------------------------------------------------------------- validators


async def validate_id(raw: RawInput, config: Any) -> IdRef:
    """Any ``/{id}`` path: the ResourceId pattern."""
    return IdRef(_path_id(raw))


def _query_int(raw: RawInput, name: str, default: int, minimum: int) -> int:
    text = raw.query.get(name)
    if text is None:
        return default
    if not _INT.fullmatch(text.strip()) or not minimum <= int(text) <= _INT32_MAX:
        raise bad_argument(f"'{name}' must be an integer between {minimum} and {_INT32_MAX}.")
    return int(text)


def _parse_filter(text: str) -> tuple[FilterClause, ...]:
    clauses: list[FilterClause] = []
    for piece in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        m = _CLAUSE.fullmatch(piece)
        if m is None:
            raise bad_argument(f"The filter '{text}' is not supported.")
        prop, op, value = m.groups()
        if prop != "createdDateTime":
            if op not in ("eq", "ne") or not value.startswith("'"):
                raise bad_argument(f"The filter '{text}' is not supported.")
            clauses.append(FilterClause(prop, op, value[1:-1].replace("''", "'")))
            continue
        literal = value[1:-1] if value.startswith("'") else value
        try:
            stamp = datetime.fromisoformat(literal.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise bad_argument(f"The filter '{text}' has an invalid date-time.") from None
        if stamp.tzinfo is None:
            raise bad_argument(f"The filter '{text}' needs a UTC date-time.")
        clauses.append(FilterClause(prop, op, stamp))
    return tuple(clauses)


async def validate_list(raw: RawInput, config: Any) -> ListInput:
    """Projects_List / Consents_List / PersonalVoices_List query parameters."""
    skip = _query_int(raw, "skip", 0, 0)
    size = _query_int(raw, "maxpagesize", 100, 1)
    text = raw.query.get("filter")
    clauses = _parse_filter(text) if text is not None and text.strip() else ()
    return ListInput(skip, size, clauses, text if clauses else None)


async def validate_create_project(raw: RawInput, config: Any) -> CreateProjectInput:
    """Projects_Create: ``ProjectCreate`` (``kind`` required)."""
    pid = _path_id(raw)
    body = ensure_object(raw.json)
    _body_id(body, pid)
    kind = body.get("kind")
    if kind not in PROJECT_KINDS:
        raise bad_argument("'kind' is required and must be one of ProfessionalVoice, PersonalVoice.")
    return CreateProjectInput(
        pid, kind, _optional_str(body, "displayName", min_length=1), _optional_str(body, "description", nullable=True)
    )


async def validate_delete_project(raw: RawInput, config: Any) -> DeleteProjectInput:
    """Projects_Delete: ``forceDelete`` true/false (default false)."""
    pid = _path_id(raw)
    text = raw.query.get("forceDelete")
    if text is None:
        return DeleteProjectInput(pid, False)
    if text.lower() not in ("true", "false"):
        raise bad_argument("'forceDelete' must be true or false.")
    return DeleteProjectInput(pid, text.lower() == "true")


async def validate_consent_json(raw: RawInput, config: Any) -> ConsentInput:
    """Consents_Create: ``ConsentCreate`` (voiceTalentName, companyName, locale, projectId, audioUrl)."""
    cid = _path_id(raw)
    op = _operation_id_header(raw)
    body = ensure_object(raw.json)
    _body_id(body, cid)
    project_id = _resource_id(body.get("projectId"), "projectId")
    audio_url = _required_str(body, "audioUrl")
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", audio_url):
        raise bad_argument("'audioUrl' must be a URI.")
    known = ("displayName", "description", "voiceTalentName", "companyName", "audioUrl", "locale", "projectId")
    return ConsentInput(
        id=cid,
        operation_id=op,
        project_id=project_id,
        voice_talent_name=_required_str(body, "voiceTalentName"),
        company_name=_required_str(body, "companyName"),
        locale=_locale(body.get("locale")),
        display_name=_optional_str(body, "displayName", min_length=1),
        description=_optional_str(body, "description", nullable=True),
        properties=None,
        samples=None,
        audio_url=audio_url,
        fingerprint=_fingerprint("consent-json", cid, {k: body.get(k) for k in known}),
    )


async def validate_consent_form(raw: RawInput, config: Any) -> ConsentInput:
    """Consents_Post: the ``ConsentForm`` parts with exactly one ``audiodata`` WAV file."""
    cid = _path_id(raw)
    op = _operation_id_header(raw)
    text = ("projectId", "voiceTalentName", "companyName", "locale", "displayName", "description", "properties")
    fields, files = _form(raw, text, ("audiodata",))
    for name in ("projectId", "voiceTalentName", "companyName", "locale"):
        if name not in fields:
            raise bad_argument(f"The required form part '{name}' is missing.")
    if not files:
        raise bad_argument("The required form part 'audiodata' (the consent audio file) is missing.")
    if len(files) > 1:
        raise bad_argument("The form part 'audiodata' is sent more than once; a consent has one audio file.")
    samples = _audio(files[0])
    return ConsentInput(
        id=cid,
        operation_id=op,
        project_id=_resource_id(fields["projectId"], "projectId"),
        voice_talent_name=_required_str(fields, "voiceTalentName"),
        company_name=_required_str(fields, "companyName"),
        locale=_locale(fields["locale"]),
        display_name=_optional_str(fields, "displayName", min_length=1),
        description=fields.get("description"),
        properties=fields.get("properties"),
        samples=samples,
        audio_url=None,
        fingerprint=_fingerprint("consent-form", cid, {"fields": fields, "files": [_file_digest(f) for f in files]}),
    )


async def validate_personal_voice_json(raw: RawInput, config: Any) -> PersonalVoiceInput:
    """PersonalVoices_Create: ``PersonalVoiceCreate`` with blob ``audios`` {containerUrl, prefix?, extensions}."""
    vid = _path_id(raw)
    op = _operation_id_header(raw)
    body = ensure_object(raw.json)
    _body_id(body, vid)
    audios = body.get("audios")
    if not isinstance(audios, dict):
        raise bad_argument("'audios' is required: {containerUrl, prefix, extensions}.")
    url = audios.get("containerUrl")
    if not isinstance(url, str) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", url):
        raise bad_argument("'audios.containerUrl' must be a URI.")
    prefix = audios.get("prefix")
    if prefix is not None and not isinstance(prefix, str):
        raise bad_argument("'audios.prefix' must be a string.")
    extensions = audios.get("extensions")
    if not isinstance(extensions, list) or not extensions or not all(isinstance(e, str) and e for e in extensions):
        raise bad_argument("'audios.extensions' must be a non-empty list of non-empty strings.")
    source = {"containerUrl": url, "prefix": prefix, "extensions": list(extensions)}
    known = ("displayName", "description", "projectId", "consentId")
    return PersonalVoiceInput(
        id=vid,
        operation_id=op,
        project_id=_resource_id(body.get("projectId"), "projectId"),
        consent_id=_resource_id(body.get("consentId"), "consentId"),
        display_name=_optional_str(body, "displayName", min_length=1),
        description=_optional_str(body, "description", nullable=True),
        properties=None,
        samples=None,
        audios=source,
        fingerprint=_fingerprint("voice-json", vid, {**{k: body.get(k) for k in known}, "audios": source}),
    )


async def validate_personal_voice_form(raw: RawInput, config: Any) -> PersonalVoiceInput:
    """PersonalVoices_Post: ``projectId``, ``consentId`` and one or more ``audiodata``/``audioData`` WAV files."""
    vid = _path_id(raw)
    op = _operation_id_header(raw)
    text = ("projectId", "consentId", "displayName", "description", "properties")
    fields, files = _form(raw, text, _FILE_PARTS)
    for name in ("projectId", "consentId"):
        if name not in fields:
            raise bad_argument(f"The required form part '{name}' is missing.")
    if not files:
        raise bad_argument("The required form part 'audiodata' (one or more audio files) is missing.")
    samples = tuple(_audio(part) for part in files)
    return PersonalVoiceInput(
        id=vid,
        operation_id=op,
        project_id=_resource_id(fields["projectId"], "projectId"),
        consent_id=_resource_id(fields["consentId"], "consentId"),
        display_name=_optional_str(fields, "displayName", min_length=1),
        description=fields.get("description"),
        properties=fields.get("properties"),
        samples=samples,
        audios=None,
        fingerprint=_fingerprint("voice-form", vid, {"fields": fields, "files": [_file_digest(f) for f in files]}),
    )
