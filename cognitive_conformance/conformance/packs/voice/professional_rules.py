"""Rule family: Custom Voice professional voice (training sets, models, endpoints).

* a data upload that succeeded leaves data in the training set (``properties.utteranceCount`` above 0);
* a model trained on a training set with uploaded data ends ``Succeeded``;
* a model whose training data is not ready ends ``Failed`` with a ``failureReason`` of *this version's*
  ``ModelFailureReason`` enum: ``DataNotReady`` where the version documents it (2026-01-01), and never a value
  the version does not list (2024-02-01-preview has no data reason);
* an endpoint suspended is ``Disabling`` then ``Disabled`` once its operation succeeded; resumed, ``Running``
  then ``Succeeded``.

Each judges typed evidence: the :class:`~conformance.flows.LroTrace` of the upload or the training, or an
:class:`EndpointAction`. The generic long-running rules (legal status path, sticky terminal status,
operation vs resource, ordered timestamps) and the Operation-Id rules of personal voices judge these
operations too.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from cognitive_conformance.conformance.checks._util import truncate
from cognitive_conformance.conformance.checks.lro import outcome_matches
from cognitive_conformance.conformance.checks.registry import NotApplicable, flow_rule
from cognitive_conformance.conformance.failures import TrainingResultUnexpected
from cognitive_conformance.conformance.flows.evidence import RESOURCE, LroTrace
from cognitive_conformance.conformance.flows.status import norm_status
from cognitive_conformance.conformance.spec import Spec
from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = [
    "UPLOADED",
    "TRAINED",
    "DATA_NOT_READY",
    "EndpointAction",
    "ENDPOINT_STATUSES",
    "voice_upload_adds_training_data",
    "voice_model_trains_on_ready_data",
    "voice_model_failure_reason_of_version",
    "voice_endpoint_suspend_resume_status",
]

#: The cases of :class:`~conformance.flows.ExpectedOutcome` the professional voice scenarios set.
UPLOADED, TRAINED, DATA_NOT_READY = "data-uploaded", "model-on-uploaded-data", "model-on-data-not-ready"
#: action -> (the endpoint's status while the action runs, and once its operation succeeded)
ENDPOINT_STATUSES = {"suspend": ("Disabling", "Disabled"), "resume": ("Running", "Succeeded")}


@dataclass(frozen=True)
class EndpointAction:
    """A suspend or resume of an endpoint: its 202, the terminal read of its operation, the endpoint read after it."""

    action: str
    accepted: ResponseRecord
    operation: ResponseRecord | None
    endpoint: ResponseRecord

    @property
    def exchange(self) -> ResponseRecord:
        return self.endpoint


def _body(record: ResponseRecord | None) -> dict:
    body = record.json_or_none() if record is not None else None
    return body if isinstance(body, dict) else {}


def _reason(body: dict) -> str | None:
    props = body.get("properties")
    return props.get("failureReason") if isinstance(props, dict) else None


def _terminal_resource(trace: LroTrace) -> dict | None:
    reads = [r for r in trace.terminal_reads() if r.via == RESOURCE and 200 <= r.exchange.status_code < 300]
    return _body(reads[-1].exchange) if reads else None


@flow_rule(evidence=LroTrace)
def voice_upload_adds_training_data(spec: Spec, trace: LroTrace) -> None:
    """A training set whose data upload succeeded holds that data: its utteranceCount is above 0.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/0eaa5cbcc2df77e52a6dd5ffa7b3632bc5ac9473/specification/cognitiveservices/data-plane/Speech/TextToSpeech/stable/2026-01-01/texttospeech.json
    TrainingSets_UploadData ("Uploads data to the specified training set"), definitions.TrainingSetProperties
    (utteranceCount "Utterance count in this training set"); example
    https://github.com/Azure/azure-rest-api-specs/blob/834ccb24549bc9d35bb143ed0c31641cb2092da5/specification/cognitiveservices/data-plane/Speech/TextToSpeech/stable/2026-01-01/examples/get_trainingset.json
    (Succeeded, utteranceCount 300).
    """
    if trace.expected is None or trace.expected.case != UPLOADED:
        raise NotApplicable("the trace is not a training set data upload")
    body = _terminal_resource(trace)
    if body is None or norm_status(body.get("status")) != "succeeded":
        raise NotApplicable("the training set was not read Succeeded after the upload")
    count = (body.get("properties") or {}).get("utteranceCount") if isinstance(body.get("properties"), dict) else None
    if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
        raise TrainingResultUnexpected(
            f"training set {body.get('id')!r} is Succeeded after its upload but holds no utterances",
            received=f"utteranceCount {truncate(count)}",
            documented="utteranceCount above 0 (the uploaded utterances)",
        )


@flow_rule(evidence=LroTrace)
def voice_model_trains_on_ready_data(spec: Spec, trace: LroTrace) -> None:
    """A professional voice model trained with a Succeeded consent on a training set whose upload succeeded ends Succeeded.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/0eaa5cbcc2df77e52a6dd5ffa7b3632bc5ac9473/specification/cognitiveservices/data-plane/Speech/TextToSpeech/stable/2026-01-01/texttospeech.json
    Models_Create, definitions.Status (NotStarted, Running, Succeeded, Failed); https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json Models_Create.
    """
    outcome_matches(trace, TRAINED)


@functools.cache
def _documented_reasons(service: str, version: str) -> tuple[str, ...]:
    """The version's ``ModelFailureReason`` values as documented (the observed profile drops an extensible enum)."""
    schema = Spec(service, version, "docs").document.get("components", {}).get("schemas", {}).get("ModelFailureReason", {})
    return tuple(str(v) for v in schema.get("enum") or [])


@flow_rule(evidence=LroTrace)
def voice_model_failure_reason_of_version(spec: Spec, trace: LroTrace) -> None:
    """A model whose training data is not ready ends Failed with a failureReason of this version's enum: DataNotReady where the version documents it, never a value the version does not list.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/0eaa5cbcc2df77e52a6dd5ffa7b3632bc5ac9473/specification/cognitiveservices/data-plane/Speech/TextToSpeech/stable/2026-01-01/texttospeech.json
    definitions.ModelFailureReason (DataNotReady "Training data is not ready for model training", DataNotEnough);
    https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json
    definitions.ModelFailureReason (None, InaccessibleCustomerStorage, SpeakerVerificationFailed, TerminateByUser, Internal).
    """
    outcome_matches(trace, DATA_NOT_READY)
    reasons = _documented_reasons(spec.service, spec.version)
    if not reasons:
        raise NotApplicable(f"the {spec.version} spec lists no ModelFailureReason values")
    body = _terminal_resource(trace)
    if body is None:
        raise NotApplicable("the model itself was not read at its terminal status")
    reason = _reason(body)
    wanted = "DataNotReady" if "DataNotReady" in reasons else None
    if reason not in reasons or reason == "None" or (wanted and reason != wanted):
        raise TrainingResultUnexpected(
            f"model {body.get('id')!r} failed on data that is not ready with failureReason {reason!r} ({spec.version})",
            received=f"Failed (failureReason: {reason})",
            documented=f"Failed with failureReason {wanted}" if wanted else "Failed with a failureReason of " + " | ".join(r for r in reasons if r != "None"),
        )


@flow_rule(evidence=EndpointAction)
def voice_endpoint_suspend_resume_status(spec: Spec, action: EndpointAction) -> None:
    """A suspended endpoint reads Disabling, then Disabled once the suspend operation succeeded; a resumed one Running, then Succeeded.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/0eaa5cbcc2df77e52a6dd5ffa7b3632bc5ac9473/specification/cognitiveservices/data-plane/Speech/TextToSpeech/stable/2026-01-01/texttospeech.json
    Endpoints_Suspend / Endpoints_Resume (202 Endpoint, Operation-Location), definitions.Status (Disabling,
    Disabled); examples https://github.com/Azure/azure-rest-api-specs/blob/834ccb24549bc9d35bb143ed0c31641cb2092da5/specification/cognitiveservices/data-plane/Speech/TextToSpeech/stable/2026-01-01/examples/suspend_endpoint.json
    (Disabling), resume_endpoint.json (Running).
    """
    if action.action not in ENDPOINT_STATUSES:
        raise NotApplicable(f"{action.action!r} is not an endpoint suspend or resume")
    during, done = ENDPOINT_STATUSES[action.action]
    if not 200 <= action.accepted.status_code < 300:
        raise NotApplicable(f"the {action.action} was not accepted")
    accepted = _body(action.accepted).get("status")
    if accepted is not None and accepted not in (during, done):
        raise TrainingResultUnexpected(
            f"the {action.action} answered the endpoint at {accepted!r}",
            received=str(accepted),
            documented=f"{during} (or already {done})",
        )
    if action.operation is None or norm_status(_body(action.operation).get("status")) != "succeeded":
        raise NotApplicable(f"the {action.action} operation was not read Succeeded")
    if not 200 <= action.endpoint.status_code < 300:
        raise NotApplicable("the endpoint was not read after the operation")
    status = _body(action.endpoint).get("status")
    if status != done:
        raise TrainingResultUnexpected(
            f"endpoint {_body(action.endpoint).get('id')!r} reads {status!r} after its {action.action} operation succeeded",
            received=str(status),
            documented=done,
        )
