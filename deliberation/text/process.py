"""The dated process of a framework, for display: its steps in order with the current one
marked, and a countdown to the next deadline. Pure: the caller passes the time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from deliberation.models import Framework

STEPS = ("draft", "consultation", "voting", "adopted", "published")


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    current: bool
    done: bool
    # The step's dates, as (what, when): "opens", "closes", "planned".
    dates: tuple[tuple[str, datetime], ...]


def _dates(framework: Framework, status: str) -> tuple[tuple[str, datetime], ...]:
    if status == "consultation":
        pairs = [
            ("opens", framework.consultation_opens_at),
            ("closes", framework.consultation_closes_at),
        ]
    elif status == "voting":
        pairs = [("planned", framework.voting_planned_at)]
    else:
        pairs = []
    return tuple((what, when) for what, when in pairs if when is not None)


def timeline(framework: Framework) -> list[Step]:
    """Draft → consultation → voting → adopted → published; none is current when withdrawn."""
    labels = dict(Framework.Status.choices)
    reached = STEPS.index(framework.status) if framework.status in STEPS else -1
    return [
        Step(
            status=status,
            label=labels[status],
            current=index == reached,
            done=index < reached,
            dates=_dates(framework, status),
        )
        for index, status in enumerate(STEPS)
    ]


def duration(delta: timedelta) -> str:
    """A rounded-down, human length: "3 days", "5 hours", "1 minute", "less than a minute"."""
    seconds = int(delta.total_seconds())
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'' if n == 1 else 's'}"
    return "less than a minute"


def countdown(framework: Framework, now: datetime) -> str:
    """The next deadline of the process from ``now``, in words; empty when there is none."""
    opens, closes = framework.consultation_opens_at, framework.consultation_closes_at
    status = framework.status
    if status == Framework.Status.DRAFT and opens is not None and opens > now:
        return f"Consultation opens in {duration(opens - now)}"
    if status in {Framework.Status.DRAFT, Framework.Status.CONSULTATION} and closes is not None:
        if closes > now:
            return f"Consultation closes in {duration(closes - now)}"
        return f"Consultation closed {duration(now - closes)} ago"
    planned = framework.voting_planned_at
    if status == Framework.Status.CONSULTATION and planned is not None and planned > now:
        return f"Voting is planned in {duration(planned - now)}"
    return ""
