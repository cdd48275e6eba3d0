"""Drafting fixtures: a framework in the world's convening with a clause of each kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from deliberation.models import Clause, Framework
from deliberation.text import services
from tests.conftest import World, make_world

TRIGGER_SPEC = {
    "metric": "autonomous task horizon doubling time",
    "comparator": "<=",
    "threshold": 4,
    "unit": "months",
    "window": "P180D",
    "evidence_source": "independent evaluation lab report",
}
LIFT_SPEC = {**TRIGGER_SPEC, "comparator": ">", "threshold": 12, "min_duration": "P90D"}
VERIFICATION_SPEC = {
    "mechanism": "compute audit",
    "verifier": "accredited auditor",
    "frequency": "quarterly",
}
ADJUDICATION_SPEC = {
    "body": "Independent Adjudication Panel",
    "composition": "three seats per stakeholder group",
    "decision_rule": "two-thirds of seated members",
}
SPECS: dict[str, Any] = {
    "trigger": TRIGGER_SPEC,
    "lift_condition": LIFT_SPEC,
    "verification": VERIFICATION_SPEC,
    "adjudication": ADJUDICATION_SPEC,
}


@dataclass
class Drafting:
    world: World
    framework: Framework
    scope: Clause
    trigger: Clause


def make_drafting(world: World, *, status: str = "consultation") -> Drafting:
    framework = services.framework_create(
        actor=world.organizer, convening=world.convening, title="Framework for a Coordinated Pause"
    )
    scope = services.clause_create(
        actor=world.organizer,
        framework=framework,
        kind="scope",
        title="Scope",
        text="This framework applies to frontier AI developers.",
    )
    trigger = services.clause_create(
        actor=world.organizer,
        framework=framework,
        kind="trigger",
        title="Capability trigger",
        text="A pause is triggered when the task horizon doubles too fast.",
        spec=TRIGGER_SPEC,
    )
    path = {
        "draft": [],
        "consultation": ["consultation"],
        "voting": ["consultation", "voting"],
        "adopted": ["consultation", "voting", "adopted"],
        "published": ["consultation", "voting", "adopted", "published"],
        "withdrawn": ["withdrawn"],
    }
    for to in path[status]:
        framework = framework_move(actor=world.organizer, framework=framework, to=to)
    return Drafting(world, framework, scope, trigger)


def framework_move(*, actor: Any, framework: Framework, to: str) -> Framework:
    """``framework_transition``, except into ``adopted`` and ``published``: only an adopted
    adopt_framework motion adopts a framework, and only publishing an edition publishes it
    (tests/deliberation/voting and tests/deliberation/publishing cover those paths), so a test
    that only needs the status skips them."""
    if to not in {Framework.Status.ADOPTED, Framework.Status.PUBLISHED}:
        return services.framework_transition(actor=actor, framework=framework, to=to)
    framework.refresh_from_db()
    assert framework.status in {Framework.Status.VOTING, Framework.Status.ADOPTED}, framework.status
    Framework.objects.filter(pk=framework.pk).update(status=to)
    framework.refresh_from_db()
    return framework


@pytest.fixture
def drafting(world: World) -> Drafting:
    return make_drafting(world)


@pytest.fixture
def private_drafting(db: Any) -> Drafting:
    return make_drafting(make_world(visibility="private"))
