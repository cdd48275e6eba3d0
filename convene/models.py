"""The people side: accounts, organizations, convenings, memberships, invitations, audit.

One module past the usual length on purpose: these models reference one another (a
membership's convening, an invitation's membership, an audit event's chain) and Django's
``convene`` app registers the notification models at its end; the services, selectors and
permissions around them are split by subdomain instead."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify


def unidecode_ascii(text: str) -> str:
    """Drop accents so handles stay ASCII (Tomáš → Tomas)."""
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if not user.handle:
            user.handle = self.free_handle(user.display_name or user.email.split("@")[0])
        user.set_password(password)
        user.save(using=self._db)
        return user

    def free_handle(self, name: str) -> str:
        """A handle for @mentions derived from a name: ``Lena Hartmann`` → ``lena-hartmann``,
        with a number appended when taken."""
        base = slugify(unidecode_ascii(name))[:32].strip("-") or "member"
        handle, n = base, 2
        while self.model.objects.filter(handle=handle).exists():
            handle, n = f"{base}-{n}", n + 1
        return handle

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    # Stored lower-cased by the manager and the services, so the unique index is case-blind.
    email = models.EmailField(unique=True, max_length=254)
    display_name = models.CharField(max_length=120)
    # For @mentions in comments; derived from the display name at sign-up.
    handle = models.SlugField(max_length=40, unique=True, null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["display_name"]

    def __str__(self) -> str:
        return self.display_name or self.email


class Organization(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", "Government"
        REGULATOR = "regulator", "Regulator"
        COMPANY = "company", "Company"
        CIVIL_SOCIETY = "civil_society", "Civil society"
        ACADEMIA = "academia", "Academia"
        INTERNATIONAL = "international", "International organization"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # ISO 3166-1 alpha-2, upper case; validated by the service against the official list.
    country = models.CharField(max_length=2)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # Case-blind, as the service checks: "Agency" and "agency" are one organization.
            models.UniqueConstraint(
                Lower("name"), "country", name="convene_organization_unique_name_country"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class Convening(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        PRIVATE = "private", "Private"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=20_000)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Attribution(models.TextChoices):
        NAMED = "named", "Named"
        GROUP = "group", "By stakeholder group (Chatham House)"

    # In group attribution only organizers see who wrote a comment; others see the group.
    attribution = models.CharField(
        max_length=8, choices=Attribution.choices, default=Attribution.NAMED
    )
    attribution_shows_country = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC


class Role(models.TextChoices):
    ORGANIZER = "organizer", "Organizer"
    PARTICIPANT = "participant", "Participant"
    OBSERVER = "observer", "Observer"


class StakeholderGroup(models.TextChoices):
    POLICYMAKER = "policymaker", "Policymaker"
    INDUSTRY = "industry", "Industry"
    CIVIL_SOCIETY = "civil_society", "Civil society"


class Membership(models.Model):
    convening = models.ForeignKey(Convening, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=12, choices=Role.choices)
    stakeholder_group = models.CharField(
        max_length=16, choices=StakeholderGroup.choices, blank=True, default=""
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    # Casts the organization's single vote in rounds counted per organization.
    head_of_delegation = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["convening_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["convening", "user"], name="convene_membership_one_per_user"
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.PARTICIPANT) | ~Q(stakeholder_group=""),
                name="convene_membership_participant_has_group",
            ),
            models.CheckConstraint(
                condition=Q(head_of_delegation=False) | Q(organization__isnull=False),
                name="convene_membership_head_needs_organization",
            ),
            # One head of delegation per organization in a convening: that member casts the
            # organization's single vote when a round counts by organization.
            models.UniqueConstraint(
                fields=["convening", "organization"],
                condition=Q(head_of_delegation=True),
                name="convene_membership_one_head_per_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.convening} as {self.role}"


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    convening = models.ForeignKey(Convening, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=12, choices=Role.choices)
    stakeholder_group = models.CharField(
        max_length=16, choices=StakeholderGroup.choices, blank=True, default=""
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # SHA-256 of the emailed token; the token itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="convene_invitation_not_both_accepted_and_revoked",
            ),
            # One usable token per convening and address: simultaneous invitations otherwise
            # each mailed one, and revoking "the" invitation left another that still joined.
            # An expired one still holds the slot until invitation_create retires it.
            models.UniqueConstraint(
                "convening",
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="convene_invitation_one_open_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.convening_id}"

    def status_at(self, when: Any) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            # Retired past its date (invitation_create does so to invite the address anew):
            # it had expired, nobody revoked it.
            if self.revoked_at >= self.expires_at:
                return self.Status.EXPIRED
            return self.Status.REVOKED
        if self.expires_at <= when:
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())


class EmailOutbox(models.Model):
    """Mail written in the same transaction as the change that causes it.

    A task sends it after commit; the periodic ``outbox_flush`` re-queues anything a broker
    outage left behind, so nothing is lost. Sending claims the row first (see
    ``convene.notifications.services``), so however many tasks run for it, one sends it.
    """

    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=250)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Claims made, counted in the claiming UPDATE itself; outbox_flush gives up at a cap.
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    # The lease of the worker sending it (or, after a failure, the time its retry is due).
    # Until then no other task may claim the row, and outbox_flush leaves it alone.
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Which relay batch holds the claim (outbox_claim_batch): its messages are those it won.
    claim_token = models.UUIDField(null=True, blank=True)
    # Notification mail: an HTML part beside the text, and the one-click unsubscribe address
    # (its token can only change preferences) sent as List-Unsubscribe.
    html = models.TextField(blank=True, default="")
    unsubscribe_url = models.CharField(max_length=500, blank=True, default="")
    # The in-app item this mail reports, when it reports one: unique, so one event mails a
    # recipient once.
    notification = models.OneToOneField(
        "convene.Notification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mail",
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            # Used by outbox_flush to find what is still unsent.
            models.Index(
                fields=["created_at"],
                name="convene_outbox_unsent_idx",
                condition=Q(sent_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Mail to {self.to}: {self.subject}"


class AuditChain(models.Model):
    """The head of one hash chain: the convening's own, others a convening owns (a voting
    round's ballots), and the global chain (key "global"). ``convene.audit.chain_key`` makes
    every key.

    Appends lock this row, so events of one chain get consecutive ``seq`` values and each one
    links to the true previous hash.
    """

    key = models.CharField(max_length=40, unique=True)
    # Several chains per convening: its own and, e.g., one per voting round, so that ballots
    # don't all queue on the lock of the convening chain's head.
    convening = models.ForeignKey(
        Convening, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_chains"
    )
    last_seq = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Audit chain {self.key} at {self.last_seq}"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Audit events are immutable.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are immutable.")


class AuditEvent(models.Model):
    """One link of an audit chain. Written once by ``convene.audit.audit_append``; changes are
    refused here, in the queryset, and by a database trigger (migration 0009)."""

    chain = models.ForeignKey(AuditChain, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveBigIntegerField()
    convening = models.ForeignKey(
        Convening, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(max_length=60)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["chain_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="convene_auditevent_chain_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("Audit events are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are immutable.")


class ApiToken(models.Model):
    """A key for ``Authorization: Token <key>``. Only the key's SHA-256 is stored, so the key is
    shown once, when issued; a token ends at ``expires_at``, when revoked, or when its user's
    password changes (``convene.passwords``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    # The user's label for it, shown in their list of tokens ("laptop script", "CI").
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()


# Registered with this app; they live beside the code that writes them.
from convene.notifications.models import (  # noqa: E402
    Notification as Notification,
)
from convene.notifications.models import (  # noqa: E402
    NotificationSettings as NotificationSettings,
)
from convene.notifications.models import (  # noqa: E402
    PendingNotice as PendingNotice,
)
