"""report.html in a real headless Chromium (the system's, driven by Playwright).

The report comes from a small real run: ``conformance run`` against an emulator subprocess that
sends ``Retry-After: 1`` on status reads and has the ``terminal-not-sticky`` fault, one Face
scenario (two long-running operations, one finding). The page is opened from ``file://`` and must
load nothing else, log no console error, draw one timeline per LRO of conformance.json with one
marker per poll and one Retry-After bar per read that was asked to wait, and its script (allowed
by its hash under the page's Content-Security-Policy) must work. A page built from a finding whose
message is a ``<script>`` must not run it. The screenshot is kept in the test's tmp dir.

Chromium: Debian's ``chromium`` package (``.ci/run`` installs it when it runs as root); Playwright's
own browser download is not used.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cognitive_conformance.emulator import DEFAULT_KEY
from tests.e2e.emulator_proc import conformance, emulator

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (Debian: apt-get install -y chromium)")


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
    report = tmp_path / "reports"
    with emulator("--retry-after", "1", "--fault", "terminal-not-sticky") as url:
        proc, _ = conformance("run", "--target", url, "--key", DEFAULT_KEY, "--service", "face", "--api-version", "v1.2",
                              "--phase", "stateful", "--scenario", "face-persongroup-train-poll", "--report-dir", str(report),
                              "--quiet")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    data = json.loads((report / "conformance.json").read_text())
    assert len(data["lros"]) >= 2 and data["findings"]

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
