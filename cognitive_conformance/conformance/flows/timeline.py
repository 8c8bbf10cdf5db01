"""The measured figures of an :class:`~conformance.flows.LroTrace` as the report's :class:`~conformance.events.LroTimeline`."""

from __future__ import annotations

from cognitive_conformance.conformance.events import LroTimeline
from cognitive_conformance.conformance.flows.evidence import LroTrace

__all__ = ["timeline_of"]


def timeline_of(trace: LroTrace) -> LroTimeline:
    """Every figure counted from the trace's reads (nothing is assumed about the poller)."""
    return LroTimeline(
        service=trace.service,
        version=trace.version,
        scenario=trace.scenario or "",
        operation_id=trace.operation_id or "",
        resource=trace.resource,
        statuses=tuple(
            (r.sent_at - trace.submitted_at, r.status, r.via, r.purpose) for r in trace.reads if r.status is not None
        ),
        polls=len(trace.polls),
        terminal_status=trace.terminal_status,
        time_to_terminal_s=trace.time_to_terminal_s,
        polls_after_terminal=trace.polls_after_terminal,
        verification_reads=tuple(sorted(trace.verification_reads.items())),
        retry_after_seen=trace.retry_after_seen,
        retry_after_honoured=trace.retry_after_honoured,
        throttles=trace.throttles,
        budget_exhausted=trace.budget_exhausted,
        reads=tuple(
            (r.sent_at - trace.submitted_at, r.via, r.purpose, r.status, r.exchange.status_code, r.retry_after_s,
             r.waited_s, r.exchange.elapsed_s, r.honoured)
            for r in trace.reads
        ),
        terminal_read=trace.terminal_index,
        submit_status=trace.submit.status_code,
        submit_elapsed_s=trace.submit.elapsed_s,
    )
