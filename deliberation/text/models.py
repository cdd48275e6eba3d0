"""The text: frameworks of typed clauses, immutable versions, amendments and alternatives."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from convene.models import Convening


class Framework(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CONSULTATION = "consultation", "Consultation"
        VOTING = "voting", "Voting"
        ADOPTED = "adopted", "Adopted"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    convening = models.ForeignKey(Convening, on_delete=models.PROTECT, related_name="frameworks")
    # Global, because frameworks have their own URLs (/api/v1/frameworks/<slug>/).
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    preamble = models.TextField(blank=True, default="", max_length=50_000)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # The dated process: set by organizers; the close also closes commenting and proposing.
    consultation_opens_at = models.DateTimeField(null=True, blank=True)
    consultation_closes_at = models.DateTimeField(null=True, blank=True)
    voting_planned_at = models.DateTimeField(null=True, blank=True)
    # When the members were told the consultation is about to close (claimed once).
    close_announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="framework_consultation_closes_after_opening",
                condition=Q(consultation_opens_at__isnull=True)
                | Q(consultation_closes_at__isnull=True)
                | Q(consultation_closes_at__gt=models.F("consultation_opens_at")),
            ),
            models.CheckConstraint(
                name="framework_voting_after_consultation",
                condition=Q(consultation_closes_at__isnull=True)
                | Q(voting_planned_at__isnull=True)
                | Q(voting_planned_at__gte=models.F("consultation_closes_at")),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ClauseKind(models.TextChoices):
    SCOPE = "scope", "Scope"
    DEFINITION = "definition", "Definition"
    TRIGGER = "trigger", "Trigger"
    OBLIGATION = "obligation", "Obligation"
    LIFT_CONDITION = "lift_condition", "Lift condition"
    VERIFICATION = "verification", "Verification"
    ADJUDICATION = "adjudication", "Adjudication"
    GENERAL = "general", "General"


class Clause(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        BRACKETED = "bracketed", "Bracketed"
        ADOPTED = "adopted", "Adopted"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="clauses")
    # 1-based; shown as §1, §2 … Organizers reorder.
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=ClauseKind.choices)
    title = models.CharField(max_length=200)
    # The current version's text and spec, denormalized so lists need no join.
    text = models.TextField(max_length=50_000)
    spec = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    current_version = models.ForeignKey(
        "ClauseVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["framework_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "position"], name="deliberation_clause_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"§{self.position} {self.title}"


class ClauseVersionQuerySet(models.QuerySet["ClauseVersion"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Clause versions are immutable.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Clause versions are immutable.")


class ClauseVersion(models.Model):
    """One immutable revision of a clause's text and spec.

    Updates are refused here, in the queryset, and by a database trigger (migration 0002).
    """

    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(max_length=50_000)
    spec = models.JSONField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField(max_length=10_000)
    created_at = models.DateTimeField(default=timezone.now)
    # SHA-256 of the canonical content (deliberation.text.services.common.version_hash).
    hash = models.CharField(max_length=64)
    # The organizer who accepted the amendment or chose the alternative this version came
    # from; ``author`` stays the member who wrote the text.
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Where the version came from, when not a direct edit.
    amendment = models.ForeignKey(
        "Amendment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    alternative = models.ForeignKey(
        "Alternative", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[models.Manager[ClauseVersion]] = ClauseVersionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["clause_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["clause", "number"], name="deliberation_clauseversion_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clause_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("Clause versions are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Clause versions are immutable.")


class Amendment(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, related_name="amendments")
    # 1, 2, 3 … within the clause, in the order proposed: "Amendment 2 to §3". Assigned by
    # amendment_propose under the clause's row lock.
    number = models.PositiveIntegerField()
    base_version = models.ForeignKey(ClauseVersion, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=50_000)
    # The word diff from base_version.text to text (deliberation.text.diff operations), stored
    # when the amendment is proposed or rebased, so that showing it never diffs (issue 8).
    diff_ops = models.JSONField(default=list, blank=True, editable=False)
    spec = models.JSONField(null=True, blank=True)
    rationale = models.TextField(max_length=10_000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True, default="", max_length=10_000)
    resulting_version = models.ForeignKey(
        ClauseVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["clause_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(resulting_version__isnull=False),
                name="deliberation_amendment_accepted_has_version",
            ),
            models.UniqueConstraint(
                fields=["clause", "number"], name="deliberation_amendment_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"Amendment {self.number} to clause {self.clause_id}"


class Alternative(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CHOSEN = "chosen", "Chosen"
        NOT_CHOSEN = "not_chosen", "Not chosen"
        WITHDRAWN = "withdrawn", "Withdrawn"

    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, related_name="alternatives")
    label = models.CharField(max_length=4)  # A, B, C … AA, AB
    text = models.TextField(max_length=50_000)
    spec = models.JSONField(null=True, blank=True)
    rationale = models.TextField(blank=True, default="", max_length=10_000)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_reason = models.TextField(blank=True, default="", max_length=10_000)

    class Meta:
        ordering = ["clause_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clause", "label"], name="deliberation_alternative_unique_label"
            ),
        ]

    def __str__(self) -> str:
        return f"Option {self.label} for clause {self.clause_id}"
