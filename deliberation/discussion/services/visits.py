"""Remembering when a member last opened a clause, for "new since your last visit"."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from convene.models import User
from deliberation.models import Clause, ClauseVisit


def clause_visit_record(*, user: User, clause: Clause) -> datetime | None:
    """Note that ``user`` opened ``clause`` now; answer when they had opened it before (None on
    a first visit). Two queries: the earlier visit, then one upsert that two tabs opening the
    page at once cannot turn into a duplicate (the unique constraint decides)."""
    before = (
        ClauseVisit.objects.filter(user=user, clause=clause)
        .values_list("seen_at", flat=True)
        .first()
    )
    ClauseVisit.objects.bulk_create(
        [ClauseVisit(user=user, clause=clause, seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "clause"],
        update_fields=["seen_at"],
    )
    return before
