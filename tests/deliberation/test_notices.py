"""Who hears of what in deliberation: replies, mentions, dispositions, versions and amendments
of followed clauses, rounds, and publications, each once, with names only where attribution
allows them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from convene.models import Convening, EmailOutbox, Membership, Role
from convene.notifications import inbox
from convene.notifications.models import Notification, PendingNotice
from deliberation.discussion import follows
from deliberation.discussion import services as discussion
from deliberation.text import services as text
from deliberation.voting import services as voting
from tests.conftest import World, client_for
from tests.deliberation.conftest import Drafting
from tests.deliberation.voting.conftest import make_voting
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _items(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def test_reply_notifies_parent_author_once_in_app_and_by_mail(drafting: Drafting) -> None:
    w = drafting.world
    top = discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="Too broad.")
    reply = discussion.comment_post(
        actor=w.industry,
        clause=drafting.scope,
        body="Agreed, @policymaker — narrow it.",
        parent_id=top.pk,
    )
    items = _items(w.policymaker)
    assert len(items) == 1  # a reply that also mentions: one item, as a reply
    item = items[0]
    assert item.category == "replies"
    assert item.verb == "comment.replied"
    assert item.actor_name == "Industry"
    assert item.target_url == f"/comments/{reply.pk}/"
    assert "§" in item.title and "Scope" in item.title
    assert EmailOutbox.objects.filter(notification=item, to=w.policymaker.email).count() == 1
    assert _items(w.industry) == []  # not told of their own reply


def test_mention_notifies_the_member_mentioned(drafting: Drafting) -> None:
    w = drafting.world
    handle = w.civil_society.handle
    discussion.comment_post(
        actor=w.industry, clause=drafting.scope, body=f"What does @{handle} think?"
    )
    [item] = _items(w.civil_society)
    assert item.category == "mentions"
    assert item.verb == "comment.mentioned"


def test_group_attribution_names_no_one_in_items_or_mail(drafting: Drafting) -> None:
    w = drafting.world
    Convening.objects.filter(pk=w.convening.pk).update(attribution=Convening.Attribution.GROUP)
    drafting.scope.framework.convening.refresh_from_db()
    top = discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="Too broad.")
    discussion.comment_post(
        actor=w.industry, clause=drafting.scope, body="We disagree.", parent_id=top.pk
    )
    [item] = _items(w.policymaker)
    assert item.actor_name == "An industry delegate"
    assert item.actor_handle == ""
    message = EmailOutbox.objects.get(notification=item)
    for text_ in (item.title, message.subject, message.body, message.html):
        assert "Industry" not in text_.replace("industry delegate", "")
        assert w.industry.email not in text_


def test_commenting_follows_the_clause_but_not_after_unfollowing(drafting: Drafting) -> None:
    w = drafting.world
    discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="First.")
    assert follows.is_following(w.policymaker, clause=drafting.scope)
    follows.follow_set(user=w.policymaker, clause=drafting.scope, active=False)
    discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="Second.")
    assert not follows.is_following(w.policymaker, clause=drafting.scope)


def test_new_version_tells_followers_of_clause_and_framework(drafting: Drafting) -> None:
    w = drafting.world
    follows.follow_set(user=w.policymaker, clause=drafting.scope, active=True)
    follows.follow_set(user=w.industry, framework=drafting.framework, active=True)
    follows.follow_set(user=w.civil_society, clause=drafting.trigger, active=True)
    text.clause_update(
        actor=w.organizer, clause=drafting.scope, text="Narrower scope.", rationale="Feedback."
    )
    assert [i.verb for i in _items(w.policymaker)] == ["clause.revised"]
    assert [i.category for i in _items(w.industry)] == ["following"]
    assert _items(w.civil_society) == []
    assert _items(w.organizer) == []


def test_decided_amendment_tells_its_author_as_theirs_and_followers_as_news(
    drafting: Drafting,
) -> None:
    w = drafting.world
    amendment = text.amendment_propose(
        actor=w.industry, clause=drafting.scope, text="Only frontier labs.", rationale="Narrower."
    )
    follows.follow_set(user=w.industry, clause=drafting.scope, active=True)
    follows.follow_set(user=w.policymaker, clause=drafting.scope, active=True)
    text.amendment_reject(actor=w.organizer, amendment=amendment, reason="Too narrow.")
    [theirs] = _items(w.industry)
    assert theirs.category == "amendments"
    assert theirs.title.startswith("Your amendment")
    assert theirs.excerpt == "Too narrow."
    [news] = _items(w.policymaker)
    assert news.category == "following"
    assert news.verb == "amendment.rejected"


def test_disposition_tells_the_comment_author(drafting: Drafting) -> None:
    w = drafting.world
    top = discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="Too broad.")
    discussion.disposition_set(
        actor=w.organizer, comment=top, outcome="accepted", response="We narrowed it."
    )
    [item] = _items(w.policymaker)
    assert item.category == "dispositions"
    assert "accepted" in item.title
    assert item.excerpt == "We narrowed it."


def test_members_who_left_hear_nothing(drafting: Drafting) -> None:
    w = drafting.world
    top = discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="Too broad.")
    Membership.objects.filter(user=w.policymaker, convening=w.convening).delete()
    discussion.comment_post(actor=w.industry, clause=drafting.scope, body="Yes.", parent_id=top.pk)
    assert _items(w.policymaker) == []


# --- Rounds and publication ---------------------------------------------------------------


def test_round_opening_and_closing_tell_the_roll(world: World) -> None:
    voting_ = make_voting(world)
    round_ = voting_.round()
    opened = Notification.objects.filter(event=f"round.opened:{round_.pk}")
    roll = set(round_.roll.values_list("user_id", flat=True))
    assert set(opened.values_list("recipient_id", flat=True)) == roll - {world.organizer.pk}
    voting.round_close(actor=world.organizer, round_=round_)
    closed = Notification.objects.filter(event=f"round.closed:{round_.pk}")
    assert set(closed.values_list("recipient_id", flat=True)) == roll - {world.organizer.pk}
    item = closed.first()
    assert item is not None and item.target_url == f"/rounds/{round_.pk}/results/"
    # Each motion's plain-language narrative is in the item (and so in the mail).
    assert item.excerpt.startswith("1. ")
    assert item.excerpt.count("\n") >= 3


def test_closing_soon_reminds_non_voters_once(world: World) -> None:
    voting_ = make_voting(world)
    round_ = voting_.round(closes_at=timezone.now() + timedelta(hours=30))
    voting.ballot_cast(
        actor=world.policymaker,
        round_=round_,
        choices=[
            {"motion": m.pk, "position": "abstain"}
            for m in round_.motions.filter(
                kind__in=["adopt_clause", "accept_amendment", "adopt_framework"]
            )
        ],
    )
    assert voting.rounds_closing_remind(now=timezone.now()) == 0  # not within 24 h yet
    later = timezone.now() + timedelta(hours=8)
    told = voting.rounds_closing_remind(now=later)
    assert told > 0
    assert voting.rounds_closing_remind(now=later) == 0
    reminded = set(
        Notification.objects.filter(event=f"round.closing:{round_.pk}").values_list(
            "recipient_id", flat=True
        )
    )
    assert world.policymaker.pk not in reminded
    assert world.industry.pk in reminded


def _round_open_queries(world: World) -> int:
    voting_ = make_voting(world)
    round_ = voting_.round(open_=False)
    with CaptureQueriesContext(connection) as captured:
        voting.round_open(actor=world.organizer, round_=round_)
    return len(captured)


@pytest.mark.parametrize("inline_max", [1000, 1], ids=["items-in-the-change", "pending-notice"])
def test_opening_a_round_costs_the_same_for_a_small_or_large_roll(
    world: World, inline_max: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox, "INLINE_MAX", inline_max)
    small = _round_open_queries(world)
    for user in UserFactory.create_batch(300):
        Membership.objects.create(
            convening=world.convening,
            user=user,
            role=Role.PARTICIPANT,
            stakeholder_group="industry",
        )
    large = _round_open_queries(world)
    if inline_max > 300:
        assert Notification.objects.filter(verb="round.opened").count() > 300
    else:  # a worker writes the items after the commit
        assert max(len(p.recipients) for p in PendingNotice.objects.all()) > 300
    assert small == large


def test_follow_api_table(drafting: Drafting) -> None:
    w = drafting.world
    path = f"/api/v1/clauses/{drafting.scope.pk}/follow/"
    assert client_for(None).put(path).status_code == 401
    assert client_for(w.outsider).put(path).status_code == 403
    assert client_for(w.observer).put(path).json() == {"following": True}
    assert follows.is_following(w.observer, clause=drafting.scope)
    assert client_for(w.observer).delete(path).json() == {"following": False}
    assert client_for(w.policymaker).put("/api/v1/clauses/999999/follow/").status_code == 404
    framework_path = f"/api/v1/frameworks/{drafting.framework.slug}/follow/"
    assert client_for(w.policymaker).put(framework_path).json() == {"following": True}
    assert client_for(w.other_organizer).put(framework_path).status_code == 403


def test_a_private_framework_is_404_to_outsiders_who_follow(private_drafting: Drafting) -> None:
    w = private_drafting.world
    path = f"/api/v1/frameworks/{private_drafting.framework.slug}/follow/"
    assert client_for(w.outsider).put(path).status_code == 404
    assert client_for(w.policymaker).put(path).status_code == 200
