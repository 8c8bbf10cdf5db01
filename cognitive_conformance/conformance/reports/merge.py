"""Merge the event records of several runs into one run, and write its report set.

A run spread over processes or machines (pytest-xdist workers, one CI job per service or API
version) leaves one event record per part: ``events.jsonl.gz`` in each report directory that
``conformance run`` wrote, or ``parts/<worker>.events.jsonl.gz`` that each pytest-xdist worker
of the pytest plugin wrote. :func:`merge_runs` folds them into the event stream of *one* run,
which :func:`conformance.reports.model.build` turns into one ``conformance.json`` like any other:

* one ``RunStarted``: every service and API version of the parts (first-seen order), the
  earliest start, the notices of all; the run ids and the targets of the parts, each distinct
  one once, joined (``1a2b3c+4d5e6f``; ``http://a, http://b``). The parts must agree on the
  profile, the seed and ``--max-examples`` (a report states one of each), else :class:`MergeError`;
* one ``RulesDeclared``: the union of the rules the parts declared (by rule id);
* every evaluation, finding occurrence, deviation, LRO timeline, scenario and leftover of every
  part, as they were: the report groups the occurrences of one finding (rule × service × API
  version × phase × operation × scenario) into one finding, so a finding seen by two parts is
  one finding with the occurrences of both;
* one ``PhaseFinished`` per (service, API version, phase): durations, requests, throttles,
  waits and the exchanges of each operation summed over the parts that ran it (the pytest plugin runs a phase in many items);
* one ``RunFinished``: requests and polls summed, findings counted again over the merged
  stream, the errors of the parts joined, the duration from the first part's start to the last
  part's end, and the worst exit code (:func:`worst_exit_code`); a part that stopped early
  (``incomplete``) makes the merged run incomplete, with the parts' budgeted and cleanup
  requests summed.

Merging is associative: a merged record merges again like any other.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from cognitive_conformance.conformance.events import (
    Event,
    EventsFileError,
    PhaseFinished,
    PhaseStarted,
    RuleInfo,
    RulesDeclared,
    RunFinished,
    RunStarted,
    dump,
    load,
    tally_findings,
)

__all__ = [
    "EVENTS_FILE",
    "PARTS_DIR",
    "EXIT_PRECEDENCE",
    "MergeError",
    "split_runs",
    "merge_runs",
    "worst_exit_code",
    "read_events",
    "merge_dirs",
    "write_reports",
]

#: The machine-readable record of a run in its report directory (what merging reads).
EVENTS_FILE = "events.jsonl.gz"
#: Where the parts of one run go inside its report directory (one file per pytest-xdist worker).
PARTS_DIR = "parts"
PART_SUFFIXES = (".events.jsonl.gz", ".events.jsonl")

#: Worst first, as the runner decides a run's own exit code: a checker error, then a signal, then a
#: usage or configuration error (a part that checked nothing), then nonconformance, then an unusable
#: target, then a budget that ran out, then conformant.
EXIT_PRECEDENCE = (4, 143, 130, 2, 1, 3, 5, 0)


class MergeError(ValueError):
    """The records cannot be merged into one run (missing, unreadable, or parts that disagree)."""


def worst_exit_code(codes: Iterable[int]) -> int:
    """The worst of the parts' exit codes, in :data:`EXIT_PRECEDENCE` order (an unknown code counts as a checker error)."""
    rank = {code: i for i, code in enumerate(EXIT_PRECEDENCE)}
    codes = list(codes)
    if not codes:
        raise MergeError("no run to merge")
    return min(codes, key=lambda c: rank.get(c, -1))


def split_runs(events: Iterable[Event]) -> list[list[Event]]:
    """The runs of one event stream: each from its ``RunStarted`` to its ``RunFinished``.

    A ``RunFinished`` with no ``RunStarted`` before it (a run refused for a usage error) is a run
    of its own. A run whose events end before its ``RunFinished`` raises :class:`MergeError`.
    """
    runs: list[list[Event]] = []
    current: list[Event] = []
    for event in events:
        if isinstance(event, RunStarted) and current:
            raise MergeError(f"run {_run_id(current)} has no RunFinished before the next run starts")
        current.append(event)
        if isinstance(event, RunFinished):
            runs.append(current)
            current = []
    if current:
        raise MergeError(f"run {_run_id(current)} has no RunFinished: its record ends early")
    return runs


def _run_id(run: Sequence[Event]) -> str:
    start = next((e for e in run if isinstance(e, RunStarted)), None)
    return start.run_id if start else "(without RunStarted)"


def _distinct(parts: Iterable[str], sep: str) -> str:
    seen: dict[str, None] = {}
    for joined in parts:
        for one in joined.split(sep):
            if one:
                seen.setdefault(one, None)
    return sep.join(seen)


def _time(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


def _started(starts: list[RunStarted]) -> RunStarted:
    for name, attr in (("profile", "profile"), ("seed", "seed"), ("--max-examples", "max_examples")):
        values = list(dict.fromkeys(getattr(s, attr) for s in starts))
        if len(values) > 1:
            raise MergeError(
                f"the runs differ in {name} ({', '.join(map(str, values))}): a merged report states one; "
                "merge runs made with the same options"
            )
    versions: dict[str, list[str]] = {}
    for s in starts:
        for service, vs in s.versions.items():
            known = versions.setdefault(service, [])
            known.extend(v for v in vs if v not in known)
    first = starts[0]
    earliest = min(starts, key=lambda s: _time(s.started_at) or datetime.max.replace(tzinfo=timezone.utc))
    return RunStarted(
        run_id=_distinct((s.run_id for s in starts), "+"),
        target=_distinct((s.target for s in starts), ", "),
        embedded=all(s.embedded for s in starts),
        services=tuple(dict.fromkeys(svc for s in starts for svc in s.services)),
        versions={service: tuple(vs) for service, vs in versions.items()},
        profile=first.profile,
        seed=first.seed,
        max_examples=first.max_examples,
        started_at=earliest.started_at,
        notices=tuple(dict.fromkeys(n for s in starts for n in s.notices)),
    )


def _duration(runs: list[list[Event]], finishes: list[RunFinished]) -> float:
    """From the first part's start to the last part's end (the parts' durations summed when a start is unknown)."""
    spans = []
    for run, finish in zip(runs, finishes):
        start = next((e for e in run if isinstance(e, RunStarted)), None)
        at = _time(start.started_at) if start else None
        if at is not None:
            spans.append((at.timestamp(), at.timestamp() + finish.duration_s))
    if not spans or len(spans) < sum(1 for r in runs if any(isinstance(e, RunStarted) for e in r)):
        return sum(f.duration_s for f in finishes)
    return max(end for _, end in spans) - min(start for start, _ in spans)


def _incomplete(finishes: list[RunFinished]) -> dict | None:
    stopped = [f.extra["incomplete"] for f in finishes if (f.extra or {}).get("incomplete")]
    if not stopped:
        return None
    merged = dict(stopped[0])
    reasons = [s.get("reason") for s in stopped]
    merged["reason"] = "interrupted" if "interrupted" in reasons else reasons[0]
    for counted in ("budgetedRequests", "cleanupRequests"):
        if any(counted in s for s in stopped):
            merged[counted] = sum(int(s.get(counted) or 0) for s in stopped)
    if any(s.get("aborted") for s in stopped):
        merged["aborted"] = True
    not_cleaned = list(dict.fromkeys(x for s in stopped for x in s.get("notCleaned") or []))
    if not_cleaned or "notCleaned" in merged:
        merged["notCleaned"] = not_cleaned
    return merged


def merge_runs(runs: Iterable[Sequence[Event]]) -> list[Event]:
    """The event stream of one run made of ``runs`` (each a whole run: see :func:`split_runs`).

    One run is returned as it is. See the module's docstring for what is summed, joined and kept.
    """
    runs = [list(r) for r in runs]
    if not runs:
        raise MergeError("no run to merge")
    for run in runs:
        if not run or not isinstance(run[-1], RunFinished):
            raise MergeError(f"run {_run_id(run)} has no RunFinished: its record ends early")
    if len(runs) == 1:
        return runs[0]
    starts = [e for run in runs for e in run if isinstance(e, RunStarted)]
    finishes = [run[-1] for run in runs]
    out: list[Event] = [_started(starts)] if starts else []
    rules: dict[str, RuleInfo] = {}
    for run in runs:
        for e in run:
            if isinstance(e, RulesDeclared):
                for info in e.rules:
                    rules.setdefault(info.name, info)
    if any(isinstance(e, RulesDeclared) for run in runs for e in run):
        out.append(RulesDeclared(tuple(rules.values())))
    phases: dict[tuple[str, str, str], PhaseFinished] = {}
    started_phases: set[tuple[str, str, str]] = set()
    for run in runs:
        for e in run:
            if isinstance(e, (RunStarted, RulesDeclared, RunFinished)):
                continue
            if isinstance(e, PhaseStarted):
                key = (e.service, e.version, e.phase)
                if key not in started_phases:
                    started_phases.add(key)
                    out.append(e)
                continue
            if isinstance(e, PhaseFinished):
                key = (e.service, e.version, e.phase)
                seen = phases.get(key)
                phases[key] = e if seen is None else replace(
                    seen,
                    duration_s=seen.duration_s + e.duration_s,
                    requests=seen.requests + e.requests,
                    throttles=seen.throttles + e.throttles,
                    throttle_wait_s=round(seen.throttle_wait_s + e.throttle_wait_s, 3),
                    rate_wait_s=round(seen.rate_wait_s + e.rate_wait_s, 3),
                    exchanges={op: seen.exchanges.get(op, 0) + e.exchanges.get(op, 0) for op in {**seen.exchanges, **e.exchanges}},
                    operations={**seen.operations, **e.operations},
                    unmatched=seen.unmatched + e.unmatched,
                )
                continue
            out.append(e)
    out.extend(phases.values())
    tally = tally_findings(out)
    errors = list(dict.fromkeys(f.error for f in finishes if f.error))
    incomplete = _incomplete(finishes)
    out.append(
        RunFinished(
            exit_code=worst_exit_code(f.exit_code for f in finishes),
            duration_s=_duration(runs, finishes),
            requests=sum(f.requests for f in finishes),
            polls=sum(f.polls for f in finishes),
            findings=tally.findings,
            error="; ".join(errors) if errors else None,
            extra={"incomplete": incomplete} if incomplete else {},
            occurrences=tally.occurrences,
            errors=tally.errors,
            warnings=tally.warnings,
        )
    )
    return out


def _parts(directory: Path) -> list[Path]:
    parts = directory / PARTS_DIR
    if not parts.is_dir():
        return []
    return sorted(p for p in parts.iterdir() if p.is_file() and p.name.endswith(PART_SUFFIXES))


def read_events(directory: str | os.PathLike[str]) -> list[list[Event]]:
    """The runs recorded in a report directory: its ``events.jsonl.gz``, or else every ``parts/*.events.jsonl[.gz]``."""
    directory = Path(directory)
    if not directory.is_dir():
        raise MergeError(f"{directory}: no such report directory")
    files = [directory / EVENTS_FILE] if (directory / EVENTS_FILE).is_file() else _parts(directory)
    if not files:
        raise MergeError(
            f"{directory}: no {EVENTS_FILE} and no {PARTS_DIR}/*.events.jsonl.gz: not a report directory of "
            "`conformance run` or of the pytest plugin's --conformance-report-dir"
        )
    runs: list[list[Event]] = []
    for path in files:
        try:
            runs += split_runs(load(path))
        except EventsFileError as exc:
            raise MergeError(str(exc)) from None
        except MergeError as exc:
            raise MergeError(f"{path}: {exc}") from None
    if not runs:
        raise MergeError(f"{directory}: its events record holds no run")
    return runs


def merge_dirs(directories: Sequence[str | os.PathLike[str]]) -> list[Event]:
    """One run's events from the records of several report directories (see :func:`read_events`)."""
    if not directories:
        raise MergeError("no report directory to merge")
    resolved = [Path(d).resolve() for d in directories]
    twice = sorted({str(d) for d in resolved if resolved.count(d) > 1})
    if twice:
        raise MergeError(f"{', '.join(twice)} named more than once: its runs would be counted twice")
    return merge_runs([run for d in directories for run in read_events(d)])


def write_reports(events: list[Event], directory: str | os.PathLike[str]) -> list[Path]:
    """Write the report set (``conformance.json``, ``junit.xml``, ``summary.md``) and ``events.jsonl.gz`` into ``directory``."""
    from cognitive_conformance.conformance.reports import write_all

    paths = write_all(events, directory)
    return [*paths, dump(events, Path(directory) / EVENTS_FILE)]
