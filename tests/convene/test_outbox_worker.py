"""The outbox with a real worker and a real SMTP server that answers slowly.

The server takes longer to accept a message than the interval between flushes here, so
``outbox_flush`` runs, and sends of the same message arrive as a broker redelivery would bring
them, while the first send is still waiting for the server's answer. Each message must reach
the server exactly once: the lease, not luck or timing, keeps the others away.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from convene.models import EmailOutbox
from convene.notifications.services import outbox_enqueue
from convene.notifications.tasks import outbox_flush, outbox_send
from tests.convene.smtp import KeepingHandler, smtp_server
from tests.convene.workers import TASK_TIMEOUT, Worker, routed_to, running_worker, wait_until

# The server's pause before it accepts a message: several flush intervals.
SMTP_DELAY = 3.0
FLUSH_INTERVAL = 0.5
MESSAGES = 2
# Worker processes: one per slow send, plus room for flushes and duplicate sends to run while
# those are in progress (with fewer, the duplicates would only run after the sends finished).
CONCURRENCY = MESSAGES + 2


@pytest.fixture(scope="module")
def slow_smtp() -> Iterator[tuple[KeepingHandler, int]]:
    with smtp_server(delay=SMTP_DELAY) as handler:
        yield handler, handler.port


@pytest.fixture(scope="module")
def smtp_worker(
    django_db_setup: Any,
    tmp_path_factory: pytest.TempPathFactory,
    slow_smtp: tuple[KeepingHandler, int],
) -> Iterator[Worker]:
    with running_worker(
        tmp_path_factory.mktemp("celery-smtp-worker"),
        # Prefork, as in production (bin/worker): it also enforces the tasks' time limits.
        pool=["--pool=prefork", f"--concurrency={CONCURRENCY}"],
        env={"CONVENE_WORKER_SMTP_PORT": str(slow_smtp[1])},
    ) as state:
        yield state


@pytest.fixture
def smtp_broker(smtp_worker: Worker) -> Iterator[Worker]:
    with routed_to(smtp_worker) as routed:
        yield routed


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_slow_smtp_server_gets_each_message_exactly_once(
    smtp_broker: Worker, slow_smtp: tuple[KeepingHandler, int]
) -> None:
    handler, _port = slow_smtp
    subjects = [f"Slow server {uuid.uuid4().hex[:8]} #{n}" for n in range(MESSAGES)]
    with transaction.atomic():
        ids = [
            outbox_enqueue(to=f"delegate{n}@example.org", subject=subject, body="Hi.").pk
            for n, subject in enumerate(subjects)
        ]
        # Old enough for outbox_flush to take them at once: only the lease holds it back.
        EmailOutbox.objects.filter(pk__in=ids).update(
            created_at=timezone.now() - timedelta(hours=1)
        )
    outbox = EmailOutbox.objects.filter(pk__in=ids)
    claimed = wait_until(
        lambda: outbox.filter(claimed_until__isnull=False).count() == MESSAGES, TASK_TIMEOUT
    )
    assert claimed, f"the worker did not claim the mail:\n{smtp_broker.log.read_text()[-4000:]}"

    flushed, duplicates = [], []
    deadline = time.monotonic() + SMTP_DELAY + TASK_TIMEOUT
    while outbox.filter(sent_at=None).exists() and time.monotonic() < deadline:
        flushed.append(outbox_flush.delay().get(timeout=TASK_TIMEOUT))
        duplicates += [outbox_send.delay(message_id) for message_id in ids]
        time.sleep(FLUSH_INTERVAL)

    assert not outbox.filter(sent_at=None).exists(), smtp_broker.log.read_text()[-4000:]
    received = Counter(message["Subject"] for message in handler.received)
    assert {subject: received[subject] for subject in subjects} == dict.fromkeys(subjects, 1)
    assert flushed == [0] * len(flushed), "outbox_flush re-queued mail under a live lease"
    assert len(flushed) >= 3, f"only {len(flushed)} flushes overlapped the slow sends"
    assert [result.get(timeout=TASK_TIMEOUT) for result in duplicates] == [False] * len(duplicates)
    assert list(outbox.values_list("attempts", flat=True)) == [1] * MESSAGES
