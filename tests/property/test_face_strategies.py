"""Property tests: every valid Face strategy value validates against specs/face.yaml, every invalid one does not.

The schemas come from ``conformance.spec.Spec("face", version, profile).schema(name)`` and are
checked with ``conformance.spec.validate`` (Draft 2020-12, RFC 3339 ``date-time`` and ``uuid``
formats asserted), for every API version the spec describes. The ``e2e`` tests at the end send
drawn images and ids to the embedded emulator over loopback HTTP, to prove the strategies and the
emulator's agreed face rule (and seed 001's id rule) agree. Source: STYLE.md "Writing a
strategy" (every drawn value validates against the spec schema); API-DIGEST §1.4, §1.5, §1.8.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cognitive_conformance.conformance.spec import Spec, api_versions, validate
from cognitive_conformance.emulator import DEFAULT_KEY
from cognitive_conformance.strategies.ids import invalid_person_group_ids, invalid_uuids, person_group_ids, uuids
from cognitive_conformance.strategies.images import INVALID_IMAGE_ERROR_CODES, INVALID_IMAGE_KINDS, images, invalid_images
from cognitive_conformance.strategies.payloads import (
    INVALID_OPERATION_RESULT_KINDS,
    INVALID_TRAINING_STATUS_KINDS,
    create_person_bodies,
    create_person_group_bodies,
    face_error_bodies,
    gateway_error_bodies,
    invalid_create_person_bodies,
    invalid_create_person_group_bodies,
    invalid_face_error_bodies,
    invalid_operation_result_bodies,
    invalid_recognition_models,
    invalid_training_status_bodies,
    invalid_update_person_group_bodies,
    operation_result_bodies,
    recognition_models,
    training_status_bodies,
    update_person_group_bodies,
)

VERSIONS = api_versions("face")
PROFILES = ("docs", "observed")
EXAMPLES = settings(max_examples=25, deadline=None)


@functools.cache
def schema(version: str, name: str, profile: str = "docs") -> dict[str, Any]:
    return Spec("face", version, profile).schema(name)


def test_the_spec_describes_the_versions_the_strategies_know() -> None:
    assert VERSIONS[0] == "v1.0" and "v1.2" in VERSIONS
    for version in VERSIONS:
        training_status_bodies(version=version)  # raises ValueError for a version it cannot spell


# (schema name, strategy) pairs that must validate in every version and profile.
VALID_CASES: list[tuple[str, st.SearchStrategy[Any]]] = [
    ("CreatePersonGroupRequest", create_person_group_bodies()),
    ("UpdateNameAndUserDataRequest", update_person_group_bodies()),
    ("CreatePersonRequest", create_person_bodies()),
    ("RecognitionModel", recognition_models()),
    ("CollectionId", person_group_ids()),
    ("FaceErrorResponse", face_error_bodies()),
    ("GatewayErrorResponse", gateway_error_bodies(status_codes=(401, 403, 429, 503))),
    ("AnyErrorResponse", st.one_of(face_error_bodies(), gateway_error_bodies())),
]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("name", "strategy"), VALID_CASES, ids=[name for name, _ in VALID_CASES])
@EXAMPLES
@given(data=st.data())
def test_valid_values_validate_against_the_spec(
    name: str, strategy: st.SearchStrategy[Any], version: str, profile: str, data: st.DataObject
) -> None:
    value = data.draw(strategy)
    assert validate(schema(version, name, profile), value) == []


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("version", VERSIONS)
@EXAMPLES
@given(data=st.data())
def test_training_status_bodies_validate_for_their_version(version: str, profile: str, data: st.DataObject) -> None:
    body = data.draw(training_status_bodies(version=version))
    assert validate(schema(version, "TrainingStatus", profile), body) == []


@pytest.mark.parametrize("version", [v for v in VERSIONS if v != "v1.0"])
@EXAMPLES
@given(data=st.data())
def test_operation_result_bodies_validate(version: str, data: st.DataObject) -> None:
    assert validate(schema(version, "OperationResult"), data.draw(operation_result_bodies())) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_training_status_spellings_are_not_interchangeable(version: str) -> None:
    # The other version's "not started" spelling is rejected by the strict schema (API-DIGEST §1.5).
    other = "notStarted" if version == "v1.0" else "nonstarted"
    body = {
        "status": other,
        "createdDateTime": "2024-03-05T11:07:58.371Z",
        "lastActionDateTime": "2024-03-05T11:07:58.371Z",
        "lastSuccessfulTrainingDateTime": "2024-03-05T11:07:58.371Z",
    }
    assert validate(schema(version, "TrainingStatus"), body) != []


@given(uuids())
def test_uuids_satisfy_format_uuid(value: str) -> None:
    assert validate({"type": "string", "format": "uuid"}, value) == []


@given(invalid_uuids())
def test_invalid_uuids_fail_format_uuid(value: str) -> None:
    assert validate({"type": "string", "format": "uuid"}, value) != []


# ---------------------------------------------------------------------------------------------
# invalid values fail the strict schema
# ---------------------------------------------------------------------------------------------

INVALID_CASES: list[tuple[str, st.SearchStrategy[Any]]] = [
    ("CreatePersonGroupRequest", invalid_create_person_group_bodies()),
    ("UpdateNameAndUserDataRequest", invalid_update_person_group_bodies()),
    ("CreatePersonRequest", invalid_create_person_bodies()),
    ("RecognitionModel", invalid_recognition_models()),
    ("CollectionId", invalid_person_group_ids()),
    ("FaceErrorResponse", invalid_face_error_bodies()),
]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("name", "strategy"), INVALID_CASES, ids=[name for name, _ in INVALID_CASES])
@EXAMPLES
@given(data=st.data())
def test_invalid_values_fail_the_strict_spec(
    name: str, strategy: st.SearchStrategy[Any], version: str, data: st.DataObject
) -> None:
    assert validate(schema(version, name), data.draw(strategy)) != []


SCHEMA_BREAKING_STATUS_KINDS = [k for k in INVALID_TRAINING_STATUS_KINDS if k != "timestamps_out_of_order"]


@pytest.mark.parametrize("version", VERSIONS)
@EXAMPLES
@given(data=st.data())
def test_invalid_training_status_bodies_fail_the_strict_spec(version: str, data: st.DataObject) -> None:
    body = data.draw(invalid_training_status_bodies(version=version, kinds=SCHEMA_BREAKING_STATUS_KINDS))
    assert validate(schema(version, "TrainingStatus"), body) != []


@pytest.mark.parametrize("version", VERSIONS)
@EXAMPLES
@given(data=st.data())
def test_out_of_order_training_status_bodies_are_schema_valid(version: str, data: st.DataObject) -> None:
    # The ordering rule is semantic: the schema accepts these, only a check can catch them.
    body = data.draw(invalid_training_status_bodies(version=version, kinds=["timestamps_out_of_order"]))
    assert validate(schema(version, "TrainingStatus"), body) == []


@EXAMPLES
@given(invalid_operation_result_bodies(kinds=[k for k in INVALID_OPERATION_RESULT_KINDS if k != "timestamps_out_of_order"]))
def test_invalid_operation_result_bodies_fail_the_strict_spec(body: dict[str, Any]) -> None:
    assert validate(schema("v1.2", "OperationResult"), body) != []


# ---------------------------------------------------------------------------------------------
# agreement with the emulator over real HTTP (loopback)
# ---------------------------------------------------------------------------------------------

HTTP_EXAMPLES = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def face_person(emulator_url: str) -> Iterator[tuple[httpx.Client, str]]:
    """A client and the add-face URL of one person in a fresh group on the shared emulator."""
    headers = {"Ocp-Apim-Subscription-Key": DEFAULT_KEY}
    with httpx.Client(base_url=f"{emulator_url}/face/v1.2", headers=headers, timeout=30) as client:
        group = "cc-strategies-images"
        client.delete(f"/persongroups/{group}")
        assert client.put(f"/persongroups/{group}", json={"name": "strategies"}).status_code == 200
        person = client.post(f"/persongroups/{group}/persons", json={"name": "face"})
        assert person.status_code == 200
        yield client, f"/persongroups/{group}/persons/{person.json()['personId']}/persistedfaces"
        client.delete(f"/persongroups/{group}")


@pytest.mark.e2e
@HTTP_EXAMPLES
@given(image=images(max_side=128))
def test_the_emulator_accepts_every_valid_image(face_person: tuple[httpx.Client, str], image: bytes) -> None:
    client, url = face_person
    response = client.post(url, content=image, headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == 200, response.text
    assert validate(schema("v1.2", "AddFaceResult"), response.json()) == []


@pytest.mark.e2e
@pytest.mark.parametrize("kind", INVALID_IMAGE_KINDS)
@HTTP_EXAMPLES
@given(data=st.data())
def test_the_emulator_rejects_each_invalid_image_kind_with_its_documented_code(
    face_person: tuple[httpx.Client, str], kind: str, data: st.DataObject
) -> None:
    client, url = face_person
    image = data.draw(invalid_images(kind=kind))
    response = client.post(url, content=image, headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == INVALID_IMAGE_ERROR_CODES[kind]


@pytest.mark.e2e
@HTTP_EXAMPLES
@given(group_id=invalid_person_group_ids())
def test_the_emulator_answers_invalid_group_ids_with_person_group_not_found(
    face_person: tuple[httpx.Client, str], group_id: str
) -> None:
    client, _ = face_person
    response = client.get(f"/persongroups/{quote(group_id, safe='')}/training")
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "PersonGroupNotFound"
