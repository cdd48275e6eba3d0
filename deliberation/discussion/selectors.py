"""Reads of comments: pages of a clause's comments with everything a reader sees, in a fixed
number of queries whatever the size of the thread."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet

from convene.permissions import is_organizer
from deliberation.models import Clause, Comment, Framework, Reaction


def comment_list(*, clause: Clause) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(clause=clause)
        .select_related(
            "author",
            "author_organization",
            "version",
            "disposition__version",
            "disposition__decided_by",
        )
        .prefetch_related("mentions")
        .order_by("id")
    )


def reaction_summary(
    comments: Iterable[Comment], *, user: Any
) -> tuple[dict[int, dict[str, dict[str, int]]], dict[int, str]]:
    """Per-group stance counts and the user's own stance, for a page of comments: two queries."""
    ids = [c.pk for c in comments]
    by_group: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)
    rows = (
        Reaction.objects.filter(comment_id__in=ids)
        .values("comment_id", "stakeholder_group", "stance")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        group = row["stakeholder_group"] or "none"
        counts = by_group[row["comment_id"]].setdefault(
            group, {"agree": 0, "disagree": 0, "pass": 0}
        )
        counts[row["stance"]] = row["n"]
    mine: dict[int, str] = {}
    if user is not None and user.is_authenticated and ids:
        mine = dict(
            Reaction.objects.filter(comment_id__in=ids, user=user).values_list(
                "comment_id", "stance"
            )
        )
    return dict(by_group), mine


def viewer_sees_names(user: Any, framework: Framework) -> bool:
    """In group attribution only organizers see who wrote what."""
    return framework.convening.attribution == "named" or bool(
        is_organizer(user, framework.convening)
    )


def moderation_queue(*, framework: Framework) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(clause__framework=framework)
        .filter(Q(flag_count__gt=0, flags__resolved_at=None) | Q(status=Comment.Status.HIDDEN))
        .distinct()
        .select_related("author", "author_organization", "clause", "moderated_by")
        .prefetch_related("flags__user")
        .order_by("-id")
    )


def disposition_table(*, framework: Framework) -> QuerySet[Comment]:
    """Every top-level comment of the framework with its disposition (or none yet). Tombstones
    stay listed: the record shows the comment existed and any answer it already had."""
    return (
        Comment.objects.filter(clause__framework=framework, parent=None)
        .select_related(
            "clause",
            "author",
            "author_organization",
            "version",
            "disposition__version",
            "disposition__amendment",
        )
        .order_by("clause__position", "id")
    )
