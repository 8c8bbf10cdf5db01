"""Handler: add an enrollment to a profile (the "train" of this service).

The audio was decoded and analysed by the validator (length, pure speech, SNR, voiceprint).
Here the profile's accounting is updated, under the store lock:

* more than 300 s of audio in total (stored + this request) -> 403, nothing stored changes;
* otherwise the enrollment is stored, ``profileStatus`` becomes ``Active``, and when no speech
  remains (``max(0, 20 − speech) == 0``, or ``ignoreMinLength=true``) the voice print is built
  within this request: the 201 that completes the requirement already reports ``Enrolled`` and
  the profile can be identified at once. So the emulator never reports ``Training`` ("voice
  print of profile is being created"): the build happens inside that request, during which any
  other write on the profile is 409 ``Conflict`` (the route's in-flight guard) and a read sees the
  profile as it was before the enrollment. ``--training-seconds`` does not apply here.
* 201 TiEnrollmentInfo: totals after this enrollment + this request's audio and speech lengths.

Why the completing enrollment answers ``Enrolled`` (and not ``Training`` then ``Enrolled`` later):
the Speech SDK's voice-profile client reads only enrollment results and maps ``Training`` like
``Enrolling`` (keep enrolling), so its documented loop ("enroll until Enrolled") would upload more
audio for as long as a build ran; the SDK's own end-to-end tests against the service expect one
enrollment of 24 s of speech to answer ``EnrolledVoiceProfile`` and an identification right after
it to succeed; and the REST quickstart shows the enrollment after enough audio answering
``Enrolled``, followed directly by an identification.

Source: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (limits, 201 TiEnrollmentInfo, Enrolling/Training/Enrolled, ignoreMinLength);
https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json (300 s in total), https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json (403 message);
https://learn.microsoft.com/en-us/azure/ai-services/speech-service/get-started-speaker-recognition?pivots=programming-language-rest (speaker identification: "After you've submitted enough audio samples" the enrollment answers ``"enrollmentStatus": "Enrolled"``, then identify);
https://learn.microsoft.com/en-us/azure/ai-services/speech-service/get-started-speaker-recognition?pivots=programming-language-cpp (the enroll loop: ``while (reason == ResultReason::EnrollingVoiceProfile)``).
"""

from __future__ import annotations

from cognitive_conformance.emulator.routing import HandlerContext, Reply
from cognitive_conformance.emulator.services.speaker import errors, views
from cognitive_conformance.emulator.services.speaker.models import MAX_TOTAL_AUDIO_S, Enrollment
from cognitive_conformance.emulator.services.speaker.state import find_profile, speaker_state
from cognitive_conformance.emulator.training import start_training

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
            profile.training = start_training(
                ctx.now,
                duration=0.0,
                queue_basis=0.0,
                succeeds=True,
                failure_message=None,
                previous=None,
            )
        body = views.enrollment_body(profile, audio.duration_s, audio.speech_s, ctx.now)
    return Reply(201, json=body)
