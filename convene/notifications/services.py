"""The mail outbox: write a message with the change that causes it; then claim, send and mark
it sent, once, however many tasks, retries and flushes race for it.

Sending follows healthchecks' ``sendalerts``: claim the row with a conditional UPDATE that takes
a lease, check the row count, and only then talk to the SMTP server. The lease outlives the send
task's hard time limit, so a sender still waiting on a slow server always holds it.
"""

from __future__ import annotations

import enum
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import Task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from convene.models import EmailOutbox

logger = logging.getLogger(__name__)

# The send task's time limits, in seconds. EMAIL_TIMEOUT (settings) is shorter still, so a
# silent SMTP server fails the send before the hard limit kills the task.
SEND_SOFT_TIME_LIMIT = 60
SEND_TIME_LIMIT = 90
# A relay batch: every message in it can stall for EMAIL_TIMEOUT, and each holds its own lease.
RELAY_SOFT_TIME_LIMIT = 540
RELAY_TIME_LIMIT = 600
# A relay batch's claim: longer than the batch task can live.
BATCH_LEASE = timedelta(seconds=RELAY_TIME_LIMIT + 60)
# How long a claim holds a message. Longer than SEND_TIME_LIMIT: a sender still waiting on a
# slow SMTP server keeps the lease, so no flush or redelivered task can send the message again.
LEASE = timedelta(minutes=5)
# Claims per message; then it stays unsent, with its last error, for an operator to look at.
MAX_ATTEMPTS = 10
# outbox_flush leaves younger messages to the task their own commit queued.
FLUSH_AFTER = timedelta(minutes=2)
FLUSH_BATCH = 500
# Messages one relay run sends over one SMTP connection.
RELAY_BATCH = 100
# Backoff after a failed send: 30 s, 1 min, 2 min, ... at most 10 min.
RETRY_FIRST = timedelta(seconds=30)
RETRY_MAX = timedelta(minutes=10)


class Outcome(enum.Enum):
    SENT = "sent"
    # Sent already, held by another sender's lease, or out of attempts: nothing to do.
    NOT_CLAIMED = "not_claimed"
    FAILED = "failed"


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    # After a failure: when to try again (the row is held until then), or None to give up.
    retry_in: timedelta | None = None


def outbox_enqueue(*, to: str, subject: str, body: str) -> EmailOutbox:
    """Write a mail to the outbox; a task sends it once the caller's transaction commits.

    Call it inside the transaction of the change that causes the mail: if that rolls back,
    the mail never existed.
    """
    from convene.notifications.tasks import outbox_send

    message = EmailOutbox.objects.create(to=to, subject=subject, body=body)
    nudge(outbox_send, message.pk)
    return message


def nudge(task: Task, *args: object) -> None:
    """Queue ``task`` once the caller's transaction commits, without ever failing the request:
    with the broker down the work waits in the database, and beat's sweep (``outbox_relay``,
    ``outbox_flush``) sends it once the broker is back.

    Once per transaction: a nudge already waiting for the same commit (the same task and
    arguments) is not queued twice, so a transaction that writes a hundred mails queues one
    relay. Django drops a rolled-back savepoint's callbacks, and the check sees that.
    """
    key = (task.name, args)
    pending = transaction.get_connection().run_on_commit
    if any(getattr(callback, "nudge_key", None) == key for _ids, callback, _robust in pending):
        return

    def queue() -> None:
        try:
            task.apply_async(args, retry=False)
        except Exception:  # every broker error (kombu, redis, socket) means the same: later
            logger.warning("outbox: could not queue %s; the sweep will", task.name, exc_info=True)

    queue.nudge_key = key  # type: ignore[attr-defined]
    transaction.on_commit(queue, robust=True)


def _claimable(now: datetime) -> Q:
    """Unsent, under the attempt cap, and held by no live lease."""
    free = Q(claimed_until=None) | Q(claimed_until__lt=now)
    return Q(sent_at=None, attempts__lt=MAX_ATTEMPTS) & free


def outbox_claim(*, message_id: int) -> EmailOutbox | None:
    """Take the lease on a message, counting the attempt in the same UPDATE; the message, or
    None when it is sent, leased to another sender, or out of attempts.

    The UPDATE's row count decides between concurrent claimers: the database lets exactly one
    of them match the condition. The returned row's ``claimed_until`` is this claim's lease.
    """
    now = timezone.now()
    claimed = EmailOutbox.objects.filter(_claimable(now), pk=message_id).update(
        claimed_until=now + LEASE, attempts=F("attempts") + 1
    )
    if claimed == 0:
        return None
    return EmailOutbox.objects.get(pk=message_id)


def outbox_mark_sent(*, message_id: int) -> bool:
    """Record a delivery; False if the message was marked sent already. Conditional, so a late
    duplicate never moves the first send time."""
    marked = EmailOutbox.objects.filter(pk=message_id, sent_at=None).update(
        sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return marked == 1


def retry_delay(attempts: int) -> timedelta:
    """The wait before the next try after ``attempts`` failed ones: doubling, bounded."""
    doublings = min(max(attempts - 1, 0), 16)  # past the cap anyway; avoids huge numbers
    return min(RETRY_FIRST * 2**doublings, RETRY_MAX)


def outbox_release(*, message: EmailOutbox, error: str) -> timedelta | None:
    """Record a failed send of a claimed ``message`` and hold it until its retry is due.

    Returns the delay before the retry, or None when the message is out of attempts. Only this
    claim's lease is replaced: if it ran out and another sender claimed the message meanwhile,
    that sender's lease stands.
    """
    delay = retry_delay(message.attempts)
    EmailOutbox.objects.filter(
        pk=message.pk, sent_at=None, claimed_until=message.claimed_until
    ).update(last_error=error[:2000], claimed_until=timezone.now() + delay)
    return delay if message.attempts < MAX_ATTEMPTS else None


def outbox_deliver(*, message_id: int) -> Delivery:
    """Claim a message, send it, record the result. Safe to call any number of times, also at
    once from several workers: only the holder of the claim sends.

    Must not run inside a transaction (the task never does): the claim has to commit before the
    slow part, the SMTP conversation, so that other senders see it.
    """
    return _deliver(message_id, connection=None)


def _email(message: EmailOutbox, connection: object) -> EmailMultiAlternatives:
    """The mail as sent. Its Message-ID is the outbox row's, so a copy sent again after a crash
    between sending and marking is one message to the recipient's mail system."""
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    headers = {"Message-ID": f"<outbox-{message.pk}@{domain or 'convene.localhost'}>"}
    if message.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        message.subject, message.body, None, [message.to], headers=headers, connection=connection
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    return email


def _deliver(message_id: int, *, connection: object) -> Delivery:
    """Claim, send (over ``connection``, or a new one), mark: the order that sends once."""
    message = outbox_claim(message_id=message_id)
    if message is None:
        return Delivery(Outcome.NOT_CLAIMED)
    try:
        _email(message, connection).send()
    except OSError as exc:  # smtplib's errors and socket timeouts are all OSErrors
        logger.warning("outbox: sending message %s failed: %s", message.pk, exc)
        return Delivery(Outcome.FAILED, retry_in=outbox_release(message=message, error=str(exc)))
    outbox_mark_sent(message_id=message.pk)
    return Delivery(Outcome.SENT)


def outbox_pending(*, limit: int = RELAY_BATCH) -> list[int]:
    """Messages the relay may send now: unsent, under the attempt cap, held by no lease."""
    due = EmailOutbox.objects.filter(_claimable(timezone.now()))
    return list(due.order_by("id").values_list("id", flat=True)[:limit])


def outbox_claim_batch(*, ids: list[int]) -> list[EmailOutbox]:
    """Claim every claimable message of ``ids`` in one UPDATE, under one token; those won.

    The lease outlives the relay task's hard time limit, so no other sender can take a message
    while this batch may still send it; a worker killed mid-batch frees the rest when it ends.
    """
    now, token = timezone.now(), uuid.uuid4()
    EmailOutbox.objects.filter(_claimable(now), pk__in=ids).update(
        claimed_until=now + BATCH_LEASE, claim_token=token, attempts=F("attempts") + 1
    )
    return list(EmailOutbox.objects.filter(claim_token=token, sent_at=None).order_by("id"))


def _unclaim(messages: list[EmailOutbox]) -> None:
    """Give back claimed messages this batch did not try (the attempt is not counted)."""
    for message in messages:
        EmailOutbox.objects.filter(
            pk=message.pk, sent_at=None, claim_token=message.claim_token
        ).update(claimed_until=None, attempts=F("attempts") - 1)


def outbox_relay(*, limit: int = RELAY_BATCH) -> int:
    """Send up to ``limit`` pending messages over one SMTP connection; how many were sent.

    Claimed together (one UPDATE), then sent one by one, each marked sent as soon as the
    server took it: a worker killed mid-batch leaves its sent messages marked and the rest to
    the next run once the lease runs out. A failure ends the batch (the server is likely down
    for the rest too): the failed message waits out its backoff, the untried ones are freed.
    """
    ids = outbox_pending(limit=limit)
    if not ids:
        return 0
    connection = get_connection()
    try:
        connection.open()
    except OSError as exc:
        logger.warning("outbox: the mail server did not answer: %s", exc)
        return 0
    batch = outbox_claim_batch(ids=ids)
    sent = 0
    with connection:
        for index, message in enumerate(batch):
            try:
                _email(message, connection).send()
            except OSError as exc:
                logger.warning("outbox: sending message %s failed: %s", message.pk, exc)
                outbox_release(message=message, error=str(exc))
                _unclaim(batch[index + 1 :])
                break
            outbox_mark_sent(message_id=message.pk)
            sent += 1
    return sent


def outbox_due(*, limit: int = FLUSH_BATCH) -> list[int]:
    """Messages to queue again: unsent, older than FLUSH_AFTER, held by no live lease (a send in
    progress or a failure waiting for its retry is left alone), under the attempt cap."""
    now = timezone.now()
    due = EmailOutbox.objects.filter(_claimable(now), created_at__lt=now - FLUSH_AFTER)
    return list(due.order_by("id").values_list("id", flat=True)[:limit])


def outbox_flush() -> list[int]:
    """Queue a send for every due message (what a broker outage or a crashed worker left
    behind); their ids. Safe to run twice: a message queued twice is still claimed once."""
    from convene.notifications.tasks import outbox_send

    ids = outbox_due()
    for message_id in ids:
        outbox_send.delay(message_id)
    return ids
