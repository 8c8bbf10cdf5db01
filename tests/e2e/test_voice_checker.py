"""The checker's Custom Voice scenarios against the emulator over real HTTP: faithful → no finding; each voice
fault → a finding of exactly the check it names (and no other check).

Source: issue 4 "Done when" (exit 0 against the faithful emulator, exit 1 with a named finding per broken rule).
"""

from __future__ import annotations

import pytest

from cognitive_conformance.conformance.runner import EXIT_FINDINGS, EXIT_OK, RunConfig, run
from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, running
from cognitive_conformance.emulator.faults import FAULTS

VOICE_FAULTS = [
    "operation-id-retry-rejected",
    "operation-id-reuse-accepted",
    "speaker-verification-skipped",
    "list-pages-overlap",
    "speaker-profile-id-changes",
    "upload-counts-nothing",
    "endpoint-suspend-not-disabled",
    "model-data-not-ready-reported-internal",
]


def _run(faults: tuple[str, ...], version: str) -> tuple[int, set[str], int]:
    # The emulator trains in 0.4 s and suspends/resumes an endpoint in half that; the first status re-read comes
    # after 0.1 s, not a live target's 1 s. Never both inside lro_not_instant's 100 ms window and terminal: a
    # read sent within 100 ms of a 0.2 s operation's start is early, a later one is outside the window.
    with running(EmulatorConfig(training_seconds=0.4, faults=faults)) as url:
        result = run(
            RunConfig(target=url, key=DEFAULT_KEY, services=("customvoice",), api_versions=(version,),
                      phases=("stateful",), poll_timeout_s=20.0, poll_interval_s=0.1)
        )
    return result.exit_code, {f.check for f in result.findings}, result.requests


@pytest.mark.parametrize("version", ["2024-02-01-preview", "2026-01-01"])
def test_faithful_emulator_has_no_finding(version: str) -> None:
    code, checks, requests = _run((), version)
    assert (code, checks) == (EXIT_OK, set())
    assert requests > 50


@pytest.mark.parametrize("fault", VOICE_FAULTS)
def test_each_voice_fault_is_caught_by_exactly_its_check(fault: str) -> None:
    code, checks, _ = _run((fault,), "2026-01-01")
    assert code == EXIT_FINDINGS
    assert checks == {FAULTS[fault].expected_check}
