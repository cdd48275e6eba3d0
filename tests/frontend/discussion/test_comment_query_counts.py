"""Query budgets: the comment pages cost the same number of queries with 10 comments as with
2,000. The numbers are named so that a change is a decision, not a drift."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from deliberation.models import Comment, Disposition, Flag, Reaction
from tests.conftest import World, make_world
from tests.deliberation.conftest import Drafting, make_drafting
from tests.frontend.conftest import page_client

SIGNED_IN = 2  # session, user
# access_clause; top-level ids; threads with authors, organizations, versions and dispositions;
# their mentions; per-group reaction counts; anchors to mark in the text; the thread summary.
THREAD_READS = 7
CLAUSE_PAGE_ANONYMOUS = THREAD_READS
# + your membership; your own reactions; your last visit, read then overwritten.
CLAUSE_PAGE_MEMBER = SIGNED_IN + THREAD_READS + 2 + 2
# + the figures of the thread a page of another order starts after.
SORTED_AFTER = 1
# An organizer's page costs what a member's does: the disposition form, with the versions and
# amendments it may name, loads when opened (frontend.views.discussion.forms).
CLAUSE_PAGE_ORGANIZER = CLAUSE_PAGE_MEMBER
# access_comment; the thread with joins and a reply flag; mentions; reaction counts.
THREAD_PAGE_ANONYMOUS = 4
THREAD_PAGE_MEMBER = SIGNED_IN + THREAD_PAGE_ANONYMOUS + 2
# framework; membership; count; page of comments; flags; the flaggers.
MODERATION_PAGE = SIGNED_IN + 6
# framework; count; page of comments with clause, author, organization and disposition.
DISPOSITIONS_ANONYMOUS = 3
DISPOSITIONS_MEMBER = SIGNED_IN + DISPOSITIONS_ANONYMOUS + 1


def grow(world: World, drafting: Drafting, size: int) -> dict[str, int]:
    """``size`` comments on the trigger clause: half top-level (each with a reply), the last
    top-level one carrying the rest as a long thread; reactions, flags, hidden comments and
    dispositions in proportion."""
    clause = drafting.trigger
    version = clause.current_version
    people = [
        (world.policymaker, "policymaker", world.org_gov),
        (world.industry, "industry", world.org_lab),
        (world.civil_society, "civil_society", world.org_ngo),
    ]

    def comment(n: int, **kwargs: Any) -> Comment:
        user, group, org = people[n % 3]
        return Comment(
            clause=clause,
            version=version,
            body=f"Comment {n}",
            body_html=f"<p>Comment {n}</p>",
            author=user,
            author_group=group,
            author_organization=org,
            author_role="participant",
            **kwargs,
        )

    tops = Comment.objects.bulk_create(
        comment(n, anchor_paragraph=0, anchor_quote="pause") if n % 4 == 0 else comment(n)
        for n in range(size // 2)
    )
    Comment.objects.filter(clause=clause, parent=None).update(root=F("id"))
    replies = Comment.objects.bulk_create(
        comment(n, parent=top, root=top, depth=1) for n, top in enumerate(tops[: size // 4])
    )
    last = tops[-1]
    Comment.objects.bulk_create(
        comment(n, parent=last, root=last, depth=1) for n in range(size - len(tops) - len(replies))
    )
    Reaction.objects.bulk_create(
        Reaction(comment=c, user=user, stance="agree", stakeholder_group=group)
        for c in tops[:: max(1, size // 20)]
        for user, group, _ in people
    )
    flagged = tops[1 :: max(2, size // 10)]
    Flag.objects.bulk_create(Flag(comment=c, user=world.observer, reason="spam") for c in flagged)
    Comment.objects.filter(pk__in=[c.pk for c in flagged]).update(flag_count=1)
    Comment.objects.filter(pk__in=[c.pk for c in tops[2 :: max(3, size // 8)]]).update(
        status="hidden", moderation_reason="off-topic"
    )
    Disposition.objects.bulk_create(
        Disposition(comment=c, outcome="noted", response="Thanks.", decided_by=world.organizer)
        for c in tops[:: max(3, size // 6)]
    )
    assert Comment.objects.filter(clause=clause).count() == size
    return {"first": tops[0].pk, "last": last.pk}


def count(world: World, actor: str, path: str) -> int:
    client = page_client(world.actor(actor))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(queries)


PAGES = [
    ("anonymous", "/clauses/{clause}/comments/", CLAUSE_PAGE_ANONYMOUS),
    ("policymaker", "/clauses/{clause}/comments/", CLAUSE_PAGE_MEMBER),
    ("organizer", "/clauses/{clause}/comments/", CLAUSE_PAGE_ORGANIZER),
    ("policymaker", "/clauses/{clause}/comments/?after={first}", CLAUSE_PAGE_MEMBER),
    ("policymaker", "/clauses/{clause}/comments/?sort=newest", CLAUSE_PAGE_MEMBER),
    ("policymaker", "/clauses/{clause}/comments/?sort=replies", CLAUSE_PAGE_MEMBER),
    ("policymaker", "/clauses/{clause}/comments/?sort=agreed", CLAUSE_PAGE_MEMBER),
    (
        "anonymous",
        "/clauses/{clause}/comments/?sort=recent&after={last}",
        CLAUSE_PAGE_ANONYMOUS + SORTED_AFTER,
    ),
    ("organizer", "/clauses/{clause}/comments/?sort=undisposed", CLAUSE_PAGE_ORGANIZER),
    ("anonymous", "/comments/{first}/thread/", THREAD_PAGE_ANONYMOUS),
    ("policymaker", "/comments/{last}/thread/", THREAD_PAGE_MEMBER),
    ("organizer", "/f/{slug}/moderation/", MODERATION_PAGE),
    ("anonymous", "/f/{slug}/dispositions/", DISPOSITIONS_ANONYMOUS),
    ("policymaker", "/f/{slug}/dispositions/?outcome=awaiting_response", DISPOSITIONS_MEMBER),
    ("policymaker", "/f/{slug}/dispositions/?group=industry&page=2", DISPOSITIONS_MEMBER),
]


@pytest.mark.parametrize("size", [10, 2000])
@pytest.mark.parametrize(("actor", "path", "expected"), PAGES)
def test_comment_page_queries_do_not_grow_with_comments(
    db: Any, actor: str, path: str, expected: int, size: int
) -> None:
    world = make_world()
    drafting = make_drafting(world)
    ids = grow(world, drafting, size)
    url = path.format(clause=drafting.trigger.pk, slug=drafting.framework.slug, **ids)
    assert count(world, actor, url) == expected


FLAGGER_PAGES = [
    ("/clauses/{clause}/comments/", CLAUSE_PAGE_MEMBER),
    ("/comments/{first_flagged}/thread/", THREAD_PAGE_MEMBER),
]


@pytest.mark.parametrize("size", [10, 2000])
@pytest.mark.parametrize(("path", "expected"), FLAGGER_PAGES)
def test_the_flagged_state_costs_no_query_per_comment(
    db: Any, path: str, expected: int, size: int
) -> None:
    # grow() has the observer flag some top-level comments: they show "You flagged this".
    world = make_world()
    drafting = make_drafting(world)
    ids = grow(world, drafting, size)
    flagged = Flag.objects.filter(user=world.observer, comment__status="visible").order_by("id")
    first_flagged = flagged.values_list("comment_id", flat=True).first()
    url = path.format(clause=drafting.trigger.pk, first_flagged=first_flagged, **ids)
    assert count(world, "observer", url) == expected
    html = page_client(world.observer).get(url).content.decode()
    assert "You flagged this" in html
