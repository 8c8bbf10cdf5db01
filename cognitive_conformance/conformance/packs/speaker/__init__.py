"""The Speaker Recognition pack: text-independent identification enrollment, 2021-09-05 (``specs/speaker.yaml``)."""

from cognitive_conformance.conformance.packs import Listing, Pack

PACK = Pack(
    service="speaker",
    title="Speaker Recognition text-independent identification",
    aliases=("speaker-recognition",),
    rule_modules=("cognitive_conformance.conformance.packs.speaker.rules",),
    probe_operation="TextIndependent_ListProfiles",
    probe_query=(("maxpagesize", "1"),),
    scenario_module="cognitive_conformance.conformance.packs.speaker.scenarios",
    status_model="cognitive_conformance.conformance.packs.speaker.scenarios:status_model",
    existing=(("profile", ("TextIndependent_GetProfile",)),),
    listings=(Listing("TextIndependent_ListProfiles", "profileId", (("maxpagesize", "500"),)),),
    notice=(
        "Speaker Recognition was retired on 2025-09-30 "
        "(https://learn.microsoft.com/en-us/azure/ai-services/speech-service/speaker-recognition-overview): "
        "Azure no longer answers it; these results judge an emulator, fake or proxy of the retired API."
    ),
)
