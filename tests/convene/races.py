"""Helpers for tests of races: threads released at one instant, each on its own connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from tests.conftest import IN_CI


def run_together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads released at once; results or exceptions, by i."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as exc:  # the outcome under test, collected for the assertions
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def skip_on_in_memory_sqlite() -> None:
    """The test database on SQLite is in memory with a shared cache, where a lock conflict
    fails at once ("database table is locked") instead of waiting as the IMMEDIATE
    transactions of a file database do: the losers never reach the race under test. CI runs
    on PostgreSQL, so there a skip would hide a broken setup: it fails instead."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        reason = "SQLite's shared-cache in-memory test database does not wait for locks"
        if IN_CI:
            pytest.fail(f"race tests must run in CI: {reason}")
        pytest.skip(reason)
