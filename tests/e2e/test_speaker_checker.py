"""The checker against the Speaker emulator over real HTTP: faithful -> no finding; each Speaker fault -> its check.

Source: shared slice rule "every check you add must be shown to FAIL against a target that breaks its rule";
emulator/services/speaker/faults.py (each fault names its expected_check).
"""

from __future__ import annotations

import pytest

from cognitive_conformance.conformance.runner import EXIT_FINDINGS, EXIT_OK, RunConfig, run
from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, running
import cognitive_conformance.emulator.services.speaker  # noqa: F401  (registers the Speaker faults)
from cognitive_conformance.emulator.faults import FAULTS

_ENROLL = ("speaker-enroll-poll",)
_CASES = {
    "speaker-enrollment-count-stuck": _ENROLL,
    "speaker-enrollment-totals-drift": _ENROLL,
    "speaker-audio-length-off": _ENROLL,
    "speaker-speech-exceeds-audio": _ENROLL,
    "speaker-remaining-grows": _ENROLL,
    "speaker-enrolled-too-early": _ENROLL,
    "speaker-list-pages-overlap": ("speaker-list-paging",),
    "speaker-identify-wrong-profile": ("speaker-identify",),
    "speaker-delete-returns-200-with-body": _ENROLL,
}


def _run(url: str, scenarios: tuple[str, ...] = ()):
    return run(
        RunConfig(target=url, key=DEFAULT_KEY, services=("speaker",), phases=("stateful",), scenarios=scenarios, poll_timeout_s=20.0,
                  poll_interval_s=0.1)  # the emulator trains in 0.2 s: the first status re-read after 0.1 s, not a live target's 1 s
    )


def test_every_speaker_fault_has_a_case() -> None:
    assert {n for n, cls in FAULTS.items() if cls.__module__ == "cognitive_conformance.emulator.services.speaker.faults"} == set(_CASES)


@pytest.mark.slow
def test_speaker_stateful_phase_has_no_finding_against_the_faithful_emulator() -> None:
    with running(EmulatorConfig(training_seconds=0.2)) as url:
        result = _run(url)
    assert result.findings == [], [f.message for f in result.findings]
    assert result.exit_code == EXIT_OK
    assert result.requests > 50


@pytest.mark.parametrize("fault", sorted(_CASES))
def test_speaker_fault_is_caught_by_its_check(fault: str) -> None:
    with running(EmulatorConfig(training_seconds=0.2, faults=(fault,))) as url:
        result = _run(url, _CASES[fault])
    checks = {f.check for f in result.findings}
    assert result.exit_code == EXIT_FINDINGS
    expected = FAULTS[fault].expected_check
    # a body where none is documented also breaks the schema rule; every other fault fires exactly its check
    also = {"response_schema_conforms"} if fault == "speaker-delete-returns-200-with-body" else set()
    assert checks == {expected} | also, [(f.check, f.message) for f in result.findings]
