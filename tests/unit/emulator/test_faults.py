"""The fault mechanism of the core (emulator/faults.py): registry, catalogue, where faults apply.

The core knows no service: every fault comes from a service package, declares the API versions
it applies to (resolved against ``info.x-api-versions`` of its spec), and the pipeline applies a
service's faults to that service's requests only.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from cognitive_conformance.emulator import EmulatorConfig, faults
from cognitive_conformance.emulator.faults import FAULTS, Behaviour, Exchange, Fault, catalogue, describe_faults, register_fault, service_of, validate_fault_names
from cognitive_conformance.emulator.routing import Reply
from cognitive_conformance.emulator.services import registered_services
from tests.unit.emulator.conftest import H, make_client

ROOT = Path(__file__).resolve().parents[3]
CORE = sorted([*ROOT.glob("cognitive_conformance/emulator/*.py"), *ROOT.glob("cognitive_conformance/emulator/pipeline/*.py")])


def _spec_versions(service: str) -> list[str]:
    document = yaml.safe_load((ROOT / "cognitive_conformance" / "specs" / f"{service}.yaml").read_text(encoding="utf-8"))
    return [str(v) for v in document["info"]["x-api-versions"]]


def test_every_catalogue_entry_lists_concrete_versions_of_its_spec() -> None:
    entries = catalogue()
    assert {e["name"] for e in entries} == set(FAULTS) and len(entries) == len(FAULTS)
    for entry in entries:
        assert set(entry) == {"name", "service", "api_versions", "expected_check", "profile", "description", "breaks"}
        assert entry["profile"] in ("observed", "docs"), entry["name"]
        every = _spec_versions(entry["service"])
        assert entry["api_versions"], entry["name"]
        assert set(entry["api_versions"]) <= set(every), entry["name"]
        assert entry["api_versions"] == [v for v in every if v in entry["api_versions"]]  # oldest first, no repeats
        if not FAULTS[entry["name"]].api_versions:
            assert entry["api_versions"] == every


def test_catalogue_names_the_service_of_the_package_that_registers_each_fault() -> None:
    by_name = {e["name"]: e for e in catalogue()}
    services = {s.name for s in registered_services()}
    for name, cls in FAULTS.items():
        package = cls.__module__.split(".")
        assert package[:3] == ["cognitive_conformance", "emulator", "services"], f"{name} is defined outside a service package"
        assert by_name[name]["service"] == service_of(cls) in services
        assert by_name[name]["expected_check"] == cls.expected_check
    assert by_name["train-returns-200"]["service"] == "face"
    assert by_name["speaker-enrollment-count-stuck"]["service"] == "speaker"
    assert by_name["voice-create-returns-200"]["service"] == "customvoice"


def test_versions_follow_the_spec_where_an_operation_is_missing() -> None:
    """Faults on /operations (and its header) list only the versions whose spec has GetOperationResult."""
    document = yaml.safe_load((ROOT / "cognitive_conformance" / "specs" / "face.yaml").read_text(encoding="utf-8"))
    op_versions = None
    for path_item in document["paths"].values():
        for operation in path_item.values():
            if isinstance(operation, dict) and operation.get("operationId") == "GetOperationResult":
                op_versions = operation.get("x-api-versions")
    assert op_versions
    by_name = {e["name"]: e for e in catalogue()}
    assert by_name["operations-disagree"]["api_versions"] == op_versions
    assert by_name["drop-operation-location"]["api_versions"] == op_versions


def test_list_faults_cli_prints_the_catalogue_as_json() -> None:
    proc = subprocess.run([sys.executable, "-m", "cognitive_conformance.emulator", "--list-faults"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    printed = json.loads(proc.stdout)
    assert printed == catalogue()
    assert all(isinstance(e["api_versions"], list) and e["api_versions"] for e in printed)


def test_knob_faults_apply_to_every_version() -> None:
    """A Behaviour knob is per service, not per version, so a fault that turns one cannot claim fewer versions."""
    for cls in FAULTS.values():
        if cls.adjust is not Fault.adjust:
            assert cls.api_versions == (), cls.name
            assert cls.transform is Fault.transform, f"{cls.name}: one hook per fault"


def test_every_knob_is_used_by_some_fault_and_documented() -> None:
    source = (ROOT / "cognitive_conformance" / "emulator" / "faults.py").read_text(encoding="utf-8")
    faithful = Behaviour()
    turned: set[str] = set()
    for cls in FAULTS.values():
        after = cls().adjust(faithful)
        turned |= {f.name for f in fields(Behaviour) if getattr(after, f.name) != getattr(faithful, f.name)}
    assert turned == {f.name for f in fields(Behaviour)}
    for f in fields(Behaviour):
        assert f'{f.name}: ' in source and '"""' in source.split(f"    {f.name}:", 1)[1].splitlines()[1]


def test_no_fault_is_defined_in_the_core() -> None:
    """Core modules define no fault class (the imports of the core are checked by tests/test_layering.py)."""
    for path in CORE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                assert not any(getattr(b, "id", None) == "Fault" for b in node.bases), f"{path.name} defines fault {node.name}"


def test_core_errors_and_faults_name_no_service_code() -> None:
    for path in (ROOT / "cognitive_conformance" / "emulator" / "errors.py", ROOT / "cognitive_conformance" / "emulator" / "faults.py", ROOT / "cognitive_conformance" / "emulator" / "app.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        prose = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}  # docstrings, attribute docs
        code = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in prose]
        for text in code:
            assert not any(word in text for word in ("PersonGroup", "face", "speaker", "customvoice")), f"{path.name}: {text!r}"


def test_register_fault_rejects_a_fault_outside_a_service_and_bad_versions() -> None:
    class Orphan(Fault):
        name = "orphan"
        description = breaks = "x"
        expected_check = "some_check"

    with pytest.raises(TypeError, match="service package"):
        register_fault(Orphan)

    class BadVersions(Fault):
        name = "bad-versions"
        description = breaks = "x"
        expected_check = "some_check"
        service = "face"
        api_versions = "v1.2"  # type: ignore[assignment]

    with pytest.raises(TypeError, match="api_versions"):
        register_fault(BadVersions)
    assert "orphan" not in FAULTS and "bad-versions" not in FAULTS


def test_catalogue_rejects_a_version_its_spec_does_not_describe(monkeypatch: pytest.MonkeyPatch) -> None:
    class Misdated(Fault):
        name = "misdated"
        description = breaks = "x"
        expected_check = "some_check"
        service = "face"
        api_versions = ("v9.9",)

    monkeypatch.setitem(FAULTS, "misdated", Misdated)
    with pytest.raises(ValueError, match="v9.9"):
        catalogue()


def test_unknown_fault_names_list_the_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown fault\(s\): nope.*Valid faults: auth-ignored"):
        EmulatorConfig(faults=("nope",))
    with pytest.raises(ValueError):
        validate_fault_names(["train-returns-200", "bogus"])
    assert "train-returns-200: " in describe_faults()


class _Stamp(Fault):
    """Test fault: stamps every reply of its service, in the versions it lists."""

    name = "test-stamp"
    description = breaks = "stamps replies"
    expected_check = "none"
    service = "face"
    api_versions = ("v1.2",)

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        return replace(reply, headers={**reply.headers, "x-stamp": f"{exchange.service}:{exchange.version}"})


def test_pipeline_applies_a_transform_to_its_service_and_versions_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(FAULTS, _Stamp.name, _Stamp)
    client, _ = make_client(faults=(_Stamp.name,))
    assert client.get("/face/v1.2/persongroups", headers=H).headers.get("x-stamp") == "face:v1.2"
    assert "x-stamp" not in client.get("/face/v1.0/persongroups", headers=H).headers
    speaker = client.get("/speaker-recognition/identification/text-independent/profiles", params={"api-version": "2021-09-05"}, headers=H)
    assert speaker.status_code == 200 and "x-stamp" not in speaker.headers
    assert "x-stamp" not in client.get("/nowhere", headers=H).headers


def test_a_services_knob_fault_leaves_other_services_alone() -> None:
    client, _ = make_client(faults=("auth-ignored",))
    assert client.get("/face/v1.2/persongroups").status_code == 200
    speaker = client.get("/speaker-recognition/identification/text-independent/profiles", params={"api-version": "2021-09-05"})
    assert speaker.status_code == 401
    behaviours = client.app.state.behaviours
    assert behaviours["face"].enforce_auth is False
    assert all(b == Behaviour() for name, b in behaviours.items() if name != "face")


def test_a_services_reply_fault_leaves_other_services_alone() -> None:
    client, _ = make_client(faults=("drop-error-code-header",))
    assert "x-ms-error-code" not in client.get("/face/v1.2/persongroups/missing", headers=H).headers
    missing = "/speaker-recognition/identification/text-independent/profiles/00000000-0000-0000-0000-000000000001"
    speaker = client.get(missing, params={"api-version": "2021-09-05"}, headers=H)
    assert speaker.status_code == 404 and speaker.headers["x-ms-error-code"]


def test_fault_module_exports_only_the_mechanism() -> None:
    public: dict[str, Any] = {n: getattr(faults, n) for n in faults.__all__}
    assert not [n for n, v in public.items() if isinstance(v, type) and issubclass(v, Fault) and v is not Fault]


def test_every_service_has_its_spec_and_serves_its_versions() -> None:
    """Fault versions are resolved from specs/<service>.yaml, so each service's spec must exist and match it."""
    for service in registered_services():
        document = yaml.safe_load((ROOT / "cognitive_conformance" / "specs" / f"{service.name}.yaml").read_text(encoding="utf-8"))
        assert document["info"]["x-service"] == service.name
        assert list(service.versions.supported) == _spec_versions(service.name) == list(faults.spec_versions(service.name))
