"""The Face pack: PersonGroup / LargePersonGroup training, v1.0 … v1.2 (``specs/face.yaml``)."""

from conformance.packs import Pack

PACK = Pack(
    service="face",
    title="Face PersonGroup / LargePersonGroup training",
    rule_modules=("conformance.packs.face.rules",),
    scenario_module="conformance.packs.face.scenarios",
)
