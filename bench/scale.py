"""The negotiation-scale data set: the demo grown to hundreds of clauses, members and tens of
thousands of comments, one clause carrying half of them.

What carries rules goes through the services (clauses, with their versions, numbering and
audit events); what only adds volume is bulk-inserted (members, comments, reactions), with every
denormalized figure set as the services would have set it: a thread root's ``reply_count`` and
``last_activity_at``, a comment's reaction counts and ``agree_groups``, a reply's ``root`` and
``depth``. :func:`check` recomputes them from the rows and verifies the audit chain, so a builder
that drifts from the services fails loudly instead of measuring a data set no user could make.
"""

from __future__ import annotations

import html
import io
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bench.common import Broken
from bench.common import check as expect

WORDS = [
    "compute", "threshold", "training", "run", "flop", "audit", "inspectors", "access",
    "weights", "release", "evaluation", "incident", "report", "liability", "export", "open",
    "model", "risk", "notice", "pause", "verification", "panel", "lab", "independent",
    "disclosure", "deadline", "days", "months", "capability", "autonomy", "replication",
    "the", "of", "and", "should", "must", "within", "before", "after", "parties", "states",
]  # fmt: skip
GROUPS = ["policymaker", "industry", "civil_society"]
STANCES = ["agree", "agree", "disagree", "pass"]
FRAMEWORK = "coordinated-pause-framework"
DEPTH = 4  # replies nest this deep at most (deliberation.discussion.selectors.MAX_DEPTH)


@dataclass(frozen=True)
class Scale:
    clauses: int  # in the framework, the demo's included
    members: int  # in the convening, the demo's included
    comments: int  # added across the framework
    busy: int  # of which on the busiest clause
    longest: int  # the longest threads' size there (root and replies)
    long_threads: int  # how many threads that long


FULL = Scale(clauses=200, members=300, comments=40_000, busy=20_000, longest=576, long_threads=10)
QUICK = Scale(clauses=60, members=100, comments=6_000, busy=4_000, longest=576, long_threads=2)


@dataclass
class Place:
    """Where the scenarios point: the framework, its busiest clause and longest thread."""

    framework_slug: str
    busy_clause: int
    long_thread: int
    organizer: Any
    participant: Any


def busiest(framework_slug: str = FRAMEWORK) -> Place:
    """The demo's busiest clause of the working framework and its longest thread, and who
    reads them: the demo's organizer and a participant."""
    from django.db.models import Count

    from convene.models import Membership, Role
    from deliberation.models import Comment, Framework

    framework = Framework.objects.select_related("convening").get(slug=framework_slug)
    clause = (
        framework.clauses.annotate(n=Count("comments"))
        .order_by("-n", "position")
        .values_list("pk", flat=True)
    )[0]
    thread = (
        Comment.objects.filter(clause_id=clause, parent=None).order_by("-reply_count", "pk").first()
    )
    expect(thread is not None, "the demo's busiest clause has no comment")
    members = Membership.objects.filter(convening=framework.convening).select_related("user")
    organizer = members.filter(role=Role.ORGANIZER).order_by("pk").first()
    participant = (
        members.filter(role=Role.PARTICIPANT).exclude(organization=None).order_by("pk").first()
    )
    expect(organizer and participant, "the demo has no organizer or no participant")
    return Place(framework.slug, clause, thread.pk, organizer.user, participant.user)  # type: ignore[union-attr]


def _sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize() + "."


def _grow_clauses(place: Place, scale: Scale, rng: random.Random) -> list[Any]:
    from deliberation.models import Framework
    from deliberation.text import services as text

    framework = Framework.objects.get(slug=place.framework_slug)
    have = framework.clauses.count()
    for n in range(have, scale.clauses):
        text.clause_create(
            actor=place.organizer,
            framework=framework,
            kind=("scope", "definition", "obligation", "general")[n % 4],
            title=f"Provision {n + 1}",
            text="\n\n".join(_sentence(rng, 25, 60) for _ in range(3)),
        )
    return list(framework.clauses.select_related("current_version").order_by("position"))


def _grow_members(place: Place, scale: Scale) -> list[tuple[Any, str, Any]]:
    """(user, group, organization) of every participant with a group, bulk-added up to the
    scale's member count."""
    from convene.models import Membership, Organization, Role, User
    from deliberation.models import Framework

    convening = Framework.objects.get(slug=place.framework_slug).convening
    orgs = {g: list(Organization.objects.filter(memberships__stakeholder_group=g).distinct())
            for g in GROUPS}  # fmt: skip
    missing = scale.members - Membership.objects.filter(convening=convening).count()
    users = User.objects.bulk_create(
        User(
            email=f"delegate{n}@scale.example", handle=f"delegate{n}", display_name=f"Delegate {n}"
        )
        for n in range(max(0, missing))
    )
    Membership.objects.bulk_create(
        Membership(
            convening=convening,
            user=u,
            role=Role.PARTICIPANT,
            stakeholder_group=GROUPS[n % 3],
            organization=orgs[GROUPS[n % 3]][n % len(orgs[GROUPS[n % 3]])]
            if orgs[GROUPS[n % 3]]
            else None,
        )
        for n, u in enumerate(users)
    )
    rows = Membership.objects.filter(
        convening=convening, role=Role.PARTICIPANT, stakeholder_group__in=GROUPS
    ).select_related("user")
    return [(m.user, m.stakeholder_group, m.organization) for m in rows]


def _thread_sizes(total: int, scale: Scale, *, busy: bool) -> list[int]:
    """Thread sizes (root included) adding up to ``total``: on the busy clause a few threads of
    ``scale.longest``, the rest between 1 and 9; elsewhere between 1 and 9."""
    sizes = [scale.longest] * scale.long_threads if busy else []
    left = total - sum(sizes)
    expect(left >= 0, "the long threads do not fit the busy clause")
    n = 0
    while left > 0:
        size = min(left, 1 + n % 9)
        sizes.append(size)
        left -= size
        n += 1
    return sizes


def _add_threads(clause: Any, sizes: list[int], people: list[Any], rng: random.Random,
                 start: Any) -> int:  # fmt: skip
    """Bulk-insert threads of ``sizes`` on ``clause``: each root's replies nest up to DEPTH
    deep; a sixth of the roots quote a phrase of the clause's first paragraph; a tenth of the
    comments carry reactions from three groups, counted on the row."""
    from django.db.models import F

    from deliberation.discussion.anchors import paragraphs
    from deliberation.models import Comment

    version = clause.current_version
    words = paragraphs(version.text)[0].split()
    quotes = [" ".join(words[i : i + 3]) for i in range(0, max(1, len(words) - 3), 4)][:8]
    clock = [start]

    def new(n: int, **kw: Any) -> Comment:
        user, group, org = people[n % len(people)]
        clock[0] += timedelta(seconds=7)
        body = _sentence(rng, 12, 70)
        return Comment(
            clause=clause, version=version, body=body, body_html=f"<p>{html.escape(body)}</p>",
            author=user, author_group=group, author_organization=org, author_role="participant",
            attribution="named", created_at=clock[0], last_activity_at=clock[0], **kw,
        )  # fmt: skip

    roots = [new(i) for i in range(len(sizes))]
    for i, root in enumerate(roots):
        if i % 6 == 0 and quotes:
            root.anchor_paragraph, root.anchor_quote = 0, quotes[i % len(quotes)]
    roots = Comment.objects.bulk_create(roots, batch_size=2000)
    Comment.objects.filter(pk__in=[r.pk for r in roots]).update(root_id=F("id"))
    # Replies, one depth level at a time (a parent must exist before its reply).
    chains: list[tuple[Comment, list[Comment]]] = [(r, [r]) for r in roots]
    remaining = {r.pk: size - 1 for r, size in zip(roots, sizes, strict=True)}
    replies: list[Comment] = []
    for level in range(1, DEPTH + 1):
        batch: list[Comment] = []
        for root, chain in chains:
            # Spread a thread's replies over the levels: the last level takes what is left.
            left = remaining[root.pk]
            share = left if level == DEPTH else min(left, max(1, left // 2))
            parent = chain[-1]
            for _ in range(share):
                batch.append(new(len(replies) + len(batch), parent=parent, root=root, depth=level))
            remaining[root.pk] -= share
        made = Comment.objects.bulk_create(batch, batch_size=2000)
        replies.extend(made)
        by_root: dict[int, Comment] = {}
        for c in made:
            by_root.setdefault(c.root_id or 0, c)
        chains = [
            (root, [*chain, by_root[root.pk]]) for root, chain in chains if root.pk in by_root
        ]
    _react(roots + replies, people, rng)
    _thread_figures(clause)
    return len(roots) + len(replies)


def _react(comments: list[Any], people: list[Any], rng: random.Random) -> None:
    """Reactions on every tenth comment, one member of each group, with the counts and the
    agreeing groups set on the comment as ``reaction_set`` would leave them."""
    from deliberation.models import Comment, Reaction

    by_group = {g: [p for p in people if p[1] == g] for g in GROUPS}
    reactions, touched = [], []
    for c in comments[::10]:
        agreeing = 0
        for g in GROUPS:
            user = by_group[g][c.pk % len(by_group[g])][0]
            stance = rng.choice(STANCES)
            reactions.append(Reaction(comment=c, user=user, stance=stance, stakeholder_group=g))
            setattr(c, f"{stance}_count", getattr(c, f"{stance}_count") + 1)
            agreeing += stance == "agree"
        c.agree_groups = agreeing
        touched.append(c)
    Reaction.objects.bulk_create(reactions, batch_size=5000)
    Comment.objects.bulk_update(
        touched, ["agree_count", "disagree_count", "pass_count", "agree_groups"], batch_size=2000
    )


def _thread_figures(clause: Any) -> None:
    """Each root's reply count and last activity, from its replies (one statement)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE deliberation_comment AS r
               SET reply_count = s.n, last_activity_at = s.last
              FROM (SELECT root_id, COUNT(*) - 1 AS n, MAX(created_at) AS last
                      FROM deliberation_comment WHERE clause_id = %s GROUP BY root_id) AS s
             WHERE r.id = s.root_id
            """,
            [clause.pk],
        )


def grow(place: Place, scale: Scale, *, seed: int = 14) -> dict[str, Any]:
    """Grow the demo to ``scale`` around ``place``; returns what was built, in figures."""
    from django.db import transaction
    from django.utils import timezone

    rng = random.Random(seed)  # noqa: S311 - a reproducible data set, not a secret
    clauses = _grow_clauses(place, scale, rng)
    with transaction.atomic():
        people = _grow_members(place, scale)
        start = timezone.now() - timedelta(days=60)
        busy = next(c for c in clauses if c.pk == place.busy_clause)
        added = _add_threads(busy, _thread_sizes(scale.busy, scale, busy=True), people, rng, start)
        others = [c for c in clauses if c.pk != place.busy_clause]
        each = (scale.comments - scale.busy) // len(others)
        for clause in others:
            added += _add_threads(clause, _thread_sizes(each, scale, busy=False), people, rng,
                                  start)  # fmt: skip
    return {"clauses": len(clauses), "members": len(people), "comments_added": added}


def check() -> dict[str, int]:
    """Recompute every denormalized figure from the rows and verify the audit chain; raises
    :class:`bench.common.Broken` on the first mismatch."""
    from django.core.management import CommandError, call_command
    from django.db import connection

    queries = {
        "thread reply counts": """
            SELECT COUNT(*) FROM deliberation_comment r
             WHERE r.parent_id IS NULL AND r.reply_count <>
                   (SELECT COUNT(*) - 1 FROM deliberation_comment c WHERE c.root_id = r.id)""",
        "replies' roots and depths": """
            SELECT COUNT(*) FROM deliberation_comment c JOIN deliberation_comment p
                ON p.id = c.parent_id
             WHERE c.depth <> p.depth + 1 OR c.root_id <> p.root_id
                OR c.clause_id <> p.clause_id""",
        "reaction counts": """
            SELECT COUNT(*) FROM deliberation_comment c
              LEFT JOIN (SELECT comment_id,
                                COUNT(*) FILTER (WHERE stance = 'agree') AS a,
                                COUNT(*) FILTER (WHERE stance = 'disagree') AS d,
                                COUNT(*) FILTER (WHERE stance = 'pass') AS p
                           FROM deliberation_reaction GROUP BY comment_id) r
                ON r.comment_id = c.id
             WHERE c.agree_count <> COALESCE(r.a, 0) OR c.disagree_count <> COALESCE(r.d, 0)
                OR c.pass_count <> COALESCE(r.p, 0)""",
        "roots without a root id": """
            SELECT COUNT(*) FROM deliberation_comment WHERE parent_id IS NULL
               AND (root_id IS NULL OR root_id <> id)""",
    }
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql)
            wrong = cursor.fetchone()[0]
            expect(wrong == 0, f"scale data: {wrong} rows with wrong {name}")
        cursor.execute("SELECT COUNT(*) FROM deliberation_comment")
        comments = cursor.fetchone()[0]
    try:
        call_command("audit_verify", stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as error:
        raise Broken(f"scale data: {error}") from error
    return {"comments": comments}
