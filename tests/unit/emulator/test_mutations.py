"""Each blind mutation operator rewrites a reply as documented, leaves replies it cannot mutate alone,
and says why when it cannot apply to an operation; mutants are parsed, listed and applied in the pipeline."""

from __future__ import annotations

from datetime import datetime

import pytest

from cognitive_conformance.emulator import mutations
from cognitive_conformance.emulator.mutations import OPERATORS, Call, build_mutants, list_mutants, operation_view, parse_mutant
from cognitive_conformance.emulator.routing import NO_BODY, Reply
from tests.unit.emulator.conftest import H, make_client

FACE_STATUS = operation_view("face", "v1.2", "PersonGroupOperations_GetPersonGroupTrainingStatus")
FACE_STATUS_V10 = operation_view("face", "v1.0", "PersonGroupOperations_GetPersonGroupTrainingStatus")
FACE_TRAIN = operation_view("face", "v1.2", "PersonGroupOperations_TrainPersonGroup")
FACE_LIST = operation_view("face", "v1.2", "PersonGroupOperations_GetPersonGroups")
FACE_CREATE = operation_view("face", "v1.2", "PersonGroupOperations_CreatePersonGroup")
VOICE_CREATE = operation_view("customvoice", "2026-01-01", "PersonalVoices_Create")
SPEAKER_GET = operation_view("speaker", "2021-09-05", "TextIndependent_GetProfile")
CALL = Call("k", "GET", "/face/v1.2/persongroups/g/training")

STATUS_BODY = {
    "status": "succeeded",
    "createdDateTime": "2024-03-05T11:07:58.371Z",
    "lastActionDateTime": "2024-03-05T11:08:00.000Z",
    "lastSuccessfulTrainingDateTime": "2024-03-05T11:08:00.000Z",
    "message": None,
}


def _mutate(name: str, view, reply: Reply, call: Call = CALL, state: dict | None = None) -> Reply:
    return OPERATORS[name].mutate(view, call, reply, {} if state is None else state)


def test_views_read_the_versioned_spec() -> None:
    assert FACE_STATUS is not None and FACE_STATUS_V10 is not None
    assert FACE_STATUS.responses[200]["schema"]["properties"]["status"]["enum"] == ["notStarted", "running", "succeeded", "failed"]
    assert FACE_STATUS_V10.responses[200]["schema"]["properties"]["status"]["enum"] == ["nonstarted", "running", "succeeded", "failed"]
    assert operation_view("face", "v1.0", "GetOperationResult") is None  # x-api-versions: v1.1+


def test_drop_required_field_removes_the_first_required_property() -> None:
    out = _mutate("drop-required-field", FACE_STATUS, Reply(200, dict(STATUS_BODY)))
    assert "status" not in out.json and out.json["createdDateTime"] == STATUS_BODY["createdDateTime"]


def test_drop_required_field_in_an_array_changes_the_first_element_only() -> None:
    body = [{"personGroupId": "a", "name": "A"}, {"personGroupId": "b", "name": "B"}]
    out = _mutate("drop-required-field", FACE_LIST, Reply(200, body))
    assert out.json == [{"name": "A"}, {"personGroupId": "b", "name": "B"}]
    assert body[0] == {"personGroupId": "a", "name": "A"}  # the handler's value is not changed in place


def test_drop_required_field_leaves_empty_and_error_bodies_alone() -> None:
    empty = Reply(200, [])
    assert _mutate("drop-required-field", FACE_LIST, empty) is empty
    error = Reply(404, {"error": {"code": "PersonGroupNotFound", "message": "m"}})
    assert _mutate("drop-required-field", FACE_STATUS, error) is error


def test_change_success_status_picks_an_undocumented_2xx() -> None:
    assert _mutate("change-success-status", FACE_TRAIN, Reply(202)).status == 200
    assert _mutate("change-success-status", FACE_STATUS, Reply(200, dict(STATUS_BODY))).status == 201
    assert _mutate("change-success-status", FACE_CREATE, Reply(200)).status == 201


def test_change_success_status_never_sends_a_body_with_204() -> None:
    out = _mutate("change-success-status", FACE_STATUS, Reply(200, dict(STATUS_BODY)))
    assert out.status != 204
    voice = operation_view("customvoice", "2026-01-01", "Projects_Delete")
    assert voice is not None and 204 in voice.responses
    assert _mutate("change-success-status", voice, Reply(204)).status == 200


def test_enum_case_changes_the_first_enum_value_to_an_undocumented_spelling() -> None:
    out = _mutate("enum-case", FACE_STATUS, Reply(200, dict(STATUS_BODY)))
    assert out.json["status"] == "Succeeded"
    v10 = _mutate("enum-case", FACE_STATUS_V10, Reply(200, {**STATUS_BODY, "status": "nonstarted"}))
    assert v10.json["status"] == "Nonstarted"


def test_enum_case_leaves_values_outside_the_enum_alone() -> None:
    reply = Reply(200, {**STATUS_BODY, "status": "whatever"})
    assert _mutate("enum-case", FACE_STATUS, reply) is reply


def test_drop_header_removes_a_documented_header_case_insensitively() -> None:
    reply = Reply(202, headers={"operation-Location": "http://h/face/v1.2/operations/1", "x-other": "1"})
    out = _mutate("drop-header", FACE_TRAIN, reply)
    assert out.headers == {"x-other": "1"}


def test_drop_header_content_type_renders_the_body_without_a_media_type() -> None:
    out = _mutate("drop-header", SPEAKER_GET, Reply(200, {"profileId": "p"}))
    assert out.json is NO_BODY and out.content == b'{"profileId":"p"}' and out.media_type is None
    assert "content-type" not in {k.lower() for k in out.headers}


def test_corrupt_header_truncates_the_first_documented_header() -> None:
    reply = Reply(201, {"id": "v"}, headers={"Operation-Id": "0123456789", "Operation-Location": "http://h/op"})
    out = _mutate("corrupt-header", VOICE_CREATE, reply)
    assert out.headers == {"Operation-Id": "01234", "Operation-Location": "http://h/op"}


def test_header_operators_leave_replies_without_the_header_alone() -> None:
    reply = Reply(202, headers={"x-other": "1"})
    assert _mutate("drop-header", FACE_TRAIN, reply) is reply
    assert _mutate("corrupt-header", FACE_TRAIN, reply) is reply


def test_regress_terminal_status_reports_in_progress_on_the_second_terminal_read() -> None:
    state: dict = {}
    first = _mutate("regress-terminal-status", FACE_STATUS, Reply(200, dict(STATUS_BODY)), state=state)
    assert first.json["status"] == "succeeded"
    second = _mutate("regress-terminal-status", FACE_STATUS, Reply(200, dict(STATUS_BODY)), state=state)
    assert second.json["status"] == "running"
    other_path = Call("k", "GET", "/face/v1.2/persongroups/other/training")
    assert _mutate("regress-terminal-status", FACE_STATUS, Reply(200, dict(STATUS_BODY)), other_path, state).json["status"] == "succeeded"


def test_regress_terminal_status_leaves_in_progress_reads_alone() -> None:
    state: dict = {}
    for _ in range(3):
        reply = Reply(200, {**STATUS_BODY, "status": "running"})
        assert _mutate("regress-terminal-status", FACE_STATUS, reply, state=state) is reply


def test_shift_timestamp_earlier_moves_the_latest_before_the_earliest() -> None:
    out = _mutate("shift-timestamp-earlier", FACE_STATUS, Reply(200, dict(STATUS_BODY)))
    created = datetime.fromisoformat(out.json["createdDateTime"].replace("Z", "+00:00"))
    last = datetime.fromisoformat(out.json["lastActionDateTime"].replace("Z", "+00:00"))
    assert (created - last).total_seconds() == 3600
    assert out.json["lastSuccessfulTrainingDateTime"] == STATUS_BODY["lastSuccessfulTrainingDateTime"]


def test_shift_timestamp_earlier_moves_a_lone_timestamp_one_hour() -> None:
    view = operation_view("customvoice", "2026-01-01", "Projects_Get")
    out = _mutate("shift-timestamp-earlier", view, Reply(200, {"id": "p", "kind": "PersonalVoice", "createdDateTime": "2024-01-01T10:00:00.000Z"}))
    assert out.json["createdDateTime"] == "2024-01-01T09:00:00.000Z"


def test_shift_timestamp_earlier_ignores_unparsable_and_absent_timestamps() -> None:
    reply = Reply(200, {"status": "running", "createdDateTime": "3/5/2024 11:07:58 AM", "lastActionDateTime": None})
    assert _mutate("shift-timestamp-earlier", FACE_STATUS, reply) is reply


@pytest.mark.parametrize(
    ("operator", "view", "reason"),
    [
        ("drop-required-field", FACE_CREATE, "no documented 2xx JSON body schema with a required property"),
        ("enum-case", FACE_CREATE, "no enum-valued string"),
        ("drop-header", FACE_STATUS, "no documented header"),
        ("corrupt-header", FACE_STATUS, "no documented header"),
        ("regress-terminal-status", FACE_TRAIN, "not a GET"),
        ("regress-terminal-status", FACE_LIST, "no top-level status enum"),
        ("shift-timestamp-earlier", FACE_CREATE, "no date-time property"),
    ],
)
def test_operators_that_cannot_apply_say_why(operator: str, view, reason: str) -> None:
    assert reason in (OPERATORS[operator].applies(view) or "")


def test_every_operator_applies_somewhere() -> None:
    listed = list_mutants()
    assert {m["operator"] for m in listed} == set(OPERATORS)
    assert all(OPERATORS[m["operator"]].applies(operation_view(m["service"], m["apiVersion"], m["operationId"])) is None for m in listed)


def test_list_mutants_covers_every_service_and_version_and_skips_missing_operations() -> None:
    listed = list_mutants()
    pairs = {(m["service"], m["apiVersion"]) for m in listed}
    assert {s for s, _ in pairs} == {"face", "speaker", "customvoice"}
    assert ("face", "v1.0") in pairs and ("customvoice", "2024-02-01-preview") in pairs
    assert not any(m["operationId"] == "GetOperationResult" and m["apiVersion"] == "v1.0" for m in listed)
    assert len({m["mutant"] for m in listed}) == len(listed)
    assert all(parse_mutant(m["mutant"]).version == m["apiVersion"] for m in listed[:20])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("drop-header", "expected OPERATOR@operationId"),
        ("no-such@PersonGroupOperations_TrainPersonGroup", "unknown operator"),
        ("drop-header@NoSuchOperation", "no operation"),
        ("drop-header@PersonGroupOperations_TrainPersonGroup@v9", "has no API version"),
        ("drop-header@PersonGroupOperations_GetPersonGroup", "cannot apply"),
    ],
)
def test_parse_mutant_rejects_bad_mutants(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_mutant(text)


def test_mutants_apply_only_to_their_operation_version_and_2xx() -> None:
    chosen = build_mutants(["enum-case@PersonGroupOperations_GetPersonGroupTrainingStatus@v1.2"])
    body = dict(STATUS_BODY)
    op = "PersonGroupOperations_GetPersonGroupTrainingStatus"
    assert chosen.apply("face", op, "v1.2", CALL, Reply(200, body)).json["status"] == "Succeeded"
    assert chosen.apply("face", op, "v1.1-preview.1", CALL, Reply(200, body)).json["status"] == "succeeded"
    assert chosen.apply("face", "PersonGroupOperations_GetLargePersonGroupTrainingStatus", "v1.2", CALL, Reply(200, body)).json["status"] == "succeeded"
    error = Reply(404, {"error": {"code": "PersonGroupNotTrained", "message": "m"}})
    assert chosen.apply("face", op, "v1.2", CALL, error) is error
    assert not build_mutants([])


def test_pipeline_applies_a_mutant_to_the_targeted_operation_only() -> None:
    faithful, _ = make_client()
    mutated, _ = make_client(mutations=("drop-required-field@PersonGroupOperations_GetPersonGroup",))
    for client in (faithful, mutated):
        assert client.put("/face/v1.2/persongroups/g", json={"name": "n"}, headers=H).status_code == 200
    assert faithful.get("/face/v1.2/persongroups/g", headers=H).json()["personGroupId"] == "g"
    got = mutated.get("/face/v1.2/persongroups/g", headers=H)
    assert got.status_code == 200 and "personGroupId" not in got.json()
    # another operation and an error reply of the same operation are untouched
    assert mutated.get("/face/v1.2/persongroups", headers=H).json()[0]["personGroupId"] == "g"
    assert mutated.get("/face/v1.2/persongroups/missing", headers=H).json()["error"]["code"] == "PersonGroupNotFound"


def test_emulator_config_rejects_a_bad_mutant() -> None:
    with pytest.raises(ValueError, match="unknown operator"):
        make_client(mutations=("nope@PersonGroupOperations_GetPersonGroup",))


def test_describe_operators_lists_every_operator() -> None:
    text = mutations.describe_operators()
    assert all(line.split(":")[0] in OPERATORS for line in text.splitlines())
    assert len(text.splitlines()) == len(OPERATORS)
