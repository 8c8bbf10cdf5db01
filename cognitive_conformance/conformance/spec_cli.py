"""``conformance spec``: the specs as plain documents for your own tools.

* ``conformance spec render --service S [--api-version V] [--profile observed|docs] [-o FILE]
  [--format yaml|json] [--server URL]`` writes one OpenAPI 3.1 document for one API version and
  profile (:func:`conformance.spec_render.standalone`): no template constructs left, the links Schemathesis'
  stateful phase follows, ``info.x-service`` / ``x-api-version`` / ``x-profile``, and no ``servers``
  unless ``--server`` names one.

Exit codes: 0 written, 2 usage error (an unknown service, version or profile, with the valid
choices; a file that cannot be written).
"""

from __future__ import annotations

import argparse
import json
import sys
from urllib.parse import urlsplit

__all__ = ["add_parser", "main"]

EXIT_OK, EXIT_USAGE = 0, 2


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``spec`` and its subcommands to the ``conformance`` command line."""
    spec = sub.add_parser("spec", help="the specs as plain OpenAPI documents (for Schemathesis and other tools)")
    commands = spec.add_subparsers(dest="spec_command", required=True, parser_class=type(spec))
    render = commands.add_parser(
        "render",
        help="write one plain OpenAPI 3.1 document for one service, API version and profile",
        description=(
            "Write one plain OpenAPI 3.1 document for one service, API version and profile: no version or profile "
            "overrides left, OpenAPI links from each create to its resource and from each long-running submit to "
            "its status (followed by Schemathesis' stateful phase), info.x-service, x-api-version and x-profile. "
            "Without --server the document has no servers: name the target when you use it (st run --url URL)."
        ),
        epilog="exit codes: 0 written, 2 usage error (unknown service, version or profile; a file that cannot be written).",
    )
    render.add_argument("--service", required=True, help="face, speaker or customvoice (alias voice)")
    render.add_argument("--api-version", default=None, help="the API version (default: the service's default version)")
    render.add_argument("--profile", default="observed", help="observed (default): what the real service is known to do; docs: the documents literally")
    render.add_argument("-o", "--output", default="-", metavar="FILE", help="where to write it (default '-': stdout)")
    render.add_argument("--format", choices=["yaml", "json"], default=None, help="yaml or json (default: json when FILE ends with .json, else yaml)")
    render.add_argument("--server", default=None, metavar="URL", help="the document's one server URL, e.g. http://127.0.0.1:5000 (default: none)")


def _error(message: str) -> int:
    print(f"conformance: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _yaml(document: dict) -> str:
    """YAML with multi-line strings (descriptions) as literal blocks, as the hand-written specs hold them."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return yaml.dump(document, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=120)


def main(args: argparse.Namespace) -> int:
    from cognitive_conformance.conformance import spec_render
    from cognitive_conformance.conformance.packs import UnknownPack, resolve

    try:
        service = resolve(args.service)
    except UnknownPack as exc:
        return _error(str(exc))
    if args.server is not None:
        parts = urlsplit(args.server)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            return _error(f"--server must be an absolute http(s) URL, got {args.server!r}")
    try:
        document = spec_render.standalone(service, args.api_version, args.profile, server=args.server)
    except ValueError as exc:
        return _error(str(exc))
    fmt = args.format or ("json" if args.output.lower().endswith(".json") else "yaml")
    if fmt == "json":
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        text = _yaml(document)
    if args.output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    try:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        return _error(f"cannot write {args.output}: {exc.strerror or exc}")
    return EXIT_OK
