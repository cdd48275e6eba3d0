"""Deadlines of the dated process: members are told beforehand that a consultation closes."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from deliberation import notices
from deliberation.models import Framework

ANNOUNCE_BEFORE = timedelta(hours=24)


def consultations_closing_announce(*, now: datetime) -> int:
    """Tell the members of every consultation closing within ``ANNOUNCE_BEFORE``; how many were
    told. Safe to run twice or at once: each close is claimed by a conditional UPDATE of
    ``close_announced_at`` (cleared when the close moves), and ``notify`` tells nobody twice of
    one event."""
    due = Framework.objects.filter(
        status=Framework.Status.CONSULTATION,
        close_announced_at__isnull=True,
        consultation_closes_at__gt=now,
        consultation_closes_at__lte=now + ANNOUNCE_BEFORE,
    )
    told = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            unclaimed = Framework.objects.filter(pk=pk, close_announced_at__isnull=True)
            if unclaimed.update(close_announced_at=now):
                told += notices.consultation_closing_soon(Framework.objects.get(pk=pk))
    return told
