"""A hand-made event stream of one small run, for the report tests (no runner, no HTTP).

What it holds, so each test can state what it expects:

* rules declared: ``status_code_documented`` (response, error), ``error_code_documented``
  (response, warning), ``lro_terminal_sticky`` (flow, error, v1.1 and v1.2 only; never
  applied: only n/a), ``operation_id_header_present`` (declared, never offered anything),
  ``not_a_server_error`` (schemathesis, error);
* stateless face v1.2, TrainPersonGroup: status_code_documented passes 3x, fails 2x (two
  occurrences of one finding, different messages), n/a 1x; error_code_documented fails 1x
  (a warning finding) and is n/a 2x; not_a_server_error passes 6x;
* stateful face v1.2, scenario ``face-train``: lro_terminal_sticky n/a 2x; a broken documented
  flow (``documented_flow``, an undeclared rule) raises one finding; the scenario ends with an
  error.
"""

from __future__ import annotations

from cognitive_conformance.conformance.events import (
    Event,
    Finding,
    FindingRaised,
    PhaseFinished,
    PhaseStarted,
    RuleEvaluated,
    RuleInfo,
    RulesDeclared,
    RunFinished,
    RunStarted,
    ScenarioFinished,
)

__all__ = ["TRAIN", "events", "finding"]

TRAIN = "PersonGroupOperations_TrainPersonGroup"
TRAINING = "PersonGroupOperations_GetPersonGroupTrainingStatus"

RULES = (
    RuleInfo("status_code_documented", "The response status is documented.", "https://learn.microsoft.com/x", "status",
             "response", "error"),
    RuleInfo("error_code_documented", "The error code is documented.", "specs/face.yaml", "errors", "response",
             "warning"),
    RuleInfo("lro_terminal_sticky", "A terminal status stays terminal.", "https://learn.microsoft.com/y", "lro", "flow",
             "error", services=("face",), versions=("v1.1", "v1.2")),
    RuleInfo("operation_id_header_present", "Operation-Id is returned.", "https://learn.microsoft.com/z", "headers",
             "response", "error"),
    RuleInfo("not_a_server_error", "No 5xx.", "https://schemathesis.readthedocs.io/en/stable/reference/checks/",
             "schemathesis", "schemathesis", "error"),
)


def evaluated(check: str, verdict: str, *, op: str | None = TRAIN, phase: str = "stateless",
              scenario: str | None = None, reason: str | None = None) -> RuleEvaluated:
    return RuleEvaluated(check, verdict, "face", "v1.2", phase, op, scenario=scenario, reason=reason)


def finding(check: str, message: str, *, title: str = "Undocumented status code", op: str | None = TRAIN,
            phase: str = "stateless", scenario: str | None = None, status: int | None = 200,
            severity: str = "error") -> FindingRaised:
    return FindingRaised(
        Finding(
            check=check,
            title=title,
            rule=f"statement of {check}",
            source=f"source of {check}",
            message=message,
            service="face",
            version="v1.2",
            phase=phase,
            operation_id=op,
            status_code=status,
            repro="curl -X POST 'http://t/face/v1.2/persongroups/g/train' -H 'Ocp-Apim-Subscription-Key: ***'",
            scenario=scenario,
            severity=severity,
        )
    )


def events(*, exit_code: int = 1, declared: tuple[RuleInfo, ...] = RULES) -> list[Event]:
    run: list[Event] = [
        RunStarted(
            run_id="abc123",
            target="http://127.0.0.1:1234",
            embedded=True,
            services=("face",),
            versions={"face": ("v1.2",)},
            profile="docs",
            seed=0,
            max_examples=2,
            started_at="2026-01-01T00:00:00.000000Z",
        ),
        RulesDeclared(declared),
        PhaseStarted("face", "v1.2", "stateless"),
    ]
    run += [evaluated("status_code_documented", "pass") for _ in range(3)]
    run += [evaluated("status_code_documented", "fail"), finding("status_code_documented", "answered 200, not 202")]
    run += [evaluated("status_code_documented", "fail"), finding("status_code_documented", "answered 204, not 202",
                                                                  status=204)]
    run += [evaluated("status_code_documented", "n/a", op=None, reason="request matches no operation of the spec")]
    # a warning: raised with the default severity, the declared rule makes it a warning
    run += [evaluated("error_code_documented", "fail"),
            finding("error_code_documented", "code 'NotFound' is not documented", title="Undocumented error code",
                    status=404)]
    run += [evaluated("error_code_documented", "n/a", reason="not an error response") for _ in range(2)]
    run += [evaluated("not_a_server_error", "pass") for _ in range(6)]
    run += [
        PhaseFinished("face", "v1.2", "stateless", 1.5, 12),
        PhaseStarted("face", "v1.2", "stateful"),
        evaluated("lro_terminal_sticky", "n/a", op=TRAINING, phase="stateful", scenario="face-train",
                  reason="no terminal status was read"),
        evaluated("lro_terminal_sticky", "n/a", op=TRAINING, phase="stateful", scenario="face-train",
                  reason="no terminal status was read"),
        finding("documented_flow", "train answered 500", title="Documented flow broken", op=TRAIN, phase="stateful",
                scenario="face-train", status=500),
        ScenarioFinished("face", "v1.2", "face-train", False, 0.7, error="train answered 500"),
        PhaseFinished("face", "v1.2", "stateful", 0.8, 4),
        RunFinished(exit_code, 2.5, 16, 0, 3, occurrences=4, errors=2, warnings=1),
    ]
    return run
