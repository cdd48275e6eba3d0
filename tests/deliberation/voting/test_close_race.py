"""Casting at close time (issue 10): 50 voters cast and recast while the organizer closes.

Casting and closing both lock the round row first, so each ballot either commits before the
close, and is counted, or finds the round closed and is refused with 409. Afterwards every voter
who was answered with a ballot has exactly one counted ballot (their last), every attempt made
after the close had committed was a Conflict, and the frozen results equal a recount of the
published record. PostgreSQL only: SQLite's in-memory test database does not wait for locks.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from convene.audit import audit_verify, convening_chain
from convene.errors import Conflict
from convene.models import AuditChain, User
from deliberation.models import Ballot, Motion, VotingRound
from deliberation.voting import record, services
from tests.conftest import client_for, make_world
from tests.convene.races import run_together, skip_on_in_memory_sqlite
from tests.deliberation.voting.conftest import make_voting
from tests.deliberation.voting.voters import API, add_voters, assert_record_recounts, motion_ids

VOTERS = 50
CASTS = 6  # per voter, refused or not
CLOSE_AFTER = 60  # ballots committed before the organizer closes


@dataclass
class Attempt:
    started: float
    ended: float
    leaf: str | None = None  # the receipt, when the ballot was taken
    error: Exception | None = None


@dataclass
class Voter:
    user_id: int
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def taken(self) -> list[str]:
        return [a.leaf for a in self.attempts if a.leaf is not None]


def _choices(rng: random.Random, ids: dict[str, int], alternatives: list[int]) -> list[Any]:
    choices: list[dict[str, Any]] = []
    for kind in ("adopt_clause", "accept_amendment", "adopt_framework"):
        position = rng.choice(["yes", "yes", "no", "abstain", "object"])
        choice: dict[str, Any] = {"motion": ids[kind], "position": position}
        if position == "object":
            choice["reason"] = "Not yet."
        choices.append(choice)
    choices.append({"motion": ids["choose_alternative"], "ranking": rng.sample(alternatives, 2)})
    return choices


@pytest.mark.django_db(transaction=True)
def test_casting_while_the_round_closes_counts_each_answered_voter_once() -> None:
    skip_on_in_memory_sqlite()
    world = make_world()
    voting = make_voting(world)
    add_voters(world, VOTERS - 3)
    round_ = voting.round(rule={"threshold": "simple", "quorum_percent": 25})
    ids = motion_ids(round_)
    alternatives = [voting.option_a.pk, voting.option_b.pk]
    roll = list(round_.roll.values_list("user_id", flat=True))
    assert len(roll) == VOTERS
    voters = [Voter(pk) for pk in roll]
    closed_at: list[float] = []

    def vote(i: int) -> None:
        voter = voters[i]
        user = User.objects.get(pk=voter.user_id)
        rng = random.Random(i)
        for _ in range(CASTS):
            started = time.monotonic()
            try:
                ballot = services.ballot_cast(
                    actor=user,
                    round_=VotingRound.objects.get(pk=round_.pk),
                    choices=_choices(rng, ids, alternatives),
                )
            except Exception as exc:  # collected: the assertions say which are allowed
                voter.attempts.append(Attempt(started, time.monotonic(), error=exc))
                continue
            voter.attempts.append(Attempt(started, time.monotonic(), leaf=ballot.leaf))

    def close() -> VotingRound:
        deadline = time.monotonic() + 30
        while Ballot.objects.filter(round_id=round_.pk).count() < CLOSE_AFTER:
            assert time.monotonic() < deadline, "the voters never got going"
            time.sleep(0.01)
        closed = services.round_close(
            actor=User.objects.get(pk=world.organizer.pk),
            round_=VotingRound.objects.get(pk=round_.pk),
        )
        closed_at.append(time.monotonic())
        return closed

    outcomes = run_together(VOTERS + 1, lambda i: close() if i == VOTERS else vote(i))

    assert isinstance(outcomes[VOTERS], VotingRound), outcomes[VOTERS]
    assert [o for o in outcomes[:VOTERS] if o is not None] == []
    committed = closed_at[0]
    errors = [a.error for v in voters for a in v.attempts if a.error is not None]
    assert all(isinstance(e, Conflict) and "closed" in e.message for e in errors), errors
    late = [a for v in voters for a in v.attempts if a.started > committed]
    assert late, "no ballot was tried after the close: the race was not run"
    assert all(isinstance(a.error, Conflict) for a in late), late
    answered = [v for v in voters if v.taken]
    for voter in voters:
        # Once refused, always refused: the close is final.
        first_refusal = next((a.started for a in voter.attempts if a.error), None)
        if first_refusal is not None:
            assert all(a.error for a in voter.attempts if a.started >= first_refusal)
    assert answered, "no ballot was taken before the close"

    for voter in voters:
        ballots = list(
            Ballot.objects.filter(round_id=round_.pk, voter_id=voter.user_id).order_by("seq")
        )
        assert [b.leaf for b in ballots] == voter.taken
        assert [b.leaf for b in ballots if b.counted] == voter.taken[-1:]
    counted = Ballot.objects.filter(round_id=round_.pk, counted=True)
    assert counted.count() == len(answered)

    closed = VotingRound.objects.get(pk=round_.pk)
    published = client_for(None).get(f"{API}/rounds/{round_.pk}/record/").json()
    roll_shown = client_for(None).get(f"{API}/rounds/{round_.pk}/roll/").json()
    assert len(published["ballots"]) == sum(len(v.taken) for v in voters)
    assert_record_recounts(closed, published, roll_shown)
    leaves = [b["leaf"] for b in published["ballots"] if b["counted"]]
    assert record.counted_root(leaves) == closed.counted_root == published["counted_root"]
    totals = Motion.objects.get(pk=ids["adopt_clause"]).result["totals"]
    assert totals["turnout"] == len(answered)
    assert audit_verify(AuditChain.objects.get(key=published["round"]["chain"])) is None
    assert audit_verify(convening_chain(world.convening)) is None
