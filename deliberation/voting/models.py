"""Voting rounds: motions put to the roll, ballots cast on them, and the frozen results.

A round's motions and rules are frozen when it opens, and its eligible roll is snapshotted then
(``RollEntry``). Every ballot cast is kept; a voter's latest is the counted one, which a partial
unique index makes the only one. Each ballot is a link of the round's own audit chain
(``round:<id>``), and its ``leaf`` (over its content and a random nonce) is the voter's receipt.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from convene.models import Organization, StakeholderGroup
from deliberation.text.models import Alternative, Amendment, Clause, ClauseVersion, Framework


class VotingRound(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    class BallotMode(models.TextChoices):
        RECORDED = "recorded", "Recorded"
        SECRET = "secret", "Secret"

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="", max_length=20_000)
    ballot_mode = models.CharField(
        max_length=8, choices=BallotMode.choices, default=BallotMode.RECORDED
    )
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Frozen at close: the round chain's head, and the commitment to the counted ballots' leaves
    # (SHA-256 over them sorted, one per line; docs/verification.md).
    head = models.CharField(max_length=64, blank=True, default="")
    counted_root = models.CharField(max_length=64, blank=True, default="")
    # The convening's attribution when the round opened: a recorded round's voters stay shown
    # (or unshown) as they were when they voted, whatever the convening's mode becomes.
    attribution = models.CharField(max_length=5, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="deliberation_votinground_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_secret(self) -> bool:
        return self.ballot_mode == self.BallotMode.SECRET


class Motion(models.Model):
    class Kind(models.TextChoices):
        ADOPT_CLAUSE = "adopt_clause", "Adopt a clause"
        ACCEPT_AMENDMENT = "accept_amendment", "Accept an amendment"
        CHOOSE_ALTERNATIVE = "choose_alternative", "Choose among alternatives"
        ADOPT_FRAMEWORK = "adopt_framework", "Adopt the framework"

    class Method(models.TextChoices):
        SCHULZE = "schulze", "Ranked (Schulze)"
        APPROVAL = "approval", "Approval"

    class Outcome(models.TextChoices):
        # The values of deliberation.voting.tally.Outcome.
        ADOPTED = "adopted", "Adopted"
        REJECTED = "rejected", "Rejected"
        BLOCKED = "blocked", "Blocked"
        NO_QUORUM = "no_quorum", "No quorum"

    round = models.ForeignKey(VotingRound, on_delete=models.CASCADE, related_name="motions")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    clause = models.ForeignKey(
        Clause, on_delete=models.PROTECT, null=True, blank=True, related_name="motions"
    )
    amendment = models.ForeignKey(
        Amendment, on_delete=models.PROTECT, null=True, blank=True, related_name="motions"
    )
    # For adopt_clause: the version put to the vote, fixed when the round opens.
    version = models.ForeignKey(
        ClauseVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Yes/no kinds: the decision rule (deliberation.voting.tally.Rule.to_dict()).
    rule = models.JSONField(null=True, blank=True)
    # choose_alternative: schulze or approval, and the alternatives on the ballot, fixed when the
    # round opens: [{"id": …, "label": "A"}, …].
    method = models.CharField(max_length=10, choices=Method.choices, blank=True, default="")
    options = models.JSONField(default=list, blank=True)
    # Frozen at close.
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True, default="")
    result = models.JSONField(null=True, blank=True)
    narrative = models.TextField(blank=True, default="")
    winner = models.ForeignKey(
        Alternative, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tie_broken = models.BooleanField(default=False)
    # What closing did to the text, or why it could not ("" when nothing was due).
    effect = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["round_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "position"], name="deliberation_motion_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"Motion {self.position} of round {self.round_id}: {self.kind}"

    @property
    def is_yes_no(self) -> bool:
        return self.kind != self.Kind.CHOOSE_ALTERNATIVE


class RollEntry(models.Model):
    """One eligible voter of a round, as they were when it opened."""

    round = models.ForeignKey(VotingRound, on_delete=models.CASCADE, related_name="roll")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stakeholder_group = models.CharField(max_length=20, choices=StakeholderGroup.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    head_of_delegation = models.BooleanField(default=False)

    class Meta:
        ordering = ["round_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="deliberation_roll_unique_user"),
        ]

    def __str__(self) -> str:
        return f"Voter {self.user_id} on the roll of round {self.round_id}"


class Ballot(models.Model):
    """One ballot as cast. Recasting keeps the earlier ballot, no longer counted."""

    round = models.ForeignKey(VotingRound, on_delete=models.PROTECT, related_name="ballots")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The voter's roll entry, copied so that counting groups without a join.
    stakeholder_group = models.CharField(max_length=20, choices=StakeholderGroup.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The canonical choices the leaf covers (docs/verification.md).
    choices = models.JSONField()
    nonce = models.CharField(max_length=64)
    leaf = models.CharField(max_length=64, unique=True)
    # The round chain's link for this ballot: its seq, the previous link's hash and its own.
    seq = models.PositiveBigIntegerField()
    prev = models.CharField(max_length=64)
    entry = models.CharField(max_length=64, unique=True)
    cast_at = models.DateTimeField()
    counted = models.BooleanField(default=True)

    class Meta:
        ordering = ["round_id", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "voter"],
                condition=Q(counted=True),
                name="deliberation_ballot_one_counted_per_voter",
            ),
            models.UniqueConstraint(fields=["round", "seq"], name="deliberation_ballot_seq"),
        ]

    def __str__(self) -> str:
        return f"Ballot {self.leaf[:12]} in round {self.round_id}"


class BallotChoice(models.Model):
    """One motion's choice on a ballot, as rows so that counting is a grouped query."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="choice_rows")
    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="+")
    # Denormalized from the ballot: counting filters and groups on these without a join.
    counted = models.BooleanField(default=True)
    stakeholder_group = models.CharField(max_length=20, choices=StakeholderGroup.choices)
    position = models.CharField(max_length=8, blank=True, default="")
    reason = models.TextField(blank=True, default="", max_length=5_000)
    # choose_alternative: alternative labels, best first (schulze) or approved (approval), as a
    # canonical string ("B>A>C", "A,C") so identical ballots group together.
    preference = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["ballot_id", "motion_id"]
        indexes = [
            models.Index(fields=["motion", "counted"], name="deliberation_choice_count"),
            # Closing reads the objections with who made them: a few rows among every choice.
            models.Index(
                fields=["motion"],
                condition=Q(position="object"),
                name="deliberation_choice_objection",
            ),
        ]

    def __str__(self) -> str:
        return f"Choice on motion {self.motion_id} in ballot {self.ballot_id}"
