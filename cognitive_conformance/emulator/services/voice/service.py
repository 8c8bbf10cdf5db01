"""The Custom Voice service definition: prefix ``/customvoice``, ``api-version`` query, route table.

Versions 2024-02-01-preview and 2026-01-01 (the same contract for these operations); a missing
``api-version`` or an unknown one is 400 ``BadRequest`` with the documented message. 401 is
``Unauthorized``. Handlers are the snake_case of the upstream operationIds.

Sources: https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (versions, query api-version), https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (operations); specs/customvoice.yaml
``info.description`` (api-version and error decisions).
"""

from __future__ import annotations

from cognitive_conformance.emulator.routing import ApiVersionPolicy, Route, ServiceDefinition
from cognitive_conformance.emulator.services.voice import consents, errors, operations, personal_voices, projects, views
from cognitive_conformance.emulator.services.voice import validation as v

__all__ = ["VERSIONS", "SERVICE", "routes"]

VERSIONS = errors.SUPPORTED_VERSIONS
_JSON = ("application/json",)
_FORM = ("multipart/form-data",)


def routes() -> tuple[Route, ...]:
    """Every Custom Voice route (projects, consents, personal voices, operations)."""
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
        Route("Operations_Get", "GET", "/operations/{id}", operations.operations_get, v.validate_id),
    )


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
