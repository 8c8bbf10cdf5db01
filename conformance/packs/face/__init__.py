"""The Face pack: PersonGroup / LargePersonGroup and FaceList / LargeFaceList training, v1.0 … v1.2 (``specs/face.yaml``)."""

from conformance.packs import Pack

PACK = Pack(
    service="face",
    title="Face PersonGroup / LargePersonGroup and FaceList / LargeFaceList training",
    rule_modules=("conformance.packs.face.rules",),
    probe_operation="PersonGroupOperations_GetPersonGroups",
    probe_query=(("top", "1"),),
    scenario_module="conformance.packs.face.scenarios",
    status_model="conformance.packs.face.scenarios:status_model",
)
