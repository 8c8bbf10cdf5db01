import math
from datetime import datetime, timedelta, timezone

import pytest

from cognitive_conformance.emulator.services.face.train import data_weight
from cognitive_conformance.emulator.training import TrainingState, derive, start_training, training_duration

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _record(duration: float = 10.0, succeeds: bool = True, previous=None, submitted: datetime = T0):
    return start_training(
        submitted, duration=duration, queue_basis=duration if math.isfinite(duration) else 10.0,
        succeeds=succeeds, failure_message=None if succeeds else "There is no person in the person group.", previous=previous,
    )


def test_duration_grows_with_persons_and_faces() -> None:
    assert training_duration(10) == 10
    assert training_duration(10, weight=data_weight(2, 10)) == pytest.approx(10 * (1 + 0.1 + 0.1))
    assert training_duration(10, weight=1.2, scale=0) == 0
    assert math.isinf(training_duration(10, weight=1.2, scale=math.inf))
    with pytest.raises(ValueError):
        training_duration(-1)


def test_status_is_not_started_then_running_then_succeeded() -> None:
    record = _record()
    assert derive(record, _at(0)).state is TrainingState.NOT_STARTED
    assert derive(record, _at(1.999)).state is TrainingState.NOT_STARTED
    assert derive(record, _at(2.0)).state is TrainingState.RUNNING  # 20 %
    assert derive(record, _at(9.999)).state is TrainingState.RUNNING
    done = derive(record, _at(10))
    assert done.state is TrainingState.SUCCEEDED and done.finished_at == _at(10)
    assert done.last_success_at == _at(10) and done.group_last_action_at == _at(10) and done.message is None


def test_terminal_status_is_sticky() -> None:
    record = _record(succeeds=False)
    for t in (10, 11, 1000, 10**6):
        view = derive(record, _at(t))
        assert view.state is TrainingState.FAILED
        assert view.message == "There is no person in the person group."
        assert view.last_success_at is None and view.group_last_action_at is None


def test_last_action_is_null_until_a_success_and_kept_by_retraining() -> None:
    first = _record()
    assert derive(first, _at(5)).group_last_action_at is None
    second = _record(previous=first, submitted=_at(20))
    running = derive(second, _at(25))
    assert running.state is TrainingState.RUNNING
    assert running.last_success_at == _at(10) and running.group_last_action_at == _at(10)


def test_zero_duration_is_instant_and_infinite_never_ends() -> None:
    assert derive(_record(duration=0), _at(0)).state is TrainingState.SUCCEEDED
    never = _record(duration=math.inf)
    assert derive(never, _at(0)).state is TrainingState.NOT_STARTED
    assert derive(never, _at(10**7)).state is TrainingState.RUNNING
    assert never.finishes_at is None


def test_cancel_fails_an_unfinished_training_but_not_a_finished_one() -> None:
    record = _record()
    cancelled = record.cancel(_at(3))
    assert derive(cancelled, _at(2.5)).state is TrainingState.RUNNING
    view = derive(cancelled, _at(3))
    assert view.state is TrainingState.FAILED and view.finished_at == _at(3) and view.message
    assert record.cancel(_at(11)) is record


def test_operation_timestamps_follow_transitions() -> None:
    record = _record()
    assert derive(record, _at(1)).last_action_at == _at(0)
    assert derive(record, _at(3)).last_action_at == _at(2)
    assert derive(record, _at(30)).last_action_at == _at(10)


def test_a_training_without_queue_is_running_from_its_submission() -> None:
    """queue_basis 0 (the Face observed profile): no notStarted phase, the first read is running."""
    record = start_training(T0, duration=10.0, queue_basis=0.0, succeeds=True, failure_message=None, previous=None)
    first = derive(record, _at(0))
    assert first.state is TrainingState.RUNNING and first.last_action_at == first.submitted_at == T0
    assert derive(record, _at(9.999)).state is TrainingState.RUNNING
    assert derive(record, _at(10)).state is TrainingState.SUCCEEDED


def test_duration_is_capped_before_a_fault_scales_it() -> None:
    assert training_duration(2, weight=50_001, cap=1800) == 1800
    assert training_duration(2, weight=2, cap=1800) == 4
    assert training_duration(2, weight=50_001, scale=0, cap=1800) == 0
    assert math.isinf(training_duration(2, weight=50_001, scale=math.inf, cap=1800))


def test_group_size_weights_and_cap_are_configurable() -> None:
    """Two persons without faces: base × (1 + 2 × per_person), capped; the training ends (failed: no face) exactly then."""
    from tests.unit.emulator.conftest import H, make_client

    for config, expected in (
        ({}, 10 * (1 + 2 * 0.05)),
        ({"training_per_person": 1.0}, 10 * 3),
        ({"training_per_person": 1.0, "training_max_seconds": 25.0}, 25.0),
    ):
        client, clock = make_client(training_seconds=10, **config)
        base = "/face/v1.2/persongroups/g"
        assert client.put(base, json={"name": "g"}, headers=H).status_code == 200
        for name in ("a", "b"):
            assert client.post(f"{base}/persons", json={"name": name}, headers=H).status_code == 200
        assert client.post(f"{base}/train", headers=H).status_code == 202
        clock.advance(expected - 0.01)
        assert client.get(f"{base}/training", headers=H).json()["status"] == "running", config
        clock.advance(0.01)
        assert client.get(f"{base}/training", headers=H).json()["status"] == "failed", config


def test_training_weights_are_validated() -> None:
    from cognitive_conformance.emulator import EmulatorConfig

    for name in ("training_per_person", "training_per_face", "training_max_seconds"):
        with pytest.raises(ValueError):
            EmulatorConfig(**{name: -1})
        with pytest.raises(ValueError):
            EmulatorConfig(**{name: math.inf})
