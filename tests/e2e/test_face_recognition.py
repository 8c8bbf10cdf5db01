"""The checker's Identify-after-training and PersonDirectory scenarios against the emulator over real HTTP: the
faithful emulator passes them on every API version (PersonDirectory only where it exists); each of their faults is
caught by the check it names."""

from __future__ import annotations

import pytest

from cognitive_conformance.conformance.events import LroCompleted
from cognitive_conformance.conformance.runner import EXIT_FINDINGS, EXIT_OK, RunConfig, run
from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, running
from cognitive_conformance.emulator.faults import FAULTS
from cognitive_conformance.emulator.services import registered_services

registered_services()  # the Face package registers its faults when imported

pytestmark = pytest.mark.e2e

SCENARIOS = ("face-persongroup-identify", "face-largepersongroup-identify", "face-persondirectory")
VERSIONS = ("v1.0", "v1.1-preview.1", "v1.2-preview.1", "v1.2")
RECOGNITION_FAULTS = [
    "identify-untrained-answers-200",
    "identify-candidate-from-other-group",
    "identify-misses-enrolled-face",
    "directory-person-not-readable",
    "directory-drop-operation-location",
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
                workers=2,
            )
        )


def test_faithful_emulator_passes_identify_and_person_directory_on_every_version() -> None:
    result = _run((), VERSIONS)
    assert (result.exit_code, [f.check for f in result.findings]) == (EXIT_OK, [])
    lros = [e.timeline for e in result.events if isinstance(e, LroCompleted)]
    directory = [lro for lro in lros if lro.resource.startswith("operations/")]
    # create person, add face, create dynamic group, delete person, delete group: 5 per version that has them
    assert len(directory) == 5 * 3
    assert {lro.terminal_status for lro in directory} == {"succeeded"}
    trained = [lro for lro in lros if lro.resource.endswith("-id")]
    assert len(trained) == 2 * 4 and {lro.terminal_status for lro in trained} == {"succeeded"}


def _fault_versions() -> list[tuple[str, str]]:
    """Each fault on the oldest and the newest version where it shows (its ``api_versions``, else every one)."""
    cases = []
    for fault in RECOGNITION_FAULTS:
        versions = getattr(FAULTS[fault], "api_versions", ()) or VERSIONS
        cases += [(fault, v) for v in dict.fromkeys((versions[0], versions[-1]))]
    return cases


@pytest.mark.parametrize("fault,version", _fault_versions())
def test_each_recognition_fault_is_caught_by_its_check(fault: str, version: str) -> None:
    result = _run((fault,), (version,))
    assert result.exit_code == EXIT_FINDINGS
    assert FAULTS[fault].expected_check in {f.check for f in result.findings}
