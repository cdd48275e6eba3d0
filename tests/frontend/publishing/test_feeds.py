"""The Atom feeds of publications and new editions, read with feedparser as a feed reader
would: site-wide and per convening, only published editions, no person named, a fixed number of
queries, hostile titles escaped, and advertised on the home page and the reader."""

from __future__ import annotations

from typing import Any

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from convene import services
from convene.models import Convening
from deliberation.models import Edition, Framework
from tests.conftest import World, make_world
from tests.deliberation.conftest import make_drafting
from tests.frontend.conftest import page_client
from tests.frontend.publishing.conftest import clauses_of, forge_edition, publish

SITE = "/feeds/published.atom"


def _feed(url: str, client: Any = None) -> Any:
    response = (client or page_client(None)).get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_the_site_feed_lists_every_edition_newest_first(world: World, published: Edition) -> None:
    later = forge_edition(published, clauses_of(published, 2))
    feed = _feed(SITE)
    assert feed.feed.title == "Convene: published frameworks"
    titles = [e.title for e in feed.entries]
    title = published.framework.title
    assert titles == [f"{title} — edition {later.number}", f"{title} — edition 1"]
    entry = feed.entries[0]
    assert entry.link.endswith(f"/frameworks/{published.framework.slug}/editions/2/")
    assert later.content_hash in entry.summary
    assert entry.author == world.convening.title
    assert [e.id for e in _feed(SITE).entries] == [e.id for e in feed.entries]  # stable ids
    for e in feed.entries:  # each link is a reader page
        path = e.link.split("testserver", 1)[-1]
        assert page_client(None).get(path).status_code == 200


def test_the_convening_feed_has_its_own_editions_only(world: World, published: Edition) -> None:
    other = services.convening_create(
        actor=world.outsider, title="Another table", description="", visibility="public"
    )
    feed = _feed(f"/feeds/convenings/{world.convening.slug}.atom")
    assert len(feed.entries) == 1
    assert feed.feed.title == f"{world.convening.title}: published frameworks"
    empty = _feed(f"/feeds/convenings/{other.slug}.atom")
    assert empty.entries == []


@pytest.mark.parametrize("status", ["draft", "consultation", "voting", "adopted", "withdrawn"])
def test_nothing_unpublished_is_in_a_feed(world: World, published: Edition, status: str) -> None:
    hidden = make_drafting(world, status=status).framework
    Framework.objects.filter(pk=hidden.pk).update(title="Unpublished Wombat")
    for url in (SITE, f"/feeds/convenings/{world.convening.slug}.atom"):
        response = page_client(None).get(url)
        assert b"Wombat" not in response.content


def test_a_private_convenings_feed_exists_once_it_publishes(db: None) -> None:
    world = make_world(visibility=Convening.Visibility.PRIVATE)
    url = f"/feeds/convenings/{world.convening.slug}.atom"
    assert page_client(None).get(url).status_code == 404
    publish(world)
    assert len(_feed(url).entries) == 1
    assert page_client(None).get("/feeds/convenings/no-such-thing.atom").status_code == 404


@pytest.mark.parametrize("attribution", ["named", "group"])
def test_no_person_is_named(world: World, attribution: str) -> None:
    Convening.objects.filter(pk=world.convening.pk).update(attribution=attribution)
    publish(world)
    body = page_client(None).get(SITE).content.decode()
    for user in (world.organizer, world.policymaker, world.industry, world.civil_society):
        assert user.display_name not in body
        assert user.email not in body


def test_feeds_cost_the_same_whatever_their_size(world: World, published: Edition) -> None:
    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert page_client(None).get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = (SITE, f"/feeds/convenings/{world.convening.slug}.atom")
    small = [count(url) for url in urls]
    for n in range(2, 8):
        forge_edition(published, clauses_of(published, n))
    assert [count(url) for url in urls] == small


def test_hostile_titles_are_escaped(world: World, published: Edition) -> None:
    forge_edition(
        published, published.content["clauses"], title="<script>alert(1)</script> & ]]> Brake"
    )
    feed = _feed(SITE)
    assert feed.entries[0].title.startswith("<script>alert(1)</script> & ]]> Brake")
    assert b"<script>" not in page_client(None).get(SITE).content


def test_only_get_and_head(published: Edition) -> None:
    client = page_client(None)
    assert client.head(SITE).status_code == 200
    assert client.post(SITE).status_code == 405


def test_the_feeds_are_advertised(world: World, published: Edition) -> None:
    home = page_client(None).get("/").content.decode()
    assert f'type="application/atom+xml" href="{SITE}"' in home
    reader = page_client(None).get(f"/frameworks/{published.framework.slug}/").content.decode()
    assert f'href="{SITE}"' in reader
    assert f'href="/feeds/convenings/{world.convening.slug}.atom"' in reader
