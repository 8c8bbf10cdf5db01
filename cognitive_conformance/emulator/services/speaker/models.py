"""Speaker state kept in the store partition ``(key, "speaker")``: profiles and their enrollments.

Enrollment accounting (https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment; https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json):

* ``enrollmentsCount`` / ``enrollmentsLengthInSec`` / ``enrollmentsSpeechLengthInSec`` are the
  count and sums over the accepted enrollments since creation or the last reset;
* ``remainingEnrollmentsSpeechLengthInSec`` = ``max(0, 20 − speech)``, and 0 once any enrollment
  was sent with ``ignoreMinLength=true`` (the requirement is waived for the profile until reset,
  so the remaining speech never grows);
* once nothing remains, the voice print is built within that enrollment's request (a
  :class:`~emulator.training.TrainingRecord` of no duration, finished at that enrollment:
  ``enrollments.py`` says why); ``enrollmentStatus`` is derived on read: ``Enrolling`` before,
  ``Enrolled`` from then on (later enrollments refine the print and keep the status, so it
  never goes back).

Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (20 s of pure speech, ``ignoreMinLength``, Enrolling/Training/Enrolled);
https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json (TiProfileInfo fields), https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json (limits).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from cognitive_conformance.emulator.training import TrainingRecord, TrainingState, derive

__all__ = [
    "MIN_SPEECH_S",
    "MAX_TOTAL_AUDIO_S",
    "MODEL_VERSION",
    "Enrollment",
    "Profile",
    "SpeakerState",
]

MIN_SPEECH_S = 20.0
"""Pure speech needed for a voice print (https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment)."""
MAX_TOTAL_AUDIO_S = 300.0
"""Audio allowed across all enrollments of a profile (https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment)."""
MODEL_VERSION = "2019-12-05"
"""``modelVersion`` of an enrolled profile (example tests/reference/azure-examples/speaker-recognition/2021-09-05/createProfile.json); empty without enrollments (https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json ModelVersion)."""


@dataclass(frozen=True)
class Enrollment:
    """One accepted enrollment: its measured audio and speech length and voiceprint."""

    audio_s: float
    speech_s: float
    voiceprint: tuple[float, ...]
    at: datetime


@dataclass
class Profile:
    """A text-independent identification profile."""

    profile_id: str
    locale: str
    created_at: datetime
    updated_at: datetime
    profile_status: str = "Active"
    enrollments: list[Enrollment] = field(default_factory=list)
    min_length_waived: bool = False
    training: TrainingRecord | None = None

    @property
    def count(self) -> int:
        return len(self.enrollments)

    @property
    def audio_s(self) -> float:
        return float(sum(e.audio_s for e in self.enrollments))

    @property
    def speech_s(self) -> float:
        return float(sum(e.speech_s for e in self.enrollments))

    @property
    def remaining_s(self) -> float:
        """Speech still needed: ``max(0, 20 − speech)``, 0 when ``ignoreMinLength`` waived it."""
        if self.min_length_waived:
            return 0.0
        return max(0.0, MIN_SPEECH_S - self.speech_s)

    def status(self, now: datetime) -> str:
        """``Enrolling`` until the voice print is built, then ``Enrolled`` (``Training`` only for a record still running)."""
        if self.training is None:
            return "Enrolling"
        state = derive(self.training, now).state
        return "Enrolled" if state is TrainingState.SUCCEEDED else "Training"

    def voiceprint(self) -> tuple[float, ...] | None:
        """The speech-weighted mean of the enrollment voiceprints, unit length (``None`` without speech)."""
        if not self.enrollments:
            return None
        weights = np.array([e.speech_s for e in self.enrollments], dtype=np.float64)
        prints = np.array([e.voiceprint for e in self.enrollments], dtype=np.float64)
        if weights.sum() <= 0:
            return None
        mean = (weights[:, None] * prints).sum(axis=0) / weights.sum()
        norm = float(np.linalg.norm(mean))
        return None if norm == 0.0 else tuple(float(v) for v in mean / norm)

    def reset(self, now: datetime) -> None:
        """Back to the creation state: no enrollments, no voice print, requirement restored (TextIndependent_ResetProfile)."""
        self.enrollments.clear()
        self.min_length_waived = False
        self.training = None
        self.profile_status = "Inactive"
        self.updated_at = now


@dataclass
class SpeakerState:
    """All Speaker resources of one subscription key, plus the profiles a request is working on."""

    profiles: dict[str, Profile] = field(default_factory=dict)
    in_flight: set[str] = field(default_factory=set)
    """Profiles with a write (enroll, reset, delete) in progress: another one is 409 Conflict."""
