"""``conformance emulator --data-dir / --workers``: usage errors (exit 2), unusable data dirs (exit 1), environment variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from cognitive_conformance.emulator.__main__ import ENVIRONMENT, environment_args, main


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--workers", "2"], "--workers > 1 needs --data-dir DIR"),
        (["--workers", "0"], "invalid workers 0"),
        (["--workers", "two"], "invalid workers 'two'"),
        (["--workers", "2", "--data-dir", "{tmp}", "--quota", "5/s"], "use them with --workers 1"),
        (["--workers", "2", "--data-dir", "{tmp}", "--mutate", "drop-required-field@PersonGroupOperations_GetPersonGroup"], "use them with --workers 1"),
    ],
)
def test_workers_without_a_shared_data_dir_is_a_usage_error(argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [a.replace("{tmp}", str(tmp_path / "d")) for a in argv]
    with pytest.raises(SystemExit) as exit_:
        main(["--port", "0", *argv])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "d").exists()  # nothing was created for a refused command line


def test_a_data_dir_that_cannot_be_used_exits_1_with_the_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    assert main(["--port", "0", "--data-dir", str(blocker)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"conformance emulator: cannot use --data-dir {blocker}: ") and "Traceback" not in err


def test_data_dir_and_workers_have_environment_variables_and_flags_win() -> None:
    assert ENVIRONMENT["CONFORMANCE_EMULATOR_DATA_DIR"] == "--data-dir"
    assert ENVIRONMENT["CONFORMANCE_EMULATOR_WORKERS"] == "--workers"
    env = {"CONFORMANCE_EMULATOR_DATA_DIR": "/data", "CONFORMANCE_EMULATOR_WORKERS": "2"}
    assert environment_args(env, []) == ["--data-dir", "/data", "--workers", "2"]
    assert environment_args(env, ["--workers", "1"]) == ["--data-dir", "/data"]
