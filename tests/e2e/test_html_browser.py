"""report.html in a real headless Chromium (the system's, driven by Playwright).

The report comes from a small real run, the two command lines of README's "Reports" section run as
written (only the fixed port 5000 becomes a free one): ``conformance emulator`` sending
``Retry-After: 1`` on status reads with the ``terminal-not-sticky`` fault, and ``conformance run``
of one Face scenario against it (two long-running operations, one finding). The page is opened
from ``file://`` and must
load nothing else, log no console error, draw one timeline per LRO of conformance.json with one
marker per poll and one Retry-After bar per read that was asked to wait, and its script (allowed
by its hash under the page's Content-Security-Policy) must work. A page built from a finding whose
message is a ``<script>`` must not run it. The screenshot is kept in the test's tmp dir.

Chromium: Debian's ``chromium`` package (``.ci/run`` installs it when it runs as root); Playwright's
own browser download is not used.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (Debian: apt-get install -y chromium)")
EXE = str(Path(sys.executable).with_name("conformance"))
README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _readme_lines() -> list[list[str]]:
    """The command lines under README's ``report-commands`` marker, as argv for the installed console script."""
    block = re.search(r"<!-- report-commands:.*?-->\n```sh\n(.*?)```", README, re.S)
    assert block, "README's Reports section lost its report-commands block"
    lines = [shlex.split(line, comments=True) for line in block.group(1).splitlines() if line.strip()]
    assert [line[:2] for line in lines] == [[".venv/bin/conformance", "emulator"], [".venv/bin/conformance", "run"]]
    return [[EXE, *line[1:]] for line in lines]


@contextmanager
def _serve(argv: list[str], cwd: Path) -> Iterator[str]:
    """Start the README's emulator line on a free port instead of 5000; yield that port."""
    argv = [("0" if a == "5000" and argv[i - 1] == "--port" else a) for i, a in enumerate(argv)]
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        match = re.search(r"listening on https?://\S+:(\d+)", proc.stdout.readline())
        assert match, proc.stderr.read()
        yield match.group(1)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    fetched: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    return page, problems, fetched


def test_a_real_runs_report_renders_every_timeline_without_errors(browser, tmp_path: Path) -> None:
    serve, run = _readme_lines()
    with _serve(serve, tmp_path) as port:
        run = [a.replace("127.0.0.1:5000", f"127.0.0.1:{port}") for a in run]
        proc = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    report = tmp_path / "reports"  # the run's default --report-dir
    assert (report / "repro").is_dir()
    data = json.loads((report / "conformance.json").read_text())
    assert len(data["lros"]) == 2 and [f["check"] for f in data["findings"]] == ["lro_terminal_sticky"]  # as README says
    assert all(r["retryAfterHonoured"] for lro in data["lros"] for r in lro["reads"] if r["retryAfterSeconds"] is not None)

    page, problems, fetched = _open(browser, report / "report.html")
    assert problems == []
    assert fetched == [(report / "report.html").resolve().as_uri()], "the page loads nothing but itself"
    figures = page.locator("figure.lro")
    assert figures.count() == len(data["lros"])
    for i, lro in enumerate(data["lros"]):
        figure = figures.nth(i)
        assert figure.locator("svg.timeline").count() == 1
        assert figure.locator("svg.timeline circle.poll").count() == lro["polls"]
        assert figure.locator("svg.timeline path.reread").count() == sum(lro["verificationReads"].values())
        assert figure.locator("svg.timeline line.retry-after").count() == lro["retryAfterSeen"] > 0
        assert figure.locator("svg.timeline").bounding_box()["width"] > 300
    assert page.locator("article.finding").count() == len(data["findings"])

    # the script runs under the page's CSP: the rule filter and the exchange toggle work
    page.fill("#rule-filter", "lro_terminal_sticky")
    assert page.locator("#rules tbody tr:visible").count() == 1
    assert not page.locator("details.exchange").first.evaluate("d => d.open")
    page.click("#open-exchanges")
    assert page.locator("details.exchange").first.evaluate("d => d.open")
    assert problems == []

    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    page.close()


def test_a_script_in_a_finding_message_does_not_run(browser, tmp_path: Path) -> None:
    from cognitive_conformance.conformance.reports import write_all
    from tests.unit.conformance.reports._events import events, finding

    hostile = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">"
    run = events()
    run.insert(-1, finding("status_code_documented", hostile, op="PersonGroupOperations_DeletePersonGroup"))
    write_all(run, tmp_path)
    page, problems, fetched = _open(browser, tmp_path / "report.html")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert hostile in page.locator("article.finding pre").all_inner_texts()
    assert problems == [] and len(fetched) == 1
    page.close()
