"""The CLI keeps its word: --version, --help of every subcommand, -v/-q, the environment, contradictory flags,
unwritable report directories, one-line errors printed once, and the exit codes (no target is contacted here:
every case ends before a request, or runs a stubbed job)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cognitive_conformance import __version__
from cognitive_conformance.conformance import cli, runner
from cognitive_conformance.conformance.packs import all_packs

ROOT = Path(__file__).resolve().parents[3]
SUBCOMMANDS = ("run", "validate", "checks", "selftest", "proxy", "cleanup")
AZURE = sorted({n for p in all_packs() if p.environment for n in (p.environment.key, p.environment.endpoint)})


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CONFORMANCE_TARGET", "CONFORMANCE_KEY", "CONFORMANCE_TOKEN", *AZURE):
        monkeypatch.delenv(name, raising=False)


def _main(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse: --help, --version, parse errors
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


# -- --version, --help ---------------------------------------------------------------------------------


def test_version_is_the_package_version(capsys) -> None:
    code, out, err = _main(capsys, "--version")
    assert (code, out.strip(), err) == (0, f"conformance {__version__}", "")


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_has_help_with_its_exit_codes(capsys, command: str) -> None:
    code, out, err = _main(capsys, command, "--help")
    assert code == 0 and err == ""
    assert out.startswith(f"usage: conformance {command}")
    assert "exit codes:" in out


def test_emulator_help_is_the_emulators_own() -> None:
    """`conformance emulator --help` reaches the emulator's parser (the run's flags would be 'unrecognized')."""
    exe = Path(sys.executable).with_name("conformance")
    proc = subprocess.run([str(exe), "emulator", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for option in ("--port", "--training-seconds", "--fault", "--list-faults", "--quota", "--ssl-certfile"):
        assert option in proc.stdout
    bad = subprocess.run([str(exe), "emulator", "--no-such-option"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--no-such-option" in bad.stderr and "Traceback" not in bad.stderr


def test_top_level_help_lists_exit_codes_environment_and_examples(capsys) -> None:
    _, out, _ = _main(capsys, "--help")
    text = " ".join(out.split())
    for code, meaning in cli.EXIT_CODES:
        assert f"{code} {' '.join(meaning.split())}" in text
    for name in ("CONFORMANCE_TARGET", "CONFORMANCE_KEY", "CONFORMANCE_TOKEN", *AZURE):
        assert name in out
    assert all(example in out for example in cli.EXAMPLES)


def test_the_readme_exit_code_table_is_the_clis() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| `(\d+)`(?: / `(\d+)`)? \|", readme, re.M)
    codes = {c for row in table for c in row if c}
    assert codes == {c for c, _ in cli.EXIT_CODES} | {"143"}


# -- -v / -q ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ("run", "validate", "selftest", "proxy"))
def test_verbose_and_quiet_exist_and_exclude_each_other(capsys, command: str) -> None:
    args = ("tests/reference/recordings",) if command == "validate" else ()
    code, out, err = _main(capsys, command, *args, "-v", "-q")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "not allowed with argument" in err


# -- contradictory flags: refused, never silently ignored ---------------------------------------------


@pytest.mark.parametrize(
    "argv, message",
    [
        (("run", "--target", "http://127.0.0.1:9", "--key", "k", "--emulator-fault", "instant-training"), "--emulator-fault configures the embedded emulator"),
        (("run", "--target", "http://127.0.0.1:9", "--key", "k", "--emulator-training-seconds", "1"), "--emulator-training-seconds configures the embedded emulator"),
        (("run", "--read-only", "--media-dir", "media"), "--media-dir supplies media for uploads, and --read-only sends none"),
        (("run", "--phase", "stateless", "--scenario", "face-auth"), "--scenario applies to the stateful phase"),
        (("run", "--phase", "stateless", "--poll-timeout", "5"), "--poll-timeout applies to the stateful phase"),
        (("run", "--phase", "stateful", "--max-examples", "3"), "--max-examples applies to the stateless phase"),
        (("run", "--phase", "stateless", "--poll-interval", "2"), "--poll-interval applies to the stateful phase"),
        (("run", "--poll-backoff", "0.5"), "--poll-backoff must be at least 1"),
        (("run", "--poll-interval", "-1"), "--poll-interval and --poll-max-interval must not be negative"),
        (("run", "--poll-interval", "3", "--poll-max-interval", "1"), "poll schedule: poll intervals must satisfy 0 <= initial <= max"),
        (("run", "--ca-bundle", "ca.pem"), "--ca-bundle verifies an https:// target's certificate"),
        (("run", "--target", "http://127.0.0.1:9", "--key", "k", "--ca-bundle", "ca.pem"), "http://127.0.0.1:9 is not one"),
        (("run", "--auth", "aad", "--key", "k"), "--key is a subscription key"),
        (("run", "--target", "http://127.0.0.1:9"), "a key is needed for a target: --key, CONFORMANCE_KEY"),
        (("run", "--emulator-fault", "no-such-fault"), "unknown --emulator-fault no-such-fault"),
        (("selftest", "--only", "mutants", "--fault", "instant-training"), "--fault names a named fault, which --only mutants leaves out"),
        (("selftest", "--only", "faults", "--sample", "3"), "--sample selects blind mutants, which --only faults leaves out"),
        (("selftest", "--only", "faults", "--operator", "enum-case"), "--operator selects blind mutants"),
        (("selftest", "--service", "nope"), "unknown service 'nope'"),
        (("selftest", "--service", "speaker", "--fault", "instant-training"), "instant-training is a face fault or mutant, which --service speaker leaves out"),
        (("run", "--service", "speaker", "--api-version", "v1.2"), "--service speaker has none of the API versions asked for (v1.2)"),
        (("cleanup", "--prefix", "cc-1a2b3c-"), "conformance cleanup needs the target: --target URL or CONFORMANCE_TARGET"),
    ],
)
def test_contradictory_flags_are_refused_in_one_line_with_exit_2(capsys, tmp_path: Path, argv, message: str) -> None:
    report = ("--report-dir", str(tmp_path / "r")) if argv[0] in ("run", "selftest") else ()
    code, out, err = _main(capsys, *argv, *report)
    assert code == 2, out + err
    assert out == "" and err.count("\n") == 1 and err.startswith("conformance: error: ")
    assert message in err
    assert not (tmp_path / "r").exists(), "nothing is written for a usage error"


def test_a_configuration_error_of_the_runner_is_printed_once_without_q(capsys, tmp_path: Path) -> None:
    """Without -q the progress display used to print the runner's error, and the CLI printed it again."""
    code, out, err = _main(capsys, "run", "--service", "nope", "--report-dir", str(tmp_path / "r"))
    assert code == 2 and out == ""
    assert err.count("unknown service 'nope'") == 1 and err.count("\n") == 1


# -- report directories ---------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ("run", "validate", "selftest", "proxy"))
def test_a_file_where_the_report_directory_goes_is_exit_2_before_anything_runs(capsys, tmp_path: Path, command: str) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("not a directory")
    args = {"validate": (str(ROOT / "tests/reference/recordings"),), "run": ("--service", "nope")}.get(command, ())
    code, out, err = _main(capsys, command, *args, "--report-dir", str(blocker / "sub"))
    assert code == 2 and out == ""
    assert err.strip() == f"conformance: error: --report-dir {blocker / 'sub'}: {blocker} is a file, not a directory"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes to a read-only directory")
def test_a_read_only_report_directory_is_exit_2(capsys, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        code, _, err = _main(capsys, "run", "--report-dir", str(locked / "reports"))
    finally:
        locked.chmod(0o700)
    assert code == 2 and "is not writable" in err and err.count("\n") == 1


def test_a_directory_without_write_permission_is_named(capsys, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The same refusal where this process may not write (as any user but root, whom the test above cannot be)."""
    monkeypatch.setattr(cli.os, "access", lambda path, mode: Path(path) != tmp_path)
    code, out, err = _main(capsys, "validate", str(ROOT / "tests/reference/recordings"), "--report-dir", str(tmp_path / "reports"))
    assert (code, out) == (2, "")
    assert err.strip() == f"conformance: error: --report-dir {tmp_path / 'reports'}: {tmp_path} is not writable"


def test_the_writability_check_walks_up_to_the_nearest_existing_directory(tmp_path: Path) -> None:
    assert cli._unwritable(tmp_path / "a" / "b" / "c") is None
    assert not (tmp_path / "a").exists(), "checking creates nothing"
    (tmp_path / "f").write_text("x")
    assert "is a file" in cli._unwritable(tmp_path / "f")


# -- where the target and the key come from ------------------------------------------------------------


def test_precedence_flag_then_conformance_variables_then_the_azure_convention(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_FACE_API_ENDPOINT", "https://face.example")
    monkeypatch.setenv("AZURE_FACE_API_ACCOUNT_KEY", "face-key")
    # the convention's key for its own endpoint, once that endpoint is the target asked for
    assert cli._target_and_key("https://face.example", None, ["face"])[:2] == ("https://face.example", "face-key")
    monkeypatch.setenv("CONFORMANCE_TARGET", "https://cc.example")
    monkeypatch.setenv("CONFORMANCE_KEY", "cc-key")
    target, key, notes = cli._target_and_key(None, None, ["face"])
    assert (target, key) == ("https://cc.example", "cc-key")
    assert notes == ["target https://cc.example from CONFORMANCE_TARGET", "key from CONFORMANCE_KEY"]
    assert cli._target_and_key("https://flag.example", "flag-key", ["face"])[:2] == ("https://flag.example", "flag-key")
    assert cli._target_and_key("https://face.example", None, ["face"])[:2] == ("https://face.example", "cc-key")
    assert all("cc-key" not in n and "face-key" not in n for n in notes), "a note never shows a key"


def test_an_azure_convention_never_picks_the_target(monkeypatch: pytest.MonkeyPatch) -> None:
    """A variable left set in a shell must not point `conformance run` at a paid resource."""
    monkeypatch.setenv("AZURE_FACE_API_ENDPOINT", "https://face.example")
    monkeypatch.setenv("AZURE_FACE_API_ACCOUNT_KEY", "face-key")
    monkeypatch.setenv("SPEECH_REGION", "westeurope")
    monkeypatch.setenv("SPEECH_KEY", "speech-key")
    for services in ([], ["face"], ["speaker", "voice"], ["face", "speaker"], ["nope"], None):
        assert cli._target_and_key(None, None, services)[:2] == (None, None), services


def test_an_azure_convention_applies_only_when_every_selected_service_shares_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_FACE_API_ENDPOINT", "https://face.example")
    monkeypatch.setenv("AZURE_FACE_API_ACCOUNT_KEY", "face-key")
    monkeypatch.setenv("SPEECH_REGION", "westeurope")
    monkeypatch.setenv("SPEECH_KEY", "speech-key")
    speech = "https://westeurope.api.cognitive.microsoft.com"
    assert cli._target_and_key(speech, None, ["speaker", "voice"])[:2] == (speech, "speech-key")
    assert cli._target_and_key(speech, None, ["face", "speaker"])[:2] == (speech, None), "no single convention"
    assert cli._target_and_key(speech, None, [])[:2] == (speech, None), "every service: no single convention"
    assert cli._target_and_key(speech, None, None)[:2] == (speech, None), "proxy and cleanup read no convention"


def test_an_azure_key_goes_only_to_its_own_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_FACE_API_ENDPOINT", "https://face.example")
    monkeypatch.setenv("AZURE_FACE_API_ACCOUNT_KEY", "face-key")
    assert cli._target_and_key("https://other.example", None, ["face"])[:2] == ("https://other.example", None)
    assert cli._target_and_key("http://face.example", None, ["face"])[:2] == ("http://face.example", None), "scheme"
    assert cli._target_and_key("https://face.example:8443", None, ["face"])[:2] == ("https://face.example:8443", None)
    assert cli._target_and_key("https://FACE.example:443/", None, ["face"])[1] == "face-key", "same origin"
    monkeypatch.delenv("AZURE_FACE_API_ENDPOINT")
    assert cli._target_and_key("https://face.example", None, ["face"])[:2] == ("https://face.example", None)


def test_a_target_from_the_environment_refuses_embedded_only_flags(capsys, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONFORMANCE_TARGET", "http://127.0.0.1:9")
    monkeypatch.setenv("CONFORMANCE_KEY", "k")
    code, _, err = _main(capsys, "run", "--emulator-fault", "instant-training", "--report-dir", str(tmp_path / "r"))
    assert code == 2 and "(CONFORMANCE_TARGET)" in err


def test_a_missing_key_names_every_place_a_key_can_come_from(capsys, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AZURE_FACE_API_ENDPOINT", "https://face.example")
    code, _, err = _main(capsys, "run", "--target", "https://face.example", "--service", "face", "--report-dir", str(tmp_path / "r"))
    assert code == 2 and "a key is needed for a target: --key, CONFORMANCE_KEY or AZURE_FACE_API_ACCOUNT_KEY" in err


# -- exit code 4: a checker error, one line, its traceback in the report ----------------------------------


def test_a_checker_error_is_exit_4_in_one_line_with_the_traceback_left_to_the_report(capsys, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def broken(target, key, run_id, config, jobs, emit, on_progress, **kw):
        raise RuntimeError(f"a defect while holding {key}")

    monkeypatch.setattr(runner.preflight, "check_target", lambda *a, **k: None)
    monkeypatch.setattr(runner, "_task", broken)
    monkeypatch.setenv("CONFORMANCE_KEY", "s3cr3t-env-key")
    code, out, err = _main(capsys, "run", "--target", "http://127.0.0.1:9", "--service", "speaker", "--workers", "1",
                           "--report-dir", str(tmp_path / "r"))
    assert code == runner.EXIT_CHECKER_ERROR
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1 and "checker error in" in errors[0] and "RuntimeError" in errors[0]
    assert f"the traceback is in {tmp_path / 'r' / 'conformance.json'}" in errors[0]
    assert "Traceback" not in out + err and "s3cr3t-env-key" not in out + err
    report = (tmp_path / "r" / "conformance.json").read_text()
    assert "Traceback" in report and "s3cr3t-env-key" not in report
    assert out.startswith("checker error: ")


@pytest.mark.e2e
def test_a_key_from_the_environment_is_as_secret_as_one_from_the_flag(tmp_path: Path) -> None:
    """CONFORMANCE_TARGET/CONFORMANCE_KEY against an emulator with a fault: the finding's curl repro sends the
    key, and reports, stdout and stderr show *** in its place."""
    import gzip
    import json

    from tests.e2e.emulator_proc import emulator

    key = "e7v5ecre7000000000000000000000c1"
    exe = Path(sys.executable).with_name("conformance")
    with emulator("--key", key, "--fault", "train-returns-200") as url:
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_")},
               "CONFORMANCE_TARGET": url, "CONFORMANCE_KEY": key}
        proc = subprocess.run([str(exe), "run", "--service", "face", "--api-version", "v1.2", "--phase", "stateful",
                               "--scenario", "face-persongroup-train-poll", "--report-dir", str(tmp_path)],
                              capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"conformance: target {url} from CONFORMANCE_TARGET" in proc.stderr and "key from CONFORMANCE_KEY" in proc.stderr
    findings = json.loads((tmp_path / "conformance.json").read_text())["findings"]
    assert findings and any("ocp-apim-subscription-key: ***" in f["repro"].lower() for f in findings)
    for path in (p for p in tmp_path.rglob("*") if p.is_file()):  # reports, HAR, repro files, the events record
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        assert key.encode() not in data, path.name
    assert key not in proc.stdout + proc.stderr
