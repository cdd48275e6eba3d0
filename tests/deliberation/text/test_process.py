"""The dated process for display: steps in order with the current one, and the countdown."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from deliberation.models import Framework
from deliberation.text.process import countdown, duration, timeline
from tests.deliberation.conftest import Drafting
from tests.frontend.conftest import page_client

NOW = dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.UTC)


def _framework(status: str = "consultation", **dates: dt.datetime | None) -> Framework:
    return Framework(status=status, **dates)


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (dt.timedelta(days=3, hours=5), "3 days"),
        (dt.timedelta(days=1), "1 day"),
        (dt.timedelta(hours=23, minutes=59), "23 hours"),
        (dt.timedelta(minutes=1), "1 minute"),
        (dt.timedelta(seconds=59), "less than a minute"),
    ],
)
def test_durations_round_down(delta: dt.timedelta, words: str) -> None:
    assert duration(delta) == words


def test_the_countdown_names_the_next_deadline() -> None:
    closes = NOW + dt.timedelta(days=3, hours=2)
    assert countdown(_framework(consultation_closes_at=closes), NOW) == (
        "Consultation closes in 3 days"
    )
    assert countdown(_framework(consultation_closes_at=NOW), NOW) == (
        "Consultation closed less than a minute ago"
    )
    opens = NOW + dt.timedelta(hours=5)
    assert countdown(_framework("draft", consultation_opens_at=opens), NOW) == (
        "Consultation opens in 5 hours"
    )
    planned = NOW + dt.timedelta(days=9)
    assert countdown(_framework(voting_planned_at=planned), NOW) == "Voting is planned in 9 days"
    assert countdown(_framework("voting", voting_planned_at=planned), NOW) == ""


def test_the_timeline_marks_the_current_step() -> None:
    steps = timeline(_framework("voting", voting_planned_at=NOW))
    assert [s.status for s in steps] == ["draft", "consultation", "voting", "adopted", "published"]
    assert [s.current for s in steps] == [False, False, True, False, False]
    assert [s.done for s in steps] == [True, True, False, False, False]
    assert steps[2].dates == (("planned", NOW),)
    assert not any(s.current for s in timeline(_framework("withdrawn")))


def test_the_framework_and_convening_pages_show_the_process(drafting: Drafting) -> None:
    from deliberation.text import services

    with time_machine.travel(NOW, tick=False):
        services.framework_update(
            actor=drafting.world.organizer,
            framework=drafting.framework,
            consultation_closes_at=NOW + dt.timedelta(days=3, hours=1),
        )
        client = page_client(drafting.world.policymaker)
        page = client.get(f"/f/{drafting.framework.slug}/").content.decode()
        convening = client.get(f"/c/{drafting.world.convening.slug}/").content.decode()
    assert 'aria-current="step"' in page
    current = page.split('aria-current="step"')[1].split("</li>")[0]
    assert "Consultation" in current
    assert '<time datetime="2030-05-04T13:00:00+00:00">' in current
    assert "Consultation closes in 3 days" in page
    assert "Consultation closes in 3 days" in convening
