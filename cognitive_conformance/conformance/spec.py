"""The hand-written service specs: load and render (:mod:`conformance.spec_render`), query a
rendered document (:mod:`conformance.spec_document`), validate bodies
(:mod:`conformance.spec_validation`).

Source: ARCHITECTURE.md "Spec conventions".
"""

from __future__ import annotations

from cognitive_conformance.conformance.spec_document import Operation, Spec
from cognitive_conformance.conformance.spec_render import (
    HTTP_METHODS,
    PROFILES,
    api_versions,
    default_api_version,
    deref,
    load_source,
    render,
    services,
)
from cognitive_conformance.conformance.spec_validation import validate

__all__ = [
    "HTTP_METHODS",
    "PROFILES",
    "Operation",
    "Spec",
    "api_versions",
    "default_api_version",
    "deref",
    "load_source",
    "render",
    "services",
    "validate",
]
