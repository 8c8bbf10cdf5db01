"""Unit tests for conformance.reports.json_report: conformance.json is the model, as JSON, valid against its schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from cognitive_conformance.conformance.reports import json_report, model, write_all

from ._events import events


def test_written_file_is_the_model_and_valid(tmp_path: Path) -> None:
    data = model.build(events())
    path = json_report.write(data, tmp_path / "conformance.json")
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(data))
    jsonschema.validate(written, json.loads(json_report.SCHEMA_PATH.read_text()))


def test_schema_refuses_a_rule_without_its_counts_or_with_an_unknown_status() -> None:
    schema = json.loads(json_report.SCHEMA_PATH.read_text())
    data = json.loads(json.dumps(model.build(events())))
    del data["rules"][0]["applied"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
    data = json.loads(json.dumps(model.build(events())))
    data["rules"][0]["status"] = "skipped"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_schema_requires_severity_on_findings_and_version_2() -> None:
    schema = json.loads(json_report.SCHEMA_PATH.read_text())
    data = json.loads(json.dumps(model.build(events())))
    data["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
    data = json.loads(json.dumps(model.build(events())))
    data["schemaVersion"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_non_ascii_is_kept_readable(tmp_path: Path) -> None:
    data = model.build(events())
    data["findings"][0]["message"] = "état «inconnu»"
    text = json_report.write(data, tmp_path / "c.json").read_text(encoding="utf-8")
    assert "état «inconnu»" in text


def test_write_all_writes_the_four_reports(tmp_path: Path) -> None:
    paths = write_all(events(), tmp_path / "new" / "dir")
    assert sorted(p.name for p in paths) == ["conformance.json", "junit.xml", "report.html", "summary.md"]
    assert all(p.stat().st_size > 0 for p in paths)
