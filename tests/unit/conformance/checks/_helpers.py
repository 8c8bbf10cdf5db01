"""Builders shared by the check tests: hand-made ResponseRecords and CheckContexts over the real rendered specs.

No HTTP: a check is a pure function of ``(ctx, response)``, so the tests build both directly. Header names are
lower-cased here exactly as ``conformance.transport`` lower-cases them.
Source: STYLE.md "Writing a check" (tests: hand-built ResponseRecords for pass / fail / not-applicable).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import Any

import pytest

from cognitive_conformance.conformance.context import CheckContext
from cognitive_conformance.conformance.failures import Failure
from cognitive_conformance.conformance.spec import Spec
from cognitive_conformance.conformance.transport import RequestRecord, ResponseRecord

__all__ = [
    "FACE_ORDER_V10",
    "FACE_ORDER_V12",
    "FACE_TERMINAL",
    "CV_ORDER",
    "CV_TERMINAL",
    "OP_UUID",
    "context",
    "expect_failure",
    "response",
    "spec",
]

OP_UUID = "4b8b8a5e-5a0b-4c3e-9f7e-1f2e3d4c5b6a"

# The legal orders and terminal sets the packs' scenarios give their LRO traces.
FACE_TERMINAL = frozenset({"succeeded", "failed"})
FACE_ORDER_V10 = ("nonstarted", "running", "succeeded", "failed")
FACE_ORDER_V12 = ("notStarted", "running", "succeeded", "failed")
CV_TERMINAL = frozenset({"Succeeded", "Failed"})
CV_ORDER = ("NotStarted", "Running", "Succeeded", "Failed")


@functools.cache
def spec(service: str, version: str, profile: str = "docs") -> Spec:
    """The rendered spec (cached: rendering is deterministic and Spec is never mutated by checks)."""
    return Spec(service, version, profile)


def response(
    status: int,
    body: Any = b"",
    headers: Iterable[tuple[str, str]] = (),
    *,
    content_type: str | None = None,
    method: str = "GET",
    url: str = "http://127.0.0.1/",
    sent_at: float = 0.0,
    operation_id: str | None = None,
    elapsed_s: float = 0.01,
) -> ResponseRecord:
    """A ResponseRecord; dict/list bodies are JSON-encoded and labelled application/json unless told otherwise."""
    if isinstance(body, (dict, list)):
        raw = json.dumps(body).encode("utf-8")
        if content_type is None:
            content_type = "application/json; charset=utf-8"
    elif isinstance(body, str):
        raw = body.encode("utf-8")
    else:
        raw = bytes(body)
    all_headers = [(k.lower(), v) for k, v in headers]
    if content_type is not None:
        all_headers.append(("content-type", content_type))
    return ResponseRecord(
        request=RequestRecord(method=method, url=url, headers=(("ocp-apim-subscription-key", "***"),)),
        status_code=status,
        headers=tuple(all_headers),
        body=raw,
        elapsed_s=elapsed_s,
        sent_at=sent_at,
        operation_id=operation_id,
    )


def context(
    service: str,
    version: str,
    operation_id: str | None,
    *,
    profile: str = "docs",
    history: tuple[ResponseRecord, ...] = (),
) -> CheckContext:
    """A CheckContext for ``operation_id`` of the rendered spec (``None``: a request the spec does not know)."""
    rendered = spec(service, version, profile)
    operation = rendered.operation(operation_id) if operation_id is not None else None
    return CheckContext(spec=rendered, operation=operation, history=history)


def expect_failure(kind: type[Failure], check: Any, *args: Any) -> Failure:
    """Run ``check(*args)`` and return the failure, asserting it is exactly ``kind`` (not a sibling or the base class)."""
    with pytest.raises(Failure) as info:
        check(*args)
    assert type(info.value) is kind, f"expected {kind.__name__}, got {type(info.value).__name__}: {info.value}"
    return info.value


# -- LRO traces ---------------------------------------------------------------------------------
FACE_URL = "http://127.0.0.1:5000/face/v1.2/persongroups/g"
OP_URL = f"http://127.0.0.1:5000/face/v1.2/operations/{OP_UUID}"


def submit(*, sent_at: float = 0.0, headers: Iterable[tuple[str, str]] = (), url: str = f"{FACE_URL}/train",
           operation_id: str = "PersonGroupOperations_TrainPersonGroup", status: int = 202) -> ResponseRecord:
    """A train submission (202, empty body) sent at ``sent_at``."""
    return response(status, b"", headers, method="POST", url=url, sent_at=sent_at, operation_id=operation_id)


def read(via: str, status: str | None, at: float, *, purpose: str = "poll", headers: Iterable[tuple[str, str]] = (),
         code: int = 200, **fields: Any) -> tuple[str, ResponseRecord, str]:
    """One status read for :func:`trace`: ``status`` at time ``at`` (``None``: no status field), extra body ``fields``."""
    body: dict[str, Any] = dict(fields)
    if status is not None:
        body["status"] = status
    url = OP_URL if via == "operation" else f"{FACE_URL}/training"
    return via, response(code, body, headers, url=url, sent_at=at), purpose


def trace(*reads: tuple[str, ResponseRecord, str], version: str = "v1.2", service: str = "face",
          first: ResponseRecord | None = None, order: tuple[str, ...] | None = None,
          terminal: frozenset[str] | None = None, **kwargs: Any):
    """An LroTrace of ``reads`` after the submission ``first`` (default: a 202 at t=0)."""
    from cognitive_conformance.conformance.flows import StatusModel, build_trace

    if order is None:
        order = FACE_ORDER_V10 if version == "v1.0" else FACE_ORDER_V12
    model = StatusModel(order, terminal if terminal is not None else FACE_TERMINAL)
    return build_trace(service=service, version=version, submit=first if first is not None else submit(),
                       reads=reads, model=model, **kwargs)
