"""Every spec source and every rendered (service, version, profile) is a valid OpenAPI 3.1 document.

Parametrized over :func:`conformance.spec.services`, so a spec file added later is covered
without touching this test. Source: ARCHITECTURE.md "Spec conventions" (OpenAPI 3.1.0; the
rendered document is plain OpenAPI that Schemathesis and jsonschema can consume).
"""

from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from cognitive_conformance.conformance import spec

_RENDERINGS = [
    (service, version, profile)
    for service in spec.services()
    for version in spec.api_versions(service)
    for profile in spec.PROFILES
]


@pytest.mark.parametrize("service", spec.services())
def test_openapi_source_is_valid(service: str) -> None:
    source = spec.load_source(service)
    assert source["openapi"] == "3.1.0"
    validate(source)


@pytest.mark.parametrize(("service", "version", "profile"), _RENDERINGS)
def test_openapi_rendering_is_valid(service: str, version: str, profile: str) -> None:
    document = spec.render(service, version, profile)
    validate(document)


@pytest.mark.parametrize(("service", "version", "profile"), _RENDERINGS)
def test_openapi_rendering_has_no_override_keys(service: str, version: str, profile: str) -> None:
    document = spec.render(service, version, profile)
    text = json.dumps(document)
    assert "x-version-overrides" not in text
    assert "x-profile-overrides" not in text
    for operation in spec.Spec(service, version, profile).operations():
        assert "x-api-versions" not in operation.definition, operation.operation_id


@pytest.mark.parametrize("service", spec.services())
def test_openapi_source_declares_the_required_info_extensions(service: str) -> None:
    info = spec.load_source(service)["info"]
    assert info["x-service"] == service
    assert info["x-default-api-version"] in info["x-api-versions"]
    assert info["x-api-version-in"] in ("path", "query")


@pytest.mark.parametrize("service", spec.services())
def test_openapi_every_operation_has_an_id_and_a_source(service: str) -> None:
    for version in spec.api_versions(service):
        loaded = spec.Spec(service, version)
        ids = [operation.operation_id for operation in loaded.operations()]
        assert len(ids) == len(set(ids)), f"duplicate operationIds in {service} {version}"
        for operation in loaded.operations():
            assert operation.definition.get("x-source"), f"{operation.operation_id} has no x-source"


def test_openapi_validator_rejects_a_broken_rendering() -> None:
    """The validator is not vacuous: a path parameter missing from the template is an error."""
    document = spec.render("face", "v1.2")
    template = "/face/v1.2/persongroups/{personGroupId}/train"
    document["paths"]["/face/v1.2/persongroups/train"] = document["paths"].pop(template)
    with pytest.raises(OpenAPIValidationError):
        validate(document)
