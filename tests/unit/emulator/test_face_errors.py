"""Face error factories (emulator/services/face/errors.py)."""

from cognitive_conformance.emulator import errors as generic
from cognitive_conformance.emulator.services.face import errors


def test_face_errors_use_the_azure_envelope() -> None:
    body, headers = generic.azure_envelope(errors.group_not_trained("persongroups"))
    assert body == {"error": {"code": "PersonGroupNotTrained", "message": "Person group not trained."}}
    assert headers == {"x-ms-error-code": "PersonGroupNotTrained"}


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
    assert errors.quota_exceeded("x").status == 403
    assert errors.invalid_image_size("Image size is too big.").code == "InvalidImageSize"
    assert errors.operation_not_found().code == "NotFound" and errors.operation_id_invalid().status == 400
    assert (errors.auth_error("v1.0").code, errors.auth_error("v1.2").code) == ("Unspecified", "401")
    assert errors.auth_error("v1.2").message == generic.ACCESS_DENIED_MESSAGE
    assert errors.unsupported_api_version("v9").status == 404
