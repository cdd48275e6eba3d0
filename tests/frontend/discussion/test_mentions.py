"""Mentions that work: @handle links to the member in the convening's list, handles are shown
where members are named, and the comment box can suggest handles (members only)."""

from __future__ import annotations

import pytest

from convene.text import render_markdown
from deliberation.discussion import services as discussion
from tests.conftest import World, make_world
from tests.deliberation.conftest import Drafting, make_drafting
from tests.frontend.conftest import page_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafting(world: World) -> Drafting:
    return make_drafting(world)


def test_a_mention_of_a_member_links_to_them(drafting: Drafting) -> None:
    w = drafting.world
    handle = w.industry.handle
    comment = discussion.comment_post(
        actor=w.policymaker,
        clause=drafting.scope,
        body=f"Ask @{handle}, not @nobody-here; mail a@{handle}.org. `@{handle}` in code.",
    )
    html = comment.body_html
    link = f'href="/c/{w.convening.slug}/#member-{handle}"'
    assert html.count(link) == 1
    assert "@nobody-here" in html and "member-nobody-here" not in html
    assert f"a@{handle}.org" in html
    assert f"<code>@{handle}</code>" in html


def test_an_edit_relinks_mentions(drafting: Drafting) -> None:
    w = drafting.world
    comment = discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="Plain.")
    edited = discussion.comment_edit(
        actor=w.policymaker, comment=comment, body=f"Now @{w.civil_society.handle}."
    )
    assert f"#member-{w.civil_society.handle}" in edited.body_html


def test_mentions_never_break_out_of_the_markup() -> None:
    html = render_markdown('@x"><script>', mentions={"x": "/c/a/#member-x"})
    assert "<script>" not in html


def test_handles_are_shown_to_members_on_the_convening_page_and_comments(
    drafting: Drafting,
) -> None:
    w = drafting.world
    discussion.comment_post(actor=w.industry, clause=drafting.scope, body="A point.")
    page = page_client(w.policymaker).get(f"/c/{w.convening.slug}/").content.decode()
    assert f'id="member-{w.industry.handle}"' in page
    assert f"@{w.industry.handle}" in page
    clause = page_client(w.policymaker).get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert f'<span class="handle">@{w.industry.handle}</span>' in clause


def test_handle_suggestions_for_members(drafting: Drafting) -> None:
    w = drafting.world
    url = f"/c/{w.convening.slug}/handles/"
    found = page_client(w.policymaker).get(url, {"q": "@ind"}).json()["results"]
    assert found == [{"handle": w.industry.handle, "name": w.industry.display_name}]
    assert page_client(w.policymaker).get(url, {"q": ""}).json() == {"results": []}
    assert page_client(w.outsider).get(url, {"q": "ind"}).status_code == 403


def test_handle_suggestions_of_a_private_convening_are_404_to_outsiders(db: object) -> None:
    w = make_world(visibility="private")
    url = f"/c/{w.convening.slug}/handles/"
    assert page_client(w.outsider).get(url, {"q": "ind"}).status_code == 404
    assert page_client(w.observer).get(url, {"q": "ind"}).status_code == 200
