"""The clause page shows each thread's root and first replies, whatever the thread's size, and
offers the rest on the thread's own page (issue 14: a page's cost must not grow with the thread).
A link to a later reply opens the thread's page at it."""

from __future__ import annotations

import re

import pytest

from deliberation.discussion import services as discussion
from deliberation.discussion.selectors import REPLIES_SHOWN, THREAD_PAGE
from deliberation.models import Comment
from tests.conftest import World
from tests.deliberation.conftest import Drafting, make_drafting
from tests.frontend.conftest import page_client


@pytest.fixture
def drafting(world: World) -> Drafting:
    return make_drafting(world)


def _thread(drafting: Drafting, replies: int) -> tuple[Comment, list[Comment]]:
    w = drafting.world
    root = discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="Root.")
    posted = [
        discussion.comment_post(
            actor=(w.industry, w.civil_society)[n % 2],
            clause=drafting.scope,
            body=f"Reply {n}.",
            parent_id=root.pk,
        )
        for n in range(replies)
    ]
    return root, posted


def _shown(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article id="comment-(\d+)"', html)]


def test_a_long_thread_shows_its_first_replies_and_offers_the_rest(drafting: Drafting) -> None:
    root, replies = _thread(drafting, 9)
    html = page_client(None).get(f"/clauses/{drafting.scope.pk}/comments/").content.decode()
    assert _shown(html) == [root.pk, *(r.pk for r in replies[:REPLIES_SHOWN])]
    assert f'href="/comments/{root.pk}/thread/"' in html
    assert "Show all 9 replies" in html and f"({9 - REPLIES_SHOWN} more)" in html
    thread = page_client(None).get(f"/comments/{root.pk}/thread/").content.decode()
    assert set(_shown(thread)) == {root.pk, *(r.pk for r in replies)}


def test_a_short_thread_is_shown_whole_with_no_offer(drafting: Drafting) -> None:
    root, replies = _thread(drafting, REPLIES_SHOWN)
    html = page_client(None).get(f"/clauses/{drafting.scope.pk}/comments/").content.decode()
    assert _shown(html) == [root.pk, *(r.pk for r in replies)]
    assert "Show all" not in html


@pytest.mark.parametrize("replies", [10, 60])
def test_the_page_renders_a_bounded_number_of_comments(drafting: Drafting, replies: int) -> None:
    for _ in range(3):
        _thread(drafting, replies)
    html = page_client(drafting.world.organizer).get(f"/clauses/{drafting.scope.pk}/").content
    assert len(_shown(html.decode())) == 3 * (1 + REPLIES_SHOWN)


def test_a_link_to_a_later_reply_opens_the_threads_page_at_it(drafting: Drafting) -> None:
    root, replies = _thread(drafting, REPLIES_SHOWN + 2)
    client = page_client(None)
    early = client.get(f"/comments/{replies[0].pk}/")
    assert early["Location"].startswith(f"/clauses/{drafting.scope.pk}/comments/?after=")
    late = client.get(f"/comments/{replies[-1].pk}/")
    assert late["Location"] == f"/comments/{root.pk}/thread/#comment-{replies[-1].pk}"


def test_htmx_brings_the_whole_thread_in_place_focusing_the_first_reply_left_out(
    drafting: Drafting,
) -> None:
    root, replies = _thread(drafting, REPLIES_SHOWN + 3)
    last_shown = replies[REPLIES_SHOWN - 1].pk
    response = page_client(None).get(
        f"/comments/{root.pk}/thread/?after={last_shown}", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html  # a fragment, not the page
    assert _shown(html) == [root.pk, *(r.pk for r in replies)]
    first_left_out = replies[REPLIES_SHOWN].pk
    opening = re.search(rf'<article id="comment-{first_left_out}"[^>]*>', html)
    assert opening is not None and "data-focus-after-swap" in opening.group(0)
    assert "3 more replies shown." in html


@pytest.mark.parametrize("after", ["", "x", "-1", "99999999999999999999"])
def test_a_strange_after_still_answers_the_thread(drafting: Drafting, after: str) -> None:
    root, _ = _thread(drafting, 2)
    response = page_client(None).get(
        f"/comments/{root.pk}/thread/?after={after}", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200


def _bulk_replies(drafting: Drafting, root: Comment, count: int) -> list[Comment]:
    """``count`` replies to ``root``, every third one a reply to the reply before it."""
    made: list[Comment] = []
    for n in range(count):
        parent = made[-1] if n % 3 == 2 else root
        made.append(
            Comment.objects.create(
                clause=root.clause,
                version=root.version,
                parent=parent,
                root=root,
                depth=parent.depth + 1,
                body=f"Reply {n}.",
                body_html=f"<p>Reply {n}.</p>",
                author=drafting.world.industry,
                author_group="industry",
            )
        )
    Comment.objects.filter(pk=root.pk).update(reply_count=count)
    return made


@pytest.mark.parametrize("replies", [THREAD_PAGE + 5, 3 * THREAD_PAGE])
def test_a_threads_page_shows_a_bounded_page_of_replies(drafting: Drafting, replies: int) -> None:
    root, _ = _thread(drafting, 0)
    made = _bulk_replies(drafting, root, replies)
    html = page_client(None).get(f"/comments/{root.pk}/thread/").content.decode()
    assert _shown(html) == [root.pk, *(r.pk for r in made[:THREAD_PAGE])]
    last = made[THREAD_PAGE - 1].pk
    assert f'href="/comments/{root.pk}/thread/?after={last}"' in html


def test_a_later_page_lists_replies_to_earlier_pages_under_the_root(drafting: Drafting) -> None:
    root, _ = _thread(drafting, 0)
    made = _bulk_replies(drafting, root, THREAD_PAGE + 5)
    first = made[0]
    late = Comment.objects.create(
        clause=root.clause, version=root.version, parent=first, root=root, depth=first.depth + 1,
        body="Late.", body_html="<p>Late.</p>", author=drafting.world.policymaker,
    )  # fmt: skip
    after = made[THREAD_PAGE - 1].pk
    html = page_client(None).get(f"/comments/{root.pk}/thread/?after={after}").content.decode()
    assert set(_shown(html)) == {root.pk, late.pk, *(r.pk for r in made[THREAD_PAGE:])}
    assert "Next replies" not in html and "Back to the start of the thread" in html
    start = html.index(f'<article id="comment-{late.pk}"')
    assert f'href="/comments/{first.pk}/" class="reply-to"' in html[start : start + 3000]
    # A reply whose parent is on this page sits under it, not marked.
    on_page = {r.pk for r in made[THREAD_PAGE:]}
    child = next(r for r in made[THREAD_PAGE:] if r.parent_id in on_page)
    start = html.index(f'<article id="comment-{child.pk}"')
    assert 'class="reply-to"' not in html[start : start + 3000].split("</header>")[0]


def test_a_link_to_a_reply_on_a_later_page_opens_that_page(drafting: Drafting) -> None:
    root, _ = _thread(drafting, 0)
    made = _bulk_replies(drafting, root, 2 * THREAD_PAGE + 3)
    target = made[2 * THREAD_PAGE + 1]
    location = page_client(None).get(f"/comments/{target.pk}/")["Location"]
    after = made[2 * THREAD_PAGE - 1].pk
    assert location == f"/comments/{root.pk}/thread/?after={after}#comment-{target.pk}"
    html = page_client(None).get(location.split("#")[0]).content.decode()
    assert target.pk in _shown(html)
