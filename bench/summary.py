"""S8: the summary of a 5,000-comment thread, time and peak memory, against a floor of reading
the same rows.

    make bench-summary       (BENCH_COMMENTS=5000; BENCH_DATABASE_URL)

Builds one clause with BENCH_COMMENTS comments (bulk, from a fixed vocabulary, with reactions
from every group) and times ``summary_refresh`` (read the thread and its reactions, TF-IDF and
k-means, store) against a floor that reads the same comments and reactions and does nothing
with them. Peak memory is tracemalloc's (Python allocations, numpy's included). Results:
bench/results/summary.json.
"""

from __future__ import annotations

import json
import os
import platform
import random
import sys
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

RESULTS = Path(__file__).resolve().parent / "results"
WORDS = [
    "compute", "threshold", "training", "run", "flop", "audit", "inspectors", "access",
    "weights", "release", "evaluation", "incident", "report", "liability", "export", "open",
    "model", "risk", "notice", "pause", "verification", "panel", "lab", "independent",
    "disclosure", "deadline", "days", "months", "capability", "autonomy", "replication",
]  # fmt: skip


def _build(comments: int) -> int:
    from django.core.management import call_command

    from convene import services
    from convene.models import Membership, Role, User
    from deliberation.models import Comment, Reaction
    from deliberation.text import services as text

    call_command("migrate", verbosity=0)
    organizer = User.objects.create_user(email="organizer@bench.example", password=None)
    convening = services.convening_create(actor=organizer, title="Summary bench")
    groups = ["policymaker", "industry", "civil_society"]
    users = User.objects.bulk_create(
        User(email=f"d{n}@bench.example", handle=f"d-{n}", display_name=f"D {n}") for n in range(30)
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


def main() -> int:
    import django

    comments = int(os.environ.get("BENCH_COMMENTS", "5000"))
    from bench.reader import _fresh_database

    _fresh_database()
    django.setup()
    from deliberation.discussion.services import summaries
    from deliberation.models import Reaction

    clause_id = _build(comments)

    def floor() -> None:
        list(summaries._visible(clause_id).values_list("id", "body", "author_group"))  # type: ignore[attr-defined]
        list(
            Reaction.objects.filter(comment__clause_id=clause_id).values_list(
                "comment_id", "stakeholder_group", "stance"
            )
        )

    summaries.summary_refresh(clause_id=clause_id, force=True)  # warm: imports, caches
    floors, runs, peaks = [], [], []
    for _ in range(3):
        start = time.perf_counter()
        floor()
        floors.append((time.perf_counter() - start) * 1000)
        tracemalloc.start()
        start = time.perf_counter()
        summary = summaries.summary_refresh(clause_id=clause_id, force=True)
        runs.append((time.perf_counter() - start) * 1000)
        peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
    assert summary is not None
    report = {
        "benchmark": "summary",
        "comments": summary.comment_count,
        "key_points": len(summary.data["key_points"]),
        "floor_ms": round(min(floors), 1),
        "summary_ms": round(min(runs), 1),
        "ratio_to_floor": round(min(runs) / min(floors), 2),
        "peak_mib": round(max(peaks), 1),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    print(json.dumps(report, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "summary.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
