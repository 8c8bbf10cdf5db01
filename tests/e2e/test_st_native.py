"""Our specs in a user's own Schemathesis run: ``conformance spec render``, plain ``st run`` following the
document's links, and ``cognitive_conformance.st_extension`` in the Schemathesis CLI and in ``schemathesis.pytest``.

Every Schemathesis run here is the installed ``st`` (or pytest) in a subprocess against an emulator process
over loopback HTTP, with an explicit ``--config-file`` so no ``schemathesis.toml`` of the machine is picked
up. The README lines (README.md "In your own Schemathesis run") are taken verbatim; only the emulator's port
is substituted.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import yaml

from cognitive_conformance.conformance import cli, spec_render
from cognitive_conformance.conformance.embedded import embedded_emulator

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent
DEV_KEY = "1f0e2d3c4b5a69788796a5b4c3d2e1f0"
KEY = "cc-st-native-key-5f1c9a0e7d2b"  # not the well-known key: the tests look for it in every output
FAULT = "error-without-message"  # Face errors lose error.message: breaks error_envelope_valid

RENDER_LINE = ".venv/bin/conformance spec render --service face --api-version v1.2 -o face.yaml"
EMULATOR_LINE = ".venv/bin/conformance emulator --port 5000"
ST_LINE = ("SCHEMATHESIS_HOOKS=cognitive_conformance.st_extension .venv/bin/st run face.yaml --url http://127.0.0.1:5000 "
           '-H "Ocp-Apim-Subscription-Key: 1f0e2d3c4b5a69788796a5b4c3d2e1f0" --max-examples 5 --exclude-checks ensure_resource_availability')


def _argv(line: str, **subs: str) -> tuple[list[str], dict[str, str]]:
    """A README line as argv and environment: leading NAME=value words set the environment, .venv/bin/ is ours."""
    for old, new in subs.items():
        line = line.replace(old, new)
    words = shlex.split(line)
    env = dict(os.environ)
    while "=" in words[0] and not words[0].startswith((".", "/")):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    assert words[0].startswith(".venv/bin/")
    return [str(BIN / words[0][len(".venv/bin/"):]), *words[1:]], env


@contextmanager
def _readme_emulator(cwd: Path) -> Iterator[str]:
    """The README's emulator line on a free port (its own session, stopped by its process group); yields the port."""
    argv, env = _argv(EMULATOR_LINE, **{"--port 5000": "--port 0"})
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        match = re.search(r"listening on (https?://\S+)", proc.stdout.readline())
        assert match, proc.stderr.read()
        yield match.group(1).rsplit(":", 1)[1]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


def _st(cwd: Path, *args: str, config: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed ``st`` with only ``config`` (no schemathesis.toml found elsewhere) and no hooks unless ``env`` names them."""
    (cwd / "st.toml").write_text(config, encoding="utf-8")
    if env is None:
        env = {k: v for k, v in os.environ.items() if k != "SCHEMATHESIS_HOOKS"}
    return subprocess.run([str(BIN / "st"), "--config-file", str(cwd / "st.toml"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """face.yaml as the README's render line writes it (run once for the module)."""
    cwd = tmp_path_factory.mktemp("render")
    argv, env = _argv(RENDER_LINE)
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return cwd / "face.yaml"


def _render(cwd: Path, rendered: Path) -> dict:
    text = rendered.read_text(encoding="utf-8")
    (cwd / "face.yaml").write_text(text, encoding="utf-8")
    return yaml.safe_load(text)


def _stateful_steps(report_dir: Path) -> list[dict]:
    """Every stateful step Schemathesis recorded in its ndjson report: link, whether applied, response status."""
    (path,) = report_dir.glob("*.ndjson")
    steps = []
    for line in path.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        finished = event.get("ScenarioFinished")
        if not finished or finished["phase"] != "stateful":
            continue
        recorder = finished["recorder"]
        for case_id, case in recorder.get("cases", {}).items():
            response = recorder.get("interactions", {}).get(case_id, {}).get("response") or {}
            steps.append({"transition": case.get("transition"), "applied": case["is_transition_applied"],
                          "status": response.get("status_code")})
    return steps


# ------------------------------------------------------------------------------------------ conformance spec render


def test_the_lines_are_in_the_readme() -> None:
    for line in (RENDER_LINE, EMULATOR_LINE, ST_LINE):
        assert line in README
    block = README.split("<!-- st-commands:", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    assert block.splitlines() == [RENDER_LINE, EMULATOR_LINE, ST_LINE]


def test_the_readme_names_every_registered_check() -> None:
    from cognitive_conformance import st_extension

    section = README.split("### In your own Schemathesis run", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(cc_[a-z_]+)`", section))
    assert named == {c.__name__ for c in st_extension.CHECKS}


def test_spec_render_writes_the_standalone_document(rendered: Path, tmp_path: Path) -> None:
    document = _render(tmp_path, rendered)
    assert document == json.loads(json.dumps(spec_render.standalone("face", "v1.2", "observed")))
    cli_list_line = ".venv/bin/conformance spec render --service face -o face.yaml"  # README "Using the CLI"
    assert cli_list_line in README
    argv, env = _argv(cli_list_line)
    (tmp_path / "face.yaml").unlink()
    assert subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, timeout=60).returncode == 0
    assert yaml.safe_load((tmp_path / "face.yaml").read_text(encoding="utf-8")) == document  # v1.2 is the default
    argv, env = _argv(".venv/bin/conformance spec render --service voice --profile docs --format json --server http://127.0.0.1:5000")
    proc = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    voice = json.loads(proc.stdout)
    assert voice["servers"] == [{"url": "http://127.0.0.1:5000"}]
    assert (voice["info"]["x-service"], voice["info"]["x-profile"]) == ("customvoice", "docs")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--service", "fce"], "unknown service 'fce'; known: customvoice (also voice, custom-voice); face; speaker"),
        (["--service", "face", "--api-version", "v9"], "valid versions: v1.0, v1.1-preview.1, v1.2-preview.1, v1.2"),
        (["--service", "face", "--profile", "strict"], "valid profiles: observed, docs"),
        (["--service", "face", "--server", "127.0.0.1:5000"], "--server must be an absolute http(s) URL"),
        (["--service", "face", "-o", "no-such-dir/face.yaml"], "cannot write no-such-dir/face.yaml"),
    ],
)
def test_spec_render_usage_errors_exit_2_with_one_line(args: list[str], message: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["spec", "render", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and message in captured.err and "Traceback" not in captured.err


# ------------------------------------------------------------------------------------------ plain st run, our links


@pytest.mark.slow
def test_plain_st_run_follows_the_documents_links(rendered: Path, tmp_path: Path) -> None:
    document = _render(tmp_path, rendered)
    links = {link.name for link in spec_render.derive_links(document)}
    # Schemathesis' positive_data_acceptance does not apply where a schema-valid request is still rejected by the
    # documented semantics (x-semantic-rejections: Face add-face 400 InvalidImage / InvalidImageSize for bytes that
    # are no decodable image with one face, InvalidURL for an image URL that cannot be downloaded, BadArgument for a
    # targetFace outside the image): plain st draws random bytes and URLs, so it is disabled for those operations
    # only. Link inference is off and the stateful phase gets 30 scenarios, so its budget goes to the document's
    # own links, which is what this test is about.
    excused = [op["operationId"] for item in document["paths"].values() for op in item.values()
               if isinstance(op, dict) and op.get("x-semantic-rejections")]
    assert excused
    config = "".join(f'[[operations]]\ninclude-operation-id = "{o}"\nchecks.positive_data_acceptance.enabled = false\n\n' for o in excused)
    # A PersonDirectory person or face answered 202 exists for reads once its operation succeeded (specs/face.yaml
    # PersonDirectoryOperations_CreatePerson): Schemathesis' "created resource is available at once" (ST302) reads it
    # right away, so that check is off for those creates and the reads of what they create.
    pending = ("PersonDirectoryOperations_CreatePerson", "PersonDirectoryOperations_AddPersonFace",
               "PersonDirectoryOperations_GetPerson", "PersonDirectoryOperations_GetPersonFace")
    config += "".join(f'[[operations]]\ninclude-operation-id = "{o}"\nchecks.ensure_resource_availability.enabled = false\n\n' for o in pending)
    config += "[phases.stateful]\ninference.algorithms = []\ngeneration.max-examples = 30\n"
    with embedded_emulator(key=KEY, training_seconds=0.3) as url:
        # Schemathesis starts stateful scenarios from POSTs and lists, never from a PUT, and every Face create
        # of a top-level resource is a PUT: one resource of each kind exists before the run, as in a used tenant.
        with httpx.Client(base_url=url, headers={"Ocp-Apim-Subscription-Key": KEY}) as client:
            for kind in ("persongroups", "largepersongroups", "facelists", "largefacelists"):
                assert client.put(f"/face/v1.2/{kind}/cc-st-seed", json={"name": "seed"}).status_code == 200
        proc = _st(tmp_path, "run", "face.yaml", "--url", url, "-H", f"Ocp-Apim-Subscription-Key: {KEY}",
                   "--max-examples", "2", "--seed", "1", "--report", "ndjson", "--report-dir", "st-report", config=config)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "Stateful" in proc.stdout
    steps = _stateful_steps(tmp_path / "st-report")
    linked = [s for s in steps if s["transition"] and s["applied"] and 200 <= (s["status"] or 0) < 300]
    assert linked, "the stateful phase made no call through a link"
    for step in linked:
        assert not step["transition"]["is_inferred"]
        assert step["transition"]["id"].split(" -> ")[1].split("] ", 1)[1] in links
    reports = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "st-report").iterdir())
    assert KEY not in proc.stdout + proc.stderr + reports


# ------------------------------------------------------------------------------------------ the extension module


@pytest.fixture(scope="module")
def emulators() -> Iterator[dict[str, str]]:
    """A faithful emulator and one with the fault, each accepting our key and the well-known one."""
    with embedded_emulator(key=(KEY, DEV_KEY), training_seconds=0.3) as faithful:
        with embedded_emulator(key=(KEY, DEV_KEY), training_seconds=0.3, faults=(FAULT,)) as faulty:
            yield {"faithful": faithful, "faulty": faulty}


@pytest.mark.parametrize("target", ["faithful", "faulty"])
def test_st_cli_with_the_hooks_module_judges_by_our_rule(target: str, emulators: dict[str, str], rendered: Path, tmp_path: Path) -> None:
    _render(tmp_path, rendered)
    env = dict(os.environ, SCHEMATHESIS_HOOKS="cognitive_conformance.st_extension")
    proc = _st(tmp_path, "run", "face.yaml", "--url", emulators[target], "-H", f"Ocp-Apim-Subscription-Key: {KEY}",
               "--max-examples", "2", "--seed", "1", "--phases", "coverage,fuzzing", "-c", "cc_error_envelope_valid",
               "--include-operation-id", "PersonGroupOperations_GetPersonGroup", env=env)
    output = proc.stdout + proc.stderr
    assert KEY not in output
    if target == "faithful":
        assert proc.returncode == 0, output[-4000:]
        return
    assert proc.returncode == 1, output[-4000:]
    assert "Custom check failed: `cc_error_envelope_valid`" in output
    assert "Rule: error_envelope_valid (error; face v1.2, observed profile)" in output
    assert "'message' is missing or not a string" in output
    assert "Source: Face https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group" in output


@pytest.mark.slow
def test_the_readme_lines_run_as_written(rendered: Path, tmp_path: Path) -> None:
    _render(tmp_path, rendered)
    with _readme_emulator(tmp_path) as port:
        argv, env = _argv(ST_LINE, **{"127.0.0.1:5000": f"127.0.0.1:{port}"})
        (tmp_path / "st.toml").write_text("", encoding="utf-8")
        proc = subprocess.run([argv[0], "--config-file", str(tmp_path / "st.toml"), *argv[1:]], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    for phase in ("Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in proc.stdout


def _readme_pytest_module(url: str) -> str:
    block = README.split("<!-- st-pytest:", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    assert "http://127.0.0.1:5000" in block
    return block.replace("http://127.0.0.1:5000", url)


@pytest.mark.parametrize("target", ["faithful", "faulty"])
def test_the_readme_pytest_module_runs_our_checks(target: str, emulators: dict[str, str], rendered: Path, tmp_path: Path) -> None:
    _render(tmp_path, rendered)
    (tmp_path / "test_face.py").write_text(_readme_pytest_module(emulators[target]), encoding="utf-8")
    # --assert=plain and no pytest plugin of ours: rewriting the assertions of every module the plugins import
    # costs seconds and is not what this test is about
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "--assert=plain", "-p", "no:cacheprovider", "-p", "no:xdist",
                           "-p", "no:cognitive_conformance", "--rootdir", str(tmp_path), "test_face.py"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    output = proc.stdout + proc.stderr
    if target == "faithful":
        assert proc.returncode == 0, output[-4000:]
        assert "4 passed" in output  # PUT, GET, PATCH, DELETE of a person group
        return
    assert proc.returncode == 1, output[-4000:]
    assert "Custom check failed: `cc_error_envelope_valid`" in output
    assert "Rule: error_envelope_valid" in output and "Source: Face https://learn.microsoft.com/" in output
