"""S7: notification fan-out when a round with 5,000 eligible voters opens and closes, as ratios
to a floor measured in the same run.

    python -m bench.fanout [--quick]     (part of make bench; BENCH_VOTERS=5000)

Builds a convening with BENCH_VOTERS participants (bulk: only volume matters here), a framework
in voting and a round on one clause. Measures, in this process:
- opening the round (the roll is snapshotted; past ``inbox.INLINE_MAX`` recipients the voters'
  items are one PendingNotice, written in the same transaction);
- closing it (results counted and frozen, one PendingNotice for the roll): the request;
- expanding the close's PendingNotice as the worker does (every voter's item with the motion's
  narrative, and their mails): close + expand is "time until every inbox row exists", less
  the broker's hop;
- relaying the mail: batches of 100 over one connection each (Django's locmem backend, so the
  figure is our cost, not an SMTP server's), until nothing is pending;
- the floor: one bulk INSERT of the same number of bare notification rows.
It counts the items, the mails, the messages sent and the duplicates (a recipient with more than
one message for one event: must be 0, or the scenario is broken), and checks the close's queries
do not grow with the roll.

Tasks queued on commit go to an in-memory broker nothing consumes (bench.settings); the relay is
measured on its own, here.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections import Counter
from typing import Any

from bench.common import Row, check, compare, fresh_database, row, table, timed

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

DOMAIN = "fanout.bench.example"
# The close's queries at 500 voters; they must not grow with the roll.
CLOSE_QUERIES = 30


def _build(voters: int) -> Any:
    from convene import services
    from convene.models import Membership, Role, User
    from deliberation.text import services as text

    organizer = User.objects.create_user(email=f"organizer@{DOMAIN}", password=None)
    convening = services.convening_create(actor=organizer, title="Fan-out bench")
    groups = ["policymaker", "industry", "civil_society"]
    users = User.objects.bulk_create(
        User(email=f"voter{n}@{DOMAIN}", handle=f"fanout-voter-{n}", display_name=f"Voter {n}")
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
    elapsed, _ = timed(lambda: Notification.objects.bulk_create(rows, batch_size=1000))
    Notification.objects.filter(event=event).delete()
    return elapsed


def expand(event: str) -> int:
    """Expand the event's pending notices as the worker does (the broker here is a queue
    nothing reads); the items written."""
    from convene.notifications import inbox
    from convene.notifications.models import PendingNotice

    pending = PendingNotice.objects.filter(event=event, expanded_at=None)
    return sum(inbox.expand(pk) or 0 for pk in pending.values_list("pk", flat=True))


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


def run(*, quick: bool) -> list[Row]:
    """Open and close a round of 500 (quick) or BENCH_VOTERS (5,000) voters; relay the mail."""
    from django.conf import settings
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from convene.models import EmailOutbox
    from convene.notifications.models import Notification
    from deliberation.voting import services as voting

    voters = 500 if quick else int(os.environ.get("BENCH_VOTERS", "5000"))
    size = f"{voters:,} voters"
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
        open_ms, _ = timed(lambda: voting.round_open(actor=organizer, round_=round_))
    expand(f"round.opened:{round_.pk}")
    with CaptureQueriesContext(connection) as closing:
        close_ms, _ = timed(lambda: voting.round_close(actor=organizer, round_=round_))
    expand_ms, told = timed(lambda: expand(f"round.closed:{round_.pk}"))
    relay_ms, batches, sent = _relay()
    events = Notification.objects.filter(
        event__startswith="round.", recipient__email__endswith=f"@{DOMAIN}"
    )
    items = events.count()
    mails = EmailOutbox.objects.filter(notification__in=events).count()
    per_event = Counter((tuple(m.to), m.subject) for m in mail.outbox)
    duplicates = sum(n - 1 for n in per_event.values() if n > 1)
    check(told == voters, f"S7: the close's pending notice wrote {told} items for {voters}")
    check(len(closing) <= CLOSE_QUERIES, f"S7: closing took {len(closing)} queries")
    check(items == 2 * voters, f"S7: {items} inbox items for {voters} voters, opened and closed")
    check(duplicates == 0, f"S7: {duplicates} duplicate mails")
    check(sent >= mails, f"S7: {sent} mails sent of {mails} written")
    floor = f"S7 floor: bulk INSERT of {voters:,} bare items"
    rows = [
        row(floor, [floor_ms], size=size),
        row("S7 round opened (roll, pending notice)", [open_ms], size=size, floor=floor,
            queries=len(opening)),
        row("S7 round closed (the request)", [close_ms], size=size, floor=floor,
            queries=len(closing), target="≤ 200 ms; 0 duplicates"),
        row("S7 every inbox row and mail written (close + expand)", [close_ms + expand_ms],
            size=size, floor=floor, target="≤ 5 s"),
        row(f"S7 all {sent:,} mails relayed ({batches} batches)", [relay_ms], size=size,
            floor=floor),
    ]  # fmt: skip
    compare(rows)
    rows[2]["met"] = close_ms <= 200
    rows[3]["met"] = close_ms + expand_ms <= 5000
    return rows


def main() -> int:
    """``python -m bench.fanout [--quick]``: this scenario alone, on a fresh database."""
    import django

    fresh_database()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    rows = run(quick="--quick" in sys.argv)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
