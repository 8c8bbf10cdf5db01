"""The Custom Voice check family on hand-built responses: pass, fail and not applicable for each rule.

Source: STYLE.md "Writing a check" (hand-built ResponseRecords); conformance/checks/voice.py docstrings.
"""

from __future__ import annotations

from conformance.packs.voice import rules as voice
from conformance.context import LroView
from conformance.failures import ResourceFieldChanged, TrainingResultUnexpected
from tests.unit.conformance.checks._helpers import CV_ORDER, CV_TERMINAL, context, expect_failure, response

V = "2024-02-01-preview"
PROFILE = "3059912f-a3dc-49e3-bdd0-02e449df1fe3"
LRO = LroView(kind="resource", statuses=("NotStarted",), terminal=CV_TERMINAL, order=CV_ORDER, submitted_at=0.0)


def pv(status: str = "Running", profile: str = PROFILE, **extra: object) -> dict:
    return {"id": "Jessica-PersonalVoice", "speakerProfileId": profile, "projectId": "p01", "consentId": "c01",
            "status": status, "createdDateTime": "2023-04-01T05:30:00.000Z",
            "lastActionDateTime": "2023-04-01T05:30:00.000Z", **extra}


def created(body: dict, op: str = "op-1") -> object:
    loc = f"https://x/customvoice/operations/{op}?api-version={V}"
    return response(201, body, [("Operation-Id", op), ("Operation-Location", loc)], method="POST")


def test_speaker_profile_id_stable_pass_fail_and_not_applicable() -> None:
    first = response(200, pv())
    ctx = context("customvoice", V, "PersonalVoices_Get", history=(first,))
    voice.voice_speaker_profile_id_stable(ctx, response(200, pv()))
    failure = expect_failure(ResourceFieldChanged, voice.voice_speaker_profile_id_stable, ctx,
                             response(200, pv(profile="11111111-2222-3333-4444-555555555555")))
    assert "changed" in failure.message
    expect_failure(ResourceFieldChanged, voice.voice_speaker_profile_id_stable,
                   context("customvoice", V, "PersonalVoices_Get"), response(200, pv(profile="not-a-guid")))
    voice.voice_speaker_profile_id_stable(ctx, response(404, {"error": {"code": "NotFound", "message": "x"}}))
    # Another personal voice in the history is not compared.
    other = response(200, {**pv(profile="11111111-2222-3333-4444-555555555555"), "id": "other"})
    voice.voice_speaker_profile_id_stable(context("customvoice", V, "PersonalVoices_List", history=(other,)), response(200, pv()))
    voice.voice_speaker_profile_id_stable(context("face", "v1.2", None), response(200, pv(profile="x")))


def test_speaker_verification_outcomes() -> None:
    failed = pv("Failed", properties={"failureReason": "SpeakerVerificationFailed"})
    ctx = context("customvoice", V, "PersonalVoices_Get", situation="different-speakers-terminal", lro=LRO)
    voice.voice_speaker_verification_fails(ctx, response(200, failed))
    voice.voice_speaker_verification_fails(ctx, response(200, pv("Running")))  # not terminal yet
    expect_failure(TrainingResultUnexpected, voice.voice_speaker_verification_fails, ctx, response(200, pv("Succeeded")))
    expect_failure(TrainingResultUnexpected, voice.voice_speaker_verification_fails, ctx,
                   response(200, pv("Failed", properties={"failureReason": "Internal"})))
    op_ctx = context("customvoice", V, "Operations_Get", situation="different-speakers-terminal", lro=LRO)
    voice.voice_speaker_verification_fails(op_ctx, response(200, {"id": "op-1", "status": "Failed"}))
    expect_failure(TrainingResultUnexpected, voice.voice_speaker_verification_fails, op_ctx,
                   response(200, {"id": "op-1", "status": "Succeeded"}))
    same = context("customvoice", V, "PersonalVoices_Get", situation="same-speaker-terminal", lro=LRO)
    voice.voice_speaker_verification_fails(same, response(200, pv("Succeeded")))
    expect_failure(TrainingResultUnexpected, voice.voice_speaker_verification_fails, same, response(200, failed))
    voice.voice_speaker_verification_fails(context("customvoice", V, "PersonalVoices_Get", lro=LRO), response(200, pv("Succeeded")))


def test_operation_id_retry_idempotent() -> None:
    first = created(pv("NotStarted"))
    ctx = context("customvoice", V, "PersonalVoices_Post", situation="operation-id-retry", history=(first,))
    voice.voice_operation_id_retry_idempotent(ctx, created(pv("Running")))  # status may move on
    expect_failure(voice.OperationIdNotIdempotent, voice.voice_operation_id_retry_idempotent, ctx,
                   response(400, {"error": {"code": "BadRequest", "message": "already exists"}}))
    expect_failure(voice.OperationIdNotIdempotent, voice.voice_operation_id_retry_idempotent, ctx,
                   created(pv("NotStarted"), op="op-2"))
    expect_failure(voice.OperationIdNotIdempotent, voice.voice_operation_id_retry_idempotent, ctx,
                   created(pv("NotStarted", profile="11111111-2222-3333-4444-555555555555")))
    voice.voice_operation_id_retry_idempotent(context("customvoice", V, "PersonalVoices_Post"), response(400, {}))


def test_operation_id_reuse_rejected() -> None:
    ctx = context("customvoice", V, "Consents_Post", situation="operation-id-reused")
    voice.voice_operation_id_reuse_rejected(ctx, response(400, {"error": {"code": "BadRequest", "message": "reused"}}))
    expect_failure(voice.OperationIdReuseAccepted, voice.voice_operation_id_reuse_rejected, ctx, created(pv()))
    expect_failure(voice.OperationIdReuseAccepted, voice.voice_operation_id_reuse_rejected, ctx,
                   response(400, {"error": {"code": "BadArgument", "message": "x"}}))
    lenient = context("customvoice", V, "Consents_Post", situation="operation-id-reused", profile="lenient")
    voice.voice_operation_id_reuse_rejected(lenient, response(400, {"error": {"code": "BadArgument", "message": "x"}}))
    voice.voice_operation_id_reuse_rejected(context("customvoice", V, "Consents_Post"), created(pv()))


def _page(*ids: str, link: bool = True) -> object:
    body: dict = {"value": [{"id": i, "kind": "PersonalVoice"} for i in ids]}
    if link:
        body["nextLink"] = "http://x/customvoice/projects?skip=2&maxpagesize=2"
    return response(200, body)


def test_list_pages_complete() -> None:
    extra = {"maxpagesize": 2, "expected_ids": ["a01", "b01", "c01"]}
    ok = context("customvoice", V, "Projects_List", situation="list-walk", history=(_page("a01", "b01"),), extra=extra)
    voice.voice_list_pages_complete(ok, _page("c01", link=False))
    overlap = context("customvoice", V, "Projects_List", situation="list-walk", history=(_page("a01", "b01"), _page("b01", "c01")), extra=extra)
    assert "more than one page" in expect_failure(voice.PaginationBroken, voice.voice_list_pages_complete, overlap, _page("c01", link=False)).message
    missing = context("customvoice", V, "Projects_List", situation="list-walk", history=(_page("a01", "b01"),), extra=extra)
    assert "never appear" in expect_failure(voice.PaginationBroken, voice.voice_list_pages_complete, missing, _page(link=False)).message
    big = context("customvoice", V, "Projects_List", situation="list-walk", extra=extra)
    expect_failure(voice.PaginationBroken, voice.voice_list_pages_complete, big, _page("a01", "b01", "c01", link=False))
    voice.voice_list_pages_complete(context("customvoice", V, "Projects_List"), _page("a01", "a01"))
