"""Every rule can fail: at least one named emulator fault breaks it, in every API version of that fault's service.

The checker never imports the emulator; this test joins them (as only tests may). The self-test
(tests/e2e/test_selftest.py) then runs each fault in each version it declares and asserts that its
rule reports it, so together they show every rule failing on a target that breaks it.
"""

from __future__ import annotations

import pytest

from cognitive_conformance.conformance import spec
from cognitive_conformance.conformance.checks.registry import all_rules
from cognitive_conformance.conformance.stateless import BUILTIN_RULES
from cognitive_conformance.emulator.faults import catalogue

#: Rules no target can break, and what shows them failing instead.
CLIENT_SIDE = {
    # It judges the poller (polls after a terminal status, Retry-After waited out): the target cannot
    # make our poller misbehave. tests/unit/conformance/checks/test_lro.py drives it to fail on traces of a poller that
    # over-polls or ignores Retry-After; recorded and proxied traffic judge other clients by it.
    "lro_polling_cost",
    # They judge the client's behaviour (conformance/checks/client.py): the user's client in a proxy or a
    # recording, our poller in a run. tests/unit/conformance/checks/test_client.py shows each one passing,
    # failing and not applying on hand-built evidence.
    "client_polls_no_faster_than_floor",
    "client_reads_terminal_result",
    "client_no_blind_post_retry",
}

#: (rule, service, version) where the rule has nothing to judge by the spec itself.
NOTHING_TO_JUDGE = {
    # Face v1.0 documents no operation-Location header and no /operations resource.
    ("lro_operation_location_present", "face", "v1.0"),
    ("lro_operations_agree", "face", "v1.0"),
    ("lro_operation_location_resolvable", "face", "v1.0"),
}

CATALOGUE = catalogue()
RULES = {r.name: r for r in all_rules()}


def test_every_fault_names_a_known_rule() -> None:
    known = set(RULES) | {b.name for b in BUILTIN_RULES} | {"documented_flow"}
    assert {f["name"]: f["expected_check"] for f in CATALOGUE if f["expected_check"] not in known} == {}


@pytest.mark.parametrize("rule", sorted(set(RULES) - CLIENT_SIDE))
def test_every_rule_has_a_named_fault(rule: str) -> None:
    faults = [f for f in CATALOGUE if f["expected_check"] == rule]
    assert faults, f"no emulator fault breaks {rule}: add one to the service's faults.py"
    for service in {f["service"] for f in faults}:
        covered = {v for f in faults if f["service"] == service for v in f["api_versions"]}
        wanted = {v for v in spec.api_versions(service) if RULES[rule].covers(service, v)}
        missing = {v for v in wanted - covered if (rule, service, v) not in NOTHING_TO_JUDGE}
        assert not missing, f"{rule}: no {service} fault breaks it in {sorted(missing)}"


def test_client_side_rules_are_still_rules() -> None:
    assert CLIENT_SIDE <= set(RULES)
