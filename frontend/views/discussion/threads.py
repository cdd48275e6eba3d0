"""Building comment threads for the pages, in a fixed number of queries.

A page of top-level comments costs: their ids (1), the threads to the nesting limit with
authors, organizations, versions and dispositions joined (1), their mentions (1), and the
reaction summary (2, or 1 when signed out), whatever the number of comments.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from convene.models import Membership, Role, StakeholderGroup
from convene.permissions import membership_of
from deliberation.discussion.attribution import author_of
from deliberation.discussion.selectors import comment_list, reaction_summary, viewer_sees_names
from deliberation.models import Clause, Comment, Framework

# Replies nest this many levels under a top-level comment; deeper ones continue on the
# thread's own page.
MAX_DEPTH = 4
THREADS_PER_PAGE = 50
STANCES = ("agree", "disagree", "pass")
GROUPS = [*StakeholderGroup.choices, ("none", "No stakeholder group")]
GROUP_LABELS = dict(GROUPS)
# Markdown emphasis and code marks: a quote selected in the rendered text has none of them.
_MARKUP = "[*_`~]*"


@dataclass
class Viewer:
    """Who is looking, and what that lets them see and do on this framework's threads."""

    user: Any
    membership: Membership | None
    organizer: bool
    names: bool
    show_country: bool
    can_post: bool
    closed_message: str


@dataclass
class Node:
    comment: Comment
    level: int
    author: dict[str, Any] | None
    children: list[Node] = field(default_factory=list)
    # Replies exist past the nesting limit: "Continue this thread →".
    more: bool = False
    groups: list[dict[str, Any]] = field(default_factory=list)
    mine: str = ""
    error: dict[str, Any] | None = None

    @property
    def is_top_level(self) -> bool:
        return self.comment.parent_id is None

    @property
    def disposition(self) -> Any:
        """Joined by the selector; None when organizers have not answered yet."""
        return getattr(self.comment, "disposition", None) if self.is_top_level else None

    @property
    def stances(self) -> list[dict[str, Any]]:
        c = self.comment
        counts = {"agree": c.agree_count, "disagree": c.disagree_count, "pass": c.pass_count}
        return [
            {"value": s, "label": s.capitalize(), "count": counts[s], "mine": self.mine == s}
            for s in STANCES
        ]


def _comment_phase_open(framework: Framework, membership: Membership | None) -> bool:
    if membership is None:
        return False
    if framework.status == Framework.Status.CONSULTATION:
        return True
    return framework.status == Framework.Status.DRAFT and membership.role == Role.ORGANIZER


def viewer_for(request: HttpRequest, framework: Framework) -> Viewer:
    membership = membership_of(request.user, framework.convening)
    can_post = _comment_phase_open(framework, membership)
    closed = ""
    if membership is not None and not can_post:
        closed = (
            "Comments are open only while the framework is in consultation "
            f"(organizers also in draft); it is in {framework.status}."
        )
    return Viewer(
        user=request.user,
        membership=membership,
        organizer=membership is not None and membership.role == Role.ORGANIZER,
        names=viewer_sees_names(request.user, framework),
        show_country=framework.convening.attribution_shows_country,
        can_post=can_post,
        closed_message=closed,
    )


def author_for(comment: Comment, viewer: Viewer) -> dict[str, Any] | None:
    author = author_of(comment, names=viewer.names, show_country=viewer.show_country)
    if author is None:
        return None
    group = author.get("stakeholder_group") or ""
    author["group_label"] = GROUP_LABELS.get(group, "")
    if not group:
        author["group_label"] = (comment.author_role or "member").capitalize()
    return author


def _group_rows(counts: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """Per-group stance counts with the segments of a stacked bar (percent of that group)."""
    rows = []
    for key, label in GROUPS:
        group = counts.get(key)
        total = sum(group.values()) if group else 0
        if not group or not total:
            continue
        x, segments = 0.0, []
        for stance in STANCES:
            width = 100 * group.get(stance, 0) / total
            if width:
                segments.append({"stance": stance, "x": f"{x:.2f}", "width": f"{width:.2f}"})
            x += width
        rows.append({"key": key, "label": label, "total": total, "segments": segments, **group})
    return rows


def _with_reply_flag(queryset: QuerySet[Comment]) -> QuerySet[Comment]:
    return queryset.annotate(has_replies=Exists(Comment.objects.filter(parent=OuterRef("pk"))))


def _nodes(
    comments: list[Comment],
    tops: list[Comment],
    viewer: Viewer,
    *,
    base: int,
    errors: dict[int, dict[str, Any]],
) -> list[Node]:
    by_parent: dict[int | None, list[Comment]] = defaultdict(list)
    for c in comments:
        by_parent[c.parent_id].append(c)
    by_group, mine = reaction_summary(comments, user=viewer.user)

    def node(c: Comment) -> Node:
        level = c.depth - base
        deep = level >= MAX_DEPTH
        return Node(
            comment=c,
            level=level,
            author=author_for(c, viewer),
            children=[] if deep else [node(child) for child in by_parent.get(c.pk, [])],
            more=deep and bool(getattr(c, "has_replies", False)),
            groups=_group_rows(by_group.get(c.pk, {})),
            mine=mine.get(c.pk, ""),
            error=errors.get(c.pk),
        )

    return [node(c) for c in tops]


def clause_threads(
    clause: Clause, viewer: Viewer, *, after: int, errors: dict[int, dict[str, Any]]
) -> tuple[list[Node], int | None]:
    """One page of the clause's top-level threads (ids greater than ``after``), and the id to
    continue after when there are more."""
    ids = list(
        Comment.objects.filter(clause=clause, parent=None, id__gt=after)
        .order_by("id")
        .values_list("id", flat=True)[: THREADS_PER_PAGE + 1]
    )
    next_after = ids[THREADS_PER_PAGE - 1] if len(ids) > THREADS_PER_PAGE else None
    ids = ids[:THREADS_PER_PAGE]
    comments = list(
        _with_reply_flag(comment_list(clause=clause).filter(root_id__in=ids, depth__lte=MAX_DEPTH))
    )
    tops = [c for c in comments if c.parent_id is None]
    return _nodes(comments, tops, viewer, base=0, errors=errors), next_after


def build_thread(
    comment: Comment,
    viewer: Viewer,
    *,
    errors: dict[int, dict[str, Any]],
    base_depth: int | None = None,
) -> Node:
    """``comment`` with its replies to the nesting limit, counted from ``base_depth`` (the
    depth the page it sits on starts from; by default the comment's own)."""
    base = comment.depth if base_depth is None else min(base_depth, comment.depth)
    comments = list(
        _with_reply_flag(
            comment_list(clause=comment.clause).filter(
                root_id=comment.root_id or comment.pk,
                depth__gte=comment.depth,
                depth__lte=base + MAX_DEPTH,
            )
        )
    )
    focus = next(c for c in comments if c.pk == comment.pk)
    return _nodes(comments, [focus], viewer, base=base, errors=errors)[0]


def anchors_for(clause: Clause) -> list[dict[str, Any]]:
    """(paragraph, quote, comment) of the clause's visible anchored comments, for marking."""
    rows = (
        Comment.objects.filter(
            clause=clause, status=Comment.Status.VISIBLE, anchor_paragraph__isnull=False
        )
        .order_by("id")
        .values_list("pk", "anchor_paragraph", "anchor_quote")
    )
    return [{"paragraph": p, "quote": q, "comment": pk} for pk, p, q in rows]


def source_quote(source: str, quote: str) -> str:
    """The span of a paragraph's Markdown ``source`` that reads as ``quote`` once rendered
    (emphasis and code marks dropped, whitespace collapsed); ``quote`` itself if none does."""
    quote = quote.strip()
    if not quote or quote in source:
        return quote
    parts = [r"\s+" if ch.isspace() else re.escape(ch) for ch in re.sub(r"\s+", " ", quote)]
    found = re.search(_MARKUP.join(parts), source)
    return found.group(0) if found else quote
