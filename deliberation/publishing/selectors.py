"""Reads of the public record: published frameworks and their editions, for anyone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache, caches
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.http import Http404

from deliberation.models import Framework
from deliberation.publishing.models import Edition


def published_list() -> QuerySet[Edition]:
    """The latest edition of every published framework, newest first: the framework is
    public once published, whatever its convening's visibility. Without the frozen document,
    which a list does not show."""
    latest = (
        Edition.objects.filter(framework=OuterRef("framework"))
        .order_by("-number")
        .values("number")[:1]
    )
    return (
        Edition.objects.filter(number=Subquery(latest))
        .select_related("framework__convening")
        .defer("content")
        .order_by("-published_at", "-id")
    )


def edition_feed(*, convening: Any = None) -> QuerySet[Edition]:
    """Every edition (of ``convening``'s frameworks, when given), newest first, with the title it
    was published under and the round that adopted it, without the rest of the frozen
    document."""
    editions = (
        Edition.objects.all()
        if convening is None
        else Edition.objects.filter(framework__convening=convening)
    )
    return (
        editions.select_related("framework__convening")
        .defer("content")
        .annotate(
            published_title=KT("content__framework__title"),
            adopted_in_title=KT("content__edition__adopted_in__title"),
        )
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


# How long a cached "latest edition" may outlive a publish that raced its read; publishing
# clears it on commit, so this bounds only that race.
LATEST_TTL = 300
# How long "no such edition" is remembered: publishing clears it too.
MISS_TTL = 60
# How long each process keeps the latest edition before asking the shared cache again: another
# process sees a new edition within this (the one that published forgets at once).
LATEST_LOCAL_TTL = 2


@dataclass(frozen=True)
class Stamp:
    """What identifies an edition's bytes: its number and content hash."""

    number: int
    content_hash: str


def _latest_key(slug: str) -> str:
    return f"publishing:latest:{slug}"


def _edition_key(slug: str, number: int) -> str:
    return f"publishing:edition:{slug}:{number}"


def latest_stamp(slug: str) -> Stamp | None:
    """The latest edition of ``slug``, from this process's copy (at most ``LATEST_LOCAL_TTL``
    old), else the shared cache, else one query."""
    local = caches["local"]
    hit = local.get(_latest_key(slug))
    if hit is None:
        hit = _shared_latest(slug)
        local.set(_latest_key(slug), hit, LATEST_LOCAL_TTL)
    return Stamp(*hit) if hit else None


def _shared_latest(slug: str) -> list[Any]:
    hit = cache.get(_latest_key(slug))
    if hit is None:
        row = (
            Edition.objects.filter(framework__slug=slug)
            .order_by("-number")
            .values_list("number", "content_hash")
            .first()
        )
        hit = list(row) if row else []
        cache.set(_latest_key(slug), hit, LATEST_TTL if row else MISS_TTL)
    return list(hit)


def edition_stamp(slug: str, number: int) -> Stamp | None:
    """Edition ``number`` of ``slug``: cached for good once found, as an edition never changes."""
    hit = cache.get(_edition_key(slug, number))
    if hit is None:
        found = (
            Edition.objects.filter(framework__slug=slug, number=number)
            .values_list("content_hash", flat=True)
            .first()
        )
        hit = found or ""
        cache.set(_edition_key(slug, number), hit, None if found else MISS_TTL)
    return Stamp(number, hit) if hit else None


def forget(slug: str, number: int) -> None:
    """After a publish commits: the latest edition changed and ``number`` now exists."""
    keys = [_latest_key(slug), _edition_key(slug, number)]
    cache.delete_many(keys)
    caches["local"].delete_many(keys)
