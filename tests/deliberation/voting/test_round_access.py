"""Who may do what with voting rounds, and when: the authorization table of issue 10.

Each row is an action x a round state (x ballot mode for what secrecy changes) x an actor, with
the status written out here rather than read from ``deliberation.voting.permissions``, so that a
change to the rules fails a test. A private convening is 404 to non-members, never 403; a
public one is readable by everyone, and what is not theirs answers 403. Anonymous callers get
401 for every write and for the ballot, which is only ever someone's own (the API-wide rule of
``convene.api.permissions.Needs``). Refusals commit nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from convene import services as convene_services
from convene.models import AuditEvent, Membership, Role
from deliberation.models import (
    Ballot,
    BallotChoice,
    Motion,
    RollEntry,
    VotingRound,
)
from deliberation.voting import services
from tests.conftest import World, client_for, make_world
from tests.deliberation.conftest import framework_move
from tests.deliberation.voting.conftest import Voting, make_voting
from tests.deliberation.voting.voters import API, motion_ids
from tests.factories import UserFactory

ANON, OUT, OTHER, OBS = "anonymous", "outsider", "other_organizer", "observer"
PARTICIPANTS = ["policymaker", "industry", "civil_society"]
ORG = "organizer"
ACTORS = [ANON, OUT, OTHER, OBS, *PARTICIPANTS, ORG]
MEMBERS = {OBS, *PARTICIPANTS, ORG}
STATES = ["draft", "open", "closed", "cancelled"]

# action → method, path and body; {slug}, {round} and {motion} (the adopt_clause motion) filled in.
REQUESTS: dict[str, tuple[str, str, Any]] = {
    "list": ("get", "/frameworks/{slug}/rounds/", None),
    "create": (
        "post",
        "/frameworks/{slug}/rounds/",
        {"title": "Second reading", "motions": [{"kind": "adopt_framework"}]},
    ),
    "read": ("get", "/rounds/{round}/", None),
    "patch": ("patch", "/rounds/{round}/", {"title": "Renamed"}),
    "open": ("post", "/rounds/{round}/open/", None),
    "close": ("post", "/rounds/{round}/close/", None),
    "cancel": ("post", "/rounds/{round}/cancel/", None),
    "ballot_get": ("get", "/rounds/{round}/ballot/", None),
    "ballot_put": (
        "put",
        "/rounds/{round}/ballot/",
        {"choices": [{"motion": "{motion}", "position": "yes"}]},
    ),
    "results": ("get", "/rounds/{round}/results/", None),
    "record": ("get", "/rounds/{round}/record/", None),
    "roll": ("get", "/rounds/{round}/roll/", None),
}
# Only what secrecy changes is checked in both modes.
BOTH_MODES = {"results", "record", "roll"}
OK = {"create": 201}


def expected(action: str, state: str, mode: str, actor: str, *, private: bool) -> int:
    hidden = private and actor not in MEMBERS
    method = REQUESTS[action][0]
    if actor == ANON and (method != "get" or action == "ballot_get"):
        return 401
    if hidden:
        return 404
    if action in {"list", "read", "results"}:
        return 200
    if action == "record":
        return 200 if state == "closed" else 409
    if action == "roll":
        return 200 if mode == "recorded" or actor == ORG else 403
    if action.startswith("ballot"):
        if actor not in PARTICIPANTS:
            return 403
        return 409 if action == "ballot_put" and state != "open" else 200
    if actor != ORG:
        return 403
    allowed = {
        "create": STATES,
        "patch": ["draft"],
        "open": ["draft"],
        "close": ["open"],
        "cancel": ["draft", "open"],
    }[action]
    return OK.get(action, 200) if state in allowed else 409


@dataclass
class Scene:
    world: World
    voting: Voting
    round: VotingRound

    def fill(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        if value == "{motion}":
            return motion_ids(self.round)["adopt_clause"]
        if isinstance(value, str):
            return value.format(slug=self.voting.framework.slug, round=self.round.pk)
        return value


def make_scene(state: str, *, mode: str = "recorded", private: bool = False) -> Scene:
    """A round in ``state``; a closed one has industry's ballot in it."""
    world = make_world(visibility="private" if private else "public")
    voting = make_voting(world)
    round_ = voting.round(open_=state != "draft", ballot_mode=mode)
    if state == "closed":
        services.ballot_cast(
            actor=world.industry,
            round_=round_,
            choices=[{"motion": motion_ids(round_)["adopt_clause"], "position": "no"}],
        )
        round_ = services.round_close(actor=world.organizer, round_=round_)
    elif state == "cancelled":
        round_ = services.round_cancel(actor=world.organizer, round_=round_)
    assert round_.status == state
    return Scene(world, voting, round_)


def state_of_rows() -> dict[str, Any]:
    """Everything a voting request could write, to prove a refusal wrote nothing."""
    return {
        "rounds": list(VotingRound.objects.order_by("pk").values_list("pk", "status", "title")),
        "motions": list(Motion.objects.order_by("pk").values_list("pk", "rule", "outcome")),
        "ballots": list(Ballot.objects.order_by("pk").values_list("pk", "counted")),
        "choices": BallotChoice.objects.count(),
        "roll": RollEntry.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def call(scene: Scene, action: str, actor: str) -> Any:
    method, path, body = REQUESTS[action]
    # The client's token is made here, outside any cell that is rolled back.
    client = client_for(scene.world.actor(actor))
    return getattr(client, method)(API + scene.fill(path), scene.fill(body), format="json")


def attempt(scene: Scene, action: str, actor: str) -> int:
    """The status of one request, whose effects are then rolled back: every cell of the table
    starts from the same scene. A refusal must not have written anything even before that."""
    client_for(scene.world.actor(actor))  # its token outlives the rollback
    with transaction.atomic():
        before = state_of_rows()
        response = call(scene, action, actor)
        if response.status_code >= 400:
            payload = response.json()
            assert isinstance(payload["detail"], str) and payload["detail"], payload
            assert isinstance(payload["errors"], dict), payload
            assert state_of_rows() == before, f"{actor}'s refused {action} committed a change"
        transaction.set_rollback(True)
    return response.status_code


@pytest.mark.parametrize("private", [False, True], ids=["public", "private"])
@pytest.mark.parametrize("mode", ["recorded", "secret"])
@pytest.mark.parametrize("state", STATES)
def test_round_api_authorization(db: Any, state: str, mode: str, private: bool) -> None:
    """The whole table for one round: action x actor → status."""
    scene = make_scene(state, mode=mode, private=private)
    got, want = {}, {}
    for action in REQUESTS:
        if action not in BOTH_MODES and mode == "secret":
            continue
        for actor in ACTORS:
            got[f"{action} by {actor}"] = attempt(scene, action, actor)
            want[f"{action} by {actor}"] = expected(action, state, mode, actor, private=private)
    assert got == want


def test_the_table_cells_really_act(world: World) -> None:
    """The organizer's allowed actions do change the round (outside the rolled-back cells)."""
    scene = Scene(world, *_round_in(world))
    assert call(scene, "open", ORG).status_code == 200
    assert call(scene, "ballot_put", "industry").status_code == 200
    assert call(scene, "close", ORG).status_code == 200
    fresh = VotingRound.objects.get(pk=scene.round.pk)
    assert fresh.status == "closed"
    assert Ballot.objects.filter(round=fresh, voter=world.industry, counted=True).count() == 1


def _round_in(world: World) -> tuple[Voting, VotingRound]:
    voting = make_voting(world)
    return voting, voting.round(open_=False)


# --- eligibility beyond the roles -------------------------------------------------------------
def _put_yes(user: Any, round_: VotingRound) -> Any:
    motion = motion_ids(round_)["adopt_clause"]
    return client_for(user).put(
        f"{API}/rounds/{round_.pk}/ballot/",
        {"choices": [{"motion": motion, "position": "yes"}]},
        format="json",
    )


def test_under_organization_unit_only_the_head_of_delegation_votes(world: World) -> None:
    voting = make_voting(world)
    colleague = UserFactory(email="deputy@example.org", display_name="Deputy Minister")
    convene_services.member_add(
        actor=world.organizer,
        convening=world.convening,
        user=colleague,
        role=Role.PARTICIPANT,
        stakeholder_group="policymaker",
        organization=world.org_gov,
    )
    head = Membership.objects.get(convening=world.convening, user=world.policymaker)
    convene_services.member_update(actor=world.organizer, membership=head, head_of_delegation=True)
    round_ = voting.round(rule={"unit": "organization"})
    before = Ballot.objects.count()
    refused = _put_yes(colleague, round_)
    assert refused.status_code == 403, refused.json()
    assert "head of delegation" in refused.json()["detail"]
    assert _put_yes(world.industry, round_).status_code == 403  # a lab without a head
    assert Ballot.objects.count() == before
    assert client_for(colleague).get(f"{API}/rounds/{round_.pk}/ballot/").status_code == 403
    accepted = _put_yes(world.policymaker, round_)
    assert accepted.status_code == 200, accepted.json()
    assert Ballot.objects.filter(round=round_).count() == 1


def test_becoming_head_after_the_round_opened_does_not_give_a_vote(world: World) -> None:
    voting = make_voting(world)
    round_ = voting.round(rule={"unit": "organization"})
    head = Membership.objects.get(convening=world.convening, user=world.industry)
    convene_services.member_update(actor=world.organizer, membership=head, head_of_delegation=True)
    assert _put_yes(world.industry, round_).status_code == 403
    assert not Ballot.objects.filter(round=round_).exists()


def test_a_participant_who_joined_after_opening_is_not_on_the_roll(world: World) -> None:
    voting = make_voting(world)
    round_ = voting.round()
    late = UserFactory(email="late@example.org", display_name="Late Delegate")
    convene_services.member_add(
        actor=world.organizer,
        convening=world.convening,
        user=late,
        role=Role.PARTICIPANT,
        stakeholder_group="industry",
        organization=world.org_lab,
    )
    assert _put_yes(late, round_).status_code == 403
    assert _put_yes(world.industry, round_).status_code == 200


def test_a_participant_made_observer_after_opening_still_votes(world: World) -> None:
    """The roll is what the memberships were when the round opened."""
    voting = make_voting(world)
    round_ = voting.round()
    membership = Membership.objects.get(convening=world.convening, user=world.industry)
    convene_services.member_update(actor=world.organizer, membership=membership, role=Role.OBSERVER)
    assert _put_yes(world.industry, round_).status_code == 200


@pytest.mark.parametrize("private", [False, True], ids=["public", "private"])
def test_members_of_other_convenings_cannot_vote(db: Any, private: bool) -> None:
    world = make_world(visibility="private" if private else "public")
    round_ = make_voting(world).round()
    delegate = UserFactory(email="elsewhere@example.org", display_name="Elsewhere Delegate")
    convene_services.member_add(
        actor=world.other_organizer,
        convening=world.other_convening,
        user=delegate,
        role=Role.PARTICIPANT,
        stakeholder_group="industry",
    )
    for user in (delegate, world.other_organizer, world.outsider):
        response = _put_yes(user, round_)
        assert response.status_code == (404 if private else 403), response.json()
    assert not Ballot.objects.filter(round=round_).exists()


# --- rules are fixed when a round opens -------------------------------------------------------
def _motion_rows(round_: VotingRound) -> list[tuple[Any, ...]]:
    return list(
        Motion.objects.filter(round=round_)
        .order_by("position")
        .values_list("pk", "kind", "clause", "amendment", "rule", "method", "version")
    )


@pytest.mark.parametrize(
    "change",
    [
        {"motions": [{"kind": "adopt_framework", "rule": {"threshold": "absolute"}}]},
        {"ballot_mode": "secret"},
        {"title": "Renamed"},
        {"closes_at": "2999-01-01T00:00:00Z"},
    ],
    ids=["rules", "mode", "title", "closing"],
)
@pytest.mark.parametrize("state", ["open", "closed", "cancelled"])
def test_organizers_cannot_change_a_round_after_it_opens(
    db: Any, state: str, change: dict[str, Any]
) -> None:
    scene = make_scene(state)
    motions = _motion_rows(scene.round)
    before = state_of_rows()
    response = client_for(scene.world.organizer).patch(
        f"{API}/rounds/{scene.round.pk}/", change, format="json"
    )
    assert response.status_code == 409, response.json()
    assert state in response.json()["detail"]
    assert _motion_rows(scene.round) == motions
    assert state_of_rows() == before
    fresh = VotingRound.objects.get(pk=scene.round.pk)
    assert (fresh.title, fresh.ballot_mode, fresh.closes_at) == (
        scene.round.title,
        scene.round.ballot_mode,
        scene.round.closes_at,
    )


def test_organizers_can_change_rules_before_opening(world: World) -> None:
    voting = make_voting(world)
    round_ = voting.round(open_=False)
    response = client_for(world.organizer).patch(
        f"{API}/rounds/{round_.pk}/",
        {"motions": [{"kind": "adopt_framework", "rule": {"threshold": "absolute"}}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    rules = [m.rule["threshold"] for m in Motion.objects.filter(round=round_)]
    assert rules == ["absolute"]


# --- the order of the checks: 404, 403, 400, 409 ----------------------------------------------
def test_a_hidden_round_is_404_whatever_the_input(private_world: World) -> None:
    round_ = make_voting(private_world).round()
    for user in (private_world.outsider, private_world.other_organizer):
        client = client_for(user)
        url = f"{API}/rounds/{round_.pk}"
        assert client.put(f"{url}/ballot/", {"choices": "junk"}, format="json").status_code == 404
        assert client.patch(f"{url}/", {"title": ["junk"]}, format="json").status_code == 404
        assert client.post(f"{url}/close/").status_code == 404


def test_a_refusal_by_role_comes_before_bad_input(world: World) -> None:
    round_ = make_voting(world).round()
    observer = client_for(world.observer)
    response = observer.put(f"{API}/rounds/{round_.pk}/ballot/", {"choices": 3}, format="json")
    assert response.status_code == 403
    participant = client_for(world.industry)
    response = participant.patch(f"{API}/rounds/{round_.pk}/", {"title": 3}, format="json")
    assert response.status_code == 403


def test_bad_ballot_input_comes_before_a_closed_round(world: World) -> None:
    round_ = make_voting(world).round()
    services.round_close(actor=world.organizer, round_=round_)
    response = client_for(world.industry).put(
        f"{API}/rounds/{round_.pk}/ballot/", {"choices": [{"motion": 0}]}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert response.json()["errors"]


@pytest.mark.parametrize(
    "change",
    [
        {"title": ""},
        {"motions": []},
        {"motions": [{"kind": "adopt_clause", "clause": 2_000_000_000}]},
        {"motions": [{"kind": "adopt_framework", "rule": {"threshold": "most"}}]},
        {"closes_at": "2001-01-01T00:00:00Z"},
    ],
    ids=["blank-title", "no-motions", "unknown-clause", "bad-rule", "closing-in-the-past"],
)
def test_bad_round_input_comes_before_an_opened_round(world: World, change: dict[str, Any]) -> None:
    round_ = make_voting(world).round()
    before = state_of_rows()
    response = client_for(world.organizer).patch(
        f"{API}/rounds/{round_.pk}/", change, format="json"
    )
    assert response.status_code == 400, response.json()
    assert response.json()["errors"], response.json()
    assert state_of_rows() == before


def test_bad_round_input_comes_before_a_framework_not_in_voting(world: World) -> None:
    voting = make_voting(world)
    framework_move(actor=world.organizer, framework=voting.framework, to="adopted")
    response = client_for(world.organizer).post(
        f"{API}/frameworks/{voting.framework.slug}/rounds/",
        {"title": "Late", "motions": [{"kind": "adopt_clause", "clause": 2_000_000_000}]},
        format="json",
    )
    assert response.status_code == 400, response.json()
    named = response.json()["errors"]
    assert any(f.split(".")[0] in {"motions", "clause"} for f in named), response.json()
    valid = client_for(world.organizer).post(
        f"{API}/frameworks/{voting.framework.slug}/rounds/",
        {"title": "Late", "motions": [{"kind": "adopt_framework"}]},
        format="json",
    )
    assert valid.status_code == 409, valid.json()


def test_unknown_rounds_and_frameworks_are_404(world: World) -> None:
    client = client_for(world.organizer)
    assert client.get(f"{API}/rounds/999999/").status_code == 404
    assert client.get(f"{API}/rounds/999999/results/").status_code == 404
    assert client.post(f"{API}/rounds/999999/open/").status_code == 404
    assert client.get(f"{API}/frameworks/no-such-framework/rounds/").status_code == 404
    response = client.put(f"{API}/rounds/999999/ballot/", {"choices": []}, format="json")
    assert response.status_code == 404


def test_a_scheduled_round_can_still_be_changed(world: World) -> None:
    voting = make_voting(world)
    opens_at = timezone.now() + timedelta(days=1)
    round_ = voting.round(open_=False, opens_at=opens_at)
    assert round_.status == "scheduled"
    client = client_for(world.organizer)
    response = client.patch(f"{API}/rounds/{round_.pk}/", {"title": "Renamed"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "scheduled"
    response = client.patch(f"{API}/rounds/{round_.pk}/", {"opens_at": None}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["title"], response.json()["status"]) == ("Renamed", "draft")
