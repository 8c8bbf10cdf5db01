"""The stateless phase: Schemathesis over the rendered spec, its built-in checks plus ours.

For every operation of one (service, API version, profile), Schemathesis generates
requests in two ways: its deterministic *coverage* cases (boundary values, each constraint
violated once, undeclared methods, malformed content types) and *fuzzing* cases drawn by
Hypothesis, positive and negative (with real images and audio: ``strategies/`` registers the
media types). Each request is sent through :class:`~conformance.transport.Transport` (so it
is recorded and the key redacted), then validated by Schemathesis' built-in response checks
and by every rule of ours that needs no scenario context.

Every check answers pass, fail or n/a for every case. A built-in check that did not fail is a
pass only if it judged the case (:func:`builtin_not_applied`): ``negative_data_rejection`` on
a positive case, ``unsupported_method`` on anything but an undeclared-method probe, a response
check where nothing is documented for the status, and whatever Schemathesis excuses, are n/a
with the reason.

Every resource id in a case's path is moved into the run's own id space before the case is
sent (:mod:`conformance.ownership`: ``cc-<run id>-<tag>-…`` or a fresh UUID, keeping a valid
id valid and an invalid one invalid), so a write can only reach what this run created or an id
that cannot exist; what a 2xx create made is in the run's ledger (:mod:`conformance.ledger`)
and deleted at the end. ``read_only`` sends GET cases only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
from hypothesis import HealthCheck, Phase, given, seed as hyp_seed, settings

from cognitive_conformance.conformance.checks.registry import Check, all_checks, judge
from cognitive_conformance.conformance.context import CheckContext
from cognitive_conformance.conformance.events import DeviationRaised, Event, Finding, FindingRaised, RuleEvaluated, RuleInfo
from cognitive_conformance.conformance.naming import resource_prefix
from cognitive_conformance.conformance.ownership import owned_body_references, owned_path_parameters, reference_schemas, resource_parameters
from cognitive_conformance.conformance.profiles import response_deviation
from cognitive_conformance.conformance.spec import Spec
from cognitive_conformance.conformance.transport import KEY_HEADER, ResponseRecord, Transport, finding_evidence, redact

__all__ = ["BUILTIN_CHECKS", "BUILTIN_RULES", "builtin_not_applied", "run_stateless", "cleanup_created"]

BUILTIN_CHECKS = (
    "not_a_server_error",
    "unsupported_method",
    "missing_required_header",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
)
_ST_DOCS = "https://schemathesis.readthedocs.io/en/stable/reference/checks/"
_ST_SOURCE = _ST_DOCS + " (Schemathesis built-in check) over specs/<service>.yaml"

#: The built-in checks as rules, for the reports (``RulesDeclared``).
BUILTIN_RULES = tuple(
    RuleInfo(
        name=name,
        statement=statement,
        source=f"{_ST_DOCS}#{name} over specs/<service>.yaml",
        family="schemathesis",
        kind="schemathesis",
        severity="error",
    )
    for name, statement in (
        ("not_a_server_error", "No request, valid or not, is answered with a 5xx server error."),
        ("unsupported_method", "A method the spec does not declare for a path is answered 405 with an Allow header."),
        ("missing_required_header", "A request without a required header is rejected (4xx)."),
        ("status_code_conformance", "The response status is documented for the operation."),
        ("content_type_conformance", "The response Content-Type is one documented for that status."),
        ("response_headers_conformance", "Documented response headers are present and match their schemas."),
        ("response_schema_conformance", "The response body validates against the schema documented for its status."),
        ("negative_data_rejection", "A request that breaks the spec's schemas is rejected."),
        ("positive_data_acceptance", "A request valid for the spec's schemas is accepted."),
    )
)

_BUILTIN_INFO = {r.name: r for r in BUILTIN_RULES}


def _in_statuses(status: int, patterns: list[str] | None) -> bool:
    for pattern in patterns or ():
        text = str(pattern).upper()
        if text == str(status) or (text.endswith("XX") and text[0] == str(status)[0]):
            return True
    return False


def builtin_not_applied(name: str, case: Any, response: Any, config: Any = None) -> str | None:
    """Why built-in check ``name`` did not judge this case's ``response`` (a Schemathesis
    ``Response``), or ``None`` if it did.

    Called only for a check that did not fail. Mirrors the guards of the installed
    Schemathesis (``schemathesis/specs/openapi/checks.py``, using its own response lookups):
    what a check skips or excuses is n/a, never a pass. ``config`` is the operation's
    Schemathesis checks config (the expected statuses of the data-acceptance checks).
    """
    from schemathesis.generation.meta import REQUEST_SHAPE_PROBES, CoverageScenario, coverage_scenario

    meta = getattr(case, "_meta", None)
    scenario = coverage_scenario(case)
    status = response.status_code
    method = str(getattr(getattr(response, "request", None), "method", None) or case.method).upper()
    if name == "not_a_server_error":
        return None
    if name == "unsupported_method":
        if scenario != CoverageScenario.UNSPECIFIED_HTTP_METHOD or method == "OPTIONS":
            return "not an undeclared-method probe"
        if status != 405:
            return f"the target answered {status} before method dispatch (excused by Schemathesis)"
        return None
    if name == "missing_required_header":
        data = getattr(getattr(meta, "phase", None), "data", None)
        location = getattr(getattr(data, "parameter_location", None), "name", None)
        if scenario != CoverageScenario.MISSING_PARAMETER or location != "HEADER" or not getattr(data, "parameter", None):
            return "not a missing-required-header probe"
        expected = getattr(getattr(config, "missing_required_header", None), "expected_statuses", None)
        if str(data.parameter).lower() == "authorization":
            expected = ["401"]
        if expected is not None and not _in_statuses(status, expected):
            return f"the target answered {status} before reading headers (excused by Schemathesis)"
        return None
    if scenario in REQUEST_SHAPE_PROBES:
        return "request-shape probe (undeclared method or media type): the response is not judged"
    operation = case.operation
    if name == "status_code_conformance":
        if "default" in operation.responses.status_codes:
            return "operation documents a 'default' response, which admits every status"
        return None
    if name == "content_type_conformance":
        if not operation.schema.get_content_types(operation, response):
            return f"no content type documented for {status}"
        return None
    if name in {"response_headers_conformance", "response_schema_conformance"}:
        definition = operation.responses.find_by_status_code(status)
        if definition is None:
            return f"operation documents no response for {status}"
        if name == "response_headers_conformance" and not definition.headers:
            return f"no headers documented for {status}"
        if name == "response_schema_conformance":
            if operation.method.upper() == "HEAD":
                return "a HEAD response has no body"
            resolved = definition.get_schema(response.headers.get("content-type", [None])[0])
            if resolved.schema is None:
                return f"no schema documented for {status}"
        return None
    mode = getattr(getattr(meta, "generation", None), "mode", None)
    if name == "negative_data_rejection":
        if mode is None or not mode.is_negative:
            return "not a negative case"
        expected = getattr(getattr(config, "negative_data_rejection", None), "expected_statuses", None)
        if expected is not None and not _in_statuses(status, expected):
            return f"accepted ({status}), but the mutation is valid as sent (excused by Schemathesis)"
        return None
    if name == "positive_data_acceptance":
        if mode is None or not mode.is_positive:
            return "not a positive case"
        expected = getattr(getattr(config, "positive_data_acceptance", None), "expected_statuses", None)
        if expected is not None and not _in_statuses(status, expected):
            return f"rejected ({status}) for a credential reason (excused by Schemathesis)"
        return None
    return None


def _builtin_functions() -> list[Callable]:
    from schemathesis import checks as core
    from schemathesis.specs.openapi import checks as openapi

    return [getattr(openapi, name, None) or getattr(core, name) for name in BUILTIN_CHECKS]


def _keep_generated(case: Any) -> None:
    """Let Schemathesis treat the rewritten path ids as generated, which they still are.

    Schemathesis records a case's components when it builds it and reads any later change as a
    value the user pinned (``Case._override``); its ``unsupported_method`` check then stops
    excusing the 404 of a resource that does not exist. The ids moved into the run's space are
    still drawn, never a user's, so the stored path component is refreshed to the moved values.
    """
    from schemathesis.generation.overrides import StoredValue, store_original_state
    from schemathesis.core.parameters import ParameterLocation

    components = getattr(case, "_components", None)
    stored = components.get(ParameterLocation.PATH) if isinstance(components, dict) else None
    if stored is not None:
        components[ParameterLocation.PATH] = StoredValue(store_original_state(case.path_parameters), stored.is_generated)


def _semantic_rejection(operation_definition: dict, record: ResponseRecord) -> bool:
    """Whether a rejected schema-valid request is one the spec documents as a semantic rejection.

    Some inputs are valid for the schema but rejected by the documented semantics (a
    ``targetFace`` rectangle outside the image, an image URL that cannot be downloaded).
    Operations list them under ``x-semantic-rejections: [{status, codes, reason}]``; only
    those exact (status, error code) pairs are excused from ``positive_data_acceptance``.
    """
    allowed = operation_definition.get("x-semantic-rejections") or []
    body = record.json_or_none()
    code = body.get("error", {}).get("code") if isinstance(body, dict) and isinstance(body.get("error"), dict) else None
    return any(record.status_code == int(r.get("status", 0)) and code in (r.get("codes") or []) for r in allowed)


def _form_not_valid(spec: Spec, operation_definition: dict, case: Any) -> bool:
    """Whether a "positive" multipart case's form breaks its own schema (so a rejection is no finding).

    Schemathesis' coverage phase labels some multipart forms positive although a part breaks the schema
    (an empty string for a ``minLength: 1``/``pattern`` part; a false positive of Schemathesis' coverage phase for multipart strings). The form's
    text values are validated against the part schemas (file parts stand in as strings).
    """
    import jsonschema

    media = str(getattr(case, "media_type", None) or "")
    body = getattr(case, "body", None)
    if not media.startswith("multipart/") or not isinstance(body, dict):
        return False
    content = (operation_definition.get("requestBody") or {}).get("content") or {}
    schema = (content.get(media) or content.get("multipart/form-data") or {}).get("schema")
    if not isinstance(schema, dict):
        return False

    def textual(value: Any) -> Any:
        if isinstance(value, list):
            return [textual(v) for v in value]
        return value if isinstance(value, (str, int, float, bool, dict)) or value is None else "file"

    root = {**schema, "components": spec.document.get("components", {})}
    try:
        jsonschema.validate({k: textual(v) for k, v in body.items()}, root, cls=jsonschema.Draft202012Validator)
    except jsonschema.ValidationError:
        return True
    except jsonschema.SchemaError:
        return False
    return False


def _declared_filenames(operation_definition: dict) -> dict[str, str]:
    """Part name -> the filename its ``encoding.<part>.headers.Content-Disposition`` example declares.

    Schemathesis sends binary parts without ``filename=`` (https://github.com/schemathesis/schemathesis/issues/3951), which a
    server reads as a text field; the spec's declared Content-Disposition says the part is a file.
    """
    found: dict[str, str] = {}
    content = (operation_definition.get("requestBody") or {}).get("content") or {}
    for media in content.values():
        for name, encoding in ((media or {}).get("encoding") or {}).items():
            header = ((encoding or {}).get("headers") or {}).get("Content-Disposition") or {}
            match = re.search(r'filename="([^"]+)"', str(header.get("example", "")))
            if match:
                found[name] = match.group(1)
    return found


def _to_httpx(transport: Transport, kwargs: dict[str, Any], filenames: dict[str, str] | None = None) -> httpx.Request:
    """Turn Schemathesis' requests-style kwargs into an httpx request for our transport.

    Schemathesis generates the ``Ocp-Apim-Subscription-Key`` security header itself: a
    random value in positive cases, and *no* header when a negative case tests missing
    auth. Where the case carries the header, the real key replaces its value; where it
    does not, none is sent, so the target's 401 is the rejection Schemathesis expects.
    """
    raw_headers = kwargs.get("headers") or {}
    with_key = any(k.lower() == KEY_HEADER.lower() for k in raw_headers)
    # Generated header values may be non-ASCII (e.g. a negative Operation-Id); send them as UTF-8 bytes.
    headers = {
        k: v.encode("utf-8") if isinstance(v, str) and not v.isascii() else v
        for k, v in raw_headers.items()
        if k.lower() not in {"accept-encoding", "connection"}
    }
    build: dict[str, Any] = {"headers": headers, "params": kwargs.get("params") or None}
    if "json" in kwargs:
        build["json"] = kwargs["json"]
    data = kwargs.get("data")
    if kwargs.get("files") is not None:
        # Schemathesis prepares multipart parts for `requests` (values may be ints, lists, Binary...):
        # let `requests` encode them exactly as Schemathesis' own transport would, and send the bytes.
        import requests

        prepared = requests.PreparedRequest()
        prepared.prepare_headers(None)
        files = [
            (name, (filenames[name], *part[1:]))
            if filenames and name in filenames and isinstance(part, tuple) and part and part[0] is None
            and isinstance(part[1] if len(part) > 1 else None, (bytes, bytearray))
            else (name, part)
            for name, part in kwargs["files"]
        ]
        prepared.prepare_body(data if isinstance(data, dict) else None, files)
        headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        headers["Content-Type"] = prepared.headers["Content-Type"]
        body = prepared.body
        build["headers"] = headers
        build["content"] = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
        return transport.build_request(kwargs["method"], kwargs["url"], with_key=with_key, **build)
    if isinstance(data, (bytes, bytearray)):
        build["content"] = bytes(data)
    elif isinstance(data, str):
        build["content"] = data.encode("utf-8")
    elif data is not None:
        build["data"] = data
    if kwargs.get("files") is not None:
        build["files"] = kwargs["files"]
    return transport.build_request(kwargs["method"], kwargs["url"], with_key=with_key, **build)


def run_stateless(
    *,
    transport: Transport,
    spec: Spec,
    emit: Callable[[Event], None],
    run_id: str,
    max_examples: int,
    seed: int,
    checks: list[Check] | None = None,
    on_progress: Callable[[str], None] | None = None,
    operations: tuple[str, ...] = (),
    read_only: bool = False,
) -> None:
    """Generate and check requests for every operation of ``spec`` against the transport's target.

    ``read_only``: only GET cases are sent (every other method, undeclared-method probes included, is skipped).
    """
    import schemathesis
    from schemathesis.core.failures import Failure as StFailure, FailureGroup
    from schemathesis.core.transport import Response as StResponse
    from schemathesis.generation import GenerationMode

    from cognitive_conformance import strategies

    strategies.register_media(spec.document)
    ours = [c for c in (checks if checks is not None else all_checks()) if not c.stateful_only]
    builtin = _builtin_functions()
    schema = schemathesis.openapi.from_dict(spec.document)
    prefix = resource_prefix(run_id, spec.version)
    resources = resource_parameters(spec.document)

    def report(check: str, passed: bool | str, op_id: str | None, reason: str | None = None) -> None:
        verdict = passed if isinstance(passed, str) else ("pass" if passed else "fail")
        emit(RuleEvaluated(check, verdict, spec.service, spec.version, "stateless", op_id, reason=reason))

    def finding(
        check: str, title: str, rule: str, source: str, message: str, record: ResponseRecord, op_id, severity: str = "error"
    ) -> None:
        emit(
            FindingRaised(
                Finding(
                    check=check,
                    title=title,
                    rule=rule,
                    source=source,
                    message=redact(message, transport.secrets),
                    service=spec.service,
                    version=spec.version,
                    phase="stateless",
                    operation_id=op_id,
                    severity=severity,
                    **finding_evidence(record, transport.secrets),
                )
            )
        )

    for result in schema.get_all_operations():
        operation = result.ok()
        op_id = operation.definition.raw.get("operationId")
        if operations and op_id not in operations:
            continue
        ours_op = spec.operation(op_id) if op_id else None
        op_definition = operation.definition.raw
        filenames = _declared_filenames(op_definition)
        references = reference_schemas(spec.document, ours_op.definition) if ours_op is not None else {}
        checks_config = schema.config.checks_config_for(operation=operation)
        if on_progress:
            on_progress(f"{spec.service} {spec.version} stateless {op_id}")

        def exercise(case: Any, mode: Any) -> None:
            if read_only and case.method.upper() != "GET":
                return
            if not owned_path_parameters(case, operation, prefix, resources):
                return  # its id cannot be moved into the run's space without changing its validity
            if not owned_body_references(case, references, prefix):
                return  # a body reference (projectId, consentId) cannot be moved either
            _keep_generated(case)
            kwargs = case.as_transport_kwargs(base_url=transport.base_url)
            request = _to_httpx(transport, kwargs, filenames)
            record, response = transport.send_httpx(request, op_id)
            if record.throttled:  # a 429 past the retry budget says nothing about any rule
                for name in [*BUILTIN_CHECKS, *(c.name for c in ours)]:
                    report(name, "n/a", op_id, "throttled: still 429 when the retry budget ran out")
                return
            # Schemathesis' checks
            st_response = StResponse.from_any(response)
            try:
                case.validate_response(st_response, checks=builtin)
            except FailureGroup as group:
                raised = list(group.exceptions)
            except StFailure as failure:
                raised = [failure]
            else:
                raised = []
            failed: dict[str, Any] = {}
            excused: dict[str, str] = {}
            for failure in raised:
                name = (getattr(failure, "checks", ()) or ("schemathesis",))[0]
                if name == "positive_data_acceptance" and _semantic_rejection(op_definition, record):
                    excused[name] = f"rejected ({record.status_code}) as the spec documents (x-semantic-rejections)"
                    continue
                if name == "positive_data_acceptance" and _form_not_valid(spec, op_definition, case):
                    excused[name] = "the 'positive' multipart form breaks its own part schemas"
                    continue
                failed.setdefault(name, failure)
            for name in BUILTIN_CHECKS:
                if name in failed:
                    report(name, "fail", op_id)
                    continue
                reason = excused.get(name) or builtin_not_applied(name, case, st_response, checks_config)
                report(name, "n/a" if reason else "pass", op_id, reason)
            for name, failure in failed.items():
                code = getattr(failure, "code", "")
                info = _BUILTIN_INFO.get(name)
                finding(
                    name,
                    f"{failure.title} ({code})" if code else failure.title,
                    info.statement if info else f"Schemathesis `{name}`",
                    info.source if info else _ST_SOURCE,
                    failure.message,
                    record,
                    op_id,
                )
            # ours; an undeclared-method probe is not this operation (only the generic rules apply)
            probe = case.method.upper() != operation.method.upper()
            ctx = CheckContext(spec=spec, operation=None if probe else ours_op)
            for c in ours:
                outcome = judge(c, ctx, record)
                if outcome.failure is not None:
                    failure = outcome.failure
                    finding(c.name, failure.title, c.rule, c.source, failure.describe(), record, op_id, c.severity)
                else:
                    departure = response_deviation(c, ctx, record, phase="stateless")
                    if departure is not None:
                        emit(DeviationRaised(replace(departure, message=redact(departure.message, transport.secrets))))
                report(c.name, outcome.verdict, op_id, outcome.reason)


        modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
        for case in schema.iter_coverage_cases(
            operation, generation_modes=modes, generation_config=schema.config.generation_for(operation=operation)
        ):
            meta = getattr(case, "meta", None)
            exercise(case, meta.generation.mode if meta is not None else GenerationMode.POSITIVE)
        for mode in modes:
            strategy = operation.as_strategy(generation_mode=mode)

            @hyp_seed(seed)
            @settings(
                max_examples=max_examples,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def fuzz(case: Any) -> None:
                exercise(case, mode)

            fuzz()


def cleanup_created(transport: Transport, records: list[ResponseRecord], prefix: str) -> list[str]:
    """Delete what successful creates in ``records`` made (PUT 2xx → DELETE the same URL;
    201 with a ``Location`` header → DELETE that URL). Only resources whose URL carries
    ``prefix`` or that were created by POST are touched. Returns the URLs deleted."""
    deleted: list[str] = []
    seen: set[str] = set()
    for record in records:
        if not 200 <= record.status_code < 300:
            continue
        url = None
        if record.request.method == "PUT" and prefix in record.request.url:
            url = record.request.url
        elif record.request.method == "POST" and record.status_code == 201 and record.header("location"):
            url = transport.url(record.header("location"))
        if url is None or url in seen:
            continue
        seen.add(url)
        transport.request("DELETE", url)
        deleted.append(url)
    return deleted
