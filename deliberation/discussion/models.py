"""Comments on clauses: threads, anchors, reactions, flags, moderation and dispositions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from convene.models import Convening, Organization, StakeholderGroup
from deliberation.text.models import Amendment, Clause, ClauseVersion


class Comment(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", "Visible"
        HIDDEN = "hidden", "Hidden by a moderator"
        DELETED = "deleted", "Deleted by its author"

    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, related_name="comments")
    # The version the author was reading: anchors are checked against its text.
    version = models.ForeignKey(ClauseVersion, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    # The thread's top-level comment (itself for top-level ones): loads a thread in one query.
    root = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    anchor_paragraph = models.PositiveIntegerField(null=True, blank=True)
    anchor_quote = models.CharField(max_length=1000, blank=True, default="")
    body = models.TextField(max_length=10_000)
    body_html = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Snapshots at posting time: the record shows who spoke for whom then, not now.
    author_group = models.CharField(
        max_length=16, choices=StakeholderGroup.choices, blank=True, default=""
    )
    author_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author_role = models.CharField(max_length=12, blank=True, default="")
    # The convening's attribution when this was said, kept for ever: a comment made under
    # group (Chatham House) attribution never names its author to non-organizers, whatever
    # the convening's mode becomes later; one made on the record stays on the record.
    attribution = models.CharField(
        max_length=8, choices=Convening.Attribution.choices, default=Convening.Attribution.NAMED
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.VISIBLE)
    moderation_reason = models.CharField(max_length=500, blank=True, default="")
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # Denormalized counts, updated with the reaction rows in one transaction.
    agree_count = models.PositiveIntegerField(default=0)
    disagree_count = models.PositiveIntegerField(default=0)
    pass_count = models.PositiveIntegerField(default=0)
    flag_count = models.PositiveIntegerField(default=0)
    # Thread figures, kept on the top-level comment as replies arrive and reactions change, so
    # every order of the threads (ordering.py) is an index scan, whatever the clause's size:
    # the replies below it (all depths), when it or a reply was last posted, and in how many
    # stakeholder groups more members agree than disagree with it.
    reply_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(default=timezone.now)
    agree_groups = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["clause_id", "id"]
        indexes = [
            # Keyset pagination of a clause's comments by id.
            models.Index(fields=["clause", "id"], name="deliberation_comment_clause_id"),
            # The thread orders other than by id (ordering.py), threads only.
            models.Index(
                "clause",
                F("reply_count").desc(),
                F("id").desc(),
                name="deliberation_thread_replies",
                condition=Q(parent=None),
            ),
            models.Index(
                "clause",
                F("last_activity_at").desc(),
                F("id").desc(),
                name="deliberation_thread_recent",
                condition=Q(parent=None),
            ),
            models.Index(
                "clause",
                F("agree_groups").desc(),
                F("agree_count").desc(),
                F("id").desc(),
                name="deliberation_thread_agreed",
                condition=Q(parent=None),
            ),
            # New comments since a member's last visit, counted per clause.
            models.Index(fields=["clause", "created_at"], name="deliberation_comment_since"),
            models.Index(fields=["root", "id"], name="deliberation_comment_root_id"),
            # The quotes marked in the clause text: ``anchors_for`` skips from one (paragraph,
            # quote) to the next, and the first entry of each holds its first comment's id.
            models.Index(
                fields=["clause", "version", "anchor_paragraph", "anchor_quote", "id"],
                name="deliberation_comment_quotes",
                condition=Q(status="visible", anchor_paragraph__isnull=False),
            ),
            # The moderation queue.
            models.Index(
                fields=["flag_count"],
                name="deliberation_comment_flagged",
                condition=Q(flag_count__gt=0),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(anchor_paragraph__isnull=True) | ~Q(anchor_quote=""),
                name="deliberation_comment_anchor_has_quote",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on clause {self.clause_id}"

    @property
    def anchor(self) -> dict[str, object] | None:
        if self.anchor_paragraph is None:
            return None
        return {"paragraph": self.anchor_paragraph, "quote": self.anchor_quote}


class CommentRevision(models.Model):
    """An earlier text of an edited comment, kept for the record."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(max_length=10_000)
    created_at = models.DateTimeField()
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["comment_id", "id"]

    def __str__(self) -> str:
        return f"Earlier text of comment {self.comment_id}"


class Reaction(models.Model):
    class Stance(models.TextChoices):
        AGREE = "agree", "Agree"
        DISAGREE = "disagree", "Disagree"
        PASS = "pass", "Pass"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stance = models.CharField(max_length=8, choices=Stance.choices)
    # The reacting member's group when they reacted, for per-group counts.
    stakeholder_group = models.CharField(max_length=16, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"], name="deliberation_reaction_one_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stance} on comment {self.comment_id}"


class Flag(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when a moderator acts on the comment; the queue shows unresolved flags.
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"], name="deliberation_flag_one_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"Flag on comment {self.comment_id}"


class Disposition(models.Model):
    """An organizer's answer to a top-level comment, as in ISO/W3C comment resolution."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        PARTLY_ACCEPTED = "partly_accepted", "Partly accepted"
        NOT_ACCEPTED = "not_accepted", "Not accepted"
        NOTED = "noted", "Noted"

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="disposition")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    response = models.TextField(max_length=10_000)
    version = models.ForeignKey(
        ClauseVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amendment = models.ForeignKey(
        Amendment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.outcome} for comment {self.comment_id}"


class Follow(models.Model):
    """A member following a clause or a whole framework, to hear of new versions and decided
    amendments. Commenting on a clause follows it; unfollowing keeps the row with
    ``active=False``, so commenting again does not follow it behind the member's back."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    clause = models.ForeignKey(
        Clause, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    framework = models.ForeignKey(
        "deliberation.Framework",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(clause__isnull=True) ^ Q(framework__isnull=True),
                name="deliberation_follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "clause"],
                condition=Q(clause__isnull=False),
                name="deliberation_follow_clause_once",
            ),
            models.UniqueConstraint(
                fields=["user", "framework"],
                condition=Q(framework__isnull=False),
                name="deliberation_follow_framework_once",
            ),
        ]

    def __str__(self) -> str:
        target = f"clause {self.clause_id}" if self.clause_id else f"framework {self.framework_id}"
        return f"{self.user_id} follows {target}"


class Summary(models.Model):
    """A machine-made digest of one clause's thread (``summarize.py``), regenerated by a task
    as the thread grows. It names no one: points quote comments and cite their ids."""

    clause = models.OneToOneField(Clause, on_delete=models.CASCADE, related_name="summary")
    generated_at = models.DateTimeField()
    # The visible comments it covers, and the newest of them: what "as of" means on the page.
    comment_count = models.PositiveIntegerField()
    covers_until = models.DateTimeField(null=True, blank=True)
    # summarize.as_dict: key_points, by_group, common_ground, divides.
    data = models.JSONField()

    class Meta:
        verbose_name_plural = "summaries"

    def __str__(self) -> str:
        return f"Summary of clause {self.clause_id} ({self.comment_count} comments)"


class ClauseVisit(models.Model):
    """When a member last opened a clause's page: what "new since your last visit" counts
    from. One row per member and clause, overwritten on each visit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "clause"], name="deliberation_visit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saw clause {self.clause_id} at {self.seen_at}"
