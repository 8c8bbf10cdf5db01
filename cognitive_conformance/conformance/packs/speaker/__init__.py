"""The Speaker Recognition pack: text-independent identification enrollment, 2021-09-05 (``specs/speaker.yaml``)."""

from cognitive_conformance.conformance.packs import Environment, Listing, Pack

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
    # The names the Speech quickstarts set for a Speech resource: its key and its region.
    environment=Environment(
        key="SPEECH_KEY",
        endpoint="SPEECH_REGION",
        template="https://{}.api.cognitive.microsoft.com",
        source="https://github.com/MicrosoftDocs/azure-ai-docs/blob/766e4b444667054247ad440e9c5a418efa71c050/articles/ai-services/speech-service/includes/quickstarts/captioning/cpp.md",
    ),
    notice=(
        "Speaker Recognition was retired on 2025-09-30 "
        "(https://learn.microsoft.com/en-us/azure/ai-services/speech-service/speaker-recognition-overview): "
        "Azure no longer answers it; these results judge an emulator, fake or proxy of the retired API."
    ),
)
