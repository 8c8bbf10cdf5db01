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

from dataclasses import dataclass
from typing import Any

from conformance.checks.lro import status_of
from conformance.context import Expected
from conformance.scenarios import Scenario
from conformance.scenarios.session import Lro, Session, poll_lro
from conformance.transport import ResponseRecord

__all__ = ["SCENARIOS", "ORDER", "TERMINAL", "create_and_poll"]

ORDER = ("NotStarted", "Running", "Succeeded", "Failed")
TERMINAL = frozenset({"Succeeded", "Failed"})
SPEC = "specs/customvoice.yaml info.description"
CV_SOURCE = "https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json"


def _tag(session: Session) -> str:
    return session.spec.version.replace("-", "")[:8]


def _base() -> str:
    return "/customvoice"


def _form_audio(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[dict[str, str], list[Any]]:
    return dict(fields), [(name, (filename, data, "audio/wav")) for name, filename, data in files]


def _create_project(session: Session, suffix: str) -> str:
    pid = session.name(f"{suffix}-{_tag(session)}")
    path = f"{_base()}/projects/{pid}"
    session.on_cleanup(
        path,
        lambda: session.call("DELETE", f"{path}?forceDelete=true&api-version={session.spec.version}", check=False),
    )
    r = session.call("PUT", path, json_body={"description": None, "kind": "PersonalVoice"})
    if r.status_code != 201:
        session.broken(f"could not create project {pid}", r, documented="201 Created", source=CV_SOURCE + " Projects_Create")
    return pid


@dataclass
class _Created:
    record: ResponseRecord
    path: str
    lro: Lro | None = None
    terminal: ResponseRecord | None = None


def create_and_poll(session: Session, create: ResponseRecord, path: str, terminal_situation: str | None) -> _Created:
    """Poll a 201 create through Operation-Location and the resource to a terminal status; return both records."""
    version = session.spec.version
    lro = Lro(
        service="customvoice",
        version=version,
        scenario=session.scenario or "",
        operation_id=create.operation_id or "create",
        resource=path.split("/customvoice/", 1)[-1],
        submitted_at=create.sent_at,
        order=ORDER,
        terminal=TERMINAL,
    )
    terminal_record = poll_lro(
        session,
        lro,
        path,
        op_url=create.header("operation-location"),
        situation=terminal_situation,
        history=(create,),
        abort_message=f"{path} did not reach a terminal status",
    )
    return _Created(create, path, lro, terminal_record)


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
    created = create_and_poll(session, r, path, None)
    if created.terminal is None or status_of(created.terminal) != "Succeeded":
        session.broken(
            "the consent did not succeed", created.terminal, documented="Succeeded", source="https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (Status)"
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
    session.call("DELETE", path, situation="delete", expected=Expected(204, (), source))
    session.call("GET", path, situation="after-delete", expected=Expected(404, ("NotFound",), source))


def train_poll(session: Session) -> None:
    from strategies.voice import voice_pairs

    consent_audio, training_audio = session.draw(voice_pairs(same_speaker=True, min_duration_s=3.0, max_duration_s=3.5))
    project_id = _create_project(session, "pv")
    consent_id = _ready_consent(session, project_id, consent_audio)
    path, create = _personal_voice(session, project_id, consent_id, "voice", training_audio)
    create_and_poll(session, create, path, "same-speaker-terminal")
    session.call("GET", f"{_base()}/personalvoices", params={"filter": f"projectId eq '{project_id}'"})
    _delete_then_missing(session, path, CV_SOURCE + " PersonalVoices_Delete 204; NotFound afterwards")
    _delete_then_missing(session, f"{_base()}/consents/{consent_id}", CV_SOURCE + " Consents_Delete 204")
    _delete_then_missing(session, f"{_base()}/projects/{project_id}", CV_SOURCE + " Projects_Delete 204")


def speaker_verification(session: Session) -> None:
    from strategies.voice import voice_pairs

    consent_audio, training_audio = session.draw(voice_pairs(same_speaker=False, min_duration_s=3.0, max_duration_s=3.5))
    project_id = _create_project(session, "sv")
    consent_id = _ready_consent(session, project_id, consent_audio)
    path, create = _personal_voice(session, project_id, consent_id, "other", training_audio)
    create_and_poll(session, create, path, "different-speakers-terminal")


def operation_id(session: Session) -> None:
    from strategies.voice import operation_ids, voice_pairs

    audio, _ = session.draw(voice_pairs(same_speaker=True, min_duration_s=3.0, max_duration_s=3.5))
    # Operation ids are global to the resource: the run prefix and version keep this one new.
    op = f"{session.prefix}{_tag(session)}-{session.draw(operation_ids())[-30:]}"
    project_id = _create_project(session, "op")
    path, first = _consent(session, project_id, "retry", audio, operation_id=op)
    if first.status_code != 201:
        session.broken("could not create a consent with an Operation-Id", first, documented="201 Created", source="https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview")
    # The identical request again (a new multipart boundary, the same parts): a safe retry.
    _, retry = _consent(session, project_id, "retry", audio, operation_id=op)
    ctx = session.context(retry, situation="operation-id-retry", history=(first,))
    session.evaluate_one("voice_operation_id_retry_idempotent", ctx, retry)
    # A different request (another consent id) with the same Operation-Id: 400.
    _, reused = _consent(session, project_id, "reuse", audio, operation_id=op)
    ctx = session.context(reused, situation="operation-id-reused")
    session.evaluate_one("voice_operation_id_reuse_rejected", ctx, reused)
    create_and_poll(session, first, path, None)


def list_pagination(session: Session) -> None:
    created = [_create_project(session, f"page{i}") for i in range(3)]
    pages: list[ResponseRecord] = []
    url: str | None = f"{_base()}/projects"
    params: dict[str, Any] | None = {"maxpagesize": 2}
    while url and len(pages) < 200:
        record = session.call("GET", url, params=params)
        if record.status_code != 200:
            session.broken("a list page could not be read", record, documented="200", source=CV_SOURCE + " Projects_List")
        pages.append(record)
        body = record.json_or_none() or {}
        url, params = body.get("nextLink") if isinstance(body, dict) else None, None
    ctx = session.context(
        pages[-1], situation="list-walk", history=tuple(pages[:-1]), extra={"maxpagesize": 2, "expected_ids": created}
    )
    session.evaluate_one("voice_list_pages_complete", ctx, pages[-1])


def error_codes(session: Session) -> None:
    from strategies.voice import invalid_forms

    base = _base()
    bad_arg = lambda why: Expected(400, ("BadArgument",), f"{SPEC}: {why}")  # noqa: E731
    bad_req = lambda why: Expected(400, ("BadRequest",), f"{SPEC}: {why}")  # noqa: E731
    missing = session.name("missing")
    session.call("GET", f"{base}/projects/-bad-id-", situation="invalid-id", expected=bad_arg("id breaks the ResourceId pattern"))
    session.call("GET", f"{base}/projects/{'a' * 65}", situation="invalid-id", expected=bad_arg("id longer than 64 characters"))
    session.call("GET", f"{base}/projects/{missing}", situation="missing-project", expected=Expected(404, ("NotFound",), SPEC))
    session.call("GET", f"{base}/operations/{missing}", situation="missing-operation", expected=Expected(404, ("NotFound",), SPEC))
    session.call(
        "GET", f"{base}/projects", params={"api-version": "1999-01-01"}, situation="unknown-api-version",
        expected=bad_req("unknown api-version"),
    )
    session.call("GET", f"{base}/projects?", situation="missing-api-version", expected=bad_req("missing api-version"))
    session.call(
        "GET", f"{base}/projects", params={"skip": -1}, situation="bad-skip", expected=bad_arg("skip below 0")
    )
    project_id = _create_project(session, "err")
    session.call(
        "PUT", f"{base}/projects/{project_id}", json_body={"kind": "PersonalVoice"}, situation="project-exists",
        expected=bad_req("a resource id that already exists"),
    )
    session.call(
        "PUT", f"{base}/projects/{session.name('nokind')}", json_body={"description": "no kind"}, situation="no-kind",
        expected=bad_arg("body breaks its schema (kind is required)"),
    )
    session.call(
        "PUT", f"{base}/projects/{session.name('text')}", content=b"kind=PersonalVoice",
        headers={"Content-Type": "text/plain"}, situation="wrong-media-type",
        expected=Expected(415, ("UnsupportedMediaType",), SPEC),
    )
    for kind in ("missing_part", "wrong_part_type"):
        form = session.draw(invalid_forms(kind=kind, form="consent", project_id=project_id))
        data, files = form.to_httpx()
        path = f"{base}/consents/{session.name('bad-' + kind.replace('_', '-'))}"
        session.delete_later(path)
        session.call(
            "POST", path, data=data, files=files, situation=f"form-{kind}", expected=bad_arg(f"form {form.defect}")
        )
    from strategies.voice import voice_pairs

    _, training = session.draw(voice_pairs(same_speaker=True, min_duration_s=3.0, max_duration_s=3.5))
    path = f"{base}/personalvoices/{session.name('noconsent')}"
    session.delete_later(path)
    data, files = _form_audio({"projectId": project_id, "consentId": missing}, [("audiodata", "a.wav", training)])
    session.call(
        "POST", path, data=data, files=files, situation="unknown-consent", expected=bad_req("a consent that does not exist")
    )


def auth(session: Session) -> None:
    path = f"{_base()}/projects"
    doc = "specs/customvoice.yaml 401 Unauthorized; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json"
    session.call("GET", path, key="not-a-valid-key-0000", situation="bad-key", expected=Expected(401, ("Unauthorized",), doc))
    session.call("GET", path, key=None, situation="no-key", expected=Expected(401, ("Unauthorized",), doc))


SCENARIOS = [
    Scenario("voice-auth", "customvoice", "A wrong or missing key is rejected with 401 Unauthorized", auth),
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
