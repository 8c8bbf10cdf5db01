"""The checker's FaceList / LargeFaceList scenarios against the emulator over real HTTP: the faithful
emulator passes them on every API version; each list fault is caught by the check it names."""

from __future__ import annotations

import pytest

from cognitive_conformance.conformance.events import LroCompleted
from cognitive_conformance.conformance.runner import EXIT_FINDINGS, EXIT_OK, RunConfig, run
from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, running
from cognitive_conformance.emulator.faults import FAULTS
from cognitive_conformance.emulator.services import registered_services

registered_services()  # the Face package registers the list faults when imported

pytestmark = pytest.mark.e2e

SCENARIOS = ("face-largefacelist-train-poll", "face-facelist")
LIST_FAULTS = [
    "large-face-list-train-returns-200",
    "large-face-list-drop-operation-location",
    "large-face-list-location-not-training",
    "large-face-list-training-regresses",
    "large-face-list-not-trained-returns-200",
    "empty-large-face-list-succeeds",
    "deleted-face-list-readable",
]


def _run(faults: tuple[str, ...], versions: tuple[str, ...]):
    with running(EmulatorConfig(training_seconds=0.2, faults=faults)) as url:
        return run(
            RunConfig(
                target=url,
                key=DEFAULT_KEY,
                services=("face",),
                api_versions=versions,
                phases=("stateful",),
                scenarios=SCENARIOS,
                poll_timeout_s=5.0,
                poll_interval_s=0.1,  # the emulator trains in 0.2 s: the first status re-read after 0.1 s, not a live target's 1 s
                workers=2,
            )
        )


def test_faithful_emulator_passes_the_list_scenarios_on_every_version() -> None:
    result = _run((), ("v1.0", "v1.1-preview.1", "v1.2-preview.1", "v1.2"))
    assert (result.exit_code, [f.check for f in result.findings]) == (EXIT_OK, [])
    lros = [e.timeline for e in result.events if isinstance(e, LroCompleted)]
    trained = [lro for lro in lros if lro.resource.startswith("largefacelists/")]
    assert len(trained) == 8  # an empty and a populated list per version
    assert sorted({lro.terminal_status for lro in trained}) == ["failed", "succeeded"]
    for lro in trained:
        # never notStarted: the service's first read is running (an empty list may already have failed)
        assert lro.statuses[0][1] in {"running", "failed"}
        if lro.terminal_status == "succeeded":
            assert lro.statuses[0][1] == "running"  # as the service records it


def _fault_versions() -> list[tuple[str, str]]:
    """Each fault on the oldest and the newest version where it shows (its ``api_versions``, else every one)."""
    cases = []
    for fault in LIST_FAULTS:
        versions = getattr(FAULTS[fault], "api_versions", ()) or ("v1.0", "v1.2")
        cases += [(fault, v) for v in dict.fromkeys((versions[0], versions[-1]))]
    return cases


@pytest.mark.parametrize("fault,version", _fault_versions())
def test_each_list_fault_is_caught_by_its_check(fault: str, version: str) -> None:
    result = _run((fault,), (version,))
    assert result.exit_code == EXIT_FINDINGS
    assert FAULTS[fault].expected_check in {f.check for f in result.findings}
