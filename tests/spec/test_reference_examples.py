"""Every upstream Azure example validates against our rendered specs, except the listed errata.

For each service that has a spec file, every example under
``tests/reference/azure-examples/<folder>/<version>/*.json`` is checked against the docs
rendering of that version:

* each response status of the example must be documented by the operation;
* a response body must validate against the documented schema, an empty body (``"body": ""``
  or no ``body`` key) must meet a response that documents no content, and vice versa;
* the example's response headers must be documented and validate; required documented headers
  must be present;
* an ``error.code`` must be one of the response's ``x-error-codes`` when those are declared;
* a JSON request body (parameter ``body``, or the upstream name in ``_REQUEST_BODY_PARAMETER``)
  must validate against the operation's ``application/json`` request schema (status ``request``).

The set of failing ``(example, status)`` pairs must EQUAL the spec's root ``x-errata`` list, so a
fixed erratum and a new one both fail. An example folder whose version the spec does not list is
checked against the spec's default version (tests/reference/README.md: those folders hold the
nearest upstream version of files missing for the documented one).

Source: ARCHITECTURE.md "Spec conventions" (x-errata); tests/reference/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cognitive_conformance.conformance import spec as spec_module
from cognitive_conformance.conformance.spec import Spec, validate

EXAMPLES = Path(__file__).resolve().parents[1] / "reference" / "azure-examples"

# Example folder -> service name (specs/<service>.yaml).
FOLDER_SERVICE: dict[str, str] = {
    "face": "face",
    "speaker-recognition": "speaker",
    "custom-voice": "customvoice",
}

# Example files without an operationId field (or with a stale one): file stem -> upstream operationId.
OPERATION_TABLE: dict[str, dict[str, str]] = {
    "face": {
        # v1.0 examples carry no operationId; these are the F10 operationIds.
        "AddPersonGroupPersonFaceFromStream": "PersonGroupPerson_AddFaceFromStream",
        "AddPersonGroupPersonFaceFromUrl": "PersonGroupPerson_AddFaceFromUrl",
        "CreateNewPersonGroup": "PersonGroup_Create",
        "CreateNewPersonGroupPerson": "PersonGroupPerson_Create",
        "DeletePersonGroup": "PersonGroup_Delete",
        "GetPersonGroup": "PersonGroup_Get",
        "GetPersonGroupTrainingStatus": "PersonGroup_GetTrainingStatus",
        "QueuePersonGroupTraining": "PersonGroup_Train",
        # v1.1-preview.1 GetFaceOperationStatus.json names an operation that no longer exists; it is the
        # older example of GetOperationResult (API-DIGEST §1.6).
        "GetFaceOperationStatus": "GetOperationResult",
    },
    "speaker": {
        "activationPhrases": "TextIndependent_ListActivationPhrases",
        "createEnrollment": "TextIndependent_CreateEnrollment",
        "createProfile": "TextIndependent_CreateProfile",
        "deleteProfile": "TextIndependent_DeleteProfile",
        "identifySingleSpeaker": "TextIndependent_IdentifySingleSpeaker",
        "listProfiles": "TextIndependent_ListProfiles",
        "resetProfile": "TextIndependent_ResetProfile",
    },
    "customvoice": {
        "create_consent": "Consents_Create",
        "create_consent_with_multipart_form": "Consents_Post",
        "create_personalvoice": "PersonalVoices_Create",
        "create_personalvoice_with_multipart_form": "PersonalVoices_Post",
        "delete_personalvoice": "PersonalVoices_Delete",
        "delete_project": "Projects_Delete",
        "get_consents": "Consents_List",
        "get_operation": "Operations_Get",
        "get_personalvoice": "PersonalVoices_Get",
        "get_personalvoices": "PersonalVoices_List",
        "get_projects": "Projects_List",
        "upload_trainingset": "TrainingSets_UploadData",
        "get_trainingset": "TrainingSets_Get",
        "create_model": "Models_Create",
        "get_base_models": "BaseModels_List",
        "create_endpoint": "Endpoints_Create",
        "suspend_endpoint": "Endpoints_Suspend",
        "resume_endpoint": "Endpoints_Resume",
    },
}

# Upstream body parameter names other than "body": (service, operationId) -> parameter name.
_REQUEST_BODY_PARAMETER: dict[tuple[str, str], str] = {
    ("face", "PersonGroupPerson_AddFaceFromUrl"): "ImageUrl",  # F10 names the {url} body "ImageUrl"
    ("customvoice", "TrainingSets_UploadData"): "dataset",
    ("customvoice", "Models_Create"): "model",
    ("customvoice", "Endpoints_Create"): "endpoint",
}

# File stems whose operationId field is stale and must be overridden by OPERATION_TABLE.
_STALE_OPERATION_IDS = {"GetFaceOperationStatus"}


def _services_with_examples() -> list[str]:
    have = set(spec_module.services())
    return [service for service in FOLDER_SERVICE.values() if service in have]


def _folder_of(service: str) -> Path:
    return EXAMPLES / next(folder for folder, name in FOLDER_SERVICE.items() if name == service)


def _example_files(service: str) -> list[Path]:
    return sorted(_folder_of(service).glob("*/*.json"))


def _relative(path: Path) -> str:
    return path.relative_to(EXAMPLES).as_posix()


def _operation_id(service: str, path: Path, example: dict[str, Any]) -> str:
    table = OPERATION_TABLE.get(service, {})
    if path.stem in _STALE_OPERATION_IDS or "operationId" not in example:
        if path.stem not in table:
            raise AssertionError(f"{_relative(path)} has no operationId field and no entry in OPERATION_TABLE")
        return table[path.stem]
    return str(example["operationId"])


def _version_for(service: str, folder_version: str) -> str:
    versions = spec_module.api_versions(service)
    return folder_version if folder_version in versions else spec_module.default_api_version(service)


def _deref(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def _response_problems(
    loaded: Spec, operation_id: str, status: str, example_response: dict[str, Any]
) -> list[str]:
    """Why one example response contradicts the spec ([] when it conforms)."""
    problems: list[str] = []
    definition = loaded.operation(operation_id).definition
    documented = definition.get("responses", {})
    if status in documented:
        response = _deref(loaded.document, documented[status])
    elif status.isdigit() and int(status) >= 400 and "default" in documented:
        response = _deref(loaded.document, documented["default"])
    elif status == "default" and "default" in documented:
        response = _deref(loaded.document, documented["default"])
    else:
        return [f"status {status} is not documented (documented: {sorted(documented)})"]

    body = example_response.get("body", "")
    content = response.get("content") or {}
    if body in ("", None):
        if content:
            problems.append(f"example has no body but the spec documents {sorted(content)}")
    elif not content:
        problems.append("example has a body but the spec documents no content")
    else:
        media = content.get("application/json") or next(iter(content.values()))
        schema = media.get("schema")
        if schema is not None:
            if status.isdigit():
                bundled = loaded.response_schema(
                    operation_id, int(status), "application/json" if "application/json" in content else next(iter(content))
                )
            else:
                bundled = loaded.bundle(schema)  # "default": Spec.response() only takes integers
            problems.extend(validate(bundled or {}, body))
        codes = response.get("x-error-codes")
        error = body.get("error") if isinstance(body, dict) else None
        if codes and isinstance(error, dict) and isinstance(error.get("code"), str):
            if error["code"] not in codes:
                problems.append(f"error.code {error['code']!r} is not one of x-error-codes {codes}")

    documented_headers = {
        name.lower(): _deref(loaded.document, header) for name, header in (response.get("headers") or {}).items()
    }
    example_headers = {name.lower(): value for name, value in (example_response.get("headers") or {}).items()}
    for name, value in example_headers.items():
        if name not in documented_headers:
            problems.append(f"header {name!r} is not documented")
            continue
        header_schema = documented_headers[name].get("schema")
        if header_schema is not None:
            problems.extend(f"header {name}: {m}" for m in validate(loaded.bundle(header_schema), value))
    for name, header in documented_headers.items():
        if header.get("required") and name not in example_headers:
            problems.append(f"required header {name!r} is missing")
    return problems


def _request_problems(loaded: Spec, service: str, operation_id: str, example: dict[str, Any]) -> list[str] | None:
    """Why the example's JSON request body contradicts the spec; None when there is no JSON body."""
    parameters = example.get("parameters", {})
    name = _REQUEST_BODY_PARAMETER.get((service, operation_id), "body")
    if name not in parameters:
        return None
    request_body = _deref(loaded.document, loaded.operation(operation_id).definition.get("requestBody"))
    if not isinstance(request_body, dict):
        return [f"parameter {name!r} sent but the operation documents no request body"]
    media = (request_body.get("content") or {}).get("application/json")
    if media is None or "schema" not in media:
        return None
    return validate(loaded.bundle(media["schema"]), parameters[name])


def _failures(service: str) -> dict[tuple[str, str], list[str]]:
    failures: dict[tuple[str, str], list[str]] = {}
    for path in _example_files(service):
        example = json.loads(path.read_text(encoding="utf-8"))
        loaded = Spec(service, _version_for(service, path.parent.name), "docs")
        operation_id = _operation_id(service, path, example)
        loaded.operation(operation_id)  # KeyError names close matches when the table is wrong
        request = _request_problems(loaded, service, operation_id, example)
        if request:
            failures[(_relative(path), "request")] = request
        for status, response in example.get("responses", {}).items():
            problems = _response_problems(loaded, operation_id, str(status), response or {})
            if problems:
                failures[(_relative(path), str(status))] = problems
    return failures


@pytest.mark.parametrize("service", _services_with_examples())
def test_reference_examples_fail_exactly_as_listed_in_errata(service: str) -> None:
    errata = spec_module.load_source(service).get("x-errata") or []
    listed = {(entry["example"], str(entry.get("status", ""))) for entry in errata}
    failures = _failures(service)
    unexpected = {key: failures[key] for key in sorted(set(failures) - listed)}
    fixed = sorted(listed - set(failures))
    assert not unexpected and not fixed, (
        f"{service}: examples failing but not in x-errata: {json.dumps({f'{k[0]} [{k[1]}]': v for k, v in unexpected.items()}, indent=2)}\n"
        f"x-errata entries that now pass (remove them): {fixed}"
    )


@pytest.mark.parametrize("service", _services_with_examples())
def test_reference_errata_entries_give_a_reason(service: str) -> None:
    errata = spec_module.load_source(service).get("x-errata") or []
    for entry in errata:
        assert set(entry) >= {"example", "status", "reason"}, entry
        assert isinstance(entry["reason"], str) and len(entry["reason"]) > 20, entry
        assert (EXAMPLES / entry["example"]).is_file(), f"x-errata names a missing example: {entry['example']}"


@pytest.mark.parametrize("service", _services_with_examples())
def test_reference_every_example_file_is_mapped_to_an_operation(service: str) -> None:
    files = _example_files(service)
    assert files, f"no examples found for {service} under {_folder_of(service)}"
    for path in files:
        example = json.loads(path.read_text(encoding="utf-8"))
        loaded = Spec(service, _version_for(service, path.parent.name), "docs")
        operation = loaded.operation(_operation_id(service, path, example))
        assert example.get("responses"), f"{_relative(path)} has no responses"
        assert operation.definition.get("responses"), operation.operation_id


def test_reference_example_folders_all_have_a_service_mapping() -> None:
    folders = {path.name for path in EXAMPLES.iterdir() if path.is_dir()}
    assert folders == set(FOLDER_SERVICE), folders


def test_reference_checker_flags_a_tampered_example() -> None:
    """The machinery itself can fail: a wrong status, a bad uuid and a missing header are all caught."""
    loaded = Spec("face", "v1.2", "docs")
    train = "PersonGroupOperations_TrainPersonGroup"
    assert _response_problems(loaded, train, "202", {"headers": {"operation-Location": "https://x/y"}}) == []
    assert any("missing" in p for p in _response_problems(loaded, train, "202", {}))
    assert any("not documented" in p for p in _response_problems(loaded, train, "200", {}))
    create = "PersonGroupOperations_CreatePersonGroupPerson"
    bad = _response_problems(loaded, create, "200", {"body": {"personId": "not-a-uuid"}})
    assert any("uuid" in p for p in bad), bad
    empty = _response_problems(loaded, create, "200", {"body": ""})
    assert any("no body" in p for p in empty), empty
