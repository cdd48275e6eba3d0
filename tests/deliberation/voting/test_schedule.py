"""Scheduled rounds open and close on time: beat's task with frozen time, and through a real
worker on Redis."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from convene.models import AuditEvent
from deliberation.models import Framework, VotingRound
from deliberation.voting import services
from deliberation.voting.tasks import rounds_advance
from tests.conftest import make_world
from tests.convene.workers import TASK_TIMEOUT, Worker, routed_to, running_worker
from tests.deliberation.voting.conftest import Voting, make_voting


def _scheduled(voting: Voting, opens_in: timedelta, closes_in: timedelta) -> VotingRound:
    now = timezone.now()
    return voting.round(open_=False, opens_at=now + opens_in, closes_at=now + closes_in)


def test_a_scheduled_round_opens_and_closes_on_time(voting: Voting) -> None:
    round_ = _scheduled(voting, timedelta(hours=1), timedelta(hours=2))
    assert round_.status == "scheduled"
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        assert rounds_advance() == {"opened": [], "closed": []}
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        assert rounds_advance() == {"opened": [round_.pk], "closed": []}
        # Run twice (two beats, or a retry): nothing is opened again.
        assert rounds_advance() == {"opened": [], "closed": []}
        services.ballot_cast(
            actor=voting.world.policymaker,
            round_=round_,
            choices=[{"motion": round_.motions.first().pk, "position": "yes"}],
        )
    with time_machine.travel(start + timedelta(minutes=121), tick=False):
        assert rounds_advance() == {"opened": [], "closed": [round_.pk]}
        assert rounds_advance() == {"opened": [], "closed": []}
    round_.refresh_from_db()
    assert round_.status == "closed" and round_.head
    assert AuditEvent.objects.filter(verb="round.opened", actor=None).count() == 1
    assert AuditEvent.objects.filter(verb="round.closed", actor=None).count() == 1


def test_a_scheduled_round_waits_while_the_framework_is_not_in_voting(voting: Voting) -> None:
    round_ = _scheduled(voting, timedelta(minutes=1), timedelta(hours=1))
    Framework.objects.filter(pk=voting.framework.pk).update(status="consultation")
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        assert rounds_advance() == {"opened": [], "closed": []}
    assert VotingRound.objects.get(pk=round_.pk).status == "scheduled"


@pytest.fixture(scope="module")
def worker(django_db_setup: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    with running_worker(tmp_path_factory.mktemp("celery-worker")) as state:
        yield state


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_opens_and_closes_a_due_round(worker: Worker) -> None:
    voting = make_voting(make_world())
    round_ = _scheduled(voting, timedelta(seconds=1), timedelta(seconds=2))
    time.sleep(2.5)
    with routed_to(worker):
        done = rounds_advance.delay().get(timeout=TASK_TIMEOUT)
    assert done == {"opened": [round_.pk], "closed": [round_.pk]}, worker.log.read_text()[-3000:]
    round_.refresh_from_db()
    assert round_.status == "closed"
    assert all(m.outcome for m in round_.motions.all())
