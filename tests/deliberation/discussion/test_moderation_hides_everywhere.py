"""What moderation hides is hidden in every interface (issue 7: the API returned a hidden
comment's quoted passage to everyone while the page showed it only to organizers)."""

from __future__ import annotations

import pytest

from deliberation.discussion import services
from tests.conftest import client_for
from tests.deliberation.conftest import Drafting
from tests.frontend.conftest import page_client

QUOTE = "task horizon doubles"


def _hidden(drafting: Drafting) -> int:
    w = drafting.world
    comment = services.comment_post(
        actor=w.policymaker,
        clause=drafting.trigger,
        body="Needs a number.",
        anchor={"paragraph": 0, "quote": QUOTE},
    )
    services.comment_moderate(actor=w.organizer, comment=comment, action="hide", reason="Heated.")
    return comment.pk


@pytest.mark.parametrize("who", [None, "outsider", "observer", "industry", "policymaker"])
def test_hidden_comments_quote_body_and_mentions_are_withheld_from_non_organizers(
    drafting: Drafting, who: str | None
) -> None:
    pk = _hidden(drafting)
    user = getattr(drafting.world, who) if who else None
    one = client_for(user).get(f"/api/v1/comments/{pk}/").json()
    listed = client_for(user).get(f"/api/v1/clauses/{drafting.trigger.pk}/comments/").json()
    for body in (one, next(c for c in listed["results"] if c["id"] == pk)):
        assert body["status"] == "hidden"
        assert body["anchor"] is None and body["body"] == "" and body["mentions"] == []
    page = page_client(user).get(f"/clauses/{drafting.trigger.pk}/").content.decode()
    assert "Needs a number." not in page


def test_organizers_still_read_what_they_hid(drafting: Drafting) -> None:
    pk = _hidden(drafting)
    body = client_for(drafting.world.organizer).get(f"/api/v1/comments/{pk}/").json()
    assert body["anchor"] == {"paragraph": 0, "quote": QUOTE}
    assert body["body"] == "Needs a number."


def test_a_deleted_comment_keeps_no_quote(drafting: Drafting) -> None:
    w = drafting.world
    comment = services.comment_post(
        actor=w.policymaker,
        clause=drafting.trigger,
        body="Withdrawn thought.",
        anchor={"paragraph": 0, "quote": QUOTE},
    )
    services.comment_delete(actor=w.policymaker, comment=comment)
    body = client_for(w.organizer).get(f"/api/v1/comments/{comment.pk}/").json()
    assert body["anchor"] is None and body["author"] is None
