"""The Custom Voice pack: projects, consents, personal voices and professional voice (``specs/customvoice.yaml``)."""

from cognitive_conformance.conformance.packs import Environment, Listing, Pack

PACK = Pack(
    service="customvoice",
    title="Custom Voice personal and professional voices",
    aliases=("voice", "custom-voice"),
    rule_modules=(
        "cognitive_conformance.conformance.packs.voice.rules",
        "cognitive_conformance.conformance.packs.voice.professional_rules",
    ),
    probe_operation="Projects_List",
    probe_query=(("maxpagesize", "1"),),
    scenario_module="cognitive_conformance.conformance.packs.voice.catalogue",
    status_model="cognitive_conformance.conformance.packs.voice.scenarios:status_model",
    existing=(
        ("project", ("Projects_Get",)),
        ("consent", ("Consents_Get",)),
        ("personalvoice", ("PersonalVoices_Get",)),
        ("trainingset", ("TrainingSets_Get",)),
        ("model", ("Models_Get",)),
        ("endpoint", ("Endpoints_Get",)),
    ),
    # children first (endpoints, models, training sets, personal voices, consents, projects): a model an endpoint
    # serves refuses a DELETE, and a project holding voices, models or endpoints refuses a plain one. Endpoint ids
    # are UUIDs the run cannot prefix: an endpoint is found by the run's prefix on its displayName.
    listings=(
        Listing("Endpoints_List", "id", (("maxpagesize", "500"),), match_field="displayName"),
        Listing("Models_List", "id", (("maxpagesize", "500"),)),
        Listing("TrainingSets_List", "id", (("maxpagesize", "500"),)),
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
