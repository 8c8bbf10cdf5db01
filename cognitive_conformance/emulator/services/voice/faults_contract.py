"""Custom Voice faults on the contract's shape: status codes, LRO headers, id limits.

Each rewrites the finished reply of one kind of request so that it breaks exactly one
documented rule, and names the check that must catch it; the pipeline applies them to Custom
Voice requests only.

Sources: POST, Personal Voices - Post (2024-02-01-preview),
https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview
(201 Created with Operation-Id and Operation-Location); specs/customvoice.yaml (statuses, ids).
"""

from __future__ import annotations

import re
from dataclasses import replace

from cognitive_conformance.emulator.errors import ERROR_CODE_HEADER
from cognitive_conformance.emulator.faults import Exchange, Fault, register_fault, without_header
from cognitive_conformance.emulator.routing import Reply
from cognitive_conformance.emulator.services.voice.faults import POST

__all__ = ["CreateReturns200", "DeleteReturns200WithBody", "DropOperationId", "DropOperationLocation", "LongIdsAccepted"]

_LRO_CREATES = frozenset(
    {"Consents_Post", "Consents_Create", "PersonalVoices_Post", "PersonalVoices_Create", "Models_Create", "Endpoints_Create"}
)
#: Every long-running request: the creates and the 202 actions (data upload, endpoint suspend and resume).
_LRO_REQUESTS = _LRO_CREATES | {"TrainingSets_UploadData", "Endpoints_Suspend", "Endpoints_Resume"}
_DELETES = frozenset(
    {"Projects_Delete", "Consents_Delete", "PersonalVoices_Delete", "TrainingSets_Delete", "Models_Delete", "Endpoints_Delete"}
)
_ID_CHARS = re.compile(r"^[a-zA-Z0-9._-]+$")


@register_fault
class CreateReturns200(Fault):
    name = "voice-create-returns-200"
    description = "Consent, personal-voice, model and endpoint creates answer 200 instead of 201 Created."
    breaks = f"Creates answer 201 Created with Operation-Id and Operation-Location ({POST})."
    expected_check = "status_code_documented"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if exchange.operation_id in _LRO_CREATES and reply.status == 201:
            return replace(reply, status=200)
        return reply


@register_fault
class DeleteReturns200WithBody(Fault):
    name = "voice-delete-returns-200-with-body"
    description = "Deletes answer 200 with a JSON body instead of 204 No Content."
    breaks = "Every Custom Voice delete answers 204 (specs/customvoice.yaml Projects_Delete, Consents_Delete, PersonalVoices_Delete, TrainingSets_Delete, Models_Delete, Endpoints_Delete)."
    expected_check = "status_code_documented"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if exchange.operation_id in _DELETES and reply.status == 204:
            return replace(reply, status=200, json={"deleted": exchange.path.rstrip("/").rsplit("/", 1)[-1]}, content=None)
        return reply


@register_fault
class DropOperationId(Fault):
    name = "voice-drop-operation-id"
    description = "Long-running requests (creates, data upload, endpoint suspend/resume) omit the Operation-Id response header."
    breaks = f"A create returns Operation-Id, equal to the id in Operation-Location ({POST}, sample response)."
    expected_check = "operation_id_header_present"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if exchange.operation_id in _LRO_REQUESTS and 200 <= reply.status < 300:
            return replace(reply, headers=without_header(reply.headers, "operation-id"))
        return reply


@register_fault
class DropOperationLocation(Fault):
    name = "voice-drop-operation-location"
    description = "Long-running requests (creates, data upload, endpoint suspend/resume) omit the Operation-Location response header."
    breaks = f"A create returns Operation-Location …/customvoice/operations/{{id}}?api-version=… ({POST})."
    expected_check = "lro_operation_location_present"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if exchange.operation_id in _LRO_REQUESTS and 200 <= reply.status < 300:
            return replace(reply, headers=without_header(reply.headers, "operation-location"))
        return reply


@register_fault
class LongIdsAccepted(Fault):
    name = "voice-long-ids-accepted"
    description = "Resource ids longer than 64 characters are not rejected (a missing resource is 404 instead of 400)."
    breaks = "Resource ids match ^[a-zA-Z0-9][a-zA-Z0-9._-]{1,62}[a-zA-Z0-9]$, 3..64 characters, else 400 BadArgument (specs/customvoice.yaml ResourceId)."
    expected_check = "documented_outcome_for_situation"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        last = exchange.path.rstrip("/").rsplit("/", 1)[-1]
        if reply.status == 400 and len(last) > 64 and _ID_CHARS.match(last):
            error = {"code": "NotFound", "message": f"The resource '{last}' was not found."}
            headers = without_header(reply.headers, ERROR_CODE_HEADER)
            headers[ERROR_CODE_HEADER] = "NotFound"
            return replace(reply, status=404, json={"error": error}, headers=headers, content=None)
        return reply
