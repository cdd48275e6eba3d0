"""Durations read as people write them: "180 days", not P180D (ISO 8601 stays in the JSON)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliberation.text.specs import ISO_DURATION, duration_words, readable


@pytest.mark.parametrize(
    ("iso", "words"),
    [
        ("P180D", "180 days"),
        ("P1D", "1 day"),
        ("P6M", "6 months"),
        ("P1Y", "1 year"),
        ("P1Y6M", "1 year and 6 months"),
        ("P2W", "2 weeks"),
        ("PT12H", "12 hours"),
        ("PT1H30M", "1 hour and 30 minutes"),
        ("P1Y2M3D", "1 year, 2 months and 3 days"),
        ("PT0.5S", "0.5 seconds"),
    ],
)
def test_durations_in_words(iso: str, words: str) -> None:
    assert duration_words(iso) == words


@pytest.mark.parametrize("value", ["", "P", "PT", "90 days", "P90DT", "p90d", 90, None])
def test_anything_else_comes_back_as_it_is(value: object) -> None:
    assert duration_words(value) == str(value)


UNITS = [("Y", "year"), ("M", "month"), ("W", "week"), ("D", "day")]
TIME_UNITS = [("H", "hour"), ("M", "minute")]


@given(
    st.lists(st.one_of(st.none(), st.integers(0, 10_000)), min_size=6, max_size=6).filter(
        lambda xs: any(x is not None for x in xs)
    )
)
def test_every_component_is_said_once_in_order(amounts: list[int | None]) -> None:
    date = "".join(f"{n}{u}" for n, (u, _) in zip(amounts[:4], UNITS, strict=True) if n is not None)
    time = "".join(
        f"{n}{u}" for n, (u, _) in zip(amounts[4:], TIME_UNITS, strict=True) if n is not None
    )
    iso = f"P{date}" + (f"T{time}" if time else "")
    assert re.fullmatch(ISO_DURATION, iso)
    words = duration_words(iso)
    expected = [
        f"{n} {name}{'' if n == 1 else 's'}"
        for n, (_, name) in zip(amounts, UNITS + TIME_UNITS, strict=True)
        if n is not None
    ]
    said = re.split(r", | and ", words)
    assert said == expected
    assert "P" not in words


def test_only_duration_fields_are_rewritten() -> None:
    assert readable("window", "P90D") == "90 days"
    assert readable("metric", "P90D") == "P90D"
    assert readable("threshold", 4) == 4
