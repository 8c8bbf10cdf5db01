"""Custom Voice state: projects, consents, personal voices and operations of one subscription key.

Status is never stored: each consent / personal voice holds a :class:`~emulator.training.TrainingRecord`
(submitted, queue end, finish, outcome) and :func:`status_at` derives NotStarted -> Running ->
Succeeded | Failed from it on every read, with the PascalCase spelling of the ``Status`` enum. The
operation created with a resource shares its record, so ``Operations_Get`` always agrees with the
resource. ``speakerProfileId`` is a GUID assigned once at creation.

Source: https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (PersonalVoice fields, Status enum, failure reasons); https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json;
ARCHITECTURE.md "The emulator" (status derived from timestamps on read).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from cognitive_conformance.emulator.training import TrainingRecord, TrainingState, TrainingView, derive

__all__ = [
    "STATUS_SPELLING",
    "Project",
    "Consent",
    "PersonalVoice",
    "Operation",
    "VoiceState",
    "status_at",
]

STATUS_SPELLING = {
    TrainingState.NOT_STARTED: "NotStarted",
    TrainingState.RUNNING: "Running",
    TrainingState.SUCCEEDED: "Succeeded",
    TrainingState.FAILED: "Failed",
}
"""PascalCase ``Status`` / ``OperationStatus`` values (Source: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json definitions.Status)."""


@dataclass
class Project:
    id: str
    kind: str
    display_name: str | None
    description: str | None
    created_at: datetime


@dataclass
class Consent:
    id: str
    project_id: str
    voice_talent_name: str
    company_name: str
    locale: str
    display_name: str | None
    description: str | None
    properties: str | None
    record: TrainingRecord
    failure_reason: str | None
    """``ConsentFailureReason`` when the record fails (``AudioAndScriptNotMatch`` or ``Internal``)."""
    voiceprint: tuple[float, ...] | None
    operation_id: str


@dataclass
class PersonalVoice:
    id: str
    project_id: str
    consent_id: str
    speaker_profile_id: str
    display_name: str | None
    description: str | None
    properties: str | None
    audios: dict[str, Any] | None
    record: TrainingRecord
    failure_reason: str | None
    """``ModelFailureReason`` when the record fails (SpeakerVerificationFailed, InaccessibleCustomerStorage, Internal)."""
    operation_id: str


@dataclass
class Operation:
    """A long-running create: its id, the resource it made, the request's fingerprint and the shared record."""

    id: str
    kind: Literal["consent", "personalvoice"]
    resource_id: str
    fingerprint: str
    record: TrainingRecord


@dataclass
class VoiceState:
    """Everything one key owns in Custom Voice."""

    projects: dict[str, Project] = field(default_factory=dict)
    consents: dict[str, Consent] = field(default_factory=dict)
    personal_voices: dict[str, PersonalVoice] = field(default_factory=dict)
    operations: dict[str, Operation] = field(default_factory=dict)


def status_at(record: TrainingRecord, now: datetime) -> tuple[str, TrainingView]:
    """The PascalCase status of ``record`` at ``now`` and the derived view (timestamps)."""
    view = derive(record, now)
    return STATUS_SPELLING[view.state], view
