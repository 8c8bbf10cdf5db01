"""JSON bodies of projects, consents, personal voices, operations and paginated lists.

Fields and spelling follow the upstream examples: PascalCase statuses, ``createdDateTime`` /
``lastActionDateTime`` as RFC 3339 with milliseconds, ``properties.failureReason`` only on a
``Failed`` resource, ``audioUrl`` never returned; an operation is exactly ``{id, status}``; a list
is ``{value, nextLink?}`` where ``nextLink`` (absolute, with skip, maxpagesize, api-version and the
filter) is present only when more items follow.

Source: examples custom-voice/2024-02-01-preview/*.json (get_personalvoices.json nextLink),
get_operation.json; https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview sample response; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Sequence
from urllib.parse import quote

from cognitive_conformance.emulator.clock import format_rfc3339
from cognitive_conformance.emulator.routing import HandlerContext
from cognitive_conformance.emulator.services.voice.models import (
    Consent,
    Endpoint,
    Operation,
    PersonalVoice,
    Project,
    TrainingSet,
    VoiceModel,
    status_at,
)
from cognitive_conformance.emulator.services.voice.validation import FilterClause, ListInput

__all__ = [
    "in_progress",
    "project_body",
    "consent_body",
    "personal_voice_body",
    "training_set_body",
    "model_body",
    "endpoint_status",
    "endpoint_body",
    "base_models",
    "operation_body",
    "page",
]


def in_progress(reply: Any) -> bool:
    """A 200 read of a resource or operation still NotStarted or Running (``ServiceDefinition.in_progress``)."""
    body = reply.json if reply.status == 200 else None
    return isinstance(body, dict) and body.get("status") in {"NotStarted", "Running", "Disabling"}


def _optional(body: dict[str, Any], **values: Any) -> dict[str, Any]:
    body.update({k: v for k, v in values.items() if v is not None})
    return body


def project_body(project: Project) -> dict[str, Any]:
    body: dict[str, Any] = {"id": project.id}
    _optional(body, displayName=project.display_name, description=project.description)
    body["kind"] = project.kind
    body["createdDateTime"] = format_rfc3339(project.created_at)
    return body


def consent_body(consent: Consent, now: datetime) -> dict[str, Any]:
    status, view = status_at(consent.record, now)
    body: dict[str, Any] = {"id": consent.id}
    _optional(body, displayName=consent.display_name, description=consent.description)
    body.update(
        projectId=consent.project_id,
        voiceTalentName=consent.voice_talent_name,
        companyName=consent.company_name,
        locale=consent.locale,
    )
    if status == "Failed":
        body["properties"] = {"failureReason": consent.failure_reason or "Internal"}
    body.update(
        status=status,
        createdDateTime=format_rfc3339(consent.record.submitted_at),
        lastActionDateTime=format_rfc3339(view.last_action_at),
    )
    return body


def personal_voice_body(voice: PersonalVoice, now: datetime) -> dict[str, Any]:
    status, view = status_at(voice.record, now)
    body: dict[str, Any] = {"id": voice.id, "speakerProfileId": voice.speaker_profile_id}
    _optional(body, displayName=voice.display_name, description=voice.description)
    body.update(projectId=voice.project_id, consentId=voice.consent_id)
    if voice.audios is not None:
        body["audios"] = voice.audios
    if status == "Failed":
        body["properties"] = {"failureReason": voice.failure_reason or "Internal"}
    body.update(
        status=status,
        createdDateTime=format_rfc3339(voice.record.submitted_at),
        lastActionDateTime=format_rfc3339(view.last_action_at),
    )
    return body


def training_set_body(training_set: TrainingSet, now: datetime, version: str) -> dict[str, Any]:
    """Status and last action of the latest upload (``NotStarted`` before any); totals of the succeeded ones."""
    body: dict[str, Any] = {"id": training_set.id}
    _optional(body, displayName=training_set.display_name, description=training_set.description)
    body.update(projectId=training_set.project_id, locale=training_set.locale)
    _optional(body, voiceKind=training_set.voice_kind)
    done = [u for u in training_set.uploads if status_at(u.record, now)[0] == "Succeeded"]
    properties: dict[str, Any] = {"utteranceCount": sum(u.utterances for u in done)}
    if version != "2024-02-01-preview":  # durationInSeconds and isContextual are 2026-01-01 fields
        properties["durationInSeconds"] = round(sum(u.seconds for u in done), 1)
        properties["isContextual"] = any(u.contextual for u in done)
    body["properties"] = properties
    status, last = "NotStarted", training_set.created_at
    if training_set.uploads:
        status, view = status_at(training_set.uploads[-1].record, now)
        last = view.last_action_at
    body.update(status=status, createdDateTime=format_rfc3339(training_set.created_at), lastActionDateTime=format_rfc3339(last))
    return body


def model_body(model: VoiceModel, now: datetime) -> dict[str, Any]:
    status, view = status_at(model.record, now)
    body: dict[str, Any] = {"id": model.id}
    _optional(body, voiceName=model.voice_name, description=model.description)
    body.update(
        recipe=dict(model.recipe),
        projectId=model.project_id,
        consentId=model.consent_id,
        trainingSetId=model.training_set_id,
        locale=model.locale,
        engineVersion=ENGINE_VERSION,
    )
    if status == "Failed":
        body["properties"] = {"failureReason": model.failure_reason or "Internal"}
    body.update(
        status=status,
        createdDateTime=format_rfc3339(model.record.submitted_at),
        lastActionDateTime=format_rfc3339(view.last_action_at),
    )
    return body


ENGINE_VERSION = "2023.07.04.0"
"""The engine version a model reports (example create_model.json)."""

_ENDPOINT_SPELLING = {
    # action -> (status while in progress, status when done)
    "suspend": ("Disabling", "Disabled"),
    "resume": ("Running", "Succeeded"),
}


def endpoint_status(endpoint: Endpoint, now: datetime) -> tuple[str, datetime]:
    """The endpoint's status (deployment: NotStarted -> Running -> Succeeded; suspend: Disabling -> Disabled;
    resume: Running -> Succeeded) and the instant it was entered."""
    status, view = status_at(endpoint.record, now)
    if endpoint.action in _ENDPOINT_SPELLING and status != "Failed":
        during, done = _ENDPOINT_SPELLING[endpoint.action]
        status = done if status == "Succeeded" else during
    return status, view.last_action_at


def endpoint_body(endpoint: Endpoint, now: datetime) -> dict[str, Any]:
    status, last = endpoint_status(endpoint, now)
    body: dict[str, Any] = {"id": endpoint.id}
    _optional(body, displayName=endpoint.display_name, description=endpoint.description)
    body.update(projectId=endpoint.project_id, modelId=endpoint.model_id, properties={"kind": endpoint.kind})
    body.update(status=status, createdDateTime=format_rfc3339(endpoint.created_at), lastActionDateTime=format_rfc3339(last))
    return body


def base_models(version: str) -> list[dict[str, Any]]:
    """The base models (example get_base_models.json); the capability is spelled per version's ``ModelCapability``."""
    capability = "InstanceVoice" if version == "2024-02-01-preview" else "PersonalVoice"
    return [
        {
            "name": "PhoenixV2Neural",
            "description": "Phoenix V2 base model",
            "releaseDateTime": "2023-12-01T00:00:00.000Z",
            "capabilities": [capability],
        }
    ]


def operation_body(operation: Operation, now: datetime) -> dict[str, Any]:
    status, _ = status_at(operation.record, now)
    return {"id": operation.id, "status": status}


_ATTRIBUTES = {"projectId": "project_id", "locale": "locale", "kind": "kind"}


def _value(item: Any, prop: str) -> Any:
    """The value a filter property reads on ``item`` (``None`` when the resource has no such property)."""
    if prop == "createdDateTime":
        created = getattr(item, "created_at", None)
        return created if created is not None else item.record.submitted_at
    return getattr(item, _ATTRIBUTES[prop], None)


def _matches(item: Any, clause: FilterClause) -> bool:
    value = _value(item, clause.prop)
    if clause.op == "eq":
        return value == clause.value
    if clause.op == "ne":
        return value != clause.value
    if value is None:
        return False
    return {"gt": value > clause.value, "ge": value >= clause.value, "lt": value < clause.value, "le": value <= clause.value}[
        clause.op
    ]


def page(
    ctx: HandlerContext,
    collection: str,
    items: Sequence[Any],
    render: Callable[[Any], dict[str, Any]],
    query: ListInput,
) -> dict[str, Any]:
    """One page of ``items`` (sorted by id, filtered) as ``{value, nextLink?}``."""
    chosen = sorted((i for i in items if all(_matches(i, c) for c in query.filter)), key=lambda i: i.id)
    window = chosen[query.skip : query.skip + query.maxpagesize]
    body: dict[str, Any] = {"value": [render(i) for i in window]}
    following = query.skip + query.maxpagesize
    if following < len(chosen):
        link = f"{ctx.base_url}/customvoice/{collection}?skip={following}&maxpagesize={query.maxpagesize}&api-version={ctx.version}"
        if query.filter_text:
            link += "&filter=" + quote(query.filter_text, safe="")
        body["nextLink"] = link
    return body
