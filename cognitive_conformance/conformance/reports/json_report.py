"""``conformance.json``: the report model as JSON (schema: ``report.schema.json``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["write", "SCHEMA_PATH"]

SCHEMA_PATH = Path(__file__).with_name("report.schema.json")


def write(data: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
