"""Handler: add an enrollment to a profile (the "train" of this service).

The audio was decoded and analysed by the validator (length, pure speech, SNR, voiceprint).
Here the profile's accounting is updated, under the store lock:

* more than 300 s of audio in total (stored + this request) -> 403, nothing stored changes;
* otherwise the enrollment is stored, ``profileStatus`` becomes ``Active``, and when no speech
  remains (``max(0, 20 − speech) == 0``, or ``ignoreMinLength=true``) the voice print starts
  building: a training record of ``--training-seconds`` (× the fault scale) from now, so the
  profile reads ``Training`` and later ``Enrolled`` (derived on read; 0 s gives ``Enrolled`` at once).
* 201 TiEnrollmentInfo: totals after this enrollment + this request's audio and speech lengths.

Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (limits, 201 TiEnrollmentInfo, Enrolling/Training/Enrolled, ignoreMinLength);
https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json (300 s in total), https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json (403 message).
"""

from __future__ import annotations

from cognitive_conformance.emulator.routing import HandlerContext, Reply
from cognitive_conformance.emulator.services.speaker import errors, views
from cognitive_conformance.emulator.services.speaker.models import MAX_TOTAL_AUDIO_S, Enrollment
from cognitive_conformance.emulator.services.speaker.state import find_profile, speaker_state
from cognitive_conformance.emulator.training import start_training, training_duration

__all__ = ["create_enrollment"]


async def create_enrollment(ctx: HandlerContext) -> Reply:
    """TextIndependent_CreateEnrollment."""
    inputs = ctx.inputs
    audio = inputs.audio
    with speaker_state(ctx.store, ctx.key) as state:
        profile = find_profile(state, inputs.profile_id)
        if profile.audio_s + audio.duration_s > MAX_TOTAL_AUDIO_S:
            raise errors.total_too_long()
        profile.enrollments.append(Enrollment(audio.duration_s, audio.speech_s, audio.voiceprint, ctx.now))
        if inputs.ignore_min_length:
            profile.min_length_waived = True
        profile.profile_status = "Active"
        profile.updated_at = ctx.now
        if profile.training is None and profile.remaining_s <= 0.0:
            base = float(ctx.config.training_seconds)
            duration = training_duration(base, scale=ctx.behaviour.training_scale)
            profile.training = start_training(
                ctx.now,
                duration=duration,
                queue_basis=0.0,
                succeeds=True,
                failure_message=None,
                previous=None,
            )
        body = views.enrollment_body(profile, audio.duration_s, audio.speech_s, ctx.now)
    return Reply(201, json=body)
