"""S4 (tally at close) and S5 (Schulze over rankings), as ratios to floors measured in the same
run.

    python -m bench.tally [--quick]        (BENCH_DATABASE_URL)

- S4a: a round of 10,000 voters x 20 yes/no motions closed through ``round_close``, against a
  floor of one bare ``COUNT ... GROUP BY`` over the same counted choice rows; target 3x the floor.
  Measured twice: the counting close (count, decide, freeze, counted root, effects on the text,
  audit) with the roll's notices left out, and the whole close, which also tells the roll (past
  200 voters one pending notice that a worker expands after the commit, as S7 measures), with
  fewer repeats.
- S4b: the same with 100,000 ballots on one motion; target 1.5x the floor.
- S5: the path closing takes for a ranked choice (``choice_counts``' profiles, then Schulze)
  over 10,000 rankings of 5 alternatives, against a floor of reading those rankings; target 2x.

The rounds are made through the services (convening, framework, clauses, alternatives, round,
opening); voters, memberships and ballots in bulk, each ballot exactly as ``ballot_cast`` stores
it (leaf over a fresh nonce, a link of the round's chain, one choice row per motion), and one
voter in twenty recasts so that counting has uncounted rows to skip. Opening's notices are left
out: closing does not read them, S7 measures them, and their pending mails would be relayed by
whatever runs next on this database. Every close runs in a transaction rolled back afterwards,
so the same round is closed again at each repeat; a first, untimed close is checked (outcomes
and totals against a count made here, and ``verify_round``'s independent recount of the record),
and one more gives the query count and tracemalloc's peak. The tables just loaded are analyzed
first, as autovacuum soon would. Scenario and floor runs alternate in every repeat, so noise
hits both. Results: bench/results/tally.json.
"""

from __future__ import annotations

import json
import os
import platform
import random
import secrets
import statistics
import sys
import time
import tracemalloc
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

RESULTS = Path(__file__).resolve().parent / "results"
PREFIX = "bench-tally"
GROUPS = ("policymaker", "industry", "civil_society")
LABELS = ("A", "B", "C", "D", "E")
# Full sizes; quick mode is a tenth. Below MIN_VOTERS the patterns below are cut short and the
# designed outcomes no longer all occur.
VOTERS, MOTIONS, ONE_MOTION_BALLOTS, RANKINGS = 10_000, 20, 100_000, 10_000
MIN_VOTERS = 60
QUICK_SCALE = 0.1
TIMES = "\u00d7"
# Each yes/no motion's rule and how a voter in each of 20 slots votes on it (y/n/a/o, "-" for
# no choice on that motion), shifted by the motion's position so that nobody skips everything.
KINDS: list[tuple[dict[str, Any], str]] = [
    ({"threshold": "simple"}, "yyyyyyyyyyyynnnnaa--"),
    ({"threshold": "simple"}, "yyyyyynnnnnnnnnnaa--"),
    ({"threshold": "simple", "consent": True}, "yyyyyyyyyyyyyyynnoa-"),
    ({"threshold": "simple", "quorum_percent": 75}, "yyyyyyyyyynn--------"),
    ({"threshold": "two_thirds", "chambers": True}, "yyyyyyyyyyyyyynnnna-"),
    ({"threshold": "three_quarters"}, "yyyyyyyyyyyyyyynnoo-"),
]
POSITION = {"y": "yes", "n": "no", "a": "abstain", "o": "object"}
DESIGNED = {"adopted", "rejected", "blocked", "no_quorum"}


class _Undo(Exception):
    """Raised to roll a measured close back, so the next repeat closes the same round."""


@dataclass
class Scene:
    """An open round with its ballots cast, and what closing it must find."""

    organizer: Any
    round: Any
    voters: int
    ballots: int
    choice_rows: int  # counted choice rows: what the floor groups
    expected: dict[int, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Timing:
    runs: list[float] = field(default_factory=list)
    queries: int | None = None
    peak_mib: float | None = None

    @property
    def p50(self) -> float:
        return statistics.median(self.runs)

    @property
    def p99(self) -> float:
        ordered = sorted(self.runs)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


# --- building ---------------------------------------------------------------------------------
def _copy(model: Any, columns: list[str], rows: Iterable[Sequence[Any]]) -> None:
    """Load rows with COPY: where only volume matters, ten times faster than ``bulk_create``
    (whose parameters psycopg quotes in Python, value by value); JSON columns as text."""
    from django.db import connection

    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _convening(tag: str, voters: int) -> tuple[Any, Any]:
    """An organizer, a convening and ``voters`` participants spread over the three groups."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from convene import services
    from convene.models import Membership, Role, User

    organizer = User.objects.create_user(
        email=f"{PREFIX}-{tag}-organizer@bench.example", password=None, display_name="Organizer"
    )
    convening = services.convening_create(actor=organizer, title=f"{PREFIX} {tag}")
    now, unusable = timezone.now(), make_password(None)
    _copy(
        User,
        ["email", "handle", "display_name", "password", "is_active", "is_staff", "is_superuser",
         "date_joined"],
        (
            (f"{PREFIX}-{tag}-{n}@bench.example", f"{PREFIX}-{tag}-{n}", f"Voter {n}", unusable,
             True, False, False, now)
            for n in range(voters)
        ),
    )  # fmt: skip
    ids = User.objects.filter(handle__startswith=f"{PREFIX}-{tag}-").order_by("pk")
    _copy(
        Membership,
        ["convening_id", "user_id", "role", "stakeholder_group", "head_of_delegation",
         "created_at"],
        (
            (convening.pk, pk, Role.PARTICIPANT.value, GROUPS[n % 3], False, now)
            for n, pk in enumerate(ids.values_list("pk", flat=True))
        ),
    )  # fmt: skip
    return organizer, convening


def _framework(organizer: Any, convening: Any, clauses: int, alternatives: int) -> tuple[Any, Any]:
    """A framework in voting with ``clauses`` clauses, the last one bracketed with
    ``alternatives`` alternatives when there are any."""
    from deliberation.text import services as text

    framework = text.framework_create(actor=organizer, convening=convening, title=convening.title)
    made = [
        text.clause_create(
            actor=organizer,
            framework=framework,
            kind="scope",
            title=f"Clause {n}",
            text=f"Clause {n} applies.",
        )
        for n in range(clauses)
    ]
    framework = text.framework_transition(actor=organizer, framework=framework, to="consultation")
    for n in range(alternatives):
        text.alternative_propose(actor=organizer, clause=made[-1], text=f"Option {n} text.")
    framework = text.framework_transition(actor=organizer, framework=framework, to="voting")
    return framework, made


def _open(organizer: Any, framework: Any, motions: list[dict[str, Any]]) -> Any:
    """Draft and open the round through the services, without opening's notices (see above)."""
    from deliberation.voting import services as voting

    round_ = voting.round_create(
        actor=organizer, framework=framework, title=framework.title, motions=motions
    )
    with mock.patch("deliberation.notices.round_opened"):
        return voting.round_open(actor=organizer, round_=round_)


class _Link(NamedTuple):
    """A ballot as stored, which is also its link of the round chain."""

    voter: int
    group: str
    choices: list[dict[str, Any]]
    nonce: str
    leaf: str
    seq: int
    prev: str
    entry: str
    cast_at: Any
    counted: bool


def _cast(round_: Any, ballots: list[tuple[int, str, list[dict[str, Any]], bool]]) -> int:
    """Store ``(voter, group, choices, counted)`` ballots as ``ballot_cast`` would, in order:
    each a link of the round chain, with its choice rows; the number of counted choice rows."""
    from django.utils import timezone

    from convene.audit import timestamp
    from convene.hashchain import link_hash
    from convene.models import AuditChain, AuditEvent
    from deliberation.models import Ballot, BallotChoice
    from deliberation.voting import record
    from deliberation.voting.services.ballots import _preference, alternative_labels, leaf_voter
    from deliberation.voting.services.rounds import round_chain_key

    chain = AuditChain.objects.get(key=round_chain_key(round_))
    seq, prev = chain.last_seq, chain.head_hash
    links = []
    for voter, group, choices, counted in ballots:
        cleaned = record.canonical_choices(choices)
        nonce = secrets.token_hex(32)
        leaf = record.leaf_hash(
            round_id=round_.pk, voter=leaf_voter(round_, voter), choices=cleaned, nonce=nonce
        )
        seq, cast_at = seq + 1, timezone.now()
        content = record.entry_content(
            chain=chain.key, round_id=round_.pk, seq=seq, leaf=leaf, cast_at=timestamp(cast_at)
        )
        entry = link_hash(prev, content)
        links.append(_Link(voter, group, cleaned, nonce, leaf, seq, prev, entry, cast_at, counted))
        prev = entry
    target = (content["verb"], content["target_type"], content["target_id"])
    _copy(
        AuditEvent,
        ["chain_id", "seq", "convening_id", "verb", "target_type", "target_id", "payload",
         "created_at", "prev_hash", "hash"],
        ((chain.pk, k.seq, chain.convening_id, *target, json.dumps({"leaf": k.leaf}),
          k.cast_at, k.prev, k.entry) for k in links),
    )  # fmt: skip
    AuditChain.objects.filter(pk=chain.pk).update(last_seq=seq, head_hash=prev)
    _copy(
        Ballot,
        ["round_id", "voter_id", "stakeholder_group", "choices", "nonce", "leaf", "seq", "prev",
         "entry", "cast_at", "counted"],
        ((round_.pk, k.voter, k.group, json.dumps(k.choices), k.nonce, k.leaf, k.seq, k.prev,
          k.entry, k.cast_at, k.counted) for k in links),
    )  # fmt: skip
    ids = dict(Ballot.objects.filter(round=round_).values_list("seq", "pk"))
    labels = alternative_labels(round_)
    _copy(
        BallotChoice,
        ["ballot_id", "motion_id", "counted", "stakeholder_group", "position", "reason",
         "preference"],
        (
            (ids[k.seq], choice["motion"], k.counted, k.group, choice.get("position", ""),
             choice.get("reason", ""), _preference(choice, labels.get(choice["motion"], {})))
            for k in links
            for choice in k.choices
        ),
    )  # fmt: skip
    return sum(len(k.choices) for k in links if k.counted)


def _roll(round_: Any) -> list[tuple[int, str]]:
    from deliberation.models import RollEntry

    return list(
        RollEntry.objects.filter(round=round_)
        .order_by("id")
        .values_list("user_id", "stakeholder_group")
    )


def _positions(motions: list[Any], slot: int) -> list[dict[str, Any]]:
    """A voter's choices: motion ``m`` of kind ``k`` takes pattern ``k`` at ``slot + m``."""
    choices = []
    for m, motion in enumerate(motions):
        letter = KINDS[m % len(KINDS)][1][(slot + m) % 20]
        if letter == "-":
            continue
        choice = {"motion": motion.pk, "position": POSITION[letter]}
        if letter == "o":
            choice["reason"] = "Not without a review clause."
        choices.append(choice)
    return choices


def _recast(i: int) -> bool:
    return i % 20 == 7


def _yes_no_scene(tag: str, voters: int, motions: int) -> Scene:
    """An open round of ``motions`` yes/no motions (the KINDS in turn) with every voter's
    ballot cast, and the outcome and totals each motion must close with."""
    from deliberation.models import Motion
    from deliberation.voting import tally

    organizer, convening = _convening(tag, voters)
    framework, clauses = _framework(organizer, convening, motions, 0)
    round_ = _open(
        organizer,
        framework,
        [
            {"kind": "adopt_clause", "clause": c.pk, "rule": KINDS[m % len(KINDS)][0]}
            for m, c in enumerate(clauses)
        ],
    )
    ordered = list(Motion.objects.filter(round=round_).order_by("position"))
    roll = _roll(round_)
    ballots = []
    counts: dict[int, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for i, (voter, group) in enumerate(roll):
        if _recast(i):
            first = [{"motion": m.pk, "position": "no"} for m in ordered]
            ballots.append((voter, group, first, False))
        choices = _positions(ordered, (i // 3) % 20)
        ballots.append((voter, group, choices, True))
        for choice in choices:
            counts[choice["motion"]][group][choice["position"]] += 1
    rows = _cast(round_, ballots)
    eligible = Counter(group for _voter, group in roll)
    scene = Scene(organizer, round_, len(roll), len(ballots), rows)
    for motion in ordered:
        decision = tally.decide(
            tally.Rule.from_dict(motion.rule or {}),
            {g: tally.Counts(eligible=eligible[g], **counts[motion.pk][g]) for g in GROUPS},
        )
        overall = decision.overall.counts.to_dict()
        scene.expected[motion.pk] = {
            "outcome": decision.outcome.value,
            "totals": {k: overall[k] for k in ("eligible", "yes", "no", "abstain", "object")},
        }
    return scene


def _ranked_scene(tag: str, voters: int) -> Scene:
    """An open round with one ranked motion over five alternatives and ``voters`` rankings,
    full or partial, leaning to C; the Schulze winner computed here from the raw rankings."""
    from deliberation.models import Motion
    from deliberation.voting import tally

    organizer, convening = _convening(tag, voters)
    framework, clauses = _framework(organizer, convening, 1, len(LABELS))
    round_ = _open(
        organizer,
        framework,
        [{"kind": "choose_alternative", "clause": clauses[0].pk, "method": "schulze"}],
    )
    motion = Motion.objects.get(round=round_)
    ids = {option["label"]: option["id"] for option in motion.options}
    assert sorted(ids) == list(LABELS), motion.options
    rng = random.Random(14)  # noqa: S311 - a reproducible data set, not a secret
    ballots, raw = [], []
    for voter, group in _roll(round_):
        ranking = rng.sample(LABELS, rng.randint(1, len(LABELS)))
        if rng.random() < 0.3 and "C" in ranking:
            ranking.remove("C")
            ranking.insert(0, "C")
        raw.append((ranking, 1))
        ballots.append(
            (voter, group, [{"motion": motion.pk, "ranking": [ids[x] for x in ranking]}], True)
        )
    rows = _cast(round_, ballots)
    choice = tally.schulze(list(LABELS), raw)
    scene = Scene(organizer, round_, voters, len(ballots), rows)
    scene.expected[motion.pk] = {"winner": ids[choice.winner], "scores": choice.scores}
    return scene


# --- measuring --------------------------------------------------------------------------------
def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _timed(work: Callable[[], Any]) -> float:
    start = time.perf_counter()
    work()
    return _ms(start)


@contextmanager
def _notices(told: bool) -> Iterator[None]:
    """The roll told of the results as the service does, or (``told`` false) not at all."""
    if told:
        yield
    else:
        with mock.patch("deliberation.notices.round_closed"):
            yield


def _close(scene: Scene, *, told: bool, check: bool = False) -> float:
    """Close the scene's round through the service and roll it back; the close's time."""
    from django.db import transaction

    from deliberation.voting import services as voting

    elapsed = 0.0
    try:
        with transaction.atomic(), _notices(told):
            start = time.perf_counter()
            voting.round_close(actor=scene.organizer, round_=scene.round)
            elapsed = _ms(start)
            if check:
                _check_close(scene)
            raise _Undo
    except _Undo:
        return elapsed


def _check_close(scene: Scene) -> None:
    """The close froze what the ballots say, and its record verifies on its own."""
    from deliberation.models import Motion, VotingRound
    from deliberation.voting.verify import verify_round

    round_ = VotingRound.objects.get(pk=scene.round.pk)
    assert round_.status == VotingRound.Status.CLOSED, round_.status
    for motion in Motion.objects.filter(round=round_):
        expected = scene.expected[motion.pk]
        if motion.is_yes_no:
            assert motion.outcome == expected["outcome"], (motion.position, motion.outcome)
            totals = {k: (motion.result or {})["totals"][k] for k in expected["totals"]}
            assert totals == expected["totals"], (motion.position, totals, expected["totals"])
        else:
            assert motion.winner_id == expected["winner"], (motion.winner_id, expected)
    problems = verify_round(round_)
    assert not problems, problems[:5]


def _group_floor(scene: Scene) -> Callable[[], Any]:
    """One bare ``COUNT ... GROUP BY`` over the round's counted choice rows, as closing reads
    them."""
    from django.db import connection

    from deliberation.models import BallotChoice, Motion

    ids = list(Motion.objects.filter(round=scene.round).values_list("pk", flat=True))
    sql = (
        "SELECT motion_id, stakeholder_group, position, COUNT(*) "  # noqa: S608 - a model's table
        f"FROM {BallotChoice._meta.db_table} WHERE motion_id = ANY(%s) AND counted "
        "GROUP BY 1, 2, 3"
    )

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [ids])
            rows = cursor.fetchall()
        assert sum(row[3] for row in rows) == scene.choice_rows, (rows, scene.choice_rows)

    return floor


def _read_floor(scene: Scene) -> Callable[[], Any]:
    """Reading the ranked motion's counted rankings, one row each."""
    from django.db import connection

    from deliberation.models import BallotChoice, Motion

    motion_id = Motion.objects.get(round=scene.round).pk
    sql = (
        f"SELECT preference FROM {BallotChoice._meta.db_table} "  # noqa: S608 - a model's table
        "WHERE motion_id = %s AND counted AND preference <> ''"
    )

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [motion_id])
            rows = cursor.fetchall()
        assert len(rows) == scene.choice_rows, (len(rows), scene.choice_rows)

    return floor


def _schulze(scene: Scene) -> Callable[[], Any]:
    """What closing does for a ranked motion: its grouped profiles, then Schulze."""
    from deliberation.models import Motion
    from deliberation.voting.services.closing import _choice_result, choice_counts

    motion = Motion.objects.get(round=scene.round)
    labels = {option["id"]: option["label"] for option in motion.options}
    expected = scene.expected[motion.pk]

    def work() -> None:
        profiles = choice_counts([motion.pk]).profiles[motion.pk]
        computed = _choice_result(motion, labels, profiles)
        assert computed["winner"] == expected["winner"], (computed["winner"], expected)
        assert computed["choice"].scores == expected["scores"]

    return work


def _profile(work: Callable[[], Any]) -> tuple[int, float]:
    """Queries and tracemalloc's peak (MiB) of one untimed run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tracemalloc.start()
    try:
        with CaptureQueriesContext(connection) as queries:
            work()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return len(queries), peak


def _interleaved(runs: dict[str, tuple[Callable[[], float], int]]) -> dict[str, Timing]:
    """``(run, repeats)`` by name: in each round every run that still has repeats to do, in
    alternating order, so that noise hits them alike."""
    out = {name: Timing() for name in runs}
    names = list(runs)
    for r in range(max(n for _run, n in runs.values())):
        for name in names if r % 2 == 0 else names[::-1]:
            run, repeats = runs[name]
            if r < repeats:
                out[name].runs.append(run())
    return out


@contextmanager
def _quiet_mail() -> Iterator[None]:
    """Mail written by a measured close is rolled back with it; nothing is sent meanwhile."""
    from django.test import override_settings

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        yield


# --- rows -------------------------------------------------------------------------------------
def _row(
    scenario: str,
    timing: Timing,
    *,
    size: str,
    floor: tuple[str, Timing] | None = None,
    target: float | None = None,
) -> dict[str, Any]:
    ratio = timing.p50 / floor[1].p50 if floor else None
    return {
        "scenario": scenario,
        "p50_ms": round(timing.p50, 3),
        "p99_ms": round(timing.p99, 3),
        "floor": floor[0] if floor else None,
        "ratio": round(ratio, 2) if ratio is not None else None,
        "queries": timing.queries,
        "bytes": None,
        "peak_mib": round(timing.peak_mib, 2) if timing.peak_mib is not None else None,
        "size": size,
        "target": f"\u2264 {target:g}{TIMES} floor" if target is not None else None,
        "met": (ratio <= target) if ratio is not None and target is not None else None,
    }


@dataclass
class Repeats:
    fast: int  # the floors, the counting close, Schulze
    whole: int  # the whole close, whose fan-out grows with the roll (0: not measured)


def _close_rows(name: str, scene: Scene, target: float, repeats: Repeats) -> list[dict[str, Any]]:
    """The floor, the counting close and the whole close, interleaved. A checked close comes
    first (and warms up); one more of the counting close gives its queries and peak memory;
    the whole close's queries are counted on its first timed run (no tracemalloc: at 100,000
    voters it would slow a minutes-long close further)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    size = (
        f"{scene.voters:,} voters {TIMES} {len(scene.expected)} motions ({scene.ballots:,} ballots)"
    )
    _close(scene, told=False, check=True)
    floor = _group_floor(scene)
    floor()
    whole_queries: list[int] = []

    def whole() -> float:
        with CaptureQueriesContext(connection) as queries:
            elapsed = _close(scene, told=True)
        whole_queries.append(len(queries))
        return elapsed

    names = (f"{name} floor: COUNT ... GROUP BY", f"{name} close, counting", f"{name} close, whole")
    runs = {
        names[0]: (lambda: _timed(floor), repeats.fast),
        names[1]: (lambda: _close(scene, told=False), repeats.fast),
    }
    if repeats.whole:
        runs[names[2]] = (whole, repeats.whole)
    timings = _interleaved(runs)
    timings[names[0]].queries, timings[names[0]].peak_mib = _profile(floor)
    timings[names[1]].queries, timings[names[1]].peak_mib = _profile(
        lambda: _close(scene, told=False)
    )
    base = (names[0], timings[names[0]])
    rows = [
        _row(names[0], timings[names[0]], size=size),
        _row(names[1], timings[names[1]], size=size, floor=base, target=target),
    ]
    if repeats.whole:
        timings[names[2]].queries = whole_queries[0]
        rows.append(_row(names[2], timings[names[2]], size=size, floor=base, target=target))
    return rows


def _schulze_rows(scene: Scene, repeats: Repeats) -> list[dict[str, Any]]:
    """S5 and its floor, interleaved, after a checked close of the ranked round."""
    _close(scene, told=False, check=True)
    names = ("S5 floor: read the rankings", "S5 Schulze (grouped profiles + schulze)")
    floor, work = _read_floor(scene), _schulze(scene)
    floor()
    work()
    timings = _interleaved(
        {
            names[0]: (lambda: _timed(floor), repeats.fast),
            names[1]: (lambda: _timed(work), repeats.fast),
        }
    )
    for name, run in zip(names, (floor, work), strict=True):
        timings[name].queries, timings[name].peak_mib = _profile(run)
    size = f"{scene.choice_rows:,} rankings of {len(LABELS)} alternatives"
    return [
        _row(names[0], timings[names[0]], size=size),
        _row(
            names[1], timings[names[1]], size=size, floor=(names[0], timings[names[0]]), target=2.0
        ),
    ]


def _sizes(quick: bool, scale: float | None) -> tuple[int, int, int]:
    factor = scale if scale is not None else (QUICK_SCALE if quick else 1.0)
    voters, one_motion, rankings = (
        max(MIN_VOTERS, round(n * factor)) for n in (VOTERS, ONE_MOTION_BALLOTS, RANKINGS)
    )
    return voters, one_motion, rankings


def _analyze() -> None:
    """Fresh planner statistics for what was just loaded in bulk, as autovacuum would soon
    gather them: plans, and so the figures, should not depend on when it last ran."""
    from django.db import connection

    from deliberation.models import Ballot, BallotChoice, Motion, RollEntry

    with connection.cursor() as cursor:
        for model in (Motion, RollEntry, Ballot, BallotChoice):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def run(*, quick: bool, scale: float | None = None) -> list[dict[str, Any]]:
    """S4a, S4b and S5 with their floors, as the harness's rows. ``scale`` overrides the
    sizes (a fraction of the full ones), for the test suite."""
    from django.db import transaction

    voters, one_motion, rankings = _sizes(quick, scale)
    full = not quick and scale is None
    tag = uuid.uuid4().hex[:8]
    with transaction.atomic():
        s4a = _yes_no_scene(f"{tag}-a", voters, MOTIONS)
        s4b = _yes_no_scene(f"{tag}-b", one_motion, 1)
        s5 = _ranked_scene(f"{tag}-c", rankings)
    _analyze()
    outcomes = {e["outcome"] for e in s4a.expected.values()}
    assert outcomes == DESIGNED, outcomes
    with _quiet_mail():
        rows = _close_rows("S4a", s4a, 3.0, Repeats(fast=9 if full else 5, whole=3 if full else 2))
        # Quick mode leaves out S4b's whole close: telling 10,000 voters takes longer than all
        # the rest, and S4a's whole close already shows what telling the roll costs.
        rows += _close_rows("S4b", s4b, 1.5, Repeats(fast=9 if full else 5, whole=int(full)))
        rows += _schulze_rows(s5, Repeats(fast=15 if full else 7, whole=0))
    return rows


def _table(rows: list[dict[str, Any]]) -> str:
    lines = [
        f"{'scenario':42} {'p50 ms':>10} {'p99 ms':>10} {'ratio':>7} {'queries':>7} "
        f"{'peak MiB':>9}  {'target':16} met   size"
    ]
    for r in rows:
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        met = {True: "yes", False: "NO", None: "-"}[r["met"]]
        lines.append(
            f"{r['scenario']:42} {r['p50_ms']:>10.1f} {r['p99_ms']:>10.1f} {ratio:>7} "
            f"{r['queries']!s:>7} {r['peak_mib']!s:>9}  {r['target'] or '-':16} {met:5} {r['size']}"
        )
    return "\n".join(lines)


def main() -> int:
    import django

    quick = "--quick" in sys.argv[1:]
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    rows = run(quick=quick)
    print(_table(rows))
    report = {
        "benchmark": "tally",
        "quick": quick,
        "rows": rows,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "postgres": connection.pg_version,  # type: ignore[attr-defined]
        },
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "tally.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
