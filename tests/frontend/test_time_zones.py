"""Pages show times in the reader's time zone, kept in the session from sign-in; forms read the
times typed into them in that zone; the API stays in UTC (frontend/timezones.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from convene.notifications import inbox
from convene.notifications.models import Category, NotificationSettings
from deliberation.text import services
from frontend.timezones import SESSION_KEY
from tests.conftest import World
from tests.deliberation.conftest import Drafting, make_drafting

pytestmark = pytest.mark.django_db

CLOSE = dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def drafting(world: World) -> Drafting:
    return make_drafting(world)


def _in_paris(drafting: Drafting) -> Client:
    """The organizer, who lives in Paris, signed in (the sign-in sends ``user_logged_in``)."""
    organizer = drafting.world.organizer
    inbox.notification_settings_update(user=organizer, changes={"timezone": "Europe/Paris"})
    services.framework_update(
        actor=organizer, framework=drafting.framework, consultation_closes_at=CLOSE
    )
    client = Client()
    client.force_login(organizer)
    return client


def test_signing_in_keeps_the_users_zone_in_the_session(drafting: Drafting) -> None:
    client = _in_paris(drafting)
    assert client.session[SESSION_KEY] == "Europe/Paris"


def test_a_page_shows_times_in_the_readers_zone(drafting: Drafting) -> None:
    client = _in_paris(drafting)
    html = client.get(f"/f/{drafting.framework.slug}/").content.decode()
    # 12:00 UTC on 1 May is 14:00 in Paris (summer time); the machine-readable time stays exact.
    assert "1 May 2030, 14:00 CEST" in html
    assert 'datetime="2030-05-01T14:00:00+02:00"' in html


def test_a_visitor_sees_utc(drafting: Drafting) -> None:
    _in_paris(drafting)
    html = Client().get(f"/f/{drafting.framework.slug}/").content.decode()
    assert "1 May 2030, 12:00 UTC" in html


def test_the_api_answers_in_utc_whatever_the_session(drafting: Drafting) -> None:
    client = _in_paris(drafting)
    body = client.get(f"/api/v1/frameworks/{drafting.framework.slug}/").json()
    assert body["consultation_closes_at"] == "2030-05-01T12:00:00Z"


def test_a_time_typed_into_a_form_is_read_in_the_readers_zone(drafting: Drafting) -> None:
    client = _in_paris(drafting)
    url = f"/f/{drafting.framework.slug}/edit/"
    page = client.get(url).content.decode()
    assert "In Europe/Paris; leave empty if not set." in page
    r = client.post(
        url, {"title": "T", "preamble": "", "consultation_closes_at": "2030-05-03T10:00"}
    )
    assert r.status_code == 302
    drafting.framework.refresh_from_db()
    assert drafting.framework.consultation_closes_at == dt.datetime(2030, 5, 3, 8, 0, tzinfo=dt.UTC)


def test_changing_the_zone_in_the_settings_changes_the_pages_at_once(drafting: Drafting) -> None:
    client = _in_paris(drafting)
    prefs = inbox.settings_of(drafting.world.organizer)
    modes = {c: prefs.mode(c) for c in Category.values}
    r = client.post("/account/notifications/", {**modes, "timezone": "Asia/Tokyo"})
    assert r.status_code == 302
    assert client.session[SESSION_KEY] == "Asia/Tokyo"
    html = client.get(f"/f/{drafting.framework.slug}/").content.decode()
    assert "1 May 2030, 21:00 JST" in html
    assert NotificationSettings.objects.get(user=drafting.world.organizer).time_zone == (
        "Asia/Tokyo"
    )


def test_a_zone_that_no_longer_exists_falls_back_to_utc(drafting: Drafting) -> None:
    client = _in_paris(drafting)
    session = client.session
    session[SESSION_KEY] = "Mars/Olympus_Mons"
    session.save()
    html = client.get(f"/f/{drafting.framework.slug}/").content.decode()
    assert "1 May 2030, 12:00 UTC" in html
