"""The wheel: one import name, the data files the code reads, the declared dependencies.

Built offline from this checkout (``pip wheel --no-build-isolation``, with the setuptools of the
test extra) so the test needs no network.
"""

from __future__ import annotations

import email
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    (path,) = out.glob("cognitive_conformance-*.whl")
    with zipfile.ZipFile(path) as zf:
        yield zf


def test_the_wheel_installs_one_top_level_import_name(wheel: zipfile.ZipFile) -> None:
    tops = {name.split("/")[0] for name in wheel.namelist() if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"cognitive_conformance"}
    top_level = [n for n in wheel.namelist() if n.endswith(".dist-info/top_level.txt")]
    if top_level:  # setuptools writes it; when present it must agree
        assert wheel.read(top_level[0]).decode().split() == ["cognitive_conformance"]


def test_the_wheel_carries_the_files_the_code_reads(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for spec in ("face", "speaker", "customvoice"):
        assert f"cognitive_conformance/specs/{spec}.yaml" in names
    assert "cognitive_conformance/conformance/reports/report.schema.json" in names
    assert not [n for n in names if n.startswith("tests/") or "/tests/" in n]


def test_the_wheel_declares_what_the_checker_imports_and_no_test_tool(wheel: zipfile.ZipFile) -> None:
    (meta_name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    meta = email.message_from_bytes(wheel.read(meta_name))
    base = {r.split(";")[0].split(">")[0].split("<")[0].split("=")[0].strip().lower()
            for r in meta.get_all("Requires-Dist") or [] if "extra ==" not in r}
    assert {"schemathesis", "hypothesis", "httpx", "requests", "jsonschema", "pyyaml"} <= base
    # the servers (embedded emulator, proxy) and test tools are extras: the checker alone installs light
    assert not base & {"pytest", "pytest-xdist", "httptools", "uvloop", "junitparser", "starlette", "uvicorn", "python-multipart"}
    extras = set(meta.get_all("Provides-Extra") or [])
    assert {"emulator", "proxy", "aad", "pytest", "test"} <= extras
    assert meta["License-Expression"] == "MIT"
    # Schemathesis internals are used (conformance/stateless.py): the requirement carries an upper bound.
    (st,) = [r for r in meta.get_all("Requires-Dist") if r.lower().startswith("schemathesis")]
    assert "<" in st


@pytest.mark.parametrize("command", [["checks"], ["emulator", "--list-faults"]])
def test_folders_named_like_our_subpackages_in_the_working_directory_change_nothing(tmp_path: Path, command: list[str]) -> None:
    for name in ("conformance", "emulator", "strategies", "specs"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(f"raise ImportError('the user\\'s own {name} package was imported')\n")
    script = Path(sys.executable).with_name("conformance")
    proc = subprocess.run([str(script), *command], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "the user's own" not in proc.stderr

def test_installing_the_wheel_into_a_clean_venv_adds_only_the_namespace(wheel: zipfile.ZipFile, tmp_path: Path) -> None:
    """``pip install`` of the wheel (dependencies left out: they are other projects' names) into a new venv."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    before = set(p.name for p in site.iterdir())
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index", "-q", wheel.filename],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    added = set(p.name for p in site.iterdir()) - before
    assert {n for n in added if not n.endswith(".dist-info")} == {"cognitive_conformance"}, added
    assert len([n for n in added if n.endswith(".dist-info")]) == 1
    assert (venv / "bin" / "conformance").exists()
