"""A comment keeps the attribution under which it was said, for ever (issue 8, point 4):
switching the convening's mode applies to what is said afterwards only."""

from __future__ import annotations

from typing import Any

from convene.models import AuditEvent, Convening, User
from deliberation.discussion import services
from tests.conftest import client_for
from tests.deliberation.conftest import Drafting
from tests.frontend.conftest import page_client


def _patch(drafting: Drafting, body: dict[str, Any]) -> Any:
    return client_for(drafting.world.organizer).patch(
        f"/api/v1/convenings/{drafting.world.convening.slug}/", body, format="json"
    )


def _switch(drafting: Drafting, mode: str) -> None:
    response = _patch(drafting, {"attribution": mode, "confirm_attribution_change": True})
    assert response.status_code == 200, response.json()


def test_switching_attribution_must_be_confirmed_and_says_what_it_changes(
    drafting: Drafting,
) -> None:
    before = AuditEvent.objects.count()
    for body in ({"attribution": "group"}, {"attribution": "group", "title": "Renamed"}):
        refused = _patch(drafting, {**body, "confirm_attribution_change": False})
        assert refused.status_code == 400, refused.content
        message = refused.json()["errors"]["confirm_attribution_change"][0]
        assert "keep the attribution they were said under" in message
        assert _patch(drafting, body).status_code == 400
    convening = Convening.objects.get(pk=drafting.world.convening.pk)
    assert (convening.attribution, convening.title) == ("named", drafting.world.convening.title)
    assert AuditEvent.objects.count() == before
    _switch(drafting, "group")
    assert Convening.objects.get(pk=convening.pk).attribution == "group"


def test_keeping_the_same_attribution_needs_no_confirmation(drafting: Drafting) -> None:
    response = _patch(drafting, {"attribution": "named", "title": "Renamed"})
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Renamed"


def _author(user: Any, comment_id: int) -> Any:
    return client_for(user).get(f"/api/v1/comments/{comment_id}/").json()["author"]


def test_what_was_said_under_chatham_house_stays_unattributed_after_switching_to_named(
    drafting: Drafting,
) -> None:
    w = drafting.world
    User.objects.filter(pk=w.industry.pk).update(display_name="Ivana Industrial")
    w.industry.refresh_from_db()
    _switch(drafting, "group")
    said = services.comment_post(actor=w.industry, clause=drafting.scope, body="Off the record.")
    _switch(drafting, "named")
    later = services.comment_post(actor=w.industry, clause=drafting.scope, body="On the record.")
    for reader in (None, w.policymaker, w.observer, w.outsider):
        assert _author(reader, said.pk) == {"stakeholder_group": "industry"}
        assert _author(reader, later.pk)["id"] == w.industry.pk
    assert _author(w.organizer, said.pk)["id"] == w.industry.pk  # organizers always know
    page = page_client(w.policymaker).get(f"/clauses/{drafting.scope.pk}/").content.decode()
    table = client_for(w.policymaker).get(
        f"/api/v1/frameworks/{drafting.framework.slug}/dispositions/"
    )
    rows = {row["comment"]: row for row in table.json()}
    assert rows[said.pk]["author"] == "" and rows[later.pk]["author"] == w.industry.display_name
    assert page.count(w.industry.display_name) == 1  # the later comment's byline only


def test_editing_an_unattributed_comment_after_the_switch_keeps_the_audit_anonymous(
    drafting: Drafting,
) -> None:
    w = drafting.world
    _switch(drafting, "group")
    said = services.comment_post(actor=w.industry, clause=drafting.scope, body="Off the record.")
    _switch(drafting, "named")
    services.comment_edit(actor=w.industry, comment=said, body="Still off the record.")
    services.comment_delete(actor=w.industry, comment=said)
    events = AuditEvent.objects.filter(target_id=str(said.pk), verb__startswith="comment.")
    assert {e.verb for e in events} == {"comment.posted", "comment.edited", "comment.deleted"}
    assert all(e.actor_id is None for e in events)


def test_what_was_said_on_the_record_stays_on_the_record_after_switching_to_group(
    drafting: Drafting,
) -> None:
    w = drafting.world
    said = services.comment_post(actor=w.civil_society, clause=drafting.scope, body="Named.")
    Convening.objects.filter(pk=w.convening.pk).update(attribution="group")
    later = services.comment_post(actor=w.civil_society, clause=drafting.scope, body="Group.")
    assert _author(w.policymaker, said.pk)["id"] == w.civil_society.pk
    assert _author(w.policymaker, later.pk) == {"stakeholder_group": "civil_society"}
