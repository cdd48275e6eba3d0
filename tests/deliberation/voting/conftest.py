"""A framework in voting with something of every kind to vote on: a clause to adopt, an open
amendment, and a bracketed clause with two alternatives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from deliberation.models import Alternative, Amendment, Clause, Framework, VotingRound
from deliberation.text import services as text_services
from deliberation.voting import services
from tests.conftest import World
from tests.deliberation.conftest import make_drafting


@dataclass
class Voting:
    world: World
    framework: Framework
    scope: Clause
    trigger: Clause
    amendment: Amendment
    option_a: Alternative
    option_b: Alternative

    def motions(self, **rule: Any) -> list[dict[str, Any]]:
        """One motion of every kind, with ``rule`` on the yes/no ones."""
        yes_no = {"threshold": "simple", **rule}
        return [
            {"kind": "adopt_clause", "clause": self.scope.pk, "rule": yes_no},
            {"kind": "accept_amendment", "amendment": self.amendment.pk, "rule": yes_no},
            {"kind": "choose_alternative", "clause": self.trigger.pk, "method": "schulze"},
            {"kind": "adopt_framework", "rule": yes_no},
        ]

    def round(self, *, open_: bool = True, **options: Any) -> VotingRound:
        motions = options.pop("motions", None) or self.motions(**options.pop("rule", {}))
        round_ = services.round_create(
            actor=self.world.organizer,
            framework=self.framework,
            title="First reading",
            motions=motions,
            **options,
        )
        if open_:
            round_ = services.round_open(actor=self.world.organizer, round_=round_)
        return round_


def make_voting(world: World) -> Voting:
    drafting = make_drafting(world, status="consultation")
    obligation = text_services.clause_create(
        actor=world.organizer,
        framework=drafting.framework,
        kind="obligation",
        title="Obligation to pause",
        text="Developers pause training when the trigger is met.",
    )
    amendment = text_services.amendment_propose(
        actor=world.industry,
        clause=obligation,
        text="This framework applies to developers of frontier AI models.",
        rationale="Narrower.",
    )
    option_a = text_services.alternative_propose(
        actor=world.policymaker, clause=drafting.trigger, text="Option A text.", rationale="A."
    )
    option_b = text_services.alternative_propose(
        actor=world.civil_society, clause=drafting.trigger, text="Option B text.", rationale="B."
    )
    framework = text_services.framework_transition(
        actor=world.organizer, framework=drafting.framework, to="voting"
    )
    return Voting(world, framework, drafting.scope, drafting.trigger, amendment, option_a, option_b)


@pytest.fixture
def voting(world: World) -> Voting:
    return make_voting(world)
