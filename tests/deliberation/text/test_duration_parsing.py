"""Durations typed as people write them ("180 days", "6 months") become ISO 8601 for the spec;
ISO 8601 typed by hand is taken too. Words out, words in: the round trip is stable."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliberation.text.durations import HINT, ISO_DURATION, DurationError, parse, words


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("180 days", "P180D"),
        ("1 day", "P1D"),
        ("6 months", "P6M"),
        ("2 weeks", "P2W"),
        ("1 year", "P1Y"),
        ("1 year and 6 months", "P1Y6M"),
        ("1 year, 2 months and 3 days", "P1Y2M3D"),
        ("6 months 1 year", "P1Y6M"),
        ("  90 Days ", "P90D"),
        ("12 hours", "PT12H"),
        ("1 hour and 30 minutes", "PT1H30M"),
        ("3 days, 4 hours", "P3DT4H"),
        ("90d", "P90D"),
        ("2 wks", "P2W"),
        ("P180D", "P180D"),
        ("p180d", "P180D"),
        ("P1Y6M", "P1Y6M"),
        ("PT0.5S", "PT0.5S"),
    ],
)
def test_durations_are_parsed_to_iso_8601(typed: str, iso: str) -> None:
    assert parse(typed) == iso


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "ninety days", "180", "days", "180 fortnights", "P", "PT", "1.5 days",
     "-3 days", "180 days ago", "2 days 3 days", "P90DT", "six months"],
)  # fmt: skip
def test_bad_input_says_what_to_enter(typed: str) -> None:
    with pytest.raises(DurationError) as error:
        parse(typed)
    assert str(error.value).endswith(HINT)
    assert HINT == "Enter a duration such as '180 days' or '6 months'."


def test_a_repeated_unit_is_named() -> None:
    with pytest.raises(DurationError, match="“day” is given twice"):
        parse("2 days and 3 days")


def test_an_unknown_unit_is_named() -> None:
    with pytest.raises(DurationError, match="“fortnights” is not a unit of time"):
        parse("3 fortnights")


DATE_UNITS = "YMWD"
TIME_UNITS = "HMS"


@st.composite
def canonical_iso(draw: st.DrawFn) -> str:
    """ISO 8601 durations in the supported subset: whole numbers, no leading zeros."""
    amount = st.one_of(st.none(), st.integers(0, 100_000))
    date = [draw(amount) for _ in DATE_UNITS]
    time = [draw(amount) for _ in TIME_UNITS]
    if all(n is None for n in date + time):
        date[3] = draw(st.integers(0, 100_000))
    iso = "P" + "".join(f"{n}{u}" for n, u in zip(date, DATE_UNITS, strict=True) if n is not None)
    clock = "".join(f"{n}{u}" for n, u in zip(time, TIME_UNITS, strict=True) if n is not None)
    return iso + (f"T{clock}" if clock else "")


@given(canonical_iso())
def test_iso_in_words_parses_back_to_the_same_iso(iso: str) -> None:
    assert re.fullmatch(ISO_DURATION, iso)
    said = words(iso)
    assert not re.search(r"\bP\d|\d[YMWDHS]\b", said)
    assert parse(said) == iso


@given(
    st.lists(
        st.tuples(
            st.integers(0, 10_000),
            st.sampled_from(
                ["year", "years", "month", "months", "week", "weeks", "day", "days", "hours"]
            ),
        ),
        min_size=1,
        max_size=4,
        unique_by=lambda t: t[1].rstrip("s"),
    ),
    st.sampled_from([" ", ", ", " and "]),
)
def test_typed_words_are_stable_through_iso(terms: list[tuple[int, str]], joiner: str) -> None:
    typed = joiner.join(f"{n} {unit}" for n, unit in terms)
    iso = parse(typed)
    assert re.fullmatch(ISO_DURATION, iso)
    assert parse(words(iso)) == iso
    assert words(parse(words(iso))) == words(iso)


@given(st.text(max_size=30))
def test_anything_typed_is_iso_or_a_clear_refusal(typed: str) -> None:
    try:
        iso = parse(typed)
    except DurationError as error:
        assert HINT in str(error)
    else:
        assert re.fullmatch(ISO_DURATION, iso)


@pytest.mark.parametrize("typed", ["٣ days", "P٣D"])
def test_only_ascii_digits_count(typed: str) -> None:
    with pytest.raises(DurationError):
        parse(typed)
