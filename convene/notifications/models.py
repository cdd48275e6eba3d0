"""Notifications' data: the in-app items, each user's settings, and (from ``convene.models``,
where its table has always been) the mail outbox.

These models belong to the ``convene`` app; ``convene.models`` imports them at its end so that
Django registers them.
"""

from __future__ import annotations

from typing import ClassVar
from zoneinfo import available_timezones

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# The time zones a user may choose: IANA's Area/Location names and UTC. The bare aliases
# ("GMT+0", "GMT-0", "EST5EDT", "localtime") and Etc/ offsets are left out: they name no place
# a delegate would look for, and several differ only in a sign, which some API clients
# generated from the schema cannot tell apart.
TIME_ZONES = sorted(
    {"UTC"}
    | {z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))}
)


class Category(models.TextChoices):
    REPLIES = "replies", "Replies to your comments"
    MENTIONS = "mentions", "Mentions of you"
    FOLLOWING = "following", "Clauses and frameworks you follow"
    AMENDMENTS = "amendments", "Your amendments decided"
    DISPOSITIONS = "dispositions", "Dispositions on your comments"
    INVITATIONS = "invitations", "Invitations"
    ROUNDS = "rounds", "Voting rounds"
    PUBLICATIONS = "publications", "Published frameworks"


class Mode(models.TextChoices):
    INAPP = "inapp", "In Convene only"
    IMMEDIATE = "immediate", "Email at once"
    DIGEST = "digest", "Daily digest email"
    OFF = "off", "Off"


# What a user gets before choosing: mail at once for what asks something of them soon, the
# daily digest for the rest.
DEFAULT_MODES: dict[str, str] = {
    Category.REPLIES: Mode.IMMEDIATE,
    Category.MENTIONS: Mode.IMMEDIATE,
    Category.FOLLOWING: Mode.DIGEST,
    Category.AMENDMENTS: Mode.DIGEST,
    Category.DISPOSITIONS: Mode.DIGEST,
    Category.INVITATIONS: Mode.IMMEDIATE,
    Category.ROUNDS: Mode.IMMEDIATE,
    Category.PUBLICATIONS: Mode.DIGEST,
}


class Notification(models.Model):
    """One in-app item for one recipient, written in the transaction of the change it reports.

    Its mail, if the recipient wants one at once, is an ``EmailOutbox`` row linked to it (one at
    most: the link is unique); a digest takes it later (``digested_at``).
    """

    class Email(models.TextChoices):
        NONE = "none", "No email"
        IMMEDIATE = "immediate", "Email at once"
        DIGEST = "digest", "Daily digest"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # The change reported, e.g. "comment.posted:1234": with the recipient, unique, so one event
    # gives a recipient one item however many reasons it has to tell them.
    event = models.CharField(max_length=100)
    category = models.CharField(max_length=16, choices=Category.choices)
    verb = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    # Plain text: the comment's first lines, a round's result in words.
    excerpt = models.TextField(blank=True, default="")
    target_url = models.CharField(max_length=500)
    # Who did it as the recipient may see them: under group attribution a stakeholder group,
    # never a name ("A civil-society delegate"); blank for what nobody did (a round closing).
    actor_name = models.CharField(max_length=200, blank=True, default="")
    actor_handle = models.CharField(max_length=40, blank=True, default="")
    convening = models.ForeignKey(
        "convene.Convening", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.NONE)
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event"], name="convene_notification_once_per_event"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            # The inbox, newest first, by keyset.
            models.Index(fields=["recipient", "-id"], name="convene_notice_inbox_idx"),
            # The header's badge polls this count: it must stay one cheap index read.
            models.Index(
                fields=["recipient"],
                name="convene_notice_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
            # Used by the digest task to find what each user's next digest holds.
            models.Index(
                fields=["recipient", "id"],
                name="convene_notice_digest_idx",
                condition=Q(email="digest", digested_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} for {self.recipient_id}"


class PendingNotice(models.Model):
    """A notice for many recipients, written in the transaction of the change instead of its
    items: the change commits at the cost of one row however many it tells, and a worker
    writes the items (``convene.notifications.inbox.expand``). The recipients are frozen here,
    as the change saw them; ``expanded_at`` is set in the transaction that writes the items, so
    a crashed worker leaves it unset and beat's sweep expands it again (nobody twice: the items
    are unique per recipient and event)."""

    event = models.CharField(max_length=100)
    verb = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    excerpt = models.TextField(blank=True, default="")
    target_url = models.CharField(max_length=500)
    actor_name = models.CharField(max_length=200, blank=True, default="")
    actor_handle = models.CharField(max_length=40, blank=True, default="")
    convening = models.ForeignKey(
        "convene.Convening", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # [[user id, category], ...], the actor already left out.
    recipients = models.JSONField()
    mail_allowed = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    expanded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            # The sweep's question: what is still waiting?
            models.Index(
                fields=["created_at"],
                name="convene_pending_notice_idx",
                condition=Q(expanded_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} for {len(self.recipients)}"


def _mode_field(category: Category) -> models.CharField[str, str]:
    return models.CharField(max_length=10, choices=Mode.choices, default=DEFAULT_MODES[category])


class NotificationSettings(models.Model):
    """A user's choices per category, their time zone, and their last digest. No row means the
    defaults (``DEFAULT_MODES``, UTC)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    replies = _mode_field(Category.REPLIES)
    mentions = _mode_field(Category.MENTIONS)
    following = _mode_field(Category.FOLLOWING)
    amendments = _mode_field(Category.AMENDMENTS)
    dispositions = _mode_field(Category.DISPOSITIONS)
    invitations = _mode_field(Category.INVITATIONS)
    rounds = _mode_field(Category.ROUNDS)
    publications = _mode_field(Category.PUBLICATIONS)
    # An IANA name; digests go out at 08:00 there.
    time_zone = models.CharField(max_length=64, default="UTC")
    # The local date of the last digest sent: the digest task claims a day by moving it.
    digest_sent_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"Notification settings of {self.user_id}"

    def mode(self, category: str) -> str:
        return str(getattr(self, category))
