"""``report.html``: the report model as one self-contained page.

Everything is inline (CSS, one small script, an SVG per long-running operation); the page
fetches nothing, and its Content-Security-Policy forbids it to (``default-src 'none'``; the one
script is allowed by its SHA-256, so no other script can run). It reads without JavaScript: the
script only adds a filter to the rule table and a button that opens every exchange.

Every string that comes from the target (messages, statuses, headers, bodies, URLs) is
HTML-escaped; statuses are never used as markup or class names (their colours are looked up).

Sections: the headline; the services; the rules (kind, severity, applied, passed, failed, n/a,
status); the findings with each distinct message, its count, its repro and the exchange that
shows it (collapsed); the deviations from the documents; and one timeline per long-running
operation: status over time (x = seconds since the submission was sent, one band per status
between reads, per status resource), every poll a circle, every named re-read a diamond, the
terminal read ringed, and under each read the wait taken since the previous response with the
``Retry-After`` that response gave. The figures come from the report model only.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from html import escape
from pathlib import Path
from typing import Any

from cognitive_conformance.conformance.reports.model import coverage_phases, headline, incomplete_line

__all__ = ["render", "write", "STATUS_COLOURS"]

#: Colours of the statuses the three services document (normalised: lower case, letters only).
STATUS_COLOURS = {
    "notstarted": "#9aa5b1",
    "queued": "#9aa5b1",
    "running": "#4a90d9",
    "enrolling": "#4a90d9",
    "training": "#7b61c4",
    "succeeded": "#2e9e5b",
    "enrolled": "#2e9e5b",
    "failed": "#d64545",
}
_OTHER = ("#c98a1b", "#8c6d52", "#3aa6a6", "#b35fa8", "#6b7f2a", "#5a6fb0")
_URL = re.compile(r"https?://[^\s<>\"'`]+")

_CSS = """
:root{--fg:#1d232b;--muted:#5f6b78;--line:#d8dee4;--bg:#fff;--soft:#f5f7f9;--err:#c62828;--warn:#b26a00;--ok:#2e7d32}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1180px;padding:16px 24px 48px}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:16px 0 6px}
a{color:#1a5fb4}
nav a{margin-right:14px}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:break-word}
.scroll{overflow-x:auto}
table.fixed{table-layout:fixed}td a{overflow-wrap:anywhere}
th{background:var(--soft);font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}
pre{background:var(--soft);border:1px solid var(--line);padding:6px 8px;overflow:auto;max-height:360px;white-space:pre-wrap;word-break:break-all;margin:4px 0}
code{background:var(--soft);padding:0 3px}
.verdict-ok{color:var(--ok)}.verdict-bad{color:var(--err)}.verdict-inc{color:var(--warn)}
.st-failed{color:var(--err);font-weight:600}.st-passed{color:var(--ok)}.st-not{color:var(--muted)}
.sev-error{border-left:4px solid var(--err)}.sev-warning{border-left:4px solid var(--warn)}
article.finding{padding:2px 0 8px 12px;margin:12px 0}
article.deviation{border-left:4px solid var(--line);padding:2px 0 4px 12px;margin:10px 0}
.detail{border-top:1px dashed var(--line);padding-top:6px;margin-top:6px}
.muted{color:var(--muted)}
details{margin:4px 0}summary{cursor:pointer}
.lro{margin:14px 0;padding:6px 0;border-top:1px solid var(--line)}
.lro svg{display:block;max-width:100%;height:auto}
.legend span{display:inline-block;margin-right:12px}
.sw{display:inline-block;width:11px;height:11px;border:1px solid #555;vertical-align:-1px;margin-right:4px}
.tools{margin:6px 0}
"""

_SCRIPT = """
(function(){
  var box=document.getElementById('rule-filter');
  var failed=document.getElementById('rule-failed');
  var tools=document.getElementById('rule-tools');
  if(tools){tools.hidden=false;}
  function apply(){
    var q=(box&&box.value||'').toLowerCase();
    var rows=document.querySelectorAll('#rules tbody tr');
    for(var i=0;i<rows.length;i++){
      var r=rows[i];
      var show=r.textContent.toLowerCase().indexOf(q)>=0&&(!failed||!failed.checked||r.getAttribute('data-status')==='failed');
      r.hidden=!show;
    }
  }
  if(box){box.addEventListener('input',apply);}
  if(failed){failed.addEventListener('change',apply);}
  var open=document.getElementById('open-exchanges');
  if(open){open.hidden=false;open.addEventListener('click',function(){
    var all=document.querySelectorAll('details.exchange');
    var to=!(all.length&&all[0].open);
    for(var i=0;i<all.length;i++){all[i].open=to;}
  });}
})();
"""


def _e(value: Any) -> str:
    """HTML-escaped text; ``None`` is an em dash."""
    return "—" if value is None else escape(str(value), quote=True)


def _linked(text: Any) -> str:
    """Escaped text whose http(s) URLs are links (the URL escaped as an attribute too)."""
    text = "" if text is None else str(text)
    out, last = [], 0
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(".,;:)]")
        out.append(escape(text[last : m.start()]))
        out.append(f'<a href="{escape(url, quote=True)}" rel="noreferrer noopener">{escape(url)}</a>')
        last = m.start() + len(url)
    out.append(escape(text[last:]))
    return "".join(out)


def _norm(status: Any) -> str:
    return re.sub(r"[^a-z]", "", str(status).lower())


def _colour(status: Any) -> str:
    """A fixed colour per status: the documented ones from the table, any other from its hash."""
    if status is None:
        return "#ffffff"
    key = _norm(status)
    if key in STATUS_COLOURS:
        return STATUS_COLOURS[key]
    return _OTHER[int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % len(_OTHER)]


def _num(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:g}" if isinstance(value, float) else _e(value)


def _verdict(r: dict[str, Any]) -> tuple[str, str]:
    if r.get("incomplete") and not r.get("errors"):
        return "INCOMPLETE", "verdict-inc"
    if r["conformant"]:
        return "CONFORMANT", "verdict-ok"
    return ("ERROR", "verdict-bad") if r.get("error") else ("NONCONFORMANT", "verdict-bad")


# -- sections -----------------------------------------------------------------------------------
def _header(data: dict[str, Any]) -> list[str]:
    r = data["result"]
    verdict, cls = _verdict(r)
    target = data["target"]
    out = [
        f'<h1>Conformance report: <span class="{cls}">{verdict}</span></h1>',
        f"<p><strong>{_e(headline(data))}</strong></p>",
        "<table><tbody>",
        f"<tr><th>Target</th><td><code>{_e(target['url'])}</code>"
        + (" (embedded emulator)" if target.get("embeddedEmulator") else "") + "</td></tr>",
        f"<tr><th>Profile</th><td>{_e(data.get('profile'))}; seed {_e(data.get('seed'))}; "
        f"max examples {_e(data.get('maxExamples'))}</td></tr>",
        f"<tr><th>Run</th><td><code>{_e(data.get('runId'))}</code> started {_e(data.get('startedAt'))}; "
        f"{_num(r.get('durationSeconds'))} s; exit code {_e(r.get('exitCode'))}</td></tr>",
        f"<tr><th>Traffic</th><td>{_num(r.get('requests'))} requests, {_num(r.get('polls'))} polls, "
        f"{len(data.get('lros', []))} long-running operations; throttled (429) {_num(r.get('throttles', 0))}, "
        f"waited {_num(r.get('throttleWaitSeconds', 0))} s; rate-limit wait {_num(r.get('rateLimitWaitSeconds', 0))} s</td></tr>",
        "</tbody></table>",
    ]
    if r.get("error"):
        out.append(f'<p class="verdict-bad">Error: {_e(r["error"])}</p>')
    if r.get("incomplete"):
        out.append(f'<p class="verdict-inc">{_e(incomplete_line(data))}</p>')
    for notice in data.get("notices", []):
        out.append(f"<p>Note: {_linked(notice)}</p>")
    if r.get("leftovers"):
        out.append("<p class=\"verdict-bad\">Not cleaned up: " + ", ".join(
            f"<code>{_e(x['path'])}</code> ({_e(x['status'])}: {_e(x['reason'])})" for x in r["leftovers"]) + "</p>")
    return out


def _services(data: dict[str, Any]) -> list[str]:
    out = ['<h2 id="services">Services</h2>', "<div class=scroll><table><thead><tr><th>service</th><th>API versions</th><th>requests</th>"
           "<th>polls</th><th>findings</th><th>errors</th><th>warnings</th><th>occurrences</th></tr></thead><tbody>"]
    for s in data["services"]:
        out.append(
            f"<tr><td>{_e(s['service'])}</td><td>{_e(', '.join(s['apiVersions']))}</td><td class=n>{_num(s['requests'])}</td>"
            f"<td class=n>{_num(s['polls'])}</td><td class=n>{_num(s['findings'])}</td><td class=n>{_num(s['errors'])}</td>"
            f"<td class=n>{_num(s['warnings'])}</td><td class=n>{_num(s['occurrences'])}</td></tr>"
        )
    out.append("</tbody></table></div>")
    return out


def _coverage(data: dict[str, Any]) -> list[str]:
    out = ['<h2 id="coverage">Coverage</h2>', "<p class=muted>Exchanges sent to each operation of the rendered spec, counted from what the run sent.</p>"]
    if not data.get("coverage"):
        return out + ["<p>No phase counted its exchanges.</p>"]
    for t in data["coverage"]:
        phases = coverage_phases(t)
        out.append(
            f"<h3>{_e(t['service'])} {_e(t['apiVersion'])}: {_num(t['exercised'])} of {_num(t['total'])} operations exercised</h3>"
            "<div class=scroll><table><thead><tr><th>operation</th><th>method</th><th>path</th>"
            + "".join(f"<th>{p}</th>" for p in phases) + "<th>exchanges</th></tr></thead><tbody>"
        )
        for o in t["operations"]:
            out.append(
                f"<tr><td><code>{_e(o['operationId'])}</code></td><td>{_e(o['method'])}</td><td><code>{_e(o['path'])}</code></td>"
                + "".join(f"<td class=n>{_num(o.get(p, 0))}</td>" for p in phases) + f"<td class=n>{_num(o['exchanges'])}</td></tr>"
            )
        if t["unmatched"]:
            out.append(f"<tr><td colspan={3 + len(phases)}>(no operation of the spec)</td><td class=n>{_num(t['unmatched'])}</td></tr>")
        out.append("</tbody></table></div>")
    return out


def _rules(data: dict[str, Any]) -> list[str]:
    out = [
        '<h2 id="rules">Rules</h2>',
        "<p class=muted>Applied = passed + failed; n/a = offered but not applicable. A rule applied 0 times is "
        "<em>not exercised</em>, never passed.</p>",
        '<div class="tools" id="rule-tools" hidden><label>Filter <input type="search" id="rule-filter"></label> '
        '<label><input type="checkbox" id="rule-failed"> failed only</label></div>',
        '<div class=scroll><table id="rules" class="fixed"><colgroup><col><col style="width:9%"><col style="width:8%">'
        '<col style="width:7%"><col style="width:7%"><col style="width:7%"><col style="width:6%"><col style="width:10%">'
        "</colgroup><thead><tr><th>rule</th><th>kind</th><th>severity</th><th>applied</th><th>passed</th>"
        "<th>failed</th><th>n/a</th><th>status</th></tr></thead><tbody>",
    ]
    for c in data["rules"]:
        status = c["status"]
        cls = {"failed": "st-failed", "passed": "st-passed"}.get(status, "st-not")
        reasons = "; ".join(f"{x['reason']} ({x['count']})" for x in c.get("notApplicableReasons", []))
        out.append(
            f'<tr data-status="{_e(status)}"><td><code>{_e(c["id"])}</code><br><span class=muted>{_e(c["statement"])}</span>'
            f"<details><summary>source{' and n/a reasons' if reasons else ''}</summary>{_linked(c['source'])}"
            + (f"<br>n/a: {_e(reasons)}" if reasons else "") + "</details></td>"
            f"<td>{_e(c['kind'])}</td><td>{_e(c['severity'])}</td><td class=n>{_num(c['applied'])}</td>"
            f"<td class=n>{_num(c['passed'])}</td><td class=n>{_num(c['failed'])}</td>"
            f'<td class=n>{_num(c["notApplicable"])}</td><td class="{cls}">{_e(status)}</td></tr>'
        )
    out.append("</tbody></table></div>")
    return out


def _headers_table(headers: list) -> str:
    if not headers:
        return "<p class=muted>no headers</p>"
    rows = "".join(f"<tr><td><code>{_e(k)}</code></td><td><code>{_e(v)}</code></td></tr>" for k, v in headers)
    return f"<div class=scroll><table><tbody>{rows}</tbody></table></div>"


def _body(body: dict[str, Any] | None) -> str:
    if body is None:
        return "<p class=muted>no body</p>"
    facts = f"{_e(body['contentType'] or 'no Content-Type')}, {_num(body['size'])} bytes, sha256 <code>{_e(body['sha256'])}</code>"
    if body.get("truncated"):
        facts += "; the checker stopped reading at its cap"
    if body.get("redacted"):
        facts += "; a secret of the run was replaced by ***"
    out = [f"<p class=muted>{facts}</p>"]
    if body.get("file"):
        out.append(f"<p>The repro sends it from <code>{_e(body['file'])}</code>.</p>")
    elif body.get("complete") is False:
        out.append("<p class=verdict-bad>The body was not kept whole: the repro cannot send it exactly.</p>")
    if body.get("parts"):
        rows = "".join(
            f"<tr><td>{_e(p['name'])}</td><td>{_e(p['filename'])}</td><td>{_e(p['contentType'])}</td>"
            f"<td class=n>{_num(p['size'])}</td></tr>" for p in body["parts"])
        out.append(f"<table><thead><tr><th>part</th><th>filename</th><th>Content-Type</th><th>bytes</th></tr></thead>"
                   f"<tbody>{rows}</tbody></table>")
    if body.get("binary"):
        if not body.get("parts"):
            out.append("<p class=muted>binary: not shown</p>")
    elif body.get("text") is not None:
        shown = body.get("shownBytes", 0)
        if shown < body["size"]:
            out.append(f"<p class=muted>the first {_num(shown)} of {_num(body['size'])} bytes:</p>")
        out.append(f"<pre>{_e(body['text'])}</pre>")
    return "".join(out)


def _exchange(exchange: dict[str, Any]) -> str:
    req, resp = exchange["request"], exchange["response"]
    return (
        f'<details class="exchange"><summary>Exchange: <code>{_e(req["method"])} {_e(req["url"])}</code> → '
        f"{_e(resp['status'])}</summary>"
        f"<h4>Request</h4><p><code>{_e(req['method'])} {_e(req['url'])}</code></p>"
        + ("<p class=verdict-inc>This request carried another credential than the run's on purpose (a wrong key): "
           "its <code>***</code> stays as it is.</p>" if req.get("credential") == "other" else "")
        + f"{_headers_table(req['headers'])}"
        f"{_body(req['body'])}"
        f"<h4>Response: {_e(resp['status'])}</h4><p class=muted>in {_num(resp.get('elapsedSeconds'))} s</p>"
        f"{_headers_table(resp['headers'])}{_body(resp['body'])}</details>"
    )


def _findings(data: dict[str, Any]) -> list[str]:
    out = ['<h2 id="findings">Findings</h2>']
    if not data["findings"]:
        out.append("<p>None.</p>")
        return out
    out.append('<p class="tools"><button type="button" id="open-exchanges" hidden>open / close every exchange</button> '
               "<span class=muted>A repro sends the request again; run it from the report directory, with the key in "
               "place of <code>***</code>, or run its script with <code>CONFORMANCE_KEY</code> set.</span></p>")
    for i, f in enumerate(data["findings"], 1):
        sev = "warning" if f["severity"] == "warning" else "error"
        out.append(f'<article class="finding sev-{sev}" id="finding-{i}">')
        out.append(f"<h3>{i}. {sev}: <code>{_e(f['check'])}</code>: {_e(f['title'])}</h3>")
        where = f"{_e(f['service'])} {_e(f['apiVersion'])} · {_e(f['phase'])}"
        if f.get("scenario"):
            where += f" · scenario <code>{_e(f['scenario'])}</code>"
        where += (f" · operation <code>{_e(f['operationId'])}</code> · status {_e(f['statusCode'])} · "
                  f"{_num(f['occurrences'])} occurrence(s)")
        out.append(f"<p>{where}</p>")
        out.append(f"<p>Rule: {_e(f['rule'])}<br>Source: {_linked(f['source'])}</p>")
        if f.get("reproScript"):
            out.append(f"<p class=muted>Script sending the first occurrence's request again: "
                       f"<code>CONFORMANCE_KEY=… sh {_e(f['reproScript'])}</code></p>")
        shown = sum(d["count"] for d in f["details"])
        if len(f["details"]) > 1 or shown < f["occurrences"]:
            out.append(f"<p class=muted>{len(f['details'])} distinct message(s) over {_num(f['occurrences'])} occurrence(s)"
                       + (f"; {_num(f['occurrences'] - shown)} not listed" if shown < f["occurrences"] else "") + "</p>")
        for d in f["details"]:
            out.append('<div class="detail">')
            out.append(f"<p>{_num(d['count'])}× · status {_e(d['statusCode'])}"
                       + (f" · {_e(d['title'])}" if d["title"] != f["title"] else "") + "</p>")
            if d.get("where"):
                out.append(f"<p>Where: {_e(', '.join(d['where'][:10]))}</p>")
            out.append(f"<pre>{_e(d['message'])}</pre>")
            if d.get("repro"):
                out.append(f'<p>Reproduce:</p><pre class="repro">{_e(d["repro"])}</pre>')
            if d.get("exchange"):
                out.append(_exchange(d["exchange"]))
            out.append("</div>")
        out.append("</article>")
    return out


def _deviations(data: dict[str, Any]) -> list[str]:
    out = ['<h2 id="deviations">Deviations from the documents</h2>',
           "<p class=muted>What the real service is known to do differently from its documents (the recordings cited show "
           "it). Judged by the observed profile these pass; <code>--profile docs</code> fails them.</p>"]
    devs = data.get("deviations", [])
    if not devs:
        out.append("<p>None.</p>")
        return out
    for i, d in enumerate(devs, 1):
        out.append('<article class="deviation">')
        out.append(f"<h3>D{i}. <code>{_e(d['check'])}</code>: {_e(d['service'])} {_e(d['apiVersion'])} · operation "
                   f"<code>{_e(d['operationId'])}</code> · {_num(d['occurrences'])} occurrence(s)</h3>")
        out.append(f"<p>Documented rule: {_e(d['rule'])}<br><span class=muted>Source: {_linked(d['source'])}</span></p>")
        if d["observed"]:
            out.append("<p>Observed: " + "<br>".join(_linked(c) for c in d["observed"]) + "</p>")
        if d.get("where"):
            out.append(f"<p>Where: {_e(', '.join(d['where'][:5]))}</p>")
        out.append(f"<pre>{_e(d['messages'][0] if d['messages'] else '')}</pre></article>")
    return out


# -- LRO timelines ------------------------------------------------------------------------------
_W, _LEFT, _RIGHT, _TOP, _LANE, _WAIT_ROW = 720, 78, 16, 18, 34, 12


def _ticks(span: float) -> list[float]:
    raw = span / 6
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    return [i * step for i in range(int(span / step) + 1)]


def _fmt_s(t: float) -> str:
    return f"{t:.3f}".rstrip("0").rstrip(".") if t < 10 else f"{t:.1f}".rstrip("0").rstrip(".")


def _read_title(i: int, r: dict[str, Any]) -> str:
    parts = [f"read {i + 1}: {r['purpose']} via {r['via']} at {_fmt_s(r['t'])} s", f"HTTP {r['statusCode']}"]
    parts.append(f"status {r['status']}" if r["status"] is not None else "no status")
    if r.get("retryAfterSeconds") is not None:
        parts.append(f"Retry-After {_fmt_s(r['retryAfterSeconds'])} s")
    if r.get("waitedSeconds") is not None:
        parts.append(f"waited {_fmt_s(r['waitedSeconds'])} s")
    if r.get("retryAfterHonoured") is not None:
        parts.append("honoured" if r["retryAfterHonoured"] else "NOT honoured")
    return _e("; ".join(parts))


def _timeline_svg(t: dict[str, Any]) -> str:
    reads = t.get("reads") or []
    vias = [v for v in ("operation", "resource") if any(r["via"] == v for r in reads)] or ["resource"]
    end = max([r["t"] + (r.get("elapsedSeconds") or 0) for r in reads] + [t.get("submitElapsedSeconds") or 0, 0.001])
    span = end * 1.04
    plot_w = _W - _LEFT - _RIGHT

    def x(sec: float) -> float:
        return round(_LEFT + plot_w * max(0.0, sec) / span, 1)

    height = _TOP + len(vias) * (_LANE + _WAIT_ROW) + 26
    label = f"Status of {t['resource']} over time ({t['service']} {t['apiVersion']} {t['scenario']})"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {_W} {height}" width="{_W}" '
           f'height="{height}" role="img" aria-label="{_e(label)}" font-family="system-ui,sans-serif" font-size="10">']
    axis_y = _TOP + len(vias) * (_LANE + _WAIT_ROW) + 4
    for tick in _ticks(span):
        tx = x(tick)
        out.append(f'<line x1="{tx}" y1="{_TOP - 4}" x2="{tx}" y2="{axis_y}" stroke="#e3e7eb"/>'
                   f'<text x="{tx}" y="{axis_y + 12}" text-anchor="middle" fill="#5f6b78">{_fmt_s(tick)} s</text>')
    out.append(f'<path class="submit" d="M{x(0)} {_TOP - 2} l-5 -8 h10 z" fill="#333"><title>submitted: HTTP '
               f'{_e(t.get("submitStatusCode"))}</title></path>')
    terminal = t.get("terminalReadIndex")
    for lane, via in enumerate(vias):
        top = _TOP + lane * (_LANE + _WAIT_ROW)
        mid = top + _LANE / 2
        out.append(f'<text x="{_LEFT - 6}" y="{mid + 3}" text-anchor="end" fill="#1d232b">{_e(via)}</text>')
        out.append(f'<rect x="{_LEFT}" y="{top + 6}" width="{plot_w}" height="{_LANE - 12}" fill="#fafbfc" stroke="#d8dee4"/>')
        mine = [(i, r) for i, r in enumerate(reads) if r["via"] == via]
        for k, (i, r) in enumerate(mine):  # a band per status, from this read until the next read of the same resource
            if r["status"] is None:
                continue
            stop = mine[k + 1][1]["t"] if k + 1 < len(mine) else end
            out.append(f'<rect class="band" x="{x(r["t"])}" y="{top + 6}" width="{max(0.6, round(x(stop) - x(r["t"]), 1))}" '
                       f'height="{_LANE - 12}" fill="{_colour(r["status"])}" fill-opacity="0.55">'
                       f'<title>{_e(r["status"])} from {_fmt_s(r["t"])} s</title></rect>')
        wait_y = top + _LANE + _WAIT_ROW / 2 - 2
        for i, r in mine:
            cx = x(r["t"])
            waited, asked = r.get("waitedSeconds"), r.get("retryAfterSeconds")
            if waited is not None:
                start = r["t"] - waited
                if asked is not None:
                    colour = "#2e9e5b" if r.get("retryAfterHonoured") else "#d64545"
                    out.append(f'<line class="retry-after" x1="{x(start)}" y1="{wait_y - 3}" x2="{x(start + asked)}" '
                               f'y2="{wait_y - 3}" stroke="#e08a00" stroke-width="3"><title>Retry-After {_fmt_s(asked)} s '
                               f'(asked by the previous response)</title></line>')
                else:
                    colour = "#5f6b78"
                out.append(f'<line class="wait" x1="{x(start)}" y1="{wait_y + 2}" x2="{cx}" y2="{wait_y + 2}" '
                           f'stroke="{colour}" stroke-width="2"><title>waited {_fmt_s(waited)} s</title></line>')
            fill = _colour(r["status"]) if r["status"] is not None else "#ffffff"
            ok = 200 <= (r.get("statusCode") or 0) < 300
            stroke = "#1d232b" if ok else "#d64545"
            title = _read_title(i, r)
            if r["purpose"] == "poll":
                out.append(f'<circle class="poll" cx="{cx}" cy="{mid}" r="4.5" fill="{fill}" stroke="{stroke}" '
                           f'stroke-width="{1.2 if ok else 2.2}"><title>{title}</title></circle>')
            else:
                out.append(f'<path class="reread" d="M{cx} {mid - 6} l6 6 l-6 6 l-6 -6 z" fill="{fill}" stroke="{stroke}" '
                           f'stroke-width="1.4"><title>{title}</title></path>')
            if i == terminal:
                out.append(f'<circle class="terminal" cx="{cx}" cy="{mid}" r="8.5" fill="none" stroke="#1d232b" '
                           f'stroke-width="1.5"><title>terminal read: {_e(r["status"])}</title></circle>')
    out.append("</svg>")
    return "".join(out)


def _reads_table(t: dict[str, Any]) -> str:
    rows = []
    for i, r in enumerate(t.get("reads") or []):
        mark = " (terminal)" if i == t.get("terminalReadIndex") else ""
        rows.append(
            f"<tr><td class=n>{i + 1}</td><td class=n>{_fmt_s(r['t'])}</td><td>{_e(r['via'])}</td>"
            f"<td>{_e(r['purpose'])}{mark}</td><td class=n>{_e(r['statusCode'])}</td><td>{_e(r['status'])}</td>"
            f"<td class=n>{_num(r.get('retryAfterSeconds'))}</td><td class=n>{_num(r.get('waitedSeconds'))}</td>"
            f"<td>{_num(r.get('retryAfterHonoured'))}</td><td class=n>{_num(r.get('elapsedSeconds'))}</td></tr>"
        )
    return ("<div class=scroll><table><thead><tr><th>#</th><th>t (s)</th><th>via</th><th>purpose</th><th>HTTP</th><th>status</th>"
            "<th>Retry-After (s)</th><th>waited (s)</th><th>honoured</th><th>response (s)</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def _lros(data: dict[str, Any]) -> list[str]:
    lros = data.get("lros", [])
    out = [f'<h2 id="lros">Long-running operations ({len(lros)})</h2>']
    if not lros:
        out.append("<p>None.</p>")
        return out
    statuses = sorted({r["status"] for t in lros for r in (t.get("reads") or []) if r["status"] is not None}, key=str)
    legend = "".join(f'<span><i class="sw" style="background:{_colour(s)}"></i>{_e(s)}</span>' for s in statuses)
    out.append(
        f'<p class="legend">{legend}<span>● poll</span><span>◆ re-read</span><span>◯ terminal read</span>'
        '<span><i class="sw" style="background:#e08a00"></i>Retry-After asked</span>'
        '<span><i class="sw" style="background:#5f6b78"></i>wait taken (green: honoured, red: not)</span>'
        '<span>red outline: not a 2xx</span></p>'
    )
    for i, t in enumerate(lros, 1):
        reads = t.get("reads") or []
        rereads = ", ".join(f"{k} {v}" for k, v in t["verificationReads"].items()) or "none"
        out.append(f'<figure class="lro" id="lro-{i}">')
        out.append(
            f"<figcaption><strong>{i}. {_e(t['service'])} {_e(t['apiVersion'])} · {_e(t['scenario'])} · "
            f"<code>{_e(t['resource'])}</code></strong> ({_e(t['operationId'])})<br>"
            f"terminal {_e(t['terminalStatus'])} after {_num(t['timeToTerminalSeconds'])} s; polls {_num(t['polls'])}, "
            f"after terminal {_num(t['pollsAfterTerminal'])}; re-reads {_e(rereads)}; Retry-After seen "
            f"{_num(t['retryAfterSeen'])}, honoured {_num(t['retryAfterHonoured'])}; throttles {_num(t['throttles'])}"
            + ("; the poll budget ran out" if t.get("budgetExhausted") else "") + "</figcaption>"
        )
        if reads:
            out.append(_timeline_svg(t))
            out.append(f"<details><summary>Reads ({len(reads)})</summary>{_reads_table(t)}</details>")
        else:
            seen = " → ".join(f"{_e(s['status'])} ({_fmt_s(s['t'])} s)" for s in t.get("statusesSeen", []))
            out.append(f"<p class=muted>No per-read record in this report; statuses seen: {seen or 'none'}</p>")
        out.append("</figure>")
    return out


def render(data: dict[str, Any]) -> str:
    verdict, _ = _verdict(data["result"])
    script_hash = base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode("ascii")
    csp = f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{script_hash}'; base-uri 'none'; form-action 'none'"
    body = [
        *_header(data),
        '<nav><a href="#services">Services</a><a href="#coverage">Coverage</a><a href="#rules">Rules</a><a href="#findings">Findings</a>'
        '<a href="#deviations">Deviations</a><a href="#lros">Long-running operations</a></nav>',
        *_services(data),
        *_coverage(data),
        *_rules(data),
        *_findings(data),
        *_deviations(data),
        *_lros(data),
        f"<footer><p class=muted>cognitive-conformance report, schema version {_e(data.get('schemaVersion'))}; "
        "conformance.json holds the same figures.</p></footer>",
    ]
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Conformance report: {verdict} ({_e(data.get('runId'))})</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(body)
        + f"\n<script>{_SCRIPT}</script></body></html>\n"
    )


def write(data: dict[str, Any], path: Path) -> Path:
    path.write_text(render(data), encoding="utf-8")
    return path
