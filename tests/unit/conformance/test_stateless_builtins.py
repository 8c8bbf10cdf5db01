"""Unit tests for how the stateless phase reports Schemathesis' built-in checks: pass only where a check applied.

Real Schemathesis coverage cases of the rendered Face v1.2 spec, judged against hand-made responses (no HTTP).
"""

from __future__ import annotations

import datetime
import functools
import json
from typing import Any

import httpx
import pytest

from cognitive_conformance.conformance.spec import Spec
from cognitive_conformance.conformance.stateless import BUILTIN_CHECKS, BUILTIN_RULES, builtin_not_applied

TRAIN = "PersonGroupOperations_TrainPersonGroup"
TRAINING = "PersonGroupOperations_GetPersonGroupTrainingStatus"


@functools.cache
def _schema_and_cases(operation_id: str) -> tuple[Any, Any, list]:
    import schemathesis
    from schemathesis.generation import GenerationMode

    schema = schemathesis.openapi.from_dict(Spec("face", "v1.2", "docs").document)
    op = next(r.ok() for r in schema.get_all_operations() if r.ok().definition.raw.get("operationId") == operation_id)
    cases = list(
        schema.iter_coverage_cases(
            op,
            generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
            generation_config=schema.config.generation_for(operation=op),
        )
    )
    return schema, op, cases


def _case(operation_id: str, scenario: str, method: str | None = None) -> tuple[Any, Any]:
    from schemathesis.generation.meta import coverage_scenario

    schema, op, cases = _schema_and_cases(operation_id)
    case = next(
        c for c in cases
        if getattr(coverage_scenario(c), "value", None) == scenario and (method is None or c.method.upper() == method)
    )
    return case, schema.config.checks_config_for(operation=op)


def _response(status: int, *, method: str = "POST", body: Any = None, headers: dict | None = None) -> Any:
    from schemathesis.core.transport import Response

    content = b"" if body is None else json.dumps(body).encode()
    all_headers = dict(headers or {})
    if body is not None:
        all_headers.setdefault("content-type", "application/json")
    raw = httpx.Response(status, headers=all_headers, content=content,
                         request=httpx.Request(method, "http://127.0.0.1/face/v1.2/persongroups/g/train"))
    raw.read()
    raw.elapsed = datetime.timedelta(milliseconds=5)
    return Response.from_any(raw)


ERROR = {"error": {"code": "PersonGroupNotFound", "message": "m"}}


def test_every_builtin_check_is_declared_as_a_rule_with_a_public_source() -> None:
    assert [r.name for r in BUILTIN_RULES] == list(BUILTIN_CHECKS)
    assert all(r.source.startswith("https://schemathesis.readthedocs.io/") for r in BUILTIN_RULES)
    assert all(r.kind == "schemathesis" and r.severity == "error" for r in BUILTIN_RULES)


def test_positive_case_judges_acceptance_not_rejection() -> None:
    case, config = _case(TRAIN, "default_positive_test")
    response = _response(202)
    assert builtin_not_applied("positive_data_acceptance", case, response, config) is None
    assert builtin_not_applied("negative_data_rejection", case, response, config) == "not a negative case"
    assert builtin_not_applied("unsupported_method", case, response, config) == "not an undeclared-method probe"
    assert builtin_not_applied("missing_required_header", case, response, config) == "not a missing-required-header probe"
    assert builtin_not_applied("not_a_server_error", case, response, config) is None
    assert builtin_not_applied("status_code_conformance", case, response, config) is None


def test_negative_case_judges_rejection_not_acceptance() -> None:
    case, config = _case(TRAIN, "invalid_pattern")
    response = _response(404, body=ERROR)
    assert builtin_not_applied("negative_data_rejection", case, response, config) is None
    assert builtin_not_applied("positive_data_acceptance", case, response, config) == "not a positive case"


def test_negative_case_accepted_without_failing_was_excused_so_it_is_na() -> None:
    case, config = _case(TRAIN, "invalid_pattern")
    reason = builtin_not_applied("negative_data_rejection", case, _response(202), config)
    assert reason is not None and reason.startswith("accepted (202)")


def test_undeclared_method_probe_judges_only_unsupported_method() -> None:
    case, config = _case(TRAIN, "unspecified_http_method", "DELETE")
    response = _response(405, method="DELETE", body=ERROR, headers={"allow": "POST"})
    assert builtin_not_applied("unsupported_method", case, response, config) is None
    for name in ("status_code_conformance", "response_schema_conformance", "negative_data_rejection"):
        assert builtin_not_applied(name, case, response, config).startswith("request-shape probe")
    # a 404 before method dispatch is excused by Schemathesis: not a pass
    assert builtin_not_applied("unsupported_method", case, _response(404, method="DELETE"), config).startswith(
        "the target answered 404")


def test_options_probe_is_not_judged_by_unsupported_method() -> None:
    case, config = _case(TRAIN, "unspecified_http_method", "OPTIONS")
    assert builtin_not_applied("unsupported_method", case, _response(405, method="OPTIONS"), config) == (
        "not an undeclared-method probe")


def test_missing_key_header_probe_judges_missing_required_header() -> None:
    case, config = _case(TRAIN, "missing_parameter")
    assert builtin_not_applied("missing_required_header", case, _response(401, body=ERROR), config) is None


def test_response_checks_need_something_documented_for_the_status() -> None:
    case, config = _case(TRAIN, "default_positive_test")
    # Train documents 202 with no content and no schema
    assert builtin_not_applied("content_type_conformance", case, _response(202), config) == (
        "no content type documented for 202")
    assert builtin_not_applied("response_schema_conformance", case, _response(202), config) == (
        "no schema documented for 202")
    assert builtin_not_applied("response_headers_conformance", case, _response(599), config) == (
        "operation documents no response for 599")


@pytest.mark.parametrize("name", BUILTIN_CHECKS)
def test_reasons_are_short_sentences_or_none(name: str) -> None:
    case, config = _case(TRAINING, "default_positive_test")
    reason = builtin_not_applied(name, case, _response(200, method="GET", body={"status": "running"}), config)
    assert reason is None or (isinstance(reason, str) and 0 < len(reason) < 120)


def test_missing_header_answered_before_headers_are_read_is_excused_so_na() -> None:
    case, config = _case(TRAIN, "missing_parameter")
    reason = builtin_not_applied("missing_required_header", case, _response(404, body=ERROR), config)
    assert reason is not None and reason.startswith("the target answered 404")


# -- the phase itself, over httpx.MockTransport (no sockets) ---------------------------------------------


def _run_phase(handler, operation_id: str = TRAIN) -> list:
    from cognitive_conformance.conformance.events import RuleEvaluated
    from cognitive_conformance.conformance.stateless import run_stateless
    from cognitive_conformance.conformance.transport import Transport

    events: list = []
    transport = Transport("http://127.0.0.1:9", "k3y-never-logged",
                          client=httpx.Client(transport=httpx.MockTransport(handler)))
    run_stateless(transport=transport, spec=Spec("face", "v1.2", "docs"), emit=events.append, run_id="abc123",
                  max_examples=1, seed=0, operations=(operation_id,))
    return [e for e in events if isinstance(e, RuleEvaluated) and e.check in BUILTIN_CHECKS]


def _streamed(status: int, body: bytes, headers: dict | None = None) -> httpx.Response:
    """A response the client reads as a stream, as from the network (so httpx records its elapsed time)."""
    return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))


def _by_check(evaluated: list) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for e in evaluated:
        out.setdefault(e.check, {"pass": 0, "fail": 0, "n/a": 0})[e.verdict] += 1
    return out


def test_phase_reports_every_builtin_check_once_per_case_with_na_where_it_did_not_apply() -> None:
    def accept_everything(request: httpx.Request) -> httpx.Response:
        return _streamed(202, b"")

    evaluated = _run_phase(accept_everything)
    counts = _by_check(evaluated)
    assert set(counts) == set(BUILTIN_CHECKS)
    cases = sum(counts["not_a_server_error"].values())
    assert all(sum(c.values()) == cases for c in counts.values()), "each check answers once per case"
    # a target accepting everything: negative data is accepted (fail), never counted as passing on positive cases
    assert counts["negative_data_rejection"]["fail"] >= 1
    assert counts["negative_data_rejection"]["pass"] == 0
    assert counts["positive_data_acceptance"]["fail"] == 0 and counts["positive_data_acceptance"]["n/a"] >= 1
    # undeclared methods answered 202 instead of 405
    assert counts["unsupported_method"]["fail"] >= 1 and counts["unsupported_method"]["pass"] == 0
    reasons = {e.reason for e in evaluated if e.verdict == "n/a"}
    assert "not a negative case" in reasons and "not a positive case" in reasons
    assert all(e.reason for e in evaluated if e.verdict == "n/a")
    assert not any(e.reason for e in evaluated if e.verdict != "n/a")

