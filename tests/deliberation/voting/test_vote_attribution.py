"""Attribution is a promise (issue 10): what is voted under group (Chatham House) attribution is
never tied to its voter for non-organizers, in any voting endpoint, whatever the convening's mode
later becomes; and what was voted on the record stays named.

Every voting endpoint is walked as a participant, an observer, anonymously and as an outsider,
and no answer may carry a voter's name, address or id. Organizers see names. Delegations are
named when the round counts one vote per organization.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from convene import services as convene_services
from convene.models import Convening, Membership, User
from deliberation.models import VotingRound
from deliberation.voting import services
from tests.conftest import World, client_for, make_world
from tests.deliberation.voting.conftest import Voting, make_voting
from tests.deliberation.voting.voters import API, add_voters, motion_ids

READERS = ["industry", "observer", "anonymous", "outsider"]
# Keys under which a response could tie a ballot, an objection or a roll entry to a person.
PERSON_KEYS = {"voter", "voter_id", "user", "user_id", "author", "cast_by", "display_name"}


@dataclass
class Scene:
    world: World
    voting: Voting
    round: VotingRound
    voters: list[User]
    # Everyone on the roll, voting or not: none of them may be named.
    people: list[User]


def _switch(world: World, attribution: str) -> None:
    convene_services.convening_update(
        actor=world.organizer,
        convening=world.convening,
        attribution=attribution,
        confirm_attribution_change=True,
    )


def _vote_and_object(round_: VotingRound, voters: list[User]) -> None:
    ids = motion_ids(round_)
    for i, voter in enumerate(voters):
        position = "object" if i % 4 == 0 else ["yes", "no", "abstain"][i % 3]
        choice: dict[str, Any] = {"motion": ids["adopt_clause"], "position": position}
        if position == "object":
            choice["reason"] = f"Objection number {i}."
        services.ballot_cast(actor=voter, round_=round_, choices=[choice])
    # One recast: the record also shows an uncounted ballot.
    services.ballot_cast(
        actor=voters[1], round_=round_, choices=[{"motion": ids["adopt_clause"], "position": "no"}]
    )


def make_scene(
    *,
    opened_under: str,
    closed_under: str | None = None,
    unit: str = "person",
    mode: str = "recorded",
    close: bool = True,
) -> Scene:
    world = make_world()
    voting = make_voting(world)
    extra = add_voters(world, 5, tag="att")
    if unit == "organization":
        for user in (world.policymaker, world.industry, world.civil_society):
            membership = Membership.objects.get(convening=world.convening, user=user)
            convene_services.member_update(
                actor=world.organizer, membership=membership, head_of_delegation=True
            )
    if opened_under != world.convening.attribution:
        _switch(world, opened_under)
    round_ = voting.round(rule={"threshold": "simple", "unit": unit}, ballot_mode=mode)
    assert round_.attribution == opened_under
    voters = [world.policymaker, world.industry, world.civil_society]
    if unit == "person":
        voters += extra
    _vote_and_object(round_, voters)
    if closed_under is not None:
        _switch(world, closed_under)
    if close:
        round_ = services.round_close(actor=world.organizer, round_=round_)
    people = [world.policymaker, world.industry, world.civil_society, *extra]
    return Scene(world, voting, round_, voters, people)


def walk(scene: Scene, actor: str) -> dict[str, Any]:
    """Every voting endpoint this actor may read, by path: its JSON."""
    user = scene.world.actor(actor)
    client = client_for(user)
    r = scene.round.pk
    paths = [
        f"/frameworks/{scene.voting.framework.slug}/rounds/",
        f"/rounds/{r}/",
        f"/rounds/{r}/results/",
        f"/rounds/{r}/record/",
        f"/rounds/{r}/roll/",
        f"/rounds/{r}/ballot/",
    ]
    seen = {}
    for path in paths:
        response = client.get(API + path)
        # Anyone refused (ballot of a non-voter; roll of a secret round) is refused with JSON.
        assert response.status_code in {200, 401, 403, 409}, (path, response.content[:200])
        seen[path] = response.json()
    return seen


def person_fields(value: Any, path: str = "") -> list[str]:
    """Where in a JSON document a person is named (a non-empty person key)."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in PERSON_KEYS and item not in (None, "", {}):
                found.append(f"{path}.{key}")
            found += person_fields(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += person_fields(item, f"{path}.{index}")
    return found


def leaks(scene: Scene, seen: dict[str, Any]) -> list[str]:
    """Each voter's name or address anywhere in the answers, and any person field."""
    problems = []
    for path, payload in seen.items():
        text = json.dumps(payload, ensure_ascii=False)
        for voter in scene.people:
            for secret in (voter.display_name, voter.email, voter.handle):
                if secret in text:
                    problems.append(f"{path}: {secret}")
        problems += [f"{path}: {where}" for where in person_fields(payload)]
    return problems


# --- group attribution hides voters -----------------------------------------------------------
@pytest.mark.parametrize("actor", READERS)
def test_group_attribution_hides_voters_from_everyone_but_organizers(db: Any, actor: str) -> None:
    scene = make_scene(opened_under="group")
    seen = walk(scene, actor)
    assert leaks(scene, seen) == []
    record = seen[f"/rounds/{scene.round.pk}/record/"]
    assert len(record["ballots"]) == len(scene.voters) + 1
    assert {b["group"] for b in record["ballots"]} == {"policymaker", "industry", "civil_society"}
    objections = seen[f"/rounds/{scene.round.pk}/results/"]["motions"][0]["objections"]
    assert objections and all(set(o) == {"group", "reason"} for o in objections)


def test_group_attribution_hides_voters_while_the_round_is_open(db: Any) -> None:
    scene = make_scene(opened_under="group", close=False)
    for actor in READERS:
        seen = walk(scene, actor)
        assert leaks(scene, seen) == [], actor
        live = seen[f"/rounds/{scene.round.pk}/results/"]["motions"][0]
        # While open: turnout per group only, never positions.
        assert set(live["totals"]) == {"eligible", "turnout"}
        assert all(set(g) == {"eligible", "turnout"} for g in live["by_group"].values())
        assert live["outcome"] is None and live["objections"] == []


def test_organizers_see_who_voted_under_group_attribution(db: Any) -> None:
    scene = make_scene(opened_under="group")
    seen = walk(scene, "organizer")
    text = json.dumps(seen, ensure_ascii=False)
    for voter in scene.voters:
        assert voter.display_name in text
    record = seen[f"/rounds/{scene.round.pk}/record/"]
    assert {b["voter"]["id"] for b in record["ballots"]} == {v.pk for v in scene.voters}
    objections = seen[f"/rounds/{scene.round.pk}/results/"]["motions"][0]["objections"]
    assert all(o["voter"]["display_name"] for o in objections)
    roll = seen[f"/rounds/{scene.round.pk}/roll/"]
    assert {e["voter"]["id"] for e in roll} == {v.pk for v in scene.voters}


def test_named_attribution_names_voters_to_every_reader(db: Any) -> None:
    scene = make_scene(opened_under="named")
    seen = walk(scene, "anonymous")
    record = seen[f"/rounds/{scene.round.pk}/record/"]
    assert {b["voter"]["id"] for b in record["ballots"]} == {v.pk for v in scene.voters}
    text = json.dumps(seen, ensure_ascii=False)
    for voter in scene.voters:
        assert voter.display_name in text
        assert voter.email not in text


# --- organizations --------------------------------------------------------------------------
@pytest.mark.parametrize("actor", ["anonymous", "observer"])
def test_under_organization_unit_delegations_are_named_but_not_people(db: Any, actor: str) -> None:
    scene = make_scene(opened_under="group", unit="organization")
    seen = walk(scene, actor)
    assert leaks(scene, seen) == []
    record = seen[f"/rounds/{scene.round.pk}/record/"]
    named = {b["organization"]["name"] for b in record["ballots"]}
    assert named == {"Ministry", "Lab", "NGO"}
    roll = seen[f"/rounds/{scene.round.pk}/roll/"]
    assert {e["organization"]["name"] for e in roll if e["head_of_delegation"]} == named


# --- the mode a round opened under is the mode it keeps -----------------------------------------
@pytest.mark.parametrize("actor", READERS)
def test_a_round_opened_under_group_attribution_stays_unattributed(db: Any, actor: str) -> None:
    scene = make_scene(opened_under="group", closed_under="named")
    assert Convening.objects.get(pk=scene.world.convening.pk).attribution == "named"
    assert leaks(scene, walk(scene, actor)) == []


def test_a_round_opened_under_named_attribution_keeps_naming_voters(db: Any) -> None:
    scene = make_scene(opened_under="named", closed_under="group")
    seen = walk(scene, "anonymous")
    record = seen[f"/rounds/{scene.round.pk}/record/"]
    assert {b["voter"]["id"] for b in record["ballots"]} == {v.pk for v in scene.voters}
    objections = seen[f"/rounds/{scene.round.pk}/results/"]["motions"][0]["objections"]
    assert objections and all(o["voter"]["display_name"] for o in objections)
    roll = seen[f"/rounds/{scene.round.pk}/roll/"]
    assert {e["voter"]["id"] for e in roll} == {v.pk for v in scene.voters}


def test_switching_to_group_before_opening_hides_a_drafted_round(world: World) -> None:
    voting = make_voting(world)
    draft = voting.round(open_=False)
    _switch(world, "group")
    round_ = services.round_open(actor=world.organizer, round_=draft)
    services.ballot_cast(
        actor=world.industry,
        round_=round_,
        choices=[{"motion": motion_ids(round_)["adopt_clause"], "position": "yes"}],
    )
    _switch(world, "named")
    services.round_close(actor=world.organizer, round_=round_)
    record = client_for(None).get(f"{API}/rounds/{round_.pk}/record/").json()
    assert [b["voter"] for b in record["ballots"]] == [None]
    assert "Industry" not in json.dumps(record)


# --- secret rounds --------------------------------------------------------------------------
@pytest.mark.parametrize("actor", ["anonymous", "industry", "organizer"])
def test_a_secret_record_shows_no_identities_times_or_order(db: Any, actor: str) -> None:
    scene = make_scene(opened_under="named", mode="secret")
    seen = walk(scene, actor)
    record = seen[f"/rounds/{scene.round.pk}/record/"]
    assert [b["leaf"] for b in record["ballots"]] == sorted(b["leaf"] for b in record["ballots"])
    assert len(record["ballots"]) == len(scene.voters)  # counted only
    assert all(
        set(b) <= {"leaf", "nonce", "choices"} | {k for k, v in b.items() if v is None}
        for b in record["ballots"]
    ), record["ballots"][0]
    text = json.dumps(record, ensure_ascii=False)
    for voter in scene.voters:
        assert voter.display_name not in text and voter.email not in text
    if actor != "organizer":
        assert leaks(scene, seen) == []


def test_organizers_see_the_eligible_roll_of_a_secret_round(db: Any) -> None:
    """The roll of a secret round is kept from readers because it names who may vote; its
    organizers need it to run the round."""
    scene = make_scene(opened_under="named", mode="secret")
    roll = client_for(scene.world.organizer).get(f"{API}/rounds/{scene.round.pk}/roll/").json()
    assert {e["voter"]["id"] for e in roll if e["voter"]} == {v.pk for v in scene.voters}
