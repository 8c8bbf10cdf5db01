"""The Custom Voice service definition: prefix ``/customvoice``, ``api-version`` query, route table.

Versions 2024-02-01-preview and 2026-01-01 (the same contract for these operations); a missing
``api-version`` or an unknown one is 400 ``BadRequest`` with the documented message. 401 is
``Unauthorized``. Handlers are the snake_case of the upstream operationIds.

Sources: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (versions, query api-version), https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (operations); specs/customvoice.yaml
``info.description`` (api-version and error decisions).
"""

from __future__ import annotations

from cognitive_conformance.emulator.routing import ApiVersionPolicy, Route, ServiceDefinition
from cognitive_conformance.emulator.services.voice import consents, errors, operations, personal_voices, professional, projects, views
from cognitive_conformance.emulator.services.voice import professional_validation as pv
from cognitive_conformance.emulator.services.voice import validation as v

__all__ = ["VERSIONS", "SERVICE", "routes"]

VERSIONS = errors.SUPPORTED_VERSIONS
_JSON = ("application/json",)
_FORM = ("multipart/form-data",)


def routes() -> tuple[Route, ...]:
    """Every Custom Voice route (projects, consents, personal voices, professional voice, operations)."""
    return (
        Route("Projects_List", "GET", "/projects", projects.projects_list, v.validate_list),
        Route("Projects_Get", "GET", "/projects/{id}", projects.projects_get, v.validate_id),
        Route("Projects_Create", "PUT", "/projects/{id}", projects.projects_create, v.validate_create_project, "json", _JSON),
        Route("Projects_Delete", "DELETE", "/projects/{id}", projects.projects_delete, v.validate_delete_project),
        Route("Consents_List", "GET", "/consents", consents.consents_list, v.validate_list),
        Route("Consents_Get", "GET", "/consents/{id}", consents.consents_get, v.validate_id),
        Route("Consents_Create", "PUT", "/consents/{id}", consents.consents_create, v.validate_consent_json, "json", _JSON),
        Route("Consents_Post", "POST", "/consents/{id}", consents.consents_post, v.validate_consent_form, "form", _FORM),
        Route("Consents_Delete", "DELETE", "/consents/{id}", consents.consents_delete, v.validate_id),
        Route("PersonalVoices_List", "GET", "/personalvoices", personal_voices.personal_voices_list, v.validate_list),
        Route("PersonalVoices_Get", "GET", "/personalvoices/{id}", personal_voices.personal_voices_get, v.validate_id),
        Route(
            "PersonalVoices_Create",
            "PUT",
            "/personalvoices/{id}",
            personal_voices.personal_voices_create,
            v.validate_personal_voice_json,
            "json",
            _JSON,
        ),
        Route(
            "PersonalVoices_Post",
            "POST",
            "/personalvoices/{id}",
            personal_voices.personal_voices_post,
            v.validate_personal_voice_form,
            "form",
            _FORM,
        ),
        Route("PersonalVoices_Delete", "DELETE", "/personalvoices/{id}", personal_voices.personal_voices_delete, v.validate_id),
        *professional_routes(),
        Route("Operations_Get", "GET", "/operations/{id}", operations.operations_get, v.validate_id),
    )


def professional_routes() -> tuple[Route, ...]:
    """Training sets (and their data uploads), models, base models and endpoints (suspend, resume)."""
    p = professional
    return (
        Route("TrainingSets_List", "GET", "/trainingsets", p.training_sets_list, v.validate_list),
        Route("TrainingSets_Get", "GET", "/trainingsets/{id}", p.training_sets_get, v.validate_id),
        Route("TrainingSets_Create", "PUT", "/trainingsets/{id}", p.training_sets_create, pv.validate_training_set, "json", _JSON),
        Route("TrainingSets_Delete", "DELETE", "/trainingsets/{id}", p.training_sets_delete, v.validate_id),
        Route("TrainingSets_UploadData", "POST", "/trainingsets/{id}:upload", p.training_sets_upload_data, pv.validate_upload, "json", _JSON),
        Route("Models_List", "GET", "/models", p.models_list, v.validate_list),
        Route("Models_Get", "GET", "/models/{id}", p.models_get, v.validate_id),
        Route("Models_Create", "PUT", "/models/{id}", p.models_create, pv.validate_model, "json", _JSON),
        Route("Models_Delete", "DELETE", "/models/{id}", p.models_delete, v.validate_id),
        Route("BaseModels_List", "GET", "/basemodels", p.base_models_list, _no_input),
        Route("Endpoints_List", "GET", "/endpoints", p.endpoints_list, v.validate_list),
        Route("Endpoints_Get", "GET", "/endpoints/{id}", p.endpoints_get, pv.validate_endpoint_id),
        Route("Endpoints_Create", "PUT", "/endpoints/{id}", p.endpoints_create, pv.validate_endpoint, "json", _JSON),
        Route("Endpoints_Delete", "DELETE", "/endpoints/{id}", p.endpoints_delete, pv.validate_endpoint_id),
        Route("Endpoints_Suspend", "POST", "/endpoints/{id}:suspend", p.endpoints_suspend, pv.validate_endpoint_action),
        Route("Endpoints_Resume", "POST", "/endpoints/{id}:resume", p.endpoints_resume, pv.validate_endpoint_action),
    )


async def _no_input(raw: object, config: object) -> None:
    """An operation without parameters besides api-version."""
    return None


SERVICE = ServiceDefinition(
    name="customvoice",
    prefix="/customvoice",
    routes=routes(),
    envelope=errors.voice_envelope,
    versions=ApiVersionPolicy(
        location="query",
        supported=VERSIONS,
        unsupported=errors.api_version_unsupported,
        missing=errors.api_version_missing,
        parameter="api-version",
    ),
    auth_error=errors.unauthorized,
    in_progress=views.in_progress,
)
