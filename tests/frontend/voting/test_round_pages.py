"""The voting pages through the Django test client, before anyone votes: the framework's link
and its rounds list, the round builder and its errors, the round page's organizer actions and
their 409s, the countdown."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from deliberation.models import VotingRound
from deliberation.voting import services
from tests.conftest import World
from tests.deliberation.voting.conftest import Voting
from tests.frontend.conftest import page_client
from tests.frontend.voting.conftest import motions_of, text_of


def builder_post(voting: Voting, **overrides: Any) -> dict[str, Any]:
    """The builder's form: adopt §1, accept the amendment, choose the trigger's wording."""
    scope, amendment, trigger = voting.scope.pk, voting.amendment.pk, voting.trigger.pk
    data: dict[str, Any] = {
        "title": "Second reading",
        "description": "Decide the *open* points.",
        "ballot_mode": "recorded",
        "opens_at": "",
        "closes_at": "",
        "unit": "person",
        "motions": [f"adopt_clause-{scope}", f"accept_amendment-{amendment}"],
    }
    for key in (f"adopt_clause-{scope}", f"accept_amendment-{amendment}", "adopt_framework"):
        data |= {f"{key}-threshold": "simple", f"{key}-quorum_percent": "0"}
    data[f"choose_alternative-{trigger}-method"] = "schulze"
    data.update(overrides)
    return data


# --- the framework page and the rounds list -------------------------------------------------
def test_framework_page_links_to_its_rounds(voting: Voting) -> None:
    html = page_client(None).get(f"/f/{voting.framework.slug}/").content.decode()
    assert f'href="/f/{voting.framework.slug}/rounds/"' in html


def test_rounds_list_tells_the_voter_they_can_change_their_ballot(voting: Voting) -> None:
    world = voting.world
    closes = timezone.now() + timedelta(days=2)
    round_ = voting.round(closes_at=closes)
    services.ballot_cast(
        actor=world.policymaker,
        round_=round_,
        choices=[{"motion": motions_of(round_)["adopt_framework"].pk, "position": "yes"}],
    )
    url = f"/f/{voting.framework.slug}/rounds/"
    mine = text_of(page_client(world.policymaker).get(url).content.decode())
    assert "You have voted; you can change your ballot until" in mine
    assert closes.strftime("%-d %b %Y") in mine
    theirs = text_of(page_client(world.industry).get(url).content.decode())
    assert "You have voted" not in theirs and "Open for voting until" in theirs
    # Readers see no builder; the organizer does.
    assert (
        f"/f/{voting.framework.slug}/rounds/new/" not in page_client(None).get(url).content.decode()
    )
    assert f"/f/{voting.framework.slug}/rounds/new/" in (
        page_client(world.organizer).get(url).content.decode()
    )


def test_builder_is_not_offered_when_the_framework_is_adopted(voting: Voting) -> None:
    from tests.deliberation.conftest import framework_move

    framework_move(actor=voting.world.organizer, framework=voting.framework, to="adopted")
    client = page_client(voting.world.organizer)
    listing = client.get(f"/f/{voting.framework.slug}/rounds/").content.decode()
    assert "/rounds/new/" not in listing
    assert "only while the framework is in consultation or voting" in listing
    page = client.get(f"/f/{voting.framework.slug}/rounds/new/")
    assert page.status_code == 200
    assert "<form" not in page.content.decode().split('id="main"')[1]


# --- the builder ------------------------------------------------------------------------------
def test_builder_offers_what_the_framework_can_decide(voting: Voting) -> None:
    html = page_client(voting.world.organizer).get(f"/f/{voting.framework.slug}/rounds/new/")
    text = text_of(html.content.decode())
    assert "Adopt §1 Scope" in text
    assert f"Accept amendment {voting.amendment.number} to §3 Obligation to pause" in text
    assert "Choose the wording of §2 Capability trigger" in text and "Options A, B." in text
    assert "Adopt the framework as a whole" in text
    # The bracketed clause is chosen among, not adopted as it stands.
    assert f'value="adopt_clause-{voting.trigger.pk}"' not in html.content.decode()
    # Secret mode says what it does not protect.
    assert "the server's database still links each ballot to its voter" in text
    assert "Adopted if more than half of votes cast are Yes." in text


def test_organizer_builds_a_round(voting: Voting) -> None:
    trigger, scope = voting.trigger.pk, voting.scope.pk
    closes = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    data = builder_post(
        voting,
        motions=[f"adopt_clause-{scope}", f"choose_alternative-{trigger}", "adopt_framework"],
        ballot_mode="secret",
        closes_at=closes,
        unit="organization",
        **{
            f"choose_alternative-{trigger}-method": "approval",
            "adopt_framework-threshold": "two_thirds",
            "adopt_framework-quorum_percent": "50",
            "adopt_framework-chambers": "on",
            "adopt_framework-consent": "on",
        },
    )
    response = page_client(voting.world.organizer).post(
        f"/f/{voting.framework.slug}/rounds/new/", data
    )
    round_ = VotingRound.objects.get(title="Second reading")
    assert response.status_code == 302
    assert response["Location"] == f"/rounds/{round_.pk}/"
    assert round_.ballot_mode == "secret" and round_.status == "draft"
    assert round_.closes_at is not None and round_.closes_at.strftime("%Y-%m-%dT%H:%M") == closes
    kinds = [(m.kind, m.method, m.rule) for m in round_.motions.order_by("position")]
    assert kinds == [
        ("adopt_clause", "", {**_rule("simple"), "unit": "organization"}),
        ("choose_alternative", "approval", None),
        (
            "adopt_framework",
            "",
            {"threshold": "two_thirds", "quorum_percent": 50, "consent": True, "chambers": True}
            | {"unit": "organization"},
        ),
    ]
    page = text_of(page_client(None).get(f"/rounds/{round_.pk}/").content.decode())
    assert (
        "Adopted if at least two-thirds of votes cast in each stakeholder group are Yes, with at "
        "least half of each group taking part, and nobody objects." in page
    )
    assert "Motion 2: Choose the wording of §2 Capability trigger" in page


def _rule(threshold: str) -> dict[str, Any]:
    return {"threshold": threshold, "quorum_percent": 0, "consent": False, "chambers": False}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "id_title_error", "This field is required."),
        ({"motions": []}, "id_motions_error", "Choose at least one motion."),
        (
            {"closes_at": "2001-01-01T10:00"},
            "id_closes_at_error",
            "The closing time must be in the future.",
        ),
        (
            {"opens_at": "2999-01-02T10:00", "closes_at": "2999-01-01T10:00"},
            "id_closes_at_error",
            "The round must close after it opens.",
        ),
        ({"closes_at": "next week"}, "id_closes_at_error", "Enter a valid date/time."),
        ({"ballot_mode": "public"}, "id_ballot_mode_error", "Select a valid choice."),
        ({"unit": "nation"}, "id_unit_error", "Select a valid choice."),
    ],
)
def test_bad_round_input_is_shown_next_to_its_field(
    voting: Voting, overrides: dict[str, Any], field: str, message: str
) -> None:
    response = page_client(voting.world.organizer).post(
        f"/f/{voting.framework.slug}/rounds/new/", builder_post(voting, **overrides)
    )
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(rf'id="{field}"[^>]*>(.*?)</ul>', html, re.S)
    assert error is not None and message in text_of(error.group(1))
    assert not VotingRound.objects.exists()
    assert 'value="Second reading"' in html or overrides.get("title") == ""  # kept


def test_bad_quorum_is_shown_next_to_its_rule(voting: Voting) -> None:
    key = f"adopt_clause-{voting.scope.pk}"
    response = page_client(voting.world.organizer).post(
        f"/f/{voting.framework.slug}/rounds/new/",
        builder_post(voting, **{f"{key}-quorum_percent": "150"}),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{key}-quorum_percent_error"' in html
    assert "Ensure this value is less than or equal to 100." in html
    assert re.search(r'<details class="rule-details" open>', html)
    assert not VotingRound.objects.exists()


def test_a_clause_put_to_the_vote_twice_is_refused_next_to_the_motions(voting: Voting) -> None:
    obligation = voting.amendment.clause_id
    data = builder_post(
        voting,
        motions=[f"adopt_clause-{obligation}", f"accept_amendment-{voting.amendment.pk}"],
        **{f"adopt_clause-{obligation}-threshold": "simple"},
        **{f"adopt_clause-{obligation}-quorum_percent": "0"},
    )
    response = page_client(voting.world.organizer).post(
        f"/f/{voting.framework.slug}/rounds/new/", data
    )
    assert response.status_code == 400
    error = re.search(r'id="id_motions_error"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    assert error is not None
    assert "Each clause (and the framework) can be put to the vote once per round." in error.group(
        1
    )
    assert not VotingRound.objects.exists()


def test_rule_is_explained_as_it_is_typed(db: Any) -> None:
    client = page_client(None)
    prefix = "adopt_framework"
    query = {f"{prefix}-threshold": "three_quarters", f"{prefix}-quorum_percent": "25"}
    response = client.get("/rounds/rule/", {"prefix": prefix, "unit": "organization", **query})
    assert response.status_code == 200
    assert response.content.decode().strip() == (
        "Adopted if at least three-quarters of votes cast are Yes, with at least a quarter of the "
        "eligible delegations taking part. Objections count as No. Abstentions count toward "
        "taking part, not as votes cast. One vote per organization, cast by its head of "
        "delegation."
    )
    bad = client.get("/rounds/rule/", {"prefix": prefix, f"{prefix}-quorum_percent": "x"})
    assert "a quorum between 0 and 100 to see the rule" in bad.content.decode()


# --- the round page: organizer actions ------------------------------------------------------------
def actions_on(html: str, round_: VotingRound) -> set[str]:
    return set(re.findall(rf'action="/rounds/{round_.pk}/(open|close|cancel)/"', html))


def test_round_page_draws_the_actions_the_round_allows(voting: Voting) -> None:
    client = page_client(voting.world.organizer)
    round_ = voting.round(open_=False)
    assert actions_on(client.get(f"/rounds/{round_.pk}/").content.decode(), round_) == {
        "open",
        "cancel",
    }
    response = client.post(f"/rounds/{round_.pk}/open/")
    assert response.status_code == 302 and response["Location"] == f"/rounds/{round_.pk}/"
    assert actions_on(client.get(f"/rounds/{round_.pk}/").content.decode(), round_) == {
        "close",
        "cancel",
    }
    response = client.post(f"/rounds/{round_.pk}/close/")
    assert response["Location"] == f"/rounds/{round_.pk}/results/"
    closed = client.get(f"/rounds/{round_.pk}/").content.decode()
    assert actions_on(closed, round_) == set()
    # Nobody voted: the yes/no motions are rejected, the choice has no quorum.
    assert 'badge-outcome-no_quorum">No quorum<' in closed and ">Rejected<" in closed
    # Others never see them.
    for user in (None, voting.world.policymaker, voting.world.other_organizer):
        html = page_client(user).get(f"/rounds/{round_.pk}/").content.decode()
        assert actions_on(html, round_) == set()


def test_closing_a_closed_round_shows_the_409_on_the_page(voting: Voting) -> None:
    round_ = voting.round()
    services.round_close(actor=voting.world.organizer, round_=round_)
    response = page_client(voting.world.organizer).post(f"/rounds/{round_.pk}/close/")
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="action-error"' in html
    assert "A round can be closed only while open; this one is closed." in text_of(html)


def test_opening_before_the_framework_is_in_voting_is_a_409(world: World) -> None:
    from tests.deliberation.conftest import make_drafting

    drafting = make_drafting(world)  # in consultation: rounds can be drafted, not opened
    round_ = services.round_create(
        actor=world.organizer,
        framework=drafting.framework,
        title="Early",
        motions=[{"kind": "adopt_framework"}],
    )
    client = page_client(world.organizer)
    assert actions_on(client.get(f"/rounds/{round_.pk}/").content.decode(), round_) == {"cancel"}
    response = client.post(f"/rounds/{round_.pk}/open/")
    assert response.status_code == 409
    assert "A round opens only while its framework is in voting; it is in consultation." in (
        text_of(response.content.decode())
    )
    assert VotingRound.objects.get(pk=round_.pk).status == "draft"


def test_countdown_is_a_time_element_readable_without_script(voting: Voting) -> None:
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        round_ = voting.round(closes_at=now + timedelta(days=1, hours=3))
        html = page_client(None).get(f"/rounds/{round_.pk}/").content.decode()
    closes = (now + timedelta(days=1, hours=3)).isoformat()
    assert f'<time datetime="{closes}">' in html
    assert f'data-countdown="{closes}">(in 1\xa0day, 3\xa0hours)</span>' in html
