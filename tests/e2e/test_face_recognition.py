"""The checker's Identify-after-training and PersonDirectory scenarios against the emulator over real HTTP: the
faithful emulator passes them on every API version (PersonDirectory only where it exists); each of their faults is
caught by the check it names."""

from __future__ import annotations

import pytest

from cognitive_conformance.conformance.events import LroCompleted
from cognitive_conformance.conformance.runner import EXIT_FINDINGS, EXIT_OK
from cognitive_conformance.emulator.faults import FAULTS
from tests.e2e.face_runs import VERSIONS, fault_versions, stateful_run

pytestmark = pytest.mark.e2e

SCENARIOS = ("face-persongroup-identify", "face-largepersongroup-identify", "face-persondirectory")
RECOGNITION_FAULTS = [
    "identify-untrained-answers-200",
    "identify-candidate-from-other-group",
    "identify-misses-enrolled-face",
    "directory-person-not-readable",
    "directory-drop-operation-location",
]


def _run(faults: tuple[str, ...], versions: tuple[str, ...]):
    return stateful_run(SCENARIOS, faults, versions)


def test_faithful_emulator_passes_identify_and_person_directory_on_every_version() -> None:
    result = _run((), VERSIONS)
    assert (result.exit_code, [f.check for f in result.findings]) == (EXIT_OK, [])
    lros = [e.timeline for e in result.events if isinstance(e, LroCompleted)]
    directory = [lro for lro in lros if lro.resource.startswith("operations/")]
    # create person, add face, create dynamic group, two updates, delete person, delete group: 7 per version that has them
    assert len(directory) == 7 * 3
    assert {lro.terminal_status for lro in directory} == {"succeeded"}
    trained = [lro for lro in lros if lro.resource.endswith("-id")]
    assert len(trained) == 2 * 4 and {lro.terminal_status for lro in trained} == {"succeeded"}


@pytest.mark.parametrize("fault,version", fault_versions(RECOGNITION_FAULTS))
def test_each_recognition_fault_is_caught_by_its_check(fault: str, version: str) -> None:
    result = _run((fault,), (version,))
    assert result.exit_code == EXIT_FINDINGS
    assert FAULTS[fault].expected_check in {f.check for f in result.findings}
