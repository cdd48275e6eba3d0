"""Flags the organizers find unfounded: dismissed with a reason, the comment left as it is."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from convene.audit import audit_append
from convene.models import User
from deliberation.discussion.permissions import can_dismiss_flags
from deliberation.discussion.services.comments import _clean_reason, lock_comment
from deliberation.models import Comment, Flag


def comment_flags_dismiss(*, actor: User, comment: Comment, reason: str) -> Comment:
    """Resolve the comment's open flags without hiding it, so it leaves the moderation queue.
    The audit event records how many flags and the reason, never who flagged."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        comment, framework = lock_comment(comment)
        can_dismiss_flags(actor, comment).enforce()
        dismissed = Flag.objects.filter(comment=comment, resolved_at=None).update(
            resolved_at=timezone.now()
        )
        audit_append(
            convening=framework.convening,
            actor=actor,
            verb="comment.flags_dismissed",
            target=comment,
            payload={"reason": reason, "flags": dismissed},
        )
    return comment
