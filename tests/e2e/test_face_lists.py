"""The checker's FaceList / LargeFaceList scenarios against the emulator over real HTTP: the faithful
emulator passes them on every API version; each list fault is caught by the check it names."""

from __future__ import annotations

import pytest

from cognitive_conformance.conformance.events import LroCompleted
from cognitive_conformance.conformance.runner import EXIT_FINDINGS, EXIT_OK
from cognitive_conformance.emulator.faults import FAULTS
from tests.e2e.face_runs import fault_versions, stateful_run

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
    return stateful_run(SCENARIOS, faults, versions)


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


@pytest.mark.parametrize("fault,version", fault_versions(LIST_FAULTS))
def test_each_list_fault_is_caught_by_its_check(fault: str, version: str) -> None:
    result = _run((fault,), (version,))
    assert result.exit_code == EXIT_FINDINGS
    assert FAULTS[fault].expected_check in {f.check for f in result.findings}
