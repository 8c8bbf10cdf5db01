"""Rule family: the client's behaviour, judged on :mod:`conformance.flows.client` evidence.

These rules judge the *client*, not the target: the user's client in ``conformance proxy`` or a
recording, this checker's poller in ``conformance run``. An SDK's choice is not the service's
nonconformance, so every rule here is a ``warning``. Polls after a terminal status and
``Retry-After`` honouring are judged by ``lro_polling_cost`` (:mod:`conformance.checks.lro`),
not again here.
"""

from __future__ import annotations

from cognitive_conformance.conformance.checks.registry import NotApplicable, flow_rule
from cognitive_conformance.conformance.failures import BlindPostRetry, PolledTooFast, TerminalResultNotRead
from cognitive_conformance.conformance.flows.client import ClientPolling, PostRepeat
from cognitive_conformance.conformance.flows.evidence import RETRY_AFTER_TOLERANCE_S, sequence_text
from cognitive_conformance.conformance.spec import Spec

__all__ = ["client_no_blind_post_retry", "client_polls_no_faster_than_floor", "client_reads_terminal_result"]

#: A failed first attempt after which sending the same POST again is what the service asks for.
_RETRYABLE = frozenset({408, 429, 503})


@flow_rule(evidence=ClientPolling, severity="warning")
def client_polls_no_faster_than_floor(spec: Spec, evidence: ClientPolling) -> None:
    """The client waits at least the configured poll interval between a status response and its next poll of that status resource.

    Source: Azure REST API guidelines, long-running operations (the client polls the status monitor at an interval,
    honouring Retry-After),
    https://github.com/microsoft/api-guidelines/blob/vNext/azure/Guidelines.md#long-running-operations-with-status-monitor.
    The floor is the user's --min-poll-interval (a quota, a rate limit); polls after a terminal status are
    lro_polling_cost's.
    """
    floor = evidence.min_interval_s
    if floor is None:
        raise NotApplicable("no poll interval floor is configured (--min-poll-interval)")
    trace = evidence.trace
    end = trace.terminal_index
    reads = [r for r in (trace.reads if end is None else trace.reads[: end + 1]) if r.is_poll]
    judged: list = []
    seen: set[str] = set()
    for read in reads:
        if read.via in seen:  # the first poll of a status resource follows the submit, not a poll
            judged.append(read)
        seen.add(read.via)
    if not judged:
        raise NotApplicable("fewer than two polls of any status resource")
    short = [r for r in judged if r.waited_s is not None and r.waited_s + RETRY_AFTER_TOLERANCE_S < floor]
    if short:
        fastest = min(short, key=lambda r: r.waited_s or 0.0)
        raise PolledTooFast(
            f"{len(short)} of {len(judged)} poll(s) came sooner than {floor:g} s after the previous response",
            received=f"waited {fastest.waited_s:.3f} s before a poll of the {fastest.via} status",
            documented=f"at least {floor:g} s between polls (--min-poll-interval)",
        )


@flow_rule(evidence=ClientPolling, severity="warning")
def client_reads_terminal_result(spec: Spec, evidence: ClientPolling) -> None:
    """The client reads a terminal status of a long-running operation before it sends another write to the same resource.

    Source: Azure REST API guidelines, long-running operations (the client polls the status monitor until the
    operation reaches a terminal state),
    https://github.com/microsoft/api-guidelines/blob/vNext/azure/Guidelines.md#long-running-operations-with-status-monitor;
    Get Training Status (the group can be used once the status is succeeded),
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/get-person-group-training-status.
    """
    trace = evidence.trace
    if trace.terminal_read is not None:
        return
    if trace.stopped_at_error:
        raise NotApplicable("polling ended at an error status")
    if trace.budget_exhausted:
        raise NotApplicable("the client's poll budget ran out (lro_reaches_terminal judges the target)")
    write = evidence.next_write
    if write is None:
        raise NotApplicable("no later write on the resource: the traffic may have ended while the operation ran")
    seen = [r.status for r in trace.polls]
    raise TerminalResultNotRead(
        f"{write.request.method} {write.request.url} was sent before any terminal status had been read",
        received=f"statuses read: {sequence_text(seen)}; then {write.request.method}",
        documented=f"a terminal status ({', '.join(sorted(trace.model.terminal))}) before the next write",
    )


@flow_rule(evidence=PostRepeat, severity="warning")
def client_no_blind_post_retry(spec: Spec, evidence: PostRepeat) -> None:
    """The client does not send a non-idempotent POST again, unread, after it succeeded.

    Source: RFC 9110 §9.2.2 Idempotent Methods (POST is not idempotent: a client does not repeat it automatically
    unless it knows the request is safe to repeat), https://www.rfc-editor.org/rfc/rfc9110#section-9.2.2;
    Azure REST API guidelines, repeatability of requests (Repeatability-Request-ID makes a POST safe to retry),
    https://github.com/microsoft/api-guidelines/blob/vNext/azure/Guidelines.md#repeatability-of-requests.
    A repeat is blind when the first answered 2xx and the client sent nothing to the resource in between (a
    retrain after reading the training status is not blind); a repeat after 408, 429 or 503 is a retry the
    service asked for.
    """
    first = evidence.first
    if first.status_code in _RETRYABLE:
        return
    if not 200 <= first.status_code < 300:
        raise NotApplicable(f"the first POST was answered {first.status_code}: it created nothing to duplicate")
    if evidence.idempotent:
        return
    if evidence.between:
        return
    gap = evidence.repeat.sent_at - (first.sent_at + first.elapsed_s)
    raise BlindPostRetry(
        f"POST {evidence.repeat.request.url} was sent again {max(gap, 0.0):.3f} s after it had been answered "
        f"{first.status_code}, with the same body and no request to its resource in between",
        received=f"{first.status_code}, then the identical POST without Repeatability-Request-ID or Operation-Id",
        documented="a POST that succeeded is not repeated; a retry carries Repeatability-Request-ID",
    )
