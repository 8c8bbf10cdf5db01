"""Training status derived from timestamps on read: no timers, no background work.

A :class:`TrainingRecord` stores when a training was submitted, when it leaves the queue,
when it ends and how it ends. :func:`derive` computes the status at any instant:

* ``[submitted, submitted + queued)``  -> ``NOT_STARTED``
* ``[queued, finishes)``               -> ``RUNNING``
* ``>= finishes``                      -> the outcome (``SUCCEEDED`` or ``FAILED`` + message), sticky
* a cancelled training (its group deleted) is ``FAILED`` from the cancel instant on.

The duration is never zero by default: :func:`training_duration` is the base time times a
service's weight for the amount of data (each service says how its data weighs), and the first
20 % of it is the queue. Terminal states never change. Services spell the states themselves.

Source: Train Person Group, "The training task is an asynchronous task. Training time depends on
the number of person entries, and their faces"
(https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1);
the same notStarted -> running -> succeeded|failed shape holds for every train-then-poll API emulated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

__all__ = [
    "QUEUED_FRACTION",
    "TrainingState",
    "TrainingRecord",
    "TrainingView",
    "derive",
    "training_duration",
    "start_training",
]

QUEUED_FRACTION = 0.2
"""The first 20 % of a training's duration is reported as not started."""


class TrainingState(str, Enum):
    """Version-neutral training states; services spell them per API version."""

    NOT_STARTED = "notStarted"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def terminal(self) -> bool:
        """True for ``SUCCEEDED`` and ``FAILED``."""
        return self in (TrainingState.SUCCEEDED, TrainingState.FAILED)


@dataclass(frozen=True)
class TrainingRecord:
    """One submitted training: its schedule, its outcome and the history it inherits.

    ``queued_seconds``/``finishes_seconds`` are offsets from ``submitted_at``;
    ``finishes_seconds`` may be ``math.inf`` (a training that never ends).
    ``previous_success_at``/``previous_action_at`` carry the group's history from
    earlier trainings (both ``None`` when the group never trained successfully).
    """

    submitted_at: datetime
    queued_seconds: float
    finishes_seconds: float
    succeeds: bool
    failure_message: str | None = None
    previous_success_at: datetime | None = None
    previous_action_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_message: str = "Training was cancelled because its group was deleted."

    def cancel(self, at: datetime) -> "TrainingRecord":
        """Return a copy cancelled at ``at`` (no effect once the training has ended by then)."""
        if self.finishes_at is not None and at >= self.finishes_at:
            return self
        return replace(self, cancelled_at=at)

    @property  # not cached: a cached value would change the pickled state a read leaves (the --data-dir store)
    def starts_at(self) -> datetime:
        """The instant the training leaves the queue (``running`` from then on)."""
        return self.submitted_at + timedelta(seconds=self.queued_seconds)

    @property
    def finishes_at(self) -> datetime | None:
        """The instant the outcome is reached, ``None`` for a never-ending training."""
        if math.isinf(self.finishes_seconds):
            return None
        return self.submitted_at + timedelta(seconds=self.finishes_seconds)


@dataclass(frozen=True)
class TrainingView:
    """What a status read reports at one instant (version-neutral)."""

    state: TrainingState
    submitted_at: datetime
    last_action_at: datetime
    """The instant of the latest transition reached so far (submitted, started, finished)."""
    finished_at: datetime | None
    last_success_at: datetime | None
    """The end of the most recent successful training, ``None`` if there was none."""
    group_last_action_at: datetime | None
    """The group's last action: ``None`` until the group trained successfully once."""
    message: str | None

    def __init__(
        self, state: TrainingState, submitted_at: datetime, last_action_at: datetime, finished_at: datetime | None,
        last_success_at: datetime | None, group_last_action_at: datetime | None, message: str | None,
    ) -> None:
        # One per status read: filled in one step (a frozen dataclass's own __init__ pays object.__setattr__ per field).
        self.__dict__.update(
            state=state, submitted_at=submitted_at, last_action_at=last_action_at, finished_at=finished_at,
            last_success_at=last_success_at, group_last_action_at=group_last_action_at, message=message,
        )


def training_duration(base_seconds: float, *, weight: float = 1.0, scale: float = 1.0, cap: float = math.inf) -> float:
    """``min(base_seconds × weight, cap) × scale`` (seconds); ``scale`` is ``Behaviour.training_scale`` (``inf``: never ends).

    ``cap`` is the longest the service's documents give for its biggest resource (``EmulatorConfig.training_max_seconds``);
    the scale of a fault applies after it, so ``training-never-finishes`` still never finishes.
    """
    if base_seconds < 0 or weight < 0 or scale < 0 or cap < 0:
        raise ValueError("training duration inputs must be >= 0")
    if math.isinf(scale):
        return math.inf
    return min(base_seconds * weight, cap) * scale


def start_training(
    submitted_at: datetime,
    *,
    duration: float,
    queue_basis: float,
    succeeds: bool,
    failure_message: str | None,
    previous: "TrainingRecord | None",
) -> TrainingRecord:
    """Create the record for a training submitted at ``submitted_at``.

    ``queue_basis`` is the finite duration whose first 20 % is the queue (for a never-ending
    training the queue still ends, so it is seen ``running``). ``previous`` passes on the
    group's success/action history.
    """
    prev_success: datetime | None = None
    prev_action: datetime | None = None
    if previous is not None:
        before = derive(previous, submitted_at)
        prev_success = before.last_success_at
        prev_action = before.group_last_action_at
    return TrainingRecord(
        submitted_at=submitted_at,
        queued_seconds=QUEUED_FRACTION * queue_basis,
        finishes_seconds=duration,
        succeeds=succeeds,
        failure_message=None if succeeds else failure_message,
        previous_success_at=prev_success,
        previous_action_at=prev_action,
    )


def derive(record: TrainingRecord, now: datetime) -> TrainingView:
    """The training's status at ``now``, computed only from the record's timestamps."""
    finishes_at = record.finishes_at
    if record.cancelled_at is not None and now >= record.cancelled_at:
        return TrainingView(
            state=TrainingState.FAILED,
            submitted_at=record.submitted_at,
            last_action_at=record.cancelled_at,
            finished_at=record.cancelled_at,
            last_success_at=record.previous_success_at,
            group_last_action_at=record.cancelled_at if record.previous_success_at else None,
            message=record.cancel_message,
        )
    if finishes_at is not None and now >= finishes_at:
        if record.succeeds:
            return TrainingView(
                state=TrainingState.SUCCEEDED,
                submitted_at=record.submitted_at,
                last_action_at=finishes_at,
                finished_at=finishes_at,
                last_success_at=finishes_at,
                group_last_action_at=finishes_at,
                message=None,
            )
        return TrainingView(
            state=TrainingState.FAILED,
            submitted_at=record.submitted_at,
            last_action_at=finishes_at,
            finished_at=finishes_at,
            last_success_at=record.previous_success_at,
            group_last_action_at=finishes_at if record.previous_success_at else None,
            message=record.failure_message,
        )
    starts_at = record.starts_at
    running = now >= starts_at
    return TrainingView(
        state=TrainingState.RUNNING if running else TrainingState.NOT_STARTED,
        submitted_at=record.submitted_at,
        last_action_at=starts_at if running else record.submitted_at,
        finished_at=None,
        last_success_at=record.previous_success_at,
        group_last_action_at=record.previous_action_at,
        message=None,
    )
