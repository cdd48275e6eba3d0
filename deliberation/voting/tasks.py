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
    done: dict[str, list[int]] = {"opened": [], "closed": []}
    due_open = VotingRound.objects.filter(
        status=VotingRound.Status.SCHEDULED, opens_at__lte=now
    ).values_list("pk", flat=True)
    for pk in due_open:
        try:
            services.round_open(actor=None, round_=VotingRound(pk=pk))
        except DomainError as exc:
            # E.g. the framework is not in voting yet: the round stays scheduled, and is tried
            # again on the next run.
            log.warning("voting round %s could not open on schedule: %s", pk, exc.message)
            continue
        done["opened"].append(pk)
    due_close = VotingRound.objects.filter(
        status=VotingRound.Status.OPEN, closes_at__lte=now
    ).values_list("pk", flat=True)
    for pk in due_close:
        try:
            services.round_close(actor=None, round_=VotingRound(pk=pk))
        except DomainError as exc:
            log.warning("voting round %s could not close on schedule: %s", pk, exc.message)
            continue
        done["closed"].append(pk)
    return done
