"""The Custom Voice pack: projects, consents and personal voices (``specs/customvoice.yaml``)."""

from cognitive_conformance.conformance.packs import Environment, Listing, Pack

PACK = Pack(
    service="customvoice",
    title="Custom Voice personal voices",
    aliases=("voice", "custom-voice"),
    rule_modules=("cognitive_conformance.conformance.packs.voice.rules",),
    probe_operation="Projects_List",
    probe_query=(("maxpagesize", "1"),),
    scenario_module="cognitive_conformance.conformance.packs.voice.scenarios",
    status_model="cognitive_conformance.conformance.packs.voice.scenarios:status_model",
    existing=(
        ("project", ("Projects_Get",)),
        ("consent", ("Consents_Get",)),
        ("personalvoice", ("PersonalVoices_Get",)),
    ),
    # personal voices before consents before projects: a project holding voices refuses a plain DELETE
    listings=(
        Listing("PersonalVoices_List", "id", (("maxpagesize", "500"),)),
        Listing("Consents_List", "id", (("maxpagesize", "500"),)),
        Listing("Projects_List", "id", (("maxpagesize", "500"),)),
    ),
    # The names the Speech quickstarts set for a Speech resource: its key and its region.
    environment=Environment(
        key="SPEECH_KEY",
        endpoint="SPEECH_REGION",
        template="https://{}.api.cognitive.microsoft.com",
        source="https://github.com/MicrosoftDocs/azure-ai-docs/blob/766e4b444667054247ad440e9c5a418efa71c050/articles/ai-services/speech-service/includes/quickstarts/captioning/cpp.md",
    ),
)
