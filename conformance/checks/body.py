"""Rule family: response bodies.

* a body validates against the schema the spec documents for that status (version- and
  profile-specific), and is empty where the spec documents no content;
* a JSON body is labelled ``application/json``;
* long-running status fields hold a value of this API version's enum.
"""

from __future__ import annotations

from conformance.checks._util import truncate
from conformance.checks.registry import check
from conformance.context import CheckContext
from conformance.failures import SchemaViolation, StatusNotInVersionEnum, UndocumentedContentType
from conformance.transport import ResponseRecord

__all__ = ["response_schema_conforms", "content_type_documented", "status_in_version_enum"]

_STATUS_FIELDS = ("status", "enrollmentStatus")


def _documented_media(ctx: CheckContext, response: ResponseRecord) -> dict | None:
    if ctx.operation is None:
        return None
    resp = ctx.spec.response(ctx.operation.operation_id, response.status_code)
    if resp is None:
        return None
    return resp.get("content") or {}


@check
def response_schema_conforms(ctx: CheckContext, response: ResponseRecord) -> None:
    """The body validates against the documented schema for its status, and is empty where none is documented.

    Source: specs/<service>.yaml response schemas (each schema node cites its own `x-source`):
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 "202 Accepted: A successful call returns an empty response body", https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247
    (TrainingStatus fields), https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (TiEnrollmentInfo), https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (PersonalVoice).
    """
    media = _documented_media(ctx, response)
    if media is None:
        return
    if not media:
        if response.body.strip():
            raise SchemaViolation(
                f"{ctx.operation_id} {response.status_code} documents an empty body",
                received=truncate(response.body.decode("utf-8", "replace")),
                documented="empty body",
            )
        return
    if "application/json" not in media:
        return
    schema = ctx.spec.response_schema(ctx.operation.operation_id, response.status_code, "application/json")
    if schema is None:
        return
    try:
        body = response.json()
    except ValueError as exc:
        raise SchemaViolation(
            f"{ctx.operation_id} {response.status_code} body is not JSON",
            received=truncate(response.body.decode("utf-8", "replace")),
            documented="application/json body",
        ) from exc
    from conformance.spec import validate

    errors = validate(schema, body)
    if errors:
        raise SchemaViolation(
            f"{ctx.operation_id} {response.status_code} body violates the {ctx.version} {ctx.profile} schema: "
            + "; ".join(errors[:3]),
            received=truncate(body),
            documented=ctx.spec.source(ctx.operation.operation_id, response.status_code),
        )


@check
def content_type_documented(ctx: CheckContext, response: ResponseRecord) -> None:
    """A non-empty body is sent with a Content-Type the spec documents for that status.

    Source: specs/<service>.yaml response content (Face/Speaker/Custom Voice answer
    `application/json`: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (default consumes/produces application/json), https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment
    sample response `Content-Type: application/json`).
    """
    media = _documented_media(ctx, response)
    if not media or not response.body.strip():
        return
    received = response.content_type
    if received not in {m.split(";")[0].strip().lower() for m in media}:
        raise UndocumentedContentType(
            f"{ctx.operation_id} {response.status_code} body labelled {received or 'with no Content-Type'}",
            received=received or "(none)",
            documented=", ".join(sorted(media)),
        )


@check
def status_in_version_enum(ctx: CheckContext, response: ResponseRecord) -> None:
    """A status field holds a value of this API version's enum, spelled exactly (strict) or in a documented variant (lenient).

    Source: https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (v1.0 `nonstarted|running|succeeded|failed`, v1.1+ `notStarted|…`;
    the v1.0 Get Training Status reference (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247) lists "notstarted"); https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json (Speaker `Enrolling|Training|Enrolled`, closed); https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json
    (Custom Voice PascalCase `NotStarted|Running|Succeeded|Failed|…`).
    """
    if ctx.operation is None or not 200 <= response.status_code < 300:
        return
    schema = ctx.spec.response_schema(ctx.operation.operation_id, response.status_code, "application/json")
    body = response.json_or_none()
    if not schema or not isinstance(body, dict):
        return
    props = _deref(schema, schema).get("properties") or {}
    for name in _STATUS_FIELDS:
        if name not in body or name not in props:
            continue
        enum = _enum_of(_deref(schema, props[name]), schema)
        if enum is None:
            continue
        value = body[name]
        if value not in enum:
            raise StatusNotInVersionEnum(
                f"{ctx.operation_id} {name}={value!r} is not in the {ctx.version} {ctx.profile} enum",
                received=value,
                documented=" | ".join(str(e) for e in enum),
            )


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
