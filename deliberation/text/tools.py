"""Selector for the organizer tools panel of a framework: what awaits the organizers, counted
in a constant number of queries (one per count, however large the framework)."""

from __future__ import annotations

from dataclasses import dataclass

from convene.models import Membership
from deliberation.models import Comment, Framework, VotingRound


@dataclass(frozen=True)
class ToolCounts:
    open_flags: int  # comments with an open flag (the moderation queue's flagged rows)
    awaiting: int  # visible top-level comments without a disposition
    members: int
    rounds: int
    can_manage_members: bool = False


def organizer_counts(framework: Framework) -> ToolCounts:
    comments = Comment.objects.filter(clause__framework=framework)
    return ToolCounts(
        open_flags=comments.filter(flag_count__gt=0, flags__resolved_at=None)
        .values("pk")
        .distinct()
        .count(),
        awaiting=comments.filter(
            parent=None, status=Comment.Status.VISIBLE, disposition__isnull=True
        ).count(),
        members=Membership.objects.filter(convening_id=framework.convening_id).count(),
        rounds=VotingRound.objects.filter(framework=framework).count(),
    )
