"""The one process pool: run work items in forked worker processes, stream their events back.

Jobs mix CPU work (Hypothesis generation, validation) with waiting on the target (round trips,
training), so they overlap well in several processes even on two cores. :func:`stream` forks
``workers`` processes; each takes items from a queue and calls ``work(item, emit)``; every
``emit(event)`` reaches the parent's ``on_event`` as it happens, and each item's return value
reaches ``on_done``. A work item that raises is reported to ``on_done`` as an error string (with
its traceback), never lost. Where ``fork`` is unavailable, or one worker is asked for, items run
in this process one after another.

``initializer`` runs in each worker right after the fork (the runner installs the workers'
signal handlers there). When ``abort()`` turns true (e.g. a second Ctrl-C), or the parent's wait
ends with an exception, the workers are killed at once and :class:`Aborted` is raised (with an
``abort``, even one worker is a forked process, so that it can be killed).
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["Aborted", "WorkerDied", "stream"]

Item = TypeVar("Item")


class WorkerDied(RuntimeError):
    """A worker process ended without reporting its item."""


class Aborted(RuntimeError):
    """``abort()`` asked to stop: the workers were killed with items unreported."""


def _loop(
    work: Callable[[Any, Callable[[Any], None]], Any], items: Any, results: Any, initializer: Callable[[], None] | None = None
) -> None:  # in a forked process
    if initializer is not None:
        initializer()

    def emit(event: Any) -> None:
        results.put(("event", None, event))

    while True:
        entry = items.get()
        if entry is None:
            return
        index, item = entry
        try:
            value = work(item, emit)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
            results.put(("error", index, f"{exc!r}\n{traceback.format_exc()}"))
        else:
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
    procs = [ctx.Process(target=_loop, args=(work, queue_in, results, initializer), daemon=True) for _ in range(workers)]
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
