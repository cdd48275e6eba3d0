"""Search over frameworks, clauses and comments: what the public may read, plus, for a member,
their own convenings'.

Who sees what (the same for the page and the API):
- anyone: published frameworks (whatever their convening's visibility) and their clauses, and
  the visible comments on published frameworks of public convenings; a private convening's
  comments stay private after it publishes;
- a member, besides: their convenings' frameworks at every status, their clauses and visible
  comments.
No result names a comment's author: attribution is a promise, and search keeps it by showing
none.

PostgreSQL: full-text search (``websearch_to_tsquery`` on English stems), ranked, with
``ts_headline`` snippets, on GIN expression indexes (migration 0011) that the queries' own
expressions match. SQLite, the embedded default: every word must appear (case-insensitive),
newest first, the snippet cut around the first hit. Either way a page costs one query per kind
searched, whatever the size of the data.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.urls import reverse

from convene.models import Convening, Membership
from deliberation.models import Clause, Comment, Framework
from deliberation.text.selectors import Numbering

KINDS = ("framework", "clause", "comment")
PAGE_SIZE = 20
MAX_PAGE = 50
MAX_QUERY = 200
CONFIG = "english"
# What ts_headline marks a hit with: characters no text should carry, turned into <mark> after
# the snippet is escaped.
START, STOP = "\ue000", "\ue001"
HEADLINE: dict[str, Any] = {
    "max_words": 30,
    "min_words": 12,
    "max_fragments": 2,
    "fragment_delimiter": " … ",
}
_MARKDOWN = re.compile(r"[*_`#>\[\]]+|\]\([^)]*\)")
_SPACES = re.compile(r"\s+")
_TERMS = re.compile(r"\w+", re.UNICODE)
SNIPPET_CHARS = 220

# The documents each kind is searched in: the GIN indexes of migration 0011 are built from
# exactly these expressions, so the planner can use them.
VECTORS = {
    "framework": ("title", "preamble"),
    "clause": ("title", "text"),
    "comment": ("body",),
}


def vector(kind: str) -> SearchVector:
    return SearchVector(*VECTORS[kind], config=CONFIG)


@dataclass(frozen=True)
class Hit:
    kind: str
    title: str
    snippet: str  # HTML: escaped text with <mark> around the matched words
    url: str
    framework: dict[str, str]
    convening: dict[str, str]
    clause: int | None
    published: bool
    rank: float = field(default=0.0, compare=False)


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    page: int
    has_next: bool


def _member_convenings(user: Any) -> Any:
    if user is None or not user.is_authenticated:
        return Convening.objects.none().values("pk")
    return Membership.objects.filter(user=user).values("convening_id")


def _visible(user: Any, prefix: str, *, comments: bool = False) -> Q:
    """The filter for rows whose framework is at ``prefix`` (``""`` for Framework itself)."""
    published = Q(**{f"{prefix}status": Framework.Status.PUBLISHED})
    if comments:
        published &= Q(**{f"{prefix}convening__visibility": Convening.Visibility.PUBLIC})
    return published | Q(**{f"{prefix}convening_id__in": _member_convenings(user)})


def searchable_convenings(user: Any) -> list[tuple[str, str]]:
    """(slug, title) of every convening that search can find something in for ``user``: public
    ones, those with a published framework, and the user's own; one query."""
    visible = (
        Q(visibility=Convening.Visibility.PUBLIC)
        | Q(pk__in=Framework.objects.filter(status=Framework.Status.PUBLISHED).values("convening"))
        | Q(pk__in=_member_convenings(user))
    )
    return list(Convening.objects.filter(visible).order_by("title").values_list("slug", "title"))


def _base(kind: str, user: Any, convening: str | None) -> QuerySet[Any]:
    if kind == "framework":
        rows: QuerySet[Any] = Framework.objects.filter(_visible(user, "")).select_related(
            "convening"
        )
        prefix = ""
    elif kind == "clause":
        rows = Clause.objects.filter(_visible(user, "framework__")).select_related(
            "framework__convening"
        )
        prefix = "framework__"
    else:
        rows = (
            Comment.objects.filter(_visible(user, "clause__framework__", comments=True))
            .filter(status=Comment.Status.VISIBLE)
            .select_related("clause__framework__convening")
            .defer("body_html")
        )
        prefix = "clause__framework__"
    if convening:
        rows = rows.filter(**{f"{prefix}convening__slug": convening})
    return rows


def _postgres(rows: QuerySet[Any], kind: str, q: str, limit: int) -> list[tuple[Any, str, float]]:
    query = SearchQuery(q, config=CONFIG, search_type="websearch")
    text = VECTORS[kind][-1]
    found = (
        rows.annotate(document=vector(kind))
        .filter(document=query)
        .annotate(
            rank=SearchRank(F("document"), query),
            headline=SearchHeadline(
                text, query, config=CONFIG, start_sel=START, stop_sel=STOP, **HEADLINE
            ),
        )
        .order_by("-rank", "-pk")[:limit]
    )
    return [(row, row.headline, float(row.rank)) for row in found]


def _terms(q: str) -> list[str]:
    return _TERMS.findall(q)[:8]


def _fallback(rows: QuerySet[Any], kind: str, q: str, limit: int) -> list[tuple[Any, str, float]]:
    """Every word in one of the kind's fields, newest first; the snippet around the first hit."""
    terms = _terms(q)
    if not terms:
        return []
    for term in terms:
        match = Q()
        for name in VECTORS[kind]:
            match |= Q(**{f"{name}__icontains": term})
        rows = rows.filter(match)
    found = rows.order_by("-pk")[:limit]
    return [(row, _cut(getattr(row, VECTORS[kind][-1]), terms), 0.0) for row in found]


def _cut(text: str, terms: list[str]) -> str:
    """A snippet of ``text`` around its first hit, the hits between sentinels."""
    lowered = text.lower()
    first = min((i for t in terms if (i := lowered.find(t.lower())) >= 0), default=0)
    start = max(first - SNIPPET_CHARS // 3, 0)
    piece = text[start : start + SNIPPET_CHARS]
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    marked = pattern.sub(
        lambda m: f"{START}{m.group(0)}{STOP}", piece.replace(START, "").replace(STOP, "")
    )
    return ("… " if start else "") + marked + (" …" if start + SNIPPET_CHARS < len(text) else "")


def snippet_html(raw: str) -> str:
    """Escape the snippet, then mark its hits: balanced <mark>s whatever the text held."""
    plain = _SPACES.sub(" ", _MARKDOWN.sub(" ", raw)).strip()
    out, open_ = [], False
    for piece in re.split(f"([{START}{STOP}])", plain):
        if piece == START and not open_:
            out.append("<mark>")
            open_ = True
        elif piece == STOP and open_:
            out.append("</mark>")
            open_ = False
        elif piece not in (START, STOP):
            out.append(html.escape(piece))
    if open_:
        out.append("</mark>")
    return "".join(out)


def _framework_of(kind: str, row: Any) -> Framework:
    if kind == "framework":
        return row
    return row.framework if kind == "clause" else row.clause.framework


def _hit(kind: str, row: Any, headline: str, rank: float, numbering: Numbering) -> Hit:
    framework = _framework_of(kind, row)
    published = framework.status == Framework.Status.PUBLISHED
    reader = reverse("reader", kwargs={"slug": framework.slug})
    if kind == "framework":
        title = framework.title
        url = reader if published else reverse("framework_detail", kwargs={"slug": framework.slug})
        number = None
    elif kind == "clause":
        title, number = f"§{row.position} {row.title}", row.position
        url = (
            f"{reader}#clause-{row.position}"
            if published
            else reverse("clause_detail", kwargs={"clause_id": row.pk})
        )
    else:
        clause = row.clause
        title, number = f"Comment on §{clause.position} {clause.title}", clause.position
        url = reverse("comment_thread", kwargs={"comment_id": row.pk})
    return Hit(
        kind=kind,
        title=title,
        # Clause references are indexed as stored; the snippet shows their current numbers.
        snippet=snippet_html(numbering.display(headline or "")),
        url=url,
        framework={"slug": framework.slug, "title": framework.title},
        convening={"slug": framework.convening.slug, "title": framework.convening.title},
        clause=number,
        published=published,
        rank=rank,
    )


def search(
    *, user: Any, q: str, kind: str | None = None, convening: str | None = None, page: int = 1
) -> Results:
    """Page ``page`` of the hits for ``q`` (best first on PostgreSQL, newest first on SQLite)."""
    limit = page * PAGE_SIZE + 1
    find = _postgres if connection.vendor == "postgresql" else _fallback
    hits: list[Hit] = []
    numbering = Numbering()
    for one in (kind,) if kind else KINDS:
        rows = _base(one, user, convening)
        hits += [
            _hit(one, row, headline, rank, numbering)
            for row, headline, rank in find(rows, one, q, limit)
        ]
    if connection.vendor == "postgresql":
        hits.sort(key=lambda h: -h.rank)
    window = hits[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1]
    return Results(hits=window[:PAGE_SIZE], page=page, has_next=len(window) > PAGE_SIZE)


__all__ = ["KINDS", "MAX_PAGE", "MAX_QUERY", "PAGE_SIZE", "Hit", "Results", "search", "vector"]
