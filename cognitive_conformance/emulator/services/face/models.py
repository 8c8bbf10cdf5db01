"""Face state kept in the store partition ``(key, "face")``: groups, persons, faces, operations.

``kind`` is the URL collection name: ``persongroups`` (PersonGroup) or ``largepersongroups``
(LargePersonGroup); both behave the same for training (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json, "Large person group
equivalents").

Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (PersonGroup, PersonGroupPerson, PersonGroupPersonFace, TrainingResult,
OperationResult fields).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from cognitive_conformance.emulator.training import TrainingRecord, TrainingState, derive

__all__ = ["GroupKind", "KINDS", "PersistedFace", "Person", "Group", "Operation", "FaceState"]

GroupKind = Literal["persongroups", "largepersongroups"]
KINDS: tuple[GroupKind, ...] = ("persongroups", "largepersongroups")


@dataclass
class PersistedFace:
    """A face added to a person (``persistedFaceId`` uuid, ``userData`` <= 1 KB)."""

    persisted_face_id: str
    user_data: str | None = None
    feature: tuple[float, ...] = ()
    """The image's recognition feature (``recognition.face_feature``); what Identify compares."""


@dataclass
class Person:
    """A person in a group; faces keep insertion order."""

    person_id: str
    name: str
    user_data: str | None = None
    faces: dict[str, PersistedFace] = field(default_factory=dict)


@dataclass
class Group:
    """A PersonGroup or LargePersonGroup and its latest training."""

    kind: GroupKind
    group_id: str
    name: str
    user_data: str | None
    recognition_model: str
    created_at: datetime
    persons: dict[str, Person] = field(default_factory=dict)
    training: TrainingRecord | None = None
    operation_id: str | None = None
    """The id of the latest training (its ``/operations/{operationId}``)."""
    prior_success_id: str | None = None
    """The id of the last training that succeeded before the latest one (``lastSuccessfulTrainingId`` while it runs)."""
    trained: tuple[tuple[str, tuple[float, ...]], ...] = ()
    """``(personId, feature)`` of every face when the latest training was submitted: what it learns (mutations wait for it)."""
    prior_trained: tuple[tuple[str, tuple[float, ...]], ...] | None = None
    """What the last successful training before the latest one learned (Identify uses it if the latest failed)."""

    def face_count(self) -> int:
        """Total persisted faces over all persons."""
        return sum(len(p.faces) for p in self.persons.values())

    def is_training(self, now: datetime) -> bool:
        """True while the latest training is notStarted or running (mutations then get 409)."""
        return self.training is not None and not derive(self.training, now).state.terminal

    def training_state(self, now: datetime) -> TrainingState | None:
        """The latest training's state at ``now`` (``None`` if never trained)."""
        return None if self.training is None else derive(self.training, now).state


@dataclass
class Operation:
    """A training operation, readable at ``/operations/{operationId}`` (v1.1+)."""

    operation_id: str
    kind: GroupKind
    group_id: str
    training: TrainingRecord


@dataclass
class FaceState:
    """All Face resources of one subscription key."""

    groups: dict[tuple[str, str], Group] = field(default_factory=dict)
    deleted: dict[tuple[str, str], Group] = field(default_factory=dict)
    """Deleted groups, kept only so the ``deleted-group-readable`` fault can serve them."""
    operations: dict[str, Operation] = field(default_factory=dict)
    face_lists: "dict[tuple[str, str], FaceCollection]" = field(default_factory=dict)
    """FaceLists and LargeFaceLists by ``(kind, id)`` (see :class:`FaceCollection`)."""
    detected: "dict[str, DetectedFace]" = field(default_factory=dict)
    """Faces handed out by Detect, by ``faceId`` (until they expire)."""
    directory: "dict[str, DirectoryPerson]" = field(default_factory=dict)
    """PersonDirectory persons by ``personId`` (v1.1-preview.1 and later)."""
    dynamic_groups: "dict[str, DynamicGroup]" = field(default_factory=dict)
    """PersonDirectory dynamic person groups by ``dynamicPersonGroupId``."""


# ----------------------------------------------------------------------------- face lists

ListKind = Literal["facelists", "largefacelists"]
LIST_KINDS: tuple[ListKind, ...] = ("facelists", "largefacelists")


@dataclass
class FaceCollection:
    """A FaceList or a LargeFaceList: persisted faces without persons.

    Only a LargeFaceList is trained (``training``); a FaceList is searchable as soon as a face
    is added and has no training resource.
    Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json
    (FaceListOperations_*: only /largefacelists/{largeFaceListId} has /train and /training).
    """

    kind: ListKind
    list_id: str
    name: str
    user_data: str | None
    recognition_model: str
    created_at: datetime
    faces: dict[str, PersistedFace] = field(default_factory=dict)
    training: TrainingRecord | None = None

    def is_training(self, now: datetime) -> bool:
        """True while the latest training is notStarted or running."""
        return self.training is not None and not derive(self.training, now).state.terminal


__all__ += ["ListKind", "LIST_KINDS", "FaceCollection"]


# ----------------------------------------------------------------------------- detect, PersonDirectory


@dataclass
class DetectedFace:
    """A face Detect handed out: its feature, the recognition model it was detected with, and when its faceId expires."""

    face_id: str
    feature: tuple[float, ...]
    recognition_model: str
    expires_at: datetime


@dataclass
class DirectoryFace:
    """A face of a PersonDirectory person (one recognition model); usable once its add operation ``ready_at`` passed."""

    persisted_face_id: str
    recognition_model: str
    feature: tuple[float, ...]
    ready_at: datetime
    user_data: str | None = None


@dataclass
class DirectoryPerson:
    """A PersonDirectory person; it exists for reads once its create operation ``ready_at`` passed."""

    person_id: str
    name: str
    user_data: str | None
    ready_at: datetime
    faces: dict[str, DirectoryFace] = field(default_factory=dict)


@dataclass
class DynamicGroup:
    """A dynamic person group: a named set of PersonDirectory person ids (no training)."""

    group_id: str
    name: str
    user_data: str | None
    person_ids: list[str] = field(default_factory=list)


@dataclass
class DirectoryOperation:
    """A PersonDirectory long-running operation, readable at ``/operations/{operationId}`` like a training."""

    operation_id: str
    training: TrainingRecord
    resource_location: str | None = None


__all__ += ["DetectedFace", "DirectoryFace", "DirectoryPerson", "DynamicGroup", "DirectoryOperation"]
