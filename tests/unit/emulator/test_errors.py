"""The generic error building of the core: the Azure envelope and the pipeline's own errors."""

from cognitive_conformance.emulator import errors


def test_azure_envelope_has_body_and_matching_header() -> None:
    body, headers = errors.azure_envelope(errors.ApiError(404, "SomethingNotFound", "Something is not found."))
    assert body == {"error": {"code": "SomethingNotFound", "message": "Something is not found."}}
    assert headers == {"x-ms-error-code": "SomethingNotFound"}


def test_extra_headers_travel_with_the_error() -> None:
    _, headers = errors.azure_envelope(errors.method_not_allowed(["GET", "PUT"]))
    assert headers["Allow"] == "GET, PUT" and headers["x-ms-error-code"] == "MethodNotAllowed"


def test_documented_statuses_and_messages() -> None:
    assert (errors.invalid_media_type().status, errors.invalid_media_type().message) == (415, "Invalid Media Type.")
    assert errors.json_parsing_error().message == "JSON parsing error."
    assert errors.access_denied("Unspecified").status == 401
    assert errors.access_denied("401").message == errors.ACCESS_DENIED_MESSAGE
    assert errors.request_too_large(10).status == 413 and "10 bytes" in errors.request_too_large(10).message
    assert errors.internal_error().status == 500 and "Traceback" not in errors.internal_error().message


def test_core_builds_no_service_specific_error() -> None:
    """Service factories live in emulator/services/<svc>/errors.py; the core keeps only generic ones."""
    assert not {"group_not_found", "person_not_found", "operation_not_found", "quota_exceeded", "invalid_image"} & set(dir(errors))
