"""Speaker Recognition error factories, built on the generic :class:`~emulator.errors.ApiError`.

The 2021-09-05 swagger documents no error codes, so codes and messages are those of the v3.0
swagger (https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json), repeated in ``specs/speaker.yaml``; the few the documents do not
give (body over 5 MB, identify with too little speech, unknown api-version) are decisions
recorded in the spec. :func:`adapt_generic_error` turns the pipeline's generic errors (media
type, JSON, body size) into these.

Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json codes and messages; specs/speaker.yaml components.responses.
"""

from __future__ import annotations

from cognitive_conformance.emulator import errors as generic
from cognitive_conformance.emulator.errors import ApiError

__all__ = [
    "AUDIO_FORMAT",
    "SUPPORTED_LOCALES",
    "adapt_generic_error",
    "audio_format",
    "audio_too_long",
    "audio_too_short",
    "body_missing",
    "concurrent_request",
    "invalid_api_version",
    "invalid_ignore_min_length",
    "invalid_json",
    "invalid_locale",
    "invalid_max_page_size",
    "invalid_profile_ids",
    "locale_missing",
    "locales_differ",
    "not_enough_speech",
    "payload_too_large",
    "profile_ids_missing",
    "profile_not_enrolled",
    "profile_not_found",
    "too_many_profiles",
    "too_noisy",
    "total_too_long",
    "unauthorized",
    "unsupported_audio_media_type",
    "unsupported_json_media_type",
]

SUPPORTED_LOCALES = ("en-US", "es-ES", "fr-FR", "zh-CN")
"""Documented locales (https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json)."""

AUDIO_FORMAT = "Invalid audio format. Supported format is 16Khz 16bit Mono PCM."
_INVALID_REQUEST = "InvalidRequest"
_INVALID_ARGUMENT = "InvalidArgument"


def _request(message: str, status: int = 400) -> ApiError:
    return ApiError(status, _INVALID_REQUEST, message)


def _argument(message: str) -> ApiError:
    return ApiError(400, _INVALID_ARGUMENT, message)


def unauthorized(version: str | None = None) -> ApiError:
    """401 ``Unauthorized``. Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json responses.Unauthorized."""
    return ApiError(401, "Unauthorized", "Request is not authorized. Make sure subscription key is included and valid.")


def invalid_api_version(version: str = "") -> ApiError:
    """400 ``InvalidArgument`` for a missing/unknown ``api-version`` (decision in specs/speaker.yaml info.description)."""
    return _argument("Invalid api-version parameter value. Supported versions are 2021-09-05.")


def body_missing() -> ApiError:
    """400 InvalidRequest "Request body is missing." Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json."""
    return _request("Request body is missing.")


def invalid_json() -> ApiError:
    """400 InvalidRequest "Invalid JSON format." Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json (create profile)."""
    return _request("Invalid JSON format.")


def locale_missing() -> ApiError:
    """400 InvalidRequest "Locale parameter is missing." Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json."""
    return _request("Locale parameter is missing.")


def invalid_locale() -> ApiError:
    """400 InvalidArgument "Invalid locale value. Supported locales are ...". Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json."""
    return _argument(f"Invalid locale value. Supported locales are {', '.join(SUPPORTED_LOCALES)}.")


def invalid_max_page_size() -> ApiError:
    """400 InvalidArgument for ``maxpagesize`` outside [1, 500] (https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json ``$top`` wording). Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json."""
    return _argument("Invalid maxpagesize parameter value. Value should be positive integer in the range [1, 500].")


def invalid_ignore_min_length() -> ApiError:
    """400 InvalidArgument for an ``ignoreMinLength`` other than true/false. Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json."""
    return _argument('Invalid ignoreMinLength parameter value. Valid values are "true" and "false".')


def audio_format() -> ApiError:
    """400 InvalidRequest "Invalid audio format. ..." Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json; https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (16 kHz 16-bit mono PCM)."""
    return _request(AUDIO_FORMAT)


def audio_too_long(identify: bool = False) -> ApiError:
    """400 InvalidRequest: more than 120 s in one request. Source: https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json; https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json; https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment."""
    kind = "recognition" if identify else "enrollment"
    return _request(f"Invalid audio length. Maximum allowed length per {kind} request is 120 seconds.")


def audio_too_short(identify: bool = False) -> ApiError:
    """400 InvalidRequest: less than 1 s in one request. Source: https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json; https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json; https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment."""
    kind = "recognition" if identify else "enrollment"
    return _request(f"Invalid audio length. Minimum allowed length per {kind} request is 1 second.")


def too_noisy(identify: bool = False) -> ApiError:
    """400 InvalidRequest: SNR under 2 dB (also audio without any speech). Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json; https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment."""
    if identify:
        return _request("Minimum audio Signal-to-noise ratio (SNR) is 2dB")
    return _request("Audio is too noisy. The minimum allowed Signal-to-noise ratio (SNR) is 2dB.")


def not_enough_speech() -> ApiError:
    """400 InvalidRequest: identify audio with under 4 s of speech (decision; https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json states the limit only)."""
    return _request("Invalid audio length. Minimum allowed effective speech length per recognition request is 4 seconds.")


def total_too_long() -> ApiError:
    """403 InvalidRequest: more than 300 s of enrollment audio in total. Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json; https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment."""
    return _request("Maximum allowed length across all profile enrollments is 300 seconds.", status=403)


def profile_not_found() -> ApiError:
    """404 NotFound "Requested profile doesn't exist." Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json responses.NotFound."""
    return ApiError(404, "NotFound", "Requested profile doesn't exist.")


def concurrent_request() -> ApiError:
    """409 Conflict: another request is working on the same profile. Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json enrollments 409."""
    return ApiError(409, "Conflict", "Sending concurrent requests on same profile is not allowed.")


def payload_too_large() -> ApiError:
    """413 InvalidRequest: body over 5 MB (5 × 2^20 bytes; decision in specs/speaker.yaml PayloadTooLarge)."""
    return _request("Request body is larger than 5MB.", status=413)


def unsupported_audio_media_type() -> ApiError:
    """415 UnsupportedMediaType for enrollment/identify bodies. Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json."""
    return ApiError(415, "UnsupportedMediaType", "Unsupported media type. Only 'audio/wav; codecs=audio/pcm' is accepted.")


def unsupported_json_media_type() -> ApiError:
    """415 UnsupportedMediaType for create profile. Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json."""
    return ApiError(415, "UnsupportedMediaType", "Unsupported media type. Only 'application/JSON' is accepted.")


def profile_ids_missing() -> ApiError:
    """400 InvalidRequest: no ``profileIds``. Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json (identify)."""
    return _request("profileIds parameter is missing. It should be comma-delimited list of IDs containing at least one ID.")


def invalid_profile_ids() -> ApiError:
    """400 InvalidArgument: ``profileIds`` is not a list of GUIDs. Source: specs/speaker.yaml IdentifyBadRequest."""
    return _argument("Invalid profileIds parameter value. It should be comma-delimited list of IDs containing at least one ID.")


def too_many_profiles() -> ApiError:
    """400 InvalidRequest: more than 50 candidates. Source: https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json; https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json."""
    return _request("Maximum number of profiles allowed per request is 50.")


def profile_not_enrolled() -> ApiError:
    """400 InvalidRequest "Profile is not enrolled." Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json (identify)."""
    return _request("Profile is not enrolled.")


def locales_differ() -> ApiError:
    """400 InvalidRequest: candidates of different locales. Source: https://github.com/Azure/azure-rest-api-specs/blob/dc60db11f92cc9eb2e71b28bcba8b4583e5cc845/specification/cognitiveservices/data-plane/Speech/SpeakerRecognition/identification/identification-swagger.json (identify)."""
    return _request("Invalid group of profiles. Profiles must have the same locale.")


_JSON_OPERATIONS = frozenset({"TextIndependent_CreateProfile"})


def adapt_generic_error(error: ApiError, operation_id: str | None) -> ApiError:
    """Map the pipeline's generic errors to the Speaker ones; anything else passes unchanged.

    * 415 (wrong media type) -> 415 ``UnsupportedMediaType`` with the JSON or audio message;
    * 400 malformed JSON -> ``InvalidRequest`` "Invalid JSON format."; empty JSON body -> "Request body is missing.";
    * 413 JSON body over the emulator's cap -> 413 ``InvalidRequest``.
    """
    if error.status == 415:
        if operation_id in _JSON_OPERATIONS:
            return unsupported_json_media_type()
        return unsupported_audio_media_type()
    if error.status == 400 and error.code == "BadArgument":
        if error.message == generic.json_parsing_error().message:
            return invalid_json()
        if error.message == generic.invalid_request_body().message:
            return body_missing()
    if error.status == 413 and error.code == "BadArgument":
        return _request(error.message, status=413)
    return error
