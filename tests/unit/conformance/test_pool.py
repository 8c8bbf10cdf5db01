"""The one process pool: events stream back, results and errors reach on_done, nothing is lost."""

from __future__ import annotations

import os

import pytest

from conformance import pool


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
