"""Face faults beyond the core train-then-poll ones in ``emulator/faults.py``.

Each breaks one documented rule of the Face contract (status codes, error envelope,
content type, media-type limits) and names the checker's check that must catch it.
They only touch Face replies (``exchange.service == "face"``).
"""

from __future__ import annotations

from dataclasses import replace

from emulator.errors import ERROR_CODE_HEADER
from emulator.faults import Exchange, Fault, register_fault
from emulator.routing import NO_BODY, Reply

__all__ = [
    "DeleteReturns204",
    "ErrorWithoutMessage",
    "JsonLabelledAsText",
    "NotFoundAsServerError",
    "WrongMediaTypeAccepted",
]

_DELETE_GROUP_OPS = frozenset({"PersonGroupOperations_DeletePersonGroup", "PersonGroupOperations_DeleteLargePersonGroup"})


def _face(exchange: Exchange) -> bool:
    return exchange.service == "face"


def _error_body(reply: Reply) -> dict | None:
    if reply.status >= 400 and isinstance(reply.json, dict) and isinstance(reply.json.get("error"), dict):
        return reply.json
    return None


@register_fault
class DeleteReturns204(Fault):
    name = "delete-returns-204"
    description = "Delete Person Group answers 204 No Content instead of 200."
    breaks = "Delete Person Group returns 200, not 204 (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; tests/reference/azure-examples/face/v1.0/DeletePersonGroup.json)."
    expected_check = "status_code_documented"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if _face(exchange) and exchange.operation_id in _DELETE_GROUP_OPS and reply.status == 200:
            return replace(reply, status=204, json=NO_BODY, content=None)
        return reply


@register_fault
class ErrorWithoutMessage(Fault):
    name = "error-without-message"
    description = "Error envelopes carry error.code but no error.message."
    breaks = 'FaceErrorResponse requires both error.code and error.message (https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json).'
    expected_check = "error_envelope_valid"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _error_body(reply)
        if _face(exchange) and body is not None:
            return replace(reply, json={"error": {k: v for k, v in body["error"].items() if k != "message"}})
        return reply


@register_fault
class NotFoundAsServerError(Fault):
    name = "not-found-as-500"
    description = "A missing resource answers 500 InternalServerError instead of 404."
    breaks = "A missing or invalid group is 404 PersonGroupNotFound (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 Response 404)."
    expected_check = "status_code_documented"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _error_body(reply)
        if _face(exchange) and reply.status == 404 and body is not None:
            headers = {k: v for k, v in reply.headers.items() if k.lower() != ERROR_CODE_HEADER}
            headers[ERROR_CODE_HEADER] = "InternalServerError"
            error = {"code": "InternalServerError", "message": "Internal server error."}
            return replace(reply, status=500, json={"error": error}, headers=headers)
        return reply


@register_fault
class JsonLabelledAsText(Fault):
    name = "json-labelled-as-text"
    description = "Successful JSON bodies are sent with Content-Type text/plain."
    breaks = "Face answers application/json (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json: default produces application/json)."
    expected_check = "content_type_documented"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if _face(exchange) and 200 <= reply.status < 300 and reply.json is not NO_BODY:
            import json

            return replace(reply, json=NO_BODY, content=json.dumps(reply.json).encode("utf-8"), media_type="text/plain")
        return reply


@register_fault
class WrongMediaTypeAccepted(Fault):
    name = "wrong-media-type-accepted"
    description = "An add-face body with an unsupported Content-Type is decoded anyway (400 InvalidImage instead of 415)."
    breaks = "Add face accepts application/octet-stream or application/json only; others are 415 (tests/reference/azure-examples/face/v1.1-preview.1/PersonGroupOperations_AddPersonGroupPersonFaceFromUrl.json 415 'Invalid Media Type.')."
    expected_check = "documented_outcome_for_situation"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if _face(exchange) and reply.status == 415:
            headers = {k: v for k, v in reply.headers.items() if k.lower() != ERROR_CODE_HEADER}
            headers[ERROR_CODE_HEADER] = "InvalidImage"
            error = {"code": "InvalidImage", "message": "Decoding error, image format unsupported."}
            return replace(reply, status=400, json={"error": error}, headers=headers)
        return reply
