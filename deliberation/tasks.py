"""Celery tasks of the deliberation app; workers autodiscover this module."""

from __future__ import annotations

from celery import shared_task

from deliberation.voting.tasks import rounds_advance, rounds_closing_soon

__all__ = [
    "consultations_closing_soon",
    "rounds_advance",
    "rounds_closing_soon",
    "summary_refresh",
]


@shared_task(soft_time_limit=120, time_limit=180)
def consultations_closing_soon() -> int:
    """Tell members of consultations closing within a day (once per close time)."""
    from django.utils import timezone

    from deliberation.text.services.deadlines import consultations_closing_announce

    return consultations_closing_announce(now=timezone.now())


@shared_task(soft_time_limit=60, time_limit=90)
def summary_refresh(clause_id: int, force: bool = False) -> int | None:
    """Rebuild a clause's thread summary if its thread has grown enough (re-fetches, safe to
    run twice); the number of comments the summary covers."""
    from deliberation.discussion.services.summaries import summary_refresh as refresh

    summary = refresh(clause_id=clause_id, force=force)
    return summary.comment_count if summary else None
