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
