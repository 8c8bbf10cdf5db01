"""The only module that does HTTP.

:class:`Transport` sends requests to a target with httpx and returns frozen
:class:`ResponseRecord` values. Every exchange is recorded (for reports, repro commands and
request/poll counts). The subscription key is attached at send time and never stored: the
recorded request headers carry ``***`` in its place, and :func:`redact` scrubs the key from
any text that leaves the process.

Two limits protect the checker and its user from a hostile or broken target:

* **credentials stay home**: a request is only ever sent to the target's origin (scheme, host,
  port). A URL on another origin (an ``Operation-Location`` or ``nextLink`` pointing elsewhere)
  raises :class:`OffOriginRequest` before anything is sent, so no key or token reaches another
  host; the caller reports the link.
* **bounded reads**: a response body is read up to ``max_body_bytes`` (default 16 MiB, far above
  any documented body); the rest is not read, the connection is closed and the record says
  ``truncated=True``.
* **bounded waits**: every request has a connect timeout (default 10 s) and a read timeout
  (default 30 s) that also bounds the whole body read, so a target that trickles bytes ends too.
* **bounded memory**: the exchanges kept for the reports hold at most ``max_kept_body_bytes``
  of response bodies in total (default 64 MiB); past it, older records are kept without their
  bodies (the caller always gets the full record).
* **a budget** (:class:`~conformance.budget.Budget`, optional): each request is admitted by it
  before it leaves, except inside :meth:`Transport.unbudgeted` (cleanup), which is counted apart.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any
from urllib.parse import urljoin

import httpx

from cognitive_conformance.conformance import repro
from cognitive_conformance.conformance.budget import Budget
from cognitive_conformance.conformance.events import KEPT_REQUEST_BODY_BYTES, SHOWN_BODY_BYTES, Body, Exchange
from cognitive_conformance.conformance.throttle import RateLimiter, RetryPolicy, throttle_wait

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT_S",
    "DEFAULT_MAX_BODY_BYTES",
    "AUTHORIZATION",
    "KEY_HEADER",
    "AmbiguousPath",
    "ambiguous_path",
    "OffOriginRequest",
    "REDACTED",
    "RequestRecord",
    "ResponseRecord",
    "TargetUnreachable",
    "Transport",
    "finding_evidence",
    "origin_of",
    "redact",
]

KEY_HEADER = "Ocp-Apim-Subscription-Key"
AUTHORIZATION = "Authorization"
REDACTED = "***"
_MISSING = object()
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_KEPT_BODY_BYTES = 64 * 1024 * 1024
DEFAULT_CONNECT_TIMEOUT_S = 10.0
_CREDENTIAL_HEADERS = frozenset({KEY_HEADER.lower(), "authorization"})


class TargetUnreachable(ConnectionError):
    """The target did not answer at the transport level (refused, DNS, timeout)."""


class OffOriginRequest(Exception):
    """A request to a URL outside the target's origin was refused before sending."""

    def __init__(self, url: str, origin: str) -> None:
        super().__init__(f"refused to send a request to {url}: it is not on the target's origin {origin}")
        self.url = url
        self.origin = origin


class AmbiguousPath(Exception):
    """A request whose path a target could resolve to another resource was refused before sending.

    An encoded ``/`` or ``\\`` (``%2F``, ``%5C``) or a dot segment (``.``, ``..``, ``%2E``) may be
    decoded or resolved by a gateway before it routes, so an id holding one could name a resource
    the run did not create. :mod:`conformance.ownership` keeps generated ids free of them; this is
    the last guard, for every phase.
    """

    def __init__(self, url: str) -> None:
        super().__init__(f"refused to send a request to {url}: its path holds an encoded slash or a dot segment")
        self.url = url


_AMBIGUOUS_SEGMENT = re.compile(r"(?i)%2f|%5c")
_DOT_SEGMENT = re.compile(r"(?i)^(?:\.|%2e){1,2}$")


def ambiguous_path(raw_path: str) -> bool:
    """Whether a raw (percent-encoded) URL path holds an encoded slash or backslash, or a dot segment."""
    path = raw_path.split("?", 1)[0]
    return bool(_AMBIGUOUS_SEGMENT.search(path)) or any(_DOT_SEGMENT.match(seg) for seg in path.split("/"))


def origin_of(url: str) -> str:
    """``scheme://host:port`` of an absolute URL (default ports made explicit, host lower-cased)."""
    parts = httpx.URL(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    return f"{parts.scheme}://{parts.host.lower()}:{port}"


@dataclass(frozen=True)
class RequestRecord:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]  # key header value already redacted
    body: bytes = b""
    #: Whose credential the request carried: "run" (the run's key or token), "other" (one sent on purpose,
    #: e.g. a wrong key), "none", or None when not known (recorded traffic).
    credential: str | None = None

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return None


@dataclass(frozen=True)
class ResponseRecord:
    """One request/response exchange, immutable. Header names are lower-cased."""

    request: RequestRecord
    status_code: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    elapsed_s: float
    sent_at: float  # monotonic seconds when the request was sent
    operation_id: str | None = None
    truncated: bool = False  # the body was longer than the transport's cap; only the cap was read
    throttled: bool = False  # a 429 that was still a 429 when the retry budget ran out: judge nothing by it
    _json_cache: list = field(default_factory=list, repr=False, compare=False)

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for k, v in self.headers:
            if k == lname:
                return v
        return None

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    def json(self) -> Any:
        """The body parsed as JSON; raises ``ValueError`` if it is not JSON."""
        if not self._json_cache:
            try:
                self._json_cache.append(("ok", json.loads(self.body.decode("utf-8"))))
            except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
                self._json_cache.append(("err", str(exc)))
        kind, value = self._json_cache[0]
        if kind == "err":
            raise ValueError(f"response body is not JSON: {value}")
        return value

    def json_or_none(self) -> Any:
        try:
            return self.json()
        except ValueError:
            return None

    def exchange(self, secrets: Sequence[str] = ()) -> Exchange:
        """The exchange as a finding shows it: credential headers ``***``, every secret redacted.

        The request body is kept whole (for the repro's body file, up to 16 MiB), the response
        body up to 64 KiB; each with its size and SHA-256.
        """
        req = self.request
        return Exchange(
            method=req.method,
            url=redact(req.url, secrets),
            request_headers=tuple((k, _redact_header(k, v, secrets)) for k, v in req.headers),
            request_body=Body.of(req.body, req.header("content-type") or "", keep=KEPT_REQUEST_BODY_BYTES, secrets=secrets)
            if req.body else None,
            status_code=self.status_code,
            response_headers=tuple((k, redact(v, secrets)) for k, v in self.headers),
            response_body=Body.of(self.body, self.header("content-type") or "", keep=SHOWN_BODY_BYTES, secrets=secrets,
                                  truncated=self.truncated)
            if self.body or self.truncated else None,
            elapsed_s=self.elapsed_s,
            credential=req.credential,
        )

    def curl(self, secrets: Sequence[str] = ()) -> str:
        """A curl command reproducing the request exactly, with the key shown as ``***``.

        A binary, multipart or long body is read from ``repro/<sha256 prefix>.body`` (relative to
        the report directory, where the report writer puts it); see :mod:`conformance.repro`.
        """
        return repro.curl(self.exchange(secrets).to_dict())


def finding_evidence(record: ResponseRecord | None, secrets: Sequence[str]) -> dict[str, Any]:
    """What every finding carries about the exchange that shows it: ``status_code``, ``repro``, ``exchange``.

    The one place findings get them (stateless phase, scenarios, recorded and proxied traffic).
    """
    if record is None:
        return {"status_code": None, "repro": "", "exchange": None}
    exchange = record.exchange(secrets)
    return {"status_code": record.status_code, "repro": repro.curl(exchange.to_dict()), "exchange": exchange}


def redact(text: str, secrets: Sequence[str]) -> str:
    """Replace every secret in ``text`` with ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def _redact_header(name: str, value: str, secrets: Sequence[str]) -> str:
    """A request header as recorded: a credential header's value is ``***`` (``Bearer ***`` for a bearer token)."""
    lname = name.lower()
    if lname == "authorization":
        scheme, _, rest = value.partition(" ")
        return f"{scheme} {REDACTED}" if rest and scheme.lower() == "bearer" else REDACTED
    if lname in _CREDENTIAL_HEADERS:
        return REDACTED
    return redact(value, secrets)


class Transport:
    """Sends requests to one target; records every exchange.

    ``key`` is sent in ``Ocp-Apim-Subscription-Key`` unless a call passes ``key=None``
    (no key) or another value (e.g. a deliberately wrong key). With ``auth="aad"`` the
    credential is a bearer token sent as ``Authorization: Bearer <token>`` instead: ``key``
    is a static token, or ``token`` a function giving the current one (refreshed by its
    owner, :func:`conformance.access.aad_token_provider`); a call's ``key=`` is then a token.
    ``verify`` is httpx's TLS verification (``conformance.access.tls_verify``); proxies come
    from ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` (``trust_env`` stays on). ``client`` may be
    injected (tests use ``httpx.MockTransport``).
    """

    def __init__(
        self,
        base_url: str,
        key: str | None,
        *,
        timeout_s: float = 30.0,
        client: httpx.Client | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        auth: str = "key",
        token: Callable[[], str] | None = None,
        verify: Any = True,
        connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
        budget: Budget | None = None,
        max_kept_body_bytes: int = DEFAULT_MAX_KEPT_BODY_BYTES,
    ) -> None:
        self.auth = auth
        self._token = token
        self.base_url = base_url.rstrip("/")
        self.origin = origin_of(self.base_url)
        self.max_body_bytes = max_body_bytes
        self.limiter = limiter
        self.retry = retry
        self._sleep = sleep
        self.throttles = 0  # 429 answers received (each retried or, past the budget, returned throttled)
        self.throttle_wait_s = 0.0  # time spent waiting as 429s asked
        self.rate_wait_s = 0.0  # time spent waiting for the rate limit
        self._key = key
        self.timeout_s = timeout_s
        self.budget = budget
        self._budgeted = True
        self.max_kept_body_bytes = max_kept_body_bytes
        self._kept_body_bytes = 0
        self._trimmed = 0  # records before this index are kept without their bodies
        timeout = httpx.Timeout(timeout_s, connect=min(connect_timeout_s, timeout_s))
        self._client = client or httpx.Client(timeout=timeout, follow_redirects=False, verify=verify, trust_env=True)
        self._lock = threading.Lock()
        self._records: list[ResponseRecord] = []
        self._secrets: list[str] = [key] if key else []
        self._own: set[str] = {key} if key else set()  # the run's own credentials (a wrong key sent on purpose is not)
        #: Called with every final exchange (after 429 retries), e.g. the run's ledger.
        self.observers: list[Callable[[ResponseRecord], None]] = []
        #: Called with every exchange as it is recorded (each 429 too) and the seconds from its send until
        #: its response headers arrived (the rest of ``elapsed_s`` is the body read), e.g. the run's HAR.
        self.recorders: list[Callable[[ResponseRecord, float], None]] = []

    # -- recording -------------------------------------------------------------------
    @property
    def records(self) -> list[ResponseRecord]:
        with self._lock:
            return list(self._records)

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self._records)

    def add_secret(self, secret: str) -> None:
        if secret and secret not in self._secrets:
            self._secrets.append(secret)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(self._secrets)

    def close(self) -> None:
        self._client.close()

    @contextmanager
    def unbudgeted(self) -> Iterator["Transport"]:
        """Send outside the budget (cleanup): never refused by it, counted apart."""
        previous, self._budgeted = self._budgeted, False
        try:
            yield self
        finally:
            self._budgeted = previous

    def __enter__(self) -> "Transport":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- credentials -----------------------------------------------------------------
    def _credential(self) -> str | None:
        """The credential to send now: the key, the static token, or the provider's current token."""
        if self._token is not None:
            value = self._token()
            self.add_secret(value)
            self._own.add(value)
            return value
        return self._key

    def _credential_header(self, value: str) -> tuple[str, str]:
        self.add_secret(value)
        return (AUTHORIZATION, f"Bearer {value}") if self.auth == "aad" else (KEY_HEADER, value)

    # -- sending ---------------------------------------------------------------------
    def on_origin(self, url: str) -> bool:
        """Whether ``url`` (absolute, or relative to the target) is on the target's origin."""
        try:
            return origin_of(self.url(url)) == self.origin
        except (httpx.InvalidURL, TypeError, ValueError):
            return False

    def url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        return urljoin(self.base_url + "/", path_or_url.lstrip("/"))

    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        json_body: Any = _MISSING,
        content: bytes | None = None,
        data: Mapping[str, Any] | None = None,
        files: Any = None,
        key: Any = _MISSING,
        operation_id: str | None = None,
    ) -> ResponseRecord:
        """Send one request; raise :class:`TargetUnreachable` on transport errors."""
        send_headers: dict[str, str] = dict(headers or {})
        use_key = self._credential() if key is _MISSING else key
        if use_key is not None and not any(h.lower() in _CREDENTIAL_HEADERS for h in send_headers):
            name, value = self._credential_header(use_key)
            send_headers[name] = value
        kwargs: dict[str, Any] = {"params": params, "headers": send_headers}
        if json_body is not _MISSING:
            kwargs["json"] = json_body
        if content is not None:
            kwargs["content"] = content
        if data is not None:
            kwargs["data"] = data
        if files is not None:
            kwargs["files"] = files
        request = self._client.build_request(method.upper(), self.url(path_or_url), **kwargs)
        record, _ = self._send(request, operation_id)
        return record

    def send_httpx(self, request: httpx.Request, operation_id: str | None = None) -> tuple[ResponseRecord, httpx.Response]:
        """Send a prepared httpx request (used by the stateless phase)."""
        return self._send(request, operation_id)

    def build_request(self, method: str, url: str, *, with_key: bool = True, **kwargs: Any) -> httpx.Request:
        """Build a request; the credential header is added (or its value replaced) unless ``with_key`` is false."""
        headers = {k: v for k, v in (kwargs.pop("headers", None) or {}).items() if k.lower() not in _CREDENTIAL_HEADERS}
        credential = self._credential() if with_key else None
        if credential is not None:
            name, value = self._credential_header(credential)
            headers[name] = value
        return self._client.build_request(method.upper(), self.url(url), headers=headers, **kwargs)

    def _send(self, request: httpx.Request, operation_id: str | None) -> tuple[ResponseRecord, httpx.Response]:
        """Send ``request`` (after the rate limit); a 429 is waited out and sent again within the budget."""
        attempt = 0
        while True:
            if self.budget is not None:
                if self._budgeted:
                    self.budget.admit()  # raises RunStopped: nothing is sent
                else:
                    self.budget.count_cleanup()
            if self.limiter is not None:
                self.rate_wait_s += self.limiter.acquire()
            record, response = self._send_once(request, operation_id)
            if record.status_code != 429 or self.retry is None:
                return self._notify(record), response
            self.throttles += 1
            if attempt >= self.retry.retries:
                return self._notify(replace(record, throttled=True)), response
            if self.budget is not None and self._budgeted:
                self.budget.check()  # a stopped run does not wait out a 429 before its cleanup
            wait = throttle_wait(record.header("retry-after"), record.body, attempt, self.retry)
            self.throttle_wait_s += wait
            self._sleep(wait)
            attempt += 1

    def _notify(self, record: ResponseRecord) -> ResponseRecord:
        for observer in self.observers:
            observer(record)
        return record

    def _keep(self, record: ResponseRecord) -> None:
        """Record the exchange; past the kept-bytes cap, the oldest kept bodies are dropped."""
        with self._lock:
            self._records.append(record)
            self._kept_body_bytes += len(record.body)
            while self._kept_body_bytes > self.max_kept_body_bytes and self._trimmed < len(self._records) - 1:
                old = self._records[self._trimmed]
                if old.body:
                    self._kept_body_bytes -= len(old.body)
                    self._records[self._trimmed] = replace(old, body=b"", _json_cache=[])
                self._trimmed += 1

    def _send_once(self, request: httpx.Request, operation_id: str | None) -> tuple[ResponseRecord, httpx.Response]:
        # Buffer in-memory bodies (httpx streams multipart/form-data) so the record, the repro command and
        # Schemathesis' response validation (which reads response.request.content) can all see them.
        request.read()
        if not self.on_origin(str(request.url)):
            raise OffOriginRequest(redact(str(request.url), self._secrets), self.origin)
        if ambiguous_path(request.url.raw_path.decode("ascii", "replace")):
            raise AmbiguousPath(redact(str(request.url), self._secrets))
        sent_at = time.monotonic()
        truncated = False
        try:
            response = self._client.send(request, stream=True)
            headers_s = time.monotonic() - sent_at
            try:
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > self.max_body_bytes:
                        truncated = True
                        break
                    if time.monotonic() - sent_at > self.timeout_s:  # a trickle: the read timeout bounds the whole body
                        raise httpx.ReadTimeout(f"the body took longer than {self.timeout_s} s", request=request)
                body = b"".join(chunks)[: self.max_body_bytes]
            finally:
                response.close()
        except (httpx.TransportError, httpx.InvalidURL, httpx.StreamError) as exc:
            raise TargetUnreachable(redact(f"{request.method} {request.url}: {exc!r}", self._secrets)) from None
        elapsed = time.monotonic() - sent_at
        req_headers = tuple((k, _redact_header(k, v, self._secrets)) for k, v in request.headers.items())
        sent = request.headers.get(KEY_HEADER)
        if sent is None and request.headers.get(AUTHORIZATION, "").lower().startswith("bearer "):
            sent = request.headers[AUTHORIZATION][7:]
        credential = "none" if sent is None else ("run" if sent in self._own else "other")
        try:
            req_body = request.content
        except httpx.RequestNotRead:  # streaming bodies are not replayable; keep none
            req_body = b""
        record = ResponseRecord(
            request=RequestRecord(
                method=request.method,
                url=redact(str(request.url), self._secrets),
                headers=req_headers,
                body=req_body,
                credential=credential,
            ),
            status_code=response.status_code,
            headers=tuple((k.lower(), v) for k, v in response.headers.multi_items()),
            body=body,
            elapsed_s=elapsed,
            sent_at=sent_at,
            operation_id=operation_id,
            truncated=truncated,
        )
        self._keep(record)
        for recorder in self.recorders:
            recorder(record, headers_s)
        # What was read, as a plain response (the streamed one is closed): callers such as
        # Schemathesis' response validation read it like any other.
        read = httpx.Response(
            response.status_code,
            headers=response.headers,
            content=body,
            request=request,
            extensions={"http_version": response.extensions.get("http_version", b"HTTP/1.1")},
        )
        read.elapsed = timedelta(seconds=elapsed)
        return record, read
