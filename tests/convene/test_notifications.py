"""The notification core: one item per recipient and event, preferences, mail through the
outbox with one-click unsubscribe, digests at 08:00 local time, and the inbox API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core import mail as django_mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from convene.models import EmailOutbox, User
from convene.notifications import digests, inbox, mail
from convene.notifications.inbox import Notice, notify
from convene.notifications.models import Notification, NotificationSettings
from convene.notifications.services import outbox_relay
from tests.conftest import World, client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _notice(event: str = "test.event:1", **extra: Any) -> Notice:
    return Notice(
        event=event,
        verb="test.happened",
        title="Something happened on §3 Compute threshold",
        target_url="/clauses/3/",
        convening_id=None,
        excerpt="What was said.",
        **extra,
    )


def test_notify_writes_one_item_and_one_mail_per_recipient(world: World) -> None:
    items = notify(_notice(), {world.policymaker.pk: "replies", world.industry.pk: "mentions"})
    assert sorted(i.recipient_id for i in items) == sorted(
        [world.policymaker.pk, world.industry.pk]
    )
    mails = EmailOutbox.objects.filter(notification__in=items)
    assert sorted(mails.values_list("to", flat=True)) == [
        "industry@example.org",
        "policymaker@example.org",
    ]
    for message in mails:
        assert "/notifications/unsubscribe/" in message.unsubscribe_url
        assert "http://testserver/clauses/3/" in message.body
        assert "http://testserver/clauses/3/" in message.html


def test_the_actor_is_never_told_of_their_own_act(world: World) -> None:
    items = notify(_notice(), {world.policymaker.pk: "replies"}, exclude=world.policymaker.pk)
    assert items == []


def test_one_event_tells_a_recipient_once_however_often_it_is_written(world: World) -> None:
    notify(_notice(), {world.policymaker.pk: "replies"})
    again = notify(_notice(), {world.policymaker.pk: "following"})
    assert again == []
    assert Notification.objects.filter(recipient=world.policymaker).count() == 1
    assert EmailOutbox.objects.count() == 1


def test_first_reason_wins() -> None:
    chosen = inbox.first_reasons([([1, 2], "replies"), ([2, 3], "following")])
    assert chosen == {1: "replies", 2: "replies", 3: "following"}


@pytest.mark.parametrize(
    ("mode", "rows", "email", "mails"),
    [
        ("off", 0, None, 0),
        ("inapp", 1, "none", 0),
        ("immediate", 1, "immediate", 1),
        ("digest", 1, "digest", 0),
    ],
)
def test_preferences_decide_the_channels(
    world: World, mode: str, rows: int, email: str | None, mails: int
) -> None:
    inbox.notification_settings_update(user=world.policymaker, changes={"replies": mode})
    items = notify(_notice(), {world.policymaker.pk: "replies"})
    assert len(items) == rows
    if email:
        assert items[0].email == email
    assert EmailOutbox.objects.count() == mails


def test_defaults_mail_replies_at_once_and_digest_publications(world: World) -> None:
    replied = notify(_notice("a:1"), {world.policymaker.pk: "replies"})
    published = notify(_notice("b:1"), {world.policymaker.pk: "publications"})
    assert replied[0].email == "immediate"
    assert published[0].email == "digest"


def test_mail_allowed_false_writes_the_item_only(world: World) -> None:
    items = notify(_notice(), {world.policymaker.pk: "invitations"}, mail_allowed=False)
    assert items[0].email == "none"
    assert EmailOutbox.objects.count() == 0


def test_inactive_accounts_are_not_told(world: World) -> None:
    User.objects.filter(pk=world.policymaker.pk).update(is_active=False)
    assert notify(_notice(), {world.policymaker.pk: "replies"}) == []


def _queries_for(recipients: int) -> int:
    users = UserFactory.create_batch(recipients)
    ids = {u.pk: "rounds" for u in users}
    with CaptureQueriesContext(connection) as captured:
        notify(_notice(f"fanout:{recipients}"), ids)
    assert Notification.objects.filter(event=f"fanout:{recipients}").count() == recipients
    return len(captured)


# Told: existing items (1), recipients with their settings (1), items (1), mails (1).
NOTIFY_QUERIES = 4


def test_notify_costs_the_same_for_ten_or_four_hundred_recipients(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The inline path (past INLINE_MAX a worker writes them: tests/convene/test_pending_notices).
    monkeypatch.setattr(inbox, "INLINE_MAX", 1000)
    assert _queries_for(10) == NOTIFY_QUERIES
    assert _queries_for(400) == NOTIFY_QUERIES


def test_relay_sends_a_batch_over_one_connection_with_unsubscribe_headers(world: World) -> None:
    notify(_notice(), {world.policymaker.pk: "replies", world.industry.pk: "replies"})
    assert outbox_relay() == 2
    assert outbox_relay() == 0  # sent once
    assert len(django_mail.outbox) == 2
    message = django_mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<http://testserver/notifications/unsubscribe/"
    )
    assert message.extra_headers["Message-ID"].startswith("<outbox-")
    assert message.alternatives[0].mimetype == "text/html"
    assert EmailOutbox.objects.filter(sent_at=None).count() == 0


def test_unsubscribe_token_round_trips_and_refuses_alterations() -> None:
    token = mail.unsubscribe_token(7, "replies")
    assert mail.read_unsubscribe_token(token) == mail.Unsubscribe(user_id=7, scope="replies")
    assert mail.read_unsubscribe_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert mail.read_unsubscribe_token("nonsense") is None
    forged = mail.signing.dumps({"u": 7, "s": "replies"}, salt="another-salt")
    assert mail.read_unsubscribe_token(forged) is None


def test_unsubscribing_changes_only_that_category(world: World) -> None:
    inbox.unsubscribe(token=mail.unsubscribe_token(world.policymaker.pk, "replies"))
    prefs = NotificationSettings.objects.get(user=world.policymaker)
    assert prefs.replies == "inapp"
    assert prefs.mentions == "immediate"


def test_unsubscribing_from_the_digest_stops_every_digest_category(world: World) -> None:
    inbox.unsubscribe(token=mail.unsubscribe_token(world.policymaker.pk, mail.DIGEST))
    prefs = NotificationSettings.objects.get(user=world.policymaker)
    assert (prefs.following, prefs.publications) == ("inapp", "inapp")
    assert prefs.replies == "immediate"


# --- Digests ------------------------------------------------------------------------------


def _digest_items(user: User, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        notify(_notice(f"digest:{i}"), {user.pk: "publications"})


def test_digest_goes_out_at_eight_local_time_once_a_day(world: World) -> None:
    tokyo, new_york = world.policymaker, world.industry
    inbox.notification_settings_update(user=tokyo, changes={"timezone": "Asia/Tokyo"})
    inbox.notification_settings_update(user=new_york, changes={"timezone": "America/New_York"})
    _digest_items(tokyo, 3)
    _digest_items(new_york, 2, start=10)
    # 23:30 UTC: 08:30 in Tokyo (the next day), 18:30 or 19:30 the day before in New York.
    with time_machine.travel(datetime(2026, 12, 2, 23, 30, tzinfo=UTC), tick=False):
        assert digests.digests_send(now=datetime(2026, 12, 2, 23, 30, tzinfo=UTC)) == 1
        assert digests.digests_send(now=datetime(2026, 12, 2, 23, 45, tzinfo=UTC)) == 0
    sent = EmailOutbox.objects.get(notification=None)
    assert sent.to == tokyo.email
    assert "3 updates" in sent.subject
    assert sent.body.count("Open it: ") == 3
    # 13:15 UTC is 08:15 in New York.
    assert digests.digests_send(now=datetime(2026, 12, 3, 13, 15, tzinfo=UTC)) == 1
    assert EmailOutbox.objects.filter(notification=None).count() == 2


def test_no_digest_when_nothing_is_new(world: World) -> None:
    _digest_items(world.policymaker, 1)
    assert digests.digests_send(now=datetime(2026, 12, 2, 9, 0, tzinfo=UTC)) == 1
    # The next day, nothing new: no mail.
    assert digests.digests_send(now=datetime(2026, 12, 3, 9, 0, tzinfo=UTC)) == 0
    _digest_items(world.policymaker, 1, start=5)
    # New today, but today's digest is sent already... it waits for tomorrow.
    assert digests.digests_send(now=datetime(2026, 12, 2, 10, 0, tzinfo=UTC)) == 0
    assert digests.digests_send(now=datetime(2026, 12, 4, 8, 0, tzinfo=UTC)) == 1


def test_no_digest_before_eight(world: World) -> None:
    _digest_items(world.policymaker, 1)
    assert digests.digests_send(now=datetime(2026, 12, 2, 7, 59, tzinfo=UTC)) == 0


# --- API ----------------------------------------------------------------------------------


def test_api_lists_own_items_newest_first_with_unread_filter(world: World) -> None:
    first = notify(_notice("e:1"), {world.policymaker.pk: "replies"})[0]
    notify(
        _notice("e:2", actor_name="Lena", actor_handle="lena"), {world.policymaker.pk: "replies"}
    )
    notify(_notice("e:3"), {world.industry.pk: "replies"})
    inbox.notifications_mark_read(user=world.policymaker, ids=[first.pk])
    client = client_for(world.policymaker)
    body = client.get("/api/v1/notifications/").json()
    assert [r["verb"] for r in body["results"]] == ["test.happened", "test.happened"]
    newest = body["results"][0]
    assert set(newest) >= {"id", "category", "verb", "target_url", "actor", "created_at", "read_at"}
    assert newest["actor"] == {"name": "Lena", "handle": "lena"}
    assert body["results"][1]["actor"] is None
    unread = client.get("/api/v1/notifications/?unread=1").json()["results"]
    assert [r["id"] for r in unread] == [newest["id"]]
    assert client.get("/api/v1/notifications/?unread=maybe").status_code == 400


def test_api_mark_read_by_ids_and_all(world: World) -> None:
    a, b = (notify(_notice(f"m:{i}"), {world.policymaker.pk: "replies"})[0] for i in range(2))
    client = client_for(world.policymaker)
    response = client.post("/api/v1/notifications/mark-read/", {"ids": [a.pk]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"marked": 1, "unread": 1}
    response = client.post("/api/v1/notifications/mark-read/", {"all": True}, format="json")
    assert response.json() == {"marked": 1, "unread": 0}
    b.refresh_from_db()
    assert b.read_at is not None


def test_api_mark_read_refuses_someone_elses_item_and_marks_nothing(world: World) -> None:
    mine = notify(_notice("x:1"), {world.policymaker.pk: "replies"})[0]
    theirs = notify(_notice("x:2"), {world.industry.pk: "replies"})[0]
    client = client_for(world.policymaker)
    response = client.post(
        "/api/v1/notifications/mark-read/", {"ids": [mine.pk, theirs.pk]}, format="json"
    )
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None


@pytest.mark.parametrize(
    "body",
    [{}, {"ids": []}, {"ids": ["a"]}, {"ids": [1], "all": True}, {"all": False}, {"ids": [0]}],
)
def test_api_mark_read_bad_input_is_400(world: World, body: dict[str, Any]) -> None:
    response = client_for(world.policymaker).post(
        "/api/v1/notifications/mark-read/", body, format="json"
    )
    assert response.status_code == 400
    assert "detail" in response.json() or response.json()


def test_api_preferences_read_and_change(world: World) -> None:
    client = client_for(world.policymaker)
    body = client.get("/api/v1/me/notification-preferences/").json()
    assert body["replies"] == "immediate" and body["following"] == "digest"
    assert body["timezone"] == "UTC"
    changed = client.put(
        "/api/v1/me/notification-preferences/",
        {"following": "off", "timezone": "Europe/Berlin"},
        format="json",
    )
    assert changed.status_code == 200
    assert changed.json()["following"] == "off"
    assert changed.json()["timezone"] == "Europe/Berlin"
    assert changed.json()["replies"] == "immediate"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"replies": "loud"}, "replies"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"shouting": "off"}, "shouting"),
        ({"replies": "off", "x": 1}, "x"),
    ],
)
def test_api_preferences_refuse_bad_input_and_change_nothing(
    world: World, body: dict[str, Any], field: str | None
) -> None:
    client = client_for(world.policymaker)
    response = client.put("/api/v1/me/notification-preferences/", body, format="json")
    assert response.status_code == 400
    if field:
        assert field in response.json()["errors"]
    assert not NotificationSettings.objects.filter(user=world.policymaker).exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/notifications/"),
        ("post", "/api/v1/notifications/mark-read/"),
        ("get", "/api/v1/me/notification-preferences/"),
        ("put", "/api/v1/me/notification-preferences/"),
    ],
)
def test_api_inbox_needs_a_signed_in_user(db: Any, method: str, path: str) -> None:
    response = getattr(client_for(None), method)(path, {}, format="json")
    assert response.status_code == 401


def test_a_member_added_directly_is_told_by_item_and_mail(world: World) -> None:
    from convene import services

    newcomer = UserFactory(email="newcomer@example.org")
    services.member_add(
        actor=world.organizer, convening=world.convening, user=newcomer, role="observer"
    )
    [item] = Notification.objects.filter(recipient=newcomer)
    assert item.category == "invitations"
    assert item.title == f"You were added to {world.convening.title} as observer"
    assert item.target_url == f"/c/{world.convening.slug}/"
    assert EmailOutbox.objects.filter(notification=item, to=newcomer.email).count() == 1


def test_one_transaction_queues_one_relay_however_many_mails_it_writes(world: World) -> None:
    from django.db import transaction

    notify(_notice("n:1"), {world.policymaker.pk: "replies"})
    notify(_notice("n:2"), {world.industry.pk: "replies"})
    keys = [
        getattr(c, "nudge_key", None) for _ids, c, _r in transaction.get_connection().run_on_commit
    ]
    assert keys.count(("convene.notifications.tasks.outbox_relay", ())) == 1
    assert EmailOutbox.objects.filter(notification__event__in=["n:1", "n:2"]).count() == 2
