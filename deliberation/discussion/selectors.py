"""Reads of comments: pages of a clause's comments and threads with everything a reader sees
(attribution, moderation, the controls they may use), each in a fixed number of queries
whatever the size of the thread. The organizers' tables are in ``discussion.tables``.

A page of top-level threads costs: their ids (1), the threads to the nesting limit with
authors, organizations, versions and dispositions joined (1), their mentions (1), and the
reaction summary (2, or 1 when signed out).

Past the usual module length on purpose: the clause page's threads and a thread's own page
share the Node they build, the limits that bound them (MAX_DEPTH, THREADS_PER_PAGE,
REPLIES_SHOWN, THREAD_PAGE) and the helpers that attach authors and reactions; split, each
half would import most of the other. The quoted passages (``discussion.quotes``) and the
organizers' tables live apart. ``build_thread`` is past 50 lines for the same reason as the
page: one pass that must treat the root, its replies and the strays of a later page alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.urls import reverse

from convene.models import StakeholderGroup
from deliberation.discussion import ordering
from deliberation.discussion.attribution import Reader, author_of, reader_for
from deliberation.discussion.ordering import ThreadOrder
from deliberation.discussion.permissions import can_comment, comment_actions, shows_content
from deliberation.models import (
    Clause,
    ClauseVisit,
    Comment,
    Flag,
    Framework,
    Reaction,
    Summary,
)

VERSION_BODY = ("version__text", "version__spec", "version__rationale")


def comment_list(*, clause: Clause) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(clause=clause)
        .select_related(
            "author",
            "author_organization",
            "version",
            "disposition__version",
            "disposition__decided_by",
            # Named by its number in the disposition ("Amendment 2"); its text is not shown.
            "disposition__amendment",
        )
        .defer("disposition__amendment__text", "disposition__amendment__diff_ops")
        .prefetch_related("mentions")
        # A comment names its version and its disposition's by number: the texts stay behind.
        .defer(*VERSION_BODY, *(f"disposition__{name}" for name in VERSION_BODY))
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


# --- threads as the pages show them ----------------------------------------------------------
# Replies nest this many levels under a top-level comment; deeper ones continue on the
# thread's own page.
MAX_DEPTH = 4
# Twenty threads a page, as forums do: with their first replies, the clause page renders at most
# THREADS_PER_PAGE * (REPLIES_SHOWN + 1) comments however busy the clause is.
THREADS_PER_PAGE = 20
# The clause page shows each thread's first replies (in the order they were posted); the rest
# are a click away ("Show all N replies"), so a page costs the same whatever a thread's size.
# As many as the nesting limit, so a chain of replies still reaches "Continue this thread".
REPLIES_SHOWN = MAX_DEPTH
# A thread's own page (and a comment re-rendered after an action) shows at most this many of
# its replies, the first posted; "Next replies" continues after the last one shown.
THREAD_PAGE = 50
STANCES = ("agree", "disagree", "pass")
GROUPS = [*StakeholderGroup.choices, ("none", "No stakeholder group")]
GROUP_LABELS = dict(GROUPS)


@dataclass(frozen=True)
class Viewer(Reader):
    """A reader of one clause's threads, and whether they may start a new one there."""

    can_post: bool = False
    # Why a member may not post now (the comment phase is closed), shown instead of the form.
    closed_message: str = ""


@dataclass
class Node:
    comment: Comment
    level: int
    author: dict[str, Any] | None
    children: list[Node] = field(default_factory=list)
    # Replies exist past the nesting limit: "Continue this thread →".
    more: bool = False
    # A thread's root on the clause page: how many of its replies the page leaves out, and the
    # last one it shows (the rest are loaded after it).
    replies_left: int = 0
    last_shown: int = 0
    # When a thread's page (or a re-rendered comment) leaves replies out: where they continue.
    continue_url: str = ""
    # On a later page of a thread: the reply's parent is on an earlier page.
    reply_to: int = 0
    groups: list[dict[str, Any]] = field(default_factory=list)
    mine: str = ""
    error: dict[str, Any] | None = None
    # The controls to draw (``can.reply``, ``can.flag``…): each one the API would allow.
    can: dict[str, bool] = field(default_factory=dict)
    # Whether the reader sees the comment's words (visible, or hidden and they moderate).
    shown: bool = False
    # Posted by someone else since the reader's last visit; whether a reply below it was.
    new: bool = False
    new_activity: bool = False

    @property
    def can_act(self) -> bool:
        return any(self.can.values())

    @property
    def flagged(self) -> bool:
        """Whether the reader flagged it: annotated by the selector, no query per comment."""
        return bool(getattr(self.comment, "flagged_by_viewer", False))

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


def viewer_for(user: Any, clause: Clause) -> Viewer:
    reader = reader_for(user, clause.framework)
    post = can_comment(user, clause)
    closed = post.message if reader.membership is not None and post.status == 409 else ""
    return Viewer(**vars(reader), can_post=bool(post), closed_message=closed)


def author_for(comment: Comment, reader: Reader) -> dict[str, Any] | None:
    """``author_of`` with the group's label, as the pages show it."""
    author = author_of(comment, reader)
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


def _annotated(queryset: QuerySet[Comment], user: Any) -> QuerySet[Comment]:
    """Whether each comment has replies, and whether the reader flagged it (``can_flag`` reads
    it), in the same query."""
    queryset = queryset.annotate(has_replies=Exists(Comment.objects.filter(parent=OuterRef("pk"))))
    if user is not None and user.is_authenticated:
        mine = Flag.objects.filter(comment=OuterRef("pk"), user_id=user.pk)
        queryset = queryset.annotate(flagged_by_viewer=Exists(mine))
    return queryset


def _nodes(
    clause: Clause,
    comments: list[Comment],
    tops: list[Comment],
    viewer: Viewer,
    *,
    base: int,
    errors: dict[int, dict[str, Any]],
    since: datetime | None = None,
) -> list[Node]:
    by_parent: dict[int | None, list[Comment]] = defaultdict(list)
    for c in comments:
        by_parent[c.parent_id].append(c)
    by_group, mine = reaction_summary(comments, user=viewer.user)

    reader_id = getattr(viewer.user, "pk", None)

    def node(c: Comment) -> Node:
        level = c.depth - base
        deep = level >= MAX_DEPTH
        c.clause = clause
        children = [] if deep else [node(child) for child in by_parent.get(c.pk, [])]
        return Node(
            comment=c,
            level=level,
            author=author_for(c, viewer),
            children=children,
            more=deep and bool(getattr(c, "has_replies", False)),
            groups=_group_rows(by_group.get(c.pk, {})),
            mine=mine.get(c.pk, ""),
            error=errors.get(c.pk),
            can=comment_actions(viewer.user, c),
            shown=shows_content(viewer.user, c, organizer=viewer.organizer),
            new=since is not None and c.created_at > since and c.author_id != reader_id,
            new_activity=any(child.new or child.new_activity for child in children),
        )

    return [node(c) for c in tops]


def _thread_position(clause: Clause, order: ThreadOrder, after: int) -> dict[str, Any] | None:
    """Where the page after thread ``after`` starts: its id alone in the default order (no
    query), else its stored figures (one query); None to start from the beginning."""
    if not after:
        return None
    if order.columns == ["id"]:
        return {"id": after}
    threads = Comment.objects.filter(clause=clause, parent=None, pk=after)
    return threads.values(*order.columns).first()


# Each thread's root and first replies, by id: on PostgreSQL one index probe per thread
# (deliberation_comment_root_id), however long the threads are.
FIRST_OF_THREADS_SQL = """
    SELECT first.id FROM unnest(%s::bigint[]) AS thread(id)
    CROSS JOIN LATERAL (
        SELECT reply.id FROM deliberation_comment AS reply
        WHERE reply.root_id = thread.id AND reply.depth <= %s
        ORDER BY reply.id LIMIT %s
    ) AS first
"""


def _first_of_threads(ids: list[int]) -> Q:
    """The roots ``ids`` and their first ``REPLIES_SHOWN`` replies within the nesting limit. A
    reply's parent was posted before it, so the first ones by id always include their parents.
    Elsewhere than PostgreSQL (the embedded SQLite) a window function numbers them instead."""
    if connection.vendor == "postgresql":
        # = ANY(ARRAY(...)): PostgreSQL runs the subquery once, then reads those rows by key,
        # where IN (...) may scan every comment of the clause to join them.
        # Constant SQL; the values go as parameters.
        probe = RawSQL(  # noqa: S611
            f'"deliberation_comment"."id" = ANY(ARRAY({FIRST_OF_THREADS_SQL}))',
            (ids, MAX_DEPTH, REPLIES_SHOWN + 1),
            output_field=BooleanField(),
        )
        return Q(probe)
    first = Window(RowNumber(), partition_by=[F("root_id")], order_by=F("id").asc())
    numbered = (
        Comment.objects.filter(root_id__in=ids, depth__lte=MAX_DEPTH)
        .annotate(place=first)
        .filter(place__lte=REPLIES_SHOWN + 1)
    )
    return Q(pk__in=list(numbered.values_list("pk", flat=True)))


def clause_threads(
    clause: Clause,
    viewer: Viewer,
    *,
    after: int,
    errors: dict[int, dict[str, Any]],
    order: ThreadOrder = ordering.DEFAULT,
    since: datetime | None = None,
) -> tuple[list[Node], int | None]:
    """One page of the clause's top-level threads in ``order``, after the thread ``after``, and
    the thread to continue after when there are more. ``since`` (the reader's last visit)
    marks what is new."""
    threads = Comment.objects.filter(clause=clause, parent=None)
    position = _thread_position(clause, order, after)
    ids = list(
        ordering.arrange(threads, order, position=position).values_list("id", flat=True)[
            : THREADS_PER_PAGE + 1
        ]
    )
    next_after = ids[THREADS_PER_PAGE - 1] if len(ids) > THREADS_PER_PAGE else None
    ids = ids[:THREADS_PER_PAGE]
    if not ids:
        return [], None
    comments = list(
        _annotated(comment_list(clause=clause).filter(_first_of_threads(ids)), viewer.user)
    )
    rank = {pk: index for index, pk in enumerate(ids)}
    tops = sorted((c for c in comments if c.parent_id is None), key=lambda c: rank[c.pk])
    nodes = _nodes(clause, comments, tops, viewer, base=0, errors=errors, since=since)
    shown: dict[int | None, int] = defaultdict(int)
    last: dict[int | None, int] = {}
    for c in comments:
        shown[c.root_id] += c.parent_id is not None
        last[c.root_id] = max(last.get(c.root_id, 0), c.pk)
    for node in nodes:
        node.replies_left = max(0, node.comment.reply_count - shown[node.comment.pk])
        node.last_shown = last.get(node.comment.pk, node.comment.pk)
    return nodes, next_after


def shown_on_clause_page(comment: Comment) -> bool:
    """Whether the clause page shows ``comment`` (within the nesting limit) in its thread: the
    root, and its first replies (one query for a reply)."""
    if comment.parent_id is None:
        return True
    root = comment.root_id or comment.pk
    earlier = Comment.objects.filter(root_id=root, id__lt=comment.pk, depth__lte=MAX_DEPTH)
    return earlier.count() <= REPLIES_SHOWN


def build_thread(
    comment: Comment,
    viewer: Viewer,
    *,
    errors: dict[int, dict[str, Any]],
    base_depth: int | None = None,
    after: int = 0,
) -> Node:
    """``comment`` with its first ``THREAD_PAGE`` replies to the nesting limit, counted from
    ``base_depth`` (the depth the page it sits on starts from; by default the comment's own);
    ``continue_url`` is set when more follow. Bounded: one row more than a page, whatever the
    thread's size.

    ``after`` (a thread's root only: every comment of the thread is a reply to it) shows the
    replies posted after that one; those whose parent is on an earlier page are listed under
    the root at their own depth, with ``reply_to`` naming the parent."""
    root = comment.root_id or comment.pk
    after = after if comment.pk == root else 0
    base = comment.depth if base_depth is None else min(base_depth, comment.depth)
    # A reply is posted after what it answers, so the first ones by id include their parents;
    # ``comment`` comes first, its id being the smallest.
    comments = list(
        _annotated(
            comment_list(clause=comment.clause).filter(
                Q(pk=comment.pk)
                | Q(
                    root_id=root,
                    depth__gt=comment.depth,
                    depth__lte=base + MAX_DEPTH,
                    pk__gt=max(after, comment.pk),
                )
            ),
            viewer.user,
        )[: THREAD_PAGE + 2]
    )
    focus, replies = comments[:1], comments[1:]
    comments = comments[: THREAD_PAGE + 1]
    shown = {c.pk for c in comments}
    # Off the page's tree: on a root's later page, replies to earlier pages; otherwise comments
    # of the thread that do not descend from ``comment`` (left out).
    strays = [c for c in comments[1:] if c.parent_id not in shown] if after else []
    node, *stray_nodes = _nodes(
        comment.clause, comments, [*focus, *strays], viewer, base=base, errors=errors
    )
    for stray in stray_nodes:
        stray.reply_to = stray.comment.parent_id or 0
    node.children = sorted([*node.children, *stray_nodes], key=lambda n: n.comment.pk)
    if len(replies) > THREAD_PAGE:
        last = replies[THREAD_PAGE - 1].pk
        node.continue_url = f"{reverse('comment_thread', args=[root])}?after={last}"
    return node


def thread_page_start(comment: Comment) -> int:
    """The ``after`` of the page of its thread's own page that shows ``comment`` (a reply within
    the nesting limit): 0 for the first page. One query, two past the first page."""
    root = comment.root_id or comment.pk
    earlier = Comment.objects.filter(
        root_id=root, depth__gte=1, depth__lte=MAX_DEPTH, pk__lt=comment.pk
    )
    page = earlier.count() // THREAD_PAGE
    if not page:
        return 0
    return int(earlier.order_by("pk").values_list("pk", flat=True)[page * THREAD_PAGE - 1])


def summary_for(clause: Clause) -> dict[str, Any] | None:
    """The clause's thread summary as the page shows it (one query), or None before the
    first: each point with links to the comments it cites."""
    summary = Summary.objects.filter(clause=clause).first()
    if summary is None:
        return None

    def points(key: str) -> list[dict[str, Any]]:
        return [
            {
                "text": point["text"],
                "comments": [
                    {"id": pk, "url": reverse("comment_link", args=[pk])}
                    for pk in point["comments"]
                ],
            }
            for point in summary.data.get(key, [])
        ]

    groups = [
        {"label": GROUP_LABELS.get(group, group), **counts}
        for group, counts in summary.data.get("by_group", {}).items()
    ]
    return {
        "generated_at": summary.generated_at,
        "comment_count": summary.comment_count,
        "covers_until": summary.covers_until,
        "key_points": points("key_points"),
        "common_ground": points("common_ground"),
        "divides": points("divides"),
        "groups": groups,
    }


def new_comment_counts(*, user: Any, framework: Framework) -> dict[int, int]:
    """Per clause of ``framework``, the visible comments others posted since ``user`` last
    opened it; clauses they never opened are left out. One query, over the (clause, created_at)
    index: it reads only what is new."""
    if user is None or not user.is_authenticated:
        return {}
    seen = ClauseVisit.objects.filter(user_id=user.pk, clause=OuterRef("clause")).values("seen_at")
    rows = (
        Comment.objects.filter(
            clause__framework=framework,
            status=Comment.Status.VISIBLE,
            created_at__gt=Subquery(seen[:1]),
        )
        .exclude(author_id=user.pk)
        .values("clause")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["clause"]: row["n"] for row in rows}
