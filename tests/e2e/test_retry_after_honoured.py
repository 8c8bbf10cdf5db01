"""The measured polling figures over real HTTP: each is driven away from its good value and seen to change.

Against an emulator that sends ``Retry-After: 1`` on non-terminal reads, the checker's poller honours every one
(measured from the send times) and never polls after a terminal status; a poller told to ignore Retry-After is
measured as not honouring it (and lro_polling_cost reports it); one told to over-poll shows polls after terminal;
a target answering 429 once shows one throttle.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cognitive_conformance.emulator import server as emulator_server
from cognitive_conformance.conformance.events import FindingRaised, LroCompleted, LroTimeline
from cognitive_conformance.conformance.packs import scenarios_of
from cognitive_conformance.conformance.runner import RunConfig, run
from cognitive_conformance.conformance.scenarios.polling import Poller, PollPolicy
from cognitive_conformance.conformance.scenarios.session import Session, run_with_data
from cognitive_conformance.conformance.spec import Spec
from cognitive_conformance.conformance.transport import Transport
from cognitive_conformance.emulator.config import EmulatorConfig
from cognitive_conformance.emulator.server import running

pytestmark = pytest.mark.e2e
KEY = "r3try4f73rk3y0000000000000000001"
SCENARIO = "face-persongroup-train-poll"


def _scenario(url: str, policy: PollPolicy, version: str = "v1.0") -> tuple[list[LroTimeline], list[FindingRaised]]:
    """Run the Face train-then-poll scenario with a poller of ``policy``; return its timelines and findings."""
    events: list = []
    transport = Transport(url, KEY)
    session = Session(transport=transport, spec=Spec("face", version, "docs"), emit=events.append, run_id="ra",
                      poller=Poller(policy))
    session.scenario = SCENARIO
    scenario = next(s for s in scenarios_of("face") if s.name == SCENARIO)
    try:
        run_with_data(lambda: scenario.run(session), session, seed=0)
    finally:
        assert session.cleanup() == []
        transport.close()
    return ([e.timeline for e in events if isinstance(e, LroCompleted)],
            [e for e in events if isinstance(e, FindingRaised)])


def test_the_checker_honours_retry_after_and_never_polls_after_terminal() -> None:
    with running(EmulatorConfig(keys=(KEY,), training_seconds=1.2, retry_after=1)) as url:
        result = run(RunConfig(target=url, key=KEY, services=("face",), api_versions=("v1.0",), phases=("stateful",),
                               scenarios=(SCENARIO,), workers=1))
    assert result.exit_code == 0, [f.message for f in result.findings]
    timelines = [e.timeline for e in result.events if isinstance(e, LroCompleted)]
    assert timelines and all(t.terminal_status is not None for t in timelines)
    for t in timelines:
        assert t.retry_after_seen >= 1 and t.retry_after_honoured == t.retry_after_seen
        assert t.polls_after_terminal == 0 and dict(t.verification_reads) == {"terminal-reread": 1}
        polls = [s for s in t.statuses if s[2] == "resource" and s[3] == "poll"]
        waits = [b[0] - a[0] for a, b in zip(polls, polls[1:])]
        # every wait followed an in-progress read carrying Retry-After: 1
        assert waits and min(waits) >= 0.95


def test_a_poller_told_to_ignore_retry_after_is_measured_as_not_honouring_it() -> None:
    with running(EmulatorConfig(keys=(KEY,), training_seconds=1.0, retry_after=1)) as url:
        timelines, findings = _scenario(url, PollPolicy(timeout_s=20, initial_interval_s=0.05, max_interval_s=0.2,
                                                         honour_retry_after=False))
    assert timelines
    assert sum(t.retry_after_seen for t in timelines) > sum(t.retry_after_honoured for t in timelines)
    assert "lro_polling_cost" in {f.finding.check for f in findings}


def test_a_poller_told_to_over_poll_is_measured_polling_after_terminal() -> None:
    with running(EmulatorConfig(keys=(KEY,), training_seconds=0.3)) as url:
        timelines, findings = _scenario(url, PollPolicy(timeout_s=20, initial_interval_s=0.05, reads_after_terminal=2),
                                        version="v1.2")
    # 2 rounds × every status resource read (the observed emulator links train to the group's own /training: one)
    assert timelines and all(t.polls_after_terminal == 2 * len({s[2] for s in t.statuses}) for t in timelines)
    assert "lro_polling_cost" in {f.finding.check for f in findings}


def _throttle_once(app):
    """An ASGI wrapper answering the second training-status read (the first poll) with 429 and Retry-After: 1."""
    state = {"reads": 0}

    async def wrapped(scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].endswith("/training"):
            state["reads"] += 1
        if state["reads"] == 2 and scope["type"] == "http" and scope["path"].endswith("/training"):
            state["reads"] += 1
            body = b'{"error":{"code":"429","message":"Rate limit is exceeded. Try again in 1 seconds."}}'
            await send({"type": "http.response.start", "status": 429,
                        "headers": [(b"content-type", b"application/json"), (b"retry-after", b"1")]})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return wrapped


@pytest.fixture
def throttling_emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    real = emulator_server.create_app
    monkeypatch.setattr(emulator_server, "create_app", lambda config: _throttle_once(real(config)))
    with running(EmulatorConfig(keys=(KEY,), training_seconds=0.5)) as url:
        yield url


def test_a_target_answering_429_once_shows_one_throttle(throttling_emulator: str) -> None:
    timelines, _ = _scenario(throttling_emulator, PollPolicy(timeout_s=20, initial_interval_s=0.05), version="v1.0")
    # the first training read of the scenario is the never-trained 404 probe; the 429 answers the first poll
    assert sum(t.throttles for t in timelines) == 1
    assert all(t.terminal_status is not None for t in timelines)
