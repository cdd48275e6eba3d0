"""The inbox pages: the list, its badge, opening and marking read, "needs my attention",
notification settings, and the mail's unsubscribe page (which never signs anyone in)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from convene.notifications import mail
from convene.notifications.inbox import Notice, notify
from convene.notifications.models import Notification, NotificationSettings
from tests.conftest import World
from tests.frontend.conftest import page_client

pytestmark = pytest.mark.django_db


def _tell(user: Any, n: int = 1, start: int = 0) -> list[Notification]:
    items = []
    for i in range(start, start + n):
        notice = Notice(
            event=f"page.test:{i}",
            verb="comment.replied",
            title=f"Someone replied <b>{i}</b>",
            target_url="/clauses/1/",
            convening_id=None,
            excerpt="A reply.",
        )
        items += notify(notice, {user.pk: "replies"})
    return items


@pytest.mark.parametrize(
    "path", ["/inbox/", "/inbox/badge/", "/inbox/attention/", "/account/notifications/"]
)
def test_inbox_pages_need_sign_in(db: Any, path: str) -> None:
    response = page_client(None).get(path)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_inbox_lists_own_items_escaped(world: World) -> None:
    _tell(world.policymaker, 2)
    _tell(world.industry, 1, start=10)
    body = page_client(world.policymaker).get("/inbox/").content.decode()
    assert "Someone replied &lt;b&gt;1&lt;/b&gt;" in body
    assert "replied &lt;b&gt;10" not in body
    assert "2 unread" in body


def _badge_queries(user: Any) -> int:
    client = page_client(user)
    client.get("/inbox/badge/")  # the session and user are read; warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/inbox/badge/")
    assert response.status_code == 200
    return sum("convene_notification" in q["sql"] for q in captured.captured_queries)


def test_badge_is_one_count_query_at_any_inbox_size(world: World) -> None:
    _tell(world.policymaker, 3)
    assert _badge_queries(world.policymaker) == 1
    _tell(world.policymaker, 60, start=100)
    assert _badge_queries(world.policymaker) == 1


def test_badge_answers_204_while_the_count_is_unchanged(world: World) -> None:
    _tell(world.policymaker, 2)
    client = page_client(world.policymaker)
    assert client.get("/inbox/badge/?shown=2").status_code == 204
    changed = client.get("/inbox/badge/?shown=1")
    assert changed.status_code == 200
    assert ">2</span>" in changed.content.decode()
    assert "shown=2" in changed.content.decode()


def test_opening_an_item_marks_it_read_and_goes_to_its_target(world: World) -> None:
    [item] = _tell(world.policymaker)
    response = page_client(world.policymaker).get(f"/inbox/{item.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/clauses/1/"
    item.refresh_from_db()
    assert item.read_at is not None


def test_someone_elses_item_is_404(world: World) -> None:
    [item] = _tell(world.industry)
    assert page_client(world.policymaker).get(f"/inbox/{item.pk}/open/").status_code == 404
    response = page_client(world.policymaker).post("/inbox/mark-read/", {"id": item.pk})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.read_at is None


def test_mark_one_with_htmx_and_all(world: World) -> None:
    a, _b = _tell(world.policymaker, 2)
    client = page_client(world.policymaker)
    swapped = client.post("/inbox/mark-read/", {"id": a.pk}, HTTP_HX_REQUEST="true")
    assert swapped.status_code == 200
    assert 'role="status"' in swapped.content.decode()
    client.post("/inbox/mark-read/", {})
    assert Notification.objects.filter(recipient=world.policymaker, read_at=None).count() == 0


def test_settings_page_saves_and_reshows_errors(world: World) -> None:
    client = page_client(world.policymaker)
    assert client.get("/account/notifications/").status_code == 200
    data = {c: "digest" for c in ["replies", "mentions", "following", "amendments"]}
    data |= {c: "off" for c in ["dispositions", "invitations", "rounds", "publications"]}
    response = client.post("/account/notifications/", {**data, "timezone": "Europe/Berlin"})
    assert response.status_code == 302
    prefs = NotificationSettings.objects.get(user=world.policymaker)
    assert (prefs.replies, prefs.rounds, prefs.time_zone) == ("digest", "off", "Europe/Berlin")
    bad = client.post("/account/notifications/", {**data, "replies": "loud", "timezone": "UTC"})
    assert bad.status_code == 400
    prefs.refresh_from_db()
    assert prefs.time_zone == "Europe/Berlin"


def test_attention_page_lists_unread_replies(world: World) -> None:
    _tell(world.policymaker, 1)
    body = page_client(world.policymaker).get("/inbox/attention/").content.decode()
    assert "Someone replied &lt;b&gt;0" in body


def test_unsubscribe_page_confirms_then_stops_without_signing_in(world: World) -> None:
    token = mail.unsubscribe_token(world.policymaker.pk, "replies")
    client = page_client(None)
    page = client.get(f"/notifications/unsubscribe/{token}/")
    assert page.status_code == 200
    assert not NotificationSettings.objects.filter(user=world.policymaker).exists()
    # One-click: a mail client posts without a CSRF token.
    client.handler.enforce_csrf_checks = True
    done = client.post(f"/notifications/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert NotificationSettings.objects.get(user=world.policymaker).replies == "inapp"
    assert "_auth_user_id" not in client.session
    assert page_client(None).get("/inbox/").status_code == 302


def test_an_altered_unsubscribe_link_is_refused(world: World) -> None:
    token = mail.unsubscribe_token(world.policymaker.pk, "replies")
    altered = token[:-2] + ("xx" if not token.endswith("xx") else "yy")
    assert page_client(None).post(f"/notifications/unsubscribe/{altered}/").status_code == 400
    assert not NotificationSettings.objects.filter(user=world.policymaker).exists()


def _page_queries(user: Any, path: str) -> int:
    client = page_client(user)
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


# Session, user, the page of items, the unread count.
INBOX_QUERIES = 4
# Session, user; unread replies and mentions, open rounds not voted in, amendments decided,
# dispositions: one query each.
ATTENTION_QUERIES = 6


@pytest.mark.parametrize(
    ("path", "expected"), [("/inbox/", INBOX_QUERIES), ("/inbox/attention/", ATTENTION_QUERIES)]
)
def test_inbox_pages_cost_the_same_at_any_inbox_size(
    world: World, path: str, expected: int
) -> None:
    _tell(world.policymaker, 3)
    assert _page_queries(world.policymaker, path) == expected
    _tell(world.policymaker, 80, start=100)
    assert _page_queries(world.policymaker, path) == expected
