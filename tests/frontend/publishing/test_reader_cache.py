"""A published edition's pages and exports are served by edition: ETag and 304, a shared cached
copy for anonymous readers that costs no query, and a new edition that changes the key."""

from __future__ import annotations

import gzip
import time
from typing import Any

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation.models import Edition
from deliberation.publishing import selectors, services
from tests.conftest import World
from tests.frontend.conftest import page_client


def _get(client: Any, url: str, **headers: str) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    return response, len(ctx.captured_queries)


@pytest.mark.parametrize("suffix", ["", "editions/1/", "export.json", "editions/1/export.csv"])
def test_an_anonymous_repeat_is_served_from_the_cache_without_a_query(
    published: Edition, suffix: str
) -> None:
    url = f"/frameworks/{published.framework.slug}/{suffix}"
    client = page_client(None)
    first, cold = _get(client, url)
    again, warm = _get(client, url)
    assert first.status_code == again.status_code == 200
    assert cold > 0
    assert warm == 0
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert "public" in again["Cache-Control"]
    assert not again.cookies


@pytest.mark.parametrize("suffix", ["editions/1/", "export.json"])
def test_a_cached_copy_is_served_compressed_as_stored_to_who_accepts_gzip(
    published: Edition, suffix: str
) -> None:
    url = f"/frameworks/{published.framework.slug}/{suffix}"
    client = page_client(None)
    plain = client.get(url)
    packed, queries = _get(client, url, accept_encoding="gzip, deflate")
    assert queries == 0
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert packed["ETag"] == f"W/{plain['ETag']}"
    # The weak ETag still answers a conditional request.
    again, _ = _get(client, url, accept_encoding="gzip", if_none_match=packed["ETag"])
    assert again.status_code == 304
    unpacked, _ = _get(client, url, accept_encoding="identity")
    assert not unpacked.has_header("Content-Encoding")
    assert unpacked.content == plain.content


@pytest.mark.parametrize("suffix", ["", "editions/1/", "export.md", "editions/1/export.json"])
def test_a_conditional_get_is_answered_304_without_a_render(
    published: Edition, suffix: str
) -> None:
    url = f"/frameworks/{published.framework.slug}/{suffix}"
    client = page_client(None)
    etag = client.get(url)["ETag"]
    response, queries = _get(client, url, if_none_match=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert queries == 0
    stale, _ = _get(client, url, if_none_match='"not-this-one"')
    assert stale.status_code == 200


def test_a_new_edition_changes_the_key(
    world: World, published: Edition, django_capture_on_commit_callbacks: Any
) -> None:
    slug = published.framework.slug
    client = page_client(None)
    latest = client.get(f"/frameworks/{slug}/")
    first = client.get(f"/frameworks/{slug}/editions/1/")
    assert "superseded" not in first.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.framework_publish(actor=world.organizer, framework=published.framework)
    now = client.get(f"/frameworks/{slug}/", headers={"if_none_match": latest["ETag"]})
    assert now.status_code == 200
    assert "Edition 2" in now.content.decode()
    # Edition 1's page now says it is superseded: its key changed with the latest number.
    old = client.get(f"/frameworks/{slug}/editions/1/", headers={"if_none_match": first["ETag"]})
    assert old.status_code == 200
    assert "superseded" in old.content.decode()
    assert client.get(f"/frameworks/{slug}/editions/2/").status_code == 200


def test_an_export_of_a_numbered_edition_is_immutable(published: Edition) -> None:
    slug = published.framework.slug
    numbered = page_client(None).get(f"/frameworks/{slug}/editions/1/export.json")
    assert "immutable" in numbered["Cache-Control"]
    latest = page_client(None).get(f"/frameworks/{slug}/export.json")
    assert "immutable" not in latest["Cache-Control"]
    assert numbered.content == latest.content


def test_the_shared_copy_carries_no_csrf_token_and_signed_in_readers_get_their_own(
    world: World, published: Edition
) -> None:
    url = f"/frameworks/{published.framework.slug}/"
    anonymous = page_client(None).get(url)
    assert "X-CSRFToken" not in anonymous.content.decode()
    assert "csrftoken" not in anonymous.cookies
    member = page_client(world.policymaker)
    mine = member.get(url)
    body = mine.content.decode()
    assert "X-CSRFToken" in body
    assert world.policymaker.email in body  # their own header, not the shared copy
    assert "private" in mine["Cache-Control"]
    assert mine["ETag"] != anonymous["ETag"]
    other = page_client(world.industry).get(url, headers={"if_none_match": mine["ETag"]})
    assert other.status_code == 200  # one reader's ETag is not another's
    assert member.get(url, headers={"if_none_match": mine["ETag"]}).status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/frameworks/no-such-thing/",
        "/frameworks/{slug}/editions/9/",
        "/frameworks/{slug}/editions/9/export.json",
    ],
)
def test_unknown_frameworks_and_editions_are_404_twice(published: Edition, path: str) -> None:
    client = page_client(None)
    url = path.format(slug=published.framework.slug)
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404  # the remembered miss answers the same


@pytest.mark.parametrize("suffix", ["", "editions/1/", "export.akn.xml"])
def test_head_is_answered_like_get_and_writes_are_refused(published: Edition, suffix: str) -> None:
    url = f"/frameworks/{published.framework.slug}/{suffix}"
    client = page_client(None)
    head = client.head(url)
    assert head.status_code == 200
    assert head["ETag"] == client.get(url)["ETag"]
    assert client.post(url).status_code == 405


def test_a_warm_process_serves_an_edition_without_asking_redis(
    published: Edition, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This process keeps its own copy of an edition's page and, for a moment, of which edition
    is the latest: a hit makes no round trip to the shared cache."""
    url = f"/frameworks/{published.framework.slug}/editions/1/"
    client = page_client(None)
    first = client.get(url)
    asked: list[str] = []
    shared = caches["default"]
    monkeypatch.setattr(shared, "get", lambda key, *a, **k: asked.append(key))
    again, queries = _get(client, url)
    assert (again.status_code, again.content, queries, asked) == (200, first.content, 0, [])


def test_another_process_publishing_is_seen_within_the_local_ttl(published: Edition) -> None:
    """What another process's publish looks like from here: the shared cache forgot the latest
    edition, this process's copy did not. It holds for at most LATEST_LOCAL_TTL seconds."""
    slug = published.framework.slug
    assert selectors.latest_stamp(slug) == selectors.Stamp(1, published.content_hash)
    caches["default"].set(f"publishing:latest:{slug}", [2, "f" * 64])
    assert selectors.latest_stamp(slug).number == 1  # type: ignore[union-attr]
    later = time.time() + selectors.LATEST_LOCAL_TTL + 1
    with time_machine.travel(later, tick=False):
        assert selectors.latest_stamp(slug) == selectors.Stamp(2, "f" * 64)


def test_publishing_here_is_seen_at_once(published: Edition) -> None:
    slug = published.framework.slug
    assert selectors.latest_stamp(slug).number == 1  # type: ignore[union-attr]
    selectors.forget(slug, 2)
    caches["default"].set(f"publishing:latest:{slug}", [2, "f" * 64])
    assert selectors.latest_stamp(slug).number == 2  # type: ignore[union-attr]
