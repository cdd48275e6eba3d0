"""What every benchmark shares: the database it owns, one row format, interleaved sampling, and
the printed table.

A row is one measured thing:

    {"scenario", "size", "p50_ms", "p99_ms", "floor", "ratio", "queries", "bytes", "peak_mib",
     "vs", "vs_ratio", "target", "met"}

``floor`` names the row it is compared with (None for a floor itself) and ``ratio`` is the p50's
ratio to that floor's p50, both taken in the same run. ``target`` is the issue's target in words
and ``met`` whether this run met it (None where a target is not a ratio of this row). A scenario
that cannot run, or runs and gets a wrong answer, raises :class:`Broken`: that, never a slow
figure, is what fails ``make bench-quick``.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/convene_bench"

Row = dict[str, Any]


class Broken(AssertionError):
    """A scenario that did not do what it measures: a failure, unlike any figure."""


def check(condition: object, message: str) -> None:
    if not condition:
        raise Broken(message)


def fresh_database() -> None:
    """Drop and create the benchmark's own database (BENCH_DATABASE_URL): it never touches
    another one. Call before ``django.setup()``."""
    import environ
    import psycopg

    db = environ.Env.db_url_config(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE))
    if not db["ENGINE"].endswith("postgresql"):
        raise SystemExit("The benchmarks run on PostgreSQL (BENCH_DATABASE_URL=postgres://…).")
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{db["NAME"]}"')


_STARTED = time.monotonic()


def progress(message: str) -> None:
    """A line on stderr with the seconds since start: a long run says what it is doing."""
    print(f"[{time.monotonic() - _STARTED:6.0f} s] {message}", file=sys.stderr, flush=True)


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def row(
    scenario: str,
    samples: list[float],
    *,
    size: str = "",
    floor: str | None = None,
    queries: int | None = None,
    bytes_: int | None = None,
    peak_mib: float | None = None,
    target: str | None = None,
) -> Row:
    """A row from its timings (ms); ``ratio`` and ``met`` are filled in by :func:`compare`."""
    return {
        "scenario": scenario,
        "size": size,
        "p50_ms": round(statistics.median(samples), 3),
        "p99_ms": round(p99(samples), 3),
        "floor": floor,
        "ratio": None,
        "queries": queries,
        "bytes": bytes_,
        "peak_mib": None if peak_mib is None else round(peak_mib, 1),
        "vs": None,  # a reference row other than the floor, e.g. the same page on the demo
        "vs_ratio": None,  # this row's floor ratio over the reference row's
        "target": target,
        "met": None,
    }


def compare(rows: list[Row], limits: dict[str, float] | None = None) -> list[Row]:
    """Each row's ratio to its floor's p50; where ``limits`` gives the scenario a ceiling for that
    ratio, whether it was met."""
    by_name = {r["scenario"]: r for r in rows}
    for r in rows:
        if r["floor"] is None:
            continue
        base = by_name[r["floor"]]["p50_ms"]
        r["ratio"] = round(r["p50_ms"] / base, 2) if base else None
        limit = (limits or {}).get(r["scenario"])
        if limit is not None and r["ratio"] is not None:
            r["met"] = r["ratio"] <= limit
    return rows


def interleave(work: dict[str, Callable[[], Any]], rounds: int) -> dict[str, list[float]]:
    """Time every piece of ``work`` once per round, in the same order: a noisy neighbour slows
    them all alike, so their ratios hold where the milliseconds do not."""
    samples: dict[str, list[float]] = {name: [] for name in work}
    for _ in range(rounds):
        for name, do in work.items():
            start = time.perf_counter_ns()
            do()
            samples[name].append((time.perf_counter_ns() - start) / 1e6)
    return samples


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter_ns()
    result = work()
    return (time.perf_counter_ns() - start) / 1e6, result


def peak_mib(work: Callable[[], Any]) -> tuple[float, Any]:
    """Peak Python allocation of ``work`` (tracemalloc), in MiB, and its result."""
    import tracemalloc

    tracemalloc.start()
    try:
        result = work()
        return tracemalloc.get_traced_memory()[1] / 2**20, result
    finally:
        tracemalloc.stop()


def machine() -> dict[str, Any]:
    """Where the figures came from: they are only comparable on the same machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "python": platform.python_version(),
        "system": platform.platform(terse=True),
        "cpus": os.cpu_count(),
        "postgresql": postgres,
        "host": platform.node(),
    }


def _cell(value: Any, spec: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    return format(value, spec)


COLUMNS = [
    # header, key, width, format
    ("scenario", "scenario", 46, ""),
    ("size", "size", 24, ""),
    ("p50 ms", "p50_ms", 10, ",.2f"),
    ("p99 ms", "p99_ms", 10, ",.2f"),
    ("x floor", "ratio", 8, ",.2f"),
    ("x ref", "vs_ratio", 6, ",.2f"),
    ("queries", "queries", 7, ""),
    ("bytes", "bytes", 10, ","),
    ("peak MiB", "peak_mib", 8, ",.1f"),
    ("target", "target", 22, ""),
    ("met", "met", 3, ""),
]


def table(rows: Iterable[Row]) -> str:
    """The rows as a fixed-width table, for a terminal or a CI log."""

    def line(cells: list[str]) -> str:
        out = []
        for (_, _, width, _), cell in zip(COLUMNS, cells, strict=True):
            out.append(cell.ljust(width) if width in (46, 24, 22) else cell.rjust(width))
        return " ".join(out).rstrip()

    head = line([h for h, _, _, _ in COLUMNS])
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(line([_cell(r.get(key), spec) for _, key, _, spec in COLUMNS]))
    return "\n".join(lines)


def markdown(rows: Iterable[Row]) -> str:
    """The rows as a Markdown table, for docs/performance.md."""
    head = "| " + " | ".join(h for h, _, _, _ in COLUMNS) + " |"
    out = [head, "|" + "---|" * len(COLUMNS)]
    for r in rows:
        out.append("| " + " | ".join(_cell(r.get(k), s) for _, k, _, s in COLUMNS) + " |")
    return "\n".join(out)
