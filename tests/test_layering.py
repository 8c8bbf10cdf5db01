"""The import rule, checked on the AST of every module.

`conformance/` may import `strategies/` and read `specs/`, never `emulator/`; `emulator/`
never imports `conformance/` or `strategies/`; `strategies/` never imports `emulator/` and
does no HTTP. (ARCHITECTURE.md, "The import rule".)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "cognitive_conformance"
PREFIX = "cognitive_conformance."
FORBIDDEN = {
    "conformance": {"emulator"},
    "emulator": {"conformance", "strategies"},
    "strategies": {"emulator", "httpx", "requests"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in {
            "import_module",
            "__import__",
        }:
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return [(line, name[len(PREFIX):] if name.startswith(PREFIX) else name) for line, name in found]


def _violations(package: str) -> list[str]:
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for lineno, name in _imports(path):
            if name.split(".")[0] in FORBIDDEN[package]:
                bad.append(f"{path.relative_to(ROOT)}:{lineno} imports {name}")
    return bad


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layering_forbidden_imports_absent(package: str) -> None:
    assert (ROOT / package).is_dir()
    assert _violations(package) == []


def test_layering_detector_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "m.py"
    bad.write_text("import os\nfrom cognitive_conformance.emulator.app import create_app\nimport importlib\nimportlib.import_module('cognitive_conformance.emulator')\n")
    names = [name for _, name in _imports(bad)]
    assert "emulator.app" in names and "emulator" in names


def _core_service_imports() -> list[str]:
    """Imports of a service package (``emulator.services.<svc>``) from the emulator core (everything outside services/)."""
    bad = []
    for path in sorted((ROOT / "cognitive_conformance" / "emulator").rglob("*.py")):
        if (ROOT / "cognitive_conformance" / "emulator" / "services") in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module == "cognitive_conformance.emulator.services":
                names = [f"cognitive_conformance.emulator.services.{alias.name}" for alias in node.names if alias.name != "registered_services"]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            bad += [f"{path.relative_to(ROOT)}:{node.lineno} imports {n}" for n in names if n.startswith("cognitive_conformance.emulator.services.")]
    return bad


def test_emulator_core_reaches_services_only_through_the_registry() -> None:
    """The core (pipeline, routing, faults mechanism, errors, ...) names no service: it gets them from
    ``emulator.services.registered_services()`` (ARCHITECTURE.md, "The emulator")."""
    assert _core_service_imports() == []
