"""``cognitive_conformance.st_extension`` in process: its checks' three answers, credentials and the failure filter.

Responses are built as Schemathesis builds them (``schemathesis.core.transport.Response`` over a prepared
``requests`` request); nothing is sent. The e2e counterpart, over real HTTP, is tests/e2e/test_st_native.py.
"""

from __future__ import annotations

import json

import pytest
import requests
import schemathesis
from schemathesis.core.transport import Response
from schemathesis.openapi.checks import RejectedPositiveData

from cognitive_conformance import st_extension
from cognitive_conformance.conformance import spec_render

KEY = "st-extension-unit-key-0c4f"
GROUP = "/face/v1.2/persongroups/{personGroupId}"
ADD_FACE = "/face/v1.2/persongroups/{personGroupId}/persons/{personId}/persistedfaces"


def _check(name: str):
    return next(c for c in st_extension.CHECKS if c.__name__ == name)


def _response(case, status: int, body: object, headers: dict[str, str] | None = None) -> Response:
    request = requests.Request(case.method, f"http://127.0.0.1:5000{case.formatted_path}",
                               headers={"Ocp-Apim-Subscription-Key": KEY, "Authorization": f"Bearer {KEY}-token"}).prepare()
    content = json.dumps(body).encode() if body is not None else b""
    merged = {"content-type": ["application/json"], **{k: [v] for k, v in (headers or {}).items()}}
    return Response(status_code=status, headers=merged if content else {}, content=content, request=request, elapsed=0.01, verify=True)


@pytest.fixture(scope="module")
def schema():
    return schemathesis.openapi.from_dict(spec_render.standalone("face", "v1.2", "observed"))


def test_every_error_response_rule_is_a_registered_check_named_after_it() -> None:
    from schemathesis.checks import CHECKS

    names = set(CHECKS.get_all_names())
    assert {c.__name__ for c in st_extension.CHECKS} <= names
    assert "cc_error_envelope_valid" in names and "cc_status_code_documented" in names
    assert not {c.__name__ for c in st_extension.WARNING_CHECKS} & names  # warnings never fail a run: not registered
    assert [c.__name__ for c in st_extension.WARNING_CHECKS] == ["cc_error_code_documented"]


def test_a_broken_envelope_fails_naming_the_rule_and_its_source_and_never_the_key(schema) -> None:
    case = schema[GROUP]["GET"].Case(path_parameters={"personGroupId": "g1"})
    response = _response(case, 404, {"error": {"code": "PersonGroupNotFound"}})
    with pytest.raises(AssertionError) as raised:
        _check("cc_error_envelope_valid")(None, response, case)
    message = str(raised.value)
    assert message.startswith("Every error response is a JSON envelope")
    assert "'message' is missing or not a string" in message
    assert "Rule: error_envelope_valid (error; face v1.2, observed profile)" in message
    assert "Source: Face https://learn.microsoft.com/" in message
    assert KEY not in message


def test_a_rule_passes_with_none_and_does_not_apply_with_true(schema) -> None:
    case = schema[GROUP]["GET"].Case(path_parameters={"personGroupId": "g1"})
    error = _response(case, 404, {"error": {"code": "PersonGroupNotFound", "message": "Person group is not found."}})
    assert _check("cc_error_envelope_valid")(None, error, case) is None  # passed
    success = _response(case, 200, {"personGroupId": "g1", "name": "n"})
    assert _check("cc_error_envelope_valid")(None, success, case) is True  # not an error response: not applied
    assert _check("cc_status_code_documented")(None, success, case) is None
    with pytest.raises(AssertionError, match="Rule: status_code_documented"):
        _check("cc_status_code_documented")(None, _response(case, 418, {"error": {"code": "x", "message": "y"}}), case)


def test_a_document_not_rendered_by_spec_render_is_never_judged() -> None:
    document = spec_render.standalone("face", "v1.2", "observed")
    del document["info"]["x-profile"]
    case = schemathesis.openapi.from_dict(document)[GROUP]["GET"].Case(path_parameters={"personGroupId": "g1"})
    broken = _response(case, 404, {"nothing": "here"})
    assert st_extension.spec_context(case) is None
    assert all(check(None, broken, case) is True for check in st_extension.CHECKS)


def test_the_record_keeps_no_credential(schema) -> None:
    case = schema[GROUP]["GET"].Case(path_parameters={"personGroupId": "g1"})
    record = st_extension._record(_response(case, 200, {"personGroupId": "g1", "name": "n"}))
    assert record.request.header("Ocp-Apim-Subscription-Key") == "***"
    assert record.request.header("Authorization") == "Bearer ***"
    assert KEY not in repr(record.request)


@pytest.mark.parametrize(("code", "kept"), [("InvalidImageSize", False), ("InvalidURL", False), ("PersonNotFound", True)])
def test_the_filter_drops_only_a_documented_rejection(schema, code: str, kept: bool) -> None:
    case = schema[ADD_FACE]["POST"].Case(path_parameters={"personGroupId": "g", "personId": "25985303-c537-4467-b41d-bdb45cd95ca1"},
                                         media_type="application/octet-stream", body=b"\x89PNG")
    response = _response(case, 400, {"error": {"code": code, "message": "m"}})
    failure = RejectedPositiveData(operation=case.operation.label, message="m", status_code=400, allowed_statuses=["2xx"])
    assert st_extension.filter_failure(None, failure, case, response) is kept
    other = schema[GROUP]["GET"].Case(path_parameters={"personGroupId": "g1"})  # documents no semantic rejection
    assert st_extension.filter_failure(None, failure, other, _response(other, 400, {"error": {"code": code, "message": "m"}})) is True


def test_speech_clips_are_registered_only_for_a_document_with_a_raw_audio_body() -> None:
    """Registered, the audio/wav media type would also replace a multipart array of audio/wav parts with one part
    without a filename (Custom Voice PersonalVoices_Post), so only a document with a raw audio body gets it."""
    from schemathesis.core.media_types import MEDIA_TYPE_STRATEGIES

    from cognitive_conformance.strategies import audio

    assert audio.raw_audio_body(spec_render.standalone("speaker"))  # its body is a components requestBody
    assert not audio.raw_audio_body(spec_render.standalone("customvoice"))  # audio/wav only inside forms
    assert not audio.raw_audio_body(spec_render.standalone("face"))
    # one process loads one document after another: the clips come and go with the raw body
    st_extension.before_load_schema(None, spec_render.standalone("speaker"))
    assert audio.AUDIO_MEDIA_TYPE in MEDIA_TYPE_STRATEGIES
    st_extension.before_load_schema(None, spec_render.standalone("customvoice"))
    assert audio.AUDIO_MEDIA_TYPE not in MEDIA_TYPE_STRATEGIES
