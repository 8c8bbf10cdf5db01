"""Handler: identify the speaker of an audio among 1..50 candidate profiles.

Every candidate must exist (404 ``NotFound``, decision), be ``Enrolled`` (400 "Profile is not
enrolled.") and share one locale (400). Each candidate's score is the cosine similarity of the
query's voiceprint and the profile's (speech-weighted mean of its enrollments), in [0, 1]
(:func:`emulator.audio.similarity`). ``profilesRanking`` is the top 5 by descending score
(ties by id); ``identifiedProfile`` is the best one when its score reaches
:data:`MATCH_THRESHOLD`, else the empty GUID with score 0.

The threshold sits between the measured same-speaker similarity of the synthetic voices
(>= 0.98) and the best other-speaker similarity (about 0.65) printed by
``benchmarks/audio_estimates.py``.

Source: https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json (IdentifiedSingleSpeakerInfo, top 5 descending, empty GUID), https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json.
"""

from __future__ import annotations

from cognitive_conformance.emulator.audio import similarity
from cognitive_conformance.emulator.routing import HandlerContext, Reply
from cognitive_conformance.emulator.services.speaker import errors, views
from cognitive_conformance.emulator.services.speaker.state import find_profile, speaker_state

__all__ = ["MATCH_THRESHOLD", "RANKING_SIZE", "identify_single_speaker"]

MATCH_THRESHOLD = 0.8
RANKING_SIZE = 5


async def identify_single_speaker(ctx: HandlerContext) -> Reply:
    """TextIndependent_IdentifySingleSpeaker."""
    inputs = ctx.inputs
    with speaker_state(ctx.store, ctx.key) as state:
        profiles = [find_profile(state, pid) for pid in inputs.profile_ids]
        for profile in profiles:
            if profile.status(ctx.now) != "Enrolled":
                raise errors.profile_not_enrolled()
        if len({p.locale for p in profiles}) > 1:
            raise errors.locales_differ()
        scored = []
        for profile in profiles:
            print_ = profile.voiceprint()
            score = 0.0 if print_ is None else similarity(inputs.audio.voiceprint, print_)
            scored.append((score, profile.profile_id))
    scored.sort(key=lambda item: (-item[0], item[1]))
    ranking = [views.score_entry(pid, score) for score, pid in scored[:RANKING_SIZE]]
    best_score, best_id = scored[0]
    if best_score >= MATCH_THRESHOLD:
        identified = views.score_entry(best_id, best_score)
    else:
        identified = views.score_entry(views.EMPTY_GUID, 0.0)
    return Reply(200, json={"identifiedProfile": identified, "profilesRanking": ranking})
