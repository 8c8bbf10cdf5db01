"""Generated path ids are moved into the run's id space with their validity class kept."""

from __future__ import annotations

import functools
import uuid

import pytest

from cognitive_conformance.conformance.ownership import is_write, owned_id, owned_path_parameters, resource_parameters
from cognitive_conformance.conformance.spec import Spec

PREFIX = "cc-abc123-v12-"
FACE_ID = {"type": "string", "pattern": "^[a-z0-9-_]+$", "minLength": 1, "maxLength": 64}
VOICE_ID = {"type": "string", "pattern": "^[a-zA-Z0-9][a-zA-Z0-9._-]{1,62}[a-zA-Z0-9]$"}
UUID = {"type": "string", "format": "uuid"}


def _valid(value: str, schema: dict) -> bool:
    import jsonschema

    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).is_valid(value)


@pytest.mark.parametrize(
    "value, schema",
    [("0", FACE_ID), ("x" * 64, FACE_ID), ("Jessica", VOICE_ID), ("a" * 64, VOICE_ID), (str(uuid.UUID(int=7)), UUID)],
)
def test_owned_id_keeps_a_valid_id_valid_and_in_the_run_space(value: str, schema: dict) -> None:
    moved = owned_id(value, schema, PREFIX)
    assert moved is not None and moved != value and _valid(moved, schema)
    if schema is UUID:
        assert moved != value
    else:
        assert moved.startswith(PREFIX)


@pytest.mark.parametrize(
    "value, schema",
    [("x" * 65, FACE_ID), ("A B", FACE_ID), ("", FACE_ID), ("not-a-uuid", UUID), ("", UUID), ("a", VOICE_ID), ("-", VOICE_ID)],
)
def test_owned_id_keeps_an_invalid_id_invalid_and_in_the_run_space(value: str, schema: dict) -> None:
    moved = owned_id(value, schema, PREFIX)
    assert moved is not None and moved.startswith(PREFIX) and not _valid(moved, schema)


@functools.cache
def _coverage(service: str, version: str) -> list[tuple]:
    import schemathesis
    from schemathesis.generation import GenerationMode

    schema = schemathesis.openapi.from_dict(Spec(service, version, "observed").document)
    out = []
    for result in schema.get_all_operations():
        op = result.ok()
        for case in schema.iter_coverage_cases(
            op,
            generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
            generation_config=schema.config.generation_for(operation=op),
        ):
            out.append((op, case))
    return out


@pytest.mark.parametrize("service, version", [("face", "v1.2"), ("speaker", "2021-09-05"), ("customvoice", "2024-02-01-preview")])
def test_every_coverage_write_goes_to_the_run_space(service: str, version: str) -> None:
    spec = Spec(service, version, "observed")
    resources = resource_parameters(spec.document)
    writes = 0
    for op, case in _coverage(service, version):
        before = dict(case.path_parameters or {})
        schemas = {p.name: (p.definition or {}).get("schema") or {} for p in op.path_parameters}
        if not owned_path_parameters(case, op, PREFIX, resources):
            continue
        for name, value in (case.path_parameters or {}).items():
            if not (is_write(case.method) or name in resources):
                continue
            writes += is_write(case.method)
            original = "" if before.get(name) is None else str(before[name])
            assert _valid(str(value), schemas[name]) == _valid(original, schemas[name]), (case.method, op.path, name, original, value)
            if _valid(str(value), schemas[name]) and schemas[name].get("format") == "uuid":
                assert value != original
            else:
                assert str(value).startswith(PREFIX), (case.method, op.path, name, value)
    assert writes > 10


def test_a_write_body_never_points_at_a_parent_the_run_does_not_own() -> None:
    from types import SimpleNamespace

    from cognitive_conformance.conformance.ownership import owned_body_references, reference_schemas
    from cognitive_conformance.conformance.spec import Spec

    spec = Spec("customvoice", "2024-02-01-preview", "observed")
    schemas = reference_schemas(spec.document, spec.operation("PersonalVoices_Post").definition)
    assert set(schemas) == {"projectId", "consentId"}
    prefix = "cc-1a2b3c-cv24-"
    case = SimpleNamespace(method="POST", body={"projectId": "users-project", "consentId": "theirs", "displayName": "x"})
    assert owned_body_references(case, schemas, prefix)
    assert case.body["projectId"].startswith(prefix) and case.body["consentId"].startswith(prefix)
    assert case.body["displayName"] == "x"
    # an invalid reference stays invalid (a bad character), so the negative case still tests what it meant to
    bad = SimpleNamespace(method="POST", body={"projectId": "-bad id-"})
    assert owned_body_references(bad, schemas, prefix) and bad.body["projectId"].startswith(prefix)
    from cognitive_conformance.conformance.ownership import _valid

    assert not _valid(bad.body["projectId"], schemas["projectId"])
    # reads are left alone
    read = SimpleNamespace(method="GET", body={"projectId": "users-project"})
    assert owned_body_references(read, schemas, prefix) and read.body["projectId"] == "users-project"


@pytest.mark.parametrize("service, version", [("face", "v1.2"), ("speaker", "2021-09-05"), ("customvoice", "2024-02-01-preview")])
def test_no_sent_path_holds_an_encoded_slash_or_a_dot_segment(service: str, version: str) -> None:
    from schemathesis.transport.prepare import prepare_path

    from cognitive_conformance.conformance.transport import ambiguous_path

    spec = Spec(service, version, "observed")
    resources = resource_parameters(spec.document)
    sent = 0
    for op, case in _coverage(service, version):
        params = dict(case.path_parameters or {})
        if not params:
            continue
        probe = _Case(case.method, params)
        if not owned_path_parameters(probe, op, PREFIX, resources):
            continue
        sent += 1
        assert not ambiguous_path(prepare_path(op.path, probe.path_parameters)), (op.path, params, probe.path_parameters)
    assert sent > 10


class _Case:
    def __init__(self, method: str, path_parameters: dict) -> None:
        self.method, self.path_parameters = method, path_parameters


_HOSTILE = ["%2F", "%2f", "/", "\\", "%5C", "..", ".", "%2E%2E", "%252F", "%25", "a", "pea", "é", "~", str(uuid.UUID(int=9))]


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_a_hostile_generated_id_stays_one_segment_in_the_run_space(method: str) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from urllib.parse import unquote

    spec = Spec("face", "v1.2", "observed")
    import schemathesis

    schema = schemathesis.openapi.from_dict(spec.document)
    op = next(r.ok() for r in schema.get_all_operations() if r.ok().path.endswith("/persongroups/{personGroupId}/persons/{personId}"))
    resources = resource_parameters(spec.document)

    @settings(max_examples=200, deadline=None, database=None)
    @given(st.lists(st.sampled_from(_HOSTILE), min_size=1, max_size=4).map("".join), st.lists(st.sampled_from(_HOSTILE), min_size=1, max_size=4).map("".join))
    def prop(group: str, person: str) -> None:
        case = _Case(method, {"personGroupId": group, "personId": person})
        if not owned_path_parameters(case, op, PREFIX, resources):
            return
        for name, value in case.path_parameters.items():
            decoded = unquote(value)
            assert "/" not in decoded and "\\" not in decoded and "%" not in decoded, (name, value)
            assert name == "personId" or decoded.startswith(PREFIX)
        from cognitive_conformance.conformance.transport import ambiguous_path

        assert not ambiguous_path(f"/face/v1.2/persongroups/{case.path_parameters['personGroupId']}/persons/{case.path_parameters['personId']}")

    prop()
