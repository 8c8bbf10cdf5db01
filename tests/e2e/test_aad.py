"""--auth aad over real HTTP: the embedded emulator with a generated or CONFORMANCE_TOKEN token, a refused token, no SDK."""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
from pathlib import Path

import pytest

from tests.e2e.emulator_proc import conformance, emulator

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
TOKEN = "cc-test-token-" + "5" * 40


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CONFORMANCE_TOKEN", "CONFORMANCE_KEY")}
    return {**env, **extra}


def test_aad_run_against_the_embedded_emulator_passes_and_never_shows_the_token(tmp_path: Path) -> None:
    proc, _ = conformance(
        "run", "--auth", "aad", "--service", "face", "--api-version", "v1.2", "--max-examples", "1",
        "--report-dir", str(tmp_path), env=_env(CONFORMANCE_TOKEN=TOKEN), timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert TOKEN not in proc.stdout + proc.stderr
    for report in tmp_path.iterdir():  # events.jsonl.gz too, decompressed
        text = gzip.decompress(report.read_bytes()).decode() if report.suffix == ".gz" else report.read_text()
        assert TOKEN not in text, report
    data = json.loads((tmp_path / "conformance.json").read_text())
    auth = next(r for r in data["rules"] if r["id"] == "auth_rejects_bad_key")
    assert data["result"]["findings"] == 0 and auth["passed"] == 2  # a wrong token and no Authorization: 401
    assert any(s["scenario"] == "face-auth" and s["passed"] for s in data["scenarios"])


def test_a_wrong_token_fails_fast_with_exit_3_naming_the_auth_mode(tmp_path: Path) -> None:
    with emulator("--aad-token", "the-emulators-own-token") as url:
        proc, took = conformance("run", "--auth", "aad", "--target", url, "--report-dir", str(tmp_path), env=_env(CONFORMANCE_TOKEN=TOKEN))
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "Microsoft Entra ID token (--auth aad) is refused" in proc.stdout + proc.stderr
    assert TOKEN not in proc.stdout + proc.stderr
    assert took < 10


@pytest.mark.skipif(importlib.util.find_spec("azure.identity") is not None, reason="azure-identity is installed")
def test_aad_without_token_or_azure_identity_names_the_install_command(tmp_path: Path) -> None:
    proc, took = conformance("run", "--auth", "aad", "--target", "http://127.0.0.1:9", "-q", "--report-dir", str(tmp_path), env=_env())
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "pip install 'cognitive-conformance[aad]'" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert took < 10


def test_key_and_aad_together_is_a_usage_error(tmp_path: Path) -> None:
    proc, _ = conformance("run", "--auth", "aad", "--key", "k", "--report-dir", str(tmp_path), env=_env())
    assert proc.returncode == 2 and "CONFORMANCE_TOKEN" in proc.stderr
