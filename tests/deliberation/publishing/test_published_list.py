"""The list of published frameworks (API and home page) costs the same whatever their number,
and never loads the frozen documents it does not show."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deliberation.models import Edition, Framework
from tests.conftest import World, client_for
from tests.frontend.conftest import page_client
from tests.frontend.publishing.conftest import publish


def _more_published(edition: Edition, count: int) -> None:
    """``count`` more published frameworks, each with two editions (the list shows the later)."""
    for i in range(count):
        framework = Framework.objects.create(
            convening=edition.framework.convening,
            slug=f"more-{i}",
            title=f"More {i}",
            status=Framework.Status.PUBLISHED,
            created_by=edition.published_by,
        )
        for number in (1, 2):
            Edition(
                framework=framework,
                number=number,
                published_at=timezone.now(),
                published_by=edition.published_by,
                content=edition.content,
                content_hash=edition.content_hash,
            ).save(force_insert=True)


def _count(client: Any, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("surface", ["api", "home"])
def test_the_published_list_does_not_grow_with_the_frameworks(world: World, surface: str) -> None:
    edition = publish(world)
    client = client_for(None) if surface == "api" else page_client(None)
    url = "/api/v1/published/" if surface == "api" else "/"
    small, _ = _count(client, url)
    _more_published(edition, 12)
    large, sql = _count(client, url)
    assert small == large
    # The frozen document is not read to list it.
    column = f'"{Edition._meta.db_table}"."content"'
    assert not any(column in s for s in sql), sql
    if surface == "api":
        listed = client.get(url).json()["results"]
        assert {row["slug"]: row["edition"] for row in listed}["more-3"] == 2


@pytest.mark.parametrize("suffix", ["", "editions/1/"])
def test_an_edition_in_the_api_answers_304_to_its_etag(world: World, suffix: str) -> None:
    edition = publish(world)
    url = f"/api/v1/published/{edition.framework.slug}/{suffix}"
    first = client_for(None).get(url)
    assert first.status_code == 200
    assert first["ETag"] == f'"{edition.content_hash}"'
    with CaptureQueriesContext(connection) as ctx:
        again = client_for(None).get(url, headers={"if_none_match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert not any("content" in q["sql"] for q in ctx.captured_queries)
    other = client_for(None).get(url, headers={"if_none_match": '"something-else"'})
    assert other.status_code == 200 and other.json() == first.json()
    missing = client_for(None).get(f"/api/v1/published/{edition.framework.slug}/editions/9/")
    assert missing.status_code == 404 and "detail" in missing.json()
