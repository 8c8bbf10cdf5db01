"""The hand-written OpenAPI documents, shipped inside the wheel.

Each ``<service>.yaml`` here is the source of truth for one service. Load them with
:func:`conformance.spec.load_source` / :func:`conformance.spec.render`; this package only
tells where they are.
"""

from pathlib import Path

SPEC_DIR = Path(__file__).resolve().parent

__all__ = ["SPEC_DIR", "spec_path"]


def spec_path(service: str) -> Path:
    """Path of ``specs/<service>.yaml``."""
    return SPEC_DIR / f"{service}.yaml"
