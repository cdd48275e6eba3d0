"""S8: the summary of a 5,000-comment thread, time and peak memory, against a floor of reading
the same rows.

    python -m bench.summary [--quick]    (part of make bench; BENCH_COMMENTS=5000)

Builds one clause with BENCH_COMMENTS comments (bulk, from a fixed vocabulary, with reactions
from every group) and times ``summary_refresh`` (read the thread and its reactions, TF-IDF and
k-means, store) against a floor that reads the same comments and reactions and does nothing
with them. Peak memory is tracemalloc's (Python allocations, numpy's included).
"""

from __future__ import annotations

import os
import random
import sys
from typing import Any

from bench.common import Row, check, compare, fresh_database, interleave, peak_mib, row, table

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

DOMAIN = "summary.bench.example"
WORDS = [
    "compute", "threshold", "training", "run", "flop", "audit", "inspectors", "access",
    "weights", "release", "evaluation", "incident", "report", "liability", "export", "open",
    "model", "risk", "notice", "pause", "verification", "panel", "lab", "independent",
    "disclosure", "deadline", "days", "months", "capability", "autonomy", "replication",
]  # fmt: skip


def _build(comments: int) -> int:
    from convene import services
    from convene.models import Membership, Role, User
    from deliberation.models import Comment, Reaction
    from deliberation.text import services as text

    organizer = User.objects.create_user(email=f"organizer@{DOMAIN}", password=None)
    convening = services.convening_create(actor=organizer, title="Summary bench")
    groups = ["policymaker", "industry", "civil_society"]
    users = User.objects.bulk_create(
        User(email=f"d{n}@{DOMAIN}", handle=f"summary-d{n}", display_name=f"D {n}")
        for n in range(30)
    )
    Membership.objects.bulk_create(
        Membership(
            convening=convening, user=u, role=Role.PARTICIPANT, stakeholder_group=groups[n % 3]
        )
        for n, u in enumerate(users)
    )
    framework = text.framework_create(actor=organizer, convening=convening, title="Bench")
    clause = text.clause_create(
        actor=organizer, framework=framework, kind="scope", title="Scope", text="Applies."
    )
    rng = random.Random(0)  # noqa: S311 - a reproducible data set, not a secret
    rows = Comment.objects.bulk_create(
        Comment(
            clause=clause,
            version_id=clause.current_version_id,
            body=" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60))),
            body_html="",
            author=users[n % 30],
            author_group=groups[n % 3],
            attribution="named",
        )
        for n in range(comments)
    )
    Comment.objects.filter(clause=clause).update(root_id=None)
    Reaction.objects.bulk_create(
        Reaction(
            comment=c,
            user=users[(c.pk + k) % 30],
            stakeholder_group=groups[(c.pk + k) % 3],
            stance=rng.choice(["agree", "agree", "disagree", "pass"]),
        )
        for c in rows[: comments // 2]
        for k in range(3)
    )
    return clause.pk


def run(*, quick: bool) -> list[Row]:
    """Summarize a thread of 1,000 (quick) or BENCH_COMMENTS (5,000) comments, three times,
    interleaved with the floor."""
    from deliberation.discussion.services import summaries
    from deliberation.models import Reaction

    comments = 1000 if quick else int(os.environ.get("BENCH_COMMENTS", "5000"))
    clause_id = _build(comments)

    def floor() -> None:
        list(summaries._visible(clause_id).values_list("id", "body", "author_group"))  # type: ignore[attr-defined]
        list(
            Reaction.objects.filter(comment__clause_id=clause_id).values_list(
                "comment_id", "stakeholder_group", "stance"
            )
        )

    def refresh() -> Any:
        return summaries.summary_refresh(clause_id=clause_id, force=True)

    refresh()  # warm: imports, caches
    samples = interleave({"floor": floor, "summary": refresh}, 3)
    peak, summary = peak_mib(refresh)
    check(summary is not None, "S8: no summary")
    check(summary.comment_count == comments, f"S8: summary of {summary.comment_count} comments")
    check(summary.data.get("key_points"), "S8: a summary without key points")
    size = f"{comments:,} comments"
    floor_name = f"S8 floor: read {comments:,} comments and their reactions"
    rows = compare([
        row(floor_name, samples["floor"], size=size),
        row("S8 summary of the thread", samples["summary"], size=size, floor=floor_name,
            peak_mib=peak, target="≤ 10 s, ≤ 300 MB"),
    ])  # fmt: skip
    rows[1]["met"] = rows[1]["p50_ms"] <= 10_000 and peak <= 300
    return rows


def main() -> int:
    """``python -m bench.summary [--quick]``: this scenario alone, on a fresh database."""
    import django

    fresh_database()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(table(run(quick="--quick" in sys.argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
