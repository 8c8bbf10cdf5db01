"""``conformance``: the command line, a thin adapter over :mod:`conformance.runner`.

Subcommands:

* ``conformance run``       check a target (the embedded emulator when no ``--target``)
* ``conformance emulator``  serve the emulator (runs ``conformance emulator``; never imports it)
* ``conformance validate``  judge recorded traffic (test-proxy, SessionRecords, vcrpy, HAR) with the same rules
* ``conformance checks``    list every rule with its id, kind, severity, statement and source
* ``conformance selftest``  the checker's mutation scores: named emulator faults, blind mutants
* ``conformance proxy``     forward a client's traffic to a target, judge it live, write reports and a HAR
* ``conformance cleanup``   delete what a run left on a target (from its ledger, or by its ``cc-`` prefix)
* ``conformance spec render`` one plain OpenAPI document per service and version, for Schemathesis and other tools

Exit codes of ``run``: 0 conformant, 1 nonconformance found (an error-severity finding),
2 usage or configuration error, 3 target unreachable, 4 checker error (a defect of this tool,
not of the target), 5 incomplete: a budget (``--max-requests``, ``--max-time``) ran out (the reports
are written and marked incomplete), 130 interrupted by Ctrl-C (SIGINT), 143 by SIGTERM (the cleanup
runs and partial reports are written; a second Ctrl-C aborts the cleanup). Warning-severity findings
are reported and do not make a run nonconformant.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence

from cognitive_conformance.conformance import runner, spec_cli
from cognitive_conformance.conformance.events import Event, FindingRaised, PhaseStarted, RulesDeclared, RunFinished, ScenarioFinished

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

    run = sub.add_parser(
        "run",
        help="check a target against the specs",
        description=(
            "Check a target against the specs and write conformance.json, junit.xml and summary.md. "
            "A finding is one rule broken on one operation of one API version (in one scenario); "
            "each time it is seen is an occurrence."
        ),
        epilog=(
            "exit codes: 0 conformant (no error finding), 1 nonconformant (at least one error-severity "
            "finding), 2 usage or configuration error, 3 target unreachable, 4 checker error, 5 incomplete: "
            "--max-requests or --max-time ran out (cleanup still runs, outside the request budget; reports "
            "marked incomplete), 130 interrupted by Ctrl-C, 143 by SIGTERM (cleanup runs, partial reports "
            "written; a second Ctrl-C aborts the cleanup and names what was not cleaned). Findings of warning "
            "severity are listed in the reports and do not fail the run."
        ),
    )
    run.add_argument("--target", help="base URL of the target (default: start the embedded emulator)")
    run.add_argument("--key", help="subscription key (default: env CONFORMANCE_KEY)")
    run.add_argument("--auth", default="key", choices=["key", "aad"], help="key (default): send the subscription key in Ocp-Apim-Subscription-Key; aad: send a Microsoft Entra ID token as 'Authorization: Bearer', from env CONFORMANCE_TOKEN when set (CI, tests), else from azure-identity's DefaultAzureCredential (pip install 'cognitive-conformance[aad]'), scope https://cognitiveservices.azure.com/.default, refreshed before it expires; without --target the embedded emulator accepts a generated token")
    run.add_argument("--ca-bundle", default=None, metavar="PEM", help="verify the target's TLS certificate with the CA certificates in this PEM file (default: the system's); proxies come from HTTPS_PROXY, HTTP_PROXY, NO_PROXY")
    run.add_argument("--media-dir", default=None, metavar="DIR", help="use your own media instead of the bundled synthetic ones: DIR/faces/*.jpg|*.png (one face each; Face add-face, stateless octet-stream bodies), DIR/speech/<speaker>/*.wav (16 kHz 16-bit mono PCM; Speaker enrollments and identify, at least two speakers), DIR/consent/<talent>.wav + DIR/voice/<talent>/*.wav (Custom Voice consents and personal voices); only the folders of the selected services are required (README: --media-dir)")
    run.add_argument("--service", action="append", default=[], help="service to check (repeatable; default: all)")
    run.add_argument("--api-version", action="append", default=[], help="API version to check (repeatable; default: all)")
    run.add_argument("--profile", default="observed", choices=["observed", "docs"], help="observed (default): judge what the real service is known to do and report departures from the documents as deviations; docs: judge the documents literally")
    run.add_argument("--report-dir", default="reports", help="where conformance.json, junit.xml, summary.md go")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--max-examples", type=int, default=5, help="Hypothesis-generated requests per operation and mode, on top of the deterministic coverage cases (default 5)")
    run.add_argument("--poll-timeout", type=float, default=60.0, help="seconds to wait for each LRO to finish")
    run.add_argument("--phase", action="append", default=[], choices=list(runner.PHASES), help="phase to run (repeatable; default: both)")
    run.add_argument("--scenario", action="append", default=[], help="only this stateful scenario (repeatable)")
    run.add_argument("--check", action="append", default=[], help="only this rule (repeatable; default: all; see `conformance checks`)")
    run.add_argument("--emulator-training-seconds", type=float, default=0.3, help="embedded emulator's training time")
    run.add_argument("--emulator-fault", action="append", default=[], help="embedded emulator fault (repeatable)")
    run.add_argument("--workers", type=int, default=None, help="parallel worker processes (default: 2 x CPUs)")
    run.add_argument("--rate-limit", default=None, metavar="N/s|N/m", help="at most N requests per second or minute across all workers, or 'none' (default: 5/s for a remote --target; none for the embedded emulator and loopback targets; a Free tier allows 20/m)")
    run.add_argument("--max-requests", type=int, default=None, metavar="N", help="send at most N requests across all workers, then stop, clean up (cleanup requests are extra) and exit 5")
    run.add_argument("--max-time", type=float, default=None, metavar="SECONDS", help="start no request after SECONDS, then clean up and exit 5")
    run.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="read timeout of every request, bounding its whole body too (default 30; connecting times out after 10)")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    _add_touch_options(run)

    val = sub.add_parser(
        "validate",
        help="judge recorded traffic (Azure SDK recordings, HAR) with the rules live runs use",
        description=(
            "Judge recorded HTTP traffic against the specs with the same response rules and LRO flow rules a "
            "live run uses: Azure SDK test-proxy JSON recordings, .NET SessionRecords JSON, vcrpy YAML cassettes "
            "and HAR 1.2 files, detected from their content. Service, operation and API version come from the "
            "URLs; train/poll sequences are judged as long-running operations, including the recorded client's "
            "polling. Directories are searched recursively. Writes the same reports as `run`."
        ),
        epilog="exit codes: 0 conformant (no error finding), 1 findings, 2 unreadable input or usage error.",
    )
    val.add_argument("paths", nargs="+", metavar="PATH", help="recording files or directories")
    val.add_argument("--format", choices=["test-proxy", "session-records", "vcr", "har"], default=None, help="read every file as this format (default: detect)")
    val.add_argument("--profile", default="observed", choices=["observed", "docs"], help="observed (default): what the real service is known to do, departures from the documents reported as deviations; docs: the documents literally")
    val.add_argument("--report-dir", default="reports", help="where conformance.json, junit.xml, summary.md go")
    val.add_argument("--min-poll-interval", type=float, default=None, metavar="SECONDS", help="report a client that polls a status resource sooner than this after its previous answer")
    val.add_argument("-q", "--quiet", action="store_true", help="no per-finding output")

    emu = sub.add_parser("emulator", help="serve the emulator of the three services", add_help=False)
    emu.add_argument("args", nargs=argparse.REMAINDER)

    sub.add_parser("checks", help="list every rule: id, kind, severity, statement, source")

    st = sub.add_parser(
        "selftest",
        help="mutation scores: the checker against every named emulator fault in every API version, and against blind mutants",
    )
    st.add_argument("--fault", action="append", default=[], help="only this named fault (repeatable; default: all; naming only faults runs no blind mutant)")
    st.add_argument("--service", action="append", default=[], help="only faults and mutants of this service (repeatable)")
    st.add_argument("--operator", action="append", default=[], help="only blind mutants of this operator (repeatable; naming only operators or mutants runs no named fault)")
    st.add_argument("--mutant", action="append", default=[], metavar="OPERATOR@operationId@apiVersion", help="only this blind mutant (repeatable)")
    st.add_argument("--sample", type=int, default=None, metavar="N", help="run N blind mutants chosen with --seed, every operator represented (default: all)")
    st.add_argument("--only", choices=["faults", "mutants"], default=None, help="run only the named faults or only the blind mutants")
    st.add_argument("--seed", type=int, default=0)
    st.add_argument("--workers", type=int, default=None, help="parallel runs (default: 2 x CPUs)")
    st.add_argument("--max-examples", type=int, default=2, help="stateless examples per operation and mode (default 2)")
    st.add_argument("--poll-timeout", type=float, default=5.0)
    st.add_argument("--report-dir", default=None, help="also write selftest.json and selftest.md here")

    px = sub.add_parser(
        "proxy",
        help="forward your own client's traffic to a target and judge it live (server- and client-side findings)",
        description=(
            "Listen on loopback and forward every request to the target (the embedded emulator when no --target), "
            "rewriting Operation-Location/Location/Azure-AsyncOperation on the target's origin so the client keeps "
            "talking through the proxy. Each exchange is judged with the rules of `conformance run`: the target's "
            "responses (server-side findings) and the client's behaviour (client-side findings, warnings). Prints "
            "'proxy listening on http://HOST:PORT -> TARGET', then findings as they are found; on Ctrl-C or SIGTERM "
            "it writes conformance.json, junit.xml, summary.md and a HAR 1.2 file of the traffic (keys as ***)."
        ),
        epilog=(
            "exit codes (Ctrl-C is the normal end, not an error): 0 conformant (no error finding), 1 nonconformant "
            "(at least one error-severity finding), 2 usage error (bad flag, port in use, emulator did not start), "
            "3 no error finding but some requests did not reach the target. Warning findings (every client-side "
            "rule) are reported and do not fail the run."
        ),
    )
    px.add_argument("--target", help="base URL of the target (default: start the embedded emulator)")
    px.add_argument("--listen", default="127.0.0.1:0", metavar="HOST:PORT", help="loopback address to listen on (default 127.0.0.1:0, a free port)")
    px.add_argument("--key", help="subscription key added when the client sends none (default: env CONFORMANCE_KEY); with the embedded emulator, the key it accepts (default: its well-known development key)")
    px.add_argument("--har", default=None, metavar="FILE", help="where the HAR 1.2 file goes (default: REPORT_DIR/traffic.har)")
    px.add_argument("--report-dir", default="reports", help="where conformance.json, junit.xml, summary.md go")
    px.add_argument("--profile", default="observed", choices=["observed", "docs"], help="observed (default): what the real service is known to do; docs: the documents literally")
    px.add_argument("--min-poll-interval", type=float, default=None, metavar="SECONDS", help="warn when the client polls a status resource sooner than this after its previous response (default: no floor)")
    px.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="timeout of every upstream request (default 30)")
    _add_cleanup_parser(sub)
    spec_cli.add_parser(sub)
    return parser


def _existing_kinds() -> str:
    from cognitive_conformance.conformance.packs import all_packs

    return "; ".join(f"{p.service}: {', '.join(k for k, _ in p.existing)}" for p in all_packs() if p.existing)


def _add_touch_options(run: argparse.ArgumentParser) -> None:
    """What a run may touch on a live target: ``--read-only``, ``--use-existing``."""
    run.add_argument("--read-only", action="store_true", help="send GET requests only: the stateless phase skips every other method; of the stateful scenarios only read-only ones run (auth, --use-existing reads)")
    run.add_argument("--use-existing", action="append", default=[], metavar="SERVICE:KIND=ID", help=f"also read this existing resource (its GETs judged by the response rules, never written; repeatable). Kinds: {_existing_kinds()}")


def _add_cleanup_parser(sub: argparse._SubParsersAction) -> None:
    cl = sub.add_parser(
        "cleanup",
        help="delete what a run left on a target (from its ledger.jsonl or by its cc- prefix)",
        description=(
            "Delete the resources a run created and did not delete (a run killed part-way). --ledger FILE deletes every "
            "entry of a run's ledger.jsonl not marked deleted, children before parents, and marks each deletion in the "
            "ledger; --prefix P lists every person group, large person group, face list, large face list, Speaker "
            "profile and Custom Voice personal voice, consent and project whose id starts with P (which must start "
            "with cc-) and deletes them. Prints each path removed and a closing count."
        ),
        epilog="exit codes: 0 everything listed is gone, 1 something could not be deleted, 2 usage error, 3 target unusable.",
    )
    cl.add_argument("--target", required=True, help="base URL of the resource endpoint")
    cl.add_argument("--key", help="subscription key (default: env CONFORMANCE_KEY)")
    cl.add_argument("--ledger", default=None, metavar="FILE", help="a run's ledger (REPORT_DIR/ledger.jsonl)")
    cl.add_argument("--prefix", default=None, metavar="P", help="delete every resource whose id starts with P (must start with cc-, e.g. cc-1a2b3c-)")
    cl.add_argument("--dry-run", action="store_true", help="print what would be deleted; delete nothing")


def _cmd_cleanup(args: argparse.Namespace) -> int:
    from cognitive_conformance.conformance.sweep import cleanup

    return cleanup(
        args.target,
        args.key or os.environ.get("CONFORMANCE_KEY"),
        ledger=args.ledger,
        prefix=args.prefix,
        dry_run=args.dry_run,
        err=lambda line: print(line, file=sys.stderr),
    )


def _ledger_path(report_dir: str) -> str:
    from pathlib import Path

    from cognitive_conformance.conformance.ledger import LEDGER_NAME

    return str(Path(report_dir) / LEDGER_NAME)  # made by the run's first job, never for a usage error


def _print_leftovers(data: dict) -> None:
    for left in data["result"].get("leftovers", []):
        status = left["status"] if left["status"] is not None else "no answer"
        print(f"left on the target: {left['path']} ({status}: {left['reason']})", file=sys.stderr)


def _progress(quiet: bool):
    if quiet:
        return (lambda e: None), (lambda m: None)
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    seen: set[tuple] = set()
    severity: dict[str, str] = {}

    def on_event(event: Event) -> None:
        if isinstance(event, RulesDeclared):
            severity.update({r.name: r.severity for r in event.rules})
        elif isinstance(event, PhaseStarted):
            console.print(f"[bold]{event.service} {event.version}[/bold] · {event.phase}")
        elif isinstance(event, FindingRaised) and event.finding.key() not in seen:
            seen.add(event.finding.key())
            f = event.finding
            mark = "[yellow]! warning" if severity.get(f.check, f.severity) == "warning" else "[red]✗"
            console.print(f"  {mark} {f.check}[/] {f.operation_id or ''}: {f.title}", soft_wrap=True)
        elif isinstance(event, ScenarioFinished):
            mark = "[green]✓[/green]" if event.passed else "[red]✗[/red]"
            console.print(f"  {mark} {event.scenario} ({event.duration_s:.1f} s)" + (f" — {event.error}" if event.error else ""))
        elif isinstance(event, RunFinished) and event.error:
            from rich.markup import escape  # an error may hold brackets, e.g. "cognitive-conformance[aad]"

            console.print(f"[red]error:[/red] {escape(event.error)}")

    def on_progress(message: str) -> None:
        pass

    return on_event, on_progress


def _cmd_run(args: argparse.Namespace) -> int:
    key = args.key or os.environ.get("CONFORMANCE_KEY")
    if args.auth == "aad":
        from cognitive_conformance.conformance.access import TOKEN_ENV, static_token

        if args.key:
            print(f"conformance: error: --key is a subscription key; with --auth aad set {TOKEN_ENV} or let DefaultAzureCredential find an identity", file=sys.stderr)
            return runner.EXIT_USAGE
        key = static_token()
    if args.max_examples < 1:
        print("conformance: error: --max-examples must be at least 1", file=sys.stderr)
        return runner.EXIT_USAGE
    if args.poll_timeout <= 0:
        print("conformance: error: --poll-timeout must be positive", file=sys.stderr)
        return runner.EXIT_USAGE
    if args.workers is not None and args.workers < 1:
        print("conformance: error: --workers must be at least 1", file=sys.stderr)
        return runner.EXIT_USAGE
    if args.max_requests is not None and args.max_requests < 1:
        print("conformance: error: --max-requests must be at least 1", file=sys.stderr)
        return runner.EXIT_USAGE
    if (args.max_time is not None and args.max_time <= 0) or args.timeout <= 0:
        print("conformance: error: --max-time and --timeout must be positive", file=sys.stderr)
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
        rate_limit=args.rate_limit,
        auth=args.auth,
        ca_bundle=args.ca_bundle,
        media_dir=args.media_dir,
        ledger=_ledger_path(args.report_dir),
        read_only=args.read_only,
        use_existing=tuple(args.use_existing),
        max_requests=args.max_requests,
        max_time_s=args.max_time,
        request_timeout_s=args.timeout,
        connect_timeout_s=min(10.0, args.timeout),
        **extra,
    )
    on_event, on_progress = _progress(args.quiet)
    result = runner.run(config, on_event=on_event, on_progress=on_progress, handle_signals=True)
    finish = next((e for e in reversed(result.events) if isinstance(e, RunFinished)), None)
    if result.exit_code == runner.EXIT_USAGE:
        print(f"conformance: error: {finish.error if finish else 'configuration error'}", file=sys.stderr)
        return result.exit_code
    from cognitive_conformance.conformance.reports import model, write_all

    paths = write_all(result.events, args.report_dir)
    data = model.build(result.events)
    _print_leftovers(data)
    verdict = {0: "conformant", 1: "NONCONFORMANT", 3: "target unreachable", 4: "checker error",
               5: "incomplete", 130: "interrupted", 143: "interrupted"}.get(result.exit_code, "error")
    if data["result"].get("incomplete"):
        print(model.incomplete_line(data))
    print(
        f"{verdict}: {model.headline(data)}; {result.requests} requests, "
        f"{finish.polls if finish else 0} polls in {result.duration_s:.1f} s against {result.target or args.target}"
    )
    print("reports: " + ", ".join(str(p) for p in paths))
    if args.quiet and finish and finish.error:  # -q hides progress, never the reason a run could not be made
        print(f"conformance: error: {finish.error}", file=sys.stderr)
    return result.exit_code


def _cmd_validate(args: argparse.Namespace) -> int:
    from cognitive_conformance.conformance import recordings, traffic
    from cognitive_conformance.conformance.reports import model, write_all

    if args.min_poll_interval is not None and args.min_poll_interval < 0:
        print("conformance: error: --min-poll-interval must not be negative", file=sys.stderr)
        return runner.EXIT_USAGE
    try:
        files = recordings.read_recordings(args.paths, format=args.format)
    except recordings.RecordingError as exc:
        print(f"conformance: error: {exc}", file=sys.stderr)
        return runner.EXIT_USAGE
    if not files:
        print(f"conformance: error: no recording found in {', '.join(args.paths)}", file=sys.stderr)
        return runner.EXIT_USAGE
    on_event, _ = _progress(args.quiet)
    batches = [(f.path, [(f"{f.path}#{e.index}", e.record) for e in f.entries]) for f in files]
    events, exit_code = traffic.traffic_run(
        batches,
        profile=args.profile,
        target=f"{len(files)} recording(s): " + ", ".join(sorted({f.format for f in files})),
        min_poll_interval_s=args.min_poll_interval,
        on_event=on_event,
    )
    paths = write_all(events, args.report_dir)
    data = model.build(events)
    if not args.quiet:
        for notice in data["notices"]:
            print(f"note: {notice}", file=sys.stderr)
    r = data["result"]
    verdict = "conformant" if exit_code == runner.EXIT_OK else "NONCONFORMANT"
    print(
        f"{verdict}: {model.headline(data)}; {len(files)} recording(s), {r['requests']} exchanges, "
        f"{len(data['lros'])} long-running operations ({args.profile} profile)"
    )
    print("reports: " + ", ".join(str(p) for p in paths))
    return exit_code


def _cmd_emulator(args: argparse.Namespace) -> int:
    # The checker never imports the emulator: run it as its own process.
    try:
        return subprocess.call([sys.executable, "-m", "cognitive_conformance.emulator", *args.args])
    except KeyboardInterrupt:
        return 0


def _cmd_checks() -> int:
    from cognitive_conformance.conformance.checks.registry import all_rules
    from cognitive_conformance.conformance.packs import all_packs
    from cognitive_conformance.conformance.stateless import BUILTIN_RULES

    for pack in all_packs():
        if pack.notice:
            print(f"note ({pack.service}): {pack.notice}\n")
    for c in all_rules():
        scope = "services: " + ", ".join(sorted(c.services)) if c.services else "every service"
        if c.versions:
            scope += "; versions: " + ", ".join(sorted(c.versions))
        if c.kind == "response" and c.stateful_only:
            scope += "; stateful phase only"
        print(
            f"{c.name}  [{c.kind}, {c.severity}, {c.family}]\n    rule:   {c.statement}\n"
            f"    scope:  {scope}\n    source: {c.source}"
        )
    for b in BUILTIN_RULES:
        print(f"{b.name}  [{b.kind}, {b.severity}, {b.family}]\n    rule:   {b.statement}\n"
              f"    scope:  stateless phase, every service\n    source: {b.source}")
    return 0


def _cmd_selftest(args: argparse.Namespace) -> int:
    from cognitive_conformance.conformance import selftest

    if (args.workers is not None and args.workers < 1) or args.max_examples < 1 or args.poll_timeout <= 0 or (args.sample is not None and args.sample < 1):
        print("conformance: error: --workers, --max-examples and --sample must be >= 1, --poll-timeout > 0", file=sys.stderr)
        return runner.EXIT_USAGE
    kinds = {"faults": {"named": True, "blind": False}, "mutants": {"named": False, "blind": True}}.get(args.only, {})
    try:
        result = selftest.run_selftest(
            faults=tuple(args.fault),
            services=tuple(runner.SERVICE_ALIASES.get(s, s) for s in args.service),
            operators=tuple(args.operator),
            mutants=tuple(args.mutant),
            sample=args.sample,
            seed=args.seed,
            workers=args.workers,
            max_examples=args.max_examples,
            poll_timeout_s=args.poll_timeout,
            **kinds,
        )
    except runner.ConfigError as exc:
        print(f"conformance: error: {exc}", file=sys.stderr)
        return runner.EXIT_USAGE
    print(selftest.render_table(result))
    if args.report_dir:
        paths = selftest.write_reports(result, args.report_dir)
        print("reports: " + ", ".join(str(p) for p in paths))
    return runner.EXIT_OK if result.passed else runner.EXIT_FINDINGS


def _cmd_proxy(args: argparse.Namespace) -> int:
    from cognitive_conformance.conformance.proxy import ProxyOptions, run_proxy

    if args.timeout <= 0:
        print("conformance: error: --timeout must be positive", file=sys.stderr)
        return runner.EXIT_USAGE
    return run_proxy(
        ProxyOptions(
            target=args.target,
            listen=args.listen,
            key=args.key or os.environ.get("CONFORMANCE_KEY"),
            har=args.har,
            report_dir=args.report_dir,
            profile=args.profile,
            min_poll_interval_s=args.min_poll_interval,
            timeout_s=args.timeout,
        )
    )


EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["emulator"]:
        # Everything after "emulator" belongs to the emulator's own command line (--port, --help, ...).
        return _cmd_emulator(argparse.Namespace(args=argv[1:]))
    args = build_parser().parse_args(argv)
    commands = {
        "run": _cmd_run,
        "validate": _cmd_validate,
        "proxy": _cmd_proxy,
        "emulator": _cmd_emulator,
        "checks": lambda a: _cmd_checks(),
        "selftest": _cmd_selftest,
        "cleanup": _cmd_cleanup,
        "spec": spec_cli.main,
    }
    try:
        return commands[args.command](args)
    except KeyboardInterrupt:
        print("conformance: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (e.g. `conformance checks | head`): nothing more to say
        sys.stderr.close()
        return runner.EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
