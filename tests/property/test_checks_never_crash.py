"""Property: whatever a target answers, every registered check returns None or raises a Failure, nothing else.

A check that raises anything else (KeyError, TypeError, RecursionError, ...) is a bug in the checker, not a finding
about the target, and ``run_checks`` lets it propagate and abort the run. So for every operation of every rendered
spec (every service with a spec file, every API version, both profiles) and arbitrary responses (status 100..599,
header sets with odd casing and duplicates, random bytes, random JSON, error-like and status-like bodies) in
arbitrary earlier responses, each response rule must only ever pass or raise a ``conformance.failures.Failure``
(or ``NotApplicable``), and must do so deterministically. The flow rules get the same treatment on arbitrary LRO
traces, provocations and page walks assembled from such responses.

Responses go through the real ``conformance.transport.Transport`` over ``httpx.MockTransport`` so header names
and values are decoded and lower-cased exactly as for a live target (no sockets: the checks are pure functions).

Source: STYLE.md "Writing a check" ("a property test: arbitrary responses only raise Failure") and "Tests"
(tests/property: "checks never crash"); conformance/checks/registry.py ``run_checks`` docstring.
"""

from __future__ import annotations

import functools
import json
import string
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cognitive_conformance.conformance.checks.registry import FLOW, Check, NotApplicable, all_checks, all_rules
from cognitive_conformance.conformance.context import CheckContext
from cognitive_conformance.conformance.flows import Expected, LroTrace, PageWalk, Provocation, StatusModel, build_trace
from cognitive_conformance.conformance.failures import Failure
from cognitive_conformance.conformance.spec import PROFILES, Spec, api_versions, services
from cognitive_conformance.conformance.transport import ResponseRecord, Transport

CHECKS: list[Check] = all_checks()
SPEC_KEYS: list[tuple[str, str, str]] = [
    (service, version, profile) for service in services() for version in api_versions(service) for profile in PROFILES
]


@functools.cache
def _spec(service: str, version: str, profile: str) -> Spec:
    return Spec(service, version, profile)


def _operation_ids(key: tuple[str, str, str]) -> list[str | None]:
    return [op.operation_id for op in _spec(*key).operations()] + [None]


# -- vocabulary the checks look for, so random data hits their interesting branches ---------------------------

STATUS_WORDS = ["nonstarted", "notstarted", "notStarted", "NotStarted", "running", "Running", "succeeded",
                "Succeeded", "failed", "Failed", "Enrolling", "Training", "Enrolled", "Disabled", ""]
TIME_FIELDS = ["createdDateTime", "lastActionDateTime", "lastSuccessfulTrainingDateTime", "createdTime",
               "lastActionTime", "finishedTime", "lastUpdatedDateTime"]
TIMESTAMPS = ["2024-01-02T03:04:05Z", "2024-01-02T03:04:05.1234567+01:00", "1/3/2017 4:11:35 AM",
              "13/45/2017 99:99:99 PM", "2024-02-30T00:00:00Z", "0001-01-01T00:00:00-23:59",
              "9999-12-31T23:59:59+23:59", "2024-01-02T03:04:05+99:99", "yesterday", ""]
CODES = ["PersonGroupNotFound", "PersonGroupNotTrained", "Unspecified", "401", "429", "BadArgument", "NotFound",
         "TooManyRequests", ""]
HEADER_NAMES = ["Operation-Location", "operation-Location", "OPERATION-LOCATION", "Operation-Id", "operation-id",
                "x-ms-error-code", "X-MS-Error-Code", "Content-Type", "content-type", "Retry-After", "apim-request-id"]
SITUATIONS = [None, "bad-key", "no-key", "after-delete", "never-trained", "missing-group", "invalid-id",
              "group-exists", "operation-vs-resource", "poll-budget-exhausted", "empty-group-terminal",
              "populated-group-terminal"]
ORDERS = [
    (("nonstarted", "running", "succeeded", "failed"), frozenset({"succeeded", "failed"})),
    (("notStarted", "running", "succeeded", "failed"), frozenset({"succeeded", "failed"})),
    (("NotStarted", "Running", "Succeeded", "Failed"), frozenset({"Succeeded", "Failed"})),
    (("Enrolling", "Training", "Enrolled"), frozenset({"Enrolled"})),
    ((), frozenset()),
]

words = st.one_of(st.sampled_from(STATUS_WORDS), st.text(max_size=12))
timestamps = st.one_of(st.sampled_from(TIMESTAMPS), st.text(max_size=30), st.integers(), st.none())
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
error_bodies = st.fixed_dictionaries(
    {},
    optional={
        "error": st.one_of(
            st.fixed_dictionaries({}, optional={
                "code": st.one_of(st.sampled_from(CODES), json_values),
                "message": st.one_of(st.text(max_size=30), json_values),
                "statusCode": st.one_of(st.integers(100, 599), st.text(max_size=4)),
                "details": json_values,
            }),
            json_values,
        ),
        "status": words,
    },
)
status_bodies = st.fixed_dictionaries(
    {},
    optional={"status": st.one_of(words, json_values), "enrollmentStatus": words, "message": json_values,
              "operationId": st.text(max_size=40), "id": st.text(max_size=40),
              **{name: timestamps for name in TIME_FIELDS}},
)


def _encode(value: Any) -> bytes:
    return json.dumps(value).encode("utf-8")


bodies = st.one_of(
    error_bodies.map(_encode),
    status_bodies.map(_encode),
    json_values.map(_encode),
    st.binary(max_size=300),
    st.sampled_from([b"", b"  ", b"null", b"NaN", b"1" * 5000, b"\xff\xfe{", b'{"error": ', b"[]" * 50]),
)


@st.composite
def header_sets(draw: st.DrawFn, key: tuple[str, str, str]) -> list[tuple[bytes, bytes]]:
    """Arbitrary headers as raw bytes: documented names in odd casings, duplicates, URLs into the spec's paths."""
    paths = [op.path for op in _spec(*key).operations()]
    name = st.one_of(
        st.sampled_from(HEADER_NAMES),
        st.sampled_from(HEADER_NAMES).map(lambda n: "".join(c.upper() if i % 2 else c for i, c in enumerate(n))),
        st.text(string.ascii_letters + string.digits + "-_", min_size=1, max_size=20),
    )
    url = st.builds(lambda scheme, host, path, query: f"{scheme}{host}{path}{query}",
                    st.sampled_from(["http://", "https://", "ftp://", "", "//"]),
                    st.sampled_from(["h", "127.0.0.1:8080", "", "[::1]"]),
                    st.sampled_from(paths + ["/", "", "/face/v9/operations/x"]).map(
                        lambda p: p.replace("{", "").replace("}", "")),
                    st.sampled_from(["", "?api-version=2024-02-01-preview", "#frag", "?"]))
    value = st.one_of(
        url,
        st.sampled_from(CODES + ["application/json", "application/json; charset=utf-8", "text/plain", ""]),
        st.binary(max_size=40).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"").replace(b"\0", b"")),
    )
    pairs = draw(st.lists(st.tuples(name, value), max_size=6))
    return [(n.encode("ascii"), v if isinstance(v, bytes) else v.encode("utf-8")) for n, v in pairs]


class _Target:
    """A MockTransport handler answering whatever response the test planned next."""

    def __init__(self) -> None:
        self.status = 200
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = b""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(self.status, headers=self.headers, content=self.body)


_TARGET = _Target()
# retry=None: a generated 429 is a record to judge here, not something to wait out (the transport's default
# policy sleeps a real backoff per 429, which made generated traces take minutes).
_TRANSPORT = Transport(
    "http://127.0.0.1:9", "test-key-never-logged", client=httpx.Client(transport=httpx.MockTransport(_TARGET)),
    retry=None,
)


def _record(status: int, headers: list[tuple[bytes, bytes]], body: bytes, operation_id: str | None) -> ResponseRecord:
    _TARGET.status, _TARGET.headers, _TARGET.body = status, headers, body
    return _TRANSPORT.request("GET", "/any", operation_id=operation_id)


@st.composite
def responses(draw: st.DrawFn, key: tuple[str, str, str], operation_id: str | None) -> ResponseRecord:
    """Half the time a status the operation documents (so the documented-response branches run), else any."""
    documented = sorted(int(s) for s in _spec(*key).documented_statuses(operation_id) if s.isdigit()) if operation_id else []
    statuses = st.one_of(st.sampled_from(documented), st.integers(100, 599)) if documented else st.integers(100, 599)
    return _record(draw(statuses), draw(header_sets(key)), draw(bodies), operation_id)


@st.composite
def cases(draw: st.DrawFn) -> tuple[CheckContext, ResponseRecord]:
    key = draw(st.sampled_from(SPEC_KEYS))
    operation_id = draw(st.sampled_from(_operation_ids(key)))
    spec = _spec(*key)
    ctx = CheckContext(
        spec=spec,
        operation=spec.operation(operation_id) if operation_id else None,
        history=tuple(draw(st.lists(responses(key, operation_id), max_size=3))),
    )
    return ctx, draw(responses(key, operation_id))


@st.composite
def lro_traces(draw: st.DrawFn) -> tuple[Spec, LroTrace]:
    """Polling reads: 2xx status bodies (and some errors) on both status resources, at increasing times."""
    key = draw(st.sampled_from(SPEC_KEYS))
    spec = _spec(*key)
    operation_id = draw(st.sampled_from(_operation_ids(key)))
    order, terminal = draw(st.sampled_from([o for o in ORDERS if o[0]]))
    statuses = st.one_of(st.sampled_from(order), words)

    def read(status: str | None) -> bytes:
        body = draw(status_bodies)
        if status is not None:
            body["status"] = status
        return _encode(body)

    reads = []
    for _ in range(draw(st.integers(0, 6))):
        record = _record(draw(st.sampled_from([200, 200, 201, 404, 429])), draw(header_sets(key)), read(draw(statuses)),
                         operation_id)
        reads.append((draw(st.sampled_from(["resource", "operation"])), record,
                      draw(st.sampled_from(["poll", "poll", "terminal-reread"]))))
    submit = _record(draw(st.sampled_from([201, 202])), draw(header_sets(key)), b"", operation_id)
    trace = build_trace(service=key[0], version=key[1], submit=submit, reads=reads,
                        model=StatusModel(tuple(order), frozenset(terminal)), budget_exhausted=draw(st.booleans()))
    return spec, trace


@st.composite
def other_evidence(draw: st.DrawFn) -> tuple[Spec, object]:
    key = draw(st.sampled_from(SPEC_KEYS))
    spec = _spec(*key)
    operation_id = draw(st.sampled_from(_operation_ids(key)))
    record = draw(responses(key, operation_id))
    if draw(st.booleans()):
        expected = Expected(draw(st.integers(100, 599)), tuple(draw(st.lists(st.sampled_from(CODES), max_size=3))))
        return spec, Provocation(draw(st.sampled_from(SITUATIONS) | st.text(max_size=10)), record, expected)
    pages = tuple(draw(st.lists(responses(key, operation_id), max_size=3))) + (record,)
    return spec, PageWalk(pages, frozenset(draw(st.lists(st.text(max_size=5), max_size=3))),
                          max_page_size=draw(st.none() | st.integers(0, 3)), complete=draw(st.booleans()))


def _outcome(chk: Check, ctx: CheckContext, record: ResponseRecord) -> tuple[str, str] | None:
    try:
        chk.fn(ctx, record)
    except NotApplicable as skipped:
        assert skipped.reason, f"{chk.name} is not applicable without saying why"
        return "n/a", skipped.reason
    except Failure as failure:
        text = str(failure)  # rendering the Received/Documented lines must not crash either
        assert failure.message and text.startswith(failure.message)
        return type(failure).__name__, text
    return None


def _flow_outcome(rule: Check, spec: Spec, evidence: object) -> tuple[str, str] | None:
    try:
        rule.fn(spec, evidence)
    except NotApplicable as skipped:
        assert skipped.reason
        return "n/a", skipped.reason
    except Failure as failure:
        text = str(failure)
        assert failure.message and text.startswith(failure.message)
        return type(failure).__name__, text
    return None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_every_check_returns_none_or_raises_failure(case: tuple[CheckContext, ResponseRecord]) -> None:
    ctx, record = case
    for chk in CHECKS:
        first = _outcome(chk, ctx, record)
        assert _outcome(chk, ctx, record) == first, f"{chk.name} is not deterministic"
        if first is not None:
            assert "test-key-never-logged" not in first[1]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(lro_traces(), other_evidence()))
def test_every_flow_rule_passes_fails_or_is_not_applicable(case: tuple[Spec, object]) -> None:
    spec, evidence = case
    for rule in all_rules(FLOW):
        if not isinstance(evidence, rule.evidence):
            continue
        first = _flow_outcome(rule, spec, evidence)
        assert _flow_outcome(rule, spec, evidence) == first, f"{rule.name} is not deterministic"
        if first is not None:
            assert "test-key-never-logged" not in first[1]


@pytest.mark.parametrize("service", services())
def test_every_operation_of_every_rendered_spec_takes_an_error_and_a_success(service: str) -> None:
    """Exhaustive, not sampled: each operation of each version/profile with a 500 HTML page and an empty 200."""
    for version in api_versions(service):
        for profile in PROFILES:
            spec = _spec(service, version, profile)
            for op in spec.operations():
                ctx = CheckContext(spec=spec, operation=op)
                html = _record(500, [(b"Content-Type", b"text/html")], b"<html>Server Error</html>", op.operation_id)
                outcomes = {chk.name: _outcome(chk, ctx, html) for chk in CHECKS}
                # An HTML error page is never the documented JSON envelope (seed 000/003/004 error bodies).
                assert outcomes["error_envelope_valid"] is not None, (version, profile, op.operation_id)
                assert outcomes["error_envelope_valid"][0] == "InvalidErrorEnvelope"
                empty = _record(200, [], b"", op.operation_id)
                for chk in CHECKS:
                    _outcome(chk, ctx, empty)


@pytest.mark.parametrize("depth", [50, 2_000, 100_000])
@pytest.mark.parametrize("status", [200, 404])
def test_checks_survive_deeply_nested_json(depth: int, status: int) -> None:
    """A hostile target's deeply nested JSON body is a finding at most, never a RecursionError in the checker."""
    spec = _spec("face", "v1.2", "docs")
    op = spec.operation("PersonGroupOperations_GetPersonGroupTrainingStatus")
    ctx = CheckContext(spec=spec, operation=op)
    for body in (b"[" * depth + b"]" * depth, b'{"error": ' * depth + b"1" + b"}" * depth):
        record = _record(status, [(b"Content-Type", b"application/json")], body, op.operation_id)
        for chk in CHECKS:
            _outcome(chk, ctx, record)
