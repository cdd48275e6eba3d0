"""Search: who finds what (framework status by convening visibility by actor), hidden and deleted
comments never, no author named, hostile text inert in snippets, the GIN indexes used on
PostgreSQL, and a fixed number of queries whatever the size of the data."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from convene.models import Convening
from deliberation.models import Clause, Comment, Framework
from deliberation.publishing import search
from tests.conftest import World, make_world
from tests.deliberation.conftest import make_drafting
from tests.frontend.publishing.conftest import publish
from tests.hostile import HOSTILE

WORD = "Ocelotword"
STATUSES = ["draft", "consultation", "voting", "adopted", "withdrawn", "published"]


def _plant(world: World, status: str) -> Framework:
    """A framework in ``status`` whose title, clause and a comment carry WORD."""
    if status == "published":
        framework = publish(world).framework
    else:
        framework = make_drafting(world, status=status).framework
    Framework.objects.filter(pk=framework.pk).update(title=f"{WORD} framework")
    clause = Clause.objects.filter(framework=framework).order_by("position")[0]
    Clause.objects.filter(pk=clause.pk).update(text=f"The {WORD} clause text.")
    Comment.objects.create(
        clause=clause,
        version=clause.current_version,
        body=f"A {WORD} comment.",
        body_html="",
        author=world.policymaker,
    )
    return framework


def _kinds(user: Any, **kwargs: Any) -> set[str]:
    return {hit.kind for hit in search.search(user=user, q=WORD, **kwargs).hits}


@pytest.mark.parametrize("visibility", ["public", "private"])
@pytest.mark.parametrize("status", STATUSES)
def test_who_finds_what(db: None, status: str, visibility: str) -> None:
    world = make_world(visibility=visibility)
    _plant(world, status)
    published = status == "published"
    public = {"framework", "clause"} if published else set()
    if published and visibility == "public":
        public.add("comment")
    assert _kinds(AnonymousUser()) == public
    assert _kinds(world.outsider) == public
    members = {"framework", "clause", "comment"}
    for member in (world.observer, world.policymaker, world.organizer):
        assert _kinds(member) == members, member


def test_hidden_and_deleted_comments_are_never_found(world: World) -> None:
    _plant(world, "published")
    Comment.objects.filter(body__contains=WORD).update(status=Comment.Status.HIDDEN)
    assert "comment" not in _kinds(world.organizer)
    Comment.objects.filter(body__contains=WORD).update(status=Comment.Status.DELETED)
    assert "comment" not in _kinds(world.organizer)


def test_filters_by_kind_and_convening(world: World) -> None:
    _plant(world, "published")
    assert _kinds(None, kind="clause") == {"clause"}
    assert _kinds(None, convening=world.convening.slug) == {"framework", "clause", "comment"}
    assert _kinds(None, convening="another-one") == set()


@pytest.mark.parametrize("attribution", ["named", "group"])
def test_no_result_names_an_author(world: World, attribution: str) -> None:
    Convening.objects.filter(pk=world.convening.pk).update(attribution=attribution)
    _plant(world, "published")
    for user in (None, world.observer, world.organizer):
        hits = search.search(user=user, q=WORD).hits
        assert hits
        text = repr(hits)
        assert world.policymaker.display_name not in text
        assert world.policymaker.email not in text


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_is_escaped_with_the_marks_intact(world: World, hostile: str) -> None:
    framework = _plant(world, "published")
    clause = Clause.objects.filter(framework=framework).order_by("position")[0]
    Clause.objects.filter(pk=clause.pk).update(text=f"{hostile} {WORD} \ue001{hostile}\ue000")
    hit = next(h for h in search.search(user=None, q=WORD).hits if h.kind == "clause")
    assert "<script" not in hit.snippet.lower()
    assert "<mark>" in hit.snippet
    assert hit.snippet.count("<mark>") == hit.snippet.count("</mark>")
    stripped = hit.snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped and ">" not in stripped


def test_the_snippet_marks_survive_escaping() -> None:
    # Stray sentinels (a closing one first, an opening one never closed) stay balanced, and
    # Markdown's punctuation goes.
    assert search.snippet_html("a \ue000<b & **c**\ue001 \ue001d\ue000 e") == (
        "a <mark>&lt;b &amp; c </mark> d<mark> e</mark>"
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL's")
@pytest.mark.parametrize("kind", search.KINDS)
def test_the_gin_indexes_are_used(world: World, kind: str) -> None:
    _plant(world, "published")
    # The search's own expression, on the bare table: the plan shows the index matches it.
    model = {"framework": Framework, "clause": Clause, "comment": Comment}[kind]
    # No ordering: a model's default order could make another index the cheaper plan.
    rows = model.objects.order_by().annotate(document=search.vector(kind))
    query = search.SearchQuery(WORD, config=search.CONFIG, search_type="websearch")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            plan = rows.filter(document=query).explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert f"deliberation_{kind}_search" in plan, plan


def test_a_page_costs_the_same_whatever_the_data(world: World) -> None:
    framework = _plant(world, "published")
    clause = Clause.objects.filter(framework=framework).order_by("position")[0]

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            found = search.search(user=world.policymaker, q=WORD)
        assert found.hits
        return len(ctx.captured_queries)

    small = count()
    Comment.objects.bulk_create(
        Comment(
            clause=clause,
            version=clause.current_version,
            body=f"{WORD} number {n}",
            body_html="",
            author=world.industry,
        )
        for n in range(60)
    )
    assert count() == small
    page = search.search(user=None, q=WORD)
    assert len(page.hits) == search.PAGE_SIZE and page.has_next
    second = search.search(user=None, q=WORD, page=2)
    assert not {h.url for h in second.hits} & {h.url for h in page.hits}
