"""Speaker rules on hand-built evidence: enrollment ledgers, page walks, identifications (pass / fail / n/a).

Source: STYLE.md "Writing a check" (tests: hand-built exchanges for pass / fail / not-applicable).
"""

from __future__ import annotations

import pytest

from cognitive_conformance.conformance.checks.registry import NA, PASS, get, judge
from cognitive_conformance.conformance.failures import AccountingViolation
from cognitive_conformance.conformance.flows import Enrollment, EnrollmentLedger, PageWalk
from cognitive_conformance.conformance.packs.speaker import rules as E
from tests.unit.conformance.checks import _helpers as H

SPEC = H.spec("speaker", "2021-09-05")

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


def ledger(*records, start=START, sent: float | None = 6.0, waived: bool = False) -> EnrollmentLedger:
    """START, then FIRST, then ``records``: each entry sent ``sent`` seconds of audio."""
    entries = [Enrollment(FIRST, 6.0)] + [Enrollment(r, sent, waived) for r in records]
    return EnrollmentLedger(start, tuple(entries))


ALL = [E.enrollment_count_increments, E.enrollment_totals_are_sums, E.enrollment_audio_length_matches,
       E.enrollment_speech_within_audio, E.enrollment_remaining_never_grows, E.enrollment_status_consistent]


@pytest.mark.parametrize("rule", ALL, ids=lambda c: c.__name__)
def test_a_consistent_ledger_passes_every_rule(rule) -> None:
    assert judge(get(rule.__name__), SPEC, ledger(GOOD)).verdict == PASS


@pytest.mark.parametrize("rule", ALL, ids=lambda c: c.__name__)
def test_rules_are_not_applicable_without_an_accepted_enrollment(rule) -> None:
    rejected = H.response(400, {"error": {"code": "InvalidRequest", "message": "m"}})
    outcome = judge(get(rule.__name__), SPEC, EnrollmentLedger(START, (Enrollment(rejected, 6.0),)))
    assert outcome.verdict == NA and outcome.reason


@pytest.mark.parametrize(
    "rule, record, kwargs",
    [
        (E.enrollment_count_increments, _enr(1, 12.0, 9.6, 10.4, 6.0, 4.8), {}),
        (E.enrollment_totals_are_sums, _enr(2, 12.5, 9.6, 10.4, 6.0, 4.8), {}),
        (E.enrollment_totals_are_sums, _enr(2, 12.0, 9.0, 10.4, 6.0, 4.8), {}),
        (E.enrollment_audio_length_matches, GOOD, {"sent": 5.0}),
        (E.enrollment_speech_within_audio, _enr(2, 12.0, 9.6, 10.4, 6.0, 6.5), {}),
        (E.enrollment_speech_within_audio, _enr(2, 12.0, 12.6, 10.4, 6.0, 4.8), {}),
        (E.enrollment_remaining_never_grows, _enr(2, 12.0, 9.6, 16.0, 6.0, 4.8), {}),
        (E.enrollment_remaining_never_grows, _enr(2, 12.0, 9.6, -0.5, 6.0, 4.8), {}),
        (E.enrollment_status_consistent, _enr(2, 12.0, 9.6, 10.4, 6.0, 4.8, "Enrolled"), {}),
        (E.enrollment_status_consistent, _enr(2, 12.0, 9.6, 0.0, 6.0, 4.8, "Enrolling"), {}),
        (E.enrollment_status_consistent, _enr(2, 12.0, 9.6, 10.4, 6.0, 4.8, "Enrolling"), {"waived": True}),
    ],
)
def test_broken_accounting_raises_accounting_violation(rule, record, kwargs) -> None:
    H.expect_failure(AccountingViolation, rule, SPEC, ledger(record, **kwargs))


def test_tolerances_absorb_two_decimal_rounding() -> None:
    E.enrollment_totals_are_sums(SPEC, ledger(_enr(2, 12.01, 9.61, 10.39, 6.0, 4.8)))
    E.enrollment_audio_length_matches(SPEC, ledger(GOOD, sent=6.09))
    E.enrollment_status_consistent(SPEC, ledger(_enr(2, 12.0, 9.6, 0.0, 6.0, 4.8, "Training"), waived=True))


def test_a_waiver_on_an_earlier_enrollment_applies_to_later_ones() -> None:
    waived = _enr(1, 6.0, 4.8, 15.2, 6.0, 4.8, "Training")
    entries = (Enrollment(waived, 6.0, True), Enrollment(_enr(2, 12.0, 9.6, 10.4, 6.0, 4.8, "Enrolled"), 6.0))
    assert E.enrollment_status_consistent(SPEC, EnrollmentLedger(START, entries)) is None
    unwaived = (Enrollment(waived, 6.0, False),)
    H.expect_failure(AccountingViolation, E.enrollment_status_consistent, SPEC, EnrollmentLedger(START, unwaived))


def test_totals_need_a_ledger_from_an_empty_profile() -> None:
    outcome = judge(get("enrollment_totals_are_sums"), SPEC, ledger(_enr(2, 99.0, 9.6, 10.4, 6.0, 4.8), start=None))
    assert outcome.verdict == NA


def test_audio_length_is_not_applicable_when_the_length_sent_is_unknown() -> None:
    entries = (Enrollment(FIRST, None), Enrollment(GOOD, None))
    assert judge(get("enrollment_audio_length_matches"), SPEC, EnrollmentLedger(START, entries)).verdict == NA


def _page(ids, next_link=None):
    body = {"value": [{"profileId": i} for i in ids]}
    if next_link:
        body["nextLink"] = next_link
    return H.response(200, body)


def walk(*pages, expected=(), complete=True, size=None):
    return PageWalk(tuple(pages), frozenset(expected), "profileId", ("value", "profiles"), size, complete)


def test_list_pages_cover_each_once() -> None:
    a, b, c = PID, OTHER, "726e57d9-04e0-4214-b482-7f786fa83560"
    rule = E.list_pages_cover_each_once
    rule(SPEC, walk(_page([a, b], "x"), _page([c]), expected=[a, b, c], size=2))
    H.expect_failure(E.PagingViolation, rule, SPEC, walk(_page([a, b], "x"), _page([b, c]), expected=[a, b, c]))
    H.expect_failure(E.PagingViolation, rule, SPEC, walk(_page([a], "x"), _page([c]), expected=[a, b, c]))
    H.expect_failure(E.PagingViolation, rule, SPEC, walk(_page([a, b, c]), size=2))
    assert judge(get("list_pages_cover_each_once"), SPEC, walk(_page([a, a]), complete=False)).verdict == NA
    assert judge(get("list_pages_cover_each_once"), SPEC, walk(H.response(200, "x", content_type="text/plain"))).verdict == NA


def test_lenient_profiles_field_is_read_as_the_page() -> None:
    page = H.response(200, {"profiles": [{"profileId": PID}, {"profileId": PID}]})
    H.expect_failure(E.PagingViolation, E.list_pages_cover_each_once, SPEC, walk(page))


def _identify(identified, ranking):
    return H.response(200, {"identifiedProfile": {"profileId": identified, "score": ranking[0][1] if ranking else 0},
                            "profilesRanking": [{"profileId": p, "score": s} for p, s in ranking]})


def test_identify_returns_enrolled_speaker() -> None:
    rule = E.identify_returns_enrolled_speaker
    rule(SPEC, E.Identification(_identify(PID, [(PID, 0.99), (OTHER, 0.6)]), PID))
    H.expect_failure(E.WrongSpeakerIdentified, rule, SPEC, E.Identification(_identify(OTHER, [(OTHER, 0.99), (PID, 0.6)]), PID))
    H.expect_failure(E.WrongSpeakerIdentified, rule, SPEC,
                     E.Identification(_identify("00000000-0000-0000-0000-000000000000", [(PID, 0.5)]), PID))
    H.expect_failure(E.WrongSpeakerIdentified, rule, SPEC, E.Identification(_identify(PID, [(PID, 0.5), (OTHER, 0.9)]), PID))
    error = H.response(400, {"error": {"code": "InvalidRequest", "message": "m"}})
    assert judge(get("identify_returns_enrolled_speaker"), SPEC, E.Identification(error, PID)).verdict == NA
