"""GET /api/v1/search/: the contract, anonymous access, and 400s in the API's error shape."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import World, client_for
from tests.deliberation.publishing.test_search import WORD, _plant

URL = "/api/v1/search/"


def test_anyone_searches_the_published_record(world: World) -> None:
    _plant(world, "published")
    response = client_for(None).get(URL, {"q": WORD})
    assert response.status_code == 200
    body = response.json()
    assert body["page"] == 1 and body["has_next"] is False
    kinds = {hit["kind"] for hit in body["results"]}
    assert kinds == {"framework", "clause", "comment"}
    hit = next(h for h in body["results"] if h["kind"] == "clause")
    assert set(hit) == {
        "kind",
        "title",
        "snippet",
        "url",
        "framework",
        "convening",
        "clause",
        "published",
    }
    assert hit["published"] is True
    assert hit["url"].endswith(f"#clause-{hit['clause']}")
    assert "<mark>" in hit["snippet"]
    elsewhere = client_for(None).get(URL, {"q": WORD, "convening": "not a slug"})
    assert elsewhere.status_code == 200 and elsewhere.json()["results"] == []
    only = client_for(None).get(URL, {"q": WORD, "kind": "comment"}).json()["results"]
    assert {h["kind"] for h in only} == {"comment"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"q": "pause", "kind": "person"}, "kind"),
        ({"q": "pause", "page": "0"}, "page"),
        ({"q": "pause", "page": "51"}, "page"),
        ({"q": "pause", "page": "two"}, "page"),
        ({"q": "pause", "kind": ""}, "kind"),
        ({"q": "pause", "convening": ""}, "convening"),
        ({"q": "pause", "page": ""}, "page"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(db: None, params: dict[str, str], field: str) -> None:
    response = client_for(None).get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"]
    assert body["detail"]


def test_members_also_find_their_convenings_drafts(world: World) -> None:
    _plant(world, "consultation")
    assert client_for(None).get(URL, {"q": WORD}).json()["results"] == []
    mine = client_for(world.observer).get(URL, {"q": WORD}).json()["results"]
    assert {h["kind"] for h in mine} == {"framework", "clause", "comment"}
    assert all(h["published"] is False for h in mine)


def test_the_query_count_is_fixed(world: World) -> None:
    _plant(world, "published")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client_for(None).get(URL, {"q": WORD}).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for _ in range(5):
        _plant(world, "published")
    assert count() == small
