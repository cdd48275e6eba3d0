"""Celery tasks of the people side. They take ids, re-fetch, and are safe to run twice."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
)
def email_send(self: object, message_id: int) -> bool:
    """Send one outbox message; a message already sent is left alone."""
    from convene.models import EmailOutbox

    message = EmailOutbox.objects.filter(pk=message_id, sent_at=None).first()
    if message is None:
        return False
    EmailOutbox.objects.filter(pk=message_id).update(attempts=message.attempts + 1)
    try:
        send_mail(message.subject, message.body, None, [message.to])
    except OSError as exc:
        EmailOutbox.objects.filter(pk=message_id).update(last_error=str(exc)[:2000])
        raise
    # Conditional: a concurrent duplicate run must not overwrite the first send time.
    EmailOutbox.objects.filter(pk=message_id, sent_at=None).update(
        sent_at=timezone.now(), last_error=""
    )
    return True


@shared_task(soft_time_limit=60, time_limit=90)
def outbox_flush() -> int:
    """Re-queue mail that a broker outage or a crashed worker left unsent (run by beat)."""
    from convene.models import EmailOutbox

    stale = timezone.now() - timedelta(minutes=2)
    ids = list(
        EmailOutbox.objects.filter(sent_at=None, created_at__lt=stale, attempts__lt=10)
        .order_by("id")
        .values_list("id", flat=True)[:500]
    )
    for message_id in ids:
        email_send.delay(message_id)
    return len(ids)


@shared_task(soft_time_limit=10, time_limit=20)
def ping() -> str:
    """A round-trip check for operators: ``manage.py celery_roundtrip`` waits for the answer."""
    return "pong"
