"""The checker's mutation score: every emulator fault is caught by the check it names, and
the faithful emulator yields no finding (false-positive control). Same code as
``conformance selftest``."""

from __future__ import annotations

import pytest

from conformance import selftest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def result() -> selftest.SelftestResult:
    return selftest.run_selftest(workers=2)


def test_catalogue_has_at_least_30_faults_over_all_services(result: selftest.SelftestResult) -> None:
    assert len(result.faults) >= 30
    assert {f.service for f in result.faults} == {"face", "speaker", "customvoice"}


def test_every_fault_is_caught_by_its_named_check(result: selftest.SelftestResult) -> None:
    missed = [f"{f.fault} (expected {f.expected_check}, fired {', '.join(f.fired) or 'nothing'})" for f in result.faults if not f.caught]
    assert missed == [], selftest.render_table(result)
    assert result.score == 1.0
    assert all(f.exit_code == 1 and f.expected_first_s is not None for f in result.faults)


def test_faithful_emulator_control_is_clean(result: selftest.SelftestResult) -> None:
    assert result.control_clean, result.control_findings


def test_selftest_rejects_unknown_fault_names() -> None:
    with pytest.raises(selftest.runner.ConfigError, match="unknown fault"):
        selftest.run_selftest(faults=("no-such-fault",))
