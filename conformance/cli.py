"""``conformance``: the command line, a thin adapter over :mod:`conformance.runner`.

Subcommands:

* ``conformance run``       check a target (the embedded emulator when no ``--target``)
* ``conformance emulator``  serve the emulator (runs ``python -m emulator``; never imports it)
* ``conformance checks``    list every check with its rule and source
* ``conformance selftest``  the checker's mutation score over the emulator's fault catalogue

Exit codes of ``run``: 0 conformant, 1 nonconformance found, 2 usage or configuration
error, 3 target unreachable.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence

from conformance import runner
from conformance.events import Event, FindingRaised, PhaseStarted, RunFinished, ScenarioFinished

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2, as documented
        self.print_usage(sys.stderr)
        self.exit(runner.EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="conformance",
        description="Contract-test an Azure AI train-then-poll endpoint (Face, Speaker Recognition, Custom Voice).",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="check a target against the specs")
    run.add_argument("--target", help="base URL of the target (default: start the embedded emulator)")
    run.add_argument("--key", help="subscription key (default: env CONFORMANCE_KEY)")
    run.add_argument("--service", action="append", default=[], help="service to check (repeatable; default: all)")
    run.add_argument("--api-version", action="append", default=[], help="API version to check (repeatable; default: all)")
    run.add_argument("--profile", default="strict", choices=["strict", "lenient"])
    run.add_argument("--report-dir", default="reports", help="where conformance.json, junit.xml, summary.md go")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--max-examples", type=int, default=5, help="Hypothesis-generated requests per operation and mode, on top of the deterministic coverage cases (default 5)")
    run.add_argument("--poll-timeout", type=float, default=60.0, help="seconds to wait for each LRO to finish")
    run.add_argument("--phase", action="append", default=[], choices=list(runner.PHASES), help="phase to run (repeatable; default: both)")
    run.add_argument("--scenario", action="append", default=[], help="only this stateful scenario (repeatable)")
    run.add_argument("--check", action="append", default=[], help="only this check (repeatable; default: all)")
    run.add_argument("--emulator-training-seconds", type=float, default=0.3, help="embedded emulator's training time")
    run.add_argument("--emulator-fault", action="append", default=[], help="embedded emulator fault (repeatable)")
    run.add_argument("--workers", type=int, default=None, help="parallel worker processes (default: 2 x CPUs)")
    run.add_argument("--quiet", action="store_true", help="no progress output")

    emu = sub.add_parser("emulator", help="serve the emulator of the three services", add_help=False)
    emu.add_argument("args", nargs=argparse.REMAINDER)

    sub.add_parser("checks", help="list the checks with their rules and sources")

    st = sub.add_parser("selftest", help="mutation score: run the checker against every emulator fault, and a clean control")
    st.add_argument("--fault", action="append", default=[], help="only this fault (repeatable; default: all)")
    st.add_argument("--service", action="append", default=[], help="only faults of this service (repeatable)")
    st.add_argument("--workers", type=int, default=2, help="parallel runs (default 2)")
    st.add_argument("--max-examples", type=int, default=2, help="stateless examples per operation and mode (default 2)")
    st.add_argument("--poll-timeout", type=float, default=5.0)
    st.add_argument("--report-dir", default=None, help="also write selftest.json and selftest.md here")
    return parser


def _progress(quiet: bool):
    if quiet:
        return (lambda e: None), (lambda m: None)
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    seen: set[tuple] = set()

    def on_event(event: Event) -> None:
        if isinstance(event, PhaseStarted):
            console.print(f"[bold]{event.service} {event.version}[/bold] · {event.phase}")
        elif isinstance(event, FindingRaised) and event.finding.key() not in seen:
            seen.add(event.finding.key())
            f = event.finding
            console.print(f"  [red]✗ {f.check}[/red] {f.operation_id or ''}: {f.title}", soft_wrap=True)
        elif isinstance(event, ScenarioFinished):
            mark = "[green]✓[/green]" if event.passed else "[red]✗[/red]"
            console.print(f"  {mark} {event.scenario} ({event.duration_s:.1f} s)" + (f" — {event.error}" if event.error else ""))
        elif isinstance(event, RunFinished) and event.error:
            console.print(f"[red]error:[/red] {event.error}")

    def on_progress(message: str) -> None:
        pass

    return on_event, on_progress


def _cmd_run(args: argparse.Namespace) -> int:
    key = args.key or os.environ.get("CONFORMANCE_KEY")
    if args.max_examples < 1:
        print("conformance: error: --max-examples must be at least 1", file=sys.stderr)
        return runner.EXIT_USAGE
    if args.poll_timeout <= 0:
        print("conformance: error: --poll-timeout must be positive", file=sys.stderr)
        return runner.EXIT_USAGE
    if args.workers is not None and args.workers < 1:
        print("conformance: error: --workers must be at least 1", file=sys.stderr)
        return runner.EXIT_USAGE
    extra = {"workers": args.workers} if args.workers is not None else {}
    config = runner.RunConfig(
        target=args.target,
        key=key,
        services=tuple(args.service),
        api_versions=tuple(args.api_version),
        profile=args.profile,
        seed=args.seed,
        max_examples=args.max_examples,
        poll_timeout_s=args.poll_timeout,
        phases=tuple(args.phase) or runner.PHASES,
        scenarios=tuple(args.scenario),
        checks=tuple(args.check),
        emulator_training_seconds=args.emulator_training_seconds,
        emulator_faults=tuple(args.emulator_fault),
        **extra,
    )
    on_event, on_progress = _progress(args.quiet)
    result = runner.run(config, on_event=on_event, on_progress=on_progress)
    finish = next((e for e in reversed(result.events) if isinstance(e, RunFinished)), None)
    if result.exit_code == runner.EXIT_USAGE:
        print(f"conformance: error: {finish.error if finish else 'configuration error'}", file=sys.stderr)
        return result.exit_code
    from conformance.reports import write_all

    paths = write_all(result.events, args.report_dir)
    verdict = {0: "conformant", 1: "NONCONFORMANT", 3: "target unreachable"}.get(result.exit_code, "error")
    print(
        f"{verdict}: {finish.findings if finish else 0} finding(s), {result.requests} requests, "
        f"{finish.polls if finish else 0} polls in {result.duration_s:.1f} s against {result.target or args.target}"
    )
    print("reports: " + ", ".join(str(p) for p in paths))
    return result.exit_code


def _cmd_emulator(args: argparse.Namespace) -> int:
    # The checker never imports the emulator: run it as its own process.
    try:
        return subprocess.call([sys.executable, "-m", "emulator", *args.args])
    except KeyboardInterrupt:
        return 0


def _cmd_checks() -> int:
    from conformance.checks.registry import all_rules

    for c in all_rules():
        scope = "stateful" if c.stateful_only else "any"
        print(f"{c.name}  [{c.family}, {scope}]\n    rule:   {c.rule}\n    source: {c.source}")
    return 0


def _cmd_selftest(args: argparse.Namespace) -> int:
    from conformance import selftest

    if args.workers < 1 or args.max_examples < 1 or args.poll_timeout <= 0:
        print("conformance: error: --workers and --max-examples must be >= 1, --poll-timeout > 0", file=sys.stderr)
        return runner.EXIT_USAGE
    try:
        result = selftest.run_selftest(
            faults=tuple(args.fault),
            services=tuple(args.service),
            workers=args.workers,
            max_examples=args.max_examples,
            poll_timeout_s=args.poll_timeout,
        )
    except runner.ConfigError as exc:
        print(f"conformance: error: {exc}", file=sys.stderr)
        return runner.EXIT_USAGE
    print(selftest.render_table(result))
    if args.report_dir:
        paths = selftest.write_reports(result, args.report_dir)
        print("reports: " + ", ".join(str(p) for p in paths))
    return runner.EXIT_OK if result.passed else runner.EXIT_FINDINGS


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return _cmd_run(args)
    if args.command == "emulator":
        return _cmd_emulator(args)
    if args.command == "checks":
        return _cmd_checks()
    if args.command == "selftest":
        return _cmd_selftest(args)
    return runner.EXIT_USAGE  # pragma: no cover - argparse enforces the choices


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
