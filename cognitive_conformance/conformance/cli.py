"""``conformance``: the command line, a thin adapter over :mod:`conformance.runner`.

Subcommands:

* ``conformance run``       check a target (the embedded emulator when no ``--target``)
* ``conformance emulator``  serve the emulator (becomes ``python -m cognitive_conformance.emulator``; never imports it)
* ``conformance validate``  judge recorded traffic (test-proxy, SessionRecords, vcrpy, HAR) with the same rules
* ``conformance checks``    list every rule with its id, kind, severity, statement and source
* ``conformance selftest``  the checker's mutation scores: named emulator faults, blind mutants
* ``conformance proxy``     forward a client's traffic to a target, judge it live, write reports and a HAR
* ``conformance cleanup``   delete what a run left on a target (from its ledger, or by its ``cc-`` prefix)
* ``conformance report merge``  merge the event records of several runs (CI shards, pytest-xdist parts) into one report set
* ``conformance spec render`` one plain OpenAPI document per service and version, for Schemathesis and other tools

Exit codes of ``run``: 0 conformant, 1 nonconformance found (an error-severity finding),
2 usage or configuration error, 3 target unusable, 4 checker error (a defect of this tool,
not of the target), 5 incomplete: a budget (``--max-requests``, ``--max-time``) ran out (the reports
are written and marked incomplete), 130 interrupted by Ctrl-C (SIGINT), 143 by SIGTERM (the cleanup
runs and partial reports are written; a second Ctrl-C aborts the cleanup). Warning-severity findings
are reported and do not make a run nonconformant.

Where the target and the key come from, first match wins: ``--target``/``--key``; then
``CONFORMANCE_TARGET``/``CONFORMANCE_KEY``; then (``run`` only) the Azure convention of the selected
services' pack (:class:`~conformance.packs.Environment`: Face's ``AZURE_FACE_API_ENDPOINT``/
``AZURE_FACE_API_ACCOUNT_KEY``, Speech's ``SPEECH_REGION``/``SPEECH_KEY``), when every selected service
shares it. A key from the environment is a secret like one from the flag: reports, logs and repros
show ``***``. Every error is one line, printed once, with the documented exit code.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from cognitive_conformance.conformance import runner, spec_cli
from cognitive_conformance.conformance.events import RunFinished

__all__ = ["main", "build_parser"]

ENV_TARGET, ENV_KEY = "CONFORMANCE_TARGET", "CONFORMANCE_KEY"
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT

#: (code, meaning) of ``conformance run``: README "Exit codes" and every ``--help`` that runs checks say the same.
EXIT_CODES = (
    ("0", "conformant (no error finding)"),
    ("1", "nonconformant (at least one error-severity finding); findings of warning severity are listed in "
          "the reports and do not fail the run"),
    ("2", "usage or configuration error (a bad flag, flags that contradict each other, a report directory "
          "that cannot be written, an unknown service, version, rule or scenario)"),
    ("3", "target unusable (unreachable, the key refused, not the API)"),
    ("4", "checker error (a defect of this tool; the traceback is in conformance.json)"),
    ("5", "incomplete: --max-requests or --max-time ran out (cleanup still runs, outside the request budget; "
          "reports marked incomplete)"),
    ("130", "interrupted by Ctrl-C, 143 by SIGTERM (cleanup runs, partial reports written; a second Ctrl-C "
            "aborts the cleanup and names what was not cleaned)"),
)
#: Command lines shown under "examples:" in ``conformance --help`` (each also in README.md, and run by a test).
EXAMPLES = (
    "conformance run --service face --api-version v1.2",
    "conformance validate tests/reference/recordings",
    "conformance emulator --port 5000",
)


def _rows(title: str, rows: Sequence[tuple[str, str]], width: int = 78) -> str:
    """A titled table for an epilog, each row wrapped under its text column (kept as is by :class:`_Formatter`)."""
    import textwrap

    key_width = min(max(len(k) for k, _ in rows), 20) + 2
    lines = [f"{title}:"]
    for key, text in rows:
        if len(key) + 2 > key_width:  # a long key on a line of its own, its text under the text column
            lines.append(f"  {key}")
            key = ""
        lines += textwrap.wrap(text, width, initial_indent=f"  {key:<{key_width}}", subsequent_indent=" " * (key_width + 2))
    return "\n".join(lines)


class _Formatter(argparse.HelpFormatter):
    """Wraps prose as argparse does; keeps the epilogs' table rows (lines that start with a space) as laid out."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        out = []
        for paragraph in text.split("\n"):
            out.append(indent + paragraph if paragraph.startswith(" ") or paragraph.endswith(":")
                       else super()._fill_text(paragraph, width, indent))
        return "\n".join(out)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # one line, exit 2, as documented
        self.exit(runner.EXIT_USAGE, f"{self.prog}: error: {_one_line(message)} (see {self.prog} --help)\n")


def _usage(message: str) -> int:
    """Say a usage error in one line; exit code 2."""
    print(f"conformance: error: {_one_line(message)}", file=sys.stderr)
    return runner.EXIT_USAGE


def _one_line(text: str) -> str:
    """An error as one line: its lines joined (a subprocess's usage dump, a wrapped message)."""
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def _environment_help(command: str) -> str:
    """The environment variables ``command`` reads, as an epilog table."""
    rows = [(ENV_TARGET, "--target"), (ENV_KEY, "--key; like the flag's, never printed (reports and repros show ***)")]
    if command == "run":
        from cognitive_conformance.conformance.access import TOKEN_ENV
        from cognitive_conformance.conformance.packs import all_packs

        by_names: dict[tuple[str, str, str], list[str]] = {}
        for pack in all_packs():
            if (env := pack.environment) is not None:
                by_names.setdefault((env.endpoint, env.key, env.template), []).append(pack.service)
        for (endpoint, key, template), services in by_names.items():
            target = "" if template == "{}" else f" ({template.format('REGION')})"
            rows.append((f"{endpoint}, {key}", f"the Azure convention of {', '.join(services)}{target}: read last, "
                                               "when every selected service shares it"))
        rows += [(TOKEN_ENV, "the token of --auth aad"), ("HTTPS_PROXY, HTTP_PROXY, NO_PROXY", "proxies (httpx trust_env)")]
    return _rows("environment (a flag wins over its variable)", rows)


def _exit_codes_help() -> str:
    return _rows("exit codes", EXIT_CODES)


def _add_output_flags(parser: argparse.ArgumentParser, verbose: str) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-v", "--verbose", action="store_true", help=verbose)
    group.add_argument("-q", "--quiet", action="store_true", help="print only the closing line and errors")


def build_parser() -> argparse.ArgumentParser:
    from cognitive_conformance import __version__

    parser = _Parser(
        prog="conformance",
        description="Contract-test an Azure AI train-then-poll endpoint (Face, Speaker Recognition, Custom Voice).",
        epilog=(
            f"{_exit_codes_help()}\n{_environment_help('run')}\n"
            + "examples:\n" + "\n".join(f"  {line}" for line in EXAMPLES)
            + "\nEach subcommand's --help gives its options and exit codes; `conformance emulator --help` the emulator's."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser(
        "run",
        help="check a target against the specs",
        description=(
            "Check a target against the specs and write conformance.json, junit.xml and summary.md. "
            "A finding is one rule broken on one operation of one API version (in one scenario); "
            "each time it is seen is an occurrence. Progress goes to stderr: one bar per job (service@api-version) "
            "on a terminal, plain 'service@version phase:' lines otherwise."
        ),
        epilog=f"{_exit_codes_help()}\n{_environment_help('run')}",
    )
    run.add_argument("--target", help=f"base URL of the target (default: env {ENV_TARGET}, else the Azure convention, else start the embedded emulator)")
    run.add_argument("--key", help=f"subscription key (default: env {ENV_KEY}, else the Azure convention's key)")
    run.add_argument("--auth", default="key", choices=["key", "aad"], help="key (default): send the subscription key in Ocp-Apim-Subscription-Key; aad: send a Microsoft Entra ID token as 'Authorization: Bearer', from env CONFORMANCE_TOKEN when set (CI, tests), else from azure-identity's DefaultAzureCredential (pip install 'cognitive-conformance[aad]'), scope https://cognitiveservices.azure.com/.default, refreshed before it expires; without --target the embedded emulator accepts a generated token")
    run.add_argument("--ca-bundle", default=None, metavar="PEM", help="verify an https:// target's TLS certificate with the CA certificates in this PEM file (default: the system's); proxies come from HTTPS_PROXY, HTTP_PROXY, NO_PROXY")
    run.add_argument("--media-dir", default=None, metavar="DIR", help="use your own media instead of the bundled synthetic ones: DIR/faces/*.jpg|*.png (one face each; Face add-face, stateless octet-stream bodies), DIR/speech/<speaker>/*.wav (16 kHz 16-bit mono PCM; Speaker enrollments and identify, at least two speakers), DIR/consent/<talent>.wav + DIR/voice/<talent>/*.wav (Custom Voice consents and personal voices); only the folders of the selected services are required (README: --media-dir)")
    run.add_argument("--service", action="append", default=[], help="service to check (repeatable; default: all)")
    run.add_argument("--api-version", action="append", default=[], help="API version to check (repeatable; default: all)")
    run.add_argument("--profile", default="observed", choices=["observed", "docs"], help="observed (default): judge what the real service is known to do and report departures from the documents as deviations; docs: judge the documents literally")
    run.add_argument("--report-dir", default="reports", help="where conformance.json, junit.xml, summary.md and ledger.jsonl go (checked before the run starts)")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--max-examples", type=int, default=None, help="stateless phase: Hypothesis-generated requests per operation and mode, on top of the deterministic coverage cases (default 5)")
    run.add_argument("--poll-timeout", type=float, default=None, help="stateful phase: seconds to wait for each LRO to finish (default 60)")
    run.add_argument("--poll-interval", type=float, default=None, metavar="SECONDS", help="stateful phase: wait after the first status read of an LRO when the target sends no Retry-After (a Retry-After is always waited exactly); default 1 for a --target, half the training time for the embedded emulator")
    run.add_argument("--poll-backoff", type=float, default=None, metavar="FACTOR", help="stateful phase: each next wait between status reads is the previous one times FACTOR (>= 1, default 1.25)")
    run.add_argument("--poll-max-interval", type=float, default=None, metavar="SECONDS", help="stateful phase: longest wait between status reads without Retry-After (default 10 for a --target, 1 for the embedded emulator)")
    run.add_argument("--phase", action="append", default=[], choices=list(runner.PHASES), help="phase to run (repeatable; default: both)")
    run.add_argument("--scenario", action="append", default=[], help="only this stateful scenario (repeatable)")
    run.add_argument("--check", action="append", default=[], help="only this rule (repeatable; default: all; see `conformance checks`)")
    run.add_argument("--emulator-training-seconds", type=float, default=None, help="embedded emulator only: its training time (default 0.3)")
    run.add_argument("--emulator-fault", action="append", default=[], help="embedded emulator only: switch on this fault (repeatable; `conformance emulator --list-faults`)")
    run.add_argument("--workers", type=int, default=None, help="parallel worker processes (default: 2 x CPUs)")
    run.add_argument("--rate-limit", default=None, metavar="N/s|N/m", help="at most N requests per second or minute across all workers, or 'none' (default: 5/s for a remote --target; none for the embedded emulator and loopback targets; a Free tier allows 20/m)")
    run.add_argument("--max-requests", type=int, default=None, metavar="N", help="send at most N requests across all workers, then stop, clean up (cleanup requests are extra) and exit 5")
    run.add_argument("--max-time", type=float, default=None, metavar="SECONDS", help="start no request after SECONDS, then clean up and exit 5")
    run.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="read timeout of every request, bounding its whole body too (default 30; connecting times out after 10)")
    _add_output_flags(run, "also show each job's phase starts, every operation and scenario as it starts, the requests sent, throttles and waits")
    run.add_argument("--no-har", action="store_true", help="do not record REPORT_DIR/traffic.har (every exchange of the run, HAR 1.2, keys as ***, bodies capped at 256 KiB)")
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
    _add_output_flags(val, "also name each recording read, its format and its exchanges")

    # Parsed by the emulator itself: main() hands it everything after "emulator" (--port, --help, ...).
    emu = sub.add_parser("emulator", help="serve the emulator of the three services (options: conformance emulator --help)", add_help=False)
    emu.add_argument("args", nargs=argparse.REMAINDER)

    sub.add_parser(
        "checks",
        help="list every rule: id, kind, severity, statement, source",
        description="List every rule the checker applies: its id, kind, severity, family, statement, scope and source.",
        epilog="exit codes: 0.",
    )

    st = sub.add_parser(
        "selftest",
        help="mutation scores: the checker against every named emulator fault in every API version, and against blind mutants",
        description=(
            "Run the checker against the embedded emulator with each named fault in every API version it applies to, "
            "and with blind mutants; each against a faithful control. Prints the scores (and, unless -q, the table)."
        ),
        epilog="exit codes: 0 every fault caught and the controls clean, 1 otherwise, 2 usage error.",
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
    _add_output_flags(st, "also name each run (control, fault, mutant) as it ends")

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
            "exit codes: 0 conformant (no error finding), 1 nonconformant (at least one error-severity finding), "
            "2 usage error (bad flag, port in use, emulator did not start), 3 no error finding but some requests did "
            "not reach the target; Ctrl-C is the normal end, not an error. Warning findings (every client-side "
            f"rule) are reported and do not fail the run.\n{_environment_help('proxy')}"
        ),
    )
    px.add_argument("--target", help=f"base URL of the target (default: env {ENV_TARGET}, else start the embedded emulator)")
    px.add_argument("--listen", default="127.0.0.1:0", metavar="HOST:PORT", help="loopback address to listen on (default 127.0.0.1:0, a free port)")
    px.add_argument("--key", help=f"subscription key added when the client sends none (default: env {ENV_KEY}); with the embedded emulator, the key it accepts (default: its well-known development key)")
    px.add_argument("--har", default=None, metavar="FILE", help="where the HAR 1.2 file goes (default: REPORT_DIR/traffic.har)")
    px.add_argument("--report-dir", default="reports", help="where conformance.json, junit.xml, summary.md go")
    px.add_argument("--profile", default="observed", choices=["observed", "docs"], help="observed (default): what the real service is known to do; docs: the documents literally")
    px.add_argument("--min-poll-interval", type=float, default=None, metavar="SECONDS", help="warn when the client polls a status resource sooner than this after its previous response (default: no floor)")
    px.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="timeout of every upstream request (default 30)")
    _add_output_flags(px, "also print one line per exchange (method, URL, status)")
    _add_cleanup_parser(sub)
    _add_report_parser(sub)
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
        epilog=(
            "exit codes: 0 everything listed is gone, 1 something could not be deleted, 2 usage error, 3 target unusable.\n"
            + _environment_help("cleanup")
        ),
    )
    cl.add_argument("--target", help=f"base URL of the resource endpoint (default: env {ENV_TARGET})")
    cl.add_argument("--key", help=f"subscription key (default: env {ENV_KEY})")
    cl.add_argument("--ledger", default=None, metavar="FILE", help="a run's ledger (REPORT_DIR/ledger.jsonl)")
    cl.add_argument("--prefix", default=None, metavar="P", help="delete every resource whose id starts with P (must start with cc-, e.g. cc-1a2b3c-)")
    cl.add_argument("--dry-run", action="store_true", help="print what would be deleted; delete nothing")


def _add_report_parser(sub: argparse._SubParsersAction) -> None:
    rp = sub.add_parser("report", help="work with the reports runs wrote (report merge)")
    rsub = rp.add_subparsers(dest="report_command", required=True, parser_class=_Parser)
    merge = rsub.add_parser(
        "merge",
        help="merge the runs recorded in several report directories into one report set",
        description=(
            "Read each DIR's events.jsonl.gz (what `conformance run` writes), or else its parts/*.events.jsonl.gz "
            "(what each pytest-xdist worker of the pytest plugin writes), merge them into one run (requests and polls "
            "summed, the rules declared united, each finding once with the occurrences of every part, the worst exit "
            "code) and write conformance.json, junit.xml, summary.md and events.jsonl.gz into OUT."
        ),
        epilog=(
            "exit codes: the merged run's (0 conformant, 1 nonconformant, 3 a part's target was unusable, 4 a part's "
            "checker error, 5 a part incomplete, 130/143 a part interrupted; worst first: 4, 143, 130, 2, 1, 3, 5, 0), "
            "or 2 when a DIR holds no events record, cannot be read, or the runs differ in profile, seed or max examples."
        ),
    )
    merge.add_argument("dirs", nargs="+", metavar="DIR", help="report directories of the runs to merge")
    merge.add_argument("-o", "--output", default="reports/merged", metavar="OUT", help="where the merged report set goes (default reports/merged; must not be one of the DIRs)")


def _cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cognitive_conformance.conformance.reports import merge as merging, model

    out = Path(args.output).resolve()
    if any(Path(d).resolve() == out for d in args.dirs):
        print(f"conformance: error: -o {args.output} is one of the directories merged: its record would be overwritten", file=sys.stderr)
        return runner.EXIT_USAGE
    try:
        events = merging.merge_dirs(args.dirs)
        paths = merging.write_reports(events, args.output)
    except (merging.MergeError, OSError) as exc:
        print(f"conformance: error: {exc}", file=sys.stderr)
        return runner.EXIT_USAGE
    data = model.build(events)
    r = data["result"]
    verdict = {0: "conformant", 1: "NONCONFORMANT", 2: "usage error in a part", 3: "target unreachable", 4: "checker error",
               5: "incomplete", 130: "interrupted", 143: "interrupted"}.get(r["exitCode"], "error")
    if r.get("incomplete"):
        print(model.incomplete_line(data))
    print(f"{verdict}: {model.headline(data)}; {r['requests']} requests, {r['polls']} polls; merged from {len(args.dirs)} report dir(s)")
    print("reports: " + ", ".join(str(p) for p in paths))
    return r["exitCode"]


# -- where the target and the key come from -----------------------------------------------------------


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _convention(services: Sequence[str]):
    """The Azure convention every selected service shares (all services when none is named), or None."""
    from cognitive_conformance.conformance.packs import UnknownPack, all_packs, get_pack

    try:
        packs = [get_pack(s) for s in services] if services else list(all_packs())
    except UnknownPack:
        return None  # the run says which name is unknown
    found = {p.environment for p in packs}
    return found.pop() if len(found) == 1 else None


def _target_and_key(target: str | None, key: str | None, services: Sequence[str] | None = None) -> tuple[str | None, str | None, list[str]]:
    """The target and key in force, and a note for each taken from the environment.

    First match wins: the flag; ``CONFORMANCE_TARGET``/``CONFORMANCE_KEY``; then, when ``services`` is
    given (``run``), the key of the Azure convention they share, only when that convention's endpoint
    has the target's origin (never for the embedded emulator, never for another host).
    """
    notes: list[str] = []
    if target is None and (value := _env(ENV_TARGET)):
        target = value
        notes.append(f"target {value} from {ENV_TARGET}")
    if key is None and (value := _env(ENV_KEY)):
        key = value
        notes.append(f"key from {ENV_KEY}")
    convention = _convention(services) if services is not None else None
    if convention is not None and key is None and target is not None:
        # A paid resource is checked only when asked for by --target or CONFORMANCE_TARGET: the Azure
        # convention never picks the target, and its key goes only to the endpoint it belongs to.
        endpoint = convention.target(os.environ)
        if endpoint is not None and _origin(endpoint) == _origin(target) and (value := _env(convention.key)):
            key = value
            notes.append(f"key from {convention.key} (the key of {convention.endpoint}, the target's origin)")
    return target, key, notes


def _origin(url: str) -> tuple[str, str, int | None]:
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or {"https": 443, "http": 80}.get(scheme)


def _key_sources(services: Sequence[str] | None) -> str:
    convention = _convention(services) if services is not None else None
    return f"--key, {ENV_KEY}" + (f" or {convention.key}" if convention is not None else "")


# -- checks made before anything runs -----------------------------------------------------------------


def _unwritable(directory: str | os.PathLike[str], what: str = "--report-dir") -> str | None:
    """Why ``directory`` cannot receive reports (without creating it), or None."""
    path = Path(directory)
    probe = path
    while not probe.exists():  # the nearest existing ancestor decides whether the rest can be made
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        return f"{what} {directory}: {probe} is a file, not a directory"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{what} {directory}: {probe} is not writable"
    return None


def _embedded_faults(names: Sequence[str]) -> str | None:
    """Why ``--emulator-fault`` names are unknown (asked of the emulator itself, a separate process), or None."""
    import json

    proc = subprocess.run([sys.executable, "-m", "cognitive_conformance.emulator", "--list-faults"],
                          capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        return None  # the embedded emulator will say what is wrong when it starts
    known = {entry["name"] for entry in json.loads(proc.stdout)}
    unknown = [n for n in names if n not in known]
    if unknown:
        return f"unknown --emulator-fault {', '.join(unknown)}; `conformance emulator --list-faults` lists them"
    return None


def _run_conflicts(args: argparse.Namespace, target: str | None, target_from: str) -> str | None:
    """A combination of ``run`` flags that cannot all be honoured (one would be silently ignored), or None."""
    phases = set(args.phase) or set(runner.PHASES)
    if target is not None:
        embedded_only = [flag for flag, given in (("--emulator-fault", bool(args.emulator_fault)),
                                                  ("--emulator-training-seconds", args.emulator_training_seconds is not None)) if given]
        if embedded_only:
            return (f"{' and '.join(embedded_only)} {'configure' if len(embedded_only) > 1 else 'configures'} the embedded "
                    f"emulator, which is not started for a target ({target_from}); drop "
                    f"{'them' if len(embedded_only) > 1 else 'it'} or the target")
    if args.auth == "aad" and args.key:
        from cognitive_conformance.conformance.access import TOKEN_ENV

        return f"--key is a subscription key; with --auth aad set {TOKEN_ENV} or let DefaultAzureCredential find an identity"
    if args.read_only and args.media_dir:
        return "--media-dir supplies media for uploads, and --read-only sends none"
    if "stateful" not in phases:
        for flag, given in (("--scenario", bool(args.scenario)), ("--poll-timeout", args.poll_timeout is not None),
                            ("--poll-interval", args.poll_interval is not None), ("--poll-backoff", args.poll_backoff is not None),
                            ("--poll-max-interval", args.poll_max_interval is not None)):
            if given:
                return f"{flag} applies to the stateful phase, which --phase stateless leaves out"
    if "stateless" not in phases and args.max_examples is not None:
        return "--max-examples applies to the stateless phase, which --phase stateful leaves out"
    if args.service and args.api_version:
        from cognitive_conformance.conformance import spec as spec_module
        from cognitive_conformance.conformance.packs import UnknownPack, all_packs, resolve

        known = {v for p in all_packs() for v in spec_module.api_versions(p.service)}
        for name in args.service if set(args.api_version) <= known else ():  # an unknown version is the run's to name
            try:
                versions = spec_module.api_versions(resolve(name))
            except UnknownPack:
                continue  # the run names the unknown service
            if not set(versions) & set(args.api_version):
                return (f"--service {name} has none of the API versions asked for ({', '.join(args.api_version)}); "
                        f"its versions: {', '.join(versions)}")
    if args.ca_bundle and not (target or "").lower().startswith("https://"):
        return "--ca-bundle verifies an https:// target's certificate; " + (
            f"{target} is not one" if target else "the embedded emulator is served over http"
        )
    return None


def _cmd_cleanup(args: argparse.Namespace) -> int:
    from cognitive_conformance.conformance.sweep import cleanup

    target, key, _ = _target_and_key(args.target, args.key)
    if target is None:
        return _usage(f"conformance cleanup needs the target: --target URL or {ENV_TARGET}")
    return cleanup(
        target,
        key,
        ledger=args.ledger,
        prefix=args.prefix,
        dry_run=args.dry_run,
        err=lambda line: print(line, file=sys.stderr),
    )


def _ledger_path(report_dir: str) -> str:
    from cognitive_conformance.conformance.ledger import LEDGER_NAME

    return str(Path(report_dir) / LEDGER_NAME)  # made by the run's first job, never for a usage error


def _har_parts(report_dir: str) -> str:
    from pathlib import Path

    from cognitive_conformance.conformance.har import PARTS_DIR

    return str(Path(report_dir) / PARTS_DIR)  # merged into REPORT_DIR/traffic.har by write_all


def _print_leftovers(data: dict) -> None:
    for left in data["result"].get("leftovers", []):
        status = left["status"] if left["status"] is not None else "no answer"
        print(f"left on the target: {left['path']} ({status}: {left['reason']})", file=sys.stderr)


def _run_error(finish: RunFinished | None, exit_code: int, report_dir: str | None) -> str | None:
    """The one line saying why a run could not be made (a checker error's traceback stays in the report)."""
    if finish is None or not finish.error:
        return None
    if exit_code == runner.EXIT_CHECKER_ERROR:
        first = finish.error.strip().splitlines()[0]
        where = f" (the traceback is in {Path(report_dir) / 'conformance.json'})" if report_dir else ""
        return f"{first}{where}"
    return _one_line(finish.error)


def _cmd_run(args: argparse.Namespace) -> int:
    from cognitive_conformance.conformance.progress import open_display

    target, key, notes = _target_and_key(args.target, args.key, args.service)
    target_from = "--target" if args.target else next((n.rsplit(" from ", 1)[1] for n in notes if n.startswith("target ")), "")
    if problem := _run_conflicts(args, target, target_from):
        return _usage(problem)
    if args.auth == "aad":
        from cognitive_conformance.conformance.access import static_token

        key = static_token()
    elif target is not None and not key:
        return _usage(f"a key is needed for a target: {_key_sources(args.service)}")
    max_examples = 5 if args.max_examples is None else args.max_examples
    poll_timeout = 60.0 if args.poll_timeout is None else args.poll_timeout
    if max_examples < 1:
        return _usage("--max-examples must be at least 1")
    if poll_timeout <= 0:
        return _usage("--poll-timeout must be positive")
    if (args.poll_interval is not None and args.poll_interval < 0) or (args.poll_max_interval is not None and args.poll_max_interval < 0):
        return _usage("--poll-interval and --poll-max-interval must not be negative")
    if args.poll_backoff is not None and args.poll_backoff < 1:
        return _usage("--poll-backoff must be at least 1")
    if args.workers is not None and args.workers < 1:
        return _usage("--workers must be at least 1")
    if args.max_requests is not None and args.max_requests < 1:
        return _usage("--max-requests must be at least 1")
    if (args.max_time is not None and args.max_time <= 0) or args.timeout <= 0:
        return _usage("--max-time and --timeout must be positive")
    if problem := _unwritable(args.report_dir):
        return _usage(problem)
    if args.emulator_fault and (problem := _embedded_faults(args.emulator_fault)):
        return _usage(problem)
    extra = {"workers": args.workers} if args.workers is not None else {}
    config = runner.RunConfig(
        target=target,
        key=key,
        services=tuple(args.service),
        api_versions=tuple(args.api_version),
        profile=args.profile,
        seed=args.seed,
        max_examples=max_examples,
        poll_timeout_s=poll_timeout,
        poll_interval_s=args.poll_interval,
        poll_backoff=args.poll_backoff,
        poll_max_interval_s=args.poll_max_interval,
        phases=tuple(args.phase) or runner.PHASES,
        scenarios=tuple(args.scenario),
        checks=tuple(args.check),
        emulator_training_seconds=0.3 if args.emulator_training_seconds is None else args.emulator_training_seconds,
        emulator_faults=tuple(args.emulator_fault),
        rate_limit=args.rate_limit,
        auth=args.auth,
        ca_bundle=args.ca_bundle,
        media_dir=args.media_dir,
        ledger=_ledger_path(args.report_dir),
        har_parts=None if args.no_har else _har_parts(args.report_dir),
        read_only=args.read_only,
        use_existing=tuple(args.use_existing),
        max_requests=args.max_requests,
        max_time_s=args.max_time,
        request_timeout_s=args.timeout,
        connect_timeout_s=min(10.0, args.timeout),
        **extra,
    )
    with open_display(quiet=args.quiet, verbose=args.verbose) as display:
        for note in notes:
            display.note(f"conformance: {note}")
        result = runner.run(config, on_event=display.event, on_progress=display.progress, handle_signals=True)
    finish = next((e for e in reversed(result.events) if isinstance(e, RunFinished)), None)
    if result.exit_code == runner.EXIT_USAGE:
        print(f"conformance: error: {_run_error(finish, result.exit_code, None) or 'configuration error'}", file=sys.stderr)
        return result.exit_code
    from cognitive_conformance.conformance.reports import model, write_all

    paths = write_all(result.events, args.report_dir)
    from cognitive_conformance.conformance.events import dump
    from cognitive_conformance.conformance.reports.merge import EVENTS_FILE

    paths.append(dump(result.events, os.path.join(args.report_dir, EVENTS_FILE)))  # the record `report merge` reads
    data = model.build(result.events)
    _print_leftovers(data)
    if error := _run_error(finish, result.exit_code, args.report_dir):
        print(f"conformance: error: {error}", file=sys.stderr)
    verdict = {0: "conformant", 1: "NONCONFORMANT", 3: "target unusable", 4: "checker error",
               5: "incomplete", 130: "interrupted", 143: "interrupted"}.get(result.exit_code, "error")
    if data["result"].get("incomplete"):
        print(model.incomplete_line(data))
    print(
        f"{verdict}: {model.headline(data)}; {result.requests} requests, "
        f"{finish.polls if finish else 0} polls in {result.duration_s:.1f} s against {result.target or target}"
    )
    print("reports: " + ", ".join(str(p) for p in paths))
    return result.exit_code


def _cmd_validate(args: argparse.Namespace) -> int:
    from cognitive_conformance.conformance import recordings, traffic
    from cognitive_conformance.conformance.progress import LineDisplay, QuietDisplay
    from cognitive_conformance.conformance.reports import model, write_all

    if args.min_poll_interval is not None and args.min_poll_interval < 0:
        return _usage("--min-poll-interval must not be negative")
    if problem := _unwritable(args.report_dir):
        return _usage(problem)
    try:
        files = recordings.read_recordings(args.paths, format=args.format)
    except recordings.RecordingError as exc:
        return _usage(str(exc))
    if not files:
        return _usage(f"no recording found in {', '.join(args.paths)}")
    display = QuietDisplay() if args.quiet else LineDisplay(sys.stderr, verbose=args.verbose)
    if args.verbose:
        for f in files:
            display.note(f"read {f.path}: {len(f.entries)} exchanges ({f.format})")
    batches = [(f.path, [(f"{f.path}#{e.index}", e.record) for e in f.entries]) for f in files]
    events, exit_code = traffic.traffic_run(
        batches,
        profile=args.profile,
        target=f"{len(files)} recording(s): " + ", ".join(sorted({f.format for f in files})),
        min_poll_interval_s=args.min_poll_interval,
        on_event=display.event,
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


def _missing_extra(extra: str, what: str) -> int | None:
    """Exit code 2 with the install hint when ``extra`` is not installed, else None."""
    from cognitive_conformance.conformance.config import ConfigError
    from cognitive_conformance.conformance.embedded import require_extra

    try:
        require_extra(extra, what)
    except ConfigError as exc:
        print(f"conformance: error: {exc}", file=sys.stderr)
        return runner.EXIT_USAGE
    return None


def _cmd_emulator(args: argparse.Namespace) -> int:
    """Become the emulator (``python -m cognitive_conformance.emulator ARGS``): its options, its --help, its
    signals (SIGTERM from a container runtime reaches the server itself) and its exit code, with no process in
    between. The checker never imports it."""
    if (missing := _missing_extra("emulator", "conformance emulator")) is not None:
        return missing
    cmd = [sys.executable, "-m", "cognitive_conformance.emulator", *args.args]
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execv(sys.executable, cmd)  # does not return
    try:  # where exec replaces no process (Windows), wait for the child
        return subprocess.call(cmd)
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


def _selftest_conflicts(args: argparse.Namespace, services: Sequence[str]) -> str | None:
    """``selftest`` flags that select something ``--only`` or ``--service`` excludes (it would be silently left out),
    or None."""
    if args.only == "mutants" and args.fault:
        return "--fault names a named fault, which --only mutants leaves out"
    if args.only == "faults":
        for flag, given in (("--operator", args.operator), ("--mutant", args.mutant), ("--sample", args.sample is not None)):
            if given:
                return f"{flag} selects blind mutants, which --only faults leaves out"
    if services and (args.fault or args.mutant):
        from cognitive_conformance.conformance import selftest

        of = {e["name"]: e["service"] for e in selftest.load_catalogue()} if args.fault else {}
        of |= {e["mutant"]: e["service"] for e in selftest.load_mutants()} if args.mutant else {}
        outside = [n for n in (*args.fault, *args.mutant) if n in of and of[n] not in services]
        if outside:
            return f"{outside[0]} is a {of[outside[0]]} fault or mutant, which --service {', '.join(services)} leaves out"
    return None


def _cmd_selftest(args: argparse.Namespace) -> int:
    from cognitive_conformance.conformance import selftest
    from cognitive_conformance.conformance.packs import UnknownPack, resolve

    if (args.workers is not None and args.workers < 1) or args.max_examples < 1 or args.poll_timeout <= 0 or (args.sample is not None and args.sample < 1):
        return _usage("--workers, --max-examples and --sample must be >= 1, --poll-timeout > 0")
    try:
        services = tuple(dict.fromkeys(resolve(s) for s in args.service))
    except UnknownPack as exc:
        return _usage(str(exc))
    if problem := _selftest_conflicts(args, services):
        return _usage(problem)
    if args.report_dir and (problem := _unwritable(args.report_dir)):
        return _usage(problem)
    kinds = {"faults": {"named": True, "blind": False}, "mutants": {"named": False, "blind": True}}.get(args.only, {})
    on_done = (lambda line: print(f"selftest: {line}", file=sys.stderr, flush=True)) if args.verbose else None
    try:
        result = selftest.run_selftest(
            faults=tuple(args.fault),
            services=services,
            operators=tuple(args.operator),
            mutants=tuple(args.mutant),
            sample=args.sample,
            seed=args.seed,
            workers=args.workers,
            max_examples=args.max_examples,
            poll_timeout_s=args.poll_timeout,
            on_done=on_done,
            **kinds,
        )
    except runner.ConfigError as exc:
        return _usage(str(exc))
    table = selftest.render_table(result)
    # -q: only the closing lines (the scores, the control, the wall time), which follow the tables' last blank line
    print(table.rsplit("\n\n", 1)[-1] if args.quiet else table)
    if args.report_dir:
        paths = selftest.write_reports(result, args.report_dir)
        print("reports: " + ", ".join(str(p) for p in paths))
    return runner.EXIT_OK if result.passed else runner.EXIT_FINDINGS


def _cmd_proxy(args: argparse.Namespace) -> int:
    if (missing := _missing_extra("proxy", "conformance proxy")) is not None:
        return missing
    from cognitive_conformance.conformance.proxy import ProxyOptions, run_proxy

    if args.timeout <= 0:
        return _usage("--timeout must be positive")
    if problem := _unwritable(args.report_dir) or (args.har and _unwritable(Path(args.har).parent or ".", "--har")):
        return _usage(problem)
    target, key, notes = _target_and_key(args.target, args.key)
    if not args.quiet:
        for note in notes:
            print(f"conformance: {note}", file=sys.stderr)
    return run_proxy(
        ProxyOptions(
            target=target,
            listen=args.listen,
            key=key,
            har=args.har,
            report_dir=args.report_dir,
            profile=args.profile,
            min_poll_interval_s=args.min_poll_interval,
            timeout_s=args.timeout,
            verbosity=-1 if args.quiet else (1 if args.verbose else 0),
        )
    )


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
        "report": _cmd_report,
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
