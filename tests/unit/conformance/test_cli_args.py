"""Unit tests for the CLI's argument handling (no target is contacted: every case fails before a run starts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cognitive_conformance.conformance import cli
from cognitive_conformance.conformance.checks.registry import all_rules
from cognitive_conformance.conformance.stateless import BUILTIN_RULES


def _main(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    "argv, message",
    [
        (("run", "--bogus-flag"), "unrecognized arguments: --bogus-flag"),
        (("run", "--seed", "many"), "argument --seed: invalid int value"),
        (("run", "--profile", "loose"), "argument --profile: invalid choice"),
        (("run", "--phase", "later"), "argument --phase: invalid choice"),
        (("nope",), "invalid choice: 'nope'"),
        ((), "the following arguments are required: command"),
    ],
)
def test_parse_errors_exit_2_with_one_message(capsys, argv, message: str) -> None:
    code, out, err = _main(capsys, *argv)
    assert code == 2
    assert message in err and err.count("error:") == 1 and out == ""


@pytest.mark.parametrize(
    "argv, message",
    [
        (("--service", "nope"), "unknown service 'nope'"),
        (("--service", "face", "--api-version", "v9.9"), "unknown API version(s) v9.9"),
        (("--check", "no_such_rule"), "unknown check(s) no_such_rule"),
        (("--scenario", "no-such-scenario"), "unknown scenario(s) no-such-scenario"),
        (("--max-examples", "0"), "--max-examples must be at least 1"),
        (("--poll-timeout", "0"), "--poll-timeout must be positive"),
        (("--workers", "0"), "--workers must be at least 1"),
        (("--target", "http://127.0.0.1:9"), "a key is needed"),
    ],
)
def test_configuration_errors_exit_2_before_any_run(capsys, monkeypatch, tmp_path: Path, argv, message: str) -> None:
    monkeypatch.delenv("CONFORMANCE_KEY", raising=False)
    code, out, err = _main(capsys, "run", *argv, "--report-dir", str(tmp_path / "r"), "--quiet")
    assert code == 2, out + err
    assert message in err and err.count("error:") == 1
    assert not (tmp_path / "r").exists(), "no report is written for a usage error"


def test_unknown_rule_error_lists_the_known_ones(capsys, tmp_path: Path) -> None:
    _, _, err = _main(capsys, "run", "--check", "typo", "--report-dir", str(tmp_path), "--quiet")
    assert "status_code_documented" in err


def test_checks_lists_every_rule_with_kind_severity_statement_and_source(capsys) -> None:
    code, out, _ = _main(capsys, "checks")
    assert code == 0
    blocks = out.strip().split("\n")
    for rule in all_rules():
        header = next(line for line in blocks if line.startswith(rule.name + "  ["))
        assert header == f"{rule.name}  [{rule.kind}, {rule.severity}, {rule.family}]"
        i = blocks.index(header)
        assert blocks[i + 1] == f"    rule:   {rule.statement}"
        assert blocks[i + 3] == f"    source: {rule.source}"
    for builtin in BUILTIN_RULES:
        assert f"{builtin.name}  [schemathesis, error, schemathesis]" in out
    assert "[response, warning," in out  # the warning rules say so


def test_run_help_documents_exit_codes_and_warnings(capsys) -> None:
    code, out, _ = _main(capsys, "run", "--help")
    assert code == 0
    text = " ".join(out.split())
    assert "0 conformant (no error finding)" in text
    assert "1 nonconformant (at least one error-severity finding)" in text
    assert "warning severity are listed in the reports and do not fail the run" in text
