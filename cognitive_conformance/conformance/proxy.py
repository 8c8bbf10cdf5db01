"""``conformance proxy``: forward a client's traffic to a target and judge it live.

A Starlette app served by uvicorn on loopback. Every request is forwarded with httpx to the
target (same method, path, query, body; headers minus hop-by-hop ones), and the exchange is
recorded as the target sent it, as a :class:`~conformance.transport.ResponseRecord`
(``sent_at`` in epoch seconds, the key as ``***``), then judged by
:class:`conformance.traffic.TrafficJudge` with the same rules as ``conformance run``: the
target's responses (server-side findings) and the client's behaviour (client-side findings).

* **credentials stay home**: requests only ever go to the target's origin; the client's
  ``Ocp-Apim-Subscription-Key``/``Authorization`` goes with them; if the client sends neither
  and a key was given, the proxy adds it.
* **the client keeps talking through the proxy**: ``Operation-Location``, ``Location`` and
  ``Azure-AsyncOperation`` headers on the target's origin are rewritten to the proxy's own
  origin (the record keeps the target's value). A link to another origin is left alone and
  reported by the rules (``lro_operation_location_resolvable``).
* **bounded**: every upstream request has a timeout; a response body over
  :data:`~conformance.transport.DEFAULT_MAX_BODY_BYTES` is answered 502 (and recorded truncated);
  an unreachable target is answered 502 and counted.

:func:`run_proxy` serves until SIGINT/SIGTERM (or the server stops), then closes the judge and
writes the reports (``conformance.reports.write_all``) and the HAR (:mod:`conformance.har`).
:func:`wrap_stream` makes the judge's events a whole run's stream (RunStarted, RulesDeclared,
..., RunFinished) as the reports expect.
"""

from __future__ import annotations

import contextlib
import secrets as _secrets
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cognitive_conformance.conformance.events import (
    Event,
    FindingRaised,
    LroCompleted,
    RuleInfo,
    RulesDeclared,
    RunFinished,
    RunStarted,
    tally_findings,
)
from cognitive_conformance.conformance.traffic import TrafficJudge
from cognitive_conformance.conformance.transport import (
    DEFAULT_MAX_BODY_BYTES,
    KEY_HEADER,
    REDACTED,
    RequestRecord,
    ResponseRecord,
    origin_of,
    redact,
)

__all__ = [
    "EMULATOR_DEV_KEY",
    "EXIT_OK",
    "EXIT_FINDINGS",
    "EXIT_USAGE",
    "EXIT_UNREACHABLE",
    "ProxyApp",
    "ProxyOptions",
    "run_proxy",
    "wrap_stream",
]

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3
#: The embedded emulator's well-known development key (``conformance emulator --help``): not a secret.
EMULATOR_DEV_KEY = "1f0e2d3c4b5a69788796a5b4c3d2e1f0"

#: RFC 9110 §7.6.1 hop-by-hop fields, plus what httpx sets itself for the upstream request.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "accept-encoding",  # the target answers identity, so the record and the client see the bytes sent
    }
)
_RESPONSE_DROP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "upgrade", "trailer"})
_CREDENTIALS = frozenset({KEY_HEADER.lower(), "authorization"})
#: Response headers that point the client at another URL to call next.
LINK_HEADERS = ("operation-location", "location", "azure-asyncoperation")


def _now_rfc3339() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ProxyApp:
    """The forwarding ASGI app. ``on_record(record)`` is called with every exchange the target answered."""

    def __init__(
        self,
        target: str,
        *,
        on_record: Callable[[ResponseRecord], None],
        key: str | None = None,
        timeout_s: float = 30.0,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        on_problem: Callable[[str], None] = lambda message: None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.target = target.rstrip("/")
        self.origin = origin_of(self.target)
        self.key = key
        self.max_body_bytes = max_body_bytes
        self.on_record = on_record
        self.on_problem = on_problem
        self.secrets: list[str] = [key] if key else []
        self.unreachable = 0  # requests the target did not answer
        self._timeout = httpx.Timeout(timeout_s)
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self.app = Starlette(
            routes=[Route("/{path:path}", self._forward, methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])],
            lifespan=self._lifespan,
            max_body_size=max_body_bytes,  # a client's request body is bounded too (413 above it)
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._timeout, follow_redirects=False, transport=self._transport)
        return self._client

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Any):
        try:
            yield
        finally:
            if self._client is not None:
                await self._client.aclose()
                self._client = None

    def _upstream_headers(self, request: Request) -> dict[str, str]:
        headers: dict[str, str] = {}
        for name, value in request.headers.items():
            if name.lower() in _HOP_BY_HOP:
                continue
            if name.lower() in _CREDENTIALS and value and value not in self.secrets:
                self.secrets.append(value.split(" ", 1)[-1] if name.lower() == "authorization" else value)
            headers[name] = value
        if self.key and not any(h.lower() in _CREDENTIALS for h in headers):
            headers[KEY_HEADER] = self.key
        return headers

    def _rewrite(self, value: str, public_origin: str) -> str:
        """A link on the target's origin, pointed at the proxy's origin instead (anything else unchanged)."""
        try:
            if not value.startswith(("http://", "https://")) or origin_of(value) != self.origin:
                return value
            url = httpx.URL(value)
        except (httpx.InvalidURL, ValueError, TypeError):
            return value
        rest = url.raw_path.decode("ascii", "replace")
        return public_origin.rstrip("/") + rest + (f"#{url.fragment}" if url.fragment else "")

    async def _forward(self, request: Request) -> Response:
        body = await request.body()
        path = request.url.path
        query = request.url.query
        url = self.target + path + (f"?{query}" if query else "")
        headers = self._upstream_headers(request)
        upstream = self._http().build_request(request.method, url, headers=headers, content=body)
        sent_at, t0 = time.time(), time.monotonic()
        truncated = False
        try:
            response = await self._http().send(upstream, stream=True)
            try:
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > self.max_body_bytes:
                        truncated = True
                        break
                content = b"".join(chunks)[: self.max_body_bytes]
            finally:
                await response.aclose()
        except (httpx.TransportError, httpx.StreamError) as exc:
            self.unreachable += 1
            message = redact(f"{request.method} {url}: the target did not answer: {exc!r}", self.secrets)
            self.on_problem(message)
            return Response(f"conformance proxy: {message}\n", status_code=502, media_type="text/plain")
        elapsed = time.monotonic() - t0
        record = ResponseRecord(
            request=RequestRecord(
                method=upstream.method,
                url=redact(str(upstream.url), self.secrets),
                headers=tuple(
                    (k, REDACTED if k.lower() in _CREDENTIALS else redact(v, self.secrets)) for k, v in upstream.headers.items()
                ),
                body=body,
            ),
            status_code=response.status_code,
            headers=tuple((k.lower(), v) for k, v in response.headers.multi_items()),
            body=content,
            elapsed_s=elapsed,
            sent_at=sent_at,
            truncated=truncated,
        )
        self.on_record(record)
        if truncated:
            message = f"the target's response body is over {self.max_body_bytes} bytes; not forwarded"
            self.on_problem(f"{request.method} {record.request.url}: {message}")
            return Response(f"conformance proxy: {message}\n", status_code=502, media_type="text/plain")
        public = f"{request.url.scheme}://{request.url.netloc}"
        out = [
            (k, self._rewrite(v, public) if k.lower() in LINK_HEADERS else v)
            for k, v in response.headers.multi_items()
            if k.lower() not in _RESPONSE_DROP
        ]
        reply = Response(content, status_code=response.status_code)
        reply.raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in out] + [
            (b"content-length", str(len(content)).encode("ascii"))
        ]
        return reply


# -- the run's event stream ----------------------------------------------------------------------
def run_started(*, target: str, embedded: bool, profile: str, run_id: str | None = None) -> RunStarted:
    """The RunStarted of a traffic run: every service and API version a client might call."""
    from cognitive_conformance.conformance import spec as spec_module
    from cognitive_conformance.conformance.packs import all_packs

    packs = list(all_packs())
    versions = {p.service: tuple(spec_module.api_versions(p.service)) for p in packs}
    return RunStarted(
        run_id=run_id or _secrets.token_hex(3),
        target=target,
        embedded=embedded,
        services=tuple(versions),
        versions=versions,
        profile=profile,
        seed=0,
        max_examples=0,
        started_at=_now_rfc3339(),
        notices=tuple(p.notice for p in packs if p.notice),
    )


def rules_declared() -> RulesDeclared:
    from cognitive_conformance.conformance.checks.registry import all_rules

    return RulesDeclared(tuple(RuleInfo.of(rule) for rule in all_rules()))


def run_finished(
    events: Sequence[Event], *, requests: int, duration_s: float, unreachable: int = 0, error: str | None = None
) -> RunFinished:
    """The RunFinished closing ``events``: 1 with an error-severity finding, else 3 if the target missed requests, else 0."""
    tally = tally_findings(events)
    polls = sum(e.timeline.polls for e in events if isinstance(e, LroCompleted))
    if tally.errors:
        code = EXIT_FINDINGS
    elif unreachable:
        code = EXIT_UNREACHABLE
        error = error or f"{unreachable} request(s) did not reach the target"
    else:
        code = EXIT_OK
    return RunFinished(
        code,
        duration_s,
        requests,
        polls,
        tally.findings,
        error=error,
        occurrences=tally.occurrences,
        errors=tally.errors,
        warnings=tally.warnings,
    )


def wrap_stream(judged: Sequence[Event], *, started: RunStarted, requests: int, duration_s: float, unreachable: int = 0) -> list[Event]:
    """A whole run's stream around the judge's events: RunStarted, RulesDeclared, ``judged``, RunFinished."""
    head: list[Event] = [started, rules_declared()]
    body = [e for e in judged if not isinstance(e, (RunStarted, RulesDeclared, RunFinished))]
    return [*head, *body, run_finished([*head, *body], requests=requests, duration_s=duration_s, unreachable=unreachable)]


# -- serving ------------------------------------------------------------------------------------
@dataclass
class ProxyOptions:
    target: str | None = None  # None: the embedded emulator
    listen: str = "127.0.0.1:0"
    key: str | None = None
    har: str | None = None  # default: <report dir>/traffic.har
    report_dir: str = "reports"
    profile: str = "observed"
    min_poll_interval_s: float | None = None
    timeout_s: float = 30.0
    emulator_training_seconds: float = 0.3
    verbosity: int = 0  # -1 (-q): no finding lines, only problems and the summary; 1 (-v): also one line per exchange
    out: Any = field(default=None, repr=False)  # where the listening line and the summary go (default stdout)
    err: Any = field(default=None, repr=False)  # where findings and problems go (default stderr)


def _parse_listen(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"--listen takes HOST:PORT, not {text!r}")
    host = host.strip("[]") or "127.0.0.1"
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the proxy listens on loopback only (127.0.0.1, localhost or ::1), not {host!r}")
    return host, int(port)


def run_proxy(options: ProxyOptions) -> int:
    """Serve the proxy until SIGINT/SIGTERM or the server stops; write the reports and the HAR; return the exit code."""
    out = options.out or sys.stdout
    err = options.err or sys.stderr
    try:
        host, port = _parse_listen(options.listen)
        if options.min_poll_interval_s is not None and options.min_poll_interval_s < 0:
            raise ValueError("--min-poll-interval must be >= 0")
        if options.target is not None:
            from cognitive_conformance.conformance import preflight

            target = preflight.normalise_target(options.target)
    except Exception as exc:  # noqa: BLE001 - a usage error, said in one line
        print(f"conformance: error: {exc}", file=err)
        return EXIT_USAGE
    if options.target is not None:
        return _serve(options, target, host, port, embedded=False, out=out, err=err)
    from cognitive_conformance.conformance.config import ConfigError
    from cognitive_conformance.conformance.embedded import embedded_emulator

    key = options.key or EMULATOR_DEV_KEY
    try:
        with embedded_emulator(key=key, training_seconds=options.emulator_training_seconds) as url:
            # the key the emulator accepts is the one added to a keyless request (README: default the development key)
            return _serve(replace(options, key=key), url, host, port, embedded=True, out=out, err=err)
    except ConfigError as exc:
        print(f"conformance: error: {exc}", file=err)
        return EXIT_USAGE


def _serve(options: ProxyOptions, target: str, host: str, port: int, *, embedded: bool, out: Any, err: Any) -> int:
    import uvicorn

    t0 = time.monotonic()
    events: list[Event] = []
    records: list[ResponseRecord] = []
    lock = threading.Lock()
    severity = {r.name: r.severity for r in rules_declared().rules}
    shown: set[tuple] = set()
    started = run_started(target=target, embedded=embedded, profile=options.profile)
    secrets_ = [options.key] if options.key else []

    def emit(event: Event) -> None:
        with lock:
            events.append(event)
        if isinstance(event, FindingRaised) and event.finding.key() not in shown and options.verbosity >= 0:
            shown.add(event.finding.key())
            f = event.finding
            level = severity.get(f.check, f.severity)
            print(f"{level}: {f.check} {f.operation_id or ''}: {f.title}", file=err, flush=True)

    judge = TrafficJudge(
        profile=options.profile, emit=emit, secrets=tuple(secrets_), min_poll_interval_s=options.min_poll_interval_s
    )

    def on_record(record: ResponseRecord) -> None:
        with lock:
            records.append(record)
            n = len(records)
        if options.verbosity > 0:
            url = redact(record.request.url, [k for k in (*secrets_, *app.secrets) if k])  # a key never printed
            print(f"exchange {n}: {record.request.method} {url} -> {record.status_code}", file=err, flush=True)
        try:
            judge.add(record, where=f"exchange {n}")
        except Exception as exc:  # noqa: BLE001 - a checker defect must not break the user's client
            print(f"conformance proxy: checker error judging exchange {n}: {exc!r}", file=err, flush=True)

    def on_problem(message: str) -> None:
        print(f"conformance proxy: {message}", file=err, flush=True)

    app = ProxyApp(target, on_record=on_record, key=options.key, timeout_s=options.timeout_s, on_problem=on_problem)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on", access_log=False,
                            server_header=False, date_header=False)  # the target's own Date and Server pass through
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="conformance-proxy", daemon=True)

    def stop(signum: int, frame: Any) -> None:
        server.should_exit = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        if not server.started:
            server.should_exit = True
            thread.join(5)
            print(f"conformance: error: the proxy could not listen on {host}:{port}", file=err)
            return EXIT_USAGE
        bound = server.servers[0].sockets[0].getsockname()[1]
        shown_host = f"[{host}]" if ":" in host else host
        print(f"proxy listening on http://{shown_host}:{bound} -> {target}", file=out, flush=True)
        while thread.is_alive():
            thread.join(0.2)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    secrets_ = [s for s in dict.fromkeys([*secrets_, *app.secrets]) if s]
    try:
        judge.close()
    except Exception as exc:  # noqa: BLE001 - still write what was recorded
        print(f"conformance proxy: checker error closing the judge: {exc!r}", file=err, flush=True)
    stream = wrap_stream(events, started=started, requests=len(records), duration_s=time.monotonic() - t0, unreachable=app.unreachable)
    stream = _redacted(stream, secrets_)
    from cognitive_conformance.conformance.har import write_har
    from cognitive_conformance.conformance.reports import model, write_all

    paths = write_all(stream, options.report_dir)
    har = write_har(records, options.har or Path(options.report_dir) / "traffic.har", secrets=secrets_)
    finish = stream[-1]
    assert isinstance(finish, RunFinished)
    verdict = {EXIT_OK: "conformant", EXIT_FINDINGS: "NONCONFORMANT", EXIT_UNREACHABLE: "target unreachable"}[finish.exit_code]
    print(f"{verdict}: {model.headline(model.build(stream))}; {len(records)} exchanges", file=out, flush=True)
    print("reports: " + ", ".join(str(p) for p in [*paths, har]), file=out, flush=True)
    return finish.exit_code


def _redacted(stream: list[Event], secrets_: Sequence[str]) -> list[Event]:
    """Findings with every secret the proxy saw (the client's keys) redacted from their text."""
    from dataclasses import replace

    from cognitive_conformance.conformance.repro import curl

    if not secrets_:
        return stream
    out: list[Event] = []
    for e in stream:
        if isinstance(e, FindingRaised):
            f = e.finding
            exchange = None if f.exchange is None else f.exchange.redacted_with(secrets_)
            repro_text = redact(f.repro, secrets_) if exchange is None else curl(exchange.to_dict())
            e = FindingRaised(replace(f, message=redact(f.message, secrets_), repro=repro_text, exchange=exchange))
        out.append(e)
    return out
