"""The organizer tools panel of the framework page: drawn only for organizers, with counts of
what awaits them, in the same number of queries with few comments and flags as with many."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation.discussion import services
from deliberation.models import Comment, Flag
from tests.conftest import ACTORS, make_world
from tests.deliberation.conftest import Drafting, make_drafting
from tests.frontend.conftest import page_client
from tests.frontend.text.test_drafting_query_counts import WORKSPACE_ORGANIZER


def _grow(drafting: Drafting, size: int) -> None:
    world = drafting.world
    Comment.objects.bulk_create(
        Comment(
            clause=drafting.trigger,
            version=drafting.trigger.current_version,
            author=world.industry,
            body=f"Point {n}.",
            body_html=f"<p>Point {n}.</p>",
        )
        for n in range(size)
    )
    flagged = list(Comment.objects.filter(clause=drafting.trigger)[: size // 2])
    Flag.objects.bulk_create(Flag(comment=c, user=world.observer, reason="x") for c in flagged)
    Comment.objects.filter(pk__in=[c.pk for c in flagged]).update(flag_count=1)


@pytest.mark.parametrize("size", [4, 300])
def test_the_panel_counts_in_constant_queries(db: Any, size: int) -> None:
    drafting = make_drafting(make_world())
    _grow(drafting, size)
    client = page_client(drafting.world.organizer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/f/{drafting.framework.slug}/").content.decode()
    assert len(queries) == WORKSPACE_ORGANIZER
    assert f"{size // 2} comments with open flags" in page
    assert f"{size} comments awaiting a disposition" in page
    members = drafting.world.convening.memberships.count()
    assert f"{members} members" in page and "0 rounds" in page


@pytest.mark.parametrize("visibility", ["public", "private"])
@pytest.mark.parametrize("actor", ACTORS)
def test_only_organizers_see_the_panel(db: Any, actor: str, visibility: str) -> None:
    drafting = make_drafting(make_world(visibility=visibility))
    services.comment_post(actor=drafting.world.industry, clause=drafting.trigger, body="Hm.")
    r = page_client(drafting.world.actor(actor)).get(f"/f/{drafting.framework.slug}/")
    sees = actor == "organizer"
    assert r.status_code in {200, 404}
    assert ("Awaiting the organizers" in r.content.decode()) is sees
