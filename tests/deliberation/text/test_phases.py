"""Dated phases: organizers set them in order; commenting and proposing close by themselves at
the consultation's close, and the predicate, the API and the page agree around the deadline."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from convene.errors import DomainError
from convene.models import Membership
from convene.notifications.models import Notification
from deliberation.discussion.permissions import can_comment, can_edit_comment, can_react
from deliberation.discussion.services import comment_post
from deliberation.models import Framework
from deliberation.tasks import consultations_closing_soon
from deliberation.text import services
from deliberation.text.permissions import can_propose
from deliberation.text.services.deadlines import ANNOUNCE_BEFORE
from tests.conftest import client_for
from tests.deliberation.conftest import Drafting

CLOSE = dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.UTC)
MOMENTS = {
    "one second before": (CLOSE - dt.timedelta(seconds=1), True),
    "at the close": (CLOSE, False),
    "after the close": (CLOSE + dt.timedelta(hours=1), False),
}


def _close_at(drafting: Drafting, when: dt.datetime = CLOSE) -> Framework:
    with time_machine.travel(when - dt.timedelta(days=10), tick=False):
        return services.framework_update(
            actor=drafting.world.organizer,
            framework=drafting.framework,
            consultation_opens_at=when - dt.timedelta(days=20),
            consultation_closes_at=when,
            voting_planned_at=when + dt.timedelta(days=7),
        )


@pytest.mark.parametrize("moment", MOMENTS)
def test_commenting_and_proposing_close_at_the_deadline(drafting: Drafting, moment: str) -> None:
    _close_at(drafting)
    when, open_ = MOMENTS[moment]
    member = drafting.world.policymaker
    clause = drafting.trigger
    with time_machine.travel(when, tick=False):
        clause.refresh_from_db()
        verdict = can_comment(member, clause)
        assert bool(verdict) is open_
        assert bool(can_propose(member, clause)) is open_
        client = client_for(member)
        r = client.post(f"/api/v1/clauses/{clause.pk}/comments/", {"body": "Hi."}, format="json")
        assert r.status_code == (201 if open_ else 409), r.json()
        r = client.post(
            f"/api/v1/clauses/{clause.pk}/amendments/",
            {"text": "A new text.", "rationale": "Better."},
            format="json",
        )
        assert r.status_code == (201 if open_ else 409), r.json()
        if not open_:
            assert "2030-05-01 12:00 UTC" in r.json()["detail"]
        browser = Client()
        browser.force_login(member)
        page = browser.get(f"/clauses/{clause.pk}/comments/").content.decode()
        assert ('class="new-comment panel"' in page) is open_
        assert ("closed at 2030-05-01 12:00 UTC" in page) is not open_


def test_replies_and_edits_close_reactions_stay_open(drafting: Drafting) -> None:
    _close_at(drafting)
    member = drafting.world.policymaker
    with time_machine.travel(CLOSE - dt.timedelta(hours=1), tick=False):
        comment = comment_post(actor=member, clause=drafting.trigger, body="Before the close.")
    with time_machine.travel(CLOSE, tick=False):
        comment.refresh_from_db()
        assert not can_edit_comment(member, comment)
        r = client_for(drafting.world.industry).post(
            f"/api/v1/clauses/{drafting.trigger.pk}/comments/",
            {"body": "Late reply.", "parent": comment.pk},
            format="json",
        )
        assert r.status_code == 409
        assert can_react(drafting.world.industry, comment)


def test_phases_must_come_in_order(drafting: Drafting) -> None:
    organizer, framework = drafting.world.organizer, drafting.framework
    with pytest.raises(DomainError) as error:
        services.framework_update(
            actor=organizer,
            framework=framework,
            consultation_opens_at=CLOSE,
            consultation_closes_at=CLOSE - dt.timedelta(days=1),
        )
    assert error.value.field == "consultation_closes_at"
    with pytest.raises(DomainError) as error:
        services.framework_update(
            actor=organizer,
            framework=framework,
            consultation_closes_at=CLOSE,
            voting_planned_at=CLOSE - dt.timedelta(seconds=1),
        )
    assert error.value.field == "voting_planned_at"
    framework.refresh_from_db()
    assert framework.consultation_closes_at is None


def test_the_api_sets_and_shows_the_phases(drafting: Drafting) -> None:
    client = client_for(drafting.world.organizer)
    url = f"/api/v1/frameworks/{drafting.framework.slug}/"
    r = client.patch(
        url,
        {"consultation_closes_at": "2030-05-01T12:00:00Z", "voting_planned_at": None},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["consultation_closes_at"] == "2030-05-01T12:00:00Z"
    r = client.patch(url, {"voting_planned_at": "2030-04-01T12:00:00Z"}, format="json")
    assert r.status_code == 400, r.json()
    assert "voting_planned_at" in str(r.json())
    assert client.get(url).json()["voting_planned_at"] is None


def test_the_edit_page_sets_the_phases_and_reshows_errors(drafting: Drafting) -> None:
    client = Client()
    client.force_login(drafting.world.organizer)
    url = f"/f/{drafting.framework.slug}/edit/"
    data = {"title": "T", "preamble": "", "consultation_opens_at": "2030-05-02T10:00"}
    r = client.post(url, {**data, "consultation_closes_at": "2030-05-01T10:00"})
    assert r.status_code == 400
    assert "must close after it opens" in r.content.decode()
    r = client.post(url, {**data, "consultation_closes_at": "2030-05-03T10:00"})
    assert r.status_code == 302
    drafting.framework.refresh_from_db()
    assert drafting.framework.consultation_closes_at == dt.datetime(
        2030, 5, 3, 10, 0, tzinfo=dt.UTC
    )


def test_members_hear_of_the_close_a_day_before_once(drafting: Drafting) -> None:
    framework = _close_at(drafting)
    members = Membership.objects.filter(convening=framework.convening).count()
    notices = Notification.objects.filter(verb="consultation.closing_soon")
    with time_machine.travel(CLOSE - ANNOUNCE_BEFORE - dt.timedelta(seconds=1), tick=False):
        assert consultations_closing_soon() == 0
    with time_machine.travel(CLOSE - dt.timedelta(hours=2), tick=False):
        assert consultations_closing_soon() == members
        assert consultations_closing_soon() == 0
    assert notices.count() == members
    assert notices.values("recipient").distinct().count() == members
    # A moved close is announced again, once.
    with time_machine.travel(CLOSE - dt.timedelta(hours=1), tick=False):
        later = CLOSE + dt.timedelta(hours=3)
        services.framework_update(
            actor=drafting.world.organizer, framework=framework, consultation_closes_at=later
        )
        assert consultations_closing_soon() == members
        assert consultations_closing_soon() == 0
    with time_machine.travel(later, tick=False):
        assert consultations_closing_soon() == 0
