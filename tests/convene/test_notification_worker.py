"""Notifications with a real worker on Redis and a real SMTP server: a reply reaches the
parent's author in the inbox and by one email; with the broker unreachable, requests still
succeed and the sweep delivers everything once the broker is back."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from convene.celery import app as celery_app
from convene.models import EmailOutbox
from convene.notifications.models import Notification
from convene.notifications.tasks import outbox_relay
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
