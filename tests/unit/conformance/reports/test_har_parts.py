"""A run's traffic.har: the jobs' streamed parts, their assembly, body caps, redaction and read-back.

Source: HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): log.pages with id, title and
startedDateTime, entries with pageref, startedDateTime, time = send + wait + receive, content.size,
content.encoding "base64", comment. No sockets here except the Transport test's httpx.MockTransport.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import httpx
import jsonschema

from cognitive_conformance.conformance.events import RuleEvaluated
from cognitive_conformance.conformance.har import HAR_BODY_CAP, HarPart, assemble, part_path
from cognitive_conformance.conformance.recordings import read_recording
from cognitive_conformance.conformance.reports import json_report, write_all
from cognitive_conformance.conformance.throttle import RetryPolicy
from cognitive_conformance.conformance.traffic import traffic_run
from cognitive_conformance.conformance.transport import RequestRecord, ResponseRecord, Transport

from ._events import events

SECRET = "5ec7e75ec7e75ec7e75ec7e75ec7e700"
BASE = "http://127.0.0.1:5000"
LIST = f"{BASE}/face/v1.2/persongroups"  # PersonGroupOperations_GetPersonGroups: a JSON array


def _record(url: str = LIST, *, body: bytes = b"[]", sent_at: float | None = None, req_body: bytes = b"",
            ctype: str = "application/json; charset=utf-8", status: int = 200, elapsed_s: float = 0.05) -> ResponseRecord:
    return ResponseRecord(
        request=RequestRecord("GET" if not req_body else "POST", url, (("ocp-apim-subscription-key", "***"),), req_body),
        status_code=status,
        headers=(("content-type", ctype),),
        body=body,
        elapsed_s=elapsed_s,
        sent_at=time.monotonic() if sent_at is None else sent_at,
    )


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_part_has_each_exchange_on_disk_as_soon_as_it_is_recorded(tmp_path: Path) -> None:
    part = HarPart(part_path(tmp_path, "a1b2c3", "face@v1.2"), page="face@v1.2", title="face v1.2")
    assert part.path.name == "a1b2c3-face@v1.2.har.jsonl"
    part.add(_record(elapsed_s=0.05), 0.03)
    lines = _lines(part.path)  # read before close: an interrupted run still has what was sent
    assert lines[0]["page"]["id"] == "face@v1.2" and lines[0]["page"]["title"] == "face v1.2"
    entry = lines[1]["entry"]
    assert entry["pageref"] == "face@v1.2"
    # the monotonic send time became wall-clock time
    started = entry["startedDateTime"]
    assert started.endswith("Z") and abs(_epoch(started) - time.time()) < 5
    # headers after 30 ms, the body 20 ms later: wait + receive = time
    assert entry["timings"] == {"send": 0, "wait": 30.0, "receive": 20.0} and entry["time"] == 50.0
    part.close()


def _epoch(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def test_assembly_merges_the_jobs_in_send_order_and_removes_their_parts(tmp_path: Path) -> None:
    parts = tmp_path / ".parts"
    t0 = time.monotonic()
    with HarPart(part_path(parts, "run1", "face@v1.2"), page="face@v1.2", title="face v1.2") as a, \
            HarPart(part_path(parts, "run1", "face@v1.0"), page="face@v1.0", title="face v1.0") as b:
        a.add(_record(f"{BASE}/face/v1.2/persongroups?n=1", sent_at=t0 + 0.1))
        b.add(_record(f"{BASE}/face/v1.0/persongroups?n=2", sent_at=t0 + 0.2))
        a.add(_record(f"{BASE}/face/v1.2/persongroups?n=3", sent_at=t0 + 0.3))
    other = part_path(parts, "zzzz", "face@v1.2")  # another run's (killed) part: not this run's traffic
    other.write_text("")
    written = assemble(parts, tmp_path / "traffic.har", run_ids=["run1"])
    assert written is not None and written.entries == 3 and written.unreadable == 0
    log = json.loads((tmp_path / "traffic.har").read_text())["log"]
    assert log["version"] == "1.2"
    assert [e["request"]["url"][-3:] for e in log["entries"]] == ["n=1", "n=2", "n=3"]
    assert [e["pageref"] for e in log["entries"]] == ["face@v1.2", "face@v1.0", "face@v1.2"]
    assert {p["id"] for p in log["pages"]} == {"face@v1.2", "face@v1.0"}
    assert sorted(p.name for p in parts.iterdir()) == [other.name]
    other.unlink()
    assert assemble(parts, tmp_path / "again.har", run_ids=["run1"]) is None  # nothing left of run1
    assert not (tmp_path / "again.har").exists()


def test_a_line_cut_by_a_killed_worker_is_left_out_and_counted(tmp_path: Path) -> None:
    with HarPart(part_path(tmp_path, "r", "face@v1.2"), page="face@v1.2", title="face v1.2") as part:
        part.add(_record())
    with part.path.open("a") as handle:
        handle.write('{"entry": {"startedDateTime": "2030-01-01T00:00:00.000Z", "requ')
    written = assemble(tmp_path, tmp_path / "t.har", run_ids=["r"])
    assert (written.entries, written.unreadable) == (1, 1)
    assert len(json.loads((tmp_path / "t.har").read_text())["log"]["entries"]) == 1


def test_no_secret_reaches_a_part_or_the_har(tmp_path: Path) -> None:
    binary = b"\x89PNG\x00\xff" + SECRET.encode() + b"\xfe"
    with HarPart(part_path(tmp_path / ".parts", "r", "face@v1.2"), page="face@v1.2", title="face v1.2",
                 secrets=lambda: (SECRET,)) as part:
        part.add(_record(f"{LIST}?subscription-key={SECRET}", body=f'{{"echo": "{SECRET}"}}'.encode()))
        part.add(_record(body=binary, ctype="image/png", req_body=b"\x00\xff" + SECRET.encode()))
        assert SECRET not in part.path.read_text()
    assemble(tmp_path / ".parts", tmp_path / "traffic.har", run_ids=["r"], secrets=(SECRET,))
    text = (tmp_path / "traffic.har").read_text()
    assert SECRET not in text
    entries = json.loads(text)["log"]["entries"]
    assert "subscription-key=***" in entries[0]["request"]["url"] and entries[0]["response"]["content"]["text"] == '{"echo": "***"}'
    content = entries[1]["response"]["content"]
    assert content["encoding"] == "base64" and base64.b64decode(content["text"]) == b"\x89PNG\x00\xff***\xfe"
    assert entries[1]["request"]["postData"]["_encoding"] == "base64"
    assert base64.b64decode(entries[1]["request"]["postData"]["text"]) == b"\x00\xff***"


def _big_list(n: int) -> bytes:
    return json.dumps([{"personGroupId": f"cc-a1b2c3-v12-{i:05d}", "name": f"group {i}", "userData": "x" * 40}
                       for i in range(n)]).encode()


def _har_of(tmp_path: Path, record: ResponseRecord) -> Path:
    with HarPart(part_path(tmp_path / ".parts", "r", "face@v1.2"), page="face@v1.2", title="face v1.2") as part:
        part.add(record, 0.01)
    assemble(tmp_path / ".parts", tmp_path / "traffic.har", run_ids=["r"])
    return tmp_path / "traffic.har"


def test_a_body_over_the_cap_is_cut_the_comment_says_so_and_it_reads_back_as_truncated(tmp_path: Path) -> None:
    body = _big_list(4000)
    assert len(body) > HAR_BODY_CAP
    entry = json.loads(_har_of(tmp_path, _record(body=body)).read_text())["log"]["entries"][0]
    content = entry["response"]["content"]
    assert len(content["text"].encode()) == HAR_BODY_CAP and content["size"] == len(body)
    assert entry["comment"] == f"response body capped at {HAR_BODY_CAP} of {len(body)} bytes (HAR body cap)"
    (record,) = [e.record for e in read_recording(tmp_path / "traffic.har").entries]
    assert record.truncated and len(record.body) == HAR_BODY_CAP
    small = tmp_path / "small"
    (record,) = [e.record for e in read_recording(_har_of(small, _record(body=_big_list(3)))).entries]
    assert not record.truncated


def _verdicts(path: Path) -> dict[str, str]:
    recording = read_recording(path)
    stream, _ = traffic_run([(str(path), [(f"{path}#{e.index}", e.record) for e in recording.entries])], target="t")
    return {e.check: e.verdict for e in stream if isinstance(e, RuleEvaluated) and e.operation_id == "PersonGroupOperations_GetPersonGroups"}


def test_a_capped_json_body_is_not_judged_malformed(tmp_path: Path) -> None:
    cut = _verdicts(_har_of(tmp_path / "capped", _record(body=_big_list(4000))))
    assert cut["response_schema_conforms"] == "n/a"
    assert cut["status_code_documented"] == "pass" and cut["content_type_documented"] == "pass"
    # the control: the same cut body, not marked as cut (size equal to its text), is malformed JSON
    path = _har_of(tmp_path / "control", _record(body=_big_list(4000)))
    har = json.loads(path.read_text())
    content = har["log"]["entries"][0]["response"]["content"]
    content["size"] = len(content["text"].encode())
    path.write_text(json.dumps(har))
    assert _verdicts(path)["response_schema_conforms"] == "fail"


def test_the_transport_hands_every_exchange_to_its_recorders_429s_included() -> None:
    answers = iter([httpx.Response(429, headers={"retry-after": "0"}), httpx.Response(200, json=[])])
    transport = Transport(BASE, SECRET, client=httpx.Client(transport=httpx.MockTransport(lambda r: next(answers))),
                          retry=RetryPolicy(retries=2), sleep=lambda s: None)
    seen: list[tuple[int, float, float]] = []
    transport.recorders.append(lambda record, wait_s: seen.append((record.status_code, wait_s, record.elapsed_s)))
    assert transport.request("GET", "/face/v1.2/persongroups").status_code == 200
    assert [s for s, _, _ in seen] == [429, 200]
    assert all(0 <= wait <= elapsed for _, wait, elapsed in seen)


def test_write_all_assembles_the_har_and_the_json_report_names_it(tmp_path: Path) -> None:
    run = events()
    run_id = run[0].run_id
    with HarPart(part_path(tmp_path / ".parts", run_id, "face@v1.2"), page="face@v1.2", title="face v1.2") as part:
        part.add(_record())
        part.add(_record(body=_big_list(4000)))
    paths = write_all(run, tmp_path)
    assert paths[-1] == tmp_path / "traffic.har" and not (tmp_path / ".parts").exists()
    data = json.loads((tmp_path / "conformance.json").read_text())
    assert data["har"] == {"file": "traffic.har", "entries": 2, "bodyCapBytes": HAR_BODY_CAP, "cappedEntries": 1,
                           "unreadableLines": 0}
    schema = json.loads(json_report.SCHEMA_PATH.read_text())
    jsonschema.validate(data, schema)
    data["har"]["entries"] = -1
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("the schema accepted a negative entry count")
    # without parts (--no-har, validate) there is no HAR and the report says so
    other = tmp_path / "none"
    assert [p.name for p in write_all(run, other)] == ["conformance.json", "junit.xml", "summary.md", "report.html"]
    none = json.loads((other / "conformance.json").read_text())
    assert none["har"] is None
    jsonschema.validate(none, schema)


def test_a_part_that_cannot_be_written_stops_with_one_line_and_the_run_goes_on(tmp_path: Path, capsys) -> None:
    part = HarPart(part_path(tmp_path, "r", "face@v1.2"), page="face@v1.2", title="face v1.2")

    class Full:
        def write(self, text: str) -> None:
            raise OSError(28, "No space left on device")

        def close(self) -> None:
            pass

    part._file.close()
    part._file = Full()
    part.add(_record())
    part.add(_record())  # already stopped: nothing more is tried, nothing raised
    err = capsys.readouterr().err
    assert err.count("No space left on device; the HAR of face@v1.2 stops here") == 1 and "Traceback" not in err
