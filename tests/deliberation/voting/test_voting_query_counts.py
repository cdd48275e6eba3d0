"""Query budgets of voting (issue 10): results, the record (recorded and secret), the roll and
closing a round cost the same with 10 ballots as with 200.

Voters and ballots are made through the services. The expected numbers are named, so a change
in them is a deliberate decision, not a drift; each size must meet them exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from convene.models import User
from deliberation.models import Ballot, VotingRound
from deliberation.voting import services
from tests.conftest import World, client_for, make_world
from tests.deliberation.voting.conftest import Voting, make_voting
from tests.deliberation.voting.voters import API, add_voters, motion_ids


@dataclass
class Scene:
    world: World
    voting: Voting
    recorded: VotingRound
    secret: VotingRound


def _choices(i: int, ids: dict[str, int], voting: Voting) -> list[dict[str, Any]]:
    """Three in five vote yes, one no, one abstains; the first voter objects instead. The same
    outcomes at every size, so closing applies the same effects."""
    position = ["yes", "yes", "yes", "no", "abstain"][i % 5]
    choices = [
        {"motion": ids[kind], "position": position}
        for kind in ("adopt_clause", "accept_amendment", "adopt_framework")
        if kind in ids
    ]
    if i == 0:
        choices[0] = {"motion": ids["adopt_clause"], "position": "object", "reason": "Too soon."}
    if "choose_alternative" in ids:
        ranking = [voting.option_b.pk, voting.option_a.pk] if i % 3 else [voting.option_a.pk]
        choices.append({"motion": ids["choose_alternative"], "ranking": ranking})
    return choices


def make_scene(size: int) -> Scene:
    world = make_world()
    voting = make_voting(world)
    add_voters(world, size - 3, tag=f"s{size}")
    recorded = voting.round()
    # Not on the bracketed clause: the recorded round's close resolves it.
    secret = voting.round(ballot_mode="secret", motions=voting.motions()[:2])
    voters = list(User.objects.filter(pk__in=recorded.roll.values("user_id")).order_by("pk"))
    assert len(voters) == size
    for round_ in (recorded, secret):
        ids = motion_ids(round_)
        for i, voter in enumerate(voters):
            services.ballot_cast(actor=voter, round_=round_, choices=_choices(i, ids, voting))
    assert Ballot.objects.filter(round=recorded).count() == size
    return Scene(world, voting, recorded, secret)


def count(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(queries)


# Any read of a round: the round with its framework and convening (access_round), its motions.
ROUND = 2
# Signed in with a token: the token with its user; then the reader's membership.
SIGNED_IN = 1
MEMBER = 1
# While open: eligible and turnout per group, two grouped queries.
RESULTS_OPEN = ROUND + 2
# Closed: the results are frozen on the motions; one more query names the objectors.
RESULTS = ROUND + 1
RESULTS_MEMBER = SIGNED_IN + MEMBER + RESULTS
# A secret round names nobody: no objectors to look up.
RESULTS_SECRET = ROUND
# The record: one query over the ballots, with their voters and organizations joined.
RECORD = ROUND + 1
RECORD_MEMBER = SIGNED_IN + MEMBER + RECORD
RECORD_SECRET = ROUND + 1
# The roll: one query over its entries with their users and organizations.
ROLL = ROUND + 1
# The participant's own ballot: the roll entry (can_vote; in a public convening no membership is
# read) and the counted ballot.
BALLOT = SIGNED_IN + ROUND + 2
# Closing: the savepoint; lock the round, check the organizer, read the motions (3 times: the
# unit, the count, the alternatives on the ballot, frozen on the motions at opening), count
# (roll; positions, preferences and turnout in one grouped query; objections; leaves), the round
# chain's head, save the round (11); what each adopted motion
# does to the text, with its audit row and frozen result (adopt a clause 7, accept an
# amendment 12, choose an alternative 16, adopt the framework 6: 41); the round.closed audit
# row (3); the notifications: the accepted amendment's author (the clause's followers, the
# members among them, already told, recipients, items: 5), the alternative's new version (its
# followers: 1), the roll told of the results (the roll, already told, recipients, items,
# mails: 5); release.
CLOSE = 1 + 11 + 41 + 3 + 5 + 1 + 5 + 1

EXPECTED = {
    "results open": RESULTS_OPEN,
    "roll": ROLL,
    "ballot": BALLOT,
    "close": CLOSE,
    "results anonymous": RESULTS,
    "results participant": RESULTS_MEMBER,
    "results organizer": RESULTS_MEMBER,
    "record anonymous": RECORD,
    "record organizer": RECORD_MEMBER,
    "record secret": RECORD_SECRET,
    "results secret": RESULTS_SECRET,
}


@pytest.mark.parametrize("size", [10, 200])
def test_voting_reads_and_close_do_not_grow_with_ballots(db: Any, size: int) -> None:
    scene = make_scene(size)
    w = scene.world
    anonymous, participant, organizer = (
        client_for(None),
        client_for(w.industry),
        client_for(w.organizer),
    )
    recorded, secret = scene.recorded.pk, scene.secret.pk
    counts: dict[str, int] = {}
    counts["results open"] = count(anonymous, f"{API}/rounds/{recorded}/results/")
    counts["roll"] = count(anonymous, f"{API}/rounds/{recorded}/roll/")
    counts["ballot"] = count(participant, f"{API}/rounds/{recorded}/ballot/")
    organizer_user = User.objects.get(pk=w.organizer.pk)
    round_ = VotingRound.objects.get(pk=recorded)
    with CaptureQueriesContext(connection) as closing:
        services.round_close(actor=organizer_user, round_=round_)
    counts["close"] = len(closing)
    services.round_close(actor=organizer_user, round_=VotingRound.objects.get(pk=secret))
    for name, client in [("anonymous", anonymous), ("participant", participant)]:
        counts[f"results {name}"] = count(client, f"{API}/rounds/{recorded}/results/")
    counts["results organizer"] = count(organizer, f"{API}/rounds/{recorded}/results/")
    counts["record anonymous"] = count(anonymous, f"{API}/rounds/{recorded}/record/")
    counts["record organizer"] = count(organizer, f"{API}/rounds/{recorded}/record/")
    counts["record secret"] = count(anonymous, f"{API}/rounds/{secret}/record/")
    counts["results secret"] = count(anonymous, f"{API}/rounds/{secret}/results/")
    assert counts == EXPECTED


@pytest.mark.parametrize("rounds", [1, 12])
def test_the_round_list_does_not_grow_with_rounds(db: Any, rounds: int) -> None:
    world = make_world()
    voting = make_voting(world)
    for _ in range(rounds):
        voting.round(open_=False)
    path = f"{API}/frameworks/{voting.framework.slug}/rounds/"
    # The framework with its convening, the page's count, the rounds, their motions with
    # clauses, amendments, versions and winners joined. A public convening: no membership read.
    assert count(client_for(None), path) == 4
    assert count(client_for(world.organizer), path) == SIGNED_IN + 4
