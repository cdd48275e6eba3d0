"""Celery tasks of the people side. They take ids, re-fetch, and are safe to run twice.

Workers autodiscover this module; importing the outbox's tasks here registers them too.
"""

from __future__ import annotations

from celery import shared_task

from convene.notifications.tasks import digests_send, outbox_flush, outbox_relay, outbox_send

__all__ = ["digests_send", "outbox_flush", "outbox_relay", "outbox_send", "ping"]


@shared_task(soft_time_limit=10, time_limit=20)
def ping() -> str:
    """A round-trip check for operators: ``manage.py celery_roundtrip`` waits for the answer."""
    return "pong"
