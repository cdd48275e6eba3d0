"""Notifications with a real worker on Redis and a real SMTP server: a reply reaches the
parent's author in the inbox and by one email; with the broker unreachable, requests still
succeed and the sweep delivers everything once the broker is back."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from convene.celery import app as celery_app
from convene.models import EmailOutbox
from convene.notifications import inbox
from convene.notifications.models import Notification, PendingNotice
from convene.notifications.tasks import notices_sweep, outbox_relay
from deliberation.discussion import services as discussion
from deliberation.voting import services as voting
from tests.conftest import make_world
from tests.convene.smtp import KeepingHandler, free_port, smtp_server
from tests.convene.workers import TASK_TIMEOUT, Worker, routed_to, running_worker, wait_until
from tests.deliberation.conftest import make_drafting
from tests.deliberation.voting.conftest import make_voting


@pytest.fixture(scope="module")
def smtp() -> Iterator[KeepingHandler]:
    with smtp_server() as handler:
        yield handler


@pytest.fixture(scope="module")
def worker(
    django_db_setup: Any, tmp_path_factory: pytest.TempPathFactory, smtp: KeepingHandler
) -> Iterator[Worker]:
    port = str(smtp.port)
    with running_worker(
        tmp_path_factory.mktemp("celery-notify-worker"), env={"CONVENE_WORKER_SMTP_PORT": port}
    ) as state:
        yield state


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_reply_reaches_the_parents_author_in_the_inbox_and_by_one_email(
    worker: Worker, smtp: KeepingHandler
) -> None:
    drafting = make_drafting(make_world())
    w = drafting.world
    top = discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="Too broad.")
    with routed_to(worker):
        reply = discussion.comment_post(
            actor=w.industry, clause=drafting.scope, body="We agree.", parent_id=top.pk
        )
        sent = wait_until(lambda: bool(smtp.to(w.policymaker.email)), TASK_TIMEOUT)
        assert sent, worker.log.read_text()[-4000:]
        # Another sweep finds nothing left to send.
        assert outbox_relay.delay().get(timeout=TASK_TIMEOUT) == 0
    [item] = Notification.objects.filter(recipient=w.policymaker)
    assert item.target_url.endswith(f"/comments/{reply.pk}/")
    [message] = smtp.to(w.policymaker.email)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = next(
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    )
    assert f"/comments/{reply.pk}/" in text
    assert EmailOutbox.objects.filter(sent_at=None).count() == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_unreachable_requests_succeed_and_the_sweep_delivers_once(
    worker: Worker, smtp: KeepingHandler
) -> None:
    """Comments posted and a round closed while Redis does not answer (a port nothing listens
    on): every call succeeds, nothing is sent, nothing is lost; once the broker is back, beat's
    sweep delivers each mail once."""
    world = make_world()
    drafting = make_drafting(world)
    round_ = make_voting(world).round()
    w = drafting.world
    top = discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="Root.")
    before = len(smtp.received)  # the SMTP server is shared by this module
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there: connection refused
    with routed_to(worker):
        saved = celery_app.conf.broker_url
        celery_app.conf.broker_url = dead
        celery_app._pool = None  # the producer pools cache connections to the live broker
        celery_app.amqp._producer_pool = None
        try:
            for n in range(3):
                with transaction.atomic():
                    discussion.comment_post(
                        actor=w.industry,
                        clause=drafting.scope,
                        body=f"Reply {n}.",
                        parent_id=top.pk,
                    )
            voting.round_close(actor=w.organizer, round_=round_)
        finally:
            celery_app.conf.broker_url = saved
            celery_app._pool = None
            celery_app.amqp._producer_pool = None
        roll = set(round_.roll.values_list("user__email", flat=True))
        pending = EmailOutbox.objects.filter(sent_at=None)
        # Nothing lost, nothing sent yet: three replies, and the results for the whole roll.
        assert pending.count() == 3 + len(roll)
        # The broker is back: beat's sweep (run here as beat would) sends them.
        while outbox_relay.delay().get(timeout=TASK_TIMEOUT):
            pass
    received = smtp.received[before:]
    ids = Counter(m["Message-ID"] for m in received)
    assert len(ids) == 3 + len(roll) and set(ids.values()) == {1}, worker.log.read_text()[-4000:]
    results = {m["To"] for m in received if "Results" in str(m["Subject"])}
    assert results == roll
    assert Notification.objects.filter(recipient=w.policymaker, verb="comment.replied").count() == 3


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_round_closed_for_many_voters_commits_one_pending_notice_the_worker_expands(
    worker: Worker, smtp: KeepingHandler, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the inline limit the close writes one PendingNotice; the worker writes each voter's
    item and mail once. With the broker down the notice waits, and beat's sweep expands it."""
    monkeypatch.setattr(inbox, "INLINE_MAX", 1)
    world = make_world()
    round_ = make_voting(world).round()
    roll = set(round_.roll.exclude(user=world.organizer).values_list("user__email", flat=True))
    assert len(roll) > 1
    before = len(smtp.received)
    with routed_to(worker):
        voting.round_close(actor=world.organizer, round_=round_)
        items = Notification.objects.filter(event=f"round.closed:{round_.pk}")
        expanded = wait_until(lambda: items.count() == len(roll), TASK_TIMEOUT)
        assert expanded, worker.log.read_text()[-4000:]
        # The worker's own nudge goes to the default queue, which this test worker does not
        # read: relay from here, as beat would.
        while outbox_relay.delay().get(timeout=TASK_TIMEOUT):
            pass
    [pending] = PendingNotice.objects.filter(event=f"round.closed:{round_.pk}")
    assert pending.expanded_at is not None
    assert sorted(items.values_list("recipient__email", flat=True)) == sorted(roll)
    results = [m["To"] for m in smtp.received[before:] if "Results" in str(m["Subject"])]
    assert sorted(results) == sorted(roll)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_pending_notice_whose_task_the_broker_lost_is_expanded_by_the_sweep(
    worker: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox, "INLINE_MAX", 1)
    world = make_world()
    round_ = make_voting(world).round()
    dead = f"redis://127.0.0.1:{free_port()}/0"
    with routed_to(worker):
        saved = celery_app.conf.broker_url
        celery_app.conf.broker_url = dead
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        try:
            voting.round_close(actor=world.organizer, round_=round_)
        finally:
            celery_app.conf.broker_url = saved
            celery_app._pool = None
            celery_app.amqp._producer_pool = None
        event = f"round.closed:{round_.pk}"
        [pending] = PendingNotice.objects.filter(event=event, expanded_at=None)
        assert not Notification.objects.filter(event=event).exists()
        # Beat's sweep, once the notice has waited past its grace period.
        PendingNotice.objects.filter(pk=pending.pk).update(
            created_at=timezone.now() - timedelta(minutes=1)
        )
        written = notices_sweep.delay().get(timeout=TASK_TIMEOUT)
    assert written == len(pending.recipients) > 1
    assert Notification.objects.filter(event=event).count() == written
    assert notices_sweep.apply().get() == 0
