"""The mail outbox: claims by conditional UPDATE with a lease, retries with bounded backoff,
and a flush that leaves leased messages alone. The real-worker version is test_outbox_worker."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from convene.celery import app as celery_app
from convene.models import EmailOutbox
from convene.notifications import services
from convene.notifications.checks import email_timeout_check
from convene.notifications.services import (
    FLUSH_AFTER,
    LEASE,
    MAX_ATTEMPTS,
    RETRY_FIRST,
    RETRY_MAX,
    SEND_SOFT_TIME_LIMIT,
    SEND_TIME_LIMIT,
    Outcome,
    outbox_claim,
    outbox_deliver,
    outbox_due,
    outbox_enqueue,
    outbox_mark_sent,
    outbox_release,
    retry_delay,
)
from convene.notifications.tasks import outbox_flush, outbox_send
from tests.convene.races import run_together, skip_on_in_memory_sqlite

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
FAILING = "tests.convene.mail_backends.FailingBackend"
SLOW = "tests.convene.mail_backends.SlowBackend"


def _message(**fields: Any) -> EmailOutbox:
    """A row as outbox_enqueue writes it, without queueing its send."""
    return EmailOutbox.objects.create(
        to="delegate@example.org", subject="Hello", body="Hi.", **fields
    )


def _fresh(message: EmailOutbox) -> EmailOutbox:
    return EmailOutbox.objects.get(pk=message.pk)


# --- the claim --------------------------------------------------------------------------------
@time_machine.travel(NOW, tick=False)
def test_a_claim_takes_the_lease_and_counts_the_attempt(db: Any) -> None:
    message = _message()

    claimed = outbox_claim(message_id=message.pk)

    assert claimed is not None
    assert (claimed.claimed_until, claimed.attempts) == (NOW + LEASE, 1)


def test_a_second_claim_of_a_message_gets_nothing(db: Any) -> None:
    message = _message()
    assert outbox_claim(message_id=message.pk) is not None

    assert outbox_claim(message_id=message.pk) is None
    assert _fresh(message).attempts == 1


def test_an_expired_lease_can_be_claimed_again(db: Any) -> None:
    message = _message()
    with time_machine.travel(NOW, tick=False):
        outbox_claim(message_id=message.pk)
    with time_machine.travel(NOW + LEASE - timedelta(seconds=1), tick=False):
        assert outbox_claim(message_id=message.pk) is None
    with time_machine.travel(NOW + LEASE + timedelta(seconds=1), tick=False):
        claimed = outbox_claim(message_id=message.pk)
    assert claimed is not None and claimed.attempts == 2


def test_a_sent_message_is_never_claimed(db: Any) -> None:
    message = _message(sent_at=timezone.now())

    assert outbox_claim(message_id=message.pk) is None
    assert _fresh(message).attempts == 0


def test_no_claim_past_the_attempt_cap(db: Any) -> None:
    message = _message(attempts=MAX_ATTEMPTS)

    assert outbox_claim(message_id=message.pk) is None
    assert outbox_deliver(message_id=message.pk).outcome is Outcome.NOT_CLAIMED
    assert mail.outbox == []


def test_the_lease_outlives_the_send_task_and_the_smtp_timeout() -> None:
    # A sender still waiting on a slow server must hold its lease until the time limit ends it.
    assert outbox_send.time_limit == SEND_TIME_LIMIT
    assert outbox_send.soft_time_limit == SEND_SOFT_TIME_LIMIT
    assert timedelta(seconds=SEND_TIME_LIMIT) < LEASE
    assert django_settings.EMAIL_TIMEOUT < SEND_SOFT_TIME_LIMIT < SEND_TIME_LIMIT


# --- sending ----------------------------------------------------------------------------------
def test_deliver_sends_once_and_marks_the_message_sent(db: Any) -> None:
    message = _message()

    first = outbox_deliver(message_id=message.pk)
    again = outbox_deliver(message_id=message.pk)

    assert (first.outcome, again.outcome) == (Outcome.SENT, Outcome.NOT_CLAIMED)
    assert [m.subject for m in mail.outbox] == ["Hello"]
    sent = _fresh(message)
    assert sent.sent_at is not None and sent.claimed_until is None and sent.attempts == 1


def test_marking_sent_twice_keeps_the_first_send_time(db: Any) -> None:
    message = _message()
    with time_machine.travel(NOW, tick=False):
        assert outbox_mark_sent(message_id=message.pk)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        assert not outbox_mark_sent(message_id=message.pk)
    assert _fresh(message).sent_at == NOW


@time_machine.travel(NOW, tick=False)
def test_a_failed_send_records_the_error_and_holds_the_message_until_its_retry(
    db: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = FAILING
    message = _message()

    delivery = outbox_deliver(message_id=message.pk)

    assert delivery == services.Delivery(Outcome.FAILED, retry_in=RETRY_FIRST)
    failed = _fresh(message)
    assert failed.sent_at is None
    assert "Connection unexpectedly closed" in failed.last_error
    assert failed.claimed_until == NOW + RETRY_FIRST
    assert outbox_claim(message_id=message.pk) is None


def test_the_last_allowed_attempt_fails_without_a_retry(db: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = FAILING
    message = _message(attempts=MAX_ATTEMPTS - 1)

    delivery = outbox_deliver(message_id=message.pk)

    assert delivery == services.Delivery(Outcome.FAILED, retry_in=None)
    assert _fresh(message).attempts == MAX_ATTEMPTS


def test_a_late_failure_does_not_cut_short_another_senders_lease(db: Any) -> None:
    message = _message()
    with time_machine.travel(NOW, tick=False):
        slow_claim = outbox_claim(message_id=message.pk)
    later = NOW + LEASE + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert outbox_claim(message_id=message.pk) is not None
    assert slow_claim is not None

    with time_machine.travel(later + timedelta(seconds=5), tick=False):
        outbox_release(message=slow_claim, error="timed out")

    assert _fresh(message).claimed_until == later + LEASE


def test_retry_delay_doubles_and_is_bounded() -> None:
    delays = [retry_delay(attempts) for attempts in range(1, 40)]

    assert delays[:3] == [RETRY_FIRST, 2 * RETRY_FIRST, 4 * RETRY_FIRST]
    assert max(delays) == RETRY_MAX == delays[-1]
    assert delays == sorted(delays)


def test_an_inline_failure_leaves_the_retry_to_the_flush(db: Any, settings: Any) -> None:
    # Without a broker the send runs in the request that committed: it must not raise there.
    settings.EMAIL_BACKEND = FAILING
    message = _message()

    assert outbox_send.delay(message.pk).get() is False

    assert _fresh(message).attempts == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sends_of_one_message_send_it_once(settings: Any) -> None:
    skip_on_in_memory_sqlite()
    # Each send takes long enough that the other's claim lands while it is in progress.
    settings.EMAIL_BACKEND = SLOW
    message = _message()

    results = run_together(2, lambda _: outbox_deliver(message_id=message.pk))

    assert sorted(r.outcome.value for r in results) == ["not_claimed", "sent"], results
    assert len(mail.outbox) == 1
    sent = _fresh(message)
    assert sent.sent_at is not None and sent.attempts == 1


# --- enqueue and flush ------------------------------------------------------------------------
def test_enqueue_queues_the_send_for_after_commit(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = outbox_enqueue(to="delegate@example.org", subject="Hello", body="Hi.")
    assert (len(callbacks), mail.outbox) == (1, [])

    callbacks[0]()

    assert len(mail.outbox) == 1
    assert _fresh(message).sent_at is not None


@time_machine.travel(NOW, tick=False)
def test_flush_picks_only_unsent_messages_free_of_a_lease_and_under_the_cap(db: Any) -> None:
    old = NOW - FLUSH_AFTER - timedelta(seconds=1)
    due = [
        _message(created_at=old),
        _message(created_at=old, claimed_until=NOW - timedelta(seconds=1), attempts=3),
    ]
    _message(created_at=NOW - FLUSH_AFTER + timedelta(seconds=1))  # its own task will send it
    _message(created_at=old, claimed_until=NOW + timedelta(seconds=1), attempts=1)  # sending
    _message(created_at=old, sent_at=old)
    _message(created_at=old, attempts=MAX_ATTEMPTS)

    assert outbox_due() == [message.pk for message in due]


def test_the_flush_task_sends_what_was_left_behind(db: Any) -> None:
    left = _message(created_at=timezone.now() - FLUSH_AFTER - timedelta(seconds=1))

    assert outbox_flush.delay().get() == 1

    assert [m.to for m in mail.outbox] == [["delegate@example.org"]]
    assert _fresh(left).sent_at is not None
    assert outbox_flush.delay().get() == 0


def test_beat_runs_the_registered_flush_task() -> None:
    scheduled = django_settings.CELERY_BEAT_SCHEDULE["outbox-flush"]["task"]

    assert scheduled == outbox_flush.name
    # Workers autodiscover convene.tasks; importing it must register the outbox's tasks.
    importlib.import_module("convene.tasks")
    assert {outbox_flush.name, outbox_send.name} <= set(celery_app.tasks)


@pytest.mark.parametrize("timeout", [None, 0, SEND_SOFT_TIME_LIMIT, 300])
def test_a_risky_email_timeout_is_flagged(settings: Any, timeout: int | None) -> None:
    settings.EMAIL_TIMEOUT = timeout

    assert [message.id for message in email_timeout_check()] == ["convene.W001"]


def test_the_default_email_timeout_passes_the_check() -> None:
    assert email_timeout_check() == []
