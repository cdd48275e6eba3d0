"""Reads of frameworks and clauses, with what their callers touch already joined."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from convene.models import Convening
from deliberation.models import Alternative, Amendment, Clause, ClauseVersion, Framework


def framework_list(*, convening: Convening) -> QuerySet[Framework]:
    return (
        Framework.objects.filter(convening=convening)
        .select_related("convening")
        .order_by("-created_at", "-id")
    )


def clause_list(*, framework: Framework) -> QuerySet[Clause]:
    return (
        Clause.objects.filter(framework=framework)
        .select_related("framework", "current_version")
        .annotate(
            open_amendments=Count("amendments", filter=Q(amendments__status="open"), distinct=True),
        )
        .order_by("position")
    )


def version_list(*, clause: Clause) -> QuerySet[ClauseVersion]:
    return ClauseVersion.objects.filter(clause=clause).select_related("author").order_by("number")


def amendment_list(*, clause: Clause) -> QuerySet[Amendment]:
    return (
        Amendment.objects.filter(clause=clause)
        .select_related("clause", "base_version", "author", "decided_by", "resulting_version")
        .order_by("-created_at", "-id")
    )


def alternative_list(*, clause: Clause) -> QuerySet[Alternative]:
    return (
        Alternative.objects.filter(clause=clause)
        .select_related("proposer", "resolved_by")
        .order_by("label")
    )
