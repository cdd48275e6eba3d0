"""A worker killed in the middle of a mail batch (SIGKILL, as the OOM killer or a bad deploy
would): once the leases of what it held run out and a worker runs again, every recipient has
their mail, and the only copy that can repeat (the message on the wire at the kill) carries
the same Message-ID, so it is one message to the recipient's mail system."""

from __future__ import annotations

import signal
import subprocess
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from convene.models import EmailOutbox
from convene.notifications.inbox import Notice, notify
from convene.notifications.tasks import outbox_relay
from tests.convene.smtp import KeepingHandler, smtp_server
from tests.convene.workers import (
    STARTUP_TIMEOUT,
    TASK_TIMEOUT,
    Worker,
    _start,
    _stop,
    routed_to,
    running_worker,
    wait_until,
)
from tests.factories import UserFactory

RECIPIENTS = 8
# Long enough per message that the kill lands mid-batch.
SMTP_DELAY = 0.4


@pytest.fixture
def smtp() -> Iterator[tuple[KeepingHandler, int]]:
    with smtp_server(delay=SMTP_DELAY) as handler:
        yield handler, handler.port


def _kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker and its pool children: no shutdown, no acks, no cleanup."""
    subprocess.run(["pkill", "-KILL", "-P", str(process.pid)], check=False)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing_distinct(
    smtp: tuple[KeepingHandler, int], tmp_path: Path
) -> None:
    handler, port = smtp
    env = {"CONVENE_WORKER_SMTP_PORT": str(port)}
    # Start through running_worker once for its checks (Redis, PostgreSQL), then by hand, to
    # hold the process and kill it.
    (tmp_path / "probe").mkdir()
    (tmp_path / "after").mkdir()
    with running_worker(tmp_path / "probe", env=env):
        pass
    state = Worker(
        queue=f"test-{uuid.uuid4().hex[:12]}", mail_dir=tmp_path / "mail", log=tmp_path / "w.log"
    )
    state.mail_dir.mkdir()
    process = _start(state, ["--pool=prefork", "--concurrency=1"], env)
    try:
        assert wait_until(lambda: b" ready." in state.log.read_bytes(), STARTUP_TIMEOUT)
        users = UserFactory.create_batch(RECIPIENTS)
        with routed_to(state), transaction.atomic():
            notice = Notice(
                event=f"killed:{uuid.uuid4().hex}",
                verb="round.opened",
                title="Voting is open",
                target_url="/rounds/1/",
                convening_id=None,
            )
            notify(notice, {u.pk: "rounds" for u in users})
        midway = wait_until(lambda: len(handler.received) >= 3, TASK_TIMEOUT)
        assert midway, state.log.read_text()[-4000:]
        _kill(process)
    finally:
        if process.poll() is None:
            _stop(process)
    outbox = EmailOutbox.objects.filter(to__in=[u.email for u in users])
    assert outbox.filter(sent_at=None).exists(), "the batch finished before the kill"
    # Time passes: the lease of the message the dead worker held runs out.
    outbox.filter(sent_at=None).update(claimed_until=timezone.now() - timedelta(seconds=1))

    with running_worker(tmp_path / "after", env=env) as again, routed_to(again):
        while outbox_relay.delay().get(timeout=TASK_TIMEOUT):
            pass
    assert not outbox.filter(sent_at=None).exists()
    ids: dict[str, set[str]] = defaultdict(set)
    for message in handler.received:
        ids[message["To"]].add(message["Message-ID"])
    assert set(ids) == {u.email for u in users}
    assert all(len(message_ids) == 1 for message_ids in ids.values()), ids
    copies = len(handler.received) - RECIPIENTS
    assert copies <= 1, f"{copies} repeated messages; at most the one on the wire may repeat"
