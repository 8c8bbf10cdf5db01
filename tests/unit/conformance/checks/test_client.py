"""Unit tests for conformance.checks.client and conformance.flows.client: client-side rules on hand-built evidence.

No target can break these rules (they judge the client), so instead of an emulator fault each one is shown
passing, failing and not applying here. Source: the rules' own docstrings (Azure REST API guidelines on
long-running operations and repeatability, RFC 9110 §9.2.2).
"""

from __future__ import annotations

import pytest

from cognitive_conformance.conformance.checks.client import (
    client_no_blind_post_retry,
    client_polls_no_faster_than_floor,
    client_reads_terminal_result,
)
from cognitive_conformance.conformance.checks.registry import FAIL, NA, PASS, get, judge
from cognitive_conformance.conformance.failures import BlindPostRetry, PolledTooFast, TerminalResultNotRead
from cognitive_conformance.conformance.flows.client import ClientPolling, PostRepeat, client_polling, post_repeats, resource_path_of

from ._helpers import FACE_URL, expect_failure, read, response, spec, trace

SPEC = spec("face", "v1.2")
R, O = "resource", "operation"


def verdict(name: str, evidence) -> str:
    return judge(get(name), SPEC, evidence).verdict


def test_client_rules_are_warnings_of_the_client_family() -> None:
    for name in ("client_polls_no_faster_than_floor", "client_reads_terminal_result", "client_no_blind_post_retry"):
        rule = get(name)
        assert (rule.severity, rule.family, rule.kind) == ("warning", "client", "flow")


# -- client_polls_no_faster_than_floor -----------------------------------------------------------
def test_floor_passes_when_every_poll_waited_long_enough() -> None:
    t = trace(read(R, "running", 0.1), read(R, "running", 1.2), read(R, "succeeded", 2.3))
    assert client_polls_no_faster_than_floor(SPEC, ClientPolling(t, 1.0)) is None


def test_floor_fails_on_a_poll_sooner_than_the_floor() -> None:
    t = trace(read(R, "running", 0.1), read(R, "running", 0.3), read(R, "succeeded", 1.5))
    failure = expect_failure(PolledTooFast, client_polls_no_faster_than_floor, SPEC, ClientPolling(t, 1.0))
    assert "1 of 2" in failure.message and "waited 0.190 s" in failure.received


def test_floor_ignores_polls_after_terminal_which_lro_polling_cost_judges() -> None:
    t = trace(read(R, "running", 0.1), read(R, "succeeded", 1.2), read(R, "succeeded", 1.25))
    assert verdict("client_polls_no_faster_than_floor", ClientPolling(t, 1.0)) == PASS


def test_floor_is_na_without_a_floor_or_with_one_poll() -> None:
    two = trace(read(R, "running", 0.1), read(R, "succeeded", 0.2))
    assert verdict("client_polls_no_faster_than_floor", ClientPolling(two, None)) == NA
    one_each = trace(read(O, "succeeded", 0.1), read(R, "succeeded", 0.12))
    assert verdict("client_polls_no_faster_than_floor", ClientPolling(one_each, 1.0)) == NA


# -- client_reads_terminal_result ----------------------------------------------------------------
def _delete(at: float):
    return response(200, b"", method="DELETE", url=FACE_URL, sent_at=at)


def test_terminal_result_passes_when_a_terminal_status_was_read() -> None:
    t = trace(read(R, "running", 0.1), read(R, "succeeded", 0.5))
    assert client_reads_terminal_result(SPEC, client_polling(t, None, after=[_delete(0.7)])) is None


def test_terminal_result_fails_on_a_write_before_the_terminal_status() -> None:
    t = trace(read(R, "running", 0.1), read(R, "running", 0.5))
    evidence = client_polling(t, None, after=[response(200, {}, url=f"{FACE_URL}/persons", sent_at=0.6), _delete(0.7)])
    assert evidence.next_write is not None and evidence.next_write.request.method == "DELETE"
    failure = expect_failure(TerminalResultNotRead, client_reads_terminal_result, SPEC, evidence)
    assert "DELETE" in failure.message and "running → running" in failure.received


@pytest.mark.parametrize(
    "evidence, reason",
    [
        (ClientPolling(trace(read(R, "running", 0.1))), "traffic may have ended"),
        (ClientPolling(trace(read(R, "running", 0.1), read(R, None, 0.2, code=404)), _delete(0.3)), "error status"),
        (ClientPolling(trace(read(R, "running", 0.1), budget_exhausted=True), _delete(0.3)), "budget"),
    ],
)
def test_terminal_result_is_na_when_it_cannot_judge(evidence, reason: str) -> None:
    outcome = judge(get("client_reads_terminal_result"), SPEC, evidence)
    assert outcome.verdict == NA and reason in outcome.reason


def test_a_write_to_another_resource_is_not_the_next_write() -> None:
    t = trace(read(R, "running", 0.1))
    other = response(200, b"", method="DELETE", url="http://127.0.0.1:5000/face/v1.2/persongroups/other", sent_at=0.5)
    assert client_polling(t, None, after=[other]).next_write is None


# -- client_no_blind_post_retry ------------------------------------------------------------------
def _post(status: int, at: float, *, url: str = f"{FACE_URL}/persons", body: bytes = b'{"name":"a"}', headers=()):
    record = response(status, {"personId": "p"} if status == 200 else b"", method="POST", url=url, sent_at=at)
    from dataclasses import replace

    return replace(record, request=replace(record.request, body=body, headers=record.request.headers + tuple(headers)))


def test_post_repeats_pairs_identical_posts_with_what_came_between() -> None:
    a, b = _post(200, 0.0), _post(200, 1.0)
    other_body = _post(200, 0.5, body=b'{"name":"b"}')
    read_group = response(200, {}, url=FACE_URL, sent_at=0.7)
    elsewhere = response(200, {}, url="http://127.0.0.1:5000/face/v1.2/persongroups/x", sent_at=0.8)
    repeats = post_repeats([b, read_group, a, other_body, elsewhere])
    assert [(r.first, r.repeat) for r in repeats] == [(a, b)]
    assert repeats[0].between == (other_body, read_group)
    assert resource_path_of(a) == "/face/v1.2/persongroups/g"


def test_blind_post_retry_fails_on_an_unread_repeat_of_a_success() -> None:
    failure = expect_failure(BlindPostRetry, client_no_blind_post_retry, SPEC, PostRepeat(_post(200, 0.0), _post(200, 0.5)))
    assert "sent again" in failure.message


@pytest.mark.parametrize("status", [408, 429, 503])
def test_blind_post_retry_passes_a_retry_the_service_asked_for(status: int) -> None:
    assert verdict("client_no_blind_post_retry", PostRepeat(_post(status, 0.0), _post(200, 1.0))) == PASS


def test_blind_post_retry_passes_an_idempotent_repeat_and_a_retrain_after_reading() -> None:
    keyed = _post(200, 0.5, headers=[("Repeatability-Request-ID", "r-1")])
    assert verdict("client_no_blind_post_retry", PostRepeat(_post(200, 0.0), keyed)) == PASS
    train = f"{FACE_URL}/train"
    retrain = PostRepeat(_post(202, 0.0, url=train, body=b""), _post(202, 3.0, url=train, body=b""),
                         (response(200, {"status": "succeeded"}, url=f"{FACE_URL}/training", sent_at=1.0),))
    assert verdict("client_no_blind_post_retry", retrain) == PASS


def test_blind_post_retry_is_na_when_the_first_was_rejected() -> None:
    outcome = judge(get("client_no_blind_post_retry"), SPEC, PostRepeat(_post(400, 0.0), _post(400, 0.5)))
    assert outcome.verdict == NA and "400" in outcome.reason
    assert outcome.verdict != FAIL
