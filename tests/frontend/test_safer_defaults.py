"""Safer defaults (issue 13): a disposition's outcome is chosen, never preselected; revoking an
invitation asks first; accepting an amendment can carry a reason; visitors see reaction counts
as counts, with a way to sign in and react."""

from __future__ import annotations

import pytest

from convene import services as people
from deliberation.discussion import services as discussion
from deliberation.models import Amendment, Disposition
from deliberation.text import services as text
from tests.conftest import World
from tests.deliberation.conftest import Drafting, make_drafting
from tests.frontend.conftest import page_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafting(world: World) -> Drafting:
    return make_drafting(world)


def test_a_new_disposition_has_no_outcome_chosen(drafting: Drafting) -> None:
    w = drafting.world
    comment = discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="Too broad.")
    url = f"/comments/{comment.pk}/forms/disposition/"
    html = page_client(w.organizer).get(url, headers={"HX-Request": "true"}).content.decode()
    form = html[html.index(f'id="disposition-{comment.pk}-outcome"') :].split("</select>")[0]
    assert '<option value="" selected>— choose an outcome —</option>' in form
    assert "required" in form.split(">")[0]


def test_a_disposition_without_an_outcome_is_refused_and_nothing_saved(drafting: Drafting) -> None:
    w = drafting.world
    comment = discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="Too broad.")
    response = page_client(w.organizer).post(
        f"/comments/{comment.pk}/disposition/",
        {"outcome": "", "response": "We narrowed it.", "next": f"/clauses/{drafting.scope.pk}/"},
    )
    assert response.status_code == 400
    assert "Choose an outcome." in response.content.decode()
    assert not Disposition.objects.filter(comment=comment).exists()


def test_revoking_an_invitation_asks_first(world: World) -> None:
    people.invitation_create(
        actor=world.organizer, convening=world.convening, email="later@example.org", role="observer"
    )
    html = page_client(world.organizer).get(f"/c/{world.convening.slug}/members/").content.decode()
    block = html[html.index("later@example.org") :]
    assert '<details class="confirm">' in block
    assert "Yes, revoke the invitation" in block


def test_accepting_an_amendment_can_carry_a_reason(drafting: Drafting) -> None:
    w = drafting.world
    amendment = text.amendment_propose(
        actor=w.industry, clause=drafting.scope, text="Frontier labs only.", rationale="Narrower."
    )
    page = page_client(w.organizer).get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert f'id="accept-reason-{amendment.pk}"' in page
    response = page_client(w.organizer).post(
        f"/amendments/{amendment.pk}/accept/", {"reason": "Agreed in the plenary."}
    )
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.ACCEPTED
    assert amendment.decision_reason == "Agreed in the plenary."


def test_visitors_see_counts_and_a_way_to_sign_in_to_react(drafting: Drafting) -> None:
    w = drafting.world
    comment = discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="Point.")
    discussion.reaction_set(actor=w.industry, comment=comment, stance="agree")
    html = page_client(None).get(f"/clauses/{drafting.scope.pk}/").content.decode()
    block = html[html.index(f'id="comment-{comment.pk}"') :]
    assert 'class="reaction-form"' not in block.split("</article>")[0]
    assert "Sign in to react" in block
    assert f"/accounts/login/?next=/clauses/{drafting.scope.pk}/%23comment-{comment.pk}" in block
    member = page_client(w.observer).get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert "Sign in to react" not in member
