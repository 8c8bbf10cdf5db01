"""Every command line the documentation shows runs as written, through the installed console script.

The lines are extracted, not copied: every line of a README.md code block that starts with
``conformance `` or ``.venv/bin/conformance `` (after ``NAME=value`` assignments and a ``$ `` prompt;
a trailing ``\\`` continues it), and every example in ``conformance --help`` (``cli.EXAMPLES``) that the
README does not already show. A line added to the README later is covered without touching this file;
a line that cannot run as written, nor with one of the adjustments listed here, fails its test.

Each line runs in its own temporary working directory (its reports/ and ledger land there), with
the installed script standing for ``conformance`` and ``.venv/bin/conformance``, and with none of the
variables the CLI reads (``CONFORMANCE_*``, the Azure conventions) inherited from this environment.
What is changed, and why, is listed below and nowhere else:

* ``SUBSTITUTIONS``: what a reader fills in. ``https://<resource>.cognitiveservices.azure.com`` becomes
  a stand-in emulator started here with the key ``<your key>``/``$KEY`` and the token ``<token>``; a
  line with that target and no ``--key`` gets ``CONFORMANCE_KEY`` (the README's
  ``export CONFORMANCE_KEY=<your key>``).
* Fixed ports: a line that serves (``--port N``, ``--listen HOST:N``) listens on a free port instead,
  and a line whose ``--target`` is ``127.0.0.1:N`` runs against the README's own emulator line for port
  N, started here the same way (so parallel test runs and other users of the machine never collide).
* ``PRECONDITIONS``: files and resources a reader has before the line (a certificate, a media
  folder, the repository's recordings, the group ``--use-existing`` names, a run's leftovers for
  ``cleanup``).
* ``ADJUSTED``: lines too long for a test (a full run is ~60 s on 2 cores, a selftest minutes, a
  20/m rate limit minutes) get a budget flag appended; each entry says why.

A line that serves forever (``conformance emulator``, ``conformance proxy``) is started, probed over
HTTP until it answers (bounded), sent SIGINT and must exit cleanly. Every other line must exit with
its documented code: the ``# exit N`` comment on the line, else ``EXPECTED_EXIT``, else 0. No line
may print a traceback, and a secret the test hands in (the stand-in's key and token) never appears
in its output or its reports. A ``run``'s stderr (not a terminal here) holds only
``service@version phase:`` lines and one-line ``conformance:`` notes and errors.
"""

from __future__ import annotations

import os
import queue
import re
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.emulator_proc import emulator

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DEV_KEY = "1f0e2d3c4b5a69788796a5b4c3d2e1f0"  # the emulator's well-known development key
KEY = "d0c5d0c5a11ce000000000000000000b"  # the stand-in resource's key
TOKEN = "readme-token-" + "7" * 30  # the stand-in resource's Entra ID token
RESOURCE = "https://<resource>.cognitiveservices.azure.com"
SCRIPT = ("conformance", ".venv/bin/conformance")
ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
EXIT_COMMENT = re.compile(r"#\s*exit\s+(\d+)\b")

#: What a reader fills in (the stand-in's URL replaces RESOURCE once it is started).
SUBSTITUTIONS = {"<your key>": KEY, "$KEY": KEY, "<token>": TOKEN}

#: Lines too long for a test, each with what is appended and why. The line's own flags are kept.
ADJUSTED: dict[str, tuple[str, ...]] = {
    # every service and version (~60 s on 2 cores), or Face v1.2 alone (~27 s): a request budget stops the run once
    # it started, and one worker starts no job after that, so the test sees it plan, run, clean up and report (exit 5).
    # That these runs are conformant is measured by `make demo`, benchmarks/gate_time.py and tests/e2e/test_cli_run.py.
    ".venv/bin/conformance run": ("--max-requests", "200", "--workers", "1"),
    ".venv/bin/conformance run --profile docs": ("--max-requests", "200", "--workers", "1"),
    ".venv/bin/conformance run --service face --api-version v1.2": ("--max-requests", "200", "--workers", "1"),
    ".venv/bin/conformance run --service face --report-dir reports/face": ("--max-requests", "200", "--workers", "1"),
    ".venv/bin/conformance run --service customvoice --report-dir reports/voice": ("--max-requests", "200", "--workers", "1"),
    # a selftest runs the checker ~200 times (minutes): one named fault for the one line, one speaker mutant for
    # the other, each against its faithful control
    ".venv/bin/conformance selftest": ("--fault", "speaker-remaining-grows", "--max-examples", "1"),
    ".venv/bin/conformance selftest --report-dir reports": ("--fault", "speaker-remaining-grows", "--max-examples", "1"),
    ".venv/bin/conformance selftest --sample 7 --seed 0": ("--service", "speaker", "--only", "mutants", "--sample", "1", "--max-examples", "1"),
    # 20/m protects a Free tier; the stand-in emulator has no quota, and face v1.2's scenarios at 20/m take minutes
    ".venv/bin/conformance run --target https://<resource>.cognitiveservices.azure.com --service face --api-version v1.2 "
    "--phase stateful --poll-timeout 600 --rate-limit 20/m": ("--rate-limit", "none"),
}

#: Lines that read what the lines before them in the same README block wrote (a run's reports): those
#: lines run first, in the same working directory, as written (with their ADJUSTED flags).
PRECEDED_BY: dict[str, tuple[str, ...]] = {
    ".venv/bin/conformance validate reports/traffic.har --report-dir reports/validated": (
        ".venv/bin/conformance run --service face --api-version v1.2 --max-examples 1",
    ),
    ".venv/bin/conformance report merge reports/face reports/voice -o reports/merged": (
        ".venv/bin/conformance run --service face --report-dir reports/face",
        ".venv/bin/conformance run --service customvoice --report-dir reports/voice",
    ),
}

#: Documented exit codes said elsewhere than in an ``# exit N`` comment.
EXPECTED_EXIT: dict[str, int] = {
    # the transcript under it shows NONCONFORMANT (README "Recorded traffic")
    "conformance validate tests/reference/recordings --profile docs": 1,
    # its --max-requests 500 runs out: face v1.2 sends ~2,300 requests (README "Checking a live Azure endpoint")
    ".venv/bin/conformance run --target https://<resource>.cognitiveservices.azure.com --service face --api-version v1.2 "
    "--max-requests 500 --max-time 600 --timeout 20": 5,
    # the budgets ADJUSTED appends run out
    ".venv/bin/conformance run --service face --report-dir reports/face": 5,
    ".venv/bin/conformance run --service customvoice --report-dir reports/voice": 5,
    # the merge of two runs stopped by those budgets: the worst part's code (README "Spreading a run over machines")
    ".venv/bin/conformance report merge reports/face reports/voice -o reports/merged": 5,
    ".venv/bin/conformance run": 5,
    ".venv/bin/conformance run --profile docs": 5,
    ".venv/bin/conformance run --service face --api-version v1.2": 5,
}


# -- what the documentation shows -----------------------------------------------------------------


@dataclass(frozen=True)
class Documented:
    text: str  # the line as written (continuations joined, prompt removed)
    where: str  # README.md:LINE, or "conformance --help"
    output: tuple[str, ...] = ()  # what a "$ " transcript shows after it

    @property
    def command(self) -> str:
        """The line without its trailing comment: what ADJUSTED and EXPECTED_EXIT are keyed by."""
        return " ".join(re.sub(r"\s+#.*$", "", self.text).split())

    @property
    def id(self) -> str:
        place = "help" if self.where == "conformance --help" else "L" + self.where.split(":")[1]
        return place + "-" + re.sub(r"[^\w.@=:-]+", "_", self.command.replace(".venv/bin/", ""))[:70]


def _words(text: str) -> list[str]:
    return shlex.split(re.sub(r"<[^>]*>", "X", text), comments=True)


def _is_command(text: str) -> bool:
    try:
        words = _words(text)
    except ValueError:
        return False
    while words and ASSIGN.match(words[0]):
        words.pop(0)
    return bool(words) and words[0] in SCRIPT


def _normalised(text: str) -> str:
    return " ".join("conformance" if w in SCRIPT else w for w in _words(text))


def _block_commands(block: list[tuple[int, str]]) -> list[Documented]:
    logical: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for n, raw in block:
        start, text = (pending[0], f"{pending[1]} {raw.strip()}") if pending else (n, raw.strip())
        if text.endswith("\\"):
            pending = (start, text[:-1].rstrip())
            continue
        pending = None
        logical.append((start, text))
    found = []
    for i, (n, text) in enumerate(logical):
        prompt = text.startswith("$ ")
        body = text[2:] if prompt else text
        if not _is_command(body):
            continue
        output: list[str] = []
        if prompt:
            for _, after in logical[i + 1:]:
                if after.startswith("$ "):
                    break
                output.append(after)
        found.append(Documented(body, f"README.md:{n}", tuple(output)))
    return found


def documented() -> list[Documented]:
    lines: list[Documented] = []
    block: list[tuple[int, str]] | None = None
    for n, raw in enumerate(README.read_text(encoding="utf-8").splitlines(), 1):
        if raw.lstrip().startswith("```"):
            if block is not None:
                lines += _block_commands(block)
            block = None if block is not None else []
        elif block is not None:
            block.append((n, raw))
    from cognitive_conformance.conformance.cli import EXAMPLES

    lines += [Documented(e, "conformance --help") for e in EXAMPLES]
    # One test per distinct command (`conformance X` and `.venv/bin/conformance X` are one): the first place that
    # shows it, with every transcript output shown for it anywhere.
    unique: dict[str, Documented] = {}
    for d in lines:
        key = _normalised(d.command)
        first = unique.setdefault(key, d)
        if first is not d and d.output:
            unique[key] = Documented(first.text, first.where, first.output + d.output)
    return list(unique.values())


DOCUMENTED = documented()


def test_the_documentation_shows_command_lines_and_every_adjustment_names_one() -> None:
    from cognitive_conformance.conformance.cli import EXAMPLES, build_parser

    commands = {d.command for d in DOCUMENTED}
    assert len(DOCUMENTED) >= 25, [d.command for d in DOCUMENTED]
    stale = (set(ADJUSTED) | set(EXPECTED_EXIT)) - commands
    assert not stale, f"adjustments name lines the documentation no longer shows: {stale}"
    help_text = build_parser().format_help()
    assert all(example in help_text for example in EXAMPLES)
    assert any(d.output for d in DOCUMENTED), "the transcripts' output lines are checked too"


# -- running one line ------------------------------------------------------------------------------


def _console_script() -> str:
    """The ``conformance`` console script of this interpreter's installation."""
    for directory in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        found = shutil.which("conformance", path=directory)
        if found:
            return found
    pytest.fail(f"the console script `conformance` is not installed next to {sys.executable} (make venv)")


def _environment() -> dict[str, str]:
    """This process's environment without anything the CLI reads as a target or key."""
    from cognitive_conformance.conformance.packs import all_packs

    azure = {n for p in all_packs() if p.environment for n in (p.environment.key, p.environment.endpoint)}
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_") and k not in azure}
    env["NO_PROXY"] = ",".join(filter(None, [env.get("NO_PROXY", ""), "127.0.0.1", "localhost"]))
    return env


class _Lines:
    """A process's stdout, read line by line in a thread (so a wait for a line is bounded)."""

    def __init__(self, stream) -> None:
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.queue.put(line)
        self.queue.put(None)

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match[str] | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.queue.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                return None
            self.seen.append(line)
            if match := re.search(pattern, line):
                return match
        return None


def _argv(text: str, env: dict[str, str]) -> list[str]:
    """The line's words with its assignments moved into ``env`` and the console script for ``conformance``."""
    unknown = set(re.findall(r"\$\{?([A-Za-z_]\w*)", text)) - {k[1:] for k in SUBSTITUTIONS if k.startswith("$")}
    assert not unknown, f"the line uses shell variables {unknown}: add them to SUBSTITUTIONS"
    for old, new in SUBSTITUTIONS.items():
        text = text.replace(old, new)
    assert "<" not in text.split("#")[0], f"a placeholder is left in {text!r}: add it to SUBSTITUTIONS"
    words = shlex.split(text, comments=True)
    while ASSIGN.match(words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    return [_console_script(), *words[1:]]


def _serves(words: list[str]) -> bool:
    """Whether the line runs until it is stopped (an emulator or a proxy, not a listing or help)."""
    return len(words) > 1 and words[1] in ("emulator", "proxy") and not {"-h", "--help", "--list-faults", "--list-mutants"} & set(words)


def _free_ports(text: str) -> str:
    text = re.sub(r"--port \d+", "--port 0", text)
    return re.sub(r"--listen (\S+):\d+", r"--listen \1:0", text)


def _certificate(cwd: Path) -> None:
    if not (cwd / "cert.pem").exists():
        if shutil.which("openssl") is None:
            pytest.skip("no openssl command to make the certificate the line names")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "key.pem", "-out", "cert.pem"],
            check=True, capture_output=True, cwd=cwd,
        )


def _files(words: list[str], cwd: Path) -> None:
    """PRECONDITIONS (files): what a reader has in the working directory before the line."""
    if "cert.pem" in words or "key.pem" in words:
        _certificate(cwd)
    if "--media-dir" in words:
        from tests.media_dirs import make_media_dir

        make_media_dir(cwd / words[words.index("--media-dir") + 1])
    for word in words:
        if word.startswith("tests/") and not (cwd / "tests").exists():  # the repository's recordings
            (cwd / "tests").symlink_to(ROOT / "tests", target_is_directory=True)


LEFTOVER = "cc-1a2b3c-readme-pg"  # what a run killed before its cleanup left (README: cleanup --prefix cc-1a2b3c-)


def _seed(words: list[str], url: str, cwd: Path) -> str | None:
    """PRECONDITIONS (resources) on the stand-in; returns the path of a leftover ``cleanup`` must handle."""
    headers = {"Ocp-Apim-Subscription-Key": KEY}
    for i, word in enumerate(words):
        if word == "--use-existing":
            kind, _, resource_id = words[i + 1].partition("=")
            assert kind == "face:persongroup", f"add a precondition for --use-existing {kind}"
            version = words[words.index("--api-version") + 1]
            reply = httpx.put(f"{url}/face/{version}/persongroups/{resource_id}", headers=headers, json={"name": "a user's own group"})
            assert reply.status_code == 200, reply.text
    if words[1] != "cleanup":
        return None
    path = f"/face/v1.2/persongroups/{LEFTOVER}"
    if "--ledger" in words:  # the ledger a killed run wrote, made by the checker's own Transport and Ledger
        from cognitive_conformance.conformance.ledger import Ledger
        from cognitive_conformance.conformance.spec import Spec
        from cognitive_conformance.conformance.transport import Transport

        ledger = Ledger(cwd / words[words.index("--ledger") + 1], spec=Spec("face", "v1.2", "observed"), run_id="1a2b3c")
        (cwd / words[words.index("--ledger") + 1]).parent.mkdir(parents=True, exist_ok=True)
        with Transport(url, KEY) as transport:
            transport.observers.append(ledger.observe)
            assert transport.request("PUT", path, json_body={"name": "left behind"}).status_code == 200
        assert ledger.pending(), "the ledger did not record the create"
    else:
        assert LEFTOVER.startswith(words[words.index("--prefix") + 1])
        assert httpx.put(url + path, headers=headers, json={"name": "left behind"}).status_code == 200
    return path


@contextmanager
def _serving(argv: list[str], cwd: Path, env: dict[str, str]) -> Iterator[tuple[subprocess.Popen, str, _Lines]]:
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = _Lines(proc.stdout)
    try:
        match = out.wait_for(r"listening on (https?://[^\s/]+)", timeout=60)
        assert match, f"{argv} did not say where it listens: {''.join(out.seen)}"
        yield proc, match.group(1), out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def _answers(url: str, *, key: str | None, verify: object) -> int:
    """Probe a server until it answers (bounded); its status."""
    headers = {"Ocp-Apim-Subscription-Key": key} if key else {}
    deadline = time.monotonic() + 20
    while True:
        try:
            return httpx.get(f"{url}/face/v1.2/persongroups", headers=headers, verify=verify, timeout=10).status_code
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _line_number(doc: Documented) -> int:
    return int(doc.where.split(":")[1]) if doc.where.startswith("README.md:") else 1 << 30


def _readme_server_for(port: str, client: Documented) -> Documented | None:
    """The README's emulator line serving ``port`` nearest before ``client`` (the line that targets it)."""
    servers = [d for d in DOCUMENTED if _line_number(d) < _line_number(client) and _serves(_words(d.text))
               and f"--port {port}" in d.text]
    return servers[-1] if servers else None


def _no_secrets(texts: list[str], where: str) -> None:
    for text in texts:
        assert KEY not in text and TOKEN not in text, f"a secret the test handed in appears in {where}"


def _stderr_is_progress_lines(stderr: str) -> None:
    """A run's stderr when it is not a terminal: ``service@version phase:`` lines and one-line notes and errors."""
    allowed = re.compile(r"^(\S+@\S+ (stateless|stateful): |conformance: |note: |left on the target: )")
    bad = [line for line in stderr.splitlines() if line.strip() and not allowed.match(line)]
    assert not bad, bad[:5]


@pytest.mark.parametrize("doc", DOCUMENTED, ids=[d.id for d in DOCUMENTED])
def test_the_documented_line_runs_as_documented(doc: Documented, tmp_path: Path) -> None:
    cwd = tmp_path
    env = _environment()
    text = doc.text
    words = _words(text)
    with ExitStack() as stack:
        if RESOURCE in text:  # SUBSTITUTIONS: a stand-in for the reader's resource
            stand_in = stack.enter_context(emulator("--key", KEY, "--aad-token", TOKEN))
            text = text.replace(RESOURCE, stand_in)
            if "--key" not in words and "--auth" not in words and not ASSIGN.match(words[0]):
                env["CONFORMANCE_KEY"] = KEY  # README: export CONFORMANCE_KEY=<your key>
        else:
            stand_in = None
        serves = _serves(words)
        if serves:
            text = _free_ports(text)
        else:  # a target on a fixed loopback port: the README's own emulator line for that port
            for scheme, port in set(re.findall(r"--target (https?)://127\.0\.0\.1:(\d+)", text)):
                server = _readme_server_for(port, doc)
                if server is None:
                    continue
                _files(_words(server.text), cwd)
                server_env = _environment()
                _, url, _ = stack.enter_context(_serving(_argv(_free_ports(server.text), server_env), cwd, server_env))
                text = text.replace(f"{scheme}://127.0.0.1:{port}", url)
        _files(words, cwd)
        for before in PRECEDED_BY.get(doc.command, ()):
            first = _argv(before, env) + list(ADJUSTED.get(before, ()))
            done = subprocess.run(first, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
            assert done.returncode == EXPECTED_EXIT.get(before, 0), f"{before}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        leftover = _seed(words, stand_in, cwd) if stand_in else None
        argv = _argv(text, env) + list(ADJUSTED.get(doc.command, ()))
        shown = f"{doc.where}: {doc.text}\nran: {shlex.join(argv)}"

        if serves:
            with _serving(argv, cwd, env) as (proc, url, out):
                key = argv[argv.index("--key") + 1] if "--key" in argv and words[1] == "emulator" else (DEV_KEY if words[1] == "emulator" else None)
                verify = ssl.create_default_context(cafile=str(cwd / "cert.pem")) if url.startswith("https") else True
                assert _answers(url, key=key, verify=verify) == 200, shown
                proc.send_signal(signal.SIGINT)
                code = proc.wait(30)
                stderr = proc.stderr.read()
            assert code == EXPECTED_EXIT.get(doc.command, 0), f"{shown}\nexit {code}\n{stderr[-3000:]}"
            assert "Traceback" not in stderr, f"{shown}\n{stderr[-3000:]}"
            _no_secrets([stderr, *out.seen], "its output")
            return

        proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
        expected = int(m.group(1)) if (m := EXIT_COMMENT.search(doc.text)) else EXPECTED_EXIT.get(doc.command, 0)
        tail = f"{shown}\nexit {proc.returncode}\n--- stdout\n{proc.stdout[-2000:]}\n--- stderr\n{proc.stderr[-3000:]}"
        assert proc.returncode == expected, tail
        assert "Traceback" not in proc.stderr + proc.stdout, tail
        for line in doc.output:  # a transcript's output
            assert line in proc.stdout, f"{tail}\nexpected the line: {line}"
        reports = [p.read_text(encoding="utf-8", errors="replace") for p in cwd.rglob("*") if p.is_file() and p.suffix in {".json", ".jsonl", ".xml", ".md", ".har"} and "tests" not in p.relative_to(cwd).parts]
        _no_secrets([proc.stdout, proc.stderr, *reports], "its output or reports")
        if words[1] == "run":
            _stderr_is_progress_lines(proc.stderr)
            if proc.returncode not in (2, 3) and "-q" not in words and "--quiet" not in words and "stateless" in (words[words.index("--phase") + 1:] if "--phase" in words else ["stateless"]):
                assert re.search(r"^\S+@\S+ stateless: ", proc.stderr, re.M), f"{tail}\nno stateless progress line"
            if stand_in and proc.returncode not in (2, 3):
                assert f"against {stand_in}" in proc.stdout, f"{tail}\nthe run did not go to the stand-in resource"
        if leftover is not None:
            status = httpx.get(stand_in + leftover, headers={"Ocp-Apim-Subscription-Key": KEY}).status_code
            assert leftover in proc.stdout, tail
            assert status == (200 if "--dry-run" in words else 404), f"{tail}\n{leftover} answered {status}"
