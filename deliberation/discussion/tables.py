"""The organizers' tables of a framework's comments: the moderation queue and the disposition
table (its rows as the API and its CSV give them)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from convene.audit import timestamp
from deliberation.discussion.attribution import Reader, author_of
from deliberation.models import Comment, Disposition, Framework


def moderation_queue(*, framework: Framework) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(clause__framework=framework)
        .filter(Q(flag_count__gt=0, flags__resolved_at=None) | Q(status=Comment.Status.HIDDEN))
        .distinct()
        .select_related("author", "author_organization", "clause", "moderated_by")
        .prefetch_related("flags__user")
        .order_by("-id")
    )


AWAITING = "awaiting_response"


def disposition_table(
    *, framework: Framework, outcome: str | None = None, group: str | None = None
) -> QuerySet[Comment]:
    """Every top-level comment of the framework with its disposition (or none yet), filtered by
    outcome (or ``awaiting_response``) and the commenter's group. Tombstones stay listed: the
    record shows the comment existed and any answer it already had. The API, its CSV and the
    page all read this."""
    queryset = (
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
    if outcome == AWAITING:
        queryset = queryset.filter(disposition__isnull=True)
    elif outcome:
        queryset = queryset.filter(disposition__outcome=outcome)
    if group:
        queryset = queryset.filter(author_group=group)
    return queryset


def disposition_record(comment: Comment, reader: Reader) -> dict[str, Any]:
    """One row of the disposition table as the API and its CSV give it."""
    disposition: Disposition | None = getattr(comment, "disposition", None)
    author = author_of(comment, reader)
    return {
        "comment": comment.pk,
        "clause": comment.clause_id,
        "clause_number": comment.clause.position,
        "clause_title": comment.clause.title,
        "author": (author or {}).get("display_name", ""),
        "stakeholder_group": comment.author_group,
        # As the rest of the API writes times: UTC with a Z.
        "created_at": timestamp(comment.created_at),
        "excerpt": comment.body[:300] if comment.status == Comment.Status.VISIBLE else "",
        "status": comment.status,
        "outcome": disposition.outcome if disposition else AWAITING,
        "response": disposition.response if disposition else "",
        "version": disposition.version.number if disposition and disposition.version else None,
        "amendment": disposition.amendment_id if disposition else None,
        "decided_at": timestamp(disposition.decided_at) if disposition else None,
    }
