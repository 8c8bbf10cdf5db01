"""The Custom Voice pack: projects, consents and personal voices (``specs/customvoice.yaml``)."""

from cognitive_conformance.conformance.packs import Listing, Pack

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
)
