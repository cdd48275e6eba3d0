"""Celery with a real worker process on Redis, not eagerly (see tests/convene/workers.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test.utils import override_settings

from convene.models import EmailOutbox
from convene.notifications.services import outbox_enqueue
from convene.tasks import ping
from tests.convene.workers import TASK_TIMEOUT, Worker, routed_to, running_worker, wait_until


@pytest.fixture(scope="module")
def worker(django_db_setup: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    with running_worker(tmp_path_factory.mktemp("celery-worker")) as state:
        yield state


@pytest.fixture
def broker(worker: Worker) -> Iterator[Worker]:
    with routed_to(worker) as routed:
        yield routed


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_ping_round_trips_through_a_real_worker(broker: Worker) -> None:
    assert ping.delay().get(timeout=TASK_TIMEOUT) == "pong"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_sends_outbox_mail_after_commit(broker: Worker) -> None:
    subject = f"Worker check {uuid.uuid4().hex[:8]}"
    with transaction.atomic():
        message = outbox_enqueue(to="delegate@example.org", subject=subject, body="Hi.")

    sent = wait_until(
        lambda: EmailOutbox.objects.filter(pk=message.pk, sent_at__isnull=False).exists(),
        TASK_TIMEOUT,
    )

    assert sent, f"worker did not send the mail:\n{broker.log.read_text()[-4000:]}"
    mails = [path.read_text() for path in broker.mail_dir.iterdir()]
    assert any(subject in mail and "delegate@example.org" in mail for mail in mails)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_celery_roundtrip_command_gets_pong_from_the_worker(broker: Worker) -> None:
    out = StringIO()

    call_command("celery_roundtrip", timeout=TASK_TIMEOUT, stdout=out)

    assert "pong from a worker" in out.getvalue()


def test_celery_roundtrip_command_refuses_inline_tasks() -> None:
    with override_settings(REDIS_URL=""), pytest.raises(CommandError, match="inline"):
        call_command("celery_roundtrip", timeout=1)
