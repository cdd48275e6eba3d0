"""Quotes snap to whole words, and overlapping quotes cut into pieces: the pure rules."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from deliberation.discussion.anchors import segments, snap_quote, snap_span

SENTENCE = "The parties verify compliance through independent audits."
TEXTS = st.text(alphabet="ab .,\n-é1", max_size=40)


def test_a_quote_cutting_words_is_grown_to_whole_words() -> None:
    assert snap_quote(SENTENCE, "arties verify compliance throu") == (
        "parties verify compliance through"
    )


def test_a_quote_of_whole_words_is_kept_without_its_edge_spaces() -> None:
    assert snap_quote(SENTENCE, " verify compliance ") == "verify compliance"
    assert snap_quote(SENTENCE, "audits.") == "audits."


def test_a_quote_not_in_the_paragraph_is_returned_unchanged() -> None:
    assert snap_quote(SENTENCE, "elsewhere") == "elsewhere"


@st.composite
def text_and_span(draw: st.DrawFn) -> tuple[str, int, int]:
    text = draw(TEXTS)
    start = draw(st.integers(0, len(text)))
    return text, start, draw(st.integers(start, len(text)))


def _cuts_a_word(text: str, at: int) -> bool:
    return 0 < at < len(text) and text[at - 1].isalnum() and text[at].isalnum()


@given(text_and_span())
def test_a_snapped_span_never_cuts_a_word(case: tuple[str, int, int]) -> None:
    text, start, end = case
    lo, hi = snap_span(text, start, end)
    if lo < hi:
        assert not _cuts_a_word(text, lo) and not _cuts_a_word(text, hi)
        assert not text[lo].isspace() and not text[hi - 1].isspace()


@given(text_and_span())
def test_a_snapped_span_keeps_every_word_character_it_had(case: tuple[str, int, int]) -> None:
    text, start, end = case
    lo, hi = snap_span(text, start, end)
    assert all(lo <= i < hi for i in range(start, end) if not text[i].isspace())


@given(text_and_span())
def test_snapping_twice_changes_nothing(case: tuple[str, int, int]) -> None:
    text, start, end = case
    once = snap_span(text, start, end)
    assert snap_span(text, *once) == once


@given(text_and_span())
def test_a_snapped_quote_occurs_in_the_paragraph(case: tuple[str, int, int]) -> None:
    text, start, end = case
    quote = text[start:end]
    snapped = snap_quote(text, quote)
    assert snapped in text
    assert quote.strip() in snapped


SPANS = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)).map(sorted), max_size=6).map(
    lambda pairs: [(lo, hi, key) for key, (lo, hi) in enumerate(pairs)]
)


@given(SPANS)
def test_pieces_are_disjoint_and_in_order(spans: list[tuple[int, int, int]]) -> None:
    pieces = segments(spans)
    assert all(lo < hi for lo, hi, _ in pieces)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(pieces))


@given(SPANS)
def test_each_position_is_covered_by_exactly_the_keys_of_its_quotes(
    spans: list[tuple[int, int, int]],
) -> None:
    pieces = segments(spans)
    for position in range(31):
        covering = tuple(key for lo, hi, key in spans if lo <= position < hi)
        inside = [keys for lo, hi, keys in pieces if lo <= position < hi]
        assert inside == ([covering] if covering else [])


@given(SPANS)
def test_every_quote_starts_a_piece_and_ends_one(spans: list[tuple[int, int, int]]) -> None:
    pieces = segments(spans)
    for lo, hi, key in spans:
        if lo < hi:
            assert any(p[0] == lo and key in p[2] for p in pieces)
            assert any(p[1] == hi and key in p[2] for p in pieces)


def test_three_overlapping_quotes_cut_at_every_boundary() -> None:
    assert segments([(0, 10, 1), (5, 15, 2), (8, 20, 3)]) == [
        (0, 5, (1,)),
        (5, 8, (1, 2)),
        (8, 10, (1, 2, 3)),
        (10, 15, (2, 3)),
        (15, 20, (3,)),
    ]
