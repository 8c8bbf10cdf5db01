"""The checker's poller waits as long as Retry-After asks, over real HTTP."""

from __future__ import annotations

import pytest

from conformance.events import LroCompleted
from conformance.runner import RunConfig, run
from emulator.config import EmulatorConfig
from emulator.server import running

pytestmark = pytest.mark.e2e
KEY = "r3try4f73rk3y0000000000000000001"


def test_poller_honours_retry_after_and_never_polls_after_terminal() -> None:
    with running(EmulatorConfig(keys=(KEY,), training_seconds=1.2, retry_after=1)) as url:
        result = run(RunConfig(target=url, key=KEY, services=("face",), api_versions=("v1.0",), phases=("stateful",),
                               scenarios=("face-persongroup-train-poll",), workers=1))
    assert result.exit_code == 0, [f.message for f in result.findings]
    timelines = [e.timeline for e in result.events if isinstance(e, LroCompleted)]
    assert timelines and all(t.terminal_status is not None for t in timelines)
    assert sum(t.retry_after_honoured for t in timelines) >= 1
    for t in timelines:
        assert t.polls_after_terminal == 0
        reads = [s for s in t.statuses if s[2] == "resource"]
        waits = [b[0] - a[0] for a, b in zip(reads, reads[1:]) if a[1].lower() not in {"succeeded", "failed"}]
        # every wait that followed an in-progress read (which carried Retry-After: 1) lasted ~1 s or more
        assert waits and min(waits) >= 0.95
