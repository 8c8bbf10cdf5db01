"""Opt-in Retry-After on non-terminal status reads (off by default: the faithful emulator sends none)."""

from __future__ import annotations

import pytest

from cognitive_conformance.emulator.app import create_app
from cognitive_conformance.emulator.clock import ManualClock
from cognitive_conformance.emulator.config import EmulatorConfig

KEY = "r" * 32
H = {"Ocp-Apim-Subscription-Key": KEY}


def _flow(config: EmulatorConfig, clock: ManualClock) -> list[httpx.Response]:
    from starlette.testclient import TestClient

    with TestClient(create_app(config), base_url="http://t") as c:
        c.put("/face/v1.2/persongroups/g", json={"name": "g"}, headers=H)
        c.post("/face/v1.2/persongroups/g/train", headers=H)
        running = c.get("/face/v1.2/persongroups/g/training", headers=H)
        clock.advance(60)
        done = c.get("/face/v1.2/persongroups/g/training", headers=H)
        missing = c.get("/face/v1.2/persongroups/nope/training", headers=H)
    return [running, done, missing]


def test_retry_after_only_on_in_progress_reads_when_enabled() -> None:
    clock = ManualClock()
    running, done, missing = _flow(EmulatorConfig(keys=(KEY,), training_seconds=1.0, clock=clock, retry_after=2), clock)
    assert running.json()["status"] in {"notStarted", "running"} and running.headers["retry-after"] == "2"
    assert done.json()["status"] in {"succeeded", "failed"} and "retry-after" not in done.headers
    assert missing.status_code == 404 and "retry-after" not in missing.headers


def test_faithful_emulator_sends_no_retry_after() -> None:
    clock = ManualClock()
    running, done, _ = _flow(EmulatorConfig(keys=(KEY,), training_seconds=1.0, clock=clock), clock)
    assert "retry-after" not in running.headers and "retry-after" not in done.headers


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_retry_after_must_be_whole_seconds(bad) -> None:
    with pytest.raises(ValueError, match="retry_after"):
        EmulatorConfig(keys=(KEY,), retry_after=bad)


def test_each_service_says_which_of_its_reads_are_in_progress() -> None:
    from cognitive_conformance.emulator.routing import Reply
    from cognitive_conformance.emulator.services import registered_services

    services = {s.name: s for s in registered_services()}
    assert all(s.in_progress is not None for s in services.values())
    cases = {
        "face": ({"status": "nonstarted"}, {"status": "running"}, {"status": "succeeded"}),
        "speaker": ({"enrollmentStatus": "Training"}, {"enrollmentStatus": "Training"}, {"enrollmentStatus": "Enrolling"}),
        "customvoice": ({"status": "NotStarted"}, {"status": "Running"}, {"status": "Failed"}),
    }
    for name, (waiting, running, other) in cases.items():
        in_progress = services[name].in_progress
        assert in_progress(Reply(200, json=waiting)) and in_progress(Reply(200, json=running)), name
        assert not in_progress(Reply(200, json=other)) and not in_progress(Reply(404, json=running)), name
