"""Voting pages: a framework's rounds, the organizer's round builder, the round page with the
delegate's ballot, the results and the published record.

Who may do what comes from ``deliberation.voting.permissions`` (``can_vote`` draws the ballot,
``can_open_round`` the Open button, …), reads from its selectors, writes from its services; a
``DomainError`` is shown on the page, next to what it is about, at the service's status.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from deliberation.models import Motion, VotingRound
from deliberation.voting import tally
from deliberation.voting.api.serializers import MotionSerializer

TEMPLATES = "frontend/voting"
# Templates compare states with these, never with string literals (as the context processor's
# choices do for the other pages).
CHOICES = {
    "MotionKind": Motion.Kind,
    "MotionMethod": Motion.Method,
    "RoundStatus": VotingRound.Status,
    "BallotMode": VotingRound.BallotMode,
}

STATUS_HELP = {
    VotingRound.Status.DRAFT: "Being prepared: organizers can still change it; nobody votes yet.",
    VotingRound.Status.SCHEDULED: "Opens by itself at its opening time.",
    VotingRound.Status.OPEN: "Open: delegates on the roll vote, and can change their ballot "
    "until it closes.",
    VotingRound.Status.CLOSED: "Closed: the results are final and the record is published.",
    VotingRound.Status.CANCELLED: "Cancelled: no result; its ballots are not counted.",
}


def explanation(motion: Motion) -> str:
    """The motion's rule (or method) in plain words, as the API's ``explanation`` says it."""
    return MotionSerializer().get_explanation(motion)


OUTCOMES = {
    tally.Outcome.ADOPTED: "Adopted",
    tally.Outcome.REJECTED: "Rejected",
    tally.Outcome.BLOCKED: "Blocked",
    tally.Outcome.NO_QUORUM: "No quorum",
}


def motion_rows(round_: VotingRound) -> list[dict[str, Any]]:
    """The round's motions (prefetched, with their clause, amendment and version), their rules
    in words and, once closed, their outcome."""
    return [
        {
            "motion": m,
            "explanation": explanation(m),
            "outcome": OUTCOMES.get(m.outcome, "") if m.outcome else "",  # type: ignore[call-overload]
        }
        for m in round_.motions.all()
    ]


def render_voting(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render one of the voting templates (``frontend/voting/<template>``)."""
    return render(request, f"{TEMPLATES}/{template}", {**CHOICES, **context}, status=status)
