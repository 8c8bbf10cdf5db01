"""Evidence of how a *client* behaved: the user's client in a proxy or a recording, our poller in a run.

Built from exchanges alone, like every other piece of evidence (:mod:`conformance.flows.evidence`):

* :class:`ClientPolling`: one long-running operation's trace, the poll floor the user asked
  for (``--min-poll-interval``; ``None``: none), and the first write the client sent to the
  same resource after its last status read (a delete, a new train), if any.
* :class:`PostRepeat`: a POST sent again with the same URL and body, the first exchange, the
  repeat, and the exchanges on the same resource between the two.

"The same resource" is a path rule, stated once here (:func:`resource_path_of`): a POST acts on
the parent of its path (``…/largepersongroups/g/train`` and ``…/g/persons`` act on ``…/g``),
any other method on its own path; an exchange is on that resource when its path is the
resource's or lies below it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import httpx

from cognitive_conformance.conformance.flows.evidence import LroTrace
from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = [
    "IDEMPOTENCY_HEADERS",
    "ClientPolling",
    "PostRepeat",
    "client_polling",
    "on_resource",
    "post_repeats",
    "resource_path_of",
]

#: Request headers that make a POST safe to send again (the service deduplicates it).
#: Source: Azure REST API guidelines, "Repeatability-Request-ID"
#: (https://github.com/microsoft/api-guidelines/blob/vNext/azure/Guidelines.md#repeatability-of-requests);
#: Custom Voice's ``Operation-Id`` request header.
IDEMPOTENCY_HEADERS = ("operation-id", "repeatability-request-id")


def _path(url: str) -> str:
    try:
        return httpx.URL(url).path.rstrip("/") or "/"
    except (httpx.InvalidURL, TypeError):
        return url


def resource_path_of(record: ResponseRecord) -> str:
    """The path of the resource a request acts on: a POST's parent path, any other method's own path."""
    path = _path(record.request.url)
    if record.request.method.upper() == "POST":
        parent = path.rsplit("/", 1)[0]
        return parent or "/"
    return path


def on_resource(record: ResponseRecord, resource: str) -> bool:
    """Whether ``record``'s request went to ``resource`` (a path) or below it."""
    path = _path(record.request.url)
    return path == resource or path.startswith(resource.rstrip("/") + "/")


@dataclass(frozen=True)
class ClientPolling:
    """How a client polled one long-running operation.

    ``min_interval_s``: the shortest wait between a response on a status resource and the next
    poll of it the user allows (``None``: no floor configured). ``next_write``: the first
    non-GET request the client sent to the operation's resource after the trace's last read.
    """

    trace: LroTrace
    min_interval_s: float | None = None
    next_write: ResponseRecord | None = None

    @property
    def exchange(self) -> ResponseRecord:
        """The exchange a finding shows: the write that came too early, else the last read."""
        if self.next_write is not None:
            return self.next_write
        return self.trace.reads[-1].exchange if self.trace.reads else self.trace.submit


def client_polling(
    trace: LroTrace, min_interval_s: float | None, *, after: Iterable[ResponseRecord] = ()
) -> ClientPolling:
    """A :class:`ClientPolling` for ``trace``; ``after`` holds the client's exchanges sent after its last read, in order."""
    if min_interval_s is not None and min_interval_s < 0:
        raise ValueError("min_interval_s must be >= 0")
    resource = resource_path_of(trace.submit)
    last = trace.reads[-1].exchange.sent_at if trace.reads else trace.submit.sent_at
    write = next(
        (
            r
            for r in after
            if r.sent_at >= last and r.request.method.upper() != "GET" and on_resource(r, resource)
        ),
        None,
    )
    return ClientPolling(trace, min_interval_s, write)


@dataclass(frozen=True)
class PostRepeat:
    """A POST (``first``) sent again with the same URL and body (``repeat``); ``between``: exchanges on its resource in between."""

    first: ResponseRecord
    repeat: ResponseRecord
    between: tuple[ResponseRecord, ...] = ()

    @property
    def exchange(self) -> ResponseRecord:
        return self.repeat

    @property
    def idempotent(self) -> bool:
        """The repeat carried a header that lets the service deduplicate it."""
        return any(self.repeat.request.header(h) for h in IDEMPOTENCY_HEADERS)


def post_repeats(records: Sequence[ResponseRecord]) -> list[PostRepeat]:
    """Every POST that repeats an earlier POST (same URL, same body), paired with the latest such earlier one.

    ``records`` is the client's traffic; it is taken in send order. Each repeat carries the
    exchanges on the POST's resource (:func:`resource_path_of`) sent between the two.
    """
    ordered = sorted(records, key=lambda r: r.sent_at)
    out: list[PostRepeat] = []
    latest: dict[tuple[str, bytes], int] = {}
    for i, record in enumerate(ordered):
        if record.request.method.upper() != "POST":
            continue
        key = (record.request.url, record.request.body)
        if key in latest:
            j = latest[key]
            resource = resource_path_of(record)
            between = tuple(r for r in ordered[j + 1 : i] if on_resource(r, resource))
            out.append(PostRepeat(ordered[j], record, between))
        latest[key] = i
    return out
