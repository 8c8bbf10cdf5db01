"""Shared by the Face scenario e2e tests: a stateful run of some scenarios against an emulator with some faults,
and the (fault, version) pairs to try each fault on."""

from __future__ import annotations

from cognitive_conformance.conformance.runner import RunConfig, run
from cognitive_conformance.emulator import DEFAULT_KEY, EmulatorConfig, running
from cognitive_conformance.emulator.faults import FAULTS
from cognitive_conformance.emulator.services import registered_services

registered_services()  # the Face package registers its faults when imported

VERSIONS = ("v1.0", "v1.1-preview.1", "v1.2-preview.1", "v1.2")


def stateful_run(scenarios: tuple[str, ...], faults: tuple[str, ...], versions: tuple[str, ...]):
    """The stateful phase of ``scenarios`` on ``versions`` against an emulator with ``faults`` (training 0.2 s)."""
    with running(EmulatorConfig(training_seconds=0.2, faults=faults)) as url:
        return run(
            RunConfig(
                target=url,
                key=DEFAULT_KEY,
                services=("face",),
                api_versions=versions,
                phases=("stateful",),
                scenarios=scenarios,
                poll_timeout_s=5.0,
                poll_interval_s=0.1,  # the emulator trains in 0.2 s: the first status re-read after 0.1 s, not a live target's 1 s
                workers=2,
            )
        )


def fault_versions(faults: list[str]) -> list[tuple[str, str]]:
    """Each fault on the oldest and the newest version where it shows (its ``api_versions``, else every one)."""
    cases = []
    for fault in faults:
        versions = getattr(FAULTS[fault], "api_versions", ()) or VERSIONS
        cases += [(fault, v) for v in dict.fromkeys((versions[0], versions[-1]))]
    return cases
