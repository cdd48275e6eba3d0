"""The "Dismiss flags" form of the moderation queue: who may use it, without JavaScript and
with htmx (the queue swapped, focus on it, the live region told), and a missing reason shown."""

from __future__ import annotations

from typing import Any

import pytest

from deliberation.discussion import services
from deliberation.discussion.tables import moderation_queue
from deliberation.models import Comment
from tests.conftest import ACTORS, World, make_world
from tests.deliberation.conftest import Drafting, make_drafting
from tests.frontend.access import DONE, only
from tests.frontend.conftest import page_client

TABLE = only({"organizer"}, DONE)


def _flagged(world: World) -> tuple[Drafting, Comment]:
    drafting = make_drafting(world)
    comment = services.comment_post(actor=world.industry, clause=drafting.trigger, body="Hot.")
    services.comment_flag(actor=world.observer, comment=comment, reason="Rude.")
    return drafting, comment


@pytest.mark.parametrize("visibility", ["public", "private"])
@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_dismiss_flags_on_the_page(db: Any, actor: str, visibility: str) -> None:
    world = make_world(visibility=visibility)
    drafting, comment = _flagged(world)
    r = page_client(world.actor(actor)).post(
        f"/comments/{comment.pk}/flags/dismiss/", {"reason": "Fine."}
    )
    expected = TABLE[visibility][actor]
    if expected == DONE:
        assert r.status_code == 302 and r["Location"].endswith("/moderation/")
    elif expected == "login":
        assert r.status_code == 302 and "login" in r["Location"]
    else:
        assert r.status_code == expected
    in_queue = moderation_queue(framework=drafting.framework).filter(pk=comment.pk).exists()
    assert in_queue is (expected != DONE)


def test_the_queue_offers_dismissal_and_reshows_a_missing_reason(world: World) -> None:
    drafting, comment = _flagged(world)
    client = page_client(world.organizer)
    page = client.get(f"/f/{drafting.framework.slug}/moderation/").content.decode()
    assert f'action="/comments/{comment.pk}/flags/dismiss/"' in page
    assert "Dismiss flags" in page
    r = client.post(f"/comments/{comment.pk}/flags/dismiss/", {"reason": ""})
    assert r.status_code == 400
    assert 'aria-invalid="true"' in r.content.decode()
    assert moderation_queue(framework=drafting.framework).filter(pk=comment.pk).exists()


def test_htmx_dismissal_swaps_the_queue_and_announces_it(world: World) -> None:
    _drafting, comment = _flagged(world)
    r = page_client(world.organizer).post(
        f"/comments/{comment.pk}/flags/dismiss/", {"reason": "Fine."}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert html.startswith('<div id="moderation-queue"') and "data-focus-after-swap" in html
    assert 'hx-swap-oob="true">Flags dismissed on comment' in html
    assert f'id="queue-{comment.pk}"' not in html
