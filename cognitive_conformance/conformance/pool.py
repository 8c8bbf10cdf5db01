"""The one process pool: run work items in forked worker processes, stream their events back.

Jobs mix CPU work (Hypothesis generation, validation) with waiting on the target (round trips,
training), so they overlap well in several processes even on two cores. :func:`stream` forks
``workers`` processes; each takes items from a queue and calls ``work(item, emit)``; every
``emit(event)`` reaches the parent's ``on_event`` as it happens, and each item's return value
reaches ``on_done``. A work item that raises is reported to ``on_done`` as an error string (with
its traceback), never lost. Where ``fork`` is unavailable, or one worker is asked for, items run
in this process one after another.

Events are few and large or many and small: a run's rule verdicts number tens per request. Items
for which ``batch(item)`` is true may be held back in the worker and sent together (up to
:data:`BATCH_SIZE` items, or once :data:`BATCH_SECONDS` have passed since the first was held, at
the next emit); any other item, and an item's end, sends what is held first, so the parent sees
every item in the order it was emitted and each item's events before its result. ``fold(held)``
may turn what is held into fewer items before it is sent (the runner folds identical rule verdicts
into one that counts them); what it returns is sent in its order.

``initializer`` runs in each worker right after the fork (the runner installs the workers'
signal handlers there). When ``abort()`` turns true (e.g. a second Ctrl-C), or the parent's wait
ends with an exception, the workers are killed at once and :class:`Aborted` is raised (with an
``abort``, even one worker is a forked process, so that it can be killed).
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["Aborted", "BATCH_SECONDS", "BATCH_SIZE", "WorkerDied", "stream"]

BATCH_SIZE = 8192
"""At most this many batchable items are held back in a worker."""
BATCH_SECONDS = 0.5
"""A held-back item waits at most this long for the next emit to send it."""

Item = TypeVar("Item")


class WorkerDied(RuntimeError):
    """A worker process ended without reporting its item."""


class Aborted(RuntimeError):
    """``abort()`` asked to stop: the workers were killed with items unreported."""


def _loop(
    work: Callable[[Any, Callable[[Any], None]], Any],
    items: Any,
    results: Any,
    initializer: Callable[[], None] | None = None,
    batch: Callable[[Any], bool] | None = None,
    fold: Callable[[list[Any]], Sequence[Any]] | None = None,
) -> None:  # in a forked process
    if initializer is not None:
        initializer()
    held: list[Any] = []
    first_held = 0.0

    def flush() -> None:
        if held:
            results.put(("events", None, tuple(fold(held) if fold is not None else held)))
            held.clear()

    def emit(event: Any) -> None:
        nonlocal first_held
        if batch is None or not batch(event):
            flush()
            results.put(("event", None, event))
            return
        now = time.monotonic()
        if not held:
            first_held = now
        held.append(event)
        if len(held) >= BATCH_SIZE or now - first_held >= BATCH_SECONDS:
            flush()

    while True:
        entry = items.get()
        if entry is None:
            return
        index, item = entry
        try:
            value = work(item, emit)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
            flush()
            results.put(("error", index, f"{exc!r}\n{traceback.format_exc()}"))
        else:
            flush()
            results.put(("done", index, value))


def stream(
    work: Callable[[Item, Callable[[Any], None]], Any],
    items: Sequence[Item],
    *,
    workers: int,
    on_event: Callable[[Any], None],
    on_done: Callable[[Item, Any, str | None], None],
    initializer: Callable[[], None] | None = None,
    abort: Callable[[], bool] | None = None,
    batch: Callable[[Any], bool] | None = None,
    fold: Callable[[list[Any]], Sequence[Any]] | None = None,
) -> None:
    """Run ``work`` over ``items`` in up to ``workers`` processes.

    ``on_done(item, value, error)`` is called once per item, in completion order: ``error`` is
    ``None`` or the text of what the item raised. Raises :class:`WorkerDied` if every worker
    ended with items still unreported.
    """
    workers = max(1, min(workers, len(items)))
    # One worker runs in this process, unless the run may be aborted: only a forked worker can be killed.
    if (workers == 1 and abort is None) or "fork" not in multiprocessing.get_all_start_methods():
        for item in items:
            try:
                value = work(item, on_event)
            except Exception as exc:  # noqa: BLE001 - same contract as in a worker
                on_done(item, None, f"{exc!r}\n{traceback.format_exc()}")
            else:
                on_done(item, value, None)
        return
    ctx = multiprocessing.get_context("fork")
    queue_in, results = ctx.Queue(), ctx.Queue()
    for index, item in enumerate(items):
        queue_in.put((index, item))
    for _ in range(workers):
        queue_in.put(None)
    procs = [ctx.Process(target=_loop, args=(work, queue_in, results, initializer, batch, fold), daemon=True) for _ in range(workers)]
    for proc in procs:
        proc.start()
    pending = len(items)
    aborted = False
    try:
        while pending:
            if abort is not None and abort():
                raise Aborted(f"{pending} work item(s) unreported: aborted")
            try:
                kind, index, payload = results.get(timeout=1.0 if abort is None else 0.2)
            except queue_module.Empty:
                if not any(p.is_alive() for p in procs):
                    raise WorkerDied(f"{pending} work item(s) unreported: every worker process ended") from None
                continue
            if kind == "event":
                on_event(payload)
                continue
            if kind == "events":
                for event in payload:
                    on_event(event)
                continue
            pending -= 1
            if kind == "done":
                on_done(items[index], payload, None)
            else:
                on_done(items[index], None, payload)
    except BaseException:
        aborted = True
        raise
    finally:
        for proc in procs:
            if aborted and proc.is_alive():
                proc.kill()
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
