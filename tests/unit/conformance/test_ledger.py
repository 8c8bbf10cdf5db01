"""The ledger: what counts as a create, deletion order, appends from several processes, leftovers in the report."""

from __future__ import annotations

import json
import os

import httpx
import jsonschema

from cognitive_conformance.conformance.events import LeftoversFound, RunFinished, RunStarted
from cognitive_conformance.conformance.ledger import Ledger, append_line, created_by, pending, read_lines
from cognitive_conformance.conformance.reports import model
from cognitive_conformance.conformance.reports.json_report import SCHEMA_PATH
from cognitive_conformance.conformance.spec import Spec
from cognitive_conformance.conformance.transport import Transport

FACE = Spec("face", "v1.2", "observed")
SPEAKER = Spec("speaker", "2021-09-05", "observed")
KEY = "k" * 32


def _transport(handler) -> Transport:
    return Transport("http://target.test", KEY, client=httpx.Client(transport=httpx.MockTransport(handler)))


def test_creates_are_read_from_the_spec_and_unprefixed_names_are_never_taken() -> None:
    profile = "2f3c0a4e-8b1d-4a34-9a51-0c8f6f3f1a11"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/persons"):
            return httpx.Response(200, json={"personId": "11111111-2222-3333-4444-555555555555"})
        if request.url.path.endswith("/profiles"):
            return httpx.Response(201, json={"profileId": profile})
        return httpx.Response(200)

    with _transport(handler) as t:
        face = Ledger(None, spec=FACE, run_id="abc123")
        t.observers.append(face.observe)
        t.request("PUT", "/face/v1.2/persongroups/cc-abc123-v12-g", json_body={"name": "g"})
        t.request("PUT", "/face/v1.2/persongroups/users-group", json_body={"name": "g"})  # not ours: never recorded
        t.request("POST", "/face/v1.2/persongroups/cc-abc123-v12-g/persons", json_body={"name": "p"})
        t.request("POST", "/face/v1.2/persongroups/cc-abc123-v12-g/train")  # not a create
        t.observers[:] = []
        speaker = Ledger(None, spec=SPEAKER, run_id="abc123")
        t.observers.append(speaker.observe)
        t.request("POST", "/speaker-recognition/identification/text-independent/profiles", json_body={"locale": "en-us"})
    assert [(e["path"], e["parent"]) for e in face.lines] == [
        ("/face/v1.2/persongroups/cc-abc123-v12-g", None),
        ("/face/v1.2/persongroups/cc-abc123-v12-g/persons/11111111-2222-3333-4444-555555555555", "/face/v1.2/persongroups/cc-abc123-v12-g"),
    ]
    assert [e["id"] for e in speaker.lines] == [profile]
    assert set(face.lines[0]) == {"service", "apiVersion", "method", "path", "id", "parent", "time", "runId"}


def test_a_location_header_names_the_new_resource() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, headers={"Location": "http://target.test/speaker-recognition/identification/text-independent/profiles/abc"})

    with _transport(handler) as t:
        record = t.request("POST", "/speaker-recognition/identification/text-independent/profiles")
    assert created_by(SPEAKER, record) == ("/speaker-recognition/identification/text-independent/profiles/abc", "abc", None)


def test_pending_is_children_first_and_a_child_of_a_deleted_parent_is_gone() -> None:
    g, h = "/face/v1.2/persongroups/cc-a-g", "/face/v1.2/persongroups/cc-a-h"
    lines = [{"path": g}, {"path": g + "/persons/p1"}, {"path": h}, {"path": h + "/persons/p2"}, {"deleted": g}]
    assert [e["path"] for e in pending(lines)] == [h + "/persons/p2", h]
    # re-created after its deletion: pending again
    assert [e["path"] for e in pending([*lines, {"path": g}])] == [g, h + "/persons/p2", h]


def test_the_sweep_deletes_pending_entries_and_records_each_deletion(tmp_path) -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            sent.append(request.url.path)
            return httpx.Response(500 if "stuck" in request.url.path else 200, json={"error": {"code": "InternalServerError"}})
        return httpx.Response(200)

    file = tmp_path / "ledger.jsonl"
    with _transport(handler) as t:
        ledger = Ledger(file, spec=FACE, run_id="abc123")
        t.observers.append(ledger.observe)
        for name in ("a", "stuck", "b"):
            t.request("PUT", f"/face/v1.2/largepersongroups/cc-abc123-v12-{name}", json_body={"name": name})
        leftovers = ledger.sweep(t)
    assert sent == [f"/face/v1.2/largepersongroups/cc-abc123-v12-{n}" for n in ("b", "stuck", "a")]
    assert [(l.path, l.status, l.reason) for l in leftovers] == [("/face/v1.2/largepersongroups/cc-abc123-v12-stuck", 500, "InternalServerError")]
    lines = read_lines(file)
    assert [l["deleted"] for l in lines if "deleted" in l] == [sent[0], sent[2]]
    assert [e["path"] for e in pending(lines)] == [sent[1]]
    assert KEY not in file.read_text()


def test_appends_from_several_processes_stay_whole_lines(tmp_path) -> None:
    file = tmp_path / "ledger.jsonl"
    children = []
    for worker in range(4):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            try:
                for i in range(300):
                    append_line(file, {"path": f"/w{worker}/{i}", "pad": "x" * 500})
            finally:
                os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    text = file.read_text().splitlines()
    assert len(text) == 1200 and all(json.loads(line)["pad"] for line in text)


def test_leftovers_are_in_the_report_and_valid_for_its_schema() -> None:
    events = [
        RunStarted(run_id="abc123", target="http://t", embedded=False, services=("face",), versions={"face": ("v1.2",)},
                   profile="observed", seed=0, max_examples=1, started_at="2026-01-01T00:00:00Z"),
        LeftoversFound("face", "v1.2", (("/face/v1.2/persongroups/cc-abc123-v12-g", 409, "PersonGroupTrainingNotFinished"),)),
        RunFinished(0, 1.0, 1, 0, 0),
    ]
    data = model.build(events)
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    assert data["result"]["leftovers"] == [
        {"service": "face", "apiVersion": "v1.2", "path": "/face/v1.2/persongroups/cc-abc123-v12-g", "status": 409,
         "reason": "PersonGroupTrainingNotFinished"}
    ]


def test_a_deletion_is_recorded_once_and_only_for_a_pending_resource() -> None:
    """A DELETE is recorded when its path is pending as :func:`pending` decides: not twice, not under a deleted parent."""
    group = "/face/v1.2/persongroups/cc-abc123-v12-g"
    person = f"{group}/persons/11111111-2222-3333-4444-555555555555"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/persons"):
            return httpx.Response(200, json={"personId": person.rsplit("/", 1)[-1]})
        return httpx.Response(200)

    with _transport(handler) as t:
        ledger = Ledger(None, spec=FACE, run_id="abc123")
        t.observers.append(ledger.observe)
        t.request("PUT", group, json_body={"name": "g"})
        t.request("POST", f"{group}/persons", json_body={"name": "p"})
        t.request("DELETE", group)
        t.request("DELETE", group)  # already recorded as gone
        t.request("DELETE", person)  # gone with its parent
        t.request("PUT", group, json_body={"name": "g"})  # created again: pending again
        t.request("DELETE", group)
    assert [line.get("deleted") for line in ledger.lines] == [None, None, group, None, group]
    assert ledger.pending() == pending(ledger.lines) == []
