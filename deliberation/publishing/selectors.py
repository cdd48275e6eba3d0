"""Reads of the public record: published frameworks and their editions, for anyone."""

from __future__ import annotations

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.http import Http404

from deliberation.models import Framework
from deliberation.publishing.models import Edition


def published_list() -> QuerySet[Edition]:
    """The latest edition of every published framework, newest first: the framework is
    public once published, whatever its convening's visibility."""
    latest = (
        Edition.objects.filter(framework=OuterRef("framework"))
        .order_by("-number")
        .values("number")[:1]
    )
    return (
        Edition.objects.filter(number=Subquery(latest))
        .select_related("framework__convening")
        .order_by("-published_at", "-id")
    )


def edition(*, slug: str, number: int | None = None) -> Edition:
    """An edition of a published framework (the latest when ``number`` is None), else 404."""
    editions = Edition.objects.filter(framework__slug=slug).select_related("framework")
    found = (
        editions.filter(number=number).first()
        if number is not None
        else editions.order_by("-number").first()
    )
    if found is None:
        raise Http404("No such published framework or edition.")
    return found


def latest_number(framework: Framework) -> int:
    return Edition.objects.filter(framework=framework).aggregate(n=Max("number"))["n"] or 0
