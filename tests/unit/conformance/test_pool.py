"""The one process pool: events stream back, results and errors reach on_done, nothing is lost."""

from __future__ import annotations

import os

import pytest

from cognitive_conformance.conformance import pool


def _square(item: int, emit) -> int:
    emit(("started", item, os.getpid()))
    if item == 3:
        raise ValueError("three is not allowed")
    return item * item


@pytest.mark.parametrize("workers", [1, 2])
def test_every_item_reports_once_with_its_value_or_error(workers: int) -> None:
    events, done = [], {}
    pool.stream(_square, [1, 2, 3, 4], workers=workers, on_event=events.append, on_done=lambda i, v, e: done.setdefault(i, (v, e)))
    assert {i: v for i, (v, e) in done.items() if e is None} == {1: 1, 2: 4, 4: 16}
    assert done[3][0] is None and "three is not allowed" in done[3][1] and "Traceback" in done[3][1]
    assert sorted(e[1] for e in events) == [1, 2, 3, 4]


def test_two_workers_really_run_in_other_processes() -> None:
    events: list = []
    pool.stream(_square, [1, 2, 4, 5], workers=2, on_event=events.append, on_done=lambda *a: None)
    assert os.getpid() not in {pid for _, _, pid in events}


def _die(item: int, emit) -> None:
    os._exit(7)


def test_a_worker_that_dies_is_reported_not_waited_for_forever() -> None:
    with pytest.raises(pool.WorkerDied, match="unreported"):
        pool.stream(_die, [1, 2], workers=2, on_event=lambda e: None, on_done=lambda *a: None)


def _sleepy(item, emit):
    import time

    time.sleep(30)
    return item


def test_abort_kills_the_workers_at_once() -> None:
    import time

    started = time.monotonic()
    asked = []

    def abort() -> bool:
        asked.append(1)
        return time.monotonic() - started > 0.5

    with pytest.raises(pool.Aborted):
        pool.stream(_sleepy, [1, 2], workers=2, on_event=lambda e: None, on_done=lambda *a: None, abort=abort)
    assert time.monotonic() - started < 5


def _reports_initialised(item, emit):
    import os

    return os.environ.get("CC_POOL_INIT")


def test_the_initializer_runs_in_each_worker() -> None:
    import os

    done = []

    def init() -> None:
        os.environ["CC_POOL_INIT"] = "yes"

    pool.stream(_reports_initialised, [1, 2, 3], workers=2, on_event=lambda e: None,
                on_done=lambda item, value, error: done.append(value), initializer=init)
    assert done == ["yes"] * 3 and "CC_POOL_INIT" not in os.environ


def _bulk(item: int, emit) -> int:
    for i in range(1500):
        emit(("bulk", item, i))
    emit(("milestone", item, None))
    emit(("bulk", item, -1))
    return item


def test_batched_items_arrive_whole_in_order_and_before_their_items_end() -> None:
    seen: list = []
    pool.stream(_bulk, [1, 2], workers=2, on_event=seen.append,
                on_done=lambda item, value, error: seen.append(("done", item, value)),
                batch=lambda e: e[0] == "bulk")
    for item in (1, 2):
        mine = [e for e in seen if e[1] == item]
        assert mine == [*(("bulk", item, i) for i in range(1500)), ("milestone", item, None), ("bulk", item, -1), ("done", item, item)]


def _fold_runs(held: list) -> list:
    """Identical held items become one ``(kind, item, i, count)``."""
    out: list = []
    for e in held:
        if out and out[-1][:3] == e[:3]:
            out[-1] = (*e[:3], out[-1][3] + 1)
        else:
            out.append((*e[:3], 1))
    return out


def _same(item: int, emit) -> int:
    for _ in range(1000):
        emit(("bulk", item, 0))
    emit(("milestone", item, None))
    return item


def test_held_items_are_folded_before_they_travel_and_keep_their_place() -> None:
    seen: list = []
    pool.stream(_same, [1, 2], workers=2, on_event=seen.append,
                on_done=lambda item, value, error: seen.append(("done", item, value)),
                batch=lambda e: e[0] == "bulk", fold=_fold_runs)
    for item in (1, 2):
        mine = [e for e in seen if e[1] == item]
        bulk = [e for e in mine if e[0] == "bulk"]
        assert sum(e[3] for e in bulk) == 1000 and len(bulk) < 10  # folded: a few messages, not a thousand
        assert mine[-2:] == [("milestone", item, None), ("done", item, item)]
