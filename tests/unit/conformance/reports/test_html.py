"""Unit tests for conformance.reports.html (report.html) and the repro files beside it.

The event list is the shared small run (``_events.events()``) plus what this file adds: findings
whose exchanges are built by the real ``transport.finding_evidence`` from hand-made records (a
binary add-face, a multipart consent, a hostile response), and LRO timelines made by the real
``flows.timeline.timeline_of`` from hand-built traces (Retry-After given, honoured and not, a
429, a re-read, one that never ends). No HTTP.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from cognitive_conformance.conformance.events import (
    Event,
    Finding,
    FindingRaised,
    LroCompleted,
    RunFinished,
)
from cognitive_conformance.conformance.flows import RESOURCE, StatusModel, build_trace
from cognitive_conformance.conformance.flows.timeline import timeline_of
from cognitive_conformance.conformance.reports import html, json_report, model, write_all
from cognitive_conformance.conformance.transport import RequestRecord, ResponseRecord, finding_evidence

from ._events import TRAIN, events

SECRET = "0123456789abcdef0123456789abcdef"
HOSTILE = "<script>window.__pwned=1</script><img src=x onerror=alert(1)>"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
BOUNDARY = "6a1f0c2e9b8d4e7f"
MULTIPART = (
    f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"projectId\"\r\n\r\ncc-1-p\r\n"
    f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"audiodata\"; filename=\"consent.wav\"\r\n"
    "Content-Type: audio/wav\r\n\r\n"
).encode() + b"RIFF\x00\x01\x02\x03WAVEfmt " + bytes(300) + f"\r\n--{BOUNDARY}--\r\n".encode()
MODEL = StatusModel(("notStarted", "running", "succeeded", "failed"), frozenset({"succeeded", "failed"}))
BASE = "http://127.0.0.1:5000/face/v1.2"
BYTES_REPR = re.compile(r"(?<![\w])b(?:'|&#x27;|\"|&quot;)[^\n]{0,40}\\x[0-9a-f]{2}")  # b'...\x89...' as Python prints bytes


def record(status: int, body: bytes = b"", *, method: str = "GET", url: str = BASE + "/persongroups/g/training",
           req_headers: tuple = (), req_body: bytes = b"", headers: tuple = (), sent_at: float = 100.0,
           elapsed_s: float = 0.01, content_type: str | None = "application/json; charset=utf-8") -> ResponseRecord:
    resp_headers = tuple(headers) + ((("content-type", content_type),) if content_type else ())
    return ResponseRecord(
        request=RequestRecord(method, url, (("accept", "*/*"), ("ocp-apim-subscription-key", "***"), *req_headers), req_body),
        status_code=status, headers=resp_headers, body=body, elapsed_s=elapsed_s, sent_at=sent_at,
    )


def status_read(status: str | None, at: float, *, code: int = 200, retry_after: str | None = None) -> ResponseRecord:
    body = b"{}" if status is None else json.dumps({"status": status}).encode()
    headers = (("retry-after", retry_after),) if retry_after else ()
    return record(code, body, sent_at=100.0 + at, headers=headers)


def finding(check: str, message: str, rec: ResponseRecord, *, op: str = TRAIN, secrets: tuple = (SECRET,)) -> FindingRaised:
    return FindingRaised(Finding(
        check=check, title=f"title of {check}", rule=f"statement of {check}", source="https://learn.microsoft.com/x",
        message=message, service="face", version="v1.2", phase="stateful", operation_id=op, scenario="face-train",
        **finding_evidence(rec, secrets),
    ))


def lros() -> list[LroCompleted]:
    submit = record(202, b"", method="POST", url=BASE + "/persongroups/g/train", headers=(("retry-after", "1"),),
                    content_type=None)
    honoured = build_trace(
        service="face", version="v1.2", submit=submit, model=MODEL, resource="persongroups/g", scenario="face-train",
        reads=[(RESOURCE, status_read("running", 1.05, retry_after="1")),  # waited ~1.04 s for a Retry-After of 1
               (RESOURCE, status_read(None, 1.5, code=429)),  # sooner than asked, and throttled
               (RESOURCE, status_read("succeeded", 2.6)),
               (RESOURCE, status_read("succeeded", 2.7), "terminal-reread")],
    )
    endless = build_trace(
        service="face", version="v1.2", submit=submit, model=MODEL, resource="persongroups/h", scenario="face-train",
        reads=[(RESOURCE, status_read(HOSTILE, 0.2)), (RESOURCE, status_read("running", 0.4))], budget_exhausted=True,
    )
    return [LroCompleted(timeline_of(honoured)), LroCompleted(timeline_of(endless))]


def run(message: str = "answered 200, not 201") -> list[Event]:
    add_face = record(200, b'{"persistedFaceId":"f"}', method="POST", url=BASE + "/persongroups/g/persons/p/persistedfaces",
                      req_headers=(("content-type", "application/octet-stream"),), req_body=PNG)
    consent = record(200, b'{"id":"c"}', method="POST", url="http://127.0.0.1:5000/customvoice/consents/c?api-version=2026-01-01",
                     req_headers=(("content-type", f"multipart/form-data; boundary={BOUNDARY}"),), req_body=MULTIPART)
    hostile = record(500, f'{{"error":{{"message":"{HOSTILE} key {SECRET}"}}}}'.encode(),
                     headers=(("x-echo", f"{HOSTILE} {SECRET}"),))
    base = events()
    extra: list[Event] = [
        finding("status_code_documented", message, add_face, op="PersonGroupOperations_AddPersonGroupPersonFace"),
        finding("status_code_documented", message, consent, op="Consents_Post"),
        finding("not_a_server_error", HOSTILE, hostile),
        *lros(),
    ]
    return base[:-1] + extra + [RunFinished(1, 2.5, 16, 4, 6, occurrences=7, errors=5, warnings=1)]


class Tags(HTMLParser):
    """Counts start tags and records attributes of the ones a test asks about."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))


def parsed(text: str) -> list[tuple[str, dict]]:
    p = Tags()
    p.feed(text)
    return p.tags


def figures(text: str) -> list[str]:
    return re.findall(r'<figure class="lro".*?</figure>', text, flags=re.S)


# -- the page -----------------------------------------------------------------------------------
def test_the_page_is_self_contained_and_only_its_own_script_may_run() -> None:
    text = html.render(model.build(run()))
    tags = parsed(text)
    assert not [t for t, a in tags if t in ("link", "img", "iframe", "object", "embed")]
    assert all("src" not in a for _, a in tags), "nothing is loaded from anywhere"
    scripts = [t for t, _ in tags if t == "script"]
    assert len(scripts) == 1
    csp = next(a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp
    inline = text.rsplit("<script>", 1)[1].split("</script>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp, "the one inline script is allowed by its hash, nothing else"


def test_headline_and_the_rule_table_carry_the_models_counts() -> None:
    data = model.build(run())
    text = html.render(data)
    assert "Conformance report: <span class=\"verdict-bad\">NONCONFORMANT</span>" in text
    assert html._e(model.headline(data)) in text
    row = re.search(r'<tr data-status="failed"><td><code>status_code_documented</code>.*?</tr>', text, flags=re.S).group(0)
    cells = re.findall(r"<td class=n>([^<]*)</td>", row)
    rule = next(r for r in data["rules"] if r["id"] == "status_code_documented")
    assert cells == [str(rule["applied"]), str(rule["passed"]), str(rule["failed"]), str(rule["notApplicable"])]
    sticky = re.search(r'<tr data-status="not exercised"><td><code>lro_terminal_sticky</code>.*?</tr>', text, flags=re.S)
    assert sticky and ">not exercised</td>" in sticky.group(0)


def test_every_string_from_the_target_is_escaped() -> None:
    text = html.render(model.build(run(message=HOSTILE)))
    assert "<script>window.__pwned" not in text and "<img src=x" not in text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in text  # the message, the body, a header, a status
    assert text.count("<script>") == 1


def test_no_secret_reaches_the_page_or_the_json() -> None:
    data = model.build(run())
    assert SECRET not in html.render(data)
    assert SECRET not in json.dumps(data)
    hostile = next(f for f in data["findings"] if f["check"] == "not_a_server_error")["details"][0]["exchange"]
    assert hostile["response"]["body"]["redacted"] is True
    assert ["x-echo", f"{HOSTILE} ***"] in hostile["response"]["headers"]


def test_findings_show_message_repro_and_the_exchange_binary_bodies_never_as_text() -> None:
    text = html.render(model.build(run()))
    findings = re.findall(r'<article class="finding sev-(?:error|warning)" id="finding-\d+">.*?</article>', text, flags=re.S)
    add_face = next(f for f in findings if "persistedfaces" in f)
    assert '<details class="exchange">' in add_face
    assert f"repro/{hashlib.sha256(PNG).hexdigest()[:16]}.body" in add_face
    assert "binary: not shown" in add_face and "PNG" not in add_face
    assert f"application/octet-stream, {len(PNG):,} bytes, sha256 <code>{hashlib.sha256(PNG).hexdigest()}</code>" in add_face
    consent = next(f for f in findings if "consents/c" in f)
    assert "<td>audiodata</td><td>consent.wav</td><td>audio/wav</td><td class=n>316</td>" in consent
    assert "RIFF" not in consent
    assert "<pre>{&quot;persistedFaceId&quot;:&quot;f&quot;}</pre>" in add_face  # a JSON response is shown as text


# -- the timelines ------------------------------------------------------------------------------
def test_every_lro_has_a_timeline_with_one_marker_per_poll() -> None:
    data = model.build(run())
    shown = figures(html.render(data))
    assert len(shown) == len(data["lros"]) == 2
    for figure, lro in zip(shown, data["lros"]):
        assert figure.count("<svg") == 1
        assert figure.count('<circle class="poll"') == lro["polls"]
        assert figure.count('<path class="reread"') == sum(lro["verificationReads"].values())
        assert figure.count('<circle class="terminal"') == (lro["terminalReadIndex"] is not None)
        assert figure.count('<line class="retry-after"') == lro["retryAfterSeen"]
        assert figure.count('<line class="wait"') == len(lro["reads"])
    assert len(shown[1]) < 6000, "each plot stays small"


def test_the_timeline_shows_retry_after_honoured_or_not_and_a_throttled_read() -> None:
    data = model.build(run())
    lro = data["lros"][0]
    reads = lro["reads"]
    assert [r["statusCode"] for r in reads] == [200, 429, 200, 200]
    assert reads[0]["retryAfterSeconds"] == 1 and reads[0]["retryAfterHonoured"] is True
    assert reads[1]["retryAfterSeconds"] == 1 and reads[1]["retryAfterHonoured"] is False
    assert lro["retryAfterSeen"] == 2 and lro["retryAfterHonoured"] == 1 and lro["throttles"] == 1
    figure = figures(html.render(data))[0]
    lines = re.findall(r'<line class="wait"[^>]*stroke="(#[0-9a-f]{6})"', figure)
    assert lines[:2] == ["#2e9e5b", "#d64545"], "honoured green, not honoured red"
    assert re.search(r'<circle class="poll"[^>]*stroke="#d64545"[^>]*><title>read 2: poll via resource at 1\.5 s; HTTP 429', figure)
    assert "terminal read: succeeded" in figure


def test_a_timeline_of_an_older_report_without_reads_says_so() -> None:
    data = model.build(run())
    for lro in data["lros"]:
        del lro["reads"]
    shown = figures(html.render(data))
    assert all("No per-read record in this report" in f and "<svg" not in f for f in shown)


# -- the files ----------------------------------------------------------------------------------
def test_write_all_writes_the_html_and_every_repro_body_and_script(tmp_path: Path) -> None:
    evs = run()
    paths = write_all(evs, tmp_path)
    assert [p.name for p in paths] == ["conformance.json", "junit.xml", "summary.md", "report.html", "repro"]
    data = json.loads((tmp_path / "conformance.json").read_text())
    jsonschema.validate(data, json.loads(json_report.SCHEMA_PATH.read_text()))
    findings = {f["operationId"]: f for f in data["findings"] if f["details"][0]["exchange"]}
    add_face, consent = (findings[op]["details"][0] for op in ("PersonGroupOperations_AddPersonGroupPersonFace", "Consents_Post"))
    assert (tmp_path / add_face["exchange"]["request"]["body"]["file"]).read_bytes() == PNG
    assert (tmp_path / consent["exchange"]["request"]["body"]["file"]).read_bytes() == MULTIPART
    assert f"-H 'content-type: multipart/form-data; boundary={BOUNDARY}'" in consent["repro"]
    script_name = findings["PersonGroupOperations_AddPersonGroupPersonFace"]["reproScript"]
    script = (tmp_path / script_name).read_text()
    assert script.startswith("#!/bin/sh\n") and '${CONFORMANCE_KEY:?' in script and "***" not in script.split("\n", 4)[4]
    assert (tmp_path / script_name).stat().st_mode & 0o111
    assert sorted(p.name for p in (tmp_path / "repro").glob("*.sh")) == sorted(
        f["reproScript"].split("/")[1] for f in data["findings"] if f["reproScript"]), "one script per finding"
    for name in ("summary.md", "junit.xml", "report.html", "conformance.json"):
        text = (tmp_path / name).read_text()
        assert SECRET not in text
        assert not BYTES_REPR.search(text), f"{name} shows a Python bytes repr"
    assert f"sh {script_name}" in (tmp_path / "summary.md").read_text()
    assert f"Repro script: {script_name}" in (tmp_path / "junit.xml").read_text()


def test_script_names_are_stable_and_a_run_without_exchanges_writes_no_repro_dir(tmp_path: Path) -> None:
    first = model.build(run())["findings"]
    again = model.build(run())["findings"]
    assert [f["reproScript"] for f in first] == [f["reproScript"] for f in again]
    assert len({f["reproScript"] for f in first if f["reproScript"]}) == sum(1 for f in first if f["reproScript"]) == 3
    paths = write_all(events(), tmp_path)
    assert not (tmp_path / "repro").exists() and paths[-1].name == "report.html"


@pytest.mark.parametrize("title", ["x\n rm -rf /", "a $(touch pwned) `b`"])
def test_a_repro_script_comment_cannot_become_a_command(title: str) -> None:
    from cognitive_conformance.conformance.repro import script

    exchange = finding_evidence(record(200), ())["exchange"].to_dict()
    lines = script(exchange, title=title).splitlines()
    assert len(lines) == 6 and lines[1].startswith("# ") and "\n" not in lines[1]


def test_a_broken_flow_shows_its_body_as_text_or_size_never_as_a_bytes_repr(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from cognitive_conformance.conformance.scenarios.polling import FakeClock, Poller, PollPolicy
    from cognitive_conformance.conformance.scenarios.session import ScenarioAborted, Session
    from cognitive_conformance.conformance.spec import Spec

    assert BYTES_REPR.search(f"{PNG[:20]!r}"), "the pattern finds what Python prints for bytes"
    emitted: list[Event] = []
    session = Session(transport=SimpleNamespace(secrets=[SECRET]), spec=Spec("face", "v1.2", "docs"), emit=emitted.append,
                      run_id="t", poller=Poller(PollPolicy(timeout_s=1), FakeClock()), checks=[])
    for body, content_type in ((PNG, "image/png"), (b'{"error":\n {"code": "Nope"}}', "application/json")):
        with pytest.raises(ScenarioAborted):
            session.broken("could not go on", record(500, body, content_type=content_type), documented="202", source="s")
    write_all(events()[:-1] + emitted + events()[-1:], tmp_path)
    summary, junit = (tmp_path / "summary.md").read_text(), (tmp_path / "junit.xml").read_text()
    assert not BYTES_REPR.search(summary) and "b'" not in summary and "b'" not in junit
    assert f"Received: 500 ({len(PNG)} bytes of image/png)" in summary
    assert 'Received: 500 {"error": {"code": "Nope"}}' in junit  # the second message of the same finding


def test_an_incomplete_run_and_a_conformant_one_say_so() -> None:
    from dataclasses import replace

    no_errors = [e for e in events() if not (isinstance(e, FindingRaised) and e.finding.severity == "error")]
    incomplete = {"reason": "max-requests", "maxRequests": 50, "budgetedRequests": 50, "cleanupRequests": 3}
    stopped = [replace(e, exit_code=5, extra={"incomplete": incomplete}) if isinstance(e, RunFinished) else e for e in no_errors]
    data = model.build(stopped)
    text = html.render(data)
    assert '<span class="verdict-inc">INCOMPLETE</span>' in text and html._e(model.incomplete_line(data)) in text
    clean = [e for e in events() if not isinstance(e, FindingRaised)]
    clean[-1] = RunFinished(0, 1.0, 16, 0, 0)
    text = html.render(model.build(clean))
    assert '<span class="verdict-ok">CONFORMANT</span>' in text and '<h2 id="findings">Findings</h2>\n<p>None.</p>' in text
