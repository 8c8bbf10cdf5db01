"""The Python API: check a target, judge recorded traffic or merge runs from your own code.

Three functions, each the counterpart of a command and as thin over the same code:

* :func:`run` is ``conformance run`` (:func:`cognitive_conformance.conformance.runner.run`);
* :func:`validate` is ``conformance validate`` (:func:`cognitive_conformance.conformance.traffic.traffic_run`);
* :func:`merge` is ``conformance report merge`` (:mod:`cognitive_conformance.conformance.reports.merge`).

Each returns a result object (:class:`RunResult`, :class:`ValidateResult`) holding the exit code
the command would have exited with, the report model (what ``conformance.json`` holds), its
counts and findings, and the paths of the reports written (``report_dir``; none when it is
``None``). They print nothing, never exit the interpreter and install no signal handler. A
usage or configuration error (exit code 2 of a command) raises :class:`ConfigError`, a
``ValueError``; every other outcome, a nonconformant target included, is a result.

Example (the embedded emulator: one scenario of Face v1.2; ``tests/e2e/test_api.py`` runs it):

>>> from cognitive_conformance import api
>>> result = api.run(services="face", api_versions="v1.2", phases="stateful", scenarios="face-auth")
>>> result.exit_code, result.conformant, result.counts.findings
(0, True, 0)
>>> result.counts.requests > 0, [s["scenario"] for s in result.report["scenarios"]]
(True, ['face-auth'])
>>> api.run(services="nope")
Traceback (most recent call last):
    ...
cognitive_conformance.conformance.config.ConfigError: unknown service 'nope'; known: customvoice (also voice, custom-voice); face; speaker (also speaker-recognition)
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cognitive_conformance.conformance.config import (
    EXIT_CHECKER_ERROR,
    EXIT_FINDINGS,
    EXIT_INCOMPLETE,
    EXIT_OK,
    EXIT_SIGINT,
    EXIT_SIGTERM,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    ConfigError,
    RunConfig,
)
from cognitive_conformance.conformance.events import Event, RunFinished

__all__ = [
    "ConfigError",
    "Counts",
    "Result",
    "RunResult",
    "ValidateResult",
    "run",
    "validate",
    "merge",
    "RUN_OPTIONS",
    "EXIT_OK",
    "EXIT_FINDINGS",
    "EXIT_USAGE",
    "EXIT_UNREACHABLE",
    "EXIT_CHECKER_ERROR",
    "EXIT_INCOMPLETE",
    "EXIT_SIGINT",
    "EXIT_SIGTERM",
]

#: The keyword options :func:`run` takes besides its named parameters: the fields of
#: :class:`~cognitive_conformance.conformance.config.RunConfig` (``seed``, ``max_examples``,
#: ``poll_timeout_s``, ``phases``, ``scenarios``, ``operations``, ``checks``, ``workers``,
#: ``rate_limit``, ``max_requests``, ``max_time_s``, ``request_timeout_s``, ``connect_timeout_s``,
#: ``auth``, ``ca_bundle``, ``media_dir``, ``read_only``, ``use_existing``,
#: ``emulator_training_seconds``, ``emulator_faults``, ``emulator_mutations``), each the
#: ``conformance run`` flag of that name.
RUN_OPTIONS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(RunConfig)
    if f.name not in ("target", "key", "services", "api_versions", "profile", "ledger")
)
_TUPLES = {f.name for f in dataclasses.fields(RunConfig) if str(f.type).startswith("tuple")}


@dataclass(frozen=True)
class Counts:
    """The headline figures of a report, each counted from what happened (``conformance.json`` ``result``).

    ``findings`` are distinct (rule × service × API version × phase × operation × scenario),
    ``errors`` + ``warnings`` of them; ``occurrences`` every time one was seen; ``deviations``
    departures from the documents the observed profile accepts.
    """

    findings: int
    errors: int
    warnings: int
    occurrences: int
    deviations: int
    requests: int
    polls: int

    @classmethod
    def of(cls, report: dict[str, Any]) -> Counts:
        r = report["result"]
        return cls(*(int(r.get(name) or 0) for name in (f.name for f in dataclasses.fields(cls))))


@dataclass(frozen=True)
class Result:
    """What a run, a validation or a merge came to.

    ``exit_code`` is the command's (0 conformant, 1 nonconformant, 3 target unusable, 4 checker
    error, 5 incomplete, 130/143 interrupted); ``report`` the report model, as ``conformance.json``
    holds it (``report.schema.json``); ``events`` the event record it was built from;
    ``report_paths`` the files written (``conformance.json``, ``junit.xml``, ``summary.md``,
    ``events.jsonl.gz``), empty without a ``report_dir``.
    """

    exit_code: int
    report: dict[str, Any]
    events: tuple[Event, ...] = field(repr=False)
    report_paths: tuple[Path, ...] = ()

    @property
    def conformant(self) -> bool:
        """No error-severity finding, and the run was complete (exit code 0)."""
        return self.exit_code == EXIT_OK

    @property
    def counts(self) -> Counts:
        return Counts.of(self.report)

    @property
    def findings(self) -> list[dict[str, Any]]:
        """The distinct findings, as ``conformance.json`` lists them (rule, operation, occurrences, repro ...)."""
        return list(self.report["findings"])

    @property
    def error(self) -> str | None:
        """Why the run could not be made in full (an unusable target, a checker error), or None."""
        return self.report["result"].get("error")

    @property
    def incomplete(self) -> dict[str, Any] | None:
        """Why a budget or a signal stopped the run (``result.incomplete``), or None."""
        return self.report["result"].get("incomplete")


@dataclass(frozen=True)
class RunResult(Result):
    """The result of :func:`run` or :func:`merge`; ``target`` is the URL checked (the embedded emulator's when it was one)."""

    @property
    def target(self) -> str | None:
        return self.report["target"]["url"]


@dataclass(frozen=True)
class ValidateResult(Result):
    """The result of :func:`validate`: ``recordings`` files read, ``exchanges`` judged or counted as not judged."""

    recordings: int = 0

    @property
    def exchanges(self) -> int:
        return self.counts.requests

    @property
    def long_running_operations(self) -> int:
        return len(self.report["lros"])


def _names(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _result(cls: type[Result], events: list[Event], exit_code: int, report_dir: str | os.PathLike[str] | None,
            **extra: Any) -> Any:
    from cognitive_conformance.conformance.reports import merge as merging, model

    paths: tuple[Path, ...] = ()
    report = model.build(events)
    if report_dir is not None:
        try:
            paths = tuple(merging.write_reports(events, report_dir))
            # what was written, with what only the writer knows (the HAR it assembled)
            report = json.loads((Path(report_dir) / "conformance.json").read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot write the reports to {report_dir}: {exc}") from None
    return cls(exit_code=exit_code, report=report, events=tuple(events), report_paths=paths, **extra)


def run(
    target: str | None = None,
    key: str | None = None,
    services: str | Iterable[str] = (),
    api_versions: str | Iterable[str] = (),
    profile: str = "observed",
    report_dir: str | os.PathLike[str] | None = None,
    *,
    har: bool = True,
    on_event: Callable[[Event], None] | None = None,
    **options: Any,
) -> RunResult:
    """Check ``target`` (the embedded emulator when None) as ``conformance run`` does; return the result.

    ``key`` is the subscription key (default: the environment's ``CONFORMANCE_KEY``; with
    ``auth="aad"`` none is given: the token is ``CONFORMANCE_TOKEN`` or one from
    ``DefaultAzureCredential``). ``services`` and ``api_versions`` (a name or several; default all)
    select what is checked, ``profile`` is ``"observed"`` or ``"docs"``. ``report_dir`` receives
    ``conformance.json``, ``junit.xml``, ``summary.md``, ``report.html``, ``events.jsonl.gz``,
    ``traffic.har`` (unless ``har=False``, as ``--no-har``), ``repro/`` and the run's
    ``ledger.jsonl``; without it nothing is written. ``options`` are :data:`RUN_OPTIONS` (a name or
    several where the flag repeats: ``phases="stateful"``, ``scenarios=["face-auth"]``).
    ``on_event`` sees every event as it happens.

    Raises :class:`ConfigError` for a usage or configuration error (an unknown service, option or
    version, a bad value): ``conformance run`` exits 2 there.
    """
    unknown = sorted(set(options) - set(RUN_OPTIONS))
    if unknown:
        raise ConfigError(f"unknown option(s) {', '.join(unknown)}; known: {', '.join(RUN_OPTIONS)}")
    values = {name: (_names(v) if name in _TUPLES else v) for name, v in options.items()}
    if "request_timeout_s" in values and "connect_timeout_s" not in values:
        values["connect_timeout_s"] = min(10.0, values["request_timeout_s"])  # as `conformance run --timeout`
    for name, minimum, text in (("max_examples", 1, "at least 1"), ("workers", 1, "at least 1"),
                                ("poll_timeout_s", None, "positive")):
        value = values.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (minimum is None and value <= 0) or (
            minimum is not None and value < minimum
        ):
            raise ConfigError(f"{name} must be {text}, not {value!r}")
    if values.get("auth", "key") == "aad":
        from cognitive_conformance.conformance.access import TOKEN_ENV, static_token

        if key is not None:
            raise ConfigError(f"key is a subscription key; with auth='aad' set {TOKEN_ENV} or let DefaultAzureCredential find an identity")
        key = static_token()
    else:
        key = key or os.environ.get("CONFORMANCE_KEY")
    if report_dir is not None:
        from cognitive_conformance.conformance.ledger import LEDGER_NAME

        values["ledger"] = str(Path(report_dir) / LEDGER_NAME)
        if har:
            from cognitive_conformance.conformance.har import PARTS_DIR

            values["har_parts"] = str(Path(report_dir) / PARTS_DIR)
    try:
        config = RunConfig(target=target, key=key, services=_names(services), api_versions=_names(api_versions),
                           profile=profile, **values)
    except TypeError as exc:  # a value of the wrong kind
        raise ConfigError(str(exc)) from None
    from cognitive_conformance.conformance import runner

    outcome = runner.run(config, on_event=on_event)
    if outcome.exit_code == EXIT_USAGE:
        finish = next((e for e in reversed(outcome.events) if isinstance(e, RunFinished)), None)
        raise ConfigError(finish.error if finish and finish.error else "configuration error")
    return _result(RunResult, outcome.events, outcome.exit_code, report_dir)


def validate(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    profile: str = "observed",
    report_dir: str | os.PathLike[str] | None = None,
    *,
    format: str | None = None,
    min_poll_interval_s: float | None = None,
    on_event: Callable[[Event], None] | None = None,
) -> ValidateResult:
    """Judge recorded traffic as ``conformance validate`` does; return the result.

    ``paths``: recording files or directories (searched recursively): Azure SDK test-proxy JSON,
    .NET SessionRecords, vcrpy cassettes, HAR 1.2, each detected from its content unless
    ``format`` (``"test-proxy"``, ``"session-records"``, ``"vcr"``, ``"har"``) says. ``report_dir``
    as for :func:`run`. ``min_poll_interval_s`` reports a client polling sooner than that.

    Raises :class:`ConfigError` for unreadable input, no recording found, or a bad argument
    (``conformance validate`` exits 2 there).
    """
    from cognitive_conformance.conformance import recordings, traffic
    from cognitive_conformance.conformance.spec import PROFILES

    if profile not in PROFILES:
        raise ConfigError(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")
    if format not in (None, "test-proxy", "session-records", "vcr", "har"):
        raise ConfigError(f"unknown format {format!r}; known: test-proxy, session-records, vcr, har")
    if min_poll_interval_s is not None and min_poll_interval_s < 0:
        raise ConfigError("min_poll_interval_s must not be negative")
    names = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    try:
        files = recordings.read_recordings(names, format=format)
    except recordings.RecordingError as exc:
        raise ConfigError(str(exc)) from None
    if not files:
        raise ConfigError(f"no recording found in {', '.join(map(str, names))}")
    batches = [(f.path, [(f"{f.path}#{e.index}", e.record) for e in f.entries]) for f in files]
    events, exit_code = traffic.traffic_run(
        batches,
        profile=profile,
        target=f"{len(files)} recording(s): " + ", ".join(sorted({f.format for f in files})),
        min_poll_interval_s=min_poll_interval_s,
        on_event=on_event,
    )
    return _result(ValidateResult, events, exit_code, report_dir, recordings=len(files))


def merge(report_dirs: Sequence[str | os.PathLike[str]], report_dir: str | os.PathLike[str] | None = None) -> RunResult:
    """Merge the runs recorded in ``report_dirs`` into one, as ``conformance report merge`` does.

    Each directory's ``events.jsonl.gz`` (what :func:`run` and ``conformance run`` write) is read,
    or else its ``parts/*.events.jsonl.gz`` (the pytest plugin's workers). ``report_dir``, which
    must not be one of ``report_dirs``, receives the merged report set.

    Raises :class:`ConfigError` when a directory holds no record or the runs cannot be merged
    (they differ in profile, seed or max examples).
    """
    from cognitive_conformance.conformance.reports import merge as merging

    if isinstance(report_dirs, (str, os.PathLike)):
        report_dirs = [report_dirs]
    if report_dir is not None and any(Path(d).resolve() == Path(report_dir).resolve() for d in report_dirs):
        raise ConfigError(f"report_dir {report_dir} is one of the directories merged: its record would be overwritten")
    try:
        events = merging.merge_dirs(list(report_dirs))
    except merging.MergeError as exc:
        raise ConfigError(str(exc)) from None
    finish = events[-1]
    exit_code = finish.exit_code if isinstance(finish, RunFinished) else EXIT_CHECKER_ERROR
    return _result(RunResult, events, exit_code, report_dir)
