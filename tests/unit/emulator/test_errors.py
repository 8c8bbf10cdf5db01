from emulator import errors


def test_azure_envelope_has_body_and_matching_header() -> None:
    body, headers = errors.azure_envelope(errors.group_not_trained("persongroups"))
    assert body == {"error": {"code": "PersonGroupNotTrained", "message": "Person group not trained."}}
    assert headers == {"x-ms-error-code": "PersonGroupNotTrained"}


def test_extra_headers_travel_with_the_error() -> None:
    _, headers = errors.azure_envelope(errors.method_not_allowed(["GET", "PUT"]))
    assert headers["Allow"] == "GET, PUT" and headers["x-ms-error-code"] == "MethodNotAllowed"


def test_group_factories_use_kind_specific_codes_and_messages() -> None:
    cases = {
        errors.group_not_found: ("PersonGroupNotFound", "LargePersonGroupNotFound", 404),
        errors.group_exists: ("PersonGroupExists", "LargePersonGroupExists", 409),
        errors.group_not_trained: ("PersonGroupNotTrained", "LargePersonGroupNotTrained", 404),
        errors.group_training_not_finished: ("PersonGroupTrainingNotFinished", "LargePersonGroupTrainingNotFinished", 409),
    }
    for factory, (small, large, status) in cases.items():
        assert (factory("persongroups").code, factory("persongroups").status) == (small, status)
        assert (factory("largepersongroups").code, factory("largepersongroups").status) == (large, status)
    assert errors.group_training_not_finished("largepersongroups").message == "Large person group is under training."
    assert errors.group_id_invalid("persongroups").message == "Person group ID is invalid."
    assert errors.group_id_invalid_on_create("persongroups").status == 400


def test_documented_statuses_and_messages() -> None:
    assert (errors.invalid_media_type().status, errors.invalid_media_type().message) == (415, "Invalid Media Type.")
    assert errors.json_parsing_error().message == "JSON parsing error."
    assert errors.access_denied("Unspecified").status == 401
    assert errors.access_denied("401").message == errors.ACCESS_DENIED_MESSAGE
    assert errors.quota_exceeded("x").status == 403
    assert errors.invalid_image_size("Image size is too big.").code == "InvalidImageSize"
    assert errors.internal_error().status == 500 and "Traceback" not in errors.internal_error().message
    assert errors.operation_not_found().code == "NotFound" and errors.operation_id_invalid().status == 400
