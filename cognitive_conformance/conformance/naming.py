"""Names of the resources a run creates: ``cc-<run id>-<version tag>-…``.

Every resource a run creates carries the run's id (so a person can recognise and remove
leftovers of an interrupted run) and a tag of the API version (so jobs for different
versions of one service can run at the same time without colliding on ids). Tags are
lower-case letters and digits, valid in every id pattern of the three services
(Face ``^[a-z0-9-_]+$``, Custom Voice ``^[a-zA-Z0-9][a-zA-Z0-9._-]{1,62}[a-zA-Z0-9]$``).
"""

from __future__ import annotations

import re

__all__ = ["version_tag", "resource_prefix", "RUN_PREFIX"]

RUN_PREFIX = "cc-"


def version_tag(version: str) -> str:
    """``v1.2-preview.1`` → ``v12p1``, ``2024-02-01-preview`` → ``20240201p``, ``2021-09-05`` → ``20210905``."""
    text = version.lower().replace("preview", "p")
    return re.sub(r"[^a-z0-9]", "", text)


def resource_prefix(run_id: str, version: str) -> str:
    return f"{RUN_PREFIX}{run_id}-{version_tag(version)}-"
