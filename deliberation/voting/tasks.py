"""Voting's Celery tasks: beat opens and closes scheduled rounds on time.

``rounds_advance`` is safe to run twice, or on two beats at once: each round is opened or
closed by the services, which lock the round and check its status first, so a second run finds
nothing due.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from convene.errors import DomainError
from deliberation.models import VotingRound

log = logging.getLogger(__name__)


@shared_task(soft_time_limit=120, time_limit=180)
def rounds_advance() -> dict[str, list[int]]:
    """Open scheduled rounds whose time has come and close open rounds past their end."""
    from deliberation.voting import services

    now = timezone.now()
    steps = [
        ("opened", VotingRound.Status.SCHEDULED, "opens_at", services.round_open),
        ("closed", VotingRound.Status.OPEN, "closes_at", services.round_close),
    ]
    done: dict[str, list[int]] = {"opened": [], "closed": []}
    for name, status, when, service in steps:
        due = VotingRound.objects.filter(status=status, **{f"{when}__lte": now})
        for pk in due.values_list("pk", flat=True):
            try:
                service(actor=None, round_=VotingRound(pk=pk))
            except DomainError as exc:
                # E.g. the framework is not in voting yet: the round stays as it is, and is
                # tried again on the next run.
                log.warning("voting round %s was not %s on schedule: %s", pk, name, exc.message)
                continue
            done[name].append(pk)
    return done


@shared_task(soft_time_limit=120, time_limit=180)
def rounds_closing_soon() -> int:
    """Remind voters who have not voted of rounds closing within a day (once per round)."""
    from deliberation.voting import services

    return services.rounds_closing_remind(now=timezone.now())
