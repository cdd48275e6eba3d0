"""Issue 8, point 2: one amendment could stall every view of its clause (a 20,000-character
"x x x …" against a 2,000-character clause took 24 s per view; the word diff was quadratic).

The diff's cost is now bounded whatever the input, and amendments' diffs are computed once, when
proposed or rebased. Nothing here is timed by the wall clock: the search runs on a clock that
advances one second per reading, so its budget is a number of steps, and its work is counted in
Python lines executed.
"""

from __future__ import annotations

import importlib
import random
import sys
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberation.models import Amendment, Clause
from deliberation.text import diff, services
from tests.conftest import World
from tests.deliberation.conftest import Drafting
from tests.frontend.conftest import page_client

dmp_module = importlib.import_module("diff_match_patch.diff_match_patch")

CLAUSE_TEXT = (
    "A pause is triggered when an independent evaluation finds that the task horizon of a "
    "frontier system doubles in four months or less. "
) * 14  # about 2,000 characters
ATTACK = "x " * 10_000  # the issue's 20,000 characters


def different_words(prefix: str, length: int) -> str:
    return " ".join(f"{prefix}{n}" for n in range(length // 5))[:length]


def random_words(seed: int, length: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice("ab") for _ in range(length // 2))[:length]


# Pairs that defeat the old algorithm or a naive new one, at full length.
ADVERSARIAL = {
    "the issue's amendment": (CLAUSE_TEXT, ATTACK),
    "repeated tokens": ("x " * 10_000, "x " * 1_000),
    "repeated tokens, ends differ": ("a " + "x " * 12_500 + "b", "c " + "x y " * 6_000 + "d"),
    "50,000 characters, all different": (
        different_words("a", 50_000),
        different_words("b", 50_000),
    ),
    "50,000 characters, two words": (random_words(1, 50_000), random_words(2, 50_000)),
}


def rebuilds_both(old: str, new: str, ops: list[diff.DiffOp]) -> bool:
    spelled_old = "".join(op["text"] for op in ops if op["op"] != "insert")
    return spelled_old == old and diff.apply(old, ops) == new and all(op["text"] for op in ops)


class StepClock:
    """Stands in for ``time.time``: every reading advances one second, so a timeout of K
    seconds lets diff-match-patch's search take about K steps, however loaded the machine."""

    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.readings = 0

    def __call__(self) -> float:
        self.readings += 1
        self.now += 1.0
        return self.now


def stepped(
    monkeypatch: pytest.MonkeyPatch, old: str, new: str, steps: int
) -> tuple[list[diff.DiffOp], StepClock]:
    clock = StepClock()
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", clock)
        ops = diff.diff(old, new, timeout=steps)
    return ops, clock


def lines_executed(function: Callable[[], Any]) -> int:
    """Python lines run inside the diff module and diff-match-patch while calling
    ``function``: a count of work that does not depend on the machine."""
    files = {diff.__file__, dmp_module.__file__}
    lines = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal lines
        lines += event == "line"
        return local

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename in files else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        function()
    finally:
        sys.settrace(previous)
    return lines


# --- (a) exact, even when the search is cut short ---------------------------------------------

words = st.sampled_from(["pause", "the", "shall", "x", "§2", "é", "<b>", "90"])
separators = st.sampled_from([" ", "  ", "\n", "\t"])
prose = st.lists(st.tuples(words, separators), max_size=40).map(
    lambda pairs: "".join(w + s for w, s in pairs)
)


@settings(max_examples=200)
@given(st.one_of(prose, st.text(max_size=200)), st.one_of(prose, st.text(max_size=200)))
def test_a_search_cut_at_once_still_rebuilds_both_texts(old: str, new: str) -> None:
    assert rebuilds_both(old, new, diff.diff(old, new, timeout=0))


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_adversarial_pairs_get_an_exact_diff(name: str) -> None:
    old, new = ADVERSARIAL[name]
    assert rebuilds_both(old, new, diff.diff(old, new))
    assert rebuilds_both(old, new, diff.diff(old, new, timeout=0))


def test_a_search_cut_at_once_shows_the_changed_middle_replaced_whole() -> None:
    old, new = "a b c d", "x b c y"
    assert diff.diff(old, new) == [
        {"op": "delete", "text": "a"},
        {"op": "insert", "text": "x"},
        {"op": "equal", "text": " b c "},
        {"op": "delete", "text": "d"},
        {"op": "insert", "text": "y"},
    ]
    assert diff.diff(old, new, timeout=0) == [
        {"op": "delete", "text": old},
        {"op": "insert", "text": new},
    ]
    # Common ends need no search: they stay equal however short the time.
    assert diff.diff("keep a b c d end", "keep x b c y end", timeout=0) == [
        {"op": "equal", "text": "keep "},
        {"op": "delete", "text": "a b c d"},
        {"op": "insert", "text": "x b c y"},
        {"op": "equal", "text": " end"},
    ]


def test_a_search_cut_midway_is_exact_at_every_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    old = " ".join(f"w{n}" for n in range(60))
    new = " ".join(f"v{n}" if n % 7 == 0 else f"w{n}" for n in range(1, 60)) + " end"
    full = diff.diff(old, new)
    coarse = diff.diff(old, new, timeout=0)
    results = []
    for steps in range(1, 200):
        ops, _clock = stepped(monkeypatch, old, new, steps)
        assert rebuilds_both(old, new, ops), steps
        results.append(ops)
        if ops == full:
            break
    assert results[-1] == full, "enough steps find the full diff"
    assert any(ops not in (full, coarse) for ops in results), "some cut fell mid-search"


def test_more_distinct_tokens_than_characters_falls_back_to_an_exact_coarse_diff(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(diff, "MAX_DISTINCT_TOKENS", 4)
    old, new = "keep one two three end", "keep four five six end"
    assert diff.diff(old, new) == [
        {"op": "equal", "text": "keep "},
        {"op": "delete", "text": "one two three"},
        {"op": "insert", "text": "four five six"},
        {"op": "equal", "text": " end"},
    ]
    assert diff.diff("a b", "a b") == [{"op": "equal", "text": "a b"}]
    assert diff.diff("", "c d e f") == [{"op": "insert", "text": "c d e f"}]


def test_the_capacity_for_distinct_tokens_exceeds_two_texts_at_the_length_cap() -> None:
    # Every token is at least one character: two 50,000-character texts never fall back.
    assert diff.MAX_DISTINCT_TOKENS > 2 * 50_000


# --- (c) a bound on the work, counted, not timed ---------------------------------------------


@pytest.mark.parametrize("name", ADVERSARIAL)
@pytest.mark.parametrize("steps", [10, 40])
def test_the_search_takes_at_most_its_budget_of_steps_whatever_the_length(
    monkeypatch: pytest.MonkeyPatch, name: str, steps: int
) -> None:
    old, new = ADVERSARIAL[name]
    ops, clock = stepped(monkeypatch, old, new, steps)
    assert rebuilds_both(old, new, ops)
    # One reading for the deadline, one per step, and at most one more per piece the search
    # had split the texts into before its time ran out (each split costs a step).
    assert clock.readings <= 1 + steps + 2 * steps


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_work_within_a_budget_grows_no_faster_than_the_text(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Ten times the text costs at most about ten times the work for the same number of steps
    (the old word diff cost a hundred times)."""
    old, new = ADVERSARIAL[name]

    def work(fraction: int) -> int:
        short_old, short_new = old[: len(old) // fraction], new[: len(new) // fraction]
        with monkeypatch.context() as patch:
            patch.setattr(time, "time", StepClock())
            return lines_executed(lambda: diff.diff(short_old, short_new, timeout=20))

    assert work(1) <= 12 * work(10)


# --- (b) computed once: the clause page never diffs -------------------------------------------


def propose_many(drafting: Drafting, total: int) -> Clause:
    """The issue's amendment on a 2,000-character clause with two versions, then ``total - 1``
    ordinary ones, some decided."""
    world, clause = drafting.world, drafting.scope
    services.clause_update(
        actor=world.organizer, clause=clause, text=CLAUSE_TEXT, rationale="Longer."
    )
    services.amendment_propose(actor=world.industry, clause=clause, text=ATTACK, rationale="x")
    authors = [world.industry, world.policymaker, world.civil_society]
    for n in range(1, total):
        amendment = services.amendment_propose(
            actor=authors[n % 3],
            clause=clause,
            text=CLAUSE_TEXT.replace("four", str(n)),
            rationale=f"Reason {n}.",
        )
        if n % 10 == 1:
            services.amendment_reject(actor=world.organizer, amendment=amendment, reason="No.")
    return clause


@pytest.fixture
def diff_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    calls: list[tuple[str, str]] = []
    real = diff.diff

    def counting(old: str, new: str, **options: Any) -> list[diff.DiffOp]:
        calls.append((old, new))
        return real(old, new, **options)

    monkeypatch.setattr(diff, "diff", counting)
    yield calls


def page_queries(path: str, user: Any) -> tuple[int, str]:
    client = page_client(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_viewing_the_clause_page_computes_no_diff(
    drafting: Drafting, diff_calls: list[tuple[str, str]]
) -> None:
    clause = propose_many(drafting, 50)
    assert len(diff_calls) == 50, "one diff per amendment, when proposed"
    diff_calls.clear()
    for user in (None, drafting.world.industry, drafting.world.organizer):
        _queries, html = page_queries(f"/clauses/{clause.pk}/", user)
        # The stored diff of the issue's amendment, with its spoken label.
        assert '<ins><span class="visually-hidden">added: </span>x x x x' in html
        assert 'id="compare-from"' in html  # the compare form, without a diff behind it
    assert diff_calls == []
    # Comparing two versions is the history page's job: one bounded diff, on demand.
    page_queries(f"/clauses/{clause.pk}/history/?from=1&to=2", None)
    assert len(diff_calls) == 1


def test_clause_page_queries_do_not_grow_with_amendments(world: World) -> None:
    from tests.deliberation.conftest import make_drafting

    counts = []
    for total in (1, 50):
        clause = propose_many(make_drafting(world), total)
        assert clause.amendments.count() == total
        counts.append(page_queries(f"/clauses/{clause.pk}/", None)[0])
    assert counts[0] == counts[1]


# --- stored when proposed or rebased ----------------------------------------------------------


def test_a_proposed_amendment_stores_its_diff_against_its_base(drafting: Drafting) -> None:
    clause = drafting.scope
    amendment = services.amendment_propose(
        actor=drafting.world.industry,
        clause=clause,
        text="This framework applies to all AI developers.",
        rationale="Broader.",
    )
    amendment.refresh_from_db()
    assert amendment.diff_ops == diff.diff(clause.text, amendment.text)
    assert diff.apply(clause.text, amendment.diff_ops) == amendment.text
    assert {"op": "insert", "text": "all"} in amendment.diff_ops


def test_rebasing_recomputes_the_diff_against_the_new_base(drafting: Drafting) -> None:
    world, clause = drafting.world, drafting.scope
    amendment = services.amendment_propose(
        actor=world.industry, clause=clause, text="This applies to labs.", rationale="Short."
    )
    services.clause_update(
        actor=world.organizer, clause=clause, text="This applies to everyone.", rationale="R."
    )
    services.amendment_rebase(actor=world.industry, amendment=amendment)
    amendment.refresh_from_db()
    assert diff.apply("This applies to everyone.", amendment.diff_ops) == "This applies to labs."
    services.amendment_rebase(actor=world.industry, amendment=amendment, text="It applies to labs.")
    amendment.refresh_from_db()
    assert diff.apply("This applies to everyone.", amendment.diff_ops) == "It applies to labs."


def test_the_migration_fills_in_the_diffs_of_existing_amendments(drafting: Drafting) -> None:
    clause = propose_many(drafting, 3)
    Amendment.objects.update(diff_ops=[])
    migration = importlib.import_module("deliberation.migrations.0005_amendment_diff_ops")
    migration.store_diffs(apps, None)
    for amendment in Amendment.objects.filter(clause=clause).select_related("base_version"):
        assert diff.apply(amendment.base_version.text, amendment.diff_ops) == amendment.text


# --- oversized text is refused with a clear 400 -----------------------------------------------

OVERSIZED = "x " * 25_000 + "x"  # 50,001 characters


def test_an_oversized_amendment_is_refused_on_the_page(drafting: Drafting) -> None:
    client = page_client(drafting.world.industry)
    for what in ("amendments", "alternatives"):
        response = client.post(
            f"/clauses/{drafting.scope.pk}/{what}/new/",
            {"text": OVERSIZED, "rationale": "Longer."},
        )
        assert response.status_code == 400
        assert "at most 50000 characters" in response.content.decode()
    assert not drafting.scope.amendments.exists()
    assert not drafting.scope.alternatives.exists()


def test_an_oversized_rebase_is_refused_not_dropped(drafting: Drafting) -> None:
    world = drafting.world
    amendment = services.amendment_propose(
        actor=world.industry, clause=drafting.scope, text="Short.", rationale="R."
    )
    response = page_client(world.industry).post(
        f"/amendments/{amendment.pk}/rebase/", {"text": OVERSIZED}
    )
    assert response.status_code == 400
    assert "at most 50000 characters" in response.content.decode()
    amendment.refresh_from_db()
    assert amendment.text == "Short."
