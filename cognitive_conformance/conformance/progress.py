"""What a run shows while it runs: one line or bar per job (``service@api-version``) and its phase.

Jobs run in worker processes (:mod:`conformance.pool`); their progress reaches the parent through
the same channel as their events: a worker emits :class:`Progress` records into the pool's result
queue, and the runner hands them to ``on_progress`` instead of the event list (the reports never
see them). A :class:`Progress` says how far one job is in one phase: operations done of the
operations in its spec (stateless), scenarios done of its scenarios (stateful), and the requests
the job has sent in that phase.

Three displays, chosen by :func:`open_display`:

* :class:`QuietDisplay` (``-q``): nothing; the CLI prints only its closing line and errors;
* :class:`LineDisplay` when stderr is not a terminal (CI logs): plain lines, each prefixed with
  ``service@version phase:``: the phase's start, a progress line at most every ``interval`` seconds
  per job, one when the phase ends (with its requests); findings as they are first seen; each
  scenario's result; with ``-v`` every progress step (each operation and scenario as it starts) and
  the phase's throttles and waits;
* :class:`LiveDisplay` when stderr is a terminal: a rich ``Progress`` with one bar per job, updated
  live, with the same finding and scenario lines printed above the bars.

Every figure shown is counted from what happened: the totals are the spec's operations and the
pack's scenarios, ``done`` counts the items that ended, and the request counts are the transport's.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO

from cognitive_conformance.conformance.events import (
    Event,
    FindingRaised,
    PhaseFinished,
    PhaseStarted,
    RulesDeclared,
    RunStarted,
    ScenarioFinished,
)

__all__ = ["Display", "LineDisplay", "LiveDisplay", "Progress", "QuietDisplay", "job_label", "open_display"]

#: What one unit of each phase's progress is.
UNITS = {"stateless": "operations", "stateful": "scenarios"}


def job_label(service: str, version: str) -> str:
    """How a job is named on screen: ``face@v1.2``."""
    return f"{service}@{version}"


@dataclass(frozen=True)
class Progress:
    """One job's progress in one phase: ``done`` of ``total`` items ended, ``requests`` sent in the phase.

    ``current`` names the item that starts now (an operationId or a scenario), ``None`` once the phase's
    items have all been run.
    """

    service: str
    version: str
    phase: str  # "stateless" | "stateful"
    done: int
    total: int
    requests: int
    current: str | None = None

    @property
    def job(self) -> str:
        return job_label(self.service, self.version)


class Display:
    """The interface the CLI drives: events and progress in, lines or bars out (on stderr)."""

    def __enter__(self) -> Display:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop any live rendering (idempotent); later output goes straight to the stream."""

    def event(self, event: Event) -> None:
        """One event of the run's stream."""

    def progress(self, progress: Progress) -> None:
        """One job's progress."""

    def note(self, text: str) -> None:
        """An informational line (where the target came from, a recording read); not shown with ``-q``."""


class QuietDisplay(Display):
    """``-q``: shows nothing."""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class _Lines:
    """The text every display prints for an event (the prefix ``service@version phase:`` included)."""

    def __init__(self) -> None:
        self.severity: dict[str, str] = {}
        self.seen: set[tuple] = set()
        self.last: dict[tuple[str, str], Progress] = {}  # (job, phase) -> its latest progress

    def finding(self, event: FindingRaised) -> str | None:
        f = event.finding
        if f.key() in self.seen:
            return None  # another occurrence of a finding already shown
        self.seen.add(f.key())
        level = self.severity.get(f.check, f.severity)
        where = f" {f.operation_id}" if f.operation_id else ""
        scenario = f" [{f.scenario}]" if f.scenario else ""
        return f"{job_label(f.service, f.version)} {f.phase}: {level} {f.check}{where}{scenario}: {f.title}"

    @staticmethod
    def scenario(event: ScenarioFinished) -> str:
        verdict = "passed" if event.passed else "FAILED"
        text = f"{job_label(event.service, event.version)} stateful: scenario {event.scenario} {verdict} ({event.duration_s:.1f} s)"
        return text + (f": {event.error}" if event.error else "")

    @staticmethod
    def started(event: PhaseStarted) -> str:
        return f"{job_label(event.service, event.version)} {event.phase}: started"

    def finished(self, event: PhaseFinished, *, verbose: bool) -> str:
        last = self.last.get((job_label(event.service, event.version), event.phase))
        unit = UNITS.get(event.phase, "items")
        counted = f"{last.done}/{last.total} {unit}, " if last is not None else ""
        text = (
            f"{job_label(event.service, event.version)} {event.phase}: done, {counted}"
            f"{_plural(event.requests, 'request')} in {event.duration_s:.1f} s"
        )
        if verbose:
            text += (
                f"; {_plural(event.throttles, 'throttle')} (429), {event.throttle_wait_s:.1f} s waited for them, "
                f"{event.rate_wait_s:.1f} s for the rate limit"
            )
        return text

    def step(self, p: Progress) -> str:
        text = f"{p.job} {p.phase}: {p.done}/{p.total} {UNITS.get(p.phase, 'items')}, {_plural(p.requests, 'request')}"
        return text + (f" (now {p.current})" if p.current else "")


class LineDisplay(Display):
    """Plain lines for logs: each names ``service@version phase:``.

    ``interval``: the least time between two progress lines of one job and phase (``verbose``: every step).
    """

    def __init__(self, stream: TextIO | None = None, *, verbose: bool = False, interval: float = 10.0,
                 clock: Any = time.monotonic) -> None:
        self.stream = stream
        self.verbose = verbose
        self.interval = 0.0 if verbose else interval
        self.clock = clock
        self.text = _Lines()
        self.printed: dict[tuple[str, str], float] = {}

    def _print(self, line: str) -> None:
        stream = self.stream or sys.stderr
        print(line, file=stream, flush=True)

    def event(self, event: Event) -> None:
        if isinstance(event, RulesDeclared):
            self.text.severity.update({r.name: r.severity for r in event.rules})
        elif isinstance(event, PhaseStarted):
            self.printed[(job_label(event.service, event.version), event.phase)] = self.clock()
            self._print(self.text.started(event))
        elif isinstance(event, FindingRaised):
            line = self.text.finding(event)
            if line:
                self._print(line)
        elif isinstance(event, ScenarioFinished):
            self._print(self.text.scenario(event))
        elif isinstance(event, PhaseFinished):
            self._print(self.text.finished(event, verbose=self.verbose))

    def progress(self, progress: Progress) -> None:
        key = (progress.job, progress.phase)
        self.text.last[key] = progress
        now = self.clock()
        if self.verbose or now - self.printed.get(key, float("-inf")) >= self.interval:
            self.printed[key] = now
            self._print(self.text.step(progress))

    def note(self, text: str) -> None:
        self._print(text)


class LiveDisplay(Display):
    """One rich progress bar per job, updated live on a terminal; finding and scenario lines above the bars."""

    def __init__(self, console: Any = None, *, verbose: bool = False) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bars, TextColumn, TimeElapsedColumn

        self.console = console or Console(stderr=True, highlight=False)
        self.verbose = verbose
        self.text = _Lines()
        self.bars = Bars(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]}"),
            TextColumn("{task.fields[requests]} requests"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[current]}"),
            console=self.console,
            transient=False,
        )
        self.tasks: dict[str, Any] = {}
        self.live = False

    def _start(self) -> None:
        if not self.live:
            self.bars.start()
            self.live = True

    def close(self) -> None:
        if self.live:
            self.bars.stop()
            self.live = False

    def _line(self, text: str) -> None:
        from rich.markup import escape

        self.bars.console.print(escape(text), soft_wrap=True, highlight=False)

    def _task(self, job: str, phase: str = "waiting") -> Any:
        self._start()
        if job not in self.tasks:
            self.tasks[job] = self.bars.add_task(f"{job} {phase}", total=None, unit="", requests=0, current="")
        return self.tasks[job]

    def event(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            for service, versions in event.versions.items():
                for version in versions:
                    self._task(job_label(service, version))
        elif isinstance(event, RulesDeclared):
            self.text.severity.update({r.name: r.severity for r in event.rules})
        elif isinstance(event, PhaseStarted):
            job = job_label(event.service, event.version)
            self.bars.update(self._task(job), description=f"{job} {event.phase}", completed=0, total=None,
                             unit=UNITS.get(event.phase, ""), requests=0, current="")
            if self.verbose:
                self._line(self.text.started(event))
        elif isinstance(event, FindingRaised):
            line = self.text.finding(event)
            if line:
                self._line(line)
        elif isinstance(event, ScenarioFinished):
            self._line(self.text.scenario(event))
        elif isinstance(event, PhaseFinished):
            job = job_label(event.service, event.version)
            last = self.text.last.get((job, event.phase))
            done = last.done if last is not None else 0
            self.bars.update(self._task(job), description=f"{job} {event.phase} done", completed=done,
                             total=last.total if last is not None else done, requests=event.requests, current="")
            if self.verbose:
                self._line(self.text.finished(event, verbose=True))

    def progress(self, progress: Progress) -> None:
        self.text.last[(progress.job, progress.phase)] = progress
        self.bars.update(self._task(progress.job), description=f"{progress.job} {progress.phase}",
                         completed=progress.done, total=progress.total, unit=UNITS.get(progress.phase, ""),
                         requests=progress.requests, current=progress.current or "")

    def note(self, text: str) -> None:
        self._line(text)


def open_display(*, quiet: bool = False, verbose: bool = False, stream: TextIO | None = None) -> Display:
    """The display for these flags: nothing with ``quiet``, live bars when ``stream`` (default stderr) is a
    terminal, plain lines otherwise."""
    if quiet:
        return QuietDisplay()
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        from rich.console import Console

        return LiveDisplay(Console(file=stream, highlight=False), verbose=verbose)
    return LineDisplay(stream, verbose=verbose)
