"""Session.assess, poll_lro and run_with_data without sockets: a scripted transport on a FakeClock.

The measured figures come out of the trace poll_lro builds, so a poller told to over-poll or to ignore
Retry-After changes them, and a 429 shows as a throttle.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import strategies as st
from hypothesis.errors import UnsatisfiedAssumption

from cognitive_conformance.conformance.checks.registry import FLOW, all_rules, get
from cognitive_conformance.conformance.events import FindingRaised, LroCompleted, RuleEvaluated
from cognitive_conformance.conformance.flows import Expected, Provocation, StatusModel
from cognitive_conformance.conformance.scenarios.polling import FakeClock, Poller, PollPolicy
from cognitive_conformance.conformance.scenarios.session import ScenarioAborted, Session, poll_lro, run_with_data
from cognitive_conformance.conformance.spec import Spec
from cognitive_conformance.conformance.transport import RequestRecord, ResponseRecord

BASE = "http://t"
GROUP = "/face/v1.2/persongroups/g"
OP = f"{BASE}/face/v1.2/operations/4b8b8a5e-5a0b-4c3e-9f7e-1f2e3d4c5b6a"
MODEL = StatusModel(("notStarted", "running", "succeeded", "failed"), frozenset({"succeeded", "failed"}))


class ScriptedTransport:
    """Answers each URL path with the next scripted (status, body, headers); time from the clock."""

    secrets: list[str] = []
    throttles = 0  # 429s waited out inside the transport: a scripted 429 reaches the poller instead

    def __init__(self, clock: FakeClock, script: dict[str, list[tuple[int, object, list]]]) -> None:
        self.clock, self.script, self.sent = clock, script, []

    def request(self, method: str, path: str, *, operation_id=None, **kwargs) -> ResponseRecord:
        key = path.replace(BASE, "")
        queue = self.script[key]
        status, body, headers = queue.pop(0) if len(queue) > 1 else queue[0]
        raw = json.dumps(body).encode() if body is not None else b""
        hdrs = tuple((k.lower(), v) for k, v in headers) + ((("content-type", "application/json; charset=utf-8"),) if raw else ())
        url = path if path.startswith("http") else BASE + path
        record = ResponseRecord(RequestRecord(method, url, ()), status, hdrs, raw, 0.0, self.clock.now, operation_id)
        self.sent.append(record)
        self.clock.now += 0.001
        return record


def _session(script, *, policy: PollPolicy | None = None):
    clock = FakeClock()
    events: list = []
    spec = Spec("face", "v1.2", "docs")
    # flow rules only: the scripted bodies carry just what the flow rules read
    session = Session(transport=ScriptedTransport(clock, script), spec=spec, emit=events.append, run_id="t",
                      poller=Poller(policy or PollPolicy(timeout_s=30, initial_interval_s=0.5, max_interval_s=0.5), clock),
                      checks=all_rules(FLOW))
    session.scenario = "unit"
    return session, events


def _status(s: str, *headers) -> tuple[int, object, list]:
    return 200, {"status": s, "createdDateTime": "2024-01-02T03:04:05Z", "lastActionDateTime": "2024-01-02T03:04:06Z"}, list(headers)


def _train(session):
    return session.call("POST", f"{GROUP}/train")


def _run(script, **kw):
    session, events = _session({f"{GROUP}/train": [(202, None, [("Operation-Location", OP)])], **script}, **kw)
    trace = poll_lro(session, _train(session), f"{GROUP}/training", model=MODEL, op_url=OP, abort_message="x")
    timeline = next(e.timeline for e in events if isinstance(e, LroCompleted))
    return session, events, trace, timeline


def test_poll_lro_judges_the_trace_and_reports_good_figures() -> None:
    flow = {f"{GROUP}/training": [_status("running"), _status("succeeded")],
            OP.replace(BASE, ""): [_status("running"), _status("succeeded")]}
    session, events, trace, tl = _run(flow)
    verdicts = {e.check: e.verdict for e in events if isinstance(e, RuleEvaluated)}
    assert verdicts["lro_terminal_sticky"] == "pass" and verdicts["lro_operations_agree"] == "pass"
    assert verdicts["lro_reaches_terminal"] == "pass" and not session.failed
    assert tl.polls_after_terminal == 0 and dict(tl.verification_reads) == {"terminal-reread": 2}
    assert tl.terminal_status == "succeeded" and tl.polls == 4


def test_a_poller_told_to_over_poll_shows_polls_after_terminal() -> None:
    flow = {f"{GROUP}/training": [_status("running"), _status("succeeded")],
            OP.replace(BASE, ""): [_status("running"), _status("succeeded")]}
    *_, tl = _run(flow, policy=PollPolicy(timeout_s=30, initial_interval_s=0.5, reads_after_terminal=3))
    assert tl.polls_after_terminal == 6  # three extra rounds, each reading the operation and the resource


def test_a_poller_told_to_ignore_retry_after_is_measured_as_not_honouring_it() -> None:
    hint = ("Retry-After", "2")
    flow = {f"{GROUP}/training": [_status("running", hint), _status("running", hint), _status("succeeded")],
            OP.replace(BASE, ""): [_status("running", hint), _status("running", hint), _status("succeeded")]}
    *_, honest = _run(flow)
    assert honest.retry_after_seen == 4 and honest.retry_after_honoured == 4
    flow = {f"{GROUP}/training": [_status("running", hint), _status("running", hint), _status("succeeded")],
            OP.replace(BASE, ""): [_status("running", hint), _status("running", hint), _status("succeeded")]}
    session, events, _, ignoring = _run(flow, policy=PollPolicy(timeout_s=30, initial_interval_s=0.5, honour_retry_after=False))
    assert ignoring.retry_after_seen == 4 and ignoring.retry_after_honoured == 0
    # the polling-cost rule is a warning: it reports, the run stays conformant
    # a client that undercuts Retry-After fails (lro_polling_cost is an error)
    assert any(isinstance(e, FindingRaised) and e.finding.check == "lro_polling_cost" for e in events) and session.failed


def test_a_429_while_polling_is_a_throttle_not_the_end() -> None:
    flow = {f"{GROUP}/training": [(429, {"error": {"code": "429", "message": "Rate limit"}}, [("Retry-After", "1")]),
                                  _status("succeeded")],
            OP.replace(BASE, ""): [_status("running"), _status("succeeded")]}
    *_, trace, tl = _run(flow)
    assert tl.throttles == 1 and tl.terminal_status == "succeeded"


def test_a_budget_running_out_fails_reaches_terminal_and_aborts() -> None:
    session, events = _session({f"{GROUP}/train": [(202, None, [])], f"{GROUP}/training": [_status("running")]},
                               policy=PollPolicy(timeout_s=2, initial_interval_s=0.5, max_interval_s=0.5))
    with pytest.raises(ScenarioAborted):
        poll_lro(session, _train(session), f"{GROUP}/training", model=MODEL, abort_message="never")
    tl = next(e.timeline for e in events if isinstance(e, LroCompleted))
    assert tl.budget_exhausted and tl.terminal_status is None
    assert any(isinstance(e, FindingRaised) and e.finding.check == "lro_reaches_terminal" for e in events) and session.failed


def test_assess_judges_every_flow_rule_for_the_evidence_type_and_emits_verdicts() -> None:
    session, events = _session({})
    record = ResponseRecord(RequestRecord("GET", f"{BASE}{GROUP}", ()), 200, (), b"{}", 0.0, 0.0,
                            "PersonGroupOperations_GetPersonGroup")
    assert session.assess(Provocation("missing-group", record, Expected(404, ("PersonGroupNotFound",)))) is False
    verdicts = {e.check: (e.verdict, e.reason) for e in events if isinstance(e, RuleEvaluated)}
    assert set(verdicts) == {"documented_outcome_for_situation", "auth_rejects_bad_key", "deleted_resource_not_found",
                             "lro_not_trained_before_train", "identify_not_trained_rejected"}
    assert verdicts["documented_outcome_for_situation"][0] == "fail"
    assert verdicts["auth_rejects_bad_key"][0] == "n/a" and verdicts["auth_rejects_bad_key"][1]
    finding = next(e.finding for e in events if isinstance(e, FindingRaised))
    assert finding.operation_id == "PersonGroupOperations_GetPersonGroup" and finding.scenario == "unit" and session.failed


def test_a_session_with_one_selected_response_rule_runs_no_flow_rule() -> None:
    clock = FakeClock()
    events: list = []
    session = Session(transport=ScriptedTransport(clock, {}), spec=Spec("face", "v1.2", "docs"), emit=events.append,
                      run_id="t", poller=Poller(clock=clock), checks=[get("status_code_documented")])
    record = ResponseRecord(RequestRecord("GET", f"{BASE}{GROUP}", ()), 200, (), b"{}", 0.0, 0.0)
    assert session.assess(Provocation("missing-group", record, Expected(404))) and not events
    selected = Session(transport=ScriptedTransport(clock, {}), spec=Spec("face", "v1.2", "docs"), emit=events.append,
                       run_id="t", poller=Poller(clock=clock), checks=[get("auth_rejects_bad_key")])
    selected.assess(Provocation("bad-key", record, Expected(401)))
    assert [e.check for e in events if isinstance(e, RuleEvaluated)] == ["auth_rejects_bad_key"]


def test_run_with_data_re_raises_the_scenarios_own_exception_outside_hypothesis() -> None:
    session, _ = _session({})

    def scenario() -> None:
        session.draw(st.integers())
        raise ScenarioAborted("stop here")

    with pytest.raises(ScenarioAborted, match="stop here"):
        run_with_data(scenario, session, seed=1)
    assert session._draw is None


def test_run_with_data_lets_hypothesis_control_exceptions_through() -> None:
    session, _ = _session({})
    seen: list[str] = []

    def scenario() -> None:
        seen.append("ran")
        raise UnsatisfiedAssumption()

    # Hypothesis handles its own control exception (the example is discarded), so nothing is captured
    # and re-raised as if the scenario had failed; with every example rejected it reports Unsatisfiable.
    from hypothesis.errors import Unsatisfiable

    with pytest.raises(Unsatisfiable):
        run_with_data(scenario, session, seed=1)
    assert seen


def test_an_operation_location_off_the_target_is_never_read_and_is_reported() -> None:
    foreign = "https://elsewhere.example/face/v1.2/operations/1"
    session, events = _session({f"{GROUP}/train": [(202, None, [("Operation-Location", foreign)])],
                                f"{GROUP}/training": [_status("running"), _status("succeeded")]})
    trace = poll_lro(session, _train(session), f"{GROUP}/training", model=MODEL, op_url=foreign, abort_message="x")
    assert all("elsewhere" not in r.request.url for r in session.transport.sent)
    assert trace.operation_url == foreign and not trace.via("operation")
    assert any(isinstance(e, FindingRaised) and e.finding.check == "lro_operation_location_resolvable" for e in events)


def test_a_failed_walk_is_reported_on_its_last_page() -> None:
    from cognitive_conformance.conformance.flows import PageWalk

    session, events = _session({})
    pages = tuple(ResponseRecord(RequestRecord("GET", f"{BASE}/face/v1.2/persongroups?n={i}", ()), 200, (),
                                 json.dumps({"value": [{"id": "a"}]}).encode(), 0.0, float(i),
                                 "PersonGroupOperations_GetPersonGroups") for i in range(2))
    # no Face rule judges page walks: nothing is evaluated, nothing fails
    assert session.assess(PageWalk(pages)) and not events
    speaker, events = _session({})
    speaker.spec = Spec("speaker", "2021-09-05", "docs")
    assert speaker.assess(PageWalk(pages)) is False
    finding = next(e.finding for e in events if isinstance(e, FindingRaised))
    assert finding.check == "list_pages_cover_each_once" and "n=1" in finding.repro
