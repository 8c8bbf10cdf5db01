"""A live run touches only what it owns and leaves nothing behind.

The emulator plays a user's resource that already holds data (a person group with a person, a
Speaker profile, a Custom Voice project); its request log (``--request-log``) shows every
request the checker sent. The CLI runs as a user runs it, through the installed console script.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest

from cognitive_conformance.conformance.ledger import pending, read_lines
from cognitive_conformance.conformance.spec import Spec, api_versions
from cognitive_conformance.emulator.config import EmulatorConfig
from cognitive_conformance.emulator.server import running

pytestmark = pytest.mark.e2e
KEY = "0wned0000000000000000000000000001"
H = {"Ocp-Apim-Subscription-Key": KEY}
EXE = Path(sys.executable).parent / "conformance"
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
SPEAKER = "/speaker-recognition/identification/text-independent/profiles"
WRITES = {"PUT", "POST", "PATCH", "DELETE"}


def _cli(*args: str, cwd: Path | None = None, timeout: float = 400) -> subprocess.CompletedProcess[str]:
    assert EXE.exists(), f"the console script is not installed next to {sys.executable}"
    env = {**os.environ, "CONFORMANCE_KEY": KEY}
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env)


def _seed(url: str) -> dict[str, str]:
    """The user's own data, made before the checker runs."""
    with httpx.Client(base_url=url, headers=H) as c:
        assert c.put("/face/v1.2/persongroups/user-group", json={"name": "mine"}).status_code == 200
        person = c.post("/face/v1.2/persongroups/user-group/persons", json={"name": "me"}).json()["personId"]
        profile = c.post(SPEAKER, params={"api-version": "2021-09-05"}, json={"locale": "en-us"}).json()["profileId"]
        project = c.put("/customvoice/projects/user-project", params={"api-version": "2024-02-01-preview"},
                        json={"kind": "PersonalVoice"})
        assert project.status_code == 201, project.text
    return {"person": person, "profile": profile}


def _user_data_intact(url: str, seeded: dict[str, str]) -> None:
    with httpx.Client(base_url=url, headers=H) as c:
        assert c.get("/face/v1.2/persongroups/user-group").json()["name"] == "mine"
        assert c.get(f"/face/v1.2/persongroups/user-group/persons/{seeded['person']}").json()["name"] == "me"
        assert c.get(f"{SPEAKER}/{seeded['profile']}", params={"api-version": "2021-09-05"}).status_code == 200
        assert c.get("/customvoice/projects/user-project", params={"api-version": "2024-02-01-preview"}).status_code == 200


def _listed(url: str, prefix: str) -> list[str]:
    """Every resource whose id starts with ``prefix``, listed through the API."""
    found: list[str] = []
    with httpx.Client(base_url=url, headers=H) as c:
        for kind, key in (("persongroups", "personGroupId"), ("largepersongroups", "largePersonGroupId"),
                          ("facelists", "faceListId"), ("largefacelists", "largeFaceListId")):
            found += [g[key] for g in c.get(f"/face/v1.2/{kind}", params={"top": 1000}).json() if g[key].startswith(prefix)]
        profiles = c.get(SPEAKER, params={"api-version": "2021-09-05", "maxpagesize": 500}).json()["value"]
        found += [p["profileId"] for p in profiles]  # the user's one is removed by the caller
        for kind in ("projects", "consents", "personalvoices", "trainingsets", "models", "endpoints"):
            items = c.get(f"/customvoice/{kind}", params={"api-version": "2024-02-01-preview", "maxpagesize": 500}).json()["value"]
            # endpoint ids are UUIDs: the run's prefix is on their displayName
            found += [i["id"] for i in items if str(i.get("displayName" if kind == "endpoints" else "id")).startswith(prefix)]
    return found


def _templates() -> list[re.Pattern[str]]:
    from cognitive_conformance.conformance.ownership import resource_parameters

    out = []
    for service in ("face", "speaker", "customvoice"):
        for version in api_versions(service):
            spec = Spec(service, version, "observed")
            resources = resource_parameters(spec.document)  # not e.g. Face's {recognitionModel}: no resource of its own
            for op in spec.operations():
                pieces = re.split(r"\{([^{}]+)\}", op.path)
                regex = "".join(re.escape(p) if i % 2 == 0 else ("([^/]*)" if p in resources else "[^/]*") for i, p in enumerate(pieces))
                out.append(re.compile(regex))
    return sorted(set(out), key=lambda p: -len(p.pattern))


def _ids_in(path: str, templates: list[re.Pattern[str]]) -> list[str] | None:
    for pattern in templates:
        match = pattern.fullmatch(path.rstrip("/"))  # POST /profiles/ is the collection
        if match:
            return [unquote(v) for v in match.groups()]
    return None


def _log(file: Path, start: int = 0) -> list[dict]:
    return [json.loads(line) for line in file.read_text().splitlines()[start:]] if file.exists() else []


def test_a_full_run_writes_only_to_what_it_owns_and_leaves_nothing(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with running(EmulatorConfig(keys=(KEY,), training_seconds=0.2, request_log=str(log))) as url:
        seeded = _seed(url)
        before = len(_log(log))
        proc = _cli("run", "--target", url, "--api-version", "v1.2", "--api-version", "2021-09-05",
                    "--api-version", "2024-02-01-preview", "--max-examples", "2", "--poll-interval", "0.1",
                    "--report-dir", str(tmp_path / "r"), "-q")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        run_id = json.loads((tmp_path / "r" / "conformance.json").read_text())["runId"]
        prefix = f"cc-{run_id}-"
        templates = _templates()
        writes = [r for r in _log(log, before) if r["method"] in WRITES]
        assert len(writes) > 200
        foreign = []
        for r in writes:
            ids = _ids_in(r["path"], templates)
            assert ids is not None, f"a write to a path no spec describes: {r}"
            foreign += [(r["method"], r["path"]) for i in ids
                        if not (i.startswith(prefix) or (UUID.fullmatch(i) and i not in seeded.values()))]
        assert foreign == []
        _user_data_intact(url, seeded)
        left = [i for i in _listed(url, prefix) if i != seeded["profile"]]
        assert left == []
        ledger = read_lines(tmp_path / "r" / "ledger.jsonl")
        assert sum("deleted" not in line for line in ledger) > 20 and pending(ledger) == []
        assert {line["service"] for line in ledger} == {"face", "speaker", "customvoice"}
        assert KEY not in (tmp_path / "r" / "ledger.jsonl").read_text()


def test_a_killed_run_is_swept_by_its_ledger(tmp_path: Path) -> None:
    with running(EmulatorConfig(keys=(KEY,), training_seconds=3)) as url:
        ledger = tmp_path / "ledger.jsonl"
        run = subprocess.Popen(
            [str(EXE), "run", "--target", url, "--key", KEY, "--service", "face", "--service", "voice",
             "--api-version", "v1.2", "--api-version", "2024-02-01-preview", "--phase", "stateful",
             "--poll-timeout", "60", "--report-dir", str(tmp_path), "-q"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        try:
            # Wait for creates, then for a quiet moment (the scenarios are polling training), and kill -9.
            deadline, last, quiet_since = time.monotonic() + 120, -1, time.monotonic()
            while time.monotonic() < deadline:
                size = ledger.stat().st_size if ledger.exists() else 0
                if size != last:
                    last, quiet_since = size, time.monotonic()
                creates = [l for l in read_lines(ledger) if "deleted" not in l] if size else []
                if len(creates) >= 3 and time.monotonic() - quiet_since > 0.7:
                    break
                time.sleep(0.1)
            os.killpg(run.pid, signal.SIGKILL)
        finally:
            run.wait(timeout=30)
        lines = read_lines(ledger)
        run_id = lines[0]["runId"]
        assert pending(lines), "the run was killed after it had deleted everything: nothing to sweep"
        assert _listed(url, f"cc-{run_id}-"), "the killed run left nothing on the target"
        proc = _cli("cleanup", "--target", url, "--key", KEY, "--ledger", str(ledger))
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert re.search(r"^\d+ resource\(s\) deleted$", proc.stdout, re.M), proc.stdout
        assert _listed(url, f"cc-{run_id}-") == []
        assert pending(read_lines(ledger)) == []
        again = _cli("cleanup", "--target", url, "--key", KEY, "--ledger", str(ledger))
        assert again.returncode == 0 and again.stdout.strip() == "0 resource(s) deleted", again.stdout


def test_cleanup_by_prefix_refuses_a_prefix_without_cc_and_dry_run_deletes_nothing(tmp_path: Path) -> None:
    with running(EmulatorConfig(keys=(KEY,), training_seconds=0.2)) as url:
        with httpx.Client(base_url=url, headers=H) as c:
            for gid in ("cc-dry123-a", "cc-dry123-b", "dry123-mine"):
                assert c.put(f"/face/v1.2/largepersongroups/{gid}", json={"name": gid}).status_code == 200
            assert c.put("/customvoice/projects/cc-dry123-p", params={"api-version": "2024-02-01-preview"},
                         json={"kind": "PersonalVoice"}).status_code == 201
        refused = _cli("cleanup", "--target", url, "--key", KEY, "--prefix", "dry123-")
        assert refused.returncode == 2 and "must start with 'cc-'" in refused.stderr, refused.stderr
        dry = _cli("cleanup", "--target", url, "--key", KEY, "--prefix", "cc-dry123-", "--dry-run")
        assert dry.returncode == 0, dry.stdout + dry.stderr
        assert "would delete /face/v1.2/largepersongroups/cc-dry123-a" in dry.stdout
        assert "would delete /customvoice/projects/cc-dry123-p" in dry.stdout
        assert dry.stdout.strip().endswith("3 resource(s) would delete")
        assert sorted(_listed(url, "cc-dry123-")) == ["cc-dry123-a", "cc-dry123-b", "cc-dry123-p"]
        real = _cli("cleanup", "--target", url, "--key", KEY, "--prefix", "cc-dry123-")
        assert real.returncode == 0 and "deleted /face/v1.2/largepersongroups/cc-dry123-b" in real.stdout, real.stdout
        assert _listed(url, "cc-dry123-") == []
        with httpx.Client(base_url=url, headers=H) as c:
            assert c.get("/face/v1.2/largepersongroups/dry123-mine").status_code == 200


def test_read_only_sends_only_gets(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with running(EmulatorConfig(keys=(KEY,), training_seconds=0.2, request_log=str(log))) as url:
        proc = _cli("run", "--target", url, "--read-only", "--api-version", "v1.2", "--api-version", "2021-09-05",
                    "--api-version", "2024-02-01-preview", "--max-examples", "1", "--report-dir", str(tmp_path / "r"), "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    methods = [r["method"] for r in _log(log)]
    assert len(methods) > 100 and set(methods) == {"GET"}
    data = json.loads((tmp_path / "r" / "conformance.json").read_text())
    assert {s["scenario"] for s in data["scenarios"]} == {"face-auth", "speaker-auth", "voice-auth"}


def test_use_existing_reads_the_named_group_and_writes_nothing_to_it(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with running(EmulatorConfig(keys=(KEY,), training_seconds=0.2, request_log=str(log))) as url:
        seeded = _seed(url)
        before = len(_log(log))
        proc = _cli("run", "--target", url, "--service", "face", "--api-version", "v1.2", "--phase", "stateful",
                    "--use-existing", "face:persongroup=user-group", "--report-dir", str(tmp_path / "r"), "-q")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        requests = _log(log, before)
        _user_data_intact(url, seeded)
    touching = [r for r in requests if "/user-group" in r["path"]]
    assert {(r["method"], r["path"]) for r in touching} == {
        ("GET", "/face/v1.2/persongroups/user-group"),
        ("GET", "/face/v1.2/persongroups/user-group/training"),
        ("GET", "/face/v1.2/persongroups/user-group/persons"),
    }
    data = json.loads((tmp_path / "r" / "conformance.json").read_text())
    assert any(s["scenario"] == "use-existing" and s["passed"] for s in data["scenarios"])


@pytest.mark.parametrize(
    "args, message",
    [
        (("--use-existing", "face:nosuchkind=x"), "face has no kind 'nosuchkind'; known: persongroup"),
        (("--use-existing", "face-persongroup"), "expected SERVICE:KIND=ID"),
        (("--read-only", "--phase", "stateful", "--scenario", "face-persongroup-train-poll"), "write to the target"),
        (("--service", "speaker", "--use-existing", "face:persongroup=g"), "which this run does not check"),
    ],
)
def test_incompatible_touch_options_exit_2(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    proc = _cli("run", *args, "--report-dir", str(tmp_path), "-q")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr


def _readme_live_commands() -> list[str]:
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- live-commands:", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def test_the_readme_live_commands_run_as_written(tmp_path: Path) -> None:
    commands = _readme_live_commands()
    assert [c.split()[1] for c in commands] == ["run", "cleanup", "cleanup", "cleanup"]
    log = tmp_path / "requests.jsonl"
    with running(EmulatorConfig(keys=(KEY,), training_seconds=0.2, request_log=str(log))) as url:
        with httpx.Client(base_url=url, headers=H) as c:
            assert c.put("/face/v1.2/persongroups/my-group", json={"name": "mine"}).status_code == 200
            assert c.put("/face/v1.2/facelists/cc-1a2b3c-left", json={"name": "left"}).status_code == 200
        seeded = len(_log(log))
        outputs = []
        for command in commands:
            argv = command.replace("https://<resource>.cognitiveservices.azure.com", url).split()
            assert argv[0] == ".venv/bin/conformance"
            proc = _cli(*argv[1:], "-q" if argv[1] == "run" else "--key", *([] if argv[1] == "run" else [KEY]), cwd=tmp_path)
            assert proc.returncode == 0, command + "\n" + proc.stdout + proc.stderr
            outputs.append(proc.stdout)
        requests = _log(log, seeded)
    assert "would delete /face/v1.2/facelists/cc-1a2b3c-left" in outputs[2]
    assert "deleted /face/v1.2/facelists/cc-1a2b3c-left" in outputs[3]
    assert ("GET", "/face/v1.2/persongroups/my-group") in {(r["method"], r["path"]) for r in requests}
    writes = [{k: r[k] for k in ("method", "path", "status")} for r in requests if r["method"] in WRITES]
    assert writes == [{"method": "DELETE", "path": "/face/v1.2/facelists/cc-1a2b3c-left", "status": 200}]
