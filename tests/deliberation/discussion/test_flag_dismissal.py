"""Dismissing a comment's flags as unfounded: organizers only, with a reason, audited without
naming the flaggers; the comment leaves the moderation queue and stays visible."""

from __future__ import annotations

from typing import Any

import pytest

from convene.models import AuditEvent
from deliberation.discussion import services
from deliberation.discussion.tables import moderation_queue
from deliberation.models import Comment
from tests.conftest import ACTORS, World, client_for, make_world
from tests.deliberation.conftest import Drafting, make_drafting

ANON, OUT, OBS, PART, OTHER, ORG = ACTORS


def _flagged(world: World) -> tuple[Drafting, Comment]:
    drafting = make_drafting(world)
    comment = services.comment_post(actor=world.industry, clause=drafting.trigger, body="Too fast.")
    services.comment_flag(actor=world.observer, comment=comment, reason="Rude.")
    services.comment_flag(actor=world.policymaker, comment=comment, reason="Spam.")
    return drafting, comment


def _expected(actor: str, private: bool) -> int:
    hidden = 404 if private else 403
    return {ANON: 401, OUT: hidden, OTHER: hidden, OBS: 403, PART: 403, ORG: 200}[actor]


@pytest.mark.parametrize("private", [False, True], ids=["public", "private"])
@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_dismiss_flags(db: Any, actor: str, private: bool) -> None:
    world = make_world(visibility="private" if private else "public")
    drafting, comment = _flagged(world)
    r = client_for(world.actor(actor)).post(
        f"/api/v1/comments/{comment.pk}/flags/dismiss/", {"reason": "Fair point."}, format="json"
    )
    assert r.status_code == _expected(actor, private), r.content
    in_queue = moderation_queue(framework=drafting.framework).filter(pk=comment.pk).exists()
    assert in_queue is (r.status_code != 200)


def test_dismissing_leaves_the_comment_visible_and_audits_without_flaggers(
    world: World,
) -> None:
    drafting, comment = _flagged(world)
    client = client_for(world.organizer)
    url = f"/api/v1/comments/{comment.pk}/flags/dismiss/"
    assert client.post(url, {}, format="json").status_code == 400
    assert client.post(url, {"reason": "  "}, format="json").status_code == 400
    assert moderation_queue(framework=drafting.framework).filter(pk=comment.pk).exists()
    r = client.post(url, {"reason": "Robust, not rude."}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "visible"
    assert not moderation_queue(framework=drafting.framework).filter(pk=comment.pk).exists()
    event = AuditEvent.objects.get(verb="comment.flags_dismissed")
    assert event.payload == {"reason": "Robust, not rude.", "flags": 2}
    r = client.post(url, {"reason": "Again."}, format="json")
    assert r.status_code == 409
    assert "no open flag" in r.json()["detail"]
    assert AuditEvent.objects.filter(verb="comment.flags_dismissed").count() == 1
