"""``manage.py celery_roundtrip``: send ``convene.tasks.ping`` through the broker, wait for "pong".

Proves the whole path an operator cares about: this host reaches the broker, a worker consumes
the queue, and the result comes back through the result backend. Exits non-zero otherwise.
"""

from __future__ import annotations

import time
from typing import Any

import redis
from celery.exceptions import TimeoutError as CeleryTimeout
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from kombu.utils.url import maybe_sanitize_url


class Command(BaseCommand):
    help = "Send a ping task through the Celery broker and wait for a worker to answer 'pong'."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--timeout",
            type=float,
            default=30.0,
            help="Seconds to wait for the answer (default 30).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from convene.celery import app
        from convene.tasks import ping

        # An eager "round trip" would run in this process and prove nothing about the worker.
        if not settings.REDIS_URL or app.conf.task_always_eager:
            raise CommandError(
                "Celery runs tasks inline here (REDIS_URL is not set), so there is no broker "
                "or worker to check. Set REDIS_URL to the broker the workers use."
            )
        # Fail fast and plainly: Celery itself would retry a dead broker for many seconds.
        try:
            client = redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=3, socket_timeout=3
            )
            client.ping()
        except redis.RedisError as exc:
            where = maybe_sanitize_url(settings.REDIS_URL)
            raise CommandError(f"The broker at {where} is not answering: {exc}") from exc
        timeout: float = options["timeout"]
        started = time.monotonic()
        try:
            result = ping.delay()
            answer = result.get(timeout=timeout, propagate=True)
        except CeleryTimeout as exc:
            raise CommandError(
                f"No answer within {timeout:g}s: is a worker running on this broker "
                f"and consuming the default queue?"
            ) from exc
        except Exception as exc:  # broker down, backend down, task failed: say which
            raise CommandError(f"Round trip failed: {type(exc).__name__}: {exc}") from exc
        if answer != "pong":
            raise CommandError(f"Unexpected answer from the worker: {answer!r}")
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"pong from a worker in {elapsed:.2f}s"))
