"""strategies.face_lists: valid list ids validate against the rendered spec's path parameter schema,
invalid ones do not (so each is a request the documents answer 404 FaceListNotFound / LargeFaceListNotFound)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from cognitive_conformance.conformance import spec as spec_module
from cognitive_conformance.conformance.spec import validate
from cognitive_conformance.conformance.packs.face.list_strategies import face_list_ids, invalid_face_list_ids, invalid_large_face_list_ids, large_face_list_ids


def _param_schema(version: str, path: str, name: str) -> dict:
    document = spec_module.render("face", version)
    for param in document["paths"][path]["parameters"]:
        param = spec_module.deref(document, param)
        if param["name"] == name:
            schema = param["schema"]
            return spec_module.deref(document, schema)
    raise AssertionError(f"{name} not on {path}")


@pytest.mark.parametrize("version", ["v1.0", "v1.2"])
def test_face_list_ids_validate_against_the_spec(version: str) -> None:
    schema = _param_schema(version, f"/face/{version}/facelists/{{faceListId}}", "faceListId")

    @settings(max_examples=50, deadline=None)
    @given(face_list_ids(prefix="cc-"))
    def check(value: str) -> None:
        assert value.startswith("cc-")
        assert validate(schema, value) == []

    check()


def test_large_face_list_ids_validate_against_the_spec() -> None:
    schema = _param_schema("v1.2", "/face/v1.2/largefacelists/{largeFaceListId}", "largeFaceListId")

    @settings(max_examples=50, deadline=None)
    @given(large_face_list_ids())
    def check(value: str) -> None:
        assert validate(schema, value) == []

    check()


@pytest.mark.parametrize("strategy", [invalid_face_list_ids, invalid_large_face_list_ids])
def test_invalid_list_ids_break_the_spec_rule(strategy) -> None:
    schema = _param_schema("v1.2", "/face/v1.2/largefacelists/{largeFaceListId}", "largeFaceListId")

    @settings(max_examples=50, deadline=None)
    @given(strategy())
    def check(value: str) -> None:
        assert validate(schema, value) != []
        assert "/" not in value

    check()
