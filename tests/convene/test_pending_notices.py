"""Notices for many recipients: the change writes one PendingNotice, a worker writes the items
after the commit, once, and beat's sweep writes those whose task was lost."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from convene.models import EmailOutbox, User
from convene.notifications import inbox
from convene.notifications.inbox import Notice, notify
from convene.notifications.models import Notification, NotificationSettings, PendingNotice
from convene.notifications.tasks import notices_expand
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _notice(event: str = "round.closed:7") -> Notice:
    return Notice(
        event=event,
        verb="round.closed",
        title="Results: Round 1",
        target_url="/rounds/7/results/",
        convening_id=None,
        excerpt="1. Adopted.",
        actor_name="A policymaker delegate",
    )


def _users(n: int) -> list[User]:
    return [UserFactory() for _ in range(n)]


@pytest.fixture
def small_inline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inbox, "INLINE_MAX", 3)


def test_up_to_the_limit_the_items_are_written_in_the_change(small_inline: None) -> None:
    users = _users(3)
    items = notify(_notice(), dict.fromkeys((u.pk for u in users), "rounds"))
    assert len(items) == 3
    assert not PendingNotice.objects.exists()


def test_past_the_limit_the_change_writes_one_pending_notice_and_no_item(
    small_inline: None, django_capture_on_commit_callbacks: Any
) -> None:
    users = _users(5)
    actor = users[0]
    with django_capture_on_commit_callbacks() as callbacks:
        items = notify(_notice(), dict.fromkeys((u.pk for u in users), "rounds"), exclude=actor.pk)
    assert items == []
    assert not Notification.objects.exists()
    [pending] = PendingNotice.objects.all()
    assert sorted(uid for uid, _ in pending.recipients) == sorted(u.pk for u in users[1:])
    assert pending.expanded_at is None
    # One task queued for it on commit; run as the commit would (eager in tests), it writes
    # the items.
    assert len(callbacks) == 1
    callbacks[0]()
    pending.refresh_from_db()
    assert pending.expanded_at is not None
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        u.pk for u in users[1:]
    )


def test_expanding_writes_each_item_and_mail_once_with_the_notice_as_written(
    small_inline: None,
) -> None:
    users = _users(6)
    NotificationSettings.objects.create(user=users[1], rounds="off")
    NotificationSettings.objects.create(user=users[2], rounds="digest")
    notify(_notice(), dict.fromkeys((u.pk for u in users), "rounds"))
    [pending] = PendingNotice.objects.all()
    assert inbox.expand(pending.pk) == 5  # the one who turned rounds off gets nothing
    assert inbox.expand(pending.pk) is None  # already expanded: nothing twice
    items = Notification.objects.all()
    assert {(i.title, i.actor_name, i.target_url, i.excerpt) for i in items} == {
        ("Results: Round 1", "A policymaker delegate", "/rounds/7/results/", "1. Adopted.")
    }
    assert sorted(EmailOutbox.objects.values_list("to", flat=True)) == sorted(
        u.email for u in users if u not in users[1:3]
    )


def test_two_pending_notices_of_one_event_tell_each_recipient_once(small_inline: None) -> None:
    """A periodic task that runs twice before a worker expands the first."""
    users = _users(5)
    recipients = dict.fromkeys((u.pk for u in users), "rounds")
    notify(_notice(), recipients)
    notify(_notice(), recipients)
    first, second = PendingNotice.objects.order_by("pk")
    assert inbox.expand(first.pk) == 5
    assert inbox.expand(second.pk) == 0
    assert Notification.objects.count() == 5


def test_the_sweep_expands_what_waited_and_leaves_what_is_fresh(small_inline: None) -> None:
    users = _users(4)
    notify(_notice("round.closed:1"), dict.fromkeys((u.pk for u in users), "rounds"))
    notify(_notice("round.closed:2"), dict.fromkeys((u.pk for u in users), "rounds"))
    old, fresh = PendingNotice.objects.order_by("pk")
    PendingNotice.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    assert inbox.expand_waiting() == 4
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.expanded_at is not None and fresh.expanded_at is None
    assert set(Notification.objects.values_list("event", flat=True)) == {"round.closed:1"}
    # A day after its expansion the row goes; its items stay.
    PendingNotice.objects.filter(pk=old.pk).update(
        expanded_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    assert inbox.expand_waiting() == 0
    assert list(PendingNotice.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert Notification.objects.count() == 4


def test_an_unknown_or_expanded_id_is_nothing_to_do() -> None:
    assert notices_expand(999_999) is None


def test_deferring_and_expanding_take_a_constant_number_of_queries(small_inline: None) -> None:
    counts = []
    for size in (5, 40):
        users = _users(size)
        event = f"round.closed:{size}"
        with CaptureQueriesContext(connection) as deferring:
            notify(_notice(event), dict.fromkeys((u.pk for u in users), "rounds"))
        pending = PendingNotice.objects.get(event=event)
        with CaptureQueriesContext(connection) as expanding:
            assert inbox.expand(pending.pk) == size
        counts.append((len(deferring), len(expanding)))
    assert counts[0] == counts[1]
    assert counts[0][0] == 1  # the pending row; its task is queued on commit


def test_beat_runs_the_sweep() -> None:
    from django.conf import settings

    from convene.notifications.tasks import notices_sweep

    assert settings.CELERY_BEAT_SCHEDULE["notices-sweep"]["task"] == notices_sweep.name
