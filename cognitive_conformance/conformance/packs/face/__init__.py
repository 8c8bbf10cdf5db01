"""The Face pack: PersonGroup / LargePersonGroup and FaceList / LargeFaceList training, Identify, PersonDirectory, v1.0 … v1.2 (``specs/face.yaml``)."""

from cognitive_conformance.conformance.packs import Environment, Listing, Pack

_TOP = (("top", "1000"),)

PACK = Pack(
    service="face",
    title="Face PersonGroup / LargePersonGroup and FaceList / LargeFaceList training, Identify, PersonDirectory",
    rule_modules=("cognitive_conformance.conformance.packs.face.rules", "cognitive_conformance.conformance.packs.face.recognition_rules"),
    probe_operation="PersonGroupOperations_GetPersonGroups",
    probe_query=(("top", "1"),),
    scenario_module="cognitive_conformance.conformance.packs.face.scenarios",
    status_model="cognitive_conformance.conformance.packs.face.scenarios:status_model",
    existing=(
        ("persongroup", ("PersonGroupOperations_GetPersonGroup", "PersonGroupOperations_GetPersonGroupTrainingStatus", "PersonGroupOperations_GetPersonGroupPersons")),
        ("largepersongroup", ("PersonGroupOperations_GetLargePersonGroup", "PersonGroupOperations_GetLargePersonGroupTrainingStatus", "PersonGroupOperations_GetLargePersonGroupPersons")),
        ("facelist", ("FaceListOperations_GetFaceList",)),
        ("largefacelist", ("FaceListOperations_GetLargeFaceList", "FaceListOperations_GetLargeFaceListTrainingStatus", "FaceListOperations_GetLargeFaceListFaces")),
    ),
    listings=(
        Listing("PersonGroupOperations_GetPersonGroups", "personGroupId", _TOP, start="start"),
        Listing("PersonGroupOperations_GetLargePersonGroups", "largePersonGroupId", _TOP, start="start"),
        Listing("FaceListOperations_GetFaceLists", "faceListId"),
        Listing("FaceListOperations_GetLargeFaceLists", "largeFaceListId", _TOP, start="start"),
        Listing("PersonDirectoryOperations_GetDynamicPersonGroups", "dynamicPersonGroupId", _TOP, start="start"),  # v1.1+
    ),
    # The names the azure-ai-vision-face samples read.
    environment=Environment(
        key="AZURE_FACE_API_ACCOUNT_KEY",
        endpoint="AZURE_FACE_API_ENDPOINT",
        source="https://github.com/Azure/azure-sdk-for-python/blob/03e180b43d1eec156a5059275ea52f25224f2697/sdk/face/azure-ai-vision-face/samples/shared/constants.py",
    ),
)
