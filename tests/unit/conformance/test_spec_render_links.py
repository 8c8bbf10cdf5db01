"""The standalone document (``spec_render.standalone``) and the OpenAPI links derived from each spec's structure.

Every service x version x profile is rendered and checked three ways: openapi-spec-validator accepts it,
Schemathesis loads it and its state machine holds exactly the derived links (none dropped as invalid: an
unknown operationId or a parameter expression naming nothing makes ``as_state_machine`` raise), and the
links the flows need are there with the expressions they need. Source: https://spec.openapis.org/oas/v3.1.0#link-object.
"""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from openapi_spec_validator import validate
from schemathesis.specs.openapi.expressions import parser

from cognitive_conformance.conformance import spec_render

RENDERINGS = [(s, v, p) for s in spec_render.services() for v in spec_render.api_versions(s) for p in spec_render.PROFILES]


def _links(service: str, version: str, profile: str = "observed") -> dict[tuple[str, str], dict[str, str]]:
    """(source operationId, target operationId) -> link parameters, read from the document itself."""
    document = spec_render.standalone(service, version, profile)
    found = {}
    for item in document["paths"].values():
        for method in spec_render.HTTP_METHODS:
            operation = item.get(method)
            for response in ((operation or {}).get("responses") or {}).values():
                for name, link in (response.get("links") or {}).items():
                    assert name == link["operationId"]
                    found[(operation["operationId"], link["operationId"])] = link["parameters"]
    return found


@pytest.mark.parametrize(("service", "version", "profile"), RENDERINGS)
def test_standalone_is_valid_openapi_with_no_template_left(service: str, version: str, profile: str) -> None:
    document = spec_render.standalone(service, version, profile)
    validate(document)
    text = json.dumps(document)
    assert "x-version-overrides" not in text and "x-profile-overrides" not in text
    assert document["info"]["x-service"] == service
    assert document["info"]["x-api-version"] == version
    assert document["info"]["x-profile"] == profile
    assert "servers" not in document  # points nowhere: the user names the target


@pytest.mark.parametrize(("service", "version", "profile"), RENDERINGS)
def test_schemathesis_loads_every_derived_link(service: str, version: str, profile: str) -> None:
    document = spec_render.standalone(service, version, profile)
    derived = spec_render.derive_links(document)
    assert derived
    schema = schemathesis.openapi.from_dict(document)
    transitions = schema.as_state_machine()._transitions  # raises InvalidStateMachine on any broken link
    explicit = {
        (link.source.definition.raw["operationId"], link.status_code, link.name, link.target.definition.raw["operationId"])
        for operation in transitions.operations.values()
        for link in operation.outgoing
        if not link.is_inferred
    }
    assert explicit == {(link.source, link.status, link.name, link.target) for link in derived}
    for link in derived:
        for _, expression in link.parameters:
            parser.parse(expression)  # a valid runtime expression (regex extractors compile)


def test_face_create_get_and_train_poll_links() -> None:
    links = _links("face", "v1.2")
    group = {"path.personGroupId": "$request.path.personGroupId"}
    assert links[("PersonGroupOperations_CreatePersonGroup", "PersonGroupOperations_GetPersonGroup")] == group
    assert links[("PersonGroupOperations_CreatePersonGroupPerson", "PersonGroupOperations_GetPersonGroupPerson")] == {
        **group, "path.personId": "$response.body#/personId"}
    assert links[("PersonGroupOperations_TrainPersonGroup", "PersonGroupOperations_GetPersonGroupTrainingStatus")] == group
    operation = links[("PersonGroupOperations_TrainPersonGroup", "GetOperationResult")]["path.operationId"]
    assert operation.startswith("$response.header.operation-Location#regex:")
    # the flow of the description: create a group, add persons and faces, train it
    assert links[("PersonGroupOperations_CreatePersonGroup", "PersonGroupOperations_TrainPersonGroup")] == group
    assert links[("PersonGroupOperations_CreatePersonGroupPerson", "PersonGroupOperations_AddPersonGroupPersonFace")] == {
        **group, "path.personId": "$response.body#/personId"}
    assert links[("PersonGroupOperations_GetPersonGroups", "PersonGroupOperations_TrainPersonGroup")] == {
        "path.personGroupId": "$response.body#/0/personGroupId"}
    assert links[("FaceListOperations_TrainLargeFaceList", "FaceListOperations_GetLargeFaceListTrainingStatus")] == {
        "path.largeFaceListId": "$request.path.largeFaceListId"}


def test_face_v1_0_polls_the_resource_only() -> None:
    links = _links("face", "v1.0")
    assert ("PersonGroupOperations_TrainPersonGroup", "PersonGroupOperations_GetPersonGroupTrainingStatus") in links
    assert not any(target == "GetOperationResult" for _, target in links)  # no /operations in v1.0


def test_operation_location_regex_takes_the_id_of_an_operations_url_only() -> None:
    expression = _links("face", "v1.2")[("PersonGroupOperations_TrainPersonGroup", "GetOperationResult")]["path.operationId"]
    (node,) = parser.parse(expression)
    op_id = "1f0e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    assert node.extractor.extract(f"https://x.cognitiveservices.azure.com/face/v1.2/operations/{op_id}") == op_id
    assert node.extractor.extract(f"https://x.cognitiveservices.azure.com/face/v1.2/operations/{op_id}?a=b") == op_id
    # the observed service links the group's own /training: no id to take, so the link yields none
    assert node.extractor.extract("https://x.cognitiveservices.azure.com/face/v1.2/persongroups/g/training") is None
    assert node.extractor.extract(f"https://x/face/v1.1-preview.1/operations/{op_id}") is None


def test_custom_voice_links_take_the_operation_id_from_its_header_never_from_the_resource_id() -> None:
    for version in spec_render.api_versions("customvoice"):
        links = _links("customvoice", version)
        for create, get in (("Consents_Create", "Consents_Get"), ("Consents_Post", "Consents_Get"),
                            ("PersonalVoices_Create", "PersonalVoices_Get"), ("PersonalVoices_Post", "PersonalVoices_Get")):
            assert links[(create, get)] == {"path.id": "$request.path.id"}
            # /operations/{id} and /consents/{id} share the parameter's name, not its meaning
            assert links[(create, "Operations_Get")] == {"path.id": "$response.header.Operation-Id"}
        assert links[("Projects_Create", "Projects_Get")] == {"path.id": "$request.path.id"}
        assert links[("Projects_List", "Projects_Get")] == {"path.id": "$response.body#/value/0/id"}


def test_speaker_links() -> None:
    links = _links("speaker", "2021-09-05")
    assert links[("TextIndependent_CreateProfile", "TextIndependent_GetProfile")] == {"path.profileId": "$response.body#/profileId"}
    assert links[("TextIndependent_CreateEnrollment", "TextIndependent_GetProfile")] == {"path.profileId": "$request.path.profileId"}


def test_no_link_reads_a_parameter_the_source_path_does_not_have() -> None:
    for service, version, profile in RENDERINGS:
        document = spec_render.standalone(service, version, profile)
        templates = {op["operationId"]: t for t, item in document["paths"].items() for op in item.values() if isinstance(op, dict) and "operationId" in op}
        for link in spec_render.derive_links(document):
            for _, expression in link.parameters:
                match = re.fullmatch(r"\$request\.path\.(\w+)", expression)
                if match:
                    assert "{" + match.group(1) + "}" in templates[link.source], (service, version, link)


def test_links_stay_on_their_own_operation() -> None:
    """A shared component response is inlined before a link is added: the component itself carries none."""
    document = spec_render.standalone("face", "v1.2")
    assert all("links" not in r for r in document["components"]["responses"].values())
    train = document["paths"]["/face/v1.2/persongroups/{personGroupId}/train"]["post"]["responses"]["202"]
    large = document["paths"]["/face/v1.2/largepersongroups/{largePersonGroupId}/train"]["post"]["responses"]["202"]
    assert set(train["links"]) == {"PersonGroupOperations_GetPersonGroupTrainingStatus", "GetOperationResult"}
    assert set(large["links"]) == {"PersonGroupOperations_GetLargePersonGroupTrainingStatus", "GetOperationResult"}
    assert "headers" in train  # inlined whole, not just its links


def test_render_itself_is_unchanged_by_links_and_the_server_option() -> None:
    rendered = spec_render.render("face", "v1.2", "observed")
    assert not [r for item in rendered["paths"].values() for op in item.values() if isinstance(op, dict)
                for r in (op.get("responses") or {}).values() if "links" in r]
    document = spec_render.standalone("customvoice", None, "docs", server="http://127.0.0.1:5000")
    assert document["servers"] == [{"url": "http://127.0.0.1:5000"}]
    assert document["info"]["x-api-version"] == spec_render.default_api_version("customvoice")
    with pytest.raises(ValueError, match="valid versions"):
        spec_render.standalone("face", "v9")
