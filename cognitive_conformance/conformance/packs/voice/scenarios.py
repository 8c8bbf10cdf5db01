"""Custom Voice personal voices: project → consent → personal voice, each polled to a terminal status.

Per API version (2024-02-01-preview, 2026-01-01):

1. ``voice-personal-voice-train-poll``: create a ``PersonalVoice`` project, a consent (multipart with the
   ``audiodata`` file) polled to ``Succeeded``, then a personal voice (multipart, training audio of the
   consent's speaker) polled both through ``Operation-Location`` (Operations_Get) and through
   PersonalVoices_Get on every poll (the two must agree; statuses only move forward; timestamps are ordered;
   ``speakerProfileId`` is one GUID) to ``Succeeded``; the terminal status is re-read; then delete → 204 and
   a later read → 404 NotFound, for the personal voice, the consent and the project (https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json);
2. ``voice-speaker-verification``: the same, with training audio of another speaker → ``Failed`` with
   ``failureReason`` ``SpeakerVerificationFailed`` (https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview ModelFailureReason);
3. ``voice-operation-id``: a consent created with an ``Operation-Id`` header, the identical request retried
   (same operation and resource), and a different request with the same id (400 BadRequest) (https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json
   parameters.HeaderOperationId; https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview);
4. ``voice-list-pagination``: three projects, ``Projects_List`` walked with ``maxpagesize=2`` through
   ``nextLink``: every item exactly once;
5. ``voice-error-codes``: each provoked error answers its documented status and code
   (specs/customvoice.yaml ``info.description``); ``voice-auth``: wrong and missing key → 401.

Audio comes from :func:`strategies.voice.voice_pairs` (synthetic speakers), so the emulator's verification
and a live service face the same kind of input.
"""

from __future__ import annotations

from typing import Any

from cognitive_conformance.conformance.flows.evidence import AFTER_DELETE, Expected, ExpectedOutcome, IdempotencyRecord, LroTrace
from cognitive_conformance.conformance.flows.status import StatusModel, norm_status
from cognitive_conformance.conformance.packs.voice.rules import DIFFERENT_SPEAKERS, SAME_SPEAKER
from cognitive_conformance.conformance.scenarios import Scenario
from cognitive_conformance.conformance.scenarios.auth import auth_scenario
from cognitive_conformance.conformance.scenarios.paging import walk_pages
from cognitive_conformance.conformance.scenarios.session import Session, poll_lro
from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = ["SCENARIOS", "status_model", "ORDER", "TERMINAL", "create_and_poll"]

ORDER = ("NotStarted", "Running", "Succeeded", "Failed")
TERMINAL = frozenset({"Succeeded", "Failed"})
MODEL = StatusModel(ORDER, TERMINAL)


def status_model(version: str) -> StatusModel:
    """The documented status order of ``version`` (one model for every version of this service)."""
    return MODEL

_OUTCOMES = {
    SAME_SPEAKER: ExpectedOutcome(SAME_SPEAKER, "Succeeded", source="specs/customvoice.yaml PersonalVoice status"),
    DIFFERENT_SPEAKERS: ExpectedOutcome(
        DIFFERENT_SPEAKERS,
        "Failed",
        "SpeakerVerificationFailed",
        "specs/customvoice.yaml ModelFailureReason (SpeakerVerificationFailed)",
    ),
}
SPEC = "specs/customvoice.yaml info.description"
CV_SOURCE = "https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json"


def _tag(session: Session) -> str:
    return session.spec.version.replace("-", "")[:8]


def _base() -> str:
    return "/customvoice"


def _form_audio(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[dict[str, str], list[Any]]:
    return dict(fields), [(name, (filename, data, "audio/wav")) for name, filename, data in files]


def _create_project(session: Session, suffix: str, kind: str = "PersonalVoice") -> str:
    pid = session.name(f"{suffix}-{_tag(session)}")
    path = f"{_base()}/projects/{pid}"
    session.on_cleanup(
        path,
        lambda: session.call("DELETE", f"{path}?forceDelete=true&api-version={session.spec.version}", check=False),
    )
    r = session.call("PUT", path, json_body={"description": None, "kind": kind})
    if r.status_code != 201:
        session.broken(
            f"could not create project {pid}",
            r,
            documented="201 Created",
            source=CV_SOURCE + " Projects_Create",
        )
    return pid


def create_and_poll(session: Session, create: ResponseRecord, path: str, case: str | None) -> LroTrace:
    """Poll a 201 create through Operation-Location and the resource to a terminal status; return the judged trace."""
    return poll_lro(
        session,
        create,
        path,
        model=MODEL,
        resource=path.split("/customvoice/", 1)[-1],
        op_url=create.header("operation-location"),
        expected=_OUTCOMES.get(case) if case else None,
        abort_message=f"{path} did not reach a terminal status",
    )


def _consent(
    session: Session, project_id: str, suffix: str, audio: bytes, *, operation_id: str | None = None
) -> tuple[str, ResponseRecord]:
    cid = session.name(f"{suffix}-{_tag(session)}")
    path = f"{_base()}/consents/{cid}"
    session.delete_later(path)
    data, files = _form_audio(
        {"projectId": project_id, "voiceTalentName": "Jessica Smith", "companyName": "Contoso", "locale": "en-US"},
        [("audiodata", "consent.wav", audio)],
    )
    headers = {"Operation-Id": operation_id} if operation_id else None
    r = session.call("POST", path, data=data, files=files, headers=headers)
    return path, r


def _ready_consent(session: Session, project_id: str, audio: bytes) -> str:
    path, r = _consent(session, project_id, "consent", audio)
    if r.status_code != 201:
        session.broken("could not create a consent", r, documented="201 Created", source=CV_SOURCE + " Consents_Post")
    trace = create_and_poll(session, r, path, None)
    if norm_status(trace.terminal_status) != "succeeded":
        read = trace.terminal_read
        session.broken(
            "the consent did not succeed", read.exchange if read else r, documented="Succeeded", source="https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (Status)"
        )
    return path.rsplit("/", 1)[-1]


def _personal_voice(session: Session, project_id: str, consent_id: str, suffix: str, audio: bytes) -> tuple[str, ResponseRecord]:
    vid = session.name(f"{suffix}-{_tag(session)}")
    path = f"{_base()}/personalvoices/{vid}"
    session.delete_later(path)
    data, files = _form_audio(
        {"projectId": project_id, "consentId": consent_id}, [("audiodata", "sample-1.wav", audio)]
    )
    r = session.call("POST", path, data=data, files=files)
    if r.status_code != 201:
        session.broken("could not create a personal voice", r, documented="201 Created", source="https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview")
    return path, r


def _delete_then_missing(session: Session, path: str, source: str) -> None:
    session.provoke("delete", Expected(204, (), source), "DELETE", path)
    session.provoke(AFTER_DELETE, Expected(404, ("NotFound",), source), "GET", path)


def _pairs(same_speaker: bool, default):
    """``--media-dir``: the user's consent and recordings (strategies/media_dir.py), else ``default``."""
    from cognitive_conformance.strategies.media_dir import voice_pair

    return voice_pair(same_speaker, default)


def train_poll(session: Session) -> None:
    from cognitive_conformance.strategies.voice import voice_pairs

    consent_audio, training_audio = session.draw(_pairs(True, voice_pairs(same_speaker=True, min_duration_s=3.0, max_duration_s=3.5)))
    project_id = _create_project(session, "pv")
    consent_id = _ready_consent(session, project_id, consent_audio)
    path, create = _personal_voice(session, project_id, consent_id, "voice", training_audio)
    create_and_poll(session, create, path, SAME_SPEAKER)
    session.call("GET", f"{_base()}/personalvoices", params={"filter": f"projectId eq '{project_id}'"})
    _delete_then_missing(session, path, CV_SOURCE + " PersonalVoices_Delete 204; NotFound afterwards")
    _delete_then_missing(session, f"{_base()}/consents/{consent_id}", CV_SOURCE + " Consents_Delete 204")
    _delete_then_missing(session, f"{_base()}/projects/{project_id}", CV_SOURCE + " Projects_Delete 204")


def speaker_verification(session: Session) -> None:
    from cognitive_conformance.strategies.voice import voice_pairs

    consent_audio, training_audio = session.draw(_pairs(False, voice_pairs(same_speaker=False, min_duration_s=3.0, max_duration_s=3.5)))
    project_id = _create_project(session, "sv")
    consent_id = _ready_consent(session, project_id, consent_audio)
    path, create = _personal_voice(session, project_id, consent_id, "other", training_audio)
    create_and_poll(session, create, path, DIFFERENT_SPEAKERS)


def operation_id(session: Session) -> None:
    from cognitive_conformance.strategies.voice import operation_ids, voice_pairs

    audio, _ = session.draw(_pairs(True, voice_pairs(same_speaker=True, min_duration_s=3.0, max_duration_s=3.5)))
    # Operation ids are global to the resource: the run prefix and version keep this one new.
    op = f"{session.prefix}{_tag(session)}-{session.draw(operation_ids())[-30:]}"
    project_id = _create_project(session, "op")
    path, first = _consent(session, project_id, "retry", audio, operation_id=op)
    if first.status_code != 201:
        session.broken(
            "could not create a consent with an Operation-Id",
            first,
            documented="201 Created",
            source="https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview",
        )
    # The identical request again (a new multipart boundary, the same parts): a safe retry.
    _, retry = _consent(session, project_id, "retry", audio, operation_id=op)
    # A different request (another consent id) with the same Operation-Id: 400.
    _, reused = _consent(session, project_id, "reuse", audio, operation_id=op)
    session.assess(IdempotencyRecord(op, first, retry, reused))
    create_and_poll(session, first, path, None)


def list_pagination(session: Session) -> None:
    created = [_create_project(session, f"page{i}") for i in range(3)]
    walk_pages(session, f"{_base()}/projects", max_page_size=2, expected_ids=created)


def error_codes(session: Session) -> None:
    from cognitive_conformance.strategies.voice import invalid_forms

    base = _base()
    bad_arg = lambda why: Expected(400, ("BadArgument",), f"{SPEC}: {why}")  # noqa: E731
    bad_req = lambda why: Expected(400, ("BadRequest",), f"{SPEC}: {why}")  # noqa: E731
    missing = session.name("missing")
    session.provoke("invalid-id", bad_arg("id breaks the ResourceId pattern"), "GET", f"{base}/projects/-bad-id-")
    session.provoke("invalid-id", bad_arg("id longer than 64 characters"), "GET", f"{base}/projects/{'a' * 65}")
    session.provoke("missing-project", Expected(404, ("NotFound",), SPEC), "GET", f"{base}/projects/{missing}")
    session.provoke("missing-operation", Expected(404, ("NotFound",), SPEC), "GET", f"{base}/operations/{missing}")
    session.provoke(
        "unknown-api-version",
        bad_req("unknown api-version"),
        "GET",
        f"{base}/projects",
        params={"api-version": "1999-01-01"},
    )
    session.provoke("missing-api-version", bad_req("missing api-version"), "GET", f"{base}/projects?")
    session.provoke("bad-skip", bad_arg("skip below 0"), "GET", f"{base}/projects", params={"skip": -1})
    project_id = _create_project(session, "err")
    session.provoke(
        "project-exists",
        bad_req("a resource id that already exists"),
        "PUT",
        f"{base}/projects/{project_id}",
        json_body={"kind": "PersonalVoice"},
    )
    session.provoke(
        "no-kind",
        bad_arg("body breaks its schema (kind is required)"),
        "PUT",
        f"{base}/projects/{session.name('nokind')}",
        json_body={"description": "no kind"},
    )
    session.provoke(
        "wrong-media-type",
        Expected(415, ("UnsupportedMediaType",), SPEC),
        "PUT",
        f"{base}/projects/{session.name('text')}",
        content=b"kind=PersonalVoice",
        headers={"Content-Type": "text/plain"},
    )
    for kind in ("missing_part", "wrong_part_type"):
        form = session.draw(invalid_forms(kind=kind, form="consent", project_id=project_id))
        data, files = form.to_httpx()
        path = f"{base}/consents/{session.name('bad-' + kind.replace('_', '-'))}"
        session.delete_later(path)
        session.provoke(f"form-{kind}", bad_arg(f"form {form.defect}"), "POST", path, data=data, files=files)
    from cognitive_conformance.strategies.voice import voice_pairs

    _, training = session.draw(_pairs(True, voice_pairs(same_speaker=True, min_duration_s=3.0, max_duration_s=3.5)))
    path = f"{base}/personalvoices/{session.name('noconsent')}"
    session.delete_later(path)
    data, files = _form_audio({"projectId": project_id, "consentId": missing}, [("audiodata", "a.wav", training)])
    session.provoke("unknown-consent", bad_req("a consent that does not exist"), "POST", path, data=data, files=files)


auth = auth_scenario(
    lambda session: f"{_base()}/projects",
    codes=("Unauthorized",),
    source="specs/customvoice.yaml (401 Unauthorized)",
)


SCENARIOS = [
    Scenario("voice-auth", "customvoice", "A wrong or missing key is rejected with 401 Unauthorized", auth, read_only=True),
    Scenario(
        "voice-personal-voice-train-poll",
        "customvoice",
        "Project → consent (Succeeded) → personal voice polled via Operation-Location and the resource → Succeeded; delete → 404",
        train_poll,
    ),
    Scenario(
        "voice-speaker-verification",
        "customvoice",
        "Training audio of another speaker than the consent's → Failed, SpeakerVerificationFailed",
        speaker_verification,
    ),
    Scenario(
        "voice-operation-id",
        "customvoice",
        "Operation-Id: identical retry → same operation and resource; reuse with a different request → 400",
        operation_id,
    ),
    Scenario("voice-list-pagination", "customvoice", "nextLink walks every project exactly once", list_pagination),
    Scenario("voice-error-codes", "customvoice", "Each provoked error answers the documented status and code", error_codes),
]
