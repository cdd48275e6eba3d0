"""The daily digest: at 08:00 in each user's time zone, one mail with everything that waited
for it since the last one; nothing when nothing waited.

Beat runs ``digests_send`` every quarter hour. A user's day is claimed under the lock of their
settings row by moving ``digest_sent_on`` to their local date, in the transaction that writes
the mail and marks the items, so however often the task runs a user gets one digest a day.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction

from convene.models import User
from convene.notifications import mail
from convene.notifications.models import Notification, NotificationSettings
from convene.notifications.services import nudge

SEND_HOUR = 8
# Hours after SEND_HOUR a late run still sends that day's digest (beat down for a while);
# later, the items wait for the next morning rather than arrive in the evening.
GRACE_HOURS = 2
# Items per digest; what is left waits for the next day's.
MAX_ITEMS = 200


def _local(now: datetime, time_zone: str) -> datetime:
    try:
        return now.astimezone(ZoneInfo(time_zone))
    except (ZoneInfoNotFoundError, ValueError):
        return now.astimezone(ZoneInfo("UTC"))


def waiting_users() -> list[int]:
    """Users with items waiting for a digest (read through the digest index)."""
    waiting = Notification.objects.filter(email=Notification.Email.DIGEST, digested_at=None)
    return sorted(set(waiting.values_list("recipient_id", flat=True)))


def digest_send(*, user_id: int, now: datetime) -> bool:
    """Write the user's digest if it is due at ``now``; whether one was written."""
    with transaction.atomic():
        prefs, _ = NotificationSettings.objects.select_for_update().get_or_create(user_id=user_id)
        local = _local(now, prefs.time_zone)
        due = SEND_HOUR <= local.hour < SEND_HOUR + GRACE_HOURS
        if not due or prefs.digest_sent_on == local.date():
            return False
        items = list(
            Notification.objects.filter(
                recipient_id=user_id, email=Notification.Email.DIGEST, digested_at=None
            ).order_by("id")[:MAX_ITEMS]
        )
        user = User.objects.filter(pk=user_id, is_active=True).only("email").first()
        if not items or user is None:
            return False
        mail.digest_mail(user_id, user.email, items).save()
        Notification.objects.filter(pk__in=[i.pk for i in items]).update(digested_at=now)
        prefs.digest_sent_on = local.date()
        prefs.save(update_fields=["digest_sent_on"])
        from convene.notifications.tasks import outbox_relay

        nudge(outbox_relay)
    return True


def digests_send(*, now: datetime) -> int:
    """Write every digest due at ``now``; how many."""
    return sum(digest_send(user_id=uid, now=now) for uid in waiting_users())
