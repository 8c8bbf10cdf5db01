"""Enrollment-family checks on hand-built responses: pass, fail (exact failure class), not applicable.

Source: STYLE.md "Writing a check" (tests: hand-built ResponseRecords for pass / fail / not-applicable).
"""

from __future__ import annotations

import importlib.util
import pathlib

import pytest

from conformance.packs.speaker import rules as E
from conformance.failures import AccountingViolation

_spec = importlib.util.spec_from_file_location("_helpers", pathlib.Path(__file__).parent / "checks" / "_helpers.py")
H = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(H)

PID = "3669fa29-1bf3-45ad-beea-6b348d058d7e"
OTHER = "111f427c-3791-468f-b709-fcef7660fff9"
START = H.response(201, {"profileId": PID, "enrollmentsCount": 0, "enrollmentsLengthInSec": 0, "enrollmentsSpeechLengthInSec": 0,
                         "remainingEnrollmentsSpeechLengthInSec": 20, "enrollmentStatus": "Enrolling"})


def _enr(count: int, total: float, speech_total: float, remaining: float, audio: float, speech: float, status: str = "Enrolling"):
    return H.response(201, {
        "profileId": PID, "enrollmentStatus": status, "enrollmentsCount": count, "enrollmentsLengthInSec": total,
        "enrollmentsSpeechLengthInSec": speech_total, "remainingEnrollmentsSpeechLengthInSec": remaining,
        "audioLengthInSec": audio, "audioSpeechLengthInSec": speech,
    })


FIRST = _enr(1, 6.0, 4.8, 15.2, 6.0, 4.8)
GOOD = _enr(2, 12.0, 9.6, 10.4, 6.0, 4.8)


def _ctx(history=(START, FIRST), op="TextIndependent_CreateEnrollment", **extra):
    return H.context("speaker", "2021-09-05", op, situation="enrollment", history=tuple(history),
                     extra={"sent_audio_s": 6.0, "min_length_waived": False, **extra})


ALL = [E.enrollment_count_increments, E.enrollment_totals_are_sums, E.enrollment_audio_length_matches,
       E.enrollment_speech_within_audio, E.enrollment_remaining_never_grows, E.enrollment_status_consistent]


@pytest.mark.parametrize("check", ALL, ids=lambda c: c.__name__)
def test_a_consistent_enrollment_passes_every_check(check) -> None:
    check(_ctx(), GOOD)


@pytest.mark.parametrize("check", ALL, ids=lambda c: c.__name__)
def test_checks_do_not_apply_to_other_operations_or_errors(check) -> None:
    bad = _enr(9, -1, 99, 50, 1, 99, "Enrolled")
    check(_ctx(op="TextIndependent_GetProfile"), bad)
    check(_ctx(), H.response(400, {"error": {"code": "InvalidRequest", "message": "m"}}))


@pytest.mark.parametrize(
    "check, record, extra",
    [
        (E.enrollment_count_increments, _enr(1, 12.0, 9.6, 10.4, 6.0, 4.8), {}),
        (E.enrollment_totals_are_sums, _enr(2, 12.5, 9.6, 10.4, 6.0, 4.8), {}),
        (E.enrollment_totals_are_sums, _enr(2, 12.0, 9.0, 10.4, 6.0, 4.8), {}),
        (E.enrollment_audio_length_matches, GOOD, {"sent_audio_s": 5.0}),
        (E.enrollment_speech_within_audio, _enr(2, 12.0, 9.6, 10.4, 6.0, 6.5), {}),
        (E.enrollment_speech_within_audio, _enr(2, 12.0, 12.6, 10.4, 6.0, 4.8), {}),
        (E.enrollment_remaining_never_grows, _enr(2, 12.0, 9.6, 16.0, 6.0, 4.8), {}),
        (E.enrollment_remaining_never_grows, _enr(2, 12.0, 9.6, -0.5, 6.0, 4.8), {}),
        (E.enrollment_status_consistent, _enr(2, 12.0, 9.6, 10.4, 6.0, 4.8, "Enrolled"), {}),
        (E.enrollment_status_consistent, _enr(2, 12.0, 9.6, 0.0, 6.0, 4.8, "Enrolling"), {}),
        (E.enrollment_status_consistent, _enr(2, 12.0, 9.6, 10.4, 6.0, 4.8, "Enrolling"), {"min_length_waived": True}),
    ],
)
def test_broken_accounting_raises_accounting_violation(check, record, extra) -> None:
    H.expect_failure(AccountingViolation, check, _ctx(**extra), record)


def test_tolerances_absorb_two_decimal_rounding() -> None:
    E.enrollment_totals_are_sums(_ctx(), _enr(2, 12.01, 9.61, 10.39, 6.0, 4.8))
    E.enrollment_audio_length_matches(_ctx(sent_audio_s=6.09), GOOD)
    E.enrollment_status_consistent(_ctx(min_length_waived=True), _enr(2, 12.0, 9.6, 0.0, 6.0, 4.8, "Training"))


def test_totals_check_needs_a_walk_from_an_empty_profile() -> None:
    E.enrollment_totals_are_sums(_ctx(history=(FIRST,)), _enr(2, 99.0, 9.6, 10.4, 6.0, 4.8))


def _page(ids, next_link=None):
    body = {"value": [{"profileId": i} for i in ids]}
    if next_link:
        body["nextLink"] = next_link
    return H.response(200, body)


def _list_ctx(history, expected):
    return H.context("speaker", "2021-09-05", "TextIndependent_ListProfiles", situation="profile-list-walk",
                     history=tuple(history), extra={"expected_ids": expected})


def test_list_pages_cover_each_once() -> None:
    a, b, c = PID, OTHER, "726e57d9-04e0-4214-b482-7f786fa83560"
    E.list_pages_cover_each_once(_list_ctx([_page([a, b], "x")], [a, b, c]), _page([c]))
    H.expect_failure(E.PagingViolation, E.list_pages_cover_each_once, _list_ctx([_page([a, b], "x")], [a, b, c]), _page([b, c]))
    H.expect_failure(E.PagingViolation, E.list_pages_cover_each_once, _list_ctx([_page([a], "x")], [a, b, c]), _page([c]))
    E.list_pages_cover_each_once(H.context("speaker", "2021-09-05", "TextIndependent_ListProfiles"), _page([a, a]))


def _identify(identified, ranking):
    return H.response(200, {"identifiedProfile": {"profileId": identified, "score": ranking[0][1] if ranking else 0},
                            "profilesRanking": [{"profileId": p, "score": s} for p, s in ranking]})


def _id_ctx(expected=PID, situation="identify-enrolled-speaker"):
    return H.context("speaker", "2021-09-05", "TextIndependent_IdentifySingleSpeaker", situation=situation,
                     extra={"speaker_profile": expected})


def test_identify_returns_enrolled_speaker() -> None:
    check = E.identify_returns_enrolled_speaker
    check(_id_ctx(), _identify(PID, [(PID, 0.99), (OTHER, 0.6)]))
    H.expect_failure(E.WrongSpeakerIdentified, check, _id_ctx(), _identify(OTHER, [(OTHER, 0.99), (PID, 0.6)]))
    H.expect_failure(E.WrongSpeakerIdentified, check, _id_ctx(), _identify("00000000-0000-0000-0000-000000000000", [(PID, 0.5)]))
    H.expect_failure(E.WrongSpeakerIdentified, check, _id_ctx(), _identify(PID, [(PID, 0.5), (OTHER, 0.9)]))
    check(_id_ctx(situation="other"), _identify(OTHER, [(OTHER, 0.99)]))
