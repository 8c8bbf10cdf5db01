"""Custom Voice professional voice: training set → data upload → model training → endpoint, each polled to its end.

Per API version (2024-02-01-preview, 2026-01-01):

1. ``voice-professional-voice-train-poll``: a ``ProfessionalVoice`` project and a consent polled to
   ``Succeeded``; a training set, its data uploaded (202 + Operation-Id/Operation-Location) and polled through
   Operations_Get and TrainingSets_Get to ``Succeeded`` (it then holds utterances); the base models listed; a
   model created with an ``Operation-Id`` (the identical request retried: the same operation and model; another
   model with the same id: 400) and its training polled to ``Succeeded``; an endpoint deployed and polled to
   ``Succeeded``, suspended (``Disabling`` → ``Disabled``) and resumed (``Running`` → ``Succeeded``), each
   operation polled; then delete → 204 and a later read → 404, children first: endpoint, model, training set,
   consent, project;
2. ``voice-model-data-not-ready``: a model trained on a training set that never received data ends ``Failed``
   with this version's failure reason (``DataNotReady`` in 2026-01-01; 2024-02-01-preview lists no such reason).

The training data is read by the service from Azure Blob Storage: ``CONFORMANCE_VOICE_TRAINING_CONTAINER``
names a container URL with a SAS (read and list) holding the ``.wav`` audio and ``.txt`` scripts of a
professional voice training set; without it the swagger's example container is sent, which only the emulator
accepts (it reads no storage: a container URL with a SAS signature counts as readable).

Sources: https://github.com/Azure/azure-rest-api-specs/blob/0eaa5cbcc2df77e52a6dd5ffa7b3632bc5ac9473/specification/cognitiveservices/data-plane/Speech/TextToSpeech/stable/2026-01-01/texttospeech.json
(TrainingSets_*, Models_*, Endpoints_*, BaseModels_List, Operations_Get); https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json.
"""

from __future__ import annotations

import os
import uuid

from cognitive_conformance.conformance.flows.evidence import ExpectedOutcome, IdempotencyRecord, LroTrace
from cognitive_conformance.conformance.flows.status import norm_status
from cognitive_conformance.conformance.packs.voice import scenarios as personal
from cognitive_conformance.conformance.packs.voice.professional_rules import DATA_NOT_READY, TRAINED, UPLOADED, EndpointAction
from cognitive_conformance.conformance.scenarios import Scenario
from cognitive_conformance.conformance.scenarios.session import Session, poll_lro
from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = ["SCENARIOS", "TRAINING_CONTAINER_VARIABLE", "training_container"]

TRAINING_CONTAINER_VARIABLE = "CONFORMANCE_VOICE_TRAINING_CONTAINER"
#: The swagger's example container (upload_trainingset.json), with a SAS-shaped query.
EXAMPLE_CONTAINER = "https://contoso.blob.core.windows.net/voicecontainer?sv=2023-01-03&sr=c&sp=rl&sig=conformance"
V2026 = "https://github.com/Azure/azure-rest-api-specs/blob/0eaa5cbcc2df77e52a6dd5ffa7b3632bc5ac9473/specification/cognitiveservices/data-plane/Speech/TextToSpeech/stable/2026-01-01/texttospeech.json"

_OUTCOMES = {
    UPLOADED: ExpectedOutcome(UPLOADED, "Succeeded", source=f"{V2026} TrainingSets_UploadData"),
    TRAINED: ExpectedOutcome(TRAINED, "Succeeded", source=f"{V2026} Models_Create"),
    DATA_NOT_READY: ExpectedOutcome(DATA_NOT_READY, "Failed", source=f"{V2026} definitions.ModelFailureReason (DataNotReady)"),
}


def training_container() -> str:
    """The container URL (with SAS) the training data is read from: the user's, else the example one."""
    return os.environ.get(TRAINING_CONTAINER_VARIABLE, "").strip() or EXAMPLE_CONTAINER


def _poll(session: Session, submit: ResponseRecord, path: str, case: str | None) -> LroTrace:
    return poll_lro(
        session,
        submit,
        path,
        model=personal.MODEL,
        resource=path.split("/customvoice/", 1)[-1],
        op_url=submit.header("operation-location"),
        expected=_OUTCOMES.get(case) if case else None,
        abort_message=f"{path} did not reach a terminal status",
    )


def _created(session: Session, r: ResponseRecord, what: str, status: int, operation: str) -> None:
    if r.status_code != status:
        session.broken(f"could not {what}", r, documented=f"{status}", source=f"{V2026} {operation}")


def _training_set(session: Session, project_id: str, suffix: str) -> str:
    tsid = session.name(f"{suffix}-{personal._tag(session)}")
    path = f"{personal._base()}/trainingsets/{tsid}"
    session.delete_later(path)
    r = session.call("PUT", path, json_body={"projectId": project_id, "locale": "en-US", "voiceKind": "Female", "description": None})
    _created(session, r, "create a training set", 201, "TrainingSets_Create")
    return tsid


def _model_body(project_id: str, consent_id: str, training_set_id: str) -> dict:
    return {
        "voiceName": "ConformanceNeural",
        "recipe": {"kind": "Default"},
        "projectId": project_id,
        "consentId": consent_id,
        "trainingSetId": training_set_id,
    }


def _model(session: Session, body: dict, suffix: str, operation_id: str | None = None) -> tuple[str, ResponseRecord]:
    mid = session.name(f"{suffix}-{personal._tag(session)}")
    path = f"{personal._base()}/models/{mid}"
    session.delete_later(path)
    headers = {"Operation-Id": operation_id} if operation_id else None
    return path, session.call("PUT", path, json_body=body, headers=headers)


def _ready_project(session: Session, suffix: str) -> tuple[str, str]:
    """A ProfessionalVoice project and a Succeeded consent in it."""
    from cognitive_conformance.strategies.voice import voice_pairs

    consent_audio, _ = session.draw(personal._pairs(True, voice_pairs(same_speaker=True, min_duration_s=3.0, max_duration_s=3.5)))
    project_id = personal._create_project(session, suffix, kind="ProfessionalVoice")
    return project_id, personal._ready_consent(session, project_id, consent_audio)


def _operation_id(session: Session, what: str) -> str:
    from cognitive_conformance.strategies.voice import operation_ids

    # Operation ids are global to the resource: the run prefix, version and purpose keep this one new.
    return f"{session.prefix}{personal._tag(session)}-{what}-{session.draw(operation_ids())[-24:]}"


def _endpoint_action(session: Session, path: str, action: str) -> None:
    accepted = session.call("POST", f"{path}:{action}")
    _created(session, accepted, f"{action} the endpoint", 202, f"Endpoints_{action.capitalize()}")
    location = accepted.header("operation-location")
    terminal = None
    if location:
        trace = poll_lro(
            session,
            accepted,
            location,
            model=personal.MODEL,
            resource=f"operations ({action})",
            abort_message=f"the {action} operation of {path} did not reach a terminal status",
        )
        terminal = trace.terminal_read.exchange if trace.terminal_read else None
    session.assess(EndpointAction(action, accepted, terminal, session.call("GET", path)))


def train_poll(session: Session) -> None:
    base = personal._base()
    project_id, consent_id = _ready_project(session, "pro")
    tsid = _training_set(session, project_id, "ts")
    ts_path = f"{base}/trainingsets/{tsid}"
    container = training_container()
    dataset = {
        "kind": "AudioAndScript",
        "audios": {"containerUrl": container, "prefix": "", "extensions": [".wav"]},
        "scripts": {"containerUrl": container, "prefix": "", "extensions": [".txt"]},
    }
    upload = session.call("POST", f"{ts_path}:upload", json_body=dataset, headers={"Operation-Id": _operation_id(session, "up")})
    _created(session, upload, "upload data to the training set", 202, "TrainingSets_UploadData")
    uploaded = _poll(session, upload, ts_path, UPLOADED)
    if norm_status(uploaded.terminal_status) != "succeeded":
        read = uploaded.terminal_read
        session.broken(
            f"the training data upload did not succeed (set {TRAINING_CONTAINER_VARIABLE} to a container URL with a read+list SAS holding the training audio and scripts)",
            read.exchange if read else upload,
            documented="Succeeded",
            source=f"{V2026} TrainingSets_UploadData",
        )
    session.call("GET", f"{base}/basemodels")
    body = _model_body(project_id, consent_id, tsid)
    op = _operation_id(session, "train")
    path, create = _model(session, body, "model", op)
    _created(session, create, "create a model", 201, "Models_Create")
    _, retry = _model(session, body, "model", op)  # the identical request again: a safe retry
    reused_path, reused = _model(session, body, "model2", op)  # another model with the same Operation-Id: 400
    session.assess(IdempotencyRecord(op, create, retry, reused))
    if 200 <= reused.status_code < 300:
        # A target that accepted the reuse made a second model; it goes now, so the project's delete can be judged.
        session.call("DELETE", reused_path, check=False)
    trained = _poll(session, create, path, TRAINED)
    if norm_status(trained.terminal_status) != "succeeded":
        read = trained.terminal_read
        session.broken("the model did not train", read.exchange if read else create, documented="Succeeded", source=f"{V2026} Models_Create")
    model_id = path.rsplit("/", 1)[-1]
    endpoint_path = f"{base}/endpoints/{uuid.uuid4()}"
    session.delete_later(endpoint_path)
    deploy = session.call(
        "PUT",
        endpoint_path,
        json_body={"projectId": project_id, "modelId": model_id, "displayName": session.name(f"endpoint-{personal._tag(session)}")},
    )
    _created(session, deploy, "deploy an endpoint", 201, "Endpoints_Create")
    deployed = _poll(session, deploy, endpoint_path, None)
    if norm_status(deployed.terminal_status) == "succeeded":
        _endpoint_action(session, endpoint_path, "suspend")
        _endpoint_action(session, endpoint_path, "resume")
    session.call("GET", f"{base}/endpoints", params={"filter": f"projectId eq '{project_id}'"})
    session.call("GET", f"{base}/models", params={"filter": f"projectId eq '{project_id}'"})
    session.call("GET", f"{base}/trainingsets", params={"filter": f"projectId eq '{project_id}'"})
    personal._delete_then_missing(session, endpoint_path, f"{V2026} Endpoints_Delete 204")
    personal._delete_then_missing(session, path, f"{V2026} Models_Delete 204")
    personal._delete_then_missing(session, ts_path, f"{V2026} TrainingSets_Delete 204")
    personal._delete_then_missing(session, f"{base}/consents/{consent_id}", f"{V2026} Consents_Delete 204")
    personal._delete_then_missing(session, f"{base}/projects/{project_id}", f"{V2026} Projects_Delete 204")


def data_not_ready(session: Session) -> None:
    project_id, consent_id = _ready_project(session, "nodata")
    tsid = _training_set(session, project_id, "empty")
    path, create = _model(session, _model_body(project_id, consent_id, tsid), "nodata")
    _created(session, create, "create a model", 201, "Models_Create")
    _poll(session, create, path, DATA_NOT_READY)


SCENARIOS = [
    Scenario(
        "voice-professional-voice-train-poll",
        "customvoice",
        "Training set → upload (202) → model (Operation-Id retry/reuse) → endpoint → suspend/resume, each polled; delete children first → 404",
        train_poll,
    ),
    Scenario(
        "voice-model-data-not-ready",
        "customvoice",
        "A model trained on a training set without data → Failed with this version's failure reason",
        data_not_ready,
    ),
]
