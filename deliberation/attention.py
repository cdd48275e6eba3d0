"""What needs a delegate's attention now: unread replies and mentions, open rounds where they
have not voted, and recent decisions on what they proposed or said. Bounded reads, one query
each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from convene.models import User
from convene.notifications.models import Category, Notification
from deliberation.models import Amendment, Ballot, Disposition, RollEntry, VotingRound

LIMIT = 20
RECENT = timedelta(days=30)


def needs_attention(user: User) -> dict[str, Any]:
    since = timezone.now() - RECENT
    talk = Notification.objects.filter(
        recipient=user,
        read_at=None,
        category__in=[Category.REPLIES, Category.MENTIONS],
    ).order_by("-id")[:LIMIT]
    voted = Ballot.objects.filter(voter=user).values("round_id")
    rounds = (
        RollEntry.objects.filter(user=user, round__status=VotingRound.Status.OPEN)
        .exclude(round_id__in=voted)
        .select_related("round__framework")
        .order_by("round__closes_at", "round_id")[:LIMIT]
    )
    amendments = (
        Amendment.objects.filter(
            author=user,
            status__in=[Amendment.Status.ACCEPTED, Amendment.Status.REJECTED],
            decided_at__gte=since,
        )
        .select_related("clause")
        .order_by("-decided_at")[:LIMIT]
    )
    dispositions = (
        Disposition.objects.filter(comment__author=user, decided_at__gte=since)
        .select_related("comment__clause")
        .order_by("-decided_at")[:LIMIT]
    )
    return {
        "talk": list(talk),
        "rounds": [entry.round for entry in rounds],
        "amendments": list(amendments),
        "dispositions": list(dispositions),
    }
