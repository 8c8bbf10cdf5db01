"""--ca-bundle against the emulator behind TLS, the emulator's --quota under --rate-limit, and --media-dir uploads.

The venv has no ``cryptography`` package, so the self-signed certificate is made with the
``openssl`` command line (the test is skipped where it is missing).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.emulator_proc import conformance, emulator, read_log
from tests.media_dirs import make_media_dir

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
KEY = "7a1s9u0t0h1k2e3y4a5b6c7d8e9f0a1b"


def test_a_missing_ca_bundle_is_a_usage_error(tmp_path: Path) -> None:
    proc, _ = conformance("run", "--target", "https://127.0.0.1:9", "--key", KEY, "--ca-bundle", str(tmp_path / "none.pem"), "-q")
    assert proc.returncode == 2 and "--ca-bundle" in proc.stderr and "no such file" in proc.stderr


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command to make a self-signed certificate")
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


def test_tls_run_passes_with_the_ca_bundle_and_fails_fast_without(certificate, tmp_path: Path) -> None:
    cert, key = certificate
    with emulator("--key", KEY, "--ssl-certfile", str(cert), "--ssl-keyfile", str(key)) as url:
        assert url.startswith("https://")
        common = ("run", "--target", url, "--key", KEY, "--service", "face", "--api-version", "v1.2",
                  "--phase", "stateful", "--scenario", "face-auth", "-q")
        good, _ = conformance(*common, "--ca-bundle", str(cert), "--report-dir", str(tmp_path / "a"))
        bad, took = conformance(*common, "--report-dir", str(tmp_path / "b"))
    assert good.returncode == 0, good.stdout + good.stderr
    assert bad.returncode == 3, bad.stdout + bad.stderr
    assert "TLS certificate verification failed" in bad.stdout + bad.stderr and "--ca-bundle" in bad.stderr
    assert took < 10


def _max_per_window(times: list[float], window: float = 1.0) -> int:
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] > window:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_rate_limit_keeps_a_run_inside_the_emulators_quota(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with emulator("--key", KEY, "--quota", "120/m", "--request-log", str(log)) as url:
        proc, _ = conformance(
            "run", "--target", url, "--key", KEY, "--rate-limit", "2/s", "--service", "face", "--api-version", "v1.2",
            "--phase", "stateful", "--scenario", "face-persongroup-train-poll", "--report-dir", str(tmp_path), "-q",
        )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    entries = read_log(log)
    times = sorted(e["time"] for e in entries)
    assert len(times) > 10 and _max_per_window(times) <= 2 + 1
    assert all(e["status"] != 429 for e in entries)
    data = json.loads((tmp_path / "conformance.json").read_text())
    assert data["result"]["throttles"] == 0 and data["result"]["findings"] == 0


def test_quota_429s_are_waited_out_and_never_judged(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with emulator("--key", KEY, "--quota", "4/s", "--request-log", str(log)) as url:
        proc, _ = conformance(
            "run", "--target", url, "--key", KEY, "--rate-limit", "none", "--service", "face", "--api-version", "v1.2",
            "--phase", "stateful", "--scenario", "face-persongroup-train-poll", "--report-dir", str(tmp_path), "-q",
        )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((tmp_path / "conformance.json").read_text())
    throttled = sum(e["status"] == 429 for e in read_log(log))
    assert throttled > 0 and data["result"]["throttles"] == throttled and data["result"]["findings"] == 0


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, set[str]]]:
    root = tmp_path_factory.mktemp("media")
    return root, make_media_dir(root)


@pytest.mark.parametrize(
    "service, version, scenario, kind, path_part",
    [
        ("face", "v1.2", "face-persongroup-train-poll", "faces", "/persistedfaces"),
        ("speaker", "2021-09-05", "speaker-identify", "speech", "/enrollments"),
    ],
)
def test_media_dir_uploads_the_users_files(media, tmp_path: Path, service, version, scenario, kind, path_part) -> None:
    root, hashes = media
    log = tmp_path / "requests.jsonl"
    with emulator("--key", KEY, "--request-log", str(log)) as url:
        proc, _ = conformance(
            "run", "--target", url, "--key", KEY, "--media-dir", str(root), "--service", service, "--api-version", version,
            "--phase", "stateful", "--scenario", scenario, "--report-dir", str(tmp_path), "-q",
        )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    uploads = {e["bytes-sha256"] for e in read_log(log) if path_part in e["path"] and e["method"] == "POST" and e["status"] < 300}
    assert uploads and uploads <= hashes[kind]


def test_voice_run_with_media_dir_passes(media, tmp_path: Path) -> None:
    root, _ = media
    proc, _ = conformance(
        "run", "--media-dir", str(root), "--service", "voice", "--api-version", "2026-01-01", "--phase", "stateful",
        "--scenario", "voice-personal-voice-train-poll", "--report-dir", str(tmp_path), "-q",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_media_dir_missing_a_selected_services_file_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "faces").mkdir()
    proc, took = conformance("run", "--media-dir", str(tmp_path), "--service", "face", "-q")
    assert proc.returncode == 2 and "faces" in proc.stderr and "*.jpg" in proc.stderr
    assert took < 10
