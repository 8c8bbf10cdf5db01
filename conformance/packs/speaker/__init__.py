"""The Speaker Recognition pack: text-independent identification enrollment, 2021-09-05 (``specs/speaker.yaml``)."""

from conformance.packs import Pack

PACK = Pack(
    service="speaker",
    title="Speaker Recognition text-independent identification",
    aliases=("speaker-recognition",),
    rule_modules=("conformance.packs.speaker.rules",),
    scenario_module="conformance.packs.speaker.scenarios",
)
