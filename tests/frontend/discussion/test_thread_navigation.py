"""Finding your way in a long debate (issue 13): a link to one comment opens its thread in place
whatever page it is on, and what is new since a member's last visit is marked, per comment on
the clause page and as a count per clause on the framework page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from deliberation.discussion import services as discussion
from deliberation.models import ClauseVisit, Comment
from tests.conftest import ACTORS, World, make_world
from tests.deliberation.conftest import Drafting, make_drafting
from tests.frontend.access import READ
from tests.frontend.conftest import page_client

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def drafting(world: World) -> Drafting:
    return make_drafting(world)


def test_a_link_to_a_comment_opens_the_page_that_starts_with_its_thread(
    drafting: Drafting, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("deliberation.discussion.selectors.THREADS_PER_PAGE", 2)
    w = drafting.world
    tops = [
        discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body=f"Thread {n}.")
        for n in range(5)
    ]
    reply = discussion.comment_post(
        actor=w.industry, clause=drafting.scope, body="On page three.", parent_id=tops[4].pk
    )
    client = page_client(None)
    response = client.get(f"/comments/{reply.pk}/")
    assert response.status_code == 302
    target = response["Location"]
    assert target == (
        f"/clauses/{drafting.scope.pk}/comments/?after={tops[4].pk - 1}#comment-{reply.pk}"
    )
    html = client.get(target.split("#")[0]).content.decode()
    assert f'id="comment-{reply.pk}"' in html
    assert f'id="comment-{tops[0].pk}"' not in html
    assert "From the first thread" in html


def test_a_link_to_a_comment_deeper_than_the_page_nests_opens_its_thread_page(
    drafting: Drafting,
) -> None:
    w = drafting.world
    parent = discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="Top.")
    for n in range(6):
        parent = discussion.comment_post(
            actor=w.industry, clause=drafting.scope, body=f"Depth {n + 1}.", parent_id=parent.pk
        )
    response = page_client(None).get(f"/comments/{parent.pk}/")
    assert response["Location"] == f"/comments/{parent.pk}/thread/#comment-{parent.pk}"


@pytest.mark.parametrize("visibility", ["public", "private"])
@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_follow_a_link_to_a_comment(db: Any, visibility: str, actor: str) -> None:
    drafting = make_drafting(make_world(visibility=visibility))
    comment = discussion.comment_post(
        actor=drafting.world.policymaker, clause=drafting.scope, body="Hello."
    )
    response = page_client(drafting.world.actor(actor)).get(f"/comments/{comment.pk}/")
    expected = READ[visibility][actor]
    assert response.status_code == (302 if expected == 200 else expected)


def test_bad_comment_links_are_404(drafting: Drafting) -> None:
    client = page_client(None)
    assert client.get("/comments/999999/").status_code == 404
    assert client.get("/comments/99999999999999999999/").status_code == 404


def test_what_is_new_since_the_last_visit_is_marked(drafting: Drafting) -> None:
    w = drafting.world
    client = page_client(w.policymaker)
    page = f"/clauses/{drafting.scope.pk}/comments/"
    with time_machine.travel(T0, tick=False) as clock:
        old = discussion.comment_post(actor=w.industry, clause=drafting.scope, body="Old news.")
        clock.shift(timedelta(minutes=1))
        first = client.get(page).content.decode()
        assert "badge-new" not in first  # a first visit marks nothing
        clock.shift(timedelta(hours=1))
        reply = discussion.comment_post(
            actor=w.civil_society, clause=drafting.scope, body="A reply.", parent_id=old.pk
        )
        fresh = discussion.comment_post(actor=w.industry, clause=drafting.scope, body="Fresh.")
        mine = discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="Mine.")
        clock.shift(timedelta(minutes=1))
        workspace = client.get(f"/f/{drafting.framework.slug}/").content.decode()
        # Two others' comments are new; the reader's own is not counted.
        assert "2 new comments" in workspace
        html = client.get(page).content.decode()
    assert _marker(html, old) == "New replies"
    assert _marker(html, reply) == "New"
    assert _marker(html, fresh) == "New"
    assert "posted since your last visit" in html
    visit = ClauseVisit.objects.get(user=w.policymaker, clause=drafting.scope)
    assert visit.seen_at == T0 + timedelta(hours=1, minutes=2)
    assert _marker(html, mine) == ""  # the reader's own words are not news to them
    # Seen now: the next visit marks nothing and the framework page counts nothing.
    again = client.get(page).content.decode()
    assert "badge-new" not in again.split('class="thread"')[1]
    assert "new comment" not in client.get(f"/f/{drafting.framework.slug}/").content.decode()


def test_visitors_leave_no_visit(drafting: Drafting) -> None:
    page_client(None).get(f"/clauses/{drafting.scope.pk}/comments/")
    page_client(drafting.world.outsider).get(f"/clauses/{drafting.scope.pk}/comments/")
    assert not ClauseVisit.objects.exists()


def _marker(html: str, comment: Comment) -> str:
    article = html.split(f'id="comment-{comment.pk}"')[1].split("</header>")[0]
    if "badge-new" not in article:
        return ""
    return article.split('class="badge badge-new">')[1].split("<")[0]
