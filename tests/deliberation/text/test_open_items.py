"""Moving to voting says what is still open (issue 7): the API lists it in ``open_items``, the
page lists it before the organizer confirms; neither refuses the move."""

from __future__ import annotations

from deliberation.text import services
from tests.conftest import client_for
from tests.deliberation.conftest import Drafting
from tests.frontend.conftest import page_client


def _open_things(drafting: Drafting) -> tuple[int, list[str]]:
    w = drafting.world
    amendment = services.amendment_propose(
        actor=w.industry, clause=drafting.trigger, text="Doubling in three months.", rationale="r"
    )
    labels = [
        services.alternative_propose(actor=who, clause=drafting.scope, text=text).label
        for who, text in ((w.policymaker, "Every lab."), (w.civil_society, "Every developer."))
    ]
    return amendment.pk, labels


def test_transition_to_voting_lists_open_amendments_and_brackets(drafting: Drafting) -> None:
    amendment_id, labels = _open_things(drafting)
    response = client_for(drafting.world.organizer).post(
        f"/api/v1/frameworks/{drafting.framework.slug}/transition/", {"to": "voting"}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "voting"
    assert body["open_items"] == [
        {
            "kind": "bracket",
            "id": drafting.scope.pk,
            "clause": drafting.scope.pk,
            "clause_number": drafting.scope.position,
            "clause_title": "Scope",
            "options": labels,
        },
        {
            "kind": "amendment",
            "id": amendment_id,
            "number": 1,
            "clause": drafting.trigger.pk,
            "clause_number": drafting.trigger.position,
            "clause_title": "Capability trigger",
            "options": [],
        },
    ]


def test_transition_with_nothing_open_says_so(drafting: Drafting) -> None:
    response = client_for(drafting.world.organizer).post(
        f"/api/v1/frameworks/{drafting.framework.slug}/transition/", {"to": "voting"}, format="json"
    )
    assert response.status_code == 200 and response.json()["open_items"] == []


def test_the_organizer_sees_what_is_open_before_confirming_voting(drafting: Drafting) -> None:
    amendment_id, _labels = _open_things(drafting)
    html = page_client(drafting.world.organizer).get(f"/f/{drafting.framework.slug}/").content
    page = html.decode()
    assert "Still open (2)" in page
    assert f"#amendment-{amendment_id}" in page and "bracketed, options A, B" in page
    # Others cannot move the framework, so they are not shown the list either.
    other = page_client(drafting.world.policymaker).get(f"/f/{drafting.framework.slug}/")
    assert "Still open" not in other.content.decode()


def test_the_voting_status_no_longer_claims_members_are_voting(drafting: Drafting) -> None:
    services.framework_transition(
        actor=drafting.world.organizer, framework=drafting.framework, to="voting"
    )
    page = page_client(None).get(f"/f/{drafting.framework.slug}/").content.decode()
    assert "while members vote" not in page
    assert "voting rounds decide what is still open" in page
