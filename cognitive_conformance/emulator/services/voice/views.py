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
from cognitive_conformance.emulator.services.voice.models import Consent, Operation, PersonalVoice, Project, status_at
from cognitive_conformance.emulator.services.voice.validation import FilterClause, ListInput

__all__ = ["in_progress", "project_body", "consent_body", "personal_voice_body", "operation_body", "page"]


def in_progress(reply: Any) -> bool:
    """A 200 read of a resource or operation still NotStarted or Running (``ServiceDefinition.in_progress``)."""
    body = reply.json if reply.status == 200 else None
    return isinstance(body, dict) and body.get("status") in {"NotStarted", "Running"}


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


def operation_body(operation: Operation, now: datetime) -> dict[str, Any]:
    status, _ = status_at(operation.record, now)
    return {"id": operation.id, "status": status}


_ATTRIBUTES = {"projectId": "project_id", "locale": "locale", "kind": "kind"}


def _value(item: Any, prop: str) -> Any:
    """The value a filter property reads on ``item`` (``None`` when the resource has no such property)."""
    if prop == "createdDateTime":
        return item.created_at if isinstance(item, Project) else item.record.submitted_at
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
