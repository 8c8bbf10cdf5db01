"""Unit tests for the events record (events.dump/load) and conformance.reports.merge (no HTTP).

The round trip is held to every event class there is: an exhaustive example of each (every
optional field set) and a property over values drawn from each class's own type hints. The merge
is held to sums of its parts, one finding per key with the occurrences of every part, the union
of the rules declared, the worst exit code, and to the report schema.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import types
import typing
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from cognitive_conformance.conformance import cli
from cognitive_conformance.conformance import events as ev
from cognitive_conformance.conformance.events import (
    Deviation,
    DeviationRaised,
    Finding,
    FindingRaised,
    LeftoversFound,
    LroCompleted,
    LroTimeline,
    PhaseFinished,
    PhaseStarted,
    RuleEvaluated,
    RuleInfo,
    RulesDeclared,
    RunFinished,
    RunStarted,
    ScenarioFinished,
)
from cognitive_conformance.conformance.reports import merge, model
from cognitive_conformance.conformance.reports.json_report import SCHEMA_PATH

from ._events import RULES, TRAIN, events

SCHEMA = json.loads(SCHEMA_PATH.read_text())
TRAINING = "PersonGroupOperations_GetPersonGroupTrainingStatus"


# -- the record: every event type round-trips exactly ---------------------------------------------

def _every_event() -> list[ev.Event]:
    """One realistic event of every type, every optional field set to something other than its default."""
    finding = Finding(
        check="lro_status_path_legal", title="Illegal status transition", rule="A status never goes back.",
        source="https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/get-person-group-training-status",
        message="running -> notStarted after 3 reads\n(ünïcode, \ud800 lone surrogate)", service="face", version="v1.2",
        phase="stateful", operation_id=TRAINING, status_code=200,
        repro="curl -X GET 'http://127.0.0.1:5/face/v1.2/persongroups/cc-1-g/training' -H 'Ocp-Apim-Subscription-Key: ***'",
        scenario="face-persongroup-train-poll", occurrences=2, severity="warning", where="rec.json#12",
    )
    deviation = Deviation(
        check="header_documented", rule="operation-Location names /operations/{id}.", source="specs/face.yaml",
        message="operation-Location is .../training", service="face", version="v1.2", phase="stateless",
        operation_id=TRAIN, status_code=202, scenario="face-train",
        observed=("tests/reference/recordings/face/a.json entries 10, 11",), where="a.json#10",
    )
    timeline = LroTimeline(
        service="face", version="v1.2", scenario="face-persongroup-train-poll", operation_id=TRAIN,
        resource="persongroups/cc-1a2b3c-g", statuses=((0.0, "notStarted", "operation"), (0.41, "running", "resource", "poll"),
                                                       (1.25, "succeeded", "resource", "terminal-reread")),
        polls=2, terminal_status="succeeded", time_to_terminal_s=1.25, polls_after_terminal=1, retry_after_honoured=1,
        retry_after_seen=2, verification_reads=(("terminal-reread", 1), ("operation-agrees", 2)), throttles=1,
        budget_exhausted=True,
    )
    return [
        RunStarted(run_id="1a2b3c", target="http://127.0.0.1:5", embedded=True, services=("face", "speaker"),
                   versions={"face": ("v1.0", "v1.2"), "speaker": ("2021-09-05",)}, profile="docs", seed=7,
                   max_examples=3, started_at="2026-12-03T10:00:00.000001Z", notices=("Speaker Recognition is retired",)),
        RulesDeclared((RULES[0], RuleInfo("lro_terminal_sticky", "A terminal status stays.", "https://x", "lro", "flow",
                                          "warning", services=("face",), versions=("v1.1", "v1.2")))),
        PhaseStarted("face", "v1.2", "stateful"),
        PhaseFinished("face", "v1.2", "stateful", 1.5, 12, throttles=2, throttle_wait_s=0.5, rate_wait_s=0.25),
        RuleEvaluated("lro_terminal_sticky", "n/a", "face", "v1.2", "stateful", TRAINING, scenario="face-train",
                      reason="no terminal status was read", count=3),
        FindingRaised(finding),
        DeviationRaised(deviation),
        LroCompleted(timeline),
        ScenarioFinished("face", "v1.2", "face-train", False, 0.7, error="train answered 500"),
        LeftoversFound("face", "v1.2", (("/face/v1.2/persongroups/cc-1a2b3c-g", 500, "delete failed"),
                                        ("/face/v1.2/persongroups/cc-1a2b3c-h", None, "no answer"))),
        RunFinished(5, 2.5, 16, 3, 1, error="target unreachable: x",
                    extra={"incomplete": {"reason": "max-requests", "maxRequests": 16, "maxTimeSeconds": None,
                                          "budgetedRequests": 16, "cleanupRequests": 2, "notCleaned": ["face v1.2"]}},
                    occurrences=2, errors=0, warnings=1),
    ]


def test_every_event_type_has_an_example_here() -> None:
    assert {type(e).__name__ for e in _every_event()} == set(ev.event_types())


@pytest.mark.parametrize("name", ["events.jsonl", "events.jsonl.gz"])
def test_dump_then_load_gives_back_equal_events(tmp_path: Path, name: str) -> None:
    every = _every_event()
    path = ev.dump(every, tmp_path / name)
    assert ev.load(path) == every
    assert [type(e) for e in ev.load(path)] == [type(e) for e in every]
    raw = path.read_bytes()
    assert (raw[:2] == b"\x1f\x8b") == name.endswith(".gz")


def test_the_record_is_json_lines_after_a_header(tmp_path: Path) -> None:
    path = ev.dump(events(), tmp_path / "events.jsonl.gz")
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    assert json.loads(lines[0]) == {"format": ev.EVENTS_FORMAT, "version": ev.EVENTS_VERSION}
    assert [json.loads(line)["event"] for line in lines[1:]] == [type(e).__name__ for e in events()]
    assert ev.dump(events(), tmp_path / "again.jsonl.gz").read_bytes() == path.read_bytes()  # deterministic bytes


def _strategy(hint: object) -> st.SearchStrategy:
    """Values of a field's type hint, as the runner makes them (JSON-like dicts, finite floats)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(st.none() if a is type(None) else _strategy(a) for a in typing.get_args(hint)))
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        return st.builds(hint, **{f.name: _strategy(hints[f.name]) for f in dataclasses.fields(hint)})
    if hint is tuple:  # LroTimeline.statuses' entries
        return st.tuples(st.floats(0, 600), st.text(max_size=12), st.sampled_from(["resource", "operation"]))
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(_strategy(args[0]), max_size=3).map(tuple)
        return st.tuples(*(_strategy(a) for a in args))
    if origin is dict:
        return st.dictionaries(st.text(max_size=8), _strategy(typing.get_args(hint)[1]), max_size=3)
    if hint is dict:  # RunFinished.extra: JSON values
        leaf = st.one_of(st.none(), st.integers(), st.text(max_size=8), st.booleans())
        json_values = st.recursive(leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)
        return st.dictionaries(st.text(max_size=8), json_values, max_size=3)
    return {str: st.text(max_size=20), int: st.integers(-(2**40), 2**40), bool: st.booleans(), bytes: st.binary(max_size=20),
            float: st.floats(allow_nan=False, allow_infinity=False)}[hint]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(*(_strategy(cls) for _, cls in sorted(ev.event_types().items()))))
def test_any_event_of_any_type_round_trips(event: ev.Event) -> None:
    assert ev.from_json(json.loads(json.dumps(ev.to_json(event)))) == event


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not an events file"),
        (b'{"format": "something else"}\n', "not an events file"),
        (b'{"format": "cognitive-conformance events", "version": 99}\n', "format version 99"),
        (b'{"format": "cognitive-conformance events", "version": 1}\n{"event": "Nope"}\n', ":2: unknown event 'Nope'"),
        (b'{"format": "cognitive-conformance events", "version": 1}\n{"event": "PhaseStarted", "service": "face"}\n', ":2: "),
        (b'{"format": "cognitive-conformance events", "version": 1}\n{"event": "PhaseStarted", "x": 1}\n', "has no field x"),
        (b'{"format": "cognitive-conformance events", "version": 1}\n{broken\n', ":2: "),
        (b"\x1f\x8b\x08\x00 truncated gzip", "cannot read events"),
    ],
)
def test_an_unreadable_record_is_one_clear_error_naming_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "events.jsonl.gz"
    path.write_bytes(content)
    with pytest.raises(ev.EventsFileError) as caught:
        ev.load(path)
    assert str(caught.value).startswith(str(path)) and message in str(caught.value)
    assert "\n" not in str(caught.value)


# -- merging --------------------------------------------------------------------------------------

def _as(stream: list[ev.Event], service: str, version: str, run_id: str, *, port: int = 1234) -> list[ev.Event]:
    """The builders' face v1.2 run, as a run of ``service`` ``version`` with its own id and target."""
    out = []
    for e in stream:
        if isinstance(e, RunStarted):
            e = dataclasses.replace(e, run_id=run_id, target=f"http://127.0.0.1:{port}", services=(service,),
                                    versions={service: (version,)})
        elif isinstance(e, FindingRaised):
            e = FindingRaised(dataclasses.replace(e.finding, service=service, version=version))
        elif hasattr(e, "service") and hasattr(e, "version"):
            e = dataclasses.replace(e, service=service, version=version)
        out.append(e)
    return out


def _run_a() -> list[ev.Event]:
    return events()  # face v1.2: 3 findings (2 errors, 1 warning), 4 occurrences, 16 requests, exit 1


def _run_b() -> list[ev.Event]:
    run = _as(events(exit_code=1), "customvoice", "2026-01-01", "bbbbbb", port=4321)
    run = [e for e in run if not isinstance(e, RulesDeclared)]
    extra = RuleInfo("operation_id_reuse_rejected", "A reused Operation-Id is refused.", "https://learn.microsoft.com/v",
                     "idempotency", "flow", "error")
    run.insert(1, RulesDeclared((*RULES[:2], extra)))
    finish = run[-1]
    run[-1] = dataclasses.replace(finish, requests=40, polls=0, duration_s=4.0)
    return run


def test_one_run_merges_into_itself() -> None:
    assert merge.merge_runs([_run_a()]) == _run_a()


def test_the_merged_report_counts_are_the_sums_of_the_parts_and_it_validates() -> None:
    a, b = model.build(_run_a()), model.build(_run_b())
    merged = model.build(merge.merge_runs([_run_a(), _run_b()]))
    jsonschema.validate(merged, SCHEMA)
    for count in ("requests", "polls", "findings", "errors", "warnings", "occurrences", "deviations", "throttles"):
        assert merged["result"][count] == a["result"][count] + b["result"][count], count
    assert merged["result"]["requests"] == 16 + 40
    assert [(s["service"], s["apiVersions"], s["requests"], s["findings"]) for s in merged["services"]] == [
        ("face", ["v1.2"], 16, 3), ("customvoice", ["2026-01-01"], 16, 3)]
    assert len(merged["phases"]) == 4 and len(merged["outcomes"]) == len(a["outcomes"]) + len(b["outcomes"])
    assert merged["runId"] == "abc123+bbbbbb"
    assert merged["target"] == {"url": "http://127.0.0.1:1234, http://127.0.0.1:4321", "embeddedEmulator": True}


def test_rules_declared_are_united_and_counted_over_both_parts() -> None:
    merged = model.build(merge.merge_runs([_run_a(), _run_b()]))
    ids = [r["id"] for r in merged["rules"]]
    assert "operation_id_reuse_rejected" in ids and "lro_terminal_sticky" in ids and len(ids) == len(set(ids))
    status = next(r for r in merged["rules"] if r["id"] == "status_code_documented")
    assert (status["passed"], status["failed"], status["notApplicable"], status["findings"]) == (6, 4, 2, 2)
    reuse = next(r for r in merged["rules"] if r["id"] == "operation_id_reuse_rejected")
    assert reuse["status"] == "not exercised"  # declared by one part, offered nothing: never "passed"


def test_a_finding_seen_by_two_parts_is_one_finding_with_the_occurrences_of_both() -> None:
    # the same job in two parts (two pytest items of face v1.2 stateless, say)
    merged = model.build(merge.merge_runs([_run_a(), _as(events(), "face", "v1.2", "cccccc")]))
    assert merged["result"]["findings"] == 3 and merged["result"]["occurrences"] == 8
    status = next(f for f in merged["findings"] if f["check"] == "status_code_documented")
    assert status["occurrences"] == 4 and [d["count"] for d in status["details"]] == [2, 2]
    # one phase entry per (service, version, phase), its figures summed
    stateless = [p for p in merged["phases"] if p["phase"] == "stateless"]
    assert len(stateless) == 1 and stateless[0]["requests"] == 24 and stateless[0]["durationSeconds"] == 3.0
    assert merged["services"] == [{"service": "face", "apiVersions": ["v1.2"], "findings": 3, "errors": 2, "warnings": 1,
                                   "occurrences": 8, "requests": 32, "polls": 0}]


def test_merging_is_associative() -> None:
    c = _as(events(exit_code=1), "speaker", "2021-09-05", "dddddd")
    flat = model.build(merge.merge_runs([_run_a(), _run_b(), c]))
    nested = model.build(merge.merge_runs([merge.merge_runs([_run_a(), _run_b()]), c]))
    for key in ("runId", "target", "services", "rules", "findings", "outcomes", "phases"):
        assert nested[key] == flat[key], key
    assert {k: v for k, v in nested["result"].items() if k != "durationSeconds"} == \
        {k: v for k, v in flat["result"].items() if k != "durationSeconds"}


@pytest.mark.parametrize(
    ("codes", "worst"),
    [((0, 0), 0), ((0, 5), 5), ((5, 3), 3), ((3, 1), 1), ((1, 2), 2), ((2, 130), 130), ((130, 143), 143), ((143, 4), 4),
     ((0, 1, 5), 1)],
)
def test_the_exit_code_is_the_worst_of_the_parts(codes: tuple[int, ...], worst: int) -> None:
    assert merge.worst_exit_code(codes) == worst
    runs = [_as(events(exit_code=c), "face", "v1.2", f"r{i}") for i, c in enumerate(codes)]
    assert merge.merge_runs(runs)[-1].exit_code == worst


def test_a_run_refused_for_a_usage_error_is_a_run_of_its_own() -> None:
    refused = [RunFinished(2, 0.0, 0, 0, 0, error="unknown API version(s) v9")]
    stream = _run_a() + refused + _run_b()
    runs = merge.split_runs(stream)
    assert [len(r) for r in runs] == [len(_run_a()), 1, len(_run_b())]
    data = model.build(merge.merge_runs(runs))
    assert data["result"]["exitCode"] == 2 and "unknown API version(s) v9" in data["result"]["error"]
    jsonschema.validate(data, SCHEMA)


def test_incomplete_parts_make_an_incomplete_merged_run_with_their_requests_summed() -> None:
    def stopped(run: list[ev.Event], reason: str, budgeted: int, cleanup: int) -> list[ev.Event]:
        inc = {"reason": reason, "maxRequests": 10, "maxTimeSeconds": None, "budgetedRequests": budgeted, "cleanupRequests": cleanup}
        return run[:-1] + [dataclasses.replace(run[-1], exit_code=5, extra={"incomplete": inc})]

    a = stopped(_as(events(), "face", "v1.2", "a1"), "max-requests", 10, 3)
    b = stopped(_as(events(), "customvoice", "2026-01-01", "b1"), "interrupted", 4, 1)
    data = model.build(merge.merge_runs([a, b]))
    assert data["result"]["incomplete"] == {"reason": "interrupted", "maxRequests": 10, "maxTimeSeconds": None,
                                            "budgetedRequests": 14, "cleanupRequests": 4}
    jsonschema.validate(data, SCHEMA)


def test_the_duration_runs_from_the_first_start_to_the_last_end() -> None:
    a = _as(events(), "face", "v1.2", "a1")
    b = _as(events(), "face", "v1.0", "b1")
    b[0] = dataclasses.replace(b[0], started_at="2026-01-01T00:00:10.000000Z")  # a: 00:00:00 + 2.5 s
    merged = merge.merge_runs([b, a])
    assert merged[0].started_at == "2026-01-01T00:00:00.000000Z"
    assert merged[-1].duration_s == pytest.approx(12.5)


@pytest.mark.parametrize(("field", "value", "name"), [("profile", "observed", "profile"), ("seed", 3, "seed"),
                                                       ("max_examples", 9, "--max-examples")])
def test_runs_made_with_other_options_are_not_merged(field: str, value: object, name: str) -> None:
    other = _as(events(), "face", "v1.0", "b1")
    other[0] = dataclasses.replace(other[0], **{field: value})
    with pytest.raises(merge.MergeError, match=f"differ in {name}"):
        merge.merge_runs([_run_a(), other])


def test_a_record_that_ends_before_its_run_finished_is_refused() -> None:
    with pytest.raises(merge.MergeError, match="no RunFinished"):
        merge.split_runs(_run_a()[:-1])
    with pytest.raises(merge.MergeError, match="no RunFinished before the next run"):
        merge.split_runs(_run_a()[:-1] + _run_b())


# -- report directories and `conformance report merge` --------------------------------------------

def _dir(root: Path, name: str, *runs: list[ev.Event], parts: bool = False) -> Path:
    d = root / name
    if parts:
        for i, run in enumerate(runs):
            ev.dump(run, d / merge.PARTS_DIR / f"gw{i}.events.jsonl.gz")
    else:
        ev.dump([e for run in runs for e in run], d / merge.EVENTS_FILE)
    return d


def test_a_report_dir_is_read_from_its_events_file_or_else_its_parts(tmp_path: Path) -> None:
    whole = _dir(tmp_path, "whole", _run_a())
    parted = _dir(tmp_path, "parted", _run_a(), _run_b(), parts=True)
    assert merge.read_events(whole) == [_run_a()]
    assert merge.read_events(parted) == [_run_a(), _run_b()]
    ev.dump(merge.merge_runs([_run_a(), _run_b()]), parted / merge.EVENTS_FILE)  # the merged record wins over its parts
    assert len(merge.read_events(parted)) == 1
    with pytest.raises(merge.MergeError, match="no events.jsonl.gz"):
        merge.read_events(tmp_path)
    with pytest.raises(merge.MergeError, match="no such report directory"):
        merge.read_events(tmp_path / "missing")
    with pytest.raises(merge.MergeError, match="more than once"):
        merge.merge_dirs([whole, str(whole) + "/"])


def test_report_merge_writes_the_full_set_and_exits_with_the_worst_code(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    a = _dir(tmp_path, "a", _as(events(exit_code=0), "face", "v1.2", "a1"))
    b = _dir(tmp_path, "b", _run_b())
    out = tmp_path / "merged"
    assert cli.main(["report", "merge", str(a), str(b), "-o", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "NONCONFORMANT: 6 findings (4 errors, 2 warnings), 8 occurrences; 56 requests, 0 polls" in printed
    assert sorted(p.name for p in out.iterdir()) == ["conformance.json", "events.jsonl.gz", "junit.xml", "report.html", "summary.md"]
    data = json.loads((out / "conformance.json").read_text())
    jsonschema.validate(data, SCHEMA)
    assert data["result"]["exitCode"] == 1 and data["result"]["requests"] == 56
    assert model.build(ev.load(out / "events.jsonl.gz")) == json.loads(json.dumps(data))  # the record and the report agree


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["{a}", "-o", "{a}"], "is one of the directories merged"),
        (["{a}", "{root}/nothing-here", "-o", "{root}/m"], "no such report directory"),
        (["{root}", "-o", "{root}/m"], "no events.jsonl.gz and no parts/"),
    ],
)
def test_report_merge_usage_errors_are_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                           argv: list[str], message: str) -> None:
    a = _dir(tmp_path, "a", _run_a())
    before = (a / merge.EVENTS_FILE).read_bytes()
    code = cli.main(["report", "merge", *(x.format(a=a, root=tmp_path) for x in argv)])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert (a / merge.EVENTS_FILE).read_bytes() == before  # an input is never overwritten


def _verdicts() -> list[ev.Event]:
    base = dict(service="face", version="v1.2", phase="stateless", operation_id=TRAINING)
    out: list[ev.Event] = []
    for i in range(60):
        out.append(RuleEvaluated("status_code_documented", "pass", **base))
        out.append(RuleEvaluated("lro_terminal_sticky", "n/a", **base, reason="no terminal status" if i % 2 else "not an LRO"))
        if i % 7 == 0:
            out.append(RuleEvaluated("status_code_documented", "fail", **base))
    return out


def test_folding_identical_verdicts_keeps_every_figure_of_the_report() -> None:
    verdicts = _verdicts()
    folded = ev.fold_verdicts(verdicts)
    assert len(folded) == 4 and sum(e.count for e in folded) == len(verdicts)
    assert [(e.check, e.verdict, e.reason, e.count) for e in folded] == [
        ("status_code_documented", "pass", None, 60),
        ("lro_terminal_sticky", "n/a", "not an LRO", 30),
        ("status_code_documented", "fail", None, 9),
        ("lro_terminal_sticky", "n/a", "no terminal status", 30),
    ]
    assert ev.fold_verdicts(folded) == folded  # folding what is folded changes nothing
    start = [events()[0]]
    assert model.build(start + folded)["rules"] == model.build(start + verdicts)["rules"]
    assert model.build(start + folded)["outcomes"] == model.build(start + verdicts)["outcomes"]


def test_folding_keeps_every_other_event_in_its_order() -> None:
    v = RuleEvaluated("status_code_documented", "pass", "face", "v1.2", "stateless", TRAINING)
    w = RuleEvaluated("status_code_documented", "fail", "face", "v1.2", "stateless", TRAINING)
    a, b = PhaseStarted("face", "v1.2", "stateful"), PhaseStarted("face", "v1.2", "stateless")
    assert ev.fold_verdicts([v, a, v, w, b, v, w]) == [dataclasses.replace(v, count=3), a, dataclasses.replace(w, count=2), b]


def test_a_version_1_record_without_counts_still_loads(tmp_path: Path) -> None:
    v = RuleEvaluated("status_code_documented", "pass", "face", "v1.2", "stateless", TRAINING)
    line = {k: val for k, val in ev.to_json(v).items() if k != "count"}
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps({"format": ev.EVENTS_FORMAT, "version": 1}) + "\n" + json.dumps(line) + "\n")
    assert ev.load(path) == [v]
    path.write_text(json.dumps({"format": ev.EVENTS_FORMAT, "version": 99}) + "\n")
    with pytest.raises(ev.EventsFileError, match="reads version"):
        ev.load(path)
