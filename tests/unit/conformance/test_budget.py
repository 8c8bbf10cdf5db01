"""The run's budget: one request count and one deadline for every worker process, and the stop."""

from __future__ import annotations

import multiprocessing

import httpx
import pytest

from cognitive_conformance.conformance.budget import INTERRUPTED, MAX_REQUESTS, MAX_TIME, Budget, RunStopped
from cognitive_conformance.conformance.transport import Transport


def test_the_request_after_the_last_one_is_refused_and_the_run_stops() -> None:
    budget = Budget(max_requests=3)
    for _ in range(3):
        budget.admit()
    with pytest.raises(RunStopped) as stopped:
        budget.admit()
    assert stopped.value.reason == MAX_REQUESTS and budget.reason == MAX_REQUESTS
    assert budget.requests == 3
    assert budget.incomplete()["budgetedRequests"] == 3


def test_cleanup_requests_are_never_refused_and_counted_apart() -> None:
    budget = Budget(max_requests=1)
    budget.admit()
    with pytest.raises(RunStopped):
        budget.admit()
    budget.count_cleanup()
    budget.count_cleanup()
    assert (budget.requests, budget.cleanup_requests) == (1, 2)


def test_the_deadline_stops_the_run_between_requests_too() -> None:
    now = [10.0]
    budget = Budget(max_time_s=5, clock=lambda: now[0])
    budget.admit()
    assert budget.reason is None
    now[0] = 15.0
    assert budget.reason == MAX_TIME
    with pytest.raises(RunStopped, match="max-time"):
        budget.admit()


def test_a_signal_after_a_budget_ran_out_says_interrupted() -> None:
    budget = Budget(max_requests=0)
    with pytest.raises(RunStopped):
        budget.admit()
    assert not budget.stop(INTERRUPTED)  # the first reason stays ...
    assert budget.reason == MAX_REQUESTS
    assert budget.stop(INTERRUPTED, force=True)  # ... unless a signal says otherwise
    assert budget.reason == INTERRUPTED


def test_an_unlimited_budget_counts_and_never_stops() -> None:
    budget = Budget()
    for _ in range(100):
        budget.admit()
    assert budget.requests == 100 and budget.reason is None and budget.incomplete() is None


def test_run_stopped_is_not_an_exception_a_scenario_could_swallow() -> None:
    assert not issubclass(RunStopped, Exception)


def _spend(budget: Budget, admitted, refused) -> None:  # in a forked process
    for _ in range(40):
        try:
            budget.admit()
        except RunStopped:
            with refused.get_lock():
                refused.value += 1
        else:
            with admitted.get_lock():
                admitted.value += 1


def test_the_budget_holds_across_forked_processes() -> None:
    ctx = multiprocessing.get_context("fork")
    budget = Budget(max_requests=50)
    admitted, refused = ctx.Value("i", 0), ctx.Value("i", 0)
    procs = [ctx.Process(target=_spend, args=(budget, admitted, refused)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(10)
    assert admitted.value == 50 and refused.value == 4 * 40 - 50
    assert budget.requests == 50 and budget.reason == MAX_REQUESTS


def test_the_transport_asks_the_budget_before_sending_but_not_for_cleanup() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.method)
        return httpx.Response(200, json={})

    budget = Budget(max_requests=2)
    transport = Transport("http://t.example", "k", client=httpx.Client(transport=httpx.MockTransport(handler)), budget=budget)
    transport.request("GET", "/a")
    transport.request("GET", "/b")
    with pytest.raises(RunStopped):
        transport.request("GET", "/c")
    with transport.unbudgeted():
        transport.request("DELETE", "/a")
    assert sent == ["GET", "GET", "DELETE"]
    assert (budget.requests, budget.cleanup_requests) == (2, 1)


def test_the_transport_keeps_a_bounded_amount_of_response_bodies() -> None:
    body = b"x" * 1000

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body)

    transport = Transport(
        "http://t.example", "k", client=httpx.Client(transport=httpx.MockTransport(handler)), max_kept_body_bytes=5000
    )
    records = [transport.request("GET", f"/{i}") for i in range(20)]
    assert all(r.body == body for r in records)  # callers get the whole record
    kept = transport.records
    assert len(kept) == 20 and sum(len(r.body) for r in kept) <= 5000 and kept[-1].body == body


def test_the_transport_sets_explicit_connect_and_read_timeouts() -> None:
    transport = Transport("http://t.example", "k", timeout_s=30, connect_timeout_s=10)
    timeout = transport._client.timeout
    assert (timeout.connect, timeout.read) == (10, 30)
