"""Face rules: the documented outcome of training an empty and a populated group, and the never-trained 404."""

from __future__ import annotations

from cognitive_conformance.conformance.checks.lro import outcome_matches
from cognitive_conformance.conformance.checks.provoked import expect
from cognitive_conformance.conformance.checks.registry import NotApplicable, flow_rule
from cognitive_conformance.conformance.flows.evidence import NEVER_TRAINED, LroTrace, Provocation
from cognitive_conformance.conformance.spec import Spec

__all__ = [
    "EMPTY_GROUP",
    "POPULATED_GROUP",
    "lro_empty_group_fails",
    "lro_not_trained_before_train",
    "lro_populated_group_succeeds",
]

#: The cases of :class:`~conformance.flows.ExpectedOutcome` the Face scenarios set.
EMPTY_GROUP, POPULATED_GROUP = "empty-group", "populated-group"


@flow_rule(evidence=LroTrace)
def lro_empty_group_fails(spec: Spec, trace: LroTrace) -> None:
    """Training a group with no persons (or no persisted faces) ends failed.

    Source: Get Training Status ("failed" usually means the group has no persons or no persisted faces),
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/get-person-group-training-status;
    specs/face.yaml TrainPersonGroup description.
    """
    outcome_matches(trace, EMPTY_GROUP)


@flow_rule(evidence=LroTrace)
def lro_populated_group_succeeds(spec: Spec, trace: LroTrace) -> None:
    """Training a group whose persons all have faces ends succeeded.

    Source: Get Training Status (succeeded: the group is ready for Identify),
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/get-person-group-training-status;
    Train Person Group (training makes the group usable by Identify),
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group.
    """
    outcome_matches(trace, POPULATED_GROUP)


@flow_rule(evidence=Provocation)
def lro_not_trained_before_train(spec: Spec, provocation: Provocation) -> None:
    """Training status of a group that was never trained is 404 PersonGroupNotTrained.

    Source: Get Training Status, Response 404 PersonGroupNotTrained ("the group was never trained"),
    https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/get-person-group-training-status.
    """
    if provocation.kind != NEVER_TRAINED:
        raise NotApplicable("not a training-status read of a never-trained group")
    expect(provocation)
