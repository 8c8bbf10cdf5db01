"""The Custom Voice rules on hand-built evidence: pass, fail and not applicable for each rule.

Source: STYLE.md "Writing a check" (hand-built exchanges); conformance/packs/voice/rules.py docstrings.
"""

from __future__ import annotations

from cognitive_conformance.conformance.checks.pagination import PagingViolation
from cognitive_conformance.conformance.checks.registry import NA, PASS, get, judge
from cognitive_conformance.conformance.failures import ResourceFieldChanged, TrainingResultUnexpected
from cognitive_conformance.conformance.flows import ExpectedOutcome, IdempotencyRecord, PageWalk
from cognitive_conformance.conformance.packs.voice import rules as voice
from tests.unit.conformance.checks._helpers import CV_ORDER, CV_TERMINAL, expect_failure, response, spec, trace

V = "2024-02-01-preview"
SPEC = spec("customvoice", V)
PROFILE = "3059912f-a3dc-49e3-bdd0-02e449df1fe3"
OTHER_PROFILE = "11111111-2222-3333-4444-555555555555"


def pv(status: str = "Running", profile: str = PROFILE, **extra: object) -> dict:
    return {"id": "Jessica-PersonalVoice", "speakerProfileId": profile, "projectId": "p01", "consentId": "c01",
            "status": status, "createdDateTime": "2023-04-01T05:30:00.000Z",
            "lastActionDateTime": "2023-04-01T05:30:00.000Z", **extra}


def created(body: dict, op: str = "op-1") -> object:
    loc = f"https://x/customvoice/operations/{op}?api-version={V}"
    return response(201, body, [("Operation-Id", op), ("Operation-Location", loc)], method="POST")


def cv_trace(*reads, first=None, expected=None):
    return trace(*reads, service="customvoice", version=V, order=CV_ORDER, terminal=CV_TERMINAL,
                 first=first if first is not None else created(pv("NotStarted")), expected=expected)


def res(body: dict, at: float, code: int = 200):
    return "resource", response(code, body, sent_at=at), "poll"


def op(status: str, at: float):
    return "operation", response(200, {"id": "op-1", "status": status}, sent_at=at), "poll"


def test_speaker_profile_id_stable_pass_fail_and_not_applicable() -> None:
    rule = voice.voice_speaker_profile_id_stable
    assert rule(SPEC, cv_trace(res(pv(), 1), res(pv("Succeeded"), 2))) is None
    failure = expect_failure(ResourceFieldChanged, rule, SPEC, cv_trace(res(pv(), 1), res(pv(profile=OTHER_PROFILE), 2)))
    assert "changed" in failure.message
    # the create response counts as the first read
    expect_failure(ResourceFieldChanged, rule, SPEC, cv_trace(res(pv(profile=OTHER_PROFILE), 1)))
    expect_failure(ResourceFieldChanged, rule, SPEC, cv_trace(res(pv(profile="not-a-guid"), 1), first=response(201, {})))
    assert judge(get("voice_speaker_profile_id_stable"), SPEC, cv_trace(op("Running", 1), first=response(201, {}))).verdict == NA


FAILED = pv("Failed", properties={"failureReason": "SpeakerVerificationFailed"})
DIFFERENT = ExpectedOutcome(voice.DIFFERENT_SPEAKERS, "Failed", "SpeakerVerificationFailed")
SAME = ExpectedOutcome(voice.SAME_SPEAKER, "Succeeded")


def test_speaker_verification_outcomes() -> None:
    rule = voice.voice_speaker_verification_fails
    assert rule(SPEC, cv_trace(res(pv(), 1), op("Failed", 2), res(FAILED, 2.1), expected=DIFFERENT)) is None
    expect_failure(TrainingResultUnexpected, rule, SPEC, cv_trace(op("Succeeded", 2), res(pv("Succeeded"), 2.1), expected=DIFFERENT))
    wrong_reason = pv("Failed", properties={"failureReason": "Internal"})
    expect_failure(TrainingResultUnexpected, rule, SPEC, cv_trace(op("Failed", 2), res(wrong_reason, 2.1), expected=DIFFERENT))
    # the operation carries no failureReason: only its status is judged
    expect_failure(TrainingResultUnexpected, rule, SPEC, cv_trace(op("Succeeded", 2), res(FAILED, 2.1), expected=DIFFERENT))
    assert rule(SPEC, cv_trace(op("Succeeded", 2), res(pv("Succeeded"), 2.1), expected=SAME)) is None
    expect_failure(TrainingResultUnexpected, rule, SPEC, cv_trace(res(FAILED, 2), expected=SAME))
    assert judge(get("voice_speaker_verification_fails"), SPEC, cv_trace(res(pv("Succeeded"), 2))).verdict == NA
    assert judge(get("voice_speaker_verification_fails"), SPEC, cv_trace(res(pv("Running"), 2), expected=SAME)).verdict == NA


def test_operation_id_retry_idempotent() -> None:
    rule = voice.voice_operation_id_retry_idempotent
    first = created(pv("NotStarted"))
    assert rule(SPEC, IdempotencyRecord("op-1", first, created(pv("Running")))) is None  # status may move on
    for retry in (response(400, {"error": {"code": "BadRequest", "message": "already exists"}}),
                  created(pv("NotStarted"), op="op-2"), created(pv("NotStarted", profile=OTHER_PROFILE))):
        expect_failure(voice.OperationIdNotIdempotent, rule, SPEC, IdempotencyRecord("op-1", first, retry))
    assert judge(get("voice_operation_id_retry_idempotent"), SPEC, IdempotencyRecord("op-1", first)).verdict == NA


def test_operation_id_reuse_rejected() -> None:
    rule = voice.voice_operation_id_reuse_rejected
    first = created(pv())
    rejected = response(400, {"error": {"code": "BadRequest", "message": "reused"}})
    assert rule(SPEC, IdempotencyRecord("op-1", first, reuse=rejected)) is None
    expect_failure(voice.OperationIdReuseAccepted, rule, SPEC, IdempotencyRecord("op-1", first, reuse=created(pv())))
    bad_arg = response(400, {"error": {"code": "BadArgument", "message": "x"}})
    expect_failure(voice.OperationIdReuseAccepted, rule, SPEC, IdempotencyRecord("op-1", first, reuse=bad_arg))
    assert rule(spec("customvoice", V, "observed"), IdempotencyRecord("op-1", first, reuse=bad_arg)) is None
    assert judge(get("voice_operation_id_reuse_rejected"), SPEC, IdempotencyRecord("op-1", first)).verdict == NA


def _page(*ids: str, link: bool = True) -> object:
    body: dict = {"value": [{"id": i, "kind": "PersonalVoice"} for i in ids]}
    if link:
        body["nextLink"] = "http://x/customvoice/projects?skip=2&maxpagesize=2"
    return response(200, body)


def walk(*pages, complete=True):
    return PageWalk(tuple(pages), frozenset({"a01", "b01", "c01"}), max_page_size=2, complete=complete)


def test_list_pages_complete() -> None:
    rule = voice.voice_list_pages_complete
    assert judge(get("voice_list_pages_complete"), SPEC, walk(_page("a01", "b01"), _page("c01", link=False))).verdict == PASS
    overlap = walk(_page("a01", "b01"), _page("b01", "c01"), _page("c01", link=False))
    assert "again on page" in expect_failure(PagingViolation, rule, SPEC, overlap).message
    assert "on no page" in expect_failure(PagingViolation, rule, SPEC, walk(_page("a01", "b01"), _page(link=False))).message
    expect_failure(PagingViolation, rule, SPEC, walk(_page("a01", "b01", "c01", link=False)))
    assert judge(get("voice_list_pages_complete"), SPEC, walk(_page("a01", "a01"), complete=False)).verdict == NA
