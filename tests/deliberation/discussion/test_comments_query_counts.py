"""The comments endpoint and a thread load in a fixed number of queries, at 10 and at 2,000
comments; cursor pagination returns every comment exactly once, even while people post.

Rows are bulk-created (as the service would leave them) so that 2,000 comments take a second.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from convene.models import User
from deliberation.discussion import services
from deliberation.models import Clause, Comment, Disposition, Reaction
from tests.conftest import World, client_for
from tests.deliberation.conftest import Drafting

GROUPS = ["policymaker", "industry", "civil_society"]


def _authors(world: World) -> list[tuple[User, str, Any]]:
    return [
        (world.policymaker, "policymaker", world.org_gov),
        (world.industry, "industry", world.org_lab),
        (world.civil_society, "civil_society", world.org_ngo),
    ]


def populate(drafting: Drafting, n: int, *, threads: int = 1) -> list[int]:
    """``n`` comments on the trigger clause in ``threads`` threads; replies nest up to depth 5.
    Every comment has reactions and a mention; every top-level comment a disposition."""
    world, clause = drafting.world, drafting.trigger
    version = clause.current_version
    authors = _authors(world)
    before = Comment.objects.filter(clause=clause).count()

    def row(i: int, parent: Comment | None) -> Comment:
        user, group, org = authors[i % 3]
        return Comment(
            clause=clause,
            version=version,
            parent=parent,
            root=(parent.root or parent) if parent else None,
            depth=parent.depth + 1 if parent else 0,
            anchor_paragraph=0 if i % 4 == 0 else None,
            anchor_quote="task horizon" if i % 4 == 0 else "",
            body=f"Comment {i} for @{world.industry.handle}.",
            body_html=f"<p>Comment {i}</p>",
            author=user,
            author_group=group,
            author_organization=org,
            author_role="participant",
            agree_count=1,
            disagree_count=1,
        )

    tops = Comment.objects.bulk_create([row(i, None) for i in range(threads)])
    Comment.objects.filter(pk__in=[c.pk for c in tops]).update(root=F("id"))
    for top in tops:
        top.root = top
    replies: list[Comment] = []
    level = list(tops)
    while len(tops) + len(replies) < n:
        batch = [
            row(len(replies) + i, level[i % len(level)])
            for i in range(min(len(level) * 4, n - len(tops) - len(replies)))
        ]
        level = Comment.objects.bulk_create(batch, batch_size=500)
        replies.extend(level)
        if level[0].depth >= 5:
            level = list(tops)
    comments = [*tops, *replies]
    Reaction.objects.bulk_create(
        [
            Reaction(comment=c, user=user, stance=stance, stakeholder_group=group)
            for c in comments
            for (user, group, _), stance in zip(authors[:2], ["agree", "disagree"], strict=True)
        ],
        batch_size=1000,
    )
    Comment.mentions.through.objects.bulk_create(
        [Comment.mentions.through(comment_id=c.pk, user_id=world.industry.pk) for c in comments],
        batch_size=1000,
    )
    Disposition.objects.bulk_create(
        [
            Disposition(
                comment=top,
                outcome="partly_accepted",
                response="We changed it.",
                version=version,
                decided_by=world.organizer,
            )
            for top in tops
        ]
    )
    assert Comment.objects.filter(clause=clause).count() == before + n
    return [c.pk for c in comments]


def count_queries(client: Any, url: str) -> tuple[int, dict[str, Any]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(queries), response.json()


# Anonymous: the clause with its framework and convening, the page (with authors, organizations,
# versions and dispositions joined), the mentions, the per-group reaction counts.
# Signed in, three more: the token with its user, the viewer's own stances, and the viewer's
# membership (organizers see hidden text and, in group attribution, names).
BUDGET = {"anonymous": 4, "policymaker": 7, "organizer": 7}


def _url(clause: Clause, query: str) -> str:
    return f"/api/v1/clauses/{clause.pk}/comments/{query}"


@pytest.mark.parametrize("viewer", list(BUDGET))
@pytest.mark.parametrize("attribution", ["named", "group"])
def test_comments_endpoint_queries_do_not_grow_with_comments(
    drafting: Drafting, viewer: str, attribution: str
) -> None:
    world = drafting.world
    world.convening.attribution = attribution
    world.convening.save()
    client = client_for(world.actor(viewer))
    populate(drafting, 10, threads=2)
    small, page = count_queries(client, _url(drafting.trigger, ""))
    assert len(page["results"]) == 10
    populate(drafting, 1990, threads=40)
    large, page = count_queries(client, _url(drafting.trigger, ""))
    assert len(page["results"]) == 50
    largest, page = count_queries(client, _url(drafting.trigger, "?page_size=200"))
    assert len(page["results"]) == 200
    assert small == large == largest
    assert small == BUDGET[viewer]


@pytest.mark.parametrize("viewer", list(BUDGET))
def test_thread_queries_do_not_grow_with_the_thread(drafting: Drafting, viewer: str) -> None:
    client = client_for(drafting.world.actor(viewer))
    small_ids = populate(drafting, 10)
    small, page = count_queries(client, _url(drafting.trigger, f"?root={small_ids[0]}"))
    assert [c["id"] for c in page["results"]] == sorted(small_ids)
    assert page["results"][0]["disposition"]["outcome"] == "partly_accepted"
    large_ids = populate(drafting, 2000)
    large, page = count_queries(
        client, _url(drafting.trigger, f"?root={large_ids[0]}&page_size=200")
    )
    assert len(page["results"]) == 200
    assert {c["root"] for c in page["results"]} == {large_ids[0]}
    assert max(c["depth"] for c in page["results"]) >= 2
    assert small == large
    assert small == BUDGET[viewer]


def walk(client: Any, url: str, *, between_pages: Any = None) -> list[int]:
    ids: list[int] = []
    next_url: str | None = url
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200
        ids.extend(c["id"] for c in response.json()["results"])
        next_url = response.json()["next"]
        if between_pages and next_url:
            between_pages()
    return ids


def test_cursor_walks_every_comment_exactly_once(drafting: Drafting) -> None:
    created = populate(drafting, 2000, threads=100)
    ids = walk(client_for(None), _url(drafting.trigger, "?page_size=200"))
    assert len(ids) == len(set(ids)) == 2000
    assert set(ids) == set(created)
    assert ids == sorted(ids)
    default = walk(client_for(drafting.world.policymaker), _url(drafting.trigger, ""))
    assert default == ids


def test_cursor_walk_stays_exact_while_comments_are_added(drafting: Drafting) -> None:
    world = drafting.world
    created = populate(drafting, 500, threads=20)
    added: list[int] = []

    def someone_posts() -> None:
        comment = services.comment_post(
            actor=world.civil_society,
            clause=drafting.trigger,
            body=f"Posted while reading ({len(added)}).",
            parent_id=created[len(added)],
        )
        added.append(comment.pk)

    ids = walk(
        client_for(world.policymaker),
        _url(drafting.trigger, "?page_size=50"),
        between_pages=someone_posts,
    )
    assert len(ids) == len(set(ids))
    assert set(created) <= set(ids)
    # Comments posted during the walk land after the cursor and are read once, at the end.
    assert set(ids) == set(created) | set(added)
    assert len(added) >= 9


def test_cursor_walks_a_thread_exactly_once(drafting: Drafting) -> None:
    created = populate(drafting, 700)
    ids = walk(client_for(None), _url(drafting.trigger, f"?root={created[0]}&page_size=100"))
    assert sorted(ids) == sorted(created) and len(ids) == len(set(ids))


def test_page_size_is_capped(drafting: Drafting) -> None:
    populate(drafting, 300, threads=10)
    response = client_for(None).get(_url(drafting.trigger, "?page_size=100000"))
    assert len(response.json()["results"]) == 200


# A page after the first in another order reads the figures of the thread it starts after.
SORTED_AFTER = 1


@pytest.mark.parametrize("sort", ["newest", "replies", "agreed", "recent", "undisposed"])
def test_sorted_pages_cost_the_same_deep_or_first_at_any_size(
    drafting: Drafting, sort: str
) -> None:
    client = client_for(drafting.world.organizer)

    def answer_half() -> None:
        unanswered = Comment.objects.filter(clause=drafting.trigger, parent=None, pk__gt=0)
        Disposition.objects.filter(comment__in=unanswered.order_by("pk")[::2]).delete()

    populate(drafting, 60, threads=30)
    answer_half()
    small, page = count_queries(client, _url(drafting.trigger, f"?sort={sort}&page_size=2"))
    small_next, _ = count_queries(client, page["next"])
    populate(drafting, 1940, threads=400)
    answer_half()
    large, page = count_queries(client, _url(drafting.trigger, f"?sort={sort}&page_size=5"))
    for _ in range(3):
        deep, page = count_queries(client, page["next"])
    assert len(page["results"]) == 5
    assert small == large == BUDGET["organizer"]
    assert small_next == deep == BUDGET["organizer"] + SORTED_AFTER


def test_a_sorted_walk_lists_every_thread_once(drafting: Drafting) -> None:
    populate(drafting, 400, threads=120)
    tops = set(
        Comment.objects.filter(clause=drafting.trigger, parent=None).values_list("pk", flat=True)
    )
    for sort in ("newest", "replies", "agreed", "recent"):
        ids = walk(client_for(None), _url(drafting.trigger, f"?sort={sort}&page_size=7"))
        assert len(ids) == len(set(ids)) == len(tops), sort
        assert set(ids) == tops
