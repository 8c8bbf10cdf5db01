"""A finding's repro, run with the system curl, sends the bytes the checker sent and gets the same answer.

Two findings are made the way a run makes them (a :class:`Session` over a real :class:`Transport`,
judged by the real response rules) against an emulator subprocess with two faults:
``json-labelled-as-text`` (a binary add-face's 200 comes back as text/plain: content_type_documented)
and ``voice-create-returns-200`` (a multipart consent create answers 200: status_code_documented).
The reports are written by ``write_all``; the repro command (the key put in place of ``***``) and the
repro script (the key from ``CONFORMANCE_KEY``) are then run by ``curl`` and the emulator's
``--request-log`` (method, path, status and the SHA-256 of each request body) must show the same body
hash, the same status and the same tenant as the original request.

A second test sends awkward requests (a body without Content-Type, brackets in the URL, an empty POST,
HEAD, non-ASCII JSON, a long JSON body) to a loopback server that records each request as received, and
compares what curl sends for each repro with what the checker sent.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cognitive_conformance.conformance.events import FindingRaised
from cognitive_conformance.conformance.reports import write_all
from cognitive_conformance.conformance.scenarios.polling import Poller, PollPolicy
from cognitive_conformance.conformance.scenarios.session import Session
from cognitive_conformance.conformance.spec import Spec
from cognitive_conformance.conformance.transport import Transport, finding_evidence
from cognitive_conformance.emulator import DEFAULT_KEY
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize
from tests.conftest import face_image_bytes
from tests.e2e.emulator_proc import emulator, read_log

CURL = shutil.which("curl")
pytestmark = pytest.mark.skipif(CURL is None, reason="no curl on PATH: the repro is a curl command and is run by curl")
CV = "2026-01-01"


def _session(transport: Transport, spec: Spec, emitted: list) -> Session:
    session = Session(transport=transport, spec=spec, emit=emitted.append, run_id="repro", poller=Poller(PollPolicy(timeout_s=5)))
    session.scenario = "repro"
    return session


def _finding_for(emitted: list, path_part: str):
    found = [e.finding for e in emitted if isinstance(e, FindingRaised) and e.finding.exchange and path_part in e.finding.exchange.url]
    assert found, f"no finding on {path_part}: {[e.finding.check for e in emitted if isinstance(e, FindingRaised)]}"
    return found[0]


def _detail(report: Path, finding) -> dict:
    """The first message of ``finding`` in conformance.json, with the finding's script."""
    data = json.loads((report / "conformance.json").read_text())
    f = next(x for x in data["findings"] if x["check"] == finding.check and x["operationId"] == finding.operation_id)
    return {**f["details"][0], "reproScript": f["reproScript"]}


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr


def _entries(log: Path, path: str) -> list[dict]:
    return [e for e in read_log(log) if e["path"] == path and e["method"] == "POST"]


def test_binary_and_multipart_repros_send_identical_bytes_and_get_the_same_status(tmp_path: Path) -> None:
    log, report = tmp_path / "requests.jsonl", tmp_path / "reports"
    with emulator("--request-log", str(log), "--fault", "json-labelled-as-text", "--fault", "voice-create-returns-200") as url:
        emitted: list = []
        with Transport(url, DEFAULT_KEY) as transport:
            face = _session(transport, Spec("face", "v1.2", "observed"), emitted)
            group = "/face/v1.2/persongroups/cc-repro-v12-g"
            assert face.call("PUT", group, json_body={"name": "g"}).status_code == 200
            person = face.call("POST", f"{group}/persons", json_body={"name": "p"}).json()["personId"]
            faces = f"{group}/persons/{person}/persistedfaces"
            image = face_image_bytes(size=96, seed=3)
            assert face.call("POST", faces, content=image, headers={"Content-Type": "application/octet-stream"}).status_code == 200

            voice = _session(transport, Spec("customvoice", CV, "observed"), emitted)
            assert voice.call("PUT", "/customvoice/projects/cc-repro-p", json_body={"kind": "PersonalVoice"}).status_code == 201
            consent_path = "/customvoice/consents/cc-repro-c"
            audio = synthesize(speaker=SPEAKERS[0], duration_s=2.0, seed=7)
            form = {"projectId": "cc-repro-p", "voiceTalentName": "Jessica Smith", "companyName": "Contoso", "locale": "en-US"}
            consent = voice.call("POST", consent_path, data=form, files=[("audiodata", ("consent.wav", audio, "audio/wav"))])
            assert consent.status_code == 200  # the fault: 200 instead of 201 Created

            write_all(emitted, report)
            add_face = _finding_for(emitted, "/persistedfaces")
            create = _finding_for(emitted, consent_path)
            assert (add_face.check, create.check) == ("content_type_documented", "status_code_documented")

            # the add-face: its body is the image, from a file, with the Content-Type it was sent with
            detail = _detail(report, add_face)
            assert f"--data-binary @{detail['exchange']['request']['body']['file']}" in detail["repro"]
            assert "-H 'content-type: application/octet-stream'" in detail["repro"]
            assert DEFAULT_KEY not in (report / "conformance.json").read_text()
            _run(["sh", "-c", detail["repro"].replace("***", DEFAULT_KEY)], cwd=report)
            _run(["sh", str(report / detail["reproScript"])], cwd=tmp_path, env={**os.environ, "CONFORMANCE_KEY": DEFAULT_KEY})
            sent = _entries(log, faces)
            assert len(sent) == 3
            assert {e["bytes-sha256"] for e in sent} == {hashlib.sha256(image).hexdigest(), detail["exchange"]["request"]["body"]["sha256"]}
            assert [e["status"] for e in sent] == [200, 200, 200]
            assert len({e["key-hash"] for e in sent}) == 1

            # the consent: multipart, boundary and all; deleted before each replay, so the state is the original's
            detail = _detail(report, create)
            boundary = transport.records[-1].request.header("content-type")
            assert boundary.startswith("multipart/form-data; boundary=")
            assert f"-H 'content-type: {boundary}'" in detail["repro"]
            assert [p["name"] for p in detail["exchange"]["request"]["body"]["parts"]] == [*form, "audiodata"]

            def delete() -> None:
                assert transport.request("DELETE", consent_path, params={"api-version": CV}).status_code == 204

            delete()
            _run(["sh", "-c", detail["repro"].replace("***", DEFAULT_KEY)], cwd=report)
            delete()
            _run(["sh", str(report / detail["reproScript"])], cwd=tmp_path, env={**os.environ, "CONFORMANCE_KEY": DEFAULT_KEY})
            sent = _entries(log, consent_path)
            assert len(sent) == 3
            assert len({e["bytes-sha256"] for e in sent}) == 1
            assert sent[0]["bytes-sha256"] == hashlib.sha256(consent.request.body).hexdigest() == detail["exchange"]["request"]["body"]["sha256"]
            assert [e["status"] for e in sent] == [200, 200, 200]


class _Recorder(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def _record(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        self.seen.append({"method": self.command, "path": self.path, "content-type": self.headers.get("content-type"),
                          "body": body})
        self.send_response(204)
        self.end_headers()

    do_GET = do_POST = do_PUT = do_HEAD = _record

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[dict]]]:
    seen: list[dict] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


CASES = {
    "binary without Content-Type": dict(method="POST", path="/x", content=bytes(range(256)) * 5),
    "brackets in the query": dict(method="GET", path="/x?filter=[a]{b}"),
    "empty POST": dict(method="POST", path="/train", content=b""),
    "HEAD": dict(method="HEAD", path="/h"),
    "non-ASCII JSON, quotes": dict(method="PUT", path="/j", json_body={"name": "o'neil «é» \"q\"", "n": [1, 2]}),
    "long JSON goes to a file": dict(method="PUT", path="/long", json_body={"d": "x" * 20000}),
    "text with control characters": dict(method="POST", path="/t", content=b"a\x1b[31mb\r\n", headers={"Content-Type": "text/plain"}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_curl_sends_what_the_checker_sent(recorder: tuple[str, list[dict]], tmp_path: Path, case: str) -> None:
    url, seen = recorder
    kwargs = dict(CASES[case])
    with Transport(url, DEFAULT_KEY, retry=None) as transport:
        record = transport.request(kwargs.pop("method"), kwargs.pop("path"), **kwargs)
    evidence = finding_evidence(record, transport.secrets)
    body = evidence["exchange"].request_body
    if body is not None and body.file:
        (tmp_path / "repro").mkdir()
        (tmp_path / body.file).write_bytes(body.data)
    _run(["sh", "-c", evidence["repro"].replace("***", DEFAULT_KEY)], cwd=tmp_path)
    original, replay = seen
    assert replay == original, evidence["repro"]


def test_a_script_sends_the_users_key_only_where_the_run_sent_its_own(tmp_path: Path) -> None:
    from cognitive_conformance.conformance import repro
    from cognitive_conformance.conformance.scenarios.auth import WRONG_KEY

    log = tmp_path / "requests.jsonl"
    (tmp_path / "repro").mkdir()
    with emulator("--request-log", str(log)) as url, Transport(url, DEFAULT_KEY) as transport:
        path = "/face/v1.2/persongroups"
        sent = {"run": transport.request("GET", path), "other": transport.request("GET", path, key=WRONG_KEY),
                "none": transport.request("GET", path, key=None)}
        for whose, record in sent.items():
            exchange = finding_evidence(record, transport.secrets)["exchange"]
            assert exchange.credential == whose
            script = repro.script(exchange.to_dict(), title=whose)
            assert WRONG_KEY not in script and DEFAULT_KEY not in script
            (tmp_path / "repro" / f"{whose}.sh").write_text(script)
            _run(["sh", str(tmp_path / "repro" / f"{whose}.sh")], cwd=tmp_path, env={**os.environ, "CONFORMANCE_KEY": DEFAULT_KEY})
    log_entries = [e for e in read_log(log) if e["path"] == path]
    statuses = [e["status"] for e in log_entries]
    assert statuses == [200, 401, 401, 200, 401, 401], "each replay is answered as its original was"
    assert log_entries[0]["key-hash"] == log_entries[3]["key-hash"] is not None
