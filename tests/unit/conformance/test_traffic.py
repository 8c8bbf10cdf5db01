"""conformance/traffic.py over the shipped recordings of the real service, and seeded edits of them.

Every shipped recording is what the real Face service answered the official SDKs; judged by
the default (observed) profile it must show 0 failures, and judged by the documents
(``--profile docs``) the recorded departures must fail. Each seeded edit breaks one documented
behaviour in one recording and must be reported by the named rule.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from cognitive_conformance.conformance.events import DeviationRaised, FindingRaised, LroCompleted
from cognitive_conformance.conformance.recordings import read_recording, read_recordings
from cognitive_conformance.conformance.traffic import traffic_run

RECORDINGS = Path(__file__).resolve().parents[2] / "reference" / "recordings"
FILES = sorted(str(r.path) for r in read_recordings([RECORDINGS]))
PG = RECORDINGS / "face/v1.2-preview.1/test-proxy-python/test_identify.pyTestIdentifytest_identify_from_person_group.elided.json"
TRAIN, FIRST_READ, LAST_READ, DELETE = 10, 11, 12, 14


def judge(paths, profile="observed"):
    batches = []
    for recording in read_recordings(paths):
        batches.append((recording.path, [(f"{recording.path}#{e.index}", e.record) for e in recording.entries]))
    return traffic_run(batches, profile=profile, target="recordings")


def findings(events):
    return [e.finding for e in events if isinstance(e, FindingRaised)]


@pytest.mark.parametrize("path", FILES, ids=lambda p: Path(p).name)
def test_every_shipped_recording_is_conformant_under_the_observed_profile(path: str) -> None:
    events, code = judge([path])
    assert [f"{f.check}: {f.message[:300]}" for f in findings(events) if f.severity == "error"] == []
    assert code == 0


def test_the_documents_fail_what_the_real_service_does() -> None:
    events, code = judge([PG], profile="docs")
    failed = {f.check for f in findings(events)}
    assert code == 1
    # train 202 names the group's /training (README behaviour 1); running carries no lastSuccessfulTrainingDateTime (4)
    assert "lro_operation_location_present" in failed or "response_schema_conforms" in failed


def test_the_observed_profile_lists_the_same_departures_as_deviations() -> None:
    docs_events, _ = judge([PG], profile="docs")
    events, code = judge([PG])
    deviations = {e.deviation.check for e in events if isinstance(e, DeviationRaised)}
    assert code == 0
    assert {f.check for f in findings(docs_events)} <= deviations
    cited = [c for e in events if isinstance(e, DeviationRaised) for c in e.deviation.observed]
    assert any("tests/reference/recordings/" in c for c in cited)


def test_a_training_in_a_recording_becomes_one_lro_with_its_measured_polls() -> None:
    events, _ = judge([PG])
    lros = [e.timeline for e in events if isinstance(e, LroCompleted)]
    assert len(lros) == 1
    timeline = lros[0]
    assert timeline.operation_id == "PersonGroupOperations_TrainPersonGroup"
    assert [s[1] for s in timeline.statuses] == ["running", "succeeded"]
    assert timeline.polls == 2 and timeline.polls_after_terminal == 0
    assert timeline.time_to_terminal_s == pytest.approx(30.0, abs=1.0)  # the SDK waited 30 s (Date headers)


def _edited(tmp_path: Path, edit) -> str:
    data = json.loads(PG.read_text(encoding="utf-8"))
    entries = data["Entries"]
    edit(entries)
    out = tmp_path / PG.name
    out.write_text(json.dumps(data), encoding="utf-8")
    return str(out)


def _drop_operation_location(entries):
    del entries[TRAIN]["ResponseHeaders"]["Operation-Location"]


def _accepted_as_ok(entries):
    entries[TRAIN]["StatusCode"] = 200


def _terminal_regresses(entries):
    regress = copy.deepcopy(entries[FIRST_READ])
    regress["ResponseHeaders"]["Date"] = "Tue, 03 Sep 2024 15:57:08 GMT"
    entries.insert(LAST_READ + 1, regress)


def _action_before_creation(entries):
    entries[LAST_READ]["ResponseBody"]["lastActionDateTime"] = "2024-09-03T15:50:00.000Z"


def _error_not_an_envelope(entries):
    entries[DELETE]["StatusCode"] = 404
    entries[DELETE]["ResponseHeaders"]["Content-Type"] = "application/json; charset=utf-8"
    entries[DELETE]["ResponseBody"] = {"message": "Person group is not found."}


def _unknown_status(entries):
    entries[FIRST_READ]["ResponseBody"]["status"] = "queued"


def _poll_after_terminal(entries):
    # one read after the terminal status is a re-read of the result; the second is a poll after terminal
    for second in (9, 8):
        again = copy.deepcopy(entries[LAST_READ])
        again["ResponseHeaders"]["Date"] = f"Tue, 03 Sep 2024 15:57:0{second} GMT"
        entries.insert(LAST_READ + 1, again)


def _operation_location_elsewhere(entries):
    entries[TRAIN]["ResponseHeaders"]["Operation-Location"] = (
        "https://collector.example.net/face/v1.2-preview.1/persongroups/identify/training"
    )


SEEDED = [
    ("operation-location-removed", _drop_operation_location, {"lro_operation_location_present"}),
    ("202-turned-into-200", _accepted_as_ok, {"status_code_documented"}),
    ("terminal-status-regresses", _terminal_regresses, {"lro_terminal_sticky", "lro_legal_status_path"}),
    ("last-action-before-created", _action_before_creation, {"lro_timestamps_ordered"}),
    ("error-body-not-an-envelope", _error_not_an_envelope, {"error_envelope_valid"}),
    ("unknown-status-value", _unknown_status, {"status_in_version_enum"}),
    ("poll-after-terminal", _poll_after_terminal, {"lro_polling_cost"}),
    ("operation-location-on-another-host", _operation_location_elsewhere, {"lro_operation_location_resolvable"}),
]


@pytest.mark.parametrize(("name", "edit", "rules"), SEEDED, ids=[s[0] for s in SEEDED])
def test_a_seeded_edit_of_a_recording_is_reported_by_the_named_rule(tmp_path: Path, name, edit, rules) -> None:
    path = _edited(tmp_path, edit)
    events, code = judge([path])
    errors = [f for f in findings(events) if f.severity == "error"]
    assert code == 1, name
    hit = [f for f in errors if f.check in rules]
    assert hit, f"{name}: expected one of {sorted(rules)}, got {sorted({f.check for f in errors})}"
    assert all(f.where and f.where.startswith(path + "#") for f in hit)  # names the file and the entry


def test_a_seeded_edit_names_the_entry_it_broke(tmp_path: Path) -> None:
    path = _edited(tmp_path, _unknown_status)
    events, _ = judge([path])
    hit = [f for f in findings(events) if f.check == "status_in_version_enum"]
    assert [f.where for f in hit] == [f"{path}#{FIRST_READ}"]
    assert "queued" in hit[0].message


def test_an_unknown_status_fails_under_both_profiles(tmp_path: Path) -> None:
    path = _edited(tmp_path, _unknown_status)
    for profile in ("observed", "docs"):
        events, code = judge([path], profile=profile)
        assert code == 1 and any(f.check == "status_in_version_enum" for f in findings(events)), profile


def test_one_read_of_the_result_after_terminal_is_a_re_read_not_a_poll(tmp_path: Path) -> None:
    def reread(entries):
        again = copy.deepcopy(entries[LAST_READ])
        again["ResponseHeaders"]["Date"] = "Tue, 03 Sep 2024 15:57:08 GMT"
        entries.insert(LAST_READ + 1, again)

    events, code = judge([_edited(tmp_path, reread)])
    timeline = next(e.timeline for e in events if isinstance(e, LroCompleted))
    assert code == 0 and timeline.polls == 2 and timeline.polls_after_terminal == 0
    assert dict(timeline.verification_reads) == {"terminal-reread": 1}


def test_exchanges_no_spec_describes_are_counted_not_judged() -> None:
    from cognitive_conformance.conformance.reports.model import build

    find_similar = RECORDINGS / "face/largefacelist-train-findsimilar.v1.2-preview.1.tail.json"  # Find Similar: not in the spec
    events, _ = judge([find_similar])
    data = build(events)
    assert any("not judged" in n and "/findsimilars" in n for n in data["notices"])
    assert data["result"]["requests"] == len(read_recording(find_similar).entries)


# -- error envelopes as the gateway and the service answer them ----------------------------------------------------

_BASE = "https://example.cognitiveservices.azure.com"


def _error(method: str, path: str, status: int, body: dict):
    from cognitive_conformance.conformance.transport import RequestRecord, ResponseRecord

    return ResponseRecord(
        RequestRecord(method, _BASE + path, ()), status, (("content-type", "application/json"),),
        json.dumps(body).encode(), 0.0, 1000.0,
    )


GATEWAY_AND_SERVICE_ERRORS = [
    # the gateway's own codes are the status as a string, no x-ms-error-code (recordings README behaviours 12-14)
    _error("GET", "/face/v1.2/persongroups/g1/training", 401, {"error": {"code": "401", "message": "Access denied due to invalid subscription key."}}),
    _error("GET", "/face/v1.2/persongroups/g1/training", 429, {"error": {"code": "429", "message": "Rate limit is exceeded. Try again in 21 seconds."}}),
    _error("POST", "/face/v1.2/persongroups/g1/train", 403, {"error": {"code": "UnsupportedFeature", "message": "Feature is not supported, missing approval for one-time purchase."}}),
    _error("DELETE", "/face/v1.2/persongroups/g1", 404, {"error": {"code": "PersonGroupNotFound", "message": "Person group is not found.\r\nParameter name: personGroupId"}}),
    _error("GET", "/speaker-recognition/identification/text-independent/profiles?api-version=2021-09-05", 429, {"error": {"code": "429", "message": "Rate limit is exceeded. Try again in 2 seconds."}}),
    _error("GET", "/customvoice/personalvoices?api-version=2024-02-01-preview", 401, {"error": {"code": "401", "message": "Access denied"}}),
]


def test_recorded_error_shapes_pass_the_observed_profile_and_are_deviations() -> None:
    events, code = traffic_run([("errors", [(f"errors#{i}", r) for i, r in enumerate(GATEWAY_AND_SERVICE_ERRORS)])], target="t")
    assert code == 0
    assert [f.check for f in findings(events)] == []  # not even a warning
    deviations = {(e.deviation.check, e.deviation.status_code) for e in events if isinstance(e, DeviationRaised)}
    assert ("error_code_header_present", 404) in deviations and ("error_code_documented", 401) in deviations


def test_recorded_error_shapes_fail_the_docs_profile() -> None:
    events, code = traffic_run(
        [("errors", [(f"errors#{i}", r) for i, r in enumerate(GATEWAY_AND_SERVICE_ERRORS)])], target="t", profile="docs"
    )
    assert code == 1
    failed = {f.check for f in findings(events)}
    assert {"error_code_header_present", "error_code_documented"} <= failed


def test_failure_reasons_are_known_per_api_version() -> None:
    from cognitive_conformance.conformance.spec import Spec

    older = Spec("customvoice", "2024-02-01-preview", "docs").document["components"]["schemas"]["ModelFailureReason"]["enum"]
    newer = Spec("customvoice", "2026-01-01", "docs").document["components"]["schemas"]["ModelFailureReason"]["enum"]
    assert "DataNotEnough" in newer and "DataNotEnough" not in older
    # extensible upstream (modelAsString): the observed profile accepts a reason a version does not list
    observed = Spec("customvoice", "2024-02-01-preview", "observed").document["components"]["schemas"]["ModelFailureReason"]
    assert "enum" not in observed


def test_an_action_on_a_resource_closes_the_operation_that_made_it() -> None:
    """Endpoint deployed (Succeeded), then suspended: the suspend is an LRO of its own operation, and the endpoint's
    ``Disabled`` afterwards is no terminal status of the deployment changing."""
    from tests.unit.conformance.checks._helpers import response

    base, q = "http://127.0.0.1/customvoice", "?api-version=2026-01-01"
    eid = "9f50c644-2121-40e9-9ea7-544e48bfe3cb"
    endpoint = {"id": eid, "projectId": "p01", "modelId": "mod1", "createdDateTime": "2023-04-01T05:30:00.000Z"}

    def ep(status: str, stamp: str) -> dict:
        return {**endpoint, "status": status, "lastActionDateTime": stamp}

    def lro(op: str) -> list[tuple[str, str]]:
        return [("Operation-Id", op), ("Operation-Location", f"{base}/operations/{op}{q}")]

    def get(url: str, body: dict, at: float):
        return response(200, body, url=url, sent_at=at)

    records = [
        response(201, ep("NotStarted", "2023-04-01T05:30:00.000Z"), lro("dep-1"), method="PUT", url=f"{base}/endpoints/{eid}{q}"),
        get(f"{base}/operations/dep-1{q}", {"id": "dep-1", "status": "Succeeded"}, 1),
        get(f"{base}/endpoints/{eid}{q}", ep("Succeeded", "2023-04-01T05:31:00.000Z"), 1.1),
        response(202, ep("Disabling", "2023-04-01T05:32:00.000Z"), lro("sus-1"), method="POST", url=f"{base}/endpoints/{eid}:suspend{q}", sent_at=2),
        get(f"{base}/operations/sus-1{q}", {"id": "sus-1", "status": "Succeeded"}, 3),
        get(f"{base}/endpoints/{eid}{q}", ep("Disabled", "2023-04-01T05:33:00.000Z"), 3.1),
    ]
    events, code = traffic_run([("made", [(f"made#{i}", r) for i, r in enumerate(records)])], target="made")
    assert [f"{f.check}: {f.message[:200]}" for f in findings(events) if f.severity == "error"] == []
    assert code == 0
    assert len([e for e in events if isinstance(e, LroCompleted)]) == 2
