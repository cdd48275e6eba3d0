"""The search page: its states (blank, results, nothing found, bad input re-shown), the header's
search form on every page, and a fixed number of queries whatever the data."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from convene import services
from tests.conftest import World
from tests.deliberation.publishing.test_search import WORD, _plant
from tests.frontend.conftest import page_client


def test_a_blank_search_shows_the_form(world: World) -> None:
    response = page_client(None).get("/search/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="search"' in html
    assert "Results" not in html


def test_results_link_to_the_reader_with_the_words_marked(world: World) -> None:
    _plant(world, "published")
    html = page_client(None).get("/search/", {"q": WORD}).content.decode()
    assert "<mark>" in html
    assert '#clause-1"' in html
    assert "search-hit-comment" in html
    only = page_client(None).get("/search/", {"q": WORD, "kind": "clause"}).content.decode()
    assert "search-hit-clause" in only and "search-hit-comment" not in only


def test_nothing_found_says_so(world: World) -> None:
    html = page_client(None).get("/search/", {"q": "Zyzzyva"}).content.decode()
    assert "Nothing found for “Zyzzyva”" in html


def test_bad_input_is_shown_with_the_form(world: World) -> None:
    for params in ({"q": "x" * 201}, {"q": "pause", "kind": "people"}, {"q": "a", "page": "0"}):
        response = page_client(None).get("/search/", params)
        assert response.status_code == 400, params
        assert 'class="form-errors" role="alert"' in response.content.decode()


def test_every_page_has_the_search_form(world: World) -> None:
    for url in ("/", f"/c/{world.convening.slug}/"):
        html = page_client(world.policymaker).get(url).content.decode()
        assert 'action="/search/" role="search"' in html


def test_the_page_costs_the_same_whatever_the_data(world: World) -> None:
    _plant(world, "published")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert page_client(None).get("/search/", {"q": WORD}).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for _ in range(4):
        _plant(world, "published")
    assert count() == small


def test_the_convening_filter_offers_only_what_the_reader_may_search(world: World) -> None:
    hidden = services.convening_create(
        actor=world.outsider, title="Hidden Talks", description="", visibility="private"
    )
    _plant(world, "published")
    html = page_client(None).get("/search/").content.decode()
    assert f'<option value="{world.convening.slug}">' in html
    assert "Hidden Talks" not in html
    member = page_client(world.outsider).get("/search/").content.decode()
    assert "Hidden Talks" in member
    chosen = page_client(None).get("/search/", {"q": WORD, "convening": world.convening.slug})
    assert chosen.status_code == 200 and "<mark>" in chosen.content.decode()
    refused = page_client(None).get("/search/", {"q": WORD, "convening": hidden.slug})
    assert refused.status_code == 400
