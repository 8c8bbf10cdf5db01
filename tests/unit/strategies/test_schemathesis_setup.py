"""Unit tests for strategies.schemathesis_setup: after registration, Schemathesis sends real face images."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from cognitive_conformance.strategies.images import images
from cognitive_conformance.strategies.schemathesis_setup import (
    FACE_IMAGE_MEDIA_TYPE,
    register_media,
    register_media_type,
    registered_media_types,
)

# A minimal OpenAPI 3.1 operation shaped like AddPersonGroupPersonFace from a stream.
ADD_FACE_SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "add face", "version": "1"},
    "paths": {
        "/persongroups/{personGroupId}/persons/{personId}/persistedfaces": {
            "post": {
                "operationId": "addFace",
                "parameters": [
                    {"name": "personGroupId", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "personId", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}
PATH = "/persongroups/{personGroupId}/persons/{personId}/persistedfaces"
CASE_SETTINGS = settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def default_registration() -> Iterator[None]:
    """Register the default images and leave them registered afterwards (the project-wide state)."""
    register_media()
    yield
    register_media()


def _decode(data: bytes) -> tuple[str, tuple[int, int], float]:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return str(image.format), image.size, float(np.asarray(image.convert("L"), dtype=np.float64).std())


def _operation() -> Any:
    return schemathesis.openapi.from_dict(ADD_FACE_SPEC)[PATH]["POST"]


def test_generated_octet_stream_bodies_are_real_face_images(default_registration: None) -> None:
    bodies: list[bytes] = []

    @CASE_SETTINGS
    @given(_operation().as_strategy())
    def collect(case: Any) -> None:
        assert case.media_type == FACE_IMAGE_MEDIA_TYPE
        bodies.append(case.body)

    collect()
    assert bodies
    for body in bodies:
        assert isinstance(body, bytes)
        fmt, size, std = _decode(body)
        assert fmt in {"JPEG", "PNG", "GIF", "BMP"}
        assert 1024 <= len(body) <= 6 * 1024 * 1024
        assert all(36 <= side <= 4096 for side in size)
        assert std >= 8


def test_generated_bodies_go_on_the_wire_unchanged(default_registration: None) -> None:
    @CASE_SETTINGS
    @given(_operation().as_strategy())
    def check(case: Any) -> None:
        kwargs = case.as_transport_kwargs(base_url="http://127.0.0.1:1")
        assert kwargs["data"] == case.body
        assert kwargs["headers"]["Content-Type"] == FACE_IMAGE_MEDIA_TYPE

    check()


def test_register_media_uses_the_given_strategy(default_registration: None) -> None:
    register_media(images_strategy=images(formats=("PNG",), max_side=64))
    formats: set[str] = set()

    @CASE_SETTINGS
    @given(_operation().as_strategy())
    def collect(case: Any) -> None:
        formats.add(_decode(case.body)[0])

    collect()
    assert formats == {"PNG"}


def test_register_media_is_idempotent(default_registration: None) -> None:
    register_media()
    first = registered_media_types()[FACE_IMAGE_MEDIA_TYPE]
    register_media()
    register_media()
    assert registered_media_types()[FACE_IMAGE_MEDIA_TYPE] is first
    # Schemathesis's own registry (internal, read only here) holds that same strategy.
    from schemathesis.core.media_types import MEDIA_TYPE_STRATEGIES

    assert MEDIA_TYPE_STRATEGIES[FACE_IMAGE_MEDIA_TYPE] is first


def test_register_media_type_registers_other_media_and_aliases(default_registration: None) -> None:
    marker = st.just(b"RIFF-not-really-audio")
    register_media_type("application/x-cc-test", marker, aliases=["application/x-cc-test-alias"])
    registered = registered_media_types()
    assert registered["application/x-cc-test"] is marker
    assert registered["application/x-cc-test-alias"] is marker
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/upload": {
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {"application/x-cc-test-alias": {"schema": {"type": "string", "format": "binary"}}},
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    operation = schemathesis.openapi.from_dict(spec)["/upload"]["POST"]

    @CASE_SETTINGS
    @given(operation.as_strategy())
    def check(case: Any) -> None:
        assert case.body == b"RIFF-not-really-audio"

    check()


@pytest.mark.parametrize("media_type", ["", "octet-stream", "a/b/c", "/x", "x/"])
def test_register_media_type_rejects_malformed_media_types(media_type: str) -> None:
    with pytest.raises(ValueError, match="type/subtype"):
        register_media_type(media_type, st.just(b"x"))


def test_register_media_type_rejects_a_non_strategy() -> None:
    with pytest.raises(TypeError):
        register_media_type("image/png", b"not a strategy")  # type: ignore[arg-type]
