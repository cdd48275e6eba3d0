"""The outbox's Celery tasks. They take ids and call the services, which claim before they
send; ``convene.tasks`` imports this module so that workers register them."""

from __future__ import annotations

from celery import Task, shared_task

from convene.notifications.services import (
    MAX_ATTEMPTS,
    RELAY_SOFT_TIME_LIMIT,
    RELAY_TIME_LIMIT,
    SEND_SOFT_TIME_LIMIT,
    SEND_TIME_LIMIT,
)


@shared_task(
    bind=True,
    max_retries=MAX_ATTEMPTS,
    soft_time_limit=SEND_SOFT_TIME_LIMIT,
    time_limit=SEND_TIME_LIMIT,
)
def outbox_send(self: Task, message_id: int) -> bool:
    """Send one outbox message if this task wins its claim; True if it sent it."""
    from convene.notifications import services

    delivery = services.outbox_deliver(message_id=message_id)
    # Inline (no broker) nobody would wait out the backoff: outbox_flush retries instead.
    if delivery.retry_in is not None and not self.request.is_eager:
        # A second past the hold on the row, so the retry finds it free to claim.
        raise self.retry(countdown=delivery.retry_in.total_seconds() + 1)
    return delivery.outcome is services.Outcome.SENT


@shared_task(soft_time_limit=60, time_limit=90)
def outbox_flush() -> int:
    """Re-queue mail that a broker outage or a crashed worker left unsent (run by beat)."""
    from convene.notifications import services

    return len(services.outbox_flush())


@shared_task(soft_time_limit=RELAY_SOFT_TIME_LIMIT, time_limit=RELAY_TIME_LIMIT)
def outbox_relay() -> int:
    """Send pending mail in a batch over one SMTP connection (nudged on commit, and run by beat
    every few seconds so a lost nudge costs seconds, not mail)."""
    from convene.notifications import services

    return services.outbox_relay()


@shared_task(soft_time_limit=120, time_limit=150)
def notices_expand(pending_id: int) -> int | None:
    """Write the items of a notice for many recipients (queued as its change commits)."""
    from convene.notifications import inbox

    return inbox.expand(pending_id)


@shared_task(soft_time_limit=240, time_limit=300)
def notices_sweep() -> int:
    """Expand the pending notices whose task was lost (run by beat)."""
    from convene.notifications import inbox

    return inbox.expand_waiting()


@shared_task(soft_time_limit=RELAY_SOFT_TIME_LIMIT, time_limit=RELAY_TIME_LIMIT)
def digests_send() -> int:
    """Write the daily digests due now (safe to run any number of times: one per user a day)."""
    from django.utils import timezone

    from convene.notifications import digests

    return digests.digests_send(now=timezone.now())
