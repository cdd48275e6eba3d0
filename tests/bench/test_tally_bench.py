"""The S4/S5 benchmark (bench/tally.py) at a tiny size: its rows are what the harness expects,
and a close that counts wrongly makes it raise, which is how ``make bench`` fails only on a
broken scenario."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

from bench import tally
from deliberation.voting.services import closing

SCALE = 0.001  # 60 voters (the least), 100 ballots on one motion, 60 rankings
KEYS = {
    "scenario", "p50_ms", "p99_ms", "floor", "ratio", "queries", "bytes", "peak_mib", "size",
    "target", "met",
}  # fmt: skip
SCENARIOS = [
    "S4a floor: COUNT ... GROUP BY",
    "S4a close, counting",
    "S4a close, whole",
    "S4b floor: COUNT ... GROUP BY",
    "S4b close, counting",
    "S5 floor: read the rankings",
    "S5 Schulze (grouped profiles + schulze)",
]


def test_the_rows_are_well_formed(db: Any) -> None:
    rows = tally.run(quick=True, scale=SCALE)
    assert [row["scenario"] for row in rows] == SCENARIOS
    by_name = {row["scenario"]: row for row in rows}
    for row in rows:
        assert set(row) == KEYS
        assert 0 < row["p50_ms"] <= row["p99_ms"]
        assert isinstance(row["queries"], int) and row["queries"] > 0
        assert row["bytes"] is None
        if row["floor"] is None:
            assert (row["ratio"], row["target"], row["met"]) == (None, None, None)
            assert row["queries"] == 1
            continue
        floor = by_name[row["floor"]]
        assert floor["floor"] is None
        assert row["ratio"] == pytest.approx(row["p50_ms"] / floor["p50_ms"], rel=0.01)
        assert row["met"] is (row["ratio"] <= float(row["target"].split()[1].rstrip("\u00d7")))
    assert by_name["S4a close, counting"]["size"].startswith(f"{tally.MIN_VOTERS} voters")
    one_motion = round(tally.ONE_MOTION_BALLOTS * SCALE)
    assert by_name["S4b close, counting"]["size"].startswith(f"{one_motion} voters")


def test_a_close_that_miscounts_is_refused(db: Any) -> None:
    """One group's positions lost at close: the bench refuses the round's results."""
    scene = tally._yes_no_scene("miscount", tally.MIN_VOTERS, len(tally.KINDS))
    tally._close(scene, told=False, check=True)

    def lossy(motion_ids: list[int]) -> closing.ChoiceCounts:
        counts = real(motion_ids)
        for groups in counts.positions.values():
            groups.pop("industry", None)
        return counts

    real = closing.choice_counts
    with (
        mock.patch.object(closing, "choice_counts", lossy),
        pytest.raises(AssertionError),
    ):
        tally._close(scene, told=False, check=True)
