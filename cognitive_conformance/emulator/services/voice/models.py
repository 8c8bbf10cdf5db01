"""Custom Voice state: projects, consents, personal voices, training sets, models, endpoints and operations of one key.

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
    "Upload",
    "TrainingSet",
    "VoiceModel",
    "Endpoint",
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
class Upload:
    """One ``TrainingSets_UploadData``: its record and the utterances/seconds it adds when it succeeds."""

    record: TrainingRecord
    utterances: int
    seconds: float
    contextual: bool


@dataclass
class TrainingSet:
    id: str
    project_id: str
    locale: str
    voice_kind: str | None
    display_name: str | None
    description: str | None
    created_at: datetime
    uploads: list[Upload] = field(default_factory=list)


@dataclass
class VoiceModel:
    """A professional voice model; ``failure_reason`` is the version's ``ModelFailureReason`` when the record fails."""

    id: str
    project_id: str
    consent_id: str
    training_set_id: str
    recipe: dict[str, Any]
    locale: str
    voice_name: str | None
    description: str | None
    record: TrainingRecord
    failure_reason: str | None
    operation_id: str


@dataclass
class Endpoint:
    """A deployed model; ``action`` says what ``record`` tracks: the deployment, a suspension or a resumption."""

    id: str
    project_id: str
    model_id: str
    kind: str
    display_name: str | None
    description: str | None
    created_at: datetime
    record: TrainingRecord
    operation_id: str
    action: Literal["create", "suspend", "resume"] = "create"


@dataclass
class Operation:
    """A long-running request: its id, the resource it acts on, the request's fingerprint and the shared record."""

    id: str
    kind: Literal["consent", "personalvoice", "upload", "model", "endpoint", "suspend", "resume"]
    resource_id: str
    fingerprint: str
    record: TrainingRecord


@dataclass
class VoiceState:
    """Everything one key owns in Custom Voice."""

    projects: dict[str, Project] = field(default_factory=dict)
    consents: dict[str, Consent] = field(default_factory=dict)
    personal_voices: dict[str, PersonalVoice] = field(default_factory=dict)
    training_sets: dict[str, TrainingSet] = field(default_factory=dict)
    models: dict[str, VoiceModel] = field(default_factory=dict)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    operations: dict[str, Operation] = field(default_factory=dict)


def status_at(record: TrainingRecord, now: datetime) -> tuple[str, TrainingView]:
    """The PascalCase status of ``record`` at ``now`` and the derived view (timestamps)."""
    view = derive(record, now)
    return STATUS_SPELLING[view.state], view
