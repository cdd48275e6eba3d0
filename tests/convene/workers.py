"""Real Celery workers for tests: a worker process on Redis, consuming a queue of its own.

The worker runs ``tests.worker_settings``: the test database of this process, and a file mail
backend or, given an SMTP port, a real SMTP connection, so both sides can see what the other
did. Its own queue keeps parallel test runs (xdist, other checkouts) sharing one Redis from
taking each other's tasks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from convene.celery import app as celery_app
from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0
TASK_TIMEOUT = 30.0


@dataclass
class Worker:
    queue: str
    mail_dir: Path
    log: Path


def unavailable(reason: str) -> None:
    # CI always has Redis and PostgreSQL: a missing part there is a broken CI, not a skip.
    if IN_CI:
        pytest.fail(f"worker tests must run in CI: {reason}")
    pytest.skip(reason)


def wait_until(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def _start(state: Worker, pool: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "CONVENE_WORKER_DATABASE_NAME": str(connection.settings_dict["NAME"]),
        "CONVENE_WORKER_MAIL_DIR": str(state.mail_dir),
        **env,
    }
    command = [
        sys.executable, "-m", "celery", "-A", "convene", "worker", *pool,
        "--queues", state.queue, "--hostname", f"{state.queue}@%h", "--loglevel=INFO",
        "--without-mingle", "--without-gossip", "--without-heartbeat",
    ]  # fmt: skip
    with state.log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def running_worker(
    directory: Path, *, pool: list[str] | None = None, env: dict[str, str] | None = None
) -> Iterator[Worker]:
    """A worker process for the duration of the block (skipped, or failed in CI, when Redis
    or a database it can share is missing). ``pool``: celery's pool options, solo by default."""
    if not settings.REDIS_URL:
        unavailable("REDIS_URL is not set")
    if connection.vendor == "sqlite":
        unavailable("the test database is SQLite, which a worker process cannot share")
    queue = f"test-{uuid.uuid4().hex[:12]}"
    state = Worker(queue=queue, mail_dir=directory / "mail", log=directory / "worker.log")
    state.mail_dir.mkdir()
    process = _start(state, pool or ["--pool=solo"], env or {})
    try:
        ready = wait_until(
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


@contextmanager
def routed_to(worker: Worker) -> Iterator[Worker]:
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
