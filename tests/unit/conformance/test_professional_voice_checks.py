"""The Custom Voice professional voice rules on hand-built evidence: pass, fail and not applicable for each rule.

Source: conformance/packs/voice/professional_rules.py docstrings.
"""

from __future__ import annotations

from cognitive_conformance.conformance.checks.registry import NA, get, judge
from cognitive_conformance.conformance.failures import TrainingResultUnexpected
from cognitive_conformance.conformance.flows import ExpectedOutcome
from cognitive_conformance.conformance.packs.voice import professional_rules as pro
from tests.unit.conformance.checks._helpers import CV_ORDER, CV_TERMINAL, expect_failure, response, spec, trace

PREVIEW, STABLE = "2024-02-01-preview", "2026-01-01"


def model(status: str, reason: str | None = None) -> dict:
    body = {"id": "model-1", "recipe": {"kind": "Default"}, "projectId": "p01", "consentId": "c01", "trainingSetId": "ts1",
            "status": status, "createdDateTime": "2023-04-01T05:30:00.000Z", "lastActionDateTime": "2023-04-01T05:31:00.000Z"}
    if reason:
        body["properties"] = {"failureReason": reason}
    return body


def cv_trace(version: str, *bodies: dict, case: str, status: str):
    reads = [("resource", response(200, b, sent_at=i + 1), "poll") for i, b in enumerate(bodies)]
    return trace(*reads, service="customvoice", version=version, order=CV_ORDER, terminal=CV_TERMINAL,
                 first=response(201, model("NotStarted"), method="PUT"), expected=ExpectedOutcome(case, status))


def test_failure_reason_of_version_per_version() -> None:
    rule = pro.voice_model_failure_reason_of_version
    stable, preview = spec("customvoice", STABLE), spec("customvoice", PREVIEW)
    ok = cv_trace(STABLE, model("Running"), model("Failed", "DataNotReady"), case=pro.DATA_NOT_READY, status="Failed")
    assert rule(stable, ok) is None
    internal = cv_trace(STABLE, model("Failed", "Internal"), case=pro.DATA_NOT_READY, status="Failed")
    assert "DataNotReady" in expect_failure(TrainingResultUnexpected, rule, stable, internal).documented
    # 2024-02-01-preview lists no data reason: any of its own values but None passes, a 2026-01-01 value fails.
    assert rule(preview, cv_trace(PREVIEW, model("Failed", "Internal"), case=pro.DATA_NOT_READY, status="Failed")) is None
    leaked = cv_trace(PREVIEW, model("Failed", "DataNotReady"), case=pro.DATA_NOT_READY, status="Failed")
    expect_failure(TrainingResultUnexpected, rule, preview, leaked)
    expect_failure(TrainingResultUnexpected, rule, preview, cv_trace(PREVIEW, model("Succeeded"), case=pro.DATA_NOT_READY, status="Failed"))
    other = cv_trace(STABLE, model("Succeeded"), case=pro.TRAINED, status="Succeeded")
    assert judge(get("voice_model_failure_reason_of_version"), stable, other).verdict == NA


def test_model_trains_on_ready_data() -> None:
    rule, stable = pro.voice_model_trains_on_ready_data, spec("customvoice", STABLE)
    assert rule(stable, cv_trace(STABLE, model("Running"), model("Succeeded"), case=pro.TRAINED, status="Succeeded")) is None
    failed = cv_trace(STABLE, model("Failed", "Internal"), case=pro.TRAINED, status="Succeeded")
    expect_failure(TrainingResultUnexpected, rule, stable, failed)


def test_upload_adds_training_data() -> None:
    rule, preview = pro.voice_upload_adds_training_data, spec("customvoice", PREVIEW)
    ts = {"id": "ts1", "projectId": "p01", "locale": "en-US", "status": "Succeeded", "properties": {"utteranceCount": 300},
          "createdDateTime": "2023-04-01T05:30:00.000Z", "lastActionDateTime": "2023-04-01T05:31:00.000Z"}
    assert rule(preview, cv_trace(PREVIEW, ts, case=pro.UPLOADED, status="Succeeded")) is None
    empty = {**ts, "properties": {"utteranceCount": 0}}
    expect_failure(TrainingResultUnexpected, rule, preview, cv_trace(PREVIEW, empty, case=pro.UPLOADED, status="Succeeded"))
    failed = {**ts, "status": "Failed", "properties": {"utteranceCount": 0}}
    assert judge(get("voice_upload_adds_training_data"), preview, cv_trace(PREVIEW, failed, case=pro.UPLOADED, status="Succeeded")).verdict == NA


def test_endpoint_suspend_resume_status() -> None:
    rule, stable = pro.voice_endpoint_suspend_resume_status, spec("customvoice", STABLE)

    def endpoint(status: str):
        return response(200, {"id": "9f50c644-2121-40e9-9ea7-544e48bfe3cb", "projectId": "p01", "modelId": "model-1", "status": status})

    done = response(200, {"id": "op-1", "status": "Succeeded"})
    accepted = response(202, {"status": "Disabling"}, method="POST")
    assert rule(stable, pro.EndpointAction("suspend", accepted, done, endpoint("Disabled"))) is None
    expect_failure(TrainingResultUnexpected, rule, stable, pro.EndpointAction("suspend", accepted, done, endpoint("Succeeded")))
    wrong_202 = response(202, {"status": "Succeeded"}, method="POST")
    expect_failure(TrainingResultUnexpected, rule, stable, pro.EndpointAction("suspend", wrong_202, done, endpoint("Disabled")))
    resumed = response(202, {"status": "Running"}, method="POST")
    assert rule(stable, pro.EndpointAction("resume", resumed, done, endpoint("Succeeded"))) is None
    running = response(200, {"id": "op-1", "status": "Running"})
    verdict = judge(get("voice_endpoint_suspend_resume_status"), stable, pro.EndpointAction("resume", resumed, running, endpoint("Running")))
    assert verdict.verdict == NA
