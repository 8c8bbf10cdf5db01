"""Rule family: long-running operations (train-then-poll).

These checks read ``ctx.lro`` (the statuses already seen for this operation) and the
situation the scenario set up. The legal path of every service is::

    notStarted → running → succeeded | failed        (Face; v1.0 spells notStarted "nonstarted")
    Enrolling → Training → Enrolled                   (Speaker enrollment)
    NotStarted → Running → Succeeded | Failed         (Custom Voice)

No status goes back, a terminal status stays terminal on every re-read, the operation
status resource agrees with the resource, timestamps parse and are ordered, and the
outcome is the documented one for the situation (an empty group fails).
"""

from __future__ import annotations

from conformance.checks._util import norm_status, parse_timestamp, truncate
from conformance.checks.registry import check
from conformance.context import CheckContext
from conformance.failures import (
    IllegalStatusTransition,
    OperationNeverFinished,
    OperationsDisagree,
    TerminalStatusChanged,
    TimestampsOutOfOrder,
    TrainingResultUnexpected,
)
from conformance.transport import ResponseRecord

__all__ = [
    "status_of",
    "lro_legal_status_path",
    "lro_terminal_sticky",
    "lro_reaches_terminal",
    "lro_operations_agree",
    "lro_timestamps_ordered",
    "lro_empty_group_fails",
    "lro_populated_group_succeeds",
    "lro_not_instant",
]

_STATUS_FIELDS = ("status", "enrollmentStatus")

# Timestamp fields that must be ordered (earlier first), per resource shape.
_ORDERED_FIELDS = (
    ("createdDateTime", "lastActionDateTime"),  # Face TrainingStatus (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247), Custom Voice resources (https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview)
    ("createdTime", "lastActionTime"),  # Face OperationResult (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json)
    ("createdTime", "finishedTime"),
    ("lastActionTime", "finishedTime"),
    ("createdDateTime", "lastUpdatedDateTime"),  # Speaker TiProfileInfo (https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json)
)
_ALL_TIME_FIELDS = sorted({f for pair in _ORDERED_FIELDS for f in pair})


def status_of(response: ResponseRecord) -> str | None:
    """The status value a status-bearing 2xx body carries, or ``None``."""
    body = response.json_or_none()
    if not isinstance(body, dict):
        return None
    for name in _STATUS_FIELDS:
        if isinstance(body.get(name), str):
            return body[name]
    return None


def _rank(ctx: CheckContext, status: str) -> int | None:
    assert ctx.lro is not None
    norm = norm_status(status)
    order = [norm_status(s) for s in ctx.lro.order]
    terminal = {norm_status(s) for s in ctx.lro.terminal}
    if norm in terminal:
        return len([s for s in order if s not in terminal])
    return order.index(norm) if norm in order else None


def _current(ctx: CheckContext, response: ResponseRecord) -> str | None:
    if ctx.lro is None or not 200 <= response.status_code < 300:
        return None
    return status_of(response)


@check(stateful_only=True)
def lro_legal_status_path(ctx: CheckContext, response: ResponseRecord) -> None:
    """Statuses only move forward along the documented path; none goes back.

    Source: https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 (status: notstarted while waiting, running while it runs, then succeeded or
    failed); https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (Enrolling, Training, Enrolled); https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (NotStarted, Running,
    Succeeded, Failed); https://github.com/Azure/azure-rest-api-specs/blob/000f60d694dd920018dfb18eeb0f58066abcb609/specification/cognitiveservices/data-plane/Face/stable/v1.0/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json; https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json.
    """
    current = _current(ctx, response)
    if current is None or not ctx.lro.statuses:
        return
    now = _rank(ctx, current)
    terminal = {norm_status(s) for s in ctx.lro.terminal}
    if any(norm_status(s) in terminal for s in ctx.lro.statuses):
        return  # changes after a terminal status are lro_terminal_sticky's
    for earlier in ctx.lro.statuses:
        before = _rank(ctx, earlier)
        if now is not None and before is not None and now < before:
            path = " → ".join([*ctx.lro.statuses, current])
            raise IllegalStatusTransition(
                f"status went back from {earlier!r} to {current!r}",
                received=path,
                documented=" → ".join(ctx.lro.order),
            )


@check(stateful_only=True)
def lro_terminal_sticky(ctx: CheckContext, response: ResponseRecord) -> None:
    """Once a terminal status has been read, every later read returns the same terminal status.

    Source: https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 (succeeded "means the group is ready for Identify"; failed is final);
    https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview / https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (Succeeded/Failed are terminal operation states); the LRO
    pattern of the Azure REST API guidelines cited by https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview.
    """
    current = _current(ctx, response)
    if current is None:
        return
    terminal = {norm_status(s) for s in ctx.lro.terminal}
    for earlier in ctx.lro.statuses:
        if norm_status(earlier) in terminal and norm_status(current) != norm_status(earlier):
            raise TerminalStatusChanged(
                f"terminal status {earlier!r} became {current!r} on re-read",
                received=" → ".join([*ctx.lro.statuses, current]),
                documented=f"{earlier} on every later read",
            )


@check(stateful_only=True)
def lro_reaches_terminal(ctx: CheckContext, response: ResponseRecord) -> None:
    """A submitted operation reaches a terminal status within the poll budget.

    Source: https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 ("It could be several seconds to minutes"); https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 (succeeded/failed are
    the end states); https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (Training → Enrolled); https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview (Succeeded/Failed). The budget is
    the run's --poll-timeout.
    """
    if ctx.situation != "poll-budget-exhausted" or ctx.lro is None:
        return
    seen = " → ".join(ctx.lro.statuses) or "(no status read)"
    raise OperationNeverFinished(
        f"no terminal status after {ctx.extra.get('polls', '?')} polls in {ctx.extra.get('elapsed_s', 0):.1f} s",
        received=seen,
        documented=" | ".join(sorted(ctx.lro.terminal)),
        hint="Raise --poll-timeout if the target is merely slow.",
    )


@check(stateful_only=True)
def lro_operations_agree(ctx: CheckContext, response: ResponseRecord) -> None:
    """The operation status resource agrees with the resource's own status read just before and after it.

    Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json; https://github.com/Azure/azure-rest-api-specs/blob/54923347f07c69f929305d5c2fd3fa7fda1dab96/specification/ai/Face/routes.persongroup.tsp (Face v1.1+: train's operation-Location leads to GetOperationResult,
    and GetPersonGroupTrainingStatus is the polling operation of the same LRO); https://learn.microsoft.com/en-us/rest/api/aiservices/speechapi/personal-voices/post?view=rest-aiservices-speechapi-2024-02-01-preview /
    https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (Operations_Get reports the status of the personal voice it created).
    """
    if ctx.situation != "operation-vs-resource" or ctx.lro is None:
        return
    current = _current(ctx, response)
    before, after = ctx.extra.get("resource_before"), ctx.extra.get("resource_after")
    if current is None or before is None or after is None:
        return
    lo, hi, mid = _rank(ctx, before), _rank(ctx, after), _rank(ctx, current)
    if None in (lo, hi, mid):
        return
    terminal = {norm_status(s) for s in ctx.lro.terminal}
    now, last = norm_status(current), norm_status(after)
    other_terminal = now in terminal and last in terminal and now != last  # a terminal read is final
    if not lo <= mid <= hi or other_terminal:
        raise OperationsDisagree(
            f"operation status {current!r} while the resource read {before!r} before and {after!r} after",
            received=current,
            documented=f"between {before!r} and {after!r}",
        )


@check(stateful_only=True)
def lro_timestamps_ordered(ctx: CheckContext, response: ResponseRecord) -> None:
    """Timestamps parse as date-times and are ordered: created ≤ last action ≤ finished, never moving back between polls.

    Source: https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 (createdDateTime "UTC date-time joined by the letter T", lastActionDateTime
    the last change); https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (OperationResult createdTime/lastActionTime/finishedTime),
    https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json (createdDateTime/lastUpdatedDateTime), https://github.com/Azure/azure-rest-api-specs/blob/29f29f336438a43b5353bb1d80045f57a175a379/specification/cognitiveservices/data-plane/Speech/TextToSpeech/preview/2024-02-01-preview/texttospeech.json (createdDateTime/lastActionDateTime,
    "YYYY-MM-DDThh:mm:ssZ"). The lenient profile also accepts the v1.0 Get Training Status reference's "1/3/2017 4:11:35 AM".
    """
    if ctx.lro is None or not 200 <= response.status_code < 300:
        return
    body = response.json_or_none()
    if not isinstance(body, dict):
        return
    lenient = ctx.profile == "lenient"
    parsed = {}
    for name in _ALL_TIME_FIELDS:
        value = body.get(name)
        if value is None:
            continue
        stamp = parse_timestamp(value, lenient=lenient)
        if stamp is None:
            raise TimestampsOutOfOrder(
                f"{name} is not a parsable date-time",
                received=truncate(value),
                documented="RFC 3339 date-time, e.g. 2024-01-02T03:04:05Z",
            )
        parsed[name] = stamp
    for first, second in _ORDERED_FIELDS:
        if first in parsed and second in parsed and parsed[second] < parsed[first]:
            raise TimestampsOutOfOrder(
                f"{second} is earlier than {first}",
                received=f"{first}={body[first]}, {second}={body[second]}",
                documented=f"{first} ≤ {second}",
            )
    for earlier in ctx.history:
        old = earlier.json_or_none()
        if not isinstance(old, dict) or earlier.status_code >= 300:
            continue
        for name, stamp in parsed.items():
            prior = parse_timestamp(old.get(name), lenient=lenient)
            if prior is not None and stamp < prior:
                raise TimestampsOutOfOrder(
                    f"{name} moved back between two reads",
                    received=f"{old.get(name)} then {body[name]}",
                    documented=f"{name} never decreases",
                )


def _terminal_outcome(ctx: CheckContext, response: ResponseRecord, situation: str, wanted: str) -> None:
    if ctx.situation != situation:
        return
    current = _current(ctx, response)
    if current is None or norm_status(current) not in {norm_status(t) for t in ctx.lro.terminal}:
        return
    if norm_status(current) != norm_status(wanted):
        body = response.json_or_none() or {}
        raise TrainingResultUnexpected(
            f"terminal status {current!r}; documented: {wanted}",
            received=f"{current} (message: {truncate(body.get('message')) if isinstance(body, dict) else ''})",
            documented=wanted,
        )


@check(stateful_only=True)
def lro_empty_group_fails(ctx: CheckContext, response: ResponseRecord) -> None:
    """Training a group with no persons (or no persisted faces) ends failed.

    Source: https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 (status "failed" usually means the group has no persons or no persisted
    faces); specs/face.yaml TrainPersonGroup description (the accepted-then-failed decision).
    """
    _terminal_outcome(ctx, response, "empty-group-terminal", "failed")


@check(stateful_only=True)
def lro_populated_group_succeeds(ctx: CheckContext, response: ResponseRecord) -> None:
    """Training a group whose persons all have faces ends succeeded.

    Source: https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 (succeeded means the group is ready for Identify; failure is tied to
    missing persons or faces); https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 (training makes the group usable by Identify).
    """
    _terminal_outcome(ctx, response, "populated-group-terminal", "succeeded")


_INSTANT_WINDOW_S = 0.1


@check(stateful_only=True)
def lro_not_instant(ctx: CheckContext, response: ResponseRecord) -> None:
    """An accepted training is not already finished on a status read sent immediately (within 100 ms) after the 202.

    Source: https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 ("The training task is an asynchronous task. Training time depends on the
    number of person entries, and their faces ... It could be several seconds to minutes"; 202
    Accepted); https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 (notstarted while the training waits to run, running while it runs).
    """
    if ctx.lro is None or ctx.lro.submitted_at is None or ctx.lro.statuses:
        return  # only the first read of an LRO
    current = _current(ctx, response)
    if current is None or norm_status(current) not in {norm_status(s) for s in ctx.lro.terminal}:
        return
    delay = response.sent_at - ctx.lro.submitted_at
    if delay <= _INSTANT_WINDOW_S:
        raise TrainingResultUnexpected(
            f"the first status read, {delay * 1000:.0f} ms after submission, is already terminal",
            received=current,
            documented=" or ".join(s for s in ctx.lro.order if norm_status(s) not in {norm_status(t) for t in ctx.lro.terminal})
            + " right after the submission (asynchronous training)",
        )
