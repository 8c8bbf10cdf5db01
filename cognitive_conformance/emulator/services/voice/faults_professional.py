"""Custom Voice faults on professional voice: training data, model outcomes and reasons, endpoint states, base models.

Each rewrites the finished reply of one kind of read so that it breaks exactly one documented rule, and
names the check that must catch it; the pipeline applies them to Custom Voice requests of their versions only.

Sources: V2026 https://github.com/Azure/azure-rest-api-specs/blob/0eaa5cbcc2df77e52a6dd5ffa7b3632bc5ac9473/specification/cognitiveservices/data-plane/Speech/TextToSpeech/stable/2026-01-01/texttospeech.json
and V2024 https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json
(ModelFailureReason per version, TrainingSetProperties, Endpoints_Suspend/Resume, BaseModels_List);
specs/customvoice.yaml.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cognitive_conformance.emulator.faults import Exchange, Fault, register_fault
from cognitive_conformance.emulator.routing import Reply

__all__ = [
    "ModelDataNotReadyReportedInternal",
    "ModelFailureReasonOfAnotherVersion",
    "UploadCountsNothing",
    "ModelTrainingFails",
    "EndpointSuspendNotDisabled",
    "BaseModelsShapeOfAnotherVersion",
]

V2026 = "https://github.com/Azure/azure-rest-api-specs/blob/0eaa5cbcc2df77e52a6dd5ffa7b3632bc5ac9473/specification/cognitiveservices/data-plane/Speech/TextToSpeech/stable/2026-01-01/texttospeech.json"
V2024 = "https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json"
_MODEL_READS = frozenset({"Models_Get", "Models_Create"})


def _json(exchange: Exchange, reply: Reply, operations: frozenset[str]) -> dict[str, Any] | None:
    if exchange.operation_id in operations and 200 <= reply.status < 300 and isinstance(reply.json, dict):
        return reply.json
    return None


def _with_reason(reply: Reply, body: dict[str, Any], before: str, after: str) -> Reply:
    props = body.get("properties")
    if isinstance(props, dict) and props.get("failureReason") == before:
        return replace(reply, json={**body, "properties": {**props, "failureReason": after}})
    return reply


@register_fault
class ModelDataNotReadyReportedInternal(Fault):
    name = "model-data-not-ready-reported-internal"
    description = "A model whose training data is not ready fails with failureReason Internal instead of DataNotReady."
    breaks = f"2026-01-01 documents ModelFailureReason DataNotReady, 'Training data is not ready for model training' ({V2026})."
    expected_check = "voice_model_failure_reason_of_version"
    api_versions = ("2026-01-01",)

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _json(exchange, reply, _MODEL_READS)
        return reply if body is None else _with_reason(reply, body, "DataNotReady", "Internal")


@register_fault
class ModelFailureReasonOfAnotherVersion(Fault):
    name = "model-failure-reason-of-another-version"
    description = "2024-02-01-preview answers the 2026-01-01 failureReason DataNotReady, which its enum does not list."
    breaks = f"A 2024-02-01-preview model fails with a value of that version's ModelFailureReason enum ({V2024})."
    expected_check = "voice_model_failure_reason_of_version"
    api_versions = ("2024-02-01-preview",)

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _json(exchange, reply, _MODEL_READS)
        return reply if body is None else _with_reason(reply, body, "Internal", "DataNotReady")


@register_fault
class UploadCountsNothing(Fault):
    name = "upload-counts-nothing"
    description = "A training set whose upload succeeded reports utteranceCount 0."
    breaks = f"Uploaded data is in the training set: utteranceCount counts its utterances ({V2026} TrainingSetProperties)."
    expected_check = "voice_upload_adds_training_data"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _json(exchange, reply, frozenset({"TrainingSets_Get"}))
        if body is None or body.get("status") != "Succeeded" or not isinstance(body.get("properties"), dict):
            return reply
        return replace(reply, json={**body, "properties": {**body["properties"], "utteranceCount": 0}})


@register_fault
class ModelTrainingFails(Fault):
    name = "model-training-fails"
    description = "A model trained on uploaded data with a Succeeded consent reads Failed (Internal) instead of Succeeded."
    breaks = f"A model with a Succeeded consent and uploaded training data trains to Succeeded ({V2026} Models_Create)."
    expected_check = "voice_model_trains_on_ready_data"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _json(exchange, reply, frozenset({"Models_Get"}))
        if body is None or body.get("status") != "Succeeded":
            return reply
        return replace(reply, json={**body, "status": "Failed", "properties": {"failureReason": "Internal"}})


@register_fault
class EndpointSuspendNotDisabled(Fault):
    name = "endpoint-suspend-not-disabled"
    description = "A suspended endpoint reads Succeeded instead of Disabled once its suspend operation succeeded."
    breaks = f"Endpoints_Suspend: the endpoint is Disabling, then Disabled ({V2026}; example suspend_endpoint.json)."
    expected_check = "voice_endpoint_suspend_resume_status"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        body = _json(exchange, reply, frozenset({"Endpoints_Get"}))
        if body is None or body.get("status") != "Disabled":
            return reply
        return replace(reply, json={**body, "status": "Succeeded"})


@register_fault
class BaseModelsShapeOfAnotherVersion(Fault):
    name = "basemodels-shape-of-another-version"
    description = "BaseModels_List answers the other version's shape: {value} in 2024-02-01-preview, a bare array in 2026-01-01."
    breaks = f"BaseModels_List is an array of BaseModel in 2024-02-01-preview ({V2024}) and PaginatedBaseModels in 2026-01-01 ({V2026})."
    expected_check = "response_schema_conforms"

    def transform(self, exchange: Exchange, reply: Reply) -> Reply:
        if exchange.operation_id != "BaseModels_List" or reply.status != 200:
            return reply
        if isinstance(reply.json, list):
            return replace(reply, json={"value": reply.json})
        if isinstance(reply.json, dict) and isinstance(reply.json.get("value"), list):
            return replace(reply, json=reply.json["value"])
        return reply
