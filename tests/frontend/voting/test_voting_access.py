"""Who may open and post to each voting page: a table of (action, visibility, actor) → outcome.

LOGIN means a redirect to the sign-in page; DONE means the action succeeded and redirected
(POST/redirect/GET); numbers are the response status. Each action starts from the round state
in which it is allowed (a draft round to open, an open one to vote in, close or cancel, a
closed one for the record), so this table is about who, not when; the pages' tests cover when.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from deliberation.models import Ballot, VotingRound
from deliberation.voting import services
from tests.conftest import ACTORS, make_world
from tests.deliberation.voting.conftest import Voting, make_voting
from tests.frontend.access import DONE, LOGIN, READ, only
from tests.frontend.conftest import page_client
from tests.frontend.voting.conftest import ballot_post

ORGANIZER = {"organizer"}
VOTER = {"policymaker"}  # the only actor on the roll (a participant with a group)

# action → (round state it starts from, or None for no round) and outcomes.
TABLE: dict[str, tuple[str | None, dict[str, dict[str, Any]]]] = {
    "round_list": (None, READ),
    "round_new_get": (None, only(ORGANIZER, 200)),
    "round_new_post": (None, only(ORGANIZER, DONE)),
    "round_page": ("open", READ),
    "results_page": ("open", READ),
    "record_page": ("closed", READ),
    "open_post": ("draft", only(ORGANIZER, DONE)),
    "close_post": ("open", only(ORGANIZER, DONE)),
    "cancel_post": ("open", only(ORGANIZER, DONE)),
    "ballot_post": ("open", only(VOTER, DONE)),
}

CASES = [
    (action, visibility)
    for action, (_state, by_visibility) in TABLE.items()
    for visibility in by_visibility
]


def prepare(voting: Voting, state: str | None) -> VotingRound | None:
    if state is None:
        return None
    round_ = voting.round(open_=state != "draft")
    if state == "closed":
        services.ballot_cast(
            actor=voting.world.policymaker,
            round_=round_,
            choices=[{"motion": round_.motions.first().pk, "position": "yes"}],  # type: ignore[union-attr]
        )
        round_ = services.round_close(actor=voting.world.organizer, round_=round_)
    return round_


def perform(voting: Voting, action: str, round_: VotingRound | None, client: Any) -> Any:
    slug = voting.framework.slug
    if action == "round_list":
        return client.get(f"/f/{slug}/rounds/")
    if action == "round_new_get":
        return client.get(f"/f/{slug}/rounds/new/")
    if action == "round_new_post":
        body = {"title": "Second reading", "ballot_mode": "recorded", "unit": "person"}
        body |= {"motions": ["adopt_framework"], "adopt_framework-threshold": "simple"}
        return client.post(f"/f/{slug}/rounds/new/", body | {"adopt_framework-quorum_percent": 0})
    assert round_ is not None
    base = f"/rounds/{round_.pk}/"
    gets = {"round_page": base, "results_page": f"{base}results/", "record_page": f"{base}record/"}
    if action in gets:
        return client.get(gets[action])
    if action == "ballot_post":
        return client.post(f"{base}ballot/", ballot_post(voting, round_))
    return client.post(f"{base}{action.removesuffix('_post')}/")


def effect_happened(voting: Voting, action: str, round_: VotingRound | None) -> bool:
    """Whether the POST changed anything: refused requests must leave the data untouched."""
    if action == "round_new_post":
        return VotingRound.objects.filter(title="Second reading").exists()
    assert round_ is not None
    status = VotingRound.objects.get(pk=round_.pk).status
    return {
        "open_post": lambda: status == "open",
        "close_post": lambda: status == "closed",
        "cancel_post": lambda: status == "cancelled",
        "ballot_post": lambda: Ballot.objects.filter(round=round_).exists(),
    }[action]()


def outcome(response: Any) -> Any:
    """What the response did, in the table's terms."""
    if response.status_code != 302:
        return response.status_code
    return LOGIN if response["Location"].startswith(reverse("account_login") + "?next=") else DONE


@pytest.mark.parametrize(("action", "visibility"), CASES)
def test_voting_page_access(db: Any, action: str, visibility: str) -> None:
    """Every actor in turn, each request in a savepoint that is rolled back, so one scene
    serves the whole row of the table."""
    voting = make_voting(make_world(visibility=visibility))
    state, by_visibility = TABLE[action]
    round_ = prepare(voting, state)
    wrong = []
    for actor, expected in by_visibility[visibility].items():
        with transaction.atomic():
            response = perform(voting, action, round_, page_client(voting.world.actor(actor)))
            got = outcome(response)
            changed = action.endswith("_post") and effect_happened(voting, action, round_)
            transaction.set_rollback(True)
        if got != expected or changed != (expected == DONE and action.endswith("_post")):
            wrong.append(f"{actor}: expected {expected}, got {got}, changed: {changed}")
    assert not wrong, "\n".join(wrong)


def test_refusals_say_why(db: Any) -> None:
    """A 403 page names the rule that refused (the predicate's message)."""
    voting = make_voting(make_world())
    round_ = voting.round()
    observer = page_client(voting.world.observer)
    response = observer.post(f"/rounds/{round_.pk}/ballot/", ballot_post(voting, round_))
    assert response.status_code == 403
    assert "Only participants on this round&#x27;s roll may vote" in response.content.decode()
    response = page_client(voting.world.policymaker).post(f"/rounds/{round_.pk}/close/")
    assert response.status_code == 403
    assert "Only organizers of this convening may run voting rounds." in response.content.decode()


def test_every_actor_is_in_the_table() -> None:
    for _state, by_visibility in TABLE.values():
        for by_actor in by_visibility.values():
            assert set(by_actor) == set(ACTORS)


def test_missing_rounds_and_frameworks_are_404(db: Any) -> None:
    client = page_client(make_world().organizer)
    for url in ["/f/nope/rounds/", "/f/nope/rounds/new/", "/rounds/999999/"]:
        assert client.get(url).status_code == 404, url
    for url in ["/rounds/999999/results/", "/rounds/999999/record/"]:
        assert client.get(url).status_code == 404, url
    for url in ["/rounds/999999/open/", "/rounds/999999/ballot/"]:
        assert client.post(url).status_code == 404, url


@pytest.mark.parametrize("url", ["open/", "close/", "cancel/", "ballot/"])
def test_actions_refuse_get(db: Any, url: str) -> None:
    voting = make_voting(make_world())
    round_ = voting.round()
    assert page_client(voting.world.organizer).get(f"/rounds/{round_.pk}/{url}").status_code == 405
