"""Reads of frameworks and clauses, with what their callers touch already joined."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from convene.models import Convening
from convene.parsing import fits_column
from deliberation.models import Alternative, Amendment, Clause, ClauseVersion, Comment, Framework
from deliberation.text import crossrefs


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
            open_amendments=Count(
                "amendments", filter=Q(amendments__status=Amendment.Status.OPEN), distinct=True
            ),
        )
        .order_by("position")
    )


def reading_list(*, framework: Framework) -> QuerySet[Clause]:
    """Every clause for the one-page reading view: its current version, its visible comments
    counted, its open alternatives (``open_alternatives``, by label). Two queries whatever the
    size of the framework."""
    return (
        Clause.objects.filter(framework=framework)
        .select_related("current_version")
        .annotate(
            comment_count=Count("comments", filter=Q(comments__status=Comment.Status.VISIBLE))
        )
        .prefetch_related(
            Prefetch(
                "alternatives",
                queryset=Alternative.objects.filter(status=Alternative.Status.OPEN)
                .only("id", "clause_id", "label", "text")
                .order_by("label"),
                to_attr="open_alternatives",
            )
        )
        .order_by("position")
    )


def clause_numbers(*, framework: Framework) -> dict[int, int]:
    """Clause number → clause id, for turning §n in a clause's text into links."""
    return dict(Clause.objects.filter(framework=framework).values_list("position", "pk"))


def clause_refs(*, framework: Framework) -> crossrefs.Refs:
    """The framework's numbering now: turns ``§n`` into stored tokens and back (one query)."""
    return crossrefs.Refs(clause_numbers(framework=framework))


def refs_for(*, framework: Framework | int, texts: Iterable[str]) -> crossrefs.Refs:
    """The framework's numbering for showing ``texts``; read (one query) only when one of
    them may refer to a clause."""
    if any("§" in text for text in texts):
        numbers = Clause.objects.filter(framework=framework).values_list("position", "pk")
        return crossrefs.Refs(dict(numbers))
    return crossrefs.Refs({})


def display_text(*, framework: Framework | int, text: str) -> str:
    """``text`` as readers see it: clause references with current numbers. Reads the
    numbering (one query) only when the text holds a reference."""
    if not crossrefs.TOKEN.search(text):
        return text
    numbers = Clause.objects.filter(framework=framework).values_list("position", "pk")
    return crossrefs.Refs(dict(numbers)).display(text)


class Numbering:
    """Clause id → current number for showing stored references, read a framework at a time
    as the texts shown need them: a list of texts from one framework costs one query."""

    def __init__(self) -> None:
        self._numbers: dict[int, int] = {}
        self._asked: set[int] = set()

    def display(self, text: str) -> str:
        ids = crossrefs.referenced_ids(text)
        missing = ids - self._asked
        if missing:
            rows = Clause.objects.filter(framework__clauses__pk__in=missing).values_list(
                "pk", "position"
            )
            self._numbers.update(rows)
            self._asked |= missing | self._numbers.keys()
        return crossrefs.to_display(text, self._numbers) if ids else text


def version_list(*, clause: Clause) -> QuerySet[ClauseVersion]:
    return (
        ClauseVersion.objects.filter(clause=clause)
        # The amendment a version came from: its number, proposer and the reason it was
        # accepted (its proposer, not the version's author: versions written before issue 7
        # named the accepting organizer as author, and their hashes keep them so).
        .select_related("author", "accepted_by", "amendment__author", "amendment__decided_by")
        .defer("amendment__text", "amendment__diff_ops", "amendment__spec")
        .order_by("number")
    )


def amendment_list(*, clause: Clause) -> QuerySet[Amendment]:
    return (
        Amendment.objects.filter(clause=clause)
        .select_related("clause", "base_version", "author", "decided_by", "resulting_version")
        # The stored diff_ops already hold what the base text contributes to the display.
        .defer("base_version__text")
        .order_by("-created_at", "-id")
    )


def alternative_list(*, clause: Clause) -> QuerySet[Alternative]:
    return (
        Alternative.objects.filter(clause=clause)
        .select_related("proposer", "resolved_by")
        .order_by("label")
    )


def versions_by_number(*, clause: Clause, numbers: Iterable[int]) -> dict[int, ClauseVersion]:
    """The clause's versions with these numbers (one query); absent numbers are left out."""
    wanted = [n for n in numbers if fits_column(n)]
    return {v.number: v for v in version_list(clause=clause).filter(number__in=wanted)}


def open_items(*, framework: Framework) -> list[dict[str, Any]]:
    """What a vote would still have to settle: undecided amendments and unresolved brackets, in
    clause order (two queries). Shown to the organizer before moving to voting."""
    items: list[dict[str, Any]] = []
    amendments = (
        Amendment.objects.filter(clause__framework=framework, status=Amendment.Status.OPEN)
        .select_related("clause")
        .order_by("clause__position", "id")
    )
    for amendment in amendments:
        items.append(
            {
                "kind": "amendment",
                "id": amendment.pk,
                "number": amendment.number,
                "clause": amendment.clause_id,
                "clause_number": amendment.clause.position,
                "clause_title": amendment.clause.title,
                "options": [],
            }
        )
    # One row per open option of a bracketed clause, grouped here: one query however many.
    options = (
        Alternative.objects.filter(
            clause__framework=framework,
            clause__status=Clause.Status.BRACKETED,
            status=Alternative.Status.OPEN,
        )
        .order_by("clause__position", "label")
        .values_list("clause_id", "clause__position", "clause__title", "label")
    )
    brackets: dict[int, dict[str, Any]] = {}
    for clause_id, position, title, label in options:
        item = brackets.setdefault(
            clause_id,
            {
                "kind": "bracket",
                "id": clause_id,
                "clause": clause_id,
                "clause_number": position,
                "clause_title": title,
                "options": [],
            },
        )
        item["options"].append(label)
    items.extend(brackets.values())
    items.sort(key=lambda item: (item["clause_number"], item["kind"] != "bracket"))
    return items
