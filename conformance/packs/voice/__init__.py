"""The Custom Voice pack: projects, consents and personal voices (``specs/customvoice.yaml``)."""

from conformance.packs import Pack

PACK = Pack(
    service="customvoice",
    title="Custom Voice personal voices",
    aliases=("voice", "custom-voice"),
    rule_modules=("conformance.packs.voice.rules",),
    probe_operation="Projects_List",
    probe_query=(("maxpagesize", "1"),),
    scenario_module="conformance.packs.voice.scenarios",
    status_model="conformance.packs.voice.scenarios:status_model",
)
