"""Polite traffic: the rate limit holds across worker processes; a 429 is waited out, never judged."""

from __future__ import annotations

import multiprocessing
import random
import time

import httpx
import pytest

from cognitive_conformance.conformance.throttle import RateLimit, RateLimiter, RetryPolicy, parse_rate_limit, throttle_wait
from cognitive_conformance.conformance.transport import Transport


@pytest.mark.parametrize(("text", "count", "per"), [("20/m", 20, 60), ("5/s", 5, 1), (" 0.5 / min ", 0.5, 60), ("3/second", 3, 1)])
def test_rate_limits_parse(text: str, count: float, per: float) -> None:
    assert parse_rate_limit(text) == RateLimit(count, per)


@pytest.mark.parametrize("text", ["", "20", "20/h", "0/s", "-1/m", "fast"])
def test_bad_rate_limits_are_refused_with_an_example(text: str) -> None:
    with pytest.raises(ValueError, match="e.g. 20/m"):
        parse_rate_limit(text)


def test_the_limiter_spaces_requests_by_its_interval() -> None:
    now = [100.0]
    waits: list[float] = []

    def sleep(s: float) -> None:
        waits.append(s)
        now[0] += s

    limiter = RateLimiter(RateLimit(2, 1), clock=lambda: now[0], sleep=sleep)
    assert [limiter.acquire() for _ in range(4)] == [0.0, 0.5, 0.5, 0.5]
    now[0] += 10  # idle time is not banked: the next request goes at once, then spacing resumes
    assert [limiter.acquire(), limiter.acquire()] == [0.0, 0.5]


def _take(limiter: RateLimiter, n: int, out) -> None:
    for _ in range(n):
        limiter.acquire()
        out.put(time.monotonic())


def test_the_limit_holds_across_forked_worker_processes() -> None:
    limiter = RateLimiter(RateLimit(20, 1))  # one request every 50 ms for the whole run
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=_take, args=(limiter, 5, out)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(10)
    stamps = sorted(out.get(timeout=5) for _ in range(10))
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert min(gaps) >= 0.045, gaps
    assert stamps[-1] - stamps[0] >= 9 * 0.045


def test_the_wait_after_a_429_follows_retry_after_then_the_gateway_message_then_backoff() -> None:
    policy = RetryPolicy(base_s=1.0, max_wait_s=60)
    assert throttle_wait("7", b"", 0, policy) == 7
    gateway = b'{"error":{"code":"429","message": "Rate limit is exceeded. Try again in 21 seconds."}}'
    assert throttle_wait(None, gateway, 0, policy) == 21
    assert throttle_wait("3600", b"", 0, policy) == 60  # capped
    rng = random.Random(1)
    first, third = throttle_wait(None, b"{}", 0, policy, rng=rng), throttle_wait(None, b"{}", 2, policy, rng=rng)
    assert 0.5 <= first <= 1.5 and 2.0 <= third <= 6.0


def _transport(statuses: list[int], *, retries: int = 4) -> tuple[Transport, list[float]]:
    answers = iter(statuses)
    slept: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        if status == 429:
            return httpx.Response(429, json={"error": {"code": "429", "message": "Rate limit is exceeded. Try again in 2 seconds."}})
        return httpx.Response(status, json={"status": "running"})

    client = httpx.Client(transport=httpx.MockTransport(handler))
    return Transport("http://t.test", "k", client=client, retry=RetryPolicy(retries=retries), sleep=slept.append), slept


def test_a_429_is_waited_out_and_the_request_sent_again() -> None:
    t, slept = _transport([429, 429, 200])
    record = t.request("GET", "/x")
    assert record.status_code == 200 and not record.throttled
    assert slept == [2.0, 2.0] and t.throttles == 2 and t.throttle_wait_s == 4.0
    assert t.request_count == 3  # every request sent is counted


def test_past_the_retry_budget_the_429_comes_back_marked_throttled() -> None:
    t, slept = _transport([429, 429, 429], retries=2)
    record = t.request("GET", "/x")
    assert record.status_code == 429 and record.throttled and t.throttles == 3 and len(slept) == 2
