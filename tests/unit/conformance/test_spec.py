"""Unit tests of conformance.spec: rendering, profiles, look-ups and format-checked validation.

Sources: ARCHITECTURE.md "Spec conventions"; API-DIGEST §1.3 (v1.0 train has no
operation-Location), §1.5 (status spellings per version); seed 001 (v1.0 training status shape).
"""

from __future__ import annotations

import pytest

from cognitive_conformance.conformance import spec, spec_render
from cognitive_conformance.conformance.spec import Operation, Spec, validate

STATUS = "PersonGroupOperations_GetPersonGroupTrainingStatus"
TRAIN = "PersonGroupOperations_TrainPersonGroup"
ADD_FACE = "PersonGroupOperations_AddPersonGroupPersonFace"
ADD_FACE_URL = "PersonGroupOperations_AddPersonGroupPersonFaceFromUrl"
UUID = "25985303-c537-4467-b41d-bdb45cd95ca1"
SEED_001_BODY = {
    "status": "succeeded",
    "createdDateTime": "1/3/2017 4:11:35 AM",
    "lastActionDateTime": None,
    "message": None,
}


# ----------------------------------------------------------------------------------- loading


def test_services_lists_face() -> None:
    assert "face" in spec.services()
    assert spec.services() == sorted(spec.services())


def test_api_versions_and_default_come_from_info() -> None:
    assert spec.api_versions("face") == ["v1.0", "v1.1-preview.1", "v1.2-preview.1", "v1.2"]
    assert spec.default_api_version("face") == "v1.2"


def test_load_source_returns_an_independent_copy() -> None:
    first = spec.load_source("face")
    first["info"]["x-service"] = "changed"
    assert spec.load_source("face")["info"]["x-service"] == "face"


def test_render_returns_an_independent_copy() -> None:
    first = spec.render("face", "v1.2")
    first["paths"].clear()
    assert spec.render("face", "v1.2")["paths"]


# ----------------------------------------------------------------------------------- errors


def test_render_unknown_service_lists_valid_services() -> None:
    with pytest.raises(ValueError, match=r"unknown service 'fce'.*face"):
        spec.render("fce")


def test_render_unknown_version_lists_valid_versions() -> None:
    with pytest.raises(ValueError, match=r"unknown API version 'v9'.*v1\.0, v1\.1-preview\.1, v1\.2-preview\.1, v1\.2"):
        spec.render("face", "v9")


def test_render_unknown_profile_lists_valid_profiles() -> None:
    with pytest.raises(ValueError, match=r"unknown profile 'loose'.*observed, docs"):
        spec.render("face", "v1.2", "loose")


def test_spec_rejects_unknown_inputs_like_render() -> None:
    with pytest.raises(ValueError):
        Spec("nope")
    with pytest.raises(ValueError):
        Spec("face", "v2.0")
    with pytest.raises(ValueError):
        Spec("face", profile="sloppy")


def test_operation_unknown_id_names_close_matches() -> None:
    with pytest.raises(KeyError, match="PersonGroupOperations_TrainPersonGroup"):
        Spec("face").operation("PersonGroupOperations_TrainPersonGrop")


def test_schema_unknown_name_raises_key_error() -> None:
    with pytest.raises(KeyError, match="TrainingStatus"):
        Spec("face").schema("TrainingStatu")


# ----------------------------------------------------------------------------------- rendering


def test_render_substitutes_the_version_in_face_paths() -> None:
    for version in spec.api_versions("face"):
        paths = spec.render("face", version)["paths"]
        assert f"/face/{version}/persongroups/{{personGroupId}}/train" in paths
        assert all("{apiVersion}" not in template for template in paths)


def test_render_drops_the_api_version_path_parameter() -> None:
    document = spec.render("face", "v1.2")
    assert "ApiVersion" not in document["components"]["parameters"]
    for item in document["paths"].values():
        for parameter in item.get("parameters", []):
            assert parameter != {"$ref": "#/components/parameters/ApiVersion"}


def test_render_v1_0_has_no_operations_endpoint() -> None:
    v10 = Spec("face", "v1.0")
    assert "/face/v1.0/operations/{operationId}" not in v10.document["paths"]
    with pytest.raises(KeyError):
        v10.operation("GetOperationResult")
    for version in ("v1.1-preview.1", "v1.2-preview.1", "v1.2"):
        assert Spec("face", version).operation("GetOperationResult").path == f"/face/{version}/operations/{{operationId}}"


def test_render_train_operation_location_only_from_v1_1() -> None:
    assert Spec("face", "v1.0").response_headers(TRAIN, 202) == {}
    for version in ("v1.1-preview.1", "v1.2-preview.1", "v1.2"):
        headers = Spec("face", version).response_headers(TRAIN, 202)
        assert set(headers) == {"operation-location"}
        assert headers["operation-location"]["required"] is True
        assert headers["operation-location"]["schema"] == {"type": "string", "format": "uri"}


def test_render_train_responds_202_without_body() -> None:
    for version in spec.api_versions("face"):
        loaded = Spec("face", version)
        assert "202" in loaded.documented_statuses(TRAIN)
        assert loaded.response_schema(TRAIN, 202) is None
        assert "content" not in (loaded.response(TRAIN, 202) or {})


def test_render_training_status_enum_per_version() -> None:
    v10 = Spec("face", "v1.0").schema("TrainingStatus")["$defs"]["TrainingStatus"]
    v12 = Spec("face", "v1.2").schema("TrainingStatus")["$defs"]["TrainingStatus"]
    assert v10["properties"]["status"]["enum"] == ["nonstarted", "running", "succeeded", "failed"]
    assert v12["properties"]["status"]["enum"] == ["notStarted", "running", "succeeded", "failed"]
    assert v10["required"] == ["status", "createdDateTime"]
    assert set(v12["required"]) == {"status", "createdDateTime", "lastActionDateTime", "lastSuccessfulTrainingDateTime"}


def test_render_long_running_per_version() -> None:
    assert Spec("face", "v1.0").long_running(TRAIN) == {"poll": "resource", "status-operation": STATUS}
    assert Spec("face", "v1.2").long_running(TRAIN) == {
        "poll": "operation-location",
        "status-operation": "GetOperationResult",
        "resource-operation": STATUS,
    }
    assert Spec("face").long_running(STATUS) is None


def test_render_error_codes_per_version() -> None:
    assert Spec("face", "v1.0").error_codes(TRAIN, 401) == ["Unspecified"]
    assert Spec("face", "v1.2").error_codes(TRAIN, 401) == ["401"]
    assert Spec("face").error_codes(STATUS, 404) == ["PersonGroupNotFound", "PersonGroupNotTrained"]
    assert Spec("face").error_codes(TRAIN, 409) == ["PersonGroupTrainingNotFinished", "ConcurrentOperationConflict"]
    assert "PersonGroupExists" in Spec("face").error_codes("PersonGroupOperations_CreatePersonGroup", 409)
    assert Spec("face").error_codes(TRAIN, 200) == []


def test_render_every_face_error_response_has_codes_and_header() -> None:
    for version in spec.api_versions("face"):
        loaded = Spec("face", version)
        for operation in loaded.operations():
            for status in loaded.documented_statuses(operation.operation_id):
                if not status.startswith(("4", "5")):
                    continue
                assert loaded.error_codes(operation.operation_id, int(status)), (operation.operation_id, status)
                headers = loaded.response_headers(operation.operation_id, int(status))
                assert headers["x-ms-error-code"]["required"] is True, (operation.operation_id, status)
                schema = loaded.response_schema(operation.operation_id, int(status))
                assert schema is not None and schema["$ref"] == "#/$defs/FaceErrorResponse"


def test_render_query_versioned_service_pins_api_version() -> None:
    query_services = [s for s in spec.services() if spec.load_source(s)["info"]["x-api-version-in"] == "query"]
    if not query_services:
        pytest.fail("no query-versioned spec to exercise (customvoice.yaml is expected)")
    for service in query_services:
        for version in spec.api_versions(service):
            document = spec.render(service, version)
            pinned = [
                parameter["schema"]
                for parameter in document.get("components", {}).get("parameters", {}).values()
                if parameter.get("in") == "query" and parameter.get("name") == "api-version"
            ]
            for item in document["paths"].values():
                for method in spec.HTTP_METHODS:
                    for parameter in (item.get(method) or {}).get("parameters", []):
                        if parameter.get("in") == "query" and parameter.get("name") == "api-version":
                            pinned.append(parameter["schema"])
            assert pinned, f"{service} {version} has no api-version query parameter"
            for schema in pinned:
                assert schema["enum"] == [version] and schema["default"] == version


def test_render_overrides_merge_shallowly_and_null_deletes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The override engine itself: version first, then profile; null deletes; nested overrides apply."""
    node = {
        "a": 1,
        "b": {"keep": True},
        "x-version-overrides": {"v2": {"a": 2, "b": None, "c": {"x-profile-overrides": {"observed": {"d": 4}}}}},
        "x-profile-overrides": {"observed": {"a": 3}},
    }
    result = spec_render._apply_overrides(node, "v2", "observed")
    assert result == {"a": 3, "c": {"d": 4}}
    untouched = spec_render._apply_overrides(
        {"a": 1, "x-version-overrides": {"v2": {"a": 2}}, "x-profile-overrides": {"observed": {"a": 3}}}, "v1", "docs"
    )
    assert untouched == {"a": 1}


# ----------------------------------------------------------------------------------- profiles


def test_profile_lenient_makes_error_code_header_optional() -> None:
    strict = Spec("face", "v1.2", "docs").response_headers(TRAIN, 404)["x-ms-error-code"]
    lenient = Spec("face", "v1.2", "observed").response_headers(TRAIN, 404)["x-ms-error-code"]
    assert strict["required"] is True
    assert lenient["required"] is False


def test_profile_seed_001_training_status_is_lenient_only() -> None:
    strict = Spec("face", "v1.0", "docs").response_schema(STATUS, 200)
    lenient = Spec("face", "v1.0", "observed").response_schema(STATUS, 200)
    assert strict is not None and lenient is not None
    assert any("createdDateTime" in message for message in validate(strict, SEED_001_BODY))
    assert validate(lenient, SEED_001_BODY) == []


@pytest.mark.parametrize("version", ["v1.0", "v1.1-preview.1", "v1.2"])
@pytest.mark.parametrize("status", ["nonstarted", "notstarted", "notStarted", "NOTSTARTED", "Running", "SUCCEEDED", "failed"])
def test_profile_lenient_accepts_every_status_spelling(version: str, status: str) -> None:
    body = {
        "status": status,
        "createdDateTime": "2024-03-05T11:07:58.371Z",
        "lastActionDateTime": None,
        "lastSuccessfulTrainingDateTime": "2024-03-05T11:07:58.371Z",
    }
    schema = Spec("face", version, "observed").response_schema(STATUS, 200)
    assert schema is not None
    assert validate(schema, body) == []


@pytest.mark.parametrize("status", ["started", "notstartedd", "succeed", ""])
def test_profile_lenient_still_rejects_unknown_statuses(status: str) -> None:
    body = {"status": status, "createdDateTime": "2024-03-05T11:07:58Z"}
    schema = Spec("face", "v1.0", "observed").response_schema(STATUS, 200)
    assert schema is not None
    assert validate(schema, body)


def test_profile_strict_status_spelling_is_per_version() -> None:
    body = {
        "status": "notStarted",
        "createdDateTime": "2024-03-05T11:07:58.371Z",
        "lastActionDateTime": "2024-03-05T11:07:58.371Z",
        "lastSuccessfulTrainingDateTime": "2024-03-05T11:07:58.371Z",
    }
    v12 = Spec("face", "v1.2").response_schema(STATUS, 200)
    v10 = Spec("face", "v1.0").response_schema(STATUS, 200)
    assert v12 is not None and v10 is not None
    assert validate(v12, body) == []
    assert any("notStarted" in message for message in validate(v10, body))
    assert validate(v10, {**body, "status": "nonstarted"}) == []


def test_profile_gateway_error_body_is_lenient_only() -> None:
    gateway = {"error": {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 26 seconds."}}
    strict = Spec("face", "v1.2", "docs").response_schema(TRAIN, 429)
    lenient = Spec("face", "v1.2", "observed").response_schema(TRAIN, 429)
    assert strict is not None and lenient is not None
    assert validate(strict, gateway)
    assert validate(lenient, gateway) == []
    not_found = Spec("face", "v1.2", "observed").response_schema(TRAIN, 404)
    assert not_found is not None and validate(not_found, {"error": {"statusCode": 404, "message": "x"}})


# ----------------------------------------------------------------------------------- look-ups


def test_operation_resolves_both_add_face_ids_to_one_operation() -> None:
    loaded = Spec("face", "v1.2")
    stream = loaded.operation(ADD_FACE)
    url = loaded.operation(ADD_FACE_URL)
    assert stream is url
    assert stream.operation_id == ADD_FACE
    assert stream.method == "POST"
    assert stream.path == "/face/v1.2/persongroups/{personGroupId}/persons/{personId}/persistedfaces"
    assert set(stream.definition["requestBody"]["content"]) == {"application/json", "application/octet-stream"}
    assert stream.definition["x-operation-ids"] == {
        "application/json": ADD_FACE_URL,
        "application/octet-stream": ADD_FACE,
    }


def test_operation_resolves_v1_0_upstream_ids() -> None:
    loaded = Spec("face", "v1.0")
    assert loaded.operation("PersonGroup_Train").operation_id == TRAIN
    assert loaded.operation("PersonGroup_GetTrainingStatus").operation_id == STATUS
    assert loaded.operation("PersonGroupPerson_AddFaceFromUrl") is loaded.operation("PersonGroupPerson_AddFaceFromStream")
    assert loaded.operation("PersonGroupPerson_AddFaceFromUrl").operation_id == ADD_FACE
    with pytest.raises(KeyError):
        Spec("face", "v1.2").operation("PersonGroup_Train")


def test_operations_are_frozen_dataclasses_with_upper_case_methods() -> None:
    operations = Spec("face").operations()
    assert all(isinstance(operation, Operation) for operation in operations)
    assert {operation.method for operation in operations} <= {"GET", "PUT", "POST", "PATCH", "DELETE"}
    with pytest.raises(AttributeError):
        operations[0].method = "GET"  # type: ignore[misc]


def test_match_finds_operations_from_concrete_paths() -> None:
    loaded = Spec("face", "v1.2")
    assert loaded.match("post", "/face/v1.2/persongroups/group_1/train").operation_id == TRAIN  # type: ignore[union-attr]
    assert loaded.match("GET", "/face/v1.2/persongroups/group_1/training?x=1").operation_id == STATUS  # type: ignore[union-attr]
    assert loaded.match("GET", "/face/v1.2/persongroups").operation_id == "PersonGroupOperations_GetPersonGroups"  # type: ignore[union-attr]
    assert loaded.match("GET", f"/face/v1.2/operations/{UUID}").operation_id == "GetOperationResult"  # type: ignore[union-attr]
    face = loaded.match("POST", f"/face/v1.2/persongroups/g/persons/{UUID}/persistedfaces")
    assert face is not None and face.operation_id == ADD_FACE


def test_match_returns_none_for_unknown_method_path_or_version() -> None:
    loaded = Spec("face", "v1.2")
    assert loaded.match("PUT", "/face/v1.2/persongroups/g/train") is None
    assert loaded.match("GET", "/face/v1.0/persongroups/g") is None
    assert loaded.match("GET", "/face/v1.2/persongroups/g/unknown") is None
    assert loaded.match("GET", "/face/v1.2/persongroups/a/b") is None
    assert Spec("face", "v1.0").match("GET", f"/face/v1.0/operations/{UUID}") is None


def test_match_prefers_literal_segments_over_parameters() -> None:
    loaded = Spec("face", "v1.2")
    operation = loaded.match("POST", "/face/v1.2/persongroups/g/persons")
    assert operation is not None and operation.operation_id == "PersonGroupOperations_CreatePersonGroupPerson"


def test_documented_statuses_lists_response_keys() -> None:
    assert Spec("face").documented_statuses(STATUS) == {"200", "401", "403", "404", "409", "429"}
    assert "408" in Spec("face").documented_statuses(ADD_FACE_URL)


def test_response_falls_back_from_exact_to_range_to_default() -> None:
    loaded = Spec("face", "v1.2")
    assert loaded.response(TRAIN, 202) is not None
    assert loaded.response(TRAIN, 500) is None
    operation = loaded.operation(TRAIN)
    operation.definition["responses"]["5XX"] = {"description": "range"}
    operation.definition["responses"]["default"] = {"description": "fallback"}
    assert loaded.response(TRAIN, 503) == {"description": "range"}
    assert loaded.response(TRAIN, 418) == {"description": "fallback"}
    assert loaded.response(TRAIN, 404)["x-error-codes"] == ["PersonGroupNotFound"]  # type: ignore[index]


def test_response_schema_is_self_contained() -> None:
    schema = Spec("face").response_schema(STATUS, 200)
    assert schema is not None
    assert "#/components" not in str(schema)
    assert validate(schema, {"status": "running"})  # missing required fields
    assert Spec("face").response_schema(STATUS, 200, "text/plain") is None


def test_source_prefers_response_then_operation_then_info() -> None:
    loaded = Spec("face", "v1.0")
    assert "563879b61984550f30395247" in loaded.source(TRAIN, 401)  # the v1.0 Get Training Status page
    assert "train-person-group" in loaded.source(TRAIN)
    assert loaded.source(TRAIN, 200) == loaded.source(TRAIN)
    del loaded.operation(TRAIN).definition["x-source"]
    assert loaded.source(TRAIN) == loaded.document["info"]["x-source"]


def test_schema_returns_bundled_component() -> None:
    schema = Spec("face").schema("PersonGroup")
    assert schema["$ref"] == "#/$defs/PersonGroup"
    assert {"PersonGroup", "CollectionId", "Name", "UserData", "RecognitionModel"} <= set(schema["$defs"])
    assert validate(schema, {"personGroupId": "group_1", "name": "g"}) == []
    assert validate(schema, {"personGroupId": "Group 1", "name": "g"})
    assert validate(schema, {"personGroupId": "a" * 65, "name": "g"})
    assert validate(schema, {"personGroupId": "g", "name": "x" * 129})


def test_every_face_operation_and_schema_carries_a_source() -> None:
    document = spec.load_source("face")
    for name, schema in document["components"]["schemas"].items():
        assert schema.get("x-source"), name
    for name, response in document["components"]["responses"].items():
        assert response.get("x-source"), name
    for version in spec.api_versions("face"):
        for operation in Spec("face", version).operations():
            assert operation.definition.get("x-source"), operation.operation_id
            assert operation.definition.get("security") == [{"KeyAuth": []}], operation.operation_id


# ----------------------------------------------------------------------------------- validate


@pytest.mark.parametrize(
    "value",
    ["2024-03-05T11:07:58.371Z", "2017-12-21T12:57:27.00Z", "2024-03-05T11:07:58+01:00", "2024-03-05t11:07:58.1234567z"],
)
def test_validate_accepts_rfc3339_date_times(value: str) -> None:
    assert validate({"type": "string", "format": "date-time"}, value) == []


@pytest.mark.parametrize(
    "value",
    ["1/3/2017 4:11:35 AM", "2024-03-05", "2024-03-05T11:07:58", "2024-13-05T11:07:58Z", "2024-02-30T11:07:58Z", "2024-03-05 11:07:58Z"],
)
def test_validate_rejects_bad_date_times(value: str) -> None:
    messages = validate({"type": "string", "format": "date-time"}, value)
    assert messages and "date-time" in messages[0]


def test_validate_checks_uuid_format() -> None:
    schema = {"type": "string", "format": "uuid"}
    assert validate(schema, UUID) == []
    for bad in ["not-a-uuid", "25985303c5374467b41dbdb45cd95ca1", "{25985303-c537-4467-b41d-bdb45cd95ca1}", UUID + "0"]:
        messages = validate(schema, bad)
        assert messages and "uuid" in messages[0], bad


def test_validate_checks_uri_format() -> None:
    schema = {"type": "string", "format": "uri"}
    assert validate(schema, "https://contoso.com/operationstatus") == []
    assert validate(schema, "urn:example:a") == []
    for bad in ["not a uri", "/relative/path", "contoso.com/x", "https://bad host/", "", "https://"]:
        messages = validate(schema, bad)
        assert messages and "uri" in messages[0], bad


def test_validate_reports_json_paths_and_enum_errors() -> None:
    schema = Spec("face", "v1.2").response_schema(STATUS, 200)
    assert schema is not None
    body = {
        "status": "nonstarted",
        "createdDateTime": "yesterday",
        "lastActionDateTime": None,
        "lastSuccessfulTrainingDateTime": "2024-03-05T11:07:58Z",
    }
    messages = validate(schema, body)
    assert any(message.startswith("$.status:") and "is not one of" in message for message in messages)
    assert any(message.startswith("$.createdDateTime:") and "date-time" in message for message in messages)


def test_validate_returns_empty_list_for_valid_instances() -> None:
    schema = Spec("face").response_schema("PersonGroupOperations_CreatePersonGroupPerson", 200)
    assert schema is not None
    assert validate(schema, {"personId": UUID}) == []
    assert validate(schema, {}) == ["$: 'personId' is a required property"]


# ----------------------------------------------------------------------------------- synthetic specs

_TINY_QUERY_SPEC = """
openapi: 3.1.0
info:
  title: tiny
  version: "1"
  x-service: tinyq
  x-api-versions: ["2020-01-01", "2021-01-01"]
  x-default-api-version: "2021-01-01"
  x-api-version-in: query
paths:
  /things:
    get:
      operationId: Things_List
      parameters:
        - $ref: "#/components/parameters/ApiVersion"
      responses:
        "200":
          description: ok
  /new:
    get:
      operationId: New_Get
      x-api-versions: ["2021-01-01"]
      parameters:
        - name: api-version
          in: query
          required: true
          schema: {type: string}
      responses:
        "200":
          description: ok
components:
  parameters:
    ApiVersion:
      name: api-version
      in: query
      required: true
      schema: {type: string}
"""


@pytest.fixture
def spec_dir(tmp_path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from cognitive_conformance import specs

    monkeypatch.setattr(specs, "SPEC_DIR", tmp_path)
    spec_render._source.cache_clear()
    spec_render._render_cached.cache_clear()
    yield tmp_path
    spec_render._source.cache_clear()
    spec_render._render_cached.cache_clear()


def test_render_query_version_and_operation_filter_on_a_synthetic_spec(spec_dir) -> None:  # type: ignore[no-untyped-def]
    (spec_dir / "tinyq.yaml").write_text(_TINY_QUERY_SPEC, encoding="utf-8")
    assert spec.services() == ["tinyq"]
    old = spec.render("tinyq", "2020-01-01")
    assert "/new" not in old["paths"]
    assert old["components"]["parameters"]["ApiVersion"]["schema"] == {
        "type": "string",
        "enum": ["2020-01-01"],
        "default": "2020-01-01",
    }
    new = Spec("tinyq")
    assert new.version == "2021-01-01"
    inline = new.operation("New_Get").definition["parameters"][0]["schema"]
    assert inline == {"type": "string", "enum": ["2021-01-01"], "default": "2021-01-01"}


def test_load_source_rejects_unquoted_yaml_dates(spec_dir) -> None:  # type: ignore[no-untyped-def]
    (spec_dir / "dated.yaml").write_text(_TINY_QUERY_SPEC.replace('"2021-01-01"]', "2021-01-01]"), encoding="utf-8")
    with pytest.raises(ValueError, match="quote dates"):
        spec.load_source("dated")


def test_bundle_makes_a_components_ref_self_contained() -> None:
    loaded = Spec("face")
    bundled = loaded.bundle({"type": "array", "items": {"$ref": "#/components/schemas/AddFaceResult"}})
    assert bundled["items"] == {"$ref": "#/$defs/AddFaceResult"}
    assert set(bundled["$defs"]) == {"AddFaceResult"}
    assert validate(bundled, [{"persistedFaceId": UUID}]) == []
    assert validate(bundled, [{"persistedFaceId": "x"}])


def test_match_prefers_the_most_specific_template_whatever_the_method() -> None:
    from cognitive_conformance.conformance.spec import Spec

    cv = Spec("customvoice", "2026-01-01", "observed")
    assert cv.match("POST", "/customvoice/trainingsets/ts1:upload").operation_id == "TrainingSets_UploadData"
    assert cv.match("DELETE", "/customvoice/trainingsets/ts1:upload") is None
    assert cv.match("DELETE", "/customvoice/trainingsets/ts1").operation_id == "TrainingSets_Delete"
