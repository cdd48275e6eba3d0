"""S7: notification fan-out when a round with 5,000 eligible voters opens and closes, as ratios
to a floor measured in the same run.

    make bench-fanout        (BENCH_VOTERS=5000; BENCH_DATABASE_URL)

Builds a convening with BENCH_VOTERS participants (bulk: only volume matters here), a framework
in voting and a round on one clause. Measures, in this process:
- opening the round (the roll is snapshotted and every voter's item and mail are written in
  the same transaction, so "time until every inbox row exists" is this time);
- closing it (results counted, and every voter told with the motion's narrative);
- relaying the mail: batches of 100 over one connection each (Django's locmem backend, so the
  figure is our cost, not an SMTP server's), until nothing is pending;
- the floor: one bulk INSERT of the same number of bare notification rows.
It counts the items, the mails, the messages sent and the duplicates (a recipient with more than
one message for one event: must be 0). Results: bench/results/fanout.json.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

RESULTS = Path(__file__).resolve().parent / "results"


def _timed(work: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return (time.perf_counter() - start) * 1000, result


def _build(voters: int) -> Any:
    from django.core.management import call_command

    from convene import services
    from convene.models import Membership, Role, User
    from deliberation.text import services as text

    call_command("migrate", verbosity=0)
    organizer = User.objects.create_user(email="organizer@bench.example", password=None)
    convening = services.convening_create(actor=organizer, title="Fan-out bench")
    groups = ["policymaker", "industry", "civil_society"]
    users = User.objects.bulk_create(
        User(email=f"voter{n}@bench.example", handle=f"voter-{n}", display_name=f"Voter {n}")
        for n in range(voters)
    )
    Membership.objects.bulk_create(
        Membership(
            convening=convening,
            user=u,
            role=Role.PARTICIPANT,
            stakeholder_group=groups[n % 3],
        )
        for n, u in enumerate(users)
    )
    framework = text.framework_create(actor=organizer, convening=convening, title="Bench framework")
    clause = text.clause_create(
        actor=organizer, framework=framework, kind="scope", title="Scope", text="Applies widely."
    )
    for to in ("consultation", "voting"):
        framework = text.framework_transition(actor=organizer, framework=framework, to=to)
    return organizer, framework, clause


def _floor(voters: int) -> float:
    from convene.models import User
    from convene.notifications.models import Notification

    ids = list(User.objects.values_list("pk", flat=True)[:voters])
    event = f"floor:{uuid.uuid4().hex}"
    rows = [
        Notification(recipient_id=pk, event=event, category="rounds", verb="floor", title="Floor")
        for pk in ids
    ]
    elapsed, _ = _timed(lambda: Notification.objects.bulk_create(rows, batch_size=1000))
    Notification.objects.filter(event=event).delete()
    return elapsed


def _relay() -> tuple[float, int, int]:
    from django.core import mail

    from convene.notifications.services import outbox_relay

    batches = sent = 0
    start = time.perf_counter()
    while True:
        count = outbox_relay()
        if not count:
            break
        batches += 1
        sent += count
    return (time.perf_counter() - start) * 1000, batches, len(mail.outbox)


def main() -> int:
    import django

    voters = int(os.environ.get("BENCH_VOTERS", "5000"))
    from bench.reader import _fresh_database

    _fresh_database()
    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from convene.celery import app
    from convene.models import EmailOutbox
    from convene.notifications.models import Notification
    from deliberation.voting import services as voting

    # As in production, a commit only queues the relay (here on an in-memory broker nothing
    # consumes); the relay is measured on its own below.
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    organizer, framework, clause = _build(voters)
    round_ = voting.round_create(
        actor=organizer,
        framework=framework,
        title="Bench round",
        motions=[{"kind": "adopt_clause", "clause": clause.pk, "rule": {"threshold": "simple"}}],
    )
    floor_ms = _floor(voters)
    with CaptureQueriesContext(connection) as opening:
        open_ms, _ = _timed(lambda: voting.round_open(actor=organizer, round_=round_))
    with CaptureQueriesContext(connection) as closing:
        close_ms, _ = _timed(lambda: voting.round_close(actor=organizer, round_=round_))
    relay_ms, batches, sent = _relay()
    items = Notification.objects.filter(event__startswith="round.").count()
    mails = EmailOutbox.objects.filter(notification__isnull=False).count()
    per_event = Counter((tuple(m.to), m.subject) for m in mail.outbox)
    duplicates = sum(n - 1 for n in per_event.values() if n > 1)
    rows = [
        {"step": "floor: bulk INSERT of bare items", "ms": round(floor_ms, 1), "queries": None},
        {"step": "round opened (roll + items + mails)", "ms": round(open_ms, 1),
         "queries": len(opening), "ratio_to_floor": round(open_ms / floor_ms, 2)},
        {"step": "round closed (count + items + mails)", "ms": round(close_ms, 1),
         "queries": len(closing), "ratio_to_floor": round(close_ms / floor_ms, 2)},
        {"step": f"mail relayed ({batches} batches)", "ms": round(relay_ms, 1), "queries": None,
         "ratio_to_floor": round(relay_ms / floor_ms, 2)},
    ]  # fmt: skip
    report = {
        "benchmark": "fanout",
        "voters": voters,
        "items": items,
        "mails_written": mails,
        "mails_sent": sent,
        "duplicates": duplicates,
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "rows": rows,
    }
    for row in rows:
        ratio = row.get("ratio_to_floor")
        print(
            f"{row['step']:42} {row['ms']:>10.1f} ms  queries {row['queries']!s:>5}"
            f"  x floor {ratio if ratio is not None else '-'}"
        )
    print(f"items {items}, mails written {mails}, sent {sent}, duplicates {duplicates}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "fanout.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0 if duplicates == 0 and sent == mails else 1


if __name__ == "__main__":
    sys.exit(main())
