"""``conformance emulator``: run the emulator from the command line.

Usage::

    conformance emulator [--host 127.0.0.1] [--port 5000] [--key KEY]... [--training-seconds S] [--fault NAME]...
                      [--training-per-person W] [--training-per-face W] [--training-max-seconds S]
                      [--mutate OPERATOR@operationId[@apiVersion]]... [--profile observed|docs]
                      [--list-faults] [--list-mutants]
                      [--aad-token TOKEN]... [--quota N/s|N/m [--quota-retry-after]] [--request-log FILE]
                      [--ssl-certfile PEM --ssl-keyfile PEM] [--data-dir DIR [--workers N]]
                      [--allow-fetch HOST|CIDR]...

Once listening it prints, flushed, exactly these first lines::

    cognitive-conformance emulator listening on http://HOST:PORT
    subscription key: KEY          (one line per accepted key)
    aad tokens: N accepted         (only with --aad-token; the tokens themselves are never printed)
    data dir: DIR (N workers)      (only with --data-dir)

and serves until SIGINT or SIGTERM, then exits 0. ``--port 0`` binds a free port. Without
``--key`` the well-known development key ``1f0e2d3c4b5a69788796a5b4c3d2e1f0`` is accepted
(not a secret, like Azurite's account key). Bad arguments exit 2 with a message.

Test modes, all off by default: ``--aad-token TOKEN`` accepts ``Authorization: Bearer TOKEN``
as a key-equivalent credential (its own tenant); ``--quota N/s|N/m`` plays a paid tier's call
quota per tenant (the gateway's 429, no ``Retry-After`` unless ``--quota-retry-after``);
``--request-log FILE`` appends one JSON line per request (time, key hash, method, path, status,
body hash); ``--ssl-certfile``/``--ssl-keyfile`` serve HTTPS with that certificate.

State is in memory unless ``--data-dir DIR`` is given: then it lives in ``DIR/emulator.sqlite3``
(SQLite, WAL), survives restarts (also ``kill -9``: trainings started before continue from their
stored timestamps) and is shared by ``--workers N`` worker processes. ``--workers`` > 1 without
``--data-dir`` is a usage error (exit 2), as are ``--quota`` and ``--mutate`` with ``--workers`` > 1
(both count in one process's memory). A data dir that cannot be opened or read exits 1.

URL fetches (``emulator.fetch``) reach public addresses only: loopback, private, link-local and
metadata destinations are refused, after DNS and after every redirect, unless ``--allow-fetch
HOST|CIDR`` (repeatable) names them.

Every option also has an environment variable, for containers (the Dockerfile): a flag given on
the command line wins over its variable. ``CONFORMANCE_EMULATOR_KEYS`` and
``CONFORMANCE_EMULATOR_FAULTS`` hold comma-separated lists (see :data:`ENVIRONMENT`).
``GET /healthz`` answers 200 without a key (a liveness probe).

Source: ARCHITECTURE.md (the checker starts ``conformance emulator --port 0``
and reads the address it prints).
"""

from __future__ import annotations

import argparse
import math
import os
import sqlite3
import sys
from collections.abc import Callable, Mapping

from cognitive_conformance.emulator.config import DEFAULT_KEY, PROFILES, EmulatorConfig
from cognitive_conformance.emulator.faults import FAULTS, describe_faults, validate_fault_names
from cognitive_conformance.emulator.mutations import OPERATORS, build_mutants, describe_operators
from cognitive_conformance.emulator.pipeline.quota import parse_quota
from cognitive_conformance.emulator.server import serve
from cognitive_conformance.emulator.store import StoreFormatError

__all__ = ["ENVIRONMENT", "build_parser", "environment_args", "main"]

#: Environment variable -> the option it stands for (comma-separated lists for repeatable options).
ENVIRONMENT = {
    "CONFORMANCE_EMULATOR_HOST": "--host",
    "CONFORMANCE_EMULATOR_PORT": "--port",
    "CONFORMANCE_EMULATOR_KEYS": "--key",
    "CONFORMANCE_EMULATOR_TRAINING_SECONDS": "--training-seconds",
    "CONFORMANCE_EMULATOR_FAULTS": "--fault",
    "CONFORMANCE_EMULATOR_PROFILE": "--profile",
    "CONFORMANCE_EMULATOR_RETRY_AFTER": "--retry-after",
    "CONFORMANCE_EMULATOR_QUOTA": "--quota",
    "CONFORMANCE_EMULATOR_REQUEST_LOG": "--request-log",
    "CONFORMANCE_EMULATOR_DATA_DIR": "--data-dir",
    "CONFORMANCE_EMULATOR_WORKERS": "--workers",
    "CONFORMANCE_EMULATOR_ALLOW_FETCH": "--allow-fetch",
}
_LISTS = {"--key", "--fault", "--allow-fetch"}


def environment_args(environ: Mapping[str, str], argv: list[str]) -> list[str]:
    """The options ``environ`` sets that ``argv`` does not (a flag on the command line wins)."""
    given = {a.split("=", 1)[0] for a in argv if a.startswith("--")}
    extra: list[str] = []
    for name, flag in ENVIRONMENT.items():
        value = environ.get(name, "").strip()
        if not value or flag in given:
            continue
        values = [v.strip() for v in value.split(",") if v.strip()] if flag in _LISTS else [value]
        for v in values:
            extra += [flag, v]
    return extra


def _whole(name: str, low: int, high: int) -> "Callable[[str], int]":
    """An argparse type: a whole number in ``low..high``, named ``name`` in its error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid {name} {text!r}: not an integer") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"invalid {name} {value}: must be {low}..{high}")
        return value

    return parse


_port = _whole("port", 0, 65535)
_workers = _whole("workers", 1, 64)


def _seconds(text: str, what: str = "seconds") -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid {what} {text!r}: not a number") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"invalid {what} {text!r}: must be a finite number >= 0")
    return value


def _weight(text: str) -> float:
    return _seconds(text, "weight")


def _key(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("a subscription key must not be blank")
    return text


def build_parser() -> argparse.ArgumentParser:
    """The CLI parser; ``--help`` lists every fault."""
    validate_fault_names(())  # loads service-registered faults
    parser = argparse.ArgumentParser(
        prog="conformance emulator",
        description="cognitive-conformance emulator: a faithful fake of the Azure Face / Speaker / Custom Voice train-then-poll APIs.",
        epilog="faults (opt-in, off by default; repeat --fault to combine):\n  "
        + describe_faults().replace("\n", "\n  ")
        + "\n\nmutation operators (--mutate OPERATOR@operationId[@apiVersion]; each rewrites that operation's 2xx replies):\n  "
        + describe_operators().replace("\n", "\n  ")
        + "\n\nenvironment (a flag on the command line wins; lists are comma-separated):\n  "
        + "\n  ".join(f"{name:<40} {flag}" for name, flag in ENVIRONMENT.items())
        + "\n\nGET /healthz answers 200 without a key (liveness probe).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=5000, help="port to bind; 0 picks a free port (default 5000)")
    parser.add_argument(
        "--key",
        action="append",
        type=_key,
        default=None,
        metavar="KEY",
        help=f"accepted Ocp-Apim-Subscription-Key (repeatable; default the well-known {DEFAULT_KEY})",
    )
    parser.add_argument("--training-seconds", type=_seconds, default=2.0, metavar="S", help="base training duration in seconds (default 2)")
    parser.add_argument(
        "--training-per-person",
        type=_weight,
        default=0.05,
        metavar="W",
        help="Face: each person of a group adds W x the base to its training (default 0.05)",
    )
    parser.add_argument(
        "--training-per-face",
        type=_weight,
        default=0.01,
        metavar="W",
        help="Face: each persisted face of a group or large face list adds W x the base (default 0.01)",
    )
    parser.add_argument(
        "--training-max-seconds",
        type=_seconds,
        default=1800.0,
        metavar="S",
        help="Face: the longest a training takes, faults aside (default 1800: the documents' half hour for 1,000,000 persons)",
    )
    parser.add_argument("--fault", action="append", default=[], metavar="NAME", help=f"enable a fault; one of: {', '.join(sorted(FAULTS))}")
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="observed",
        help="observed (default): behave as the real service was recorded (tests/reference/recordings/README.md); "
        "docs: follow the documents literally where the recordings depart from them",
    )
    parser.add_argument("--retry-after", type=int, default=None, metavar="S", help="send Retry-After: S on non-terminal status reads (default: never)")
    parser.add_argument(
        "--mutate",
        action="append",
        default=[],
        metavar="OPERATOR@operationId[@apiVersion]",
        help=f"apply a blind mutation operator to one operation's 2xx replies (repeatable); operators: {', '.join(OPERATORS)}",
    )
    parser.add_argument(
        "--aad-token",
        action="append",
        type=_key,
        default=[],
        metavar="TOKEN",
        help="test mode: accept 'Authorization: Bearer TOKEN' like a key, as its own tenant (repeatable; never printed)",
    )
    parser.add_argument("--quota", default=None, metavar="N/s|N/m", help="per key or token, answer the gateway's 429 once N calls were made in the current second or minute (default: unlimited)")
    parser.add_argument("--quota-retry-after", action="store_true", help="send Retry-After: N on quota 429s (the real Face gateway sends none)")
    parser.add_argument("--request-log", default=None, metavar="FILE", help="append one JSON line per request: time, key-hash, method, path, status, bytes-sha256")
    parser.add_argument(
        "--allow-fetch",
        action="append",
        default=[],
        metavar="HOST|CIDR",
        help="let URL fetches (add face from URL, consent audioUrl, blob containers) reach this host name, address or "
        "network besides public addresses (repeatable; default: loopback, private, link-local and metadata refused)",
    )
    parser.add_argument("--ssl-certfile", default=None, metavar="PEM", help="serve HTTPS with this certificate (needs --ssl-keyfile)")
    parser.add_argument("--ssl-keyfile", default=None, metavar="PEM", help="the certificate's private key")
    parser.add_argument(
        "--data-dir",
        default=None,
        metavar="DIR",
        help="keep the state in DIR/emulator.sqlite3 (created if missing): it survives restarts and is shared by --workers (default: in memory)",
    )
    parser.add_argument(
        "--workers",
        type=_workers,
        default=1,
        metavar="N",
        help="serve with N worker processes sharing --data-dir (required for N > 1; default 1)",
    )
    parser.add_argument("--list-faults", action="store_true", help="print the fault catalogue as JSON and exit")
    parser.add_argument(
        "--list-mutants",
        action="store_true",
        help="print as JSON every operator x operation x API version where an operator can apply, and exit",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, print the address and keys, serve until SIGINT/SIGTERM; return the exit code."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(environment_args(os.environ, argv) + argv)
    if args.list_faults:
        import json

        from cognitive_conformance.emulator.faults import catalogue

        print(json.dumps(catalogue(), indent=2))
        return 0
    if args.list_mutants:
        import json

        from cognitive_conformance.emulator.mutations import list_mutants

        print(json.dumps(list_mutants(), indent=2))
        return 0
    if (args.ssl_certfile is None) != (args.ssl_keyfile is None):
        parser.error("--ssl-certfile and --ssl-keyfile go together")
    if args.quota_retry_after and args.quota is None:
        parser.error("--quota-retry-after needs --quota")
    if args.workers > 1:
        if args.data_dir is None:
            parser.error("--workers > 1 needs --data-dir DIR: worker processes share their state only through a data dir")
        if args.quota is not None or args.mutate:
            parser.error("--quota and --mutate count in one process's memory; use them with --workers 1")
    try:
        build_mutants(args.mutate)  # bad mutants are usage errors (exit 2), not a crash at start-up
        config = EmulatorConfig(
            keys=tuple(args.key) if args.key else (DEFAULT_KEY,),
            training_seconds=args.training_seconds,
            training_per_person=args.training_per_person,
            training_per_face=args.training_per_face,
            training_max_seconds=args.training_max_seconds,
            faults=tuple(args.fault),
            mutations=tuple(args.mutate),
            retry_after=args.retry_after,
            profile=args.profile,
            aad_tokens=tuple(args.aad_token),
            quota=parse_quota(args.quota) if args.quota else None,
            quota_retry_after=args.quota_retry_after,
            request_log=args.request_log,
            data_dir=args.data_dir,
            allow_fetch=tuple(args.allow_fetch),
        )
    except ValueError as exc:
        parser.error(str(exc))
    except (OSError, sqlite3.Error, StoreFormatError) as exc:
        sys.stderr.write(f"conformance emulator: cannot use --data-dir {args.data_dir}: {exc}\n")
        return 1

    def announce(base_url: str) -> None:
        lines = [f"cognitive-conformance emulator listening on {base_url}"]
        lines.extend(f"subscription key: {key}" for key in config.keys)
        if config.aad_tokens:
            lines.append(f"aad tokens: {len(config.aad_tokens)} accepted")
        if args.data_dir is not None:
            lines.append(f"data dir: {args.data_dir} ({args.workers} worker{'s' if args.workers > 1 else ''})")
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()

    try:
        serve(
            config,
            args.host,
            args.port,
            on_ready=announce,
            ssl_certfile=args.ssl_certfile,
            ssl_keyfile=args.ssl_keyfile,
            workers=args.workers,
        )
    except OSError as exc:
        sys.stderr.write(f"conformance emulator: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}\n")
        return 1
    except RuntimeError as exc:
        sys.stderr.write(f"conformance emulator: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
