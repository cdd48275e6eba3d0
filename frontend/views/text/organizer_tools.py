"""The organizer tools panel of the framework page, drawn from the predicates."""

from __future__ import annotations

import dataclasses
from typing import Any

from convene.permissions import can_manage_convening
from deliberation.models import Framework
from deliberation.text.permissions import can_moderate_framework
from deliberation.text.tools import ToolCounts, organizer_counts


def organizer_tools(user: Any, framework: Framework) -> ToolCounts | None:
    """The panel's counts for those who may moderate the framework; None for everyone else."""
    if not can_moderate_framework(user, framework):
        return None
    counts = organizer_counts(framework)
    manage = bool(can_manage_convening(user, framework.convening))
    return dataclasses.replace(counts, can_manage_members=manage)
