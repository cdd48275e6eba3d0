"""Who may publish a framework, and when: one predicate."""

from __future__ import annotations

from typing import Any

from convene.permissions import ALLOW, Verdict, first_refusal, is_organizer, refuse
from deliberation.models import Framework
from deliberation.text.permissions import can_view_framework

PUBLISHABLE = frozenset({Framework.Status.ADOPTED, Framework.Status.PUBLISHED})


def can_publish(user: Any, framework: Framework) -> Verdict:
    """Publish the framework's next edition: organizers, once it is adopted."""

    def organizer() -> Verdict:
        if is_organizer(user, framework.convening):
            return ALLOW
        return refuse(403, "Only organizers of this convening may publish its framework.")

    def adopted() -> Verdict:
        if framework.status in PUBLISHABLE:
            return ALLOW
        return refuse(
            409,
            f"A framework is published once a vote has adopted it; it is in {framework.status}.",
        )

    return first_refusal(lambda: can_view_framework(user, framework), organizer, adopted)
