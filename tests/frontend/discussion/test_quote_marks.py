"""Every quote is marked in the clause text, overlapping ones included, and each comment's
quote links to a mark that exists; quotes are stored as whole words (issue 13)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliberation.discussion import services
from deliberation.discussion.anchors import mark_id
from deliberation.models import Clause, Comment
from deliberation.text import services as text_services
from frontend.templatetags.comment_tags import mark_quotes
from tests.conftest import World, client_for
from tests.deliberation.conftest import make_drafting
from tests.frontend.conftest import page_client

SENTENCE = "The parties verify compliance through independent audits every year."


@pytest.fixture
def clause(world: World) -> Clause:
    drafting = make_drafting(world)
    return text_services.clause_create(
        actor=world.organizer,
        framework=drafting.framework,
        kind="general",
        title="Checks",
        text=SENTENCE,
    )


def _marked_text(html: str, comment_id: int) -> str:
    """The text of every mark piece of one quote, in order, markup removed."""
    pieces = re.findall(
        rf'<mark class="anchor-mark" data-comment="{comment_id}"[^>]*>(.*?)</mark>', html
    )
    return "".join(re.sub(r"<[^>]+>", "", p) for p in pieces)


def test_overlapping_quotes_are_each_marked_with_their_own_target() -> None:
    quotes = [("parties verify compliance", 1), ("compliance through", 2)]
    html = mark_quotes(f"<p>{SENTENCE}</p>", quotes, paragraph=0)
    for quote, _key in quotes:
        assert html.count(f'id="{mark_id(0, quote)}"') == 1
    assert re.sub(r"<[^>]+>", "", html) == SENTENCE
    assert html.count("<mark") == html.count("</mark>")
    nested = '<mark class="anchor-mark" data-comment="1" title="Quoted in comment 1">'
    second = mark_id(0, "compliance through")
    assert nested + f'<mark class="anchor-mark" data-comment="2" id="{second}"' in html


def test_three_overlapping_quotes_each_get_a_mark() -> None:
    quotes = [("parties verify", 4), ("verify compliance", 5), ("parties verify compliance", 6)]
    html = mark_quotes(f"<p>{SENTENCE}</p>", quotes, paragraph=0)
    for quote, _key in quotes:
        assert html.count(f'id="{mark_id(0, quote)}"') == 1
    assert "verify" in _marked_text(html, 5)
    assert re.sub(r"<[^>]+>", "", html) == SENTENCE


def test_a_stored_partial_word_quote_is_marked_as_whole_words() -> None:
    quote = "arties verify compliance throu"
    html = mark_quotes(f"<p>{SENTENCE}</p>", [(quote, 9)], paragraph=0)
    assert f'id="{mark_id(0, quote)}"' in html
    assert "The <mark" in html and "through</a></mark> independent" in html


def test_every_quote_link_on_the_page_has_its_mark(world: World, clause: Clause) -> None:
    quotes = ("parties verify compliance", "compliance through", "verify")
    for quote in quotes:
        services.comment_post(
            actor=world.policymaker,
            clause=clause,
            body=f"On {quote}.",
            anchor={"paragraph": 0, "quote": quote},
        )
    html = page_client(world.industry).get(f"/clauses/{clause.pk}/comments/").content.decode()
    for quote in quotes:
        mark = mark_id(0, quote)
        assert f'href="#{mark}"' in html and html.count(f'id="{mark}"') == 1


def test_the_page_stores_a_selection_as_whole_words(world: World, clause: Clause) -> None:
    url = f"/clauses/{clause.pk}/comments/"
    response = page_client(world.policymaker).post(
        url,
        {"next": url, "body": "Who?", "anchor_paragraph": "0", "anchor_quote": "arties verify"},
    )
    assert response.status_code == 302
    assert clause.comments.get().anchor_quote == "parties verify"


def test_the_api_stores_a_partial_word_quote_as_whole_words(world: World, clause: Clause) -> None:
    response = client_for(world.policymaker).post(
        f"/api/v1/clauses/{clause.pk}/comments/",
        {"body": "Who?", "anchor": {"paragraph": 0, "quote": "arties verify compliance throu"}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["anchor"] == {
        "paragraph": 0,
        "quote": "parties verify compliance through",
    }


def test_a_quote_growing_past_the_limit_is_refused_not_truncated(world: World) -> None:
    drafting = make_drafting(world)
    long_word = "w" * 1005
    clause = text_services.clause_create(
        actor=world.organizer,
        framework=drafting.framework,
        kind="general",
        title="L",
        text=long_word,
    )
    response = client_for(world.policymaker).post(
        f"/api/v1/clauses/{clause.pk}/comments/",
        {"body": "Long.", "anchor": {"paragraph": 0, "quote": "w" * 1000}},
        format="json",
    )
    assert response.status_code == 400
    assert not clause.comments.exists()


WORDS = ["the", "parties", "verify", "compliance", "through", "audits", "every", "year"]


@given(
    st.lists(st.tuples(st.integers(0, len(WORDS) - 1), st.integers(1, 4)), min_size=1, max_size=5)
)
def test_any_quotes_keep_the_text_and_each_gets_one_mark(picks: list[tuple[int, int]]) -> None:
    sentence = " ".join(WORDS)
    # One entry per distinct quote, as ``anchors_for`` gives them: a mark's id is its quote's.
    first = {
        " ".join(WORDS[at : at + n]): key for key, (at, n) in reversed(list(enumerate(picks, 1)))
    }
    quotes = list(first.items())
    html = mark_quotes(f"<p>{sentence}</p>", quotes, paragraph=0)
    assert re.sub(r"<[^>]+>", "", html) == sentence
    assert html.count("<mark") == html.count("</mark>")
    for quote, _key in quotes:
        assert html.count(f'id="{mark_id(0, quote)}"') == 1


def test_quotes_stored_before_snapping_are_grown_to_whole_words(
    world: World, clause: Clause
) -> None:
    from importlib import import_module

    from django.apps import apps

    comment = services.comment_post(
        actor=world.policymaker,
        clause=clause,
        body="Old.",
        anchor={"paragraph": 0, "quote": "verify compliance"},
    )
    Comment.objects.filter(pk=comment.pk).update(anchor_quote="arties verify compliance throu")
    migration = import_module("deliberation.migrations.0017_comment_ux")
    migration.snap_stored_quotes(apps, None)
    comment.refresh_from_db()
    assert comment.anchor_quote == "parties verify compliance through"
