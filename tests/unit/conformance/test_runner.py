"""The runner's straight line, without a target: plan errors, checker errors, exit codes, events."""

from __future__ import annotations

import pytest

from cognitive_conformance.conformance import runner
from cognitive_conformance.conformance.config import EXIT_CHECKER_ERROR, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, RunConfig
from cognitive_conformance.conformance.events import RunFinished, RunStarted


@pytest.fixture(autouse=True)
def _no_preflight(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner.preflight, "check_target", lambda *a, **k: None)


def _finished(result: runner.RunResult) -> RunFinished:
    return next(e for e in result.events if isinstance(e, RunFinished))


def test_a_config_error_is_exit_2_with_the_reason_and_no_run_started() -> None:
    result = runner.run(RunConfig(target="http://127.0.0.1:9", key="k", services=("nope",)))
    assert result.exit_code == EXIT_USAGE
    assert "unknown service 'nope'" in _finished(result).error
    assert not any(isinstance(e, RunStarted) for e in result.events)


def test_a_target_without_a_key_is_a_usage_error() -> None:
    result = runner.run(RunConfig(target="http://127.0.0.1:9", services=("face",)))
    assert result.exit_code == EXIT_USAGE and "key" in _finished(result).error


def test_a_checker_defect_is_exit_4_naming_the_job_and_never_printing_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(target, key, run_id, config, jobs, emit, on_progress, **kw):
        raise RuntimeError(f"bug while holding {key}")

    monkeypatch.setattr(runner, "_task", broken)
    result = runner.run(RunConfig(target="http://127.0.0.1:9", key="s3cr3t-key", services=("speaker",), workers=1))
    finished = _finished(result)
    assert result.exit_code == EXIT_CHECKER_ERROR == finished.exit_code
    assert "checker error in (('speaker', '2021-09-05'),)" in finished.error and "RuntimeError" in finished.error
    assert "s3cr3t-key" not in finished.error and "***" in finished.error


def test_an_unreachable_target_reported_by_a_job_is_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "_task", lambda *a, **k: (0, "target unreachable: connection refused"))
    result = runner.run(RunConfig(target="http://127.0.0.1:9", key="k", services=("speaker",), workers=1))
    assert result.exit_code == EXIT_UNREACHABLE
    assert _finished(result).error == "target unreachable: connection refused"


def test_jobs_that_all_succeed_without_findings_are_exit_0_and_count_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []

    def fine(target, key, run_id, config, jobs, emit, on_progress, **kw):
        seen.append(jobs)
        return 7, None

    monkeypatch.setattr(runner, "_task", fine)
    result = runner.run(RunConfig(target="http://127.0.0.1:9", key="k", services=("face",), workers=1))
    assert result.exit_code == EXIT_OK and result.requests == 7
    assert seen == [tuple(("face", v) for v in ("v1.0", "v1.1-preview.1", "v1.2-preview.1", "v1.2"))]
