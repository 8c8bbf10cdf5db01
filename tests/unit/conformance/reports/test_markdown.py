"""Unit tests for conformance.reports.markdown: summary.md."""

from __future__ import annotations

from cognitive_conformance.conformance.reports import markdown, model

from ._events import events


def test_headline_and_verdict() -> None:
    text = markdown.render(model.build(events()))
    assert text.startswith("# Conformance summary: NONCONFORMANT\n")
    assert "- Findings: 3 findings (2 errors, 1 warning), 4 occurrences" in text


def test_rule_table_shows_applied_passed_failed_na_and_not_exercised() -> None:
    lines = markdown.render(model.build(events())).splitlines()
    row = next(l for l in lines if l.startswith("| `status_code_documented` |"))
    assert row.startswith("| `status_code_documented` | response | error | failed | 5 | 3 | 2 | 1 |")
    sticky = next(l for l in lines if l.startswith("| `lro_terminal_sticky` |"))
    assert "| flow | error | not exercised | 0 | 0 | 0 | 2 |" in sticky
    assert "| `error_code_documented` | response | warning |" in "\n".join(lines)


def test_findings_name_severity_and_occurrences() -> None:
    text = markdown.render(model.build(events()))
    assert "### 1. error: `status_code_documented`: Undocumented status code" in text
    assert "warning: `error_code_documented`" in text
    assert "· 2 occurrence(s)" in text


def test_cells_escape_pipes_and_newlines() -> None:
    data = model.build(events())
    data["rules"][0]["statement"] = "a | b\nc"
    assert "a \\| b c" in markdown.render(data)


def test_conformant_run_says_so_and_lists_no_findings() -> None:
    from cognitive_conformance.conformance.events import RunFinished

    run = [e for e in events() if type(e).__name__ != "FindingRaised"]
    run[-1] = RunFinished(0, 1.0, 16, 0, 0)
    text = markdown.render(model.build(run))
    assert text.startswith("# Conformance summary: CONFORMANT")
    assert "## Findings\n\nNone." in text


def test_a_finding_seen_with_several_messages_says_so() -> None:
    text = markdown.render(model.build(events()))
    assert "2 distinct messages over 2 occurrences" in text
