"""Celery with a real worker process on Redis, not eagerly.

The worker runs ``tests.worker_settings``: the test database of this process and a file mail
backend, so both sides can see what the other did. It consumes a queue of its own, so parallel
test runs (xdist, other checkouts) sharing one Redis never take each other's tasks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import override_settings

from convene import services
from convene.celery import app as celery_app
from convene.models import EmailOutbox
from convene.tasks import ping
from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0
TASK_TIMEOUT = 30.0


@dataclass
class Worker:
    queue: str
    mail_dir: Path
    log: Path


def _unavailable(reason: str) -> None:
    # CI always has Redis and PostgreSQL: a missing part there is a broken CI, not a skip.
    if IN_CI:
        pytest.fail(f"worker tests must run in CI: {reason}")
    pytest.skip(reason)


def _wait_until(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def _start(queue: str, mail_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "CONVENE_WORKER_DATABASE_NAME": str(connection.settings_dict["NAME"]),
        "CONVENE_WORKER_MAIL_DIR": str(mail_dir),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "convene", "worker",
        "--pool=solo", "--queues", queue, "--hostname", f"{queue}@%h", "--loglevel=INFO",
        "--without-mingle", "--without-gossip", "--without-heartbeat",
    ]  # fmt: skip
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="module")
def worker(django_db_setup: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    if not settings.REDIS_URL:
        _unavailable("REDIS_URL is not set")
    if connection.vendor == "sqlite":
        _unavailable("the test database is SQLite, which a worker process cannot share")
    directory = tmp_path_factory.mktemp("celery-worker")
    queue = f"test-{uuid.uuid4().hex[:12]}"
    state = Worker(queue=queue, mail_dir=directory / "mail", log=directory / "worker.log")
    state.mail_dir.mkdir()
    process = _start(queue, state.mail_dir, state.log)
    try:
        ready = _wait_until(
            lambda: process.poll() is not None or b" ready." in state.log.read_bytes(),
            STARTUP_TIMEOUT,
        )
        if not ready or process.poll() is not None:
            pytest.fail(f"Celery worker did not start:\n{state.log.read_text()[-4000:]}")
        yield state
    finally:
        _stop(process)
        # Leave nothing behind in the shared Redis: the queue, its bindings, unconsumed tasks.
        client = redis.Redis.from_url(settings.REDIS_URL)
        for key in client.scan_iter(match=f"*{queue}*"):
            client.delete(key)


@pytest.fixture
def broker(worker: Worker) -> Iterator[Worker]:
    """In this process, send tasks through Redis to the worker's queue instead of running them."""
    conf, amqp = celery_app.conf, celery_app.amqp
    saved = (conf.task_always_eager, conf.task_routes, amqp.router)
    conf.task_always_eager = False
    conf.task_routes = {"*": {"queue": worker.queue}}
    # Celery caches the route table and the router built from it; rebuild both from conf.
    amqp.flush_routes()
    amqp.router = amqp.Router()
    try:
        yield worker
    finally:
        conf.task_always_eager, conf.task_routes, amqp.router = saved
        amqp.flush_routes()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_ping_round_trips_through_a_real_worker(broker: Worker) -> None:
    assert ping.delay().get(timeout=TASK_TIMEOUT) == "pong"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_sends_outbox_mail_after_commit(broker: Worker) -> None:
    subject = f"Worker check {uuid.uuid4().hex[:8]}"
    with transaction.atomic():
        message = services.email_enqueue(to="delegate@example.org", subject=subject, body="Hi.")

    sent = _wait_until(
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
