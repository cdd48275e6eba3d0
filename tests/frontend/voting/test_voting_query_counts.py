"""Query budgets of the voting pages: the round, results and record pages and the rounds list
cost the same with 10 ballots as with 1,000 (cast through the service, one voter each, a tenth
of them cast twice: about 14 s on PostgreSQL for 1,000). ``VOTING_QUERY_SIZES`` overrides the
sizes. The numbers are named so that a change in them is a decision, not a drift.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from convene.models import Membership, Role, User
from deliberation.models import Ballot, VotingRound
from deliberation.voting import services
from tests.conftest import World, make_world
from tests.deliberation.voting.conftest import Voting, make_voting
from tests.frontend.conftest import page_client
from tests.frontend.voting.conftest import motions_of

SIZES = [int(n) for n in os.environ.get("VOTING_QUERY_SIZES", "10,1000").split(",")]
SIGNED_IN = 2  # session, user

# access_round (round with framework and convening; its motions), then round_detail (round;
# motions with clause, amendment, version and winner).
ROUND = 4
# Results: the frozen outcomes need nothing more; objections name voters (one query for their
# names) where the reader may see them, and winners are named by label (the alternatives).
RESULTS_CLOSED_ANONYMOUS = ROUND + 2
# + the reader's membership (the organizer check for who is named).
RESULTS_CLOSED_MEMBER = SIGNED_IN + RESULTS_CLOSED_ANONYMOUS + 1
# While open: eligible per group (the roll) and turnout per motion and group, grouped.
RESULTS_OPEN_ANONYMOUS = ROUND + 2
# Record: the ballots with voters and organizations in one query, the alternatives' labels.
RECORD_ANONYMOUS = ROUND + 2
RECORD_MEMBER = SIGNED_IN + RECORD_ANONYMOUS + 1
# Round page for a voter: membership, roll entry (can_vote), their ballot, the alternatives.
ROUND_PAGE_VOTER = SIGNED_IN + ROUND + 4
# Anonymous: their ballot and eligibility need no query.
ROUND_PAGE_ANONYMOUS = ROUND
# Rounds list: framework with convening, membership, rounds with motions (2), your ballots.
ROUND_LIST_MEMBER = SIGNED_IN + 5


def add_voters(world: World, count: int) -> list[User]:
    """``count`` participants, spread over the three groups and organizations."""
    users = User.objects.bulk_create(
        User(email=f"voter{n}@example.org", display_name=f"Voter {n}", handle=f"voter-{n}")
        for n in range(count)
    )
    groups = [
        ("policymaker", world.org_gov),
        ("industry", world.org_lab),
        ("civil_society", world.org_ngo),
    ]
    Membership.objects.bulk_create(
        Membership(
            convening=world.convening,
            user=user,
            role=Role.PARTICIPANT,
            stakeholder_group=groups[n % 3][0],
            organization=groups[n % 3][1],
        )
        for n, user in enumerate(users)
    )
    return users


def cast(voting: Voting, round_: VotingRound, voters: list[User]) -> None:
    """One ballot each, through the service: every position, objections with reasons, rankings
    both ways; every tenth voter changes their mind once."""
    motions = motions_of(round_)
    a, b = voting.option_a.pk, voting.option_b.pk
    positions = ["yes", "no", "abstain", "object"]
    for n, voter in enumerate(voters):
        for attempt in range(2 if n % 10 == 0 else 1):
            position = positions[(n + attempt) % 4]
            choice: dict[str, Any] = {"motion": motions["adopt_framework"].pk, "position": position}
            if position == "object":
                choice["reason"] = f"Objection {n}."
            choices = [
                choice,
                {"motion": motions["adopt_clause"].pk, "position": "yes"},
                {
                    "motion": motions["choose_alternative"].pk,
                    "ranking": [a, b] if n % 2 else [b, a],
                },
            ]
            services.ballot_cast(actor=voter, round_=round_, choices=choices)


def count(path: str, user: Any) -> int:
    client = page_client(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content.decode()[:2000]
    return len(queries)


@pytest.mark.parametrize("size", SIZES)
def test_voting_pages_cost_the_same_whatever_the_number_of_ballots(db: Any, size: int) -> None:
    world = make_world()
    voting = make_voting(world)
    voters = add_voters(world, size)
    round_ = voting.round()
    cast(voting, round_, voters)
    assert Ballot.objects.filter(round=round_, counted=True).count() == size
    base = f"/rounds/{round_.pk}/"
    voter = voters[0]
    measured = {
        "round page, voter": (count(base, voter), ROUND_PAGE_VOTER),
        "round page, anonymous": (count(base, None), ROUND_PAGE_ANONYMOUS),
        "results open, anonymous": (count(f"{base}results/", None), RESULTS_OPEN_ANONYMOUS),
        "rounds list, voter": (
            count(f"/f/{voting.framework.slug}/rounds/", voter),
            ROUND_LIST_MEMBER,
        ),
    }
    services.round_close(actor=world.organizer, round_=round_)
    measured |= {
        "results closed, anonymous": (count(f"{base}results/", None), RESULTS_CLOSED_ANONYMOUS),
        "results closed, organizer": (
            count(f"{base}results/", world.organizer),
            RESULTS_CLOSED_MEMBER,
        ),
        "record, anonymous": (count(f"{base}record/", None), RECORD_ANONYMOUS),
        "record, voter": (count(f"{base}record/", voter), RECORD_MEMBER),
        "record, finding a receipt": (
            count(f"{base}record/?receipt={Ballot.objects.filter(round=round_).last().leaf}", None),  # type: ignore[union-attr]
            RECORD_ANONYMOUS,
        ),
    }
    wrong = {page: got for page, (got, budget) in measured.items() if got != budget}
    assert not wrong, {page: (got, measured[page][1]) for page, got in wrong.items()}
