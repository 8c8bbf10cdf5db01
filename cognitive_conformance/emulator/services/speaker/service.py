"""The Speaker Recognition service definition: prefix, ``api-version`` query policy, route table.

Paths are ``/speaker-recognition/identification/text-independent/...`` with the required query
``api-version=2021-09-05`` (missing or other -> 400 ``InvalidArgument``, decision in the spec).
Operation ids are the upstream ``TextIndependent_*``; handlers are their snake_case.
The router ignores one trailing slash (the Speech SDK posts to ``.../profiles/?api-version=...``).
Writes on one profile (enroll, reset, delete) carry the :func:`profile_in_flight` guard (409 when
another is in flight); audio routes cap the body at 5 MB while reading (413).

Source: https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json (base, api-version, auth header), https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json (operations), https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json (errors).
"""

from __future__ import annotations

from cognitive_conformance.emulator.errors import azure_envelope
from cognitive_conformance.emulator.routing import ApiVersionPolicy, Route, ServiceDefinition
from cognitive_conformance.emulator.services.speaker import enrollments, errors, identify, phrases, profiles, views
from cognitive_conformance.emulator.services.speaker.state import profile_in_flight
from cognitive_conformance.emulator.services.speaker.validation import (
    body_limit,
    validate_create_profile,
    validate_enroll,
    validate_identify,
    validate_list_profiles,
    validate_locale,
    validate_profile_ref,
)

__all__ = ["PREFIX", "VERSIONS", "SERVICE", "routes"]

PREFIX = "/speaker-recognition"
VERSIONS = ("2021-09-05",)
_TI = "/identification/text-independent"
_ONE = f"{_TI}/profiles/{{profileId}}"
_JSON = ("application/json",)
_AUDIO = ("audio/wav",)


def routes() -> tuple[Route, ...]:
    """Every Speaker route (text-independent identification)."""
    return (
        Route("TextIndependent_CreateProfile", "POST", f"{_TI}/profiles", profiles.create_profile, validate_create_profile, "json", _JSON),
        Route("TextIndependent_ListProfiles", "GET", f"{_TI}/profiles", profiles.list_profiles, validate_list_profiles),
        Route(
            "TextIndependent_IdentifySingleSpeaker",
            "POST",
            f"{_TI}/profiles:identifySingleSpeaker",
            identify.identify_single_speaker,
            validate_identify,
            "media",
            _AUDIO,
            body_limit=body_limit,
        ),
        Route(
            "TextIndependent_ResetProfile",
            "POST",
            f"{_ONE}:reset",
            profiles.reset_profile,
            validate_profile_ref,
            guard=profile_in_flight,
        ),
        Route("TextIndependent_GetProfile", "GET", _ONE, profiles.get_profile, validate_profile_ref),
        Route("TextIndependent_DeleteProfile", "DELETE", _ONE, profiles.delete_profile, validate_profile_ref, guard=profile_in_flight),
        Route(
            "TextIndependent_CreateEnrollment",
            "POST",
            f"{_ONE}/enrollments",
            enrollments.create_enrollment,
            validate_enroll,
            "media",
            _AUDIO,
            body_limit=body_limit,
            guard=profile_in_flight,
        ),
        Route("TextIndependent_ListActivationPhrases", "GET", f"{_TI}/phrases/{{locale}}", phrases.list_activation_phrases, validate_locale),
    )


SERVICE = ServiceDefinition(
    name="speaker",
    prefix=PREFIX,
    routes=routes(),
    envelope=azure_envelope,
    versions=ApiVersionPolicy(
        location="query",
        supported=VERSIONS,
        unsupported=errors.invalid_api_version,
        missing=errors.invalid_api_version,
        parameter="api-version",
    ),
    auth_error=errors.unauthorized,
    adapt_error=errors.adapt_generic_error,
    in_progress=views.in_progress,
)
