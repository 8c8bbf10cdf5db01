"""The emulator as a container runs it: configured by environment variables, probed on /healthz,
and the checker installed without the [emulator] extra says what to install.

No Docker daemon is needed: the Dockerfile's ENTRYPOINT is run here with its ENV (host and port
moved to loopback and a free port, as network tests stay on loopback).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import httpx
import pytest

from tests.e2e.emulator_proc import conformance

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("conformance")


def _dockerfile() -> tuple[list[str], dict[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    (entry,) = re.findall(r"^ENTRYPOINT\s+(\[.*\])\s*$", text, re.M)
    env: dict[str, str] = {}
    for line in re.findall(r"^ENV\s+(.*)$", text, re.M):
        env.update(pair.split("=", 1) for pair in shlex.split(line))
    import json

    return json.loads(entry), env


def _start(args: list[str], env: dict[str, str], keys: int) -> tuple[subprocess.Popen[str], str, list[str]]:
    command, _ = _dockerfile()
    assert command[0] == "conformance"
    proc = subprocess.Popen([str(SCRIPT), *command[1:], *args], env={**os.environ, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [proc.stdout.readline()]
    match = re.search(r"listening on (http://\S+)", lines[0])
    assert match, lines[0] + proc.stderr.read()
    lines += [proc.stdout.readline() for _ in range(keys)]  # one "subscription key:" line per key
    return proc, match.group(1), lines


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    assert proc.wait(timeout=10) == 0
    proc.stdout.close()
    proc.stderr.close()


def test_the_dockerfile_entrypoint_is_configured_by_its_environment_variables() -> None:
    _, image_env = _dockerfile()
    assert image_env["CONFORMANCE_EMULATOR_HOST"] == "0.0.0.0" and image_env["CONFORMANCE_EMULATOR_PORT"] == "5000"
    env = {**image_env, "CONFORMANCE_EMULATOR_HOST": "127.0.0.1", "CONFORMANCE_EMULATOR_PORT": "0",
           "CONFORMANCE_EMULATOR_KEYS": "key-one, key-two", "CONFORMANCE_EMULATOR_TRAINING_SECONDS": "0.2",
           "CONFORMANCE_EMULATOR_FAULTS": "train-returns-200"}
    proc, url, lines = _start([], env, keys=2)
    try:
        assert lines[1:] == ["subscription key: key-one\n", "subscription key: key-two\n"]
        health = httpx.get(f"{url}/healthz", timeout=5)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert set(health.json()["services"]) == {"face", "speaker", "customvoice"}
        base = f"{url}/face/v1.2/persongroups/docker-env"
        assert httpx.get(base, timeout=5).status_code == 401  # everything else still needs a key
        headers = {"Ocp-Apim-Subscription-Key": "key-two"}
        assert httpx.put(base, json={"name": "g"}, headers=headers, timeout=5).status_code == 200
        # the fault named in CONFORMANCE_EMULATOR_FAULTS is on: train answers 200 instead of 202
        assert httpx.post(f"{base}/train", headers=headers, timeout=5).status_code == 200
    finally:
        _stop(proc)


def _once_served(call: "Callable[[], httpx.Response]") -> httpx.Response:
    """``call()`` once a worker accepts (the address is announced before the workers serve)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return call()
        except httpx.TransportError:
            assert time.monotonic() < deadline, "no worker served within 30 s"
            time.sleep(0.1)


def test_the_image_keeps_its_state_on_the_data_volume_across_restarts(tmp_path: Path) -> None:
    """What the README's ``docker run -v emulator-data:/data -e CONFORMANCE_EMULATOR_DATA_DIR=/data`` line does."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r'^VOLUME \["/data"\]$', text, re.M) and "chown emulator /data" in text
    _, image_env = _dockerfile()
    assert "CONFORMANCE_EMULATOR_DATA_DIR" not in image_env  # in memory unless the user sets it
    env = {**image_env, "CONFORMANCE_EMULATOR_HOST": "127.0.0.1", "CONFORMANCE_EMULATOR_PORT": "0",
           "CONFORMANCE_EMULATOR_DATA_DIR": str(tmp_path / "data"), "CONFORMANCE_EMULATOR_WORKERS": "2"}
    headers = {"Ocp-Apim-Subscription-Key": "1f0e2d3c4b5a69788796a5b4c3d2e1f0"}
    proc, url, lines = _start([], env, keys=2)  # the key line, then the data dir line
    try:
        assert lines[2] == f"data dir: {tmp_path / 'data'} (2 workers)\n"
        _once_served(lambda: httpx.get(f"{url}/healthz", timeout=5))  # a timed-out PUT could still be served later: wait on a read
        created = httpx.put(f"{url}/face/v1.2/persongroups/kept", json={"name": "kept"}, headers=headers, timeout=30)
        assert created.status_code == 200, created.text
    finally:
        _stop(proc)
    del env["CONFORMANCE_EMULATOR_WORKERS"]  # the data dir is what keeps the state, not the workers
    proc, url, _ = _start([], env, keys=2)
    try:
        kept = _once_served(lambda: httpx.get(f"{url}/face/v1.2/persongroups/kept", headers=headers, timeout=5))
        assert kept.status_code == 200 and kept.json()["name"] == "kept"
    finally:
        _stop(proc)


def test_a_flag_wins_over_its_environment_variable() -> None:
    proc, url, lines = _start(["--key", "from-flag"], {"CONFORMANCE_EMULATOR_HOST": "127.0.0.1",
                                                       "CONFORMANCE_EMULATOR_PORT": "0",
                                                       "CONFORMANCE_EMULATOR_KEYS": "from-env"}, keys=1)
    try:
        assert lines[1] == "subscription key: from-flag\n" and "from-env" not in "".join(lines)
        headers = {"Ocp-Apim-Subscription-Key": "from-env"}
        assert httpx.get(f"{url}/face/v1.2/persongroups", headers=headers, timeout=5).status_code == 401
    finally:
        _stop(proc)


def test_a_bad_environment_value_is_a_usage_error() -> None:
    proc, _ = conformance("emulator", env={**os.environ, "CONFORMANCE_EMULATOR_PORT": "not-a-port"})
    assert proc.returncode == 2 and "invalid port" in proc.stderr and "Traceback" not in proc.stderr


def test_the_embedded_emulator_ignores_the_container_variables(tmp_path: Path) -> None:
    """A fault set for a standalone emulator must not leak into the run's own embedded one."""
    env = {**os.environ, "CONFORMANCE_EMULATOR_FAULTS": "train-returns-200", "CONFORMANCE_EMULATOR_KEYS": "x"}
    proc, _ = conformance("run", "--service", "face", "--api-version", "v1.2", "--phase", "stateful",
                          "--scenario", "face-persongroup-train-poll", "--report-dir", str(tmp_path), env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr


BLOCK = """
import sys
class _Missing:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"starlette", "uvicorn", "python_multipart", "multipart"}:
            raise ModuleNotFoundError(name)
        return None
sys.meta_path.insert(0, _Missing())
"""


@pytest.mark.parametrize(
    ("args", "extra"),
    [(["emulator", "--list-faults"], "emulator"), (["run", "--service", "face"], "emulator"),
     (["proxy", "--target", "http://127.0.0.1:9"], "proxy")],
)
def test_without_the_server_extras_the_checker_names_what_to_install(tmp_path: Path, args: list[str], extra: str) -> None:
    (tmp_path / "sitecustomize.py").write_text(BLOCK)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    proc, _ = conformance(*args, "--report-dir", str(tmp_path / "r"), env=env) if args[0] == "run" else conformance(*args, env=env)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"pip install 'cognitive-conformance[{extra}]'" in proc.stderr
    assert "Traceback" not in proc.stderr
    # the checker itself still works: it lists its rules without any server library
    listed, _ = conformance("checks", env=env)
    assert listed.returncode == 0 and "error_envelope" in listed.stdout
