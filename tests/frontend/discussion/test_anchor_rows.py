"""The clause text marks each quote of its current version once, read from one index row per
quote however many comments share it (issue 14); a mark's id is a function of its words."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation.discussion import quotes
from deliberation.discussion import services as discussion_services
from deliberation.discussion.anchors import mark_id
from deliberation.models import Clause, Comment
from deliberation.text import services as text_services
from tests.conftest import World
from tests.deliberation.conftest import make_drafting
from tests.frontend.conftest import page_client

TEXT = "Developers report every new model.\n\nA pause is triggered when the horizon doubles."
QUOTE = "horizon doubles"
# Reading the quotes of a clause: one query, whatever the number of comments.
ANCHOR_QUERIES = 1


@pytest.fixture
def clause(world: World) -> Clause:
    drafting = make_drafting(world)
    return text_services.clause_create(
        actor=world.organizer, framework=drafting.framework, kind="general", title="R", text=TEXT
    )


def quote(world: World, clause: Clause, paragraph: int, words: str) -> Comment:
    return discussion_services.comment_post(
        actor=world.policymaker,
        clause=clause,
        body=f"On {words}.",
        anchor={"paragraph": paragraph, "quote": words},
    )


def anchored(world: World, clause: Clause, n: int) -> None:
    for i in range(n):
        quote(world, clause, 1, QUOTE if i % 2 else "pause is triggered")
        quote(world, clause, 0, "every new model")


def test_many_comments_on_one_quote_are_one_row(world: World, clause: Clause) -> None:
    first = quote(world, clause, 1, QUOTE)
    for _ in range(3):
        quote(world, clause, 1, QUOTE)
    other = quote(world, clause, 0, "every new model")
    assert quotes.anchors_for(clause) == [
        {"paragraph": 1, "quote": QUOTE, "comment": first.pk},
        {"paragraph": 0, "quote": "every new model", "comment": other.pk},
    ]


@pytest.mark.parametrize("status", [Comment.Status.HIDDEN, Comment.Status.DELETED])
def test_hidden_and_deleted_quotes_are_not_marked(
    world: World, clause: Clause, status: str
) -> None:
    comment = quote(world, clause, 1, QUOTE)
    Comment.objects.filter(pk=comment.pk).update(status=status)
    assert quotes.anchors_for(clause) == []


def test_a_quote_of_an_older_version_is_not_marked_and_links_to_history(
    world: World, clause: Clause
) -> None:
    old = quote(world, clause, 1, QUOTE)
    clause = text_services.clause_update(
        actor=world.organizer,
        clause=clause,
        text=TEXT.replace("doubles", "triples"),
        rationale="Faster.",
    )
    current = quote(world, clause, 0, "every new model")
    assert quotes.anchors_for(clause) == [
        {"paragraph": 0, "quote": "every new model", "comment": current.pk}
    ]
    html = page_client(world.industry).get(f"/clauses/{clause.pk}/comments/").content.decode()
    assert mark_id(1, QUOTE) not in html
    assert f'<a href="/clauses/{clause.pk}/history/">' in html
    assert f'<a href="#{mark_id(0, "every new model")}">' in html
    assert html.count(f'id="{mark_id(0, "every new model")}"') == 1
    assert old.version_id != clause.current_version_id


def test_the_page_marks_the_quote_with_its_computed_id(world: World, clause: Clause) -> None:
    first = quote(world, clause, 1, QUOTE)
    quote(world, clause, 1, QUOTE)
    html = page_client(world.industry).get(f"/clauses/{clause.pk}/comments/").content.decode()
    mark = mark_id(1, QUOTE)
    assert f'<mark class="anchor-mark" data-comment="{first.pk}" id="{mark}"' in html
    assert html.count(f'id="{mark}"') == 1
    assert html.count(f'<a href="#{mark}">') == 2


def test_mark_id_is_stable_and_distinguishes_paragraphs() -> None:
    assert mark_id(1, QUOTE) == mark_id(1, QUOTE)
    assert mark_id(1, QUOTE) != mark_id(0, QUOTE) != mark_id(1, "horizon")
    assert mark_id(1, QUOTE).startswith("mark-1-") and len(mark_id(1, QUOTE)) == len("mark-1-") + 12


def test_anchor_query_count_is_constant(world: World, clause: Clause) -> None:
    counts = []
    for n in (2, 20):
        anchored(world, clause, n)
        with CaptureQueriesContext(connection) as queries:
            rows = quotes.anchors_for(clause)
        counts.append(len(queries))
        assert len(rows) == 3
    assert counts == [ANCHOR_QUERIES, ANCHOR_QUERIES]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partial index plans: PostgreSQL")
def test_the_quote_index_exists_and_is_partial(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'deliberation_comment_quotes'"
        )
        (definition,) = cursor.fetchone()
    assert "(clause_id, version_id, anchor_paragraph, anchor_quote, id)" in definition
    assert "WHERE" in definition and "visible" in definition


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partial index plans: PostgreSQL")
def test_thousands_of_quoting_comments_are_read_through_the_quote_index(
    world: World, clause: Clause
) -> None:
    first = quote(world, clause, 1, QUOTE)
    Comment.objects.bulk_create(
        Comment(
            clause=clause,
            version_id=first.version_id,
            author=first.author,
            body="x",
            body_html="x",
            anchor_paragraph=i % 2,
            anchor_quote=QUOTE if i % 2 else "every new model",
        )
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE deliberation_comment")
        cursor.execute(
            "EXPLAIN " + quotes._DISTINCT_QUOTES,
            {"clause": clause.pk, "version": clause.current_version_id},
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using deliberation_comment_quotes" in plan
    assert "Seq Scan" not in plan
    assert len(quotes.anchors_for(clause)) == 2
