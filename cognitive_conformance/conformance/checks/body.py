"""Rule family: response bodies.

* a body validates against the schema the spec documents for that status (version- and
  profile-specific), and is empty where the spec documents no content;
* a JSON body is labelled ``application/json``;
* long-running status fields hold a value of this API version's enum.
"""

from __future__ import annotations

from cognitive_conformance.conformance.checks._util import truncate
from cognitive_conformance.conformance.checks.registry import NotApplicable, response_rule
from cognitive_conformance.conformance.context import CheckContext
from cognitive_conformance.conformance.flows.status import norm_status
from cognitive_conformance.conformance.failures import SchemaViolation, StatusNotInVersionEnum, UndocumentedContentType
from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = ["response_schema_conforms", "content_type_documented", "status_in_version_enum"]

_STATUS_FIELDS = ("status", "enrollmentStatus")


def _documented_media(ctx: CheckContext, response: ResponseRecord) -> dict:
    """The documented media types of this response ({}: documented as empty); n/a if the status is not documented."""
    if ctx.operation is None:
        raise NotApplicable("request matches no operation of the spec")
    resp = ctx.spec.response(ctx.operation.operation_id, response.status_code)
    if resp is None:
        raise NotApplicable(f"operation documents no response for {response.status_code}")
    return resp.get("content") or {}


@response_rule(severity="error")
def response_schema_conforms(ctx: CheckContext, response: ResponseRecord) -> None:
    """The body validates against the documented schema for its status, and is empty where none is documented.

    Source: specs/<service>.yaml response schemas, each schema node citing its own `x-source`; Face
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group ("202
    Accepted: A successful call returns an empty response body") and
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/get-person-group-training-status
    (TrainingStatus); Speaker
    https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/text-independent/create-enrollment
    (TiEnrollmentInfo); Custom Voice
    https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post
    (PersonalVoice).
    """
    media = _documented_media(ctx, response)
    if not media:
        if response.body.strip():
            raise SchemaViolation(
                f"{ctx.operation_id} {response.status_code} documents an empty body",
                received=truncate(response.body.decode("utf-8", "replace")),
                documented="empty body",
            )
        return
    if "application/json" not in media:
        raise NotApplicable(f"no JSON body documented for {response.status_code}")
    schema = ctx.spec.response_schema(ctx.operation.operation_id, response.status_code, "application/json")
    if schema is None:
        raise NotApplicable(f"no JSON schema documented for {response.status_code}")
    try:
        body = response.json()
    except ValueError as exc:
        raise SchemaViolation(
            f"{ctx.operation_id} {response.status_code} body is not JSON",
            received=truncate(response.body.decode("utf-8", "replace")),
            documented="application/json body",
        ) from exc
    from cognitive_conformance.conformance.spec import validate

    errors = validate(schema, body)
    if errors:
        raise SchemaViolation(
            f"{ctx.operation_id} {response.status_code} body violates the {ctx.version} {ctx.profile} schema: "
            + "; ".join(errors[:3]),
            received=truncate(body),
            documented=ctx.spec.source(ctx.operation.operation_id, response.status_code),
        )


@response_rule(severity="error")
def content_type_documented(ctx: CheckContext, response: ResponseRecord) -> None:
    """A non-empty body is sent with a Content-Type the spec documents for that status.

    Source: specs/<service>.yaml response content; every JSON answer of the three services is
    `application/json` (sample responses of
    https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/text-independent/create-enrollment
    and https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post).
    """
    media = _documented_media(ctx, response)
    if not media:
        raise NotApplicable(f"no content documented for {response.status_code}")
    if not response.body.strip():
        raise NotApplicable("empty body")
    received = response.content_type
    if received not in {m.split(";")[0].strip().lower() for m in media}:
        raise UndocumentedContentType(
            f"{ctx.operation_id} {response.status_code} body labelled {received or 'with no Content-Type'}",
            received=received or "(none)",
            documented=", ".join(sorted(media)),
        )


@response_rule(severity="error")
def status_in_version_enum(ctx: CheckContext, response: ResponseRecord) -> None:
    """A status field holds a value of this API version's enum, spelled exactly (docs) or in a documented variant (observed).

    Source: specs/<service>.yaml status enums per API version: Face
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/get-person-group-training-status
    (v1.0 spells `nonstarted`, v1.1+ `notStarted`); Speaker
    https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/text-independent/create-enrollment
    (`Enrolling | Training | Enrolled`); Custom Voice
    https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/create (PascalCase
    `NotStarted | Running | Succeeded | Failed | …`).
    """
    if ctx.operation is None:
        raise NotApplicable("request matches no operation of the spec")
    if not 200 <= response.status_code < 300:
        raise NotApplicable("not a success response")
    schema = ctx.spec.response_schema(ctx.operation.operation_id, response.status_code, "application/json")
    if not schema:
        raise NotApplicable(f"no JSON schema documented for {response.status_code}")
    body = response.json_or_none()
    if not isinstance(body, dict):
        raise NotApplicable("body is not a JSON object")
    props = _deref(schema, schema).get("properties") or {}
    judged = False
    for name in _STATUS_FIELDS:
        if name not in body or name not in props:
            continue
        enum = _enum_of(_deref(schema, props[name]), schema)
        variant = False
        if enum is None:
            # A profile that accepts documented spellings (observed) still knows only the documented values:
            # a status a client cannot place on the path is a failure in every profile.
            enum, variant = _documented_status_enum(ctx, response.status_code, name), True
        if enum is None:
            continue
        judged = True
        value = body[name]
        known = norm_status(value) in {norm_status(e) for e in enum} if variant and isinstance(value, str) else value in enum
        if not known:
            raise StatusNotInVersionEnum(
                f"{ctx.operation_id} {name}={value!r} is not in the {ctx.version} {ctx.profile} enum",
                received=value,
                documented=" | ".join(str(e) for e in enum),
            )
    if not judged:
        raise NotApplicable("body has no status field with a documented enum")


def _documented_status_enum(ctx: CheckContext, status_code: int, name: str) -> list | None:
    from cognitive_conformance.conformance.profiles import docs_twin

    twin = docs_twin(ctx.spec)
    if twin is None or ctx.operation is None:
        return None
    try:
        schema = twin.response_schema(ctx.operation.operation_id, status_code, "application/json")
    except KeyError:
        return None
    if not schema:
        return None
    props = _deref(schema, schema).get("properties") or {}
    return _enum_of(_deref(schema, props[name]), schema) if name in props else None


def _deref(root: dict, node: dict, _depth: int = 0) -> dict:
    """Follow local ``#/$defs/...`` references of a bundled schema (see ``Spec.response_schema``)."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/") and _depth < 32:
        target: object = root
        for part in node["$ref"][2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, dict) else {}
        node, _depth = target if isinstance(target, dict) else {}, _depth + 1
    return node if isinstance(node, dict) else {}


def _enum_of(schema: dict, root: dict | None = None) -> list | None:
    schema = _deref(root, schema) if root is not None else schema
    if "enum" in schema:
        return list(schema["enum"])
    if "const" in schema:
        return [schema["const"]]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            values: list = []
            for sub in schema[key]:
                sub_enum = _enum_of(sub, root)
                if sub_enum is None:
                    if key != "allOf":
                        return None
                    continue
                values.extend(sub_enum)
            return values or None
    return None
