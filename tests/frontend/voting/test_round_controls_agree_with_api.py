"""The round page draws its controls exactly when the API would take the same action.

For every actor and round state, the page's ballot form (a POST form to
``/rounds/<id>/ballot/``) must be drawn if and only if ``PUT /api/v1/rounds/<id>/ballot/`` with
a valid ballot answers 200; when it is not drawn, the page says why in the API's own words
(the ``can_vote`` message). Likewise the organizer's Open, Close and Cancel forms and
``POST /api/v1/rounds/<id>/{open,close,cancel}/``. Each API call runs in a savepoint that is
rolled back.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from convene.models import Membership
from deliberation.models import Ballot, VotingRound
from deliberation.voting import services
from tests.conftest import ACTORS, client_for, make_world
from tests.deliberation.voting.conftest import Voting, make_voting
from tests.frontend.conftest import page_client
from tests.frontend.voting.conftest import motions_of, text_of

# The organization round adds a participant who is not the head of their delegation.
ACTOR_NAMES = [*ACTORS, "industry"]
STATES = ["draft", "open", "open-organization", "closed", "cancelled"]


def make_round(voting: Voting, state: str) -> VotingRound:
    world = voting.world
    if state == "open-organization":
        Membership.objects.filter(convening=world.convening, user=world.policymaker).update(
            head_of_delegation=True
        )
        return voting.round(rule={"unit": "organization"})
    round_ = voting.round(open_=state != "draft")
    if state == "closed":
        return services.round_close(actor=world.organizer, round_=round_)
    if state == "cancelled":
        return services.round_cancel(actor=world.organizer, round_=round_)
    return round_


def api_ballot(round_: VotingRound) -> dict[str, Any]:
    motion = motions_of(round_)["adopt_framework"]
    return {"choices": [{"motion": motion.pk, "position": "yes"}]}


def ask_api(user: Any, round_: VotingRound) -> tuple[int, str]:
    with transaction.atomic():
        response = client_for(user).put(
            f"/api/v1/rounds/{round_.pk}/ballot/", api_ballot(round_), format="json"
        )
        transaction.set_rollback(True)
    detail = response.json().get("detail", "") if response.status_code >= 300 else ""
    return response.status_code, detail


def drawn(html: str, round_: VotingRound, action: str = "ballot") -> bool:
    return f'action="/rounds/{round_.pk}/{action}/"' in html


def ask_api_action(api: Any, round_: VotingRound, action: str) -> int:
    with transaction.atomic():
        response = api.post(f"/api/v1/rounds/{round_.pk}/{action}/")
        transaction.set_rollback(True)
    return response.status_code


@pytest.mark.parametrize("visibility", ["public", "private"])
@pytest.mark.parametrize("state", STATES)
def test_ballot_form_is_drawn_exactly_when_the_api_takes_the_ballot(
    db: Any, state: str, visibility: str
) -> None:
    voting = make_voting(make_world(visibility=visibility))
    round_ = make_round(voting, state)
    cells, allowed = [], 0
    for name in ACTOR_NAMES:
        user = voting.world.actor(name)
        status, detail = ask_api(user, round_)
        page = page_client(user).get(f"/rounds/{round_.pk}/")
        if page.status_code == 404:
            shown, said = False, True
            agrees = status in {401, 403, 404}
        else:
            html = page.content.decode()
            shown = drawn(html, round_)
            said = status == 200 or (detail in text_of(html) if status != 401 else True)
            agrees = shown == (status == 200)
        allowed += status == 200
        if not agrees or not said:
            cells.append(f"{name}: page {'draws' if shown else 'hides'} the form, API {status}")
            cells[-1] += "" if said else f", and the page does not say {detail!r}"
    assert not cells, "\n".join(cells)
    # Not vacuous: both participants may vote in the open round, only the head of delegation
    # when it counts organizations, nobody otherwise.
    assert allowed == {"open": 2, "open-organization": 1}.get(state, 0)
    assert not Ballot.objects.exists()


def test_anonymous_is_told_to_sign_in(db: Any) -> None:
    voting = make_voting(make_world())
    round_ = voting.round()
    html = page_client(None).get(f"/rounds/{round_.pk}/").content.decode()
    assert not drawn(html, round_)
    assert f'href="/accounts/login/?next=/rounds/{round_.pk}/"' in html


@pytest.mark.parametrize("state", STATES)
def test_round_actions_are_drawn_exactly_when_the_api_allows_them(db: Any, state: str) -> None:
    voting = make_voting(make_world())
    round_ = make_round(voting, state)
    before = VotingRound.objects.get(pk=round_.pk).status
    cells, allowed = [], set()
    for name in ACTOR_NAMES:
        user = voting.world.actor(name)
        html = page_client(user).get(f"/rounds/{round_.pk}/").content.decode()
        api = client_for(user)  # its token made outside the savepoints that roll back
        for action in ("open", "close", "cancel"):
            status = ask_api_action(api, round_, action)
            shown = drawn(html, round_, action)
            if status == 200:
                allowed.add((name, action))
            if shown != (status == 200):
                cells.append(f"{name} {action}: {'drawn' if shown else 'absent'}, API {status}")
    assert not cells, "\n".join(cells)
    expected = {
        "draft": {("organizer", "open"), ("organizer", "cancel")},
        "open": {("organizer", "close"), ("organizer", "cancel")},
        "open-organization": {("organizer", "close"), ("organizer", "cancel")},
    }
    assert allowed == expected.get(state, set())
    assert VotingRound.objects.get(pk=round_.pk).status == before
