"""The public reader, cached, uncached and conditional (304), at the demo's size and at 200
clauses, as ratios to floors measured in the same run.

    make bench-reader        (BENCH_ROUNDS=200 by default; BENCH_DATABASE_URL, REDIS_URL)

The database (``convene_bench`` unless BENCH_DATABASE_URL says otherwise) is dropped, migrated
and seeded with the demo, whose published framework is then given a second edition of 200
clauses. Requests go through Django's full middleware stack in this process (the WSGI handler
of ``django.test.Client``), interleaved: each round makes one request of every scenario, floors
included, so a noisy neighbour slows them all alike and the ratios hold. The figures are not a
pass/fail test; they are printed as a table and written to bench/results/reader.json.
"""

from __future__ import annotations

import io
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

RESULTS = Path(__file__).resolve().parent / "results"
FLOOR = "floor: bare view"


def _fresh_database() -> None:
    from django.conf import settings
    from django.db import connections

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        Path(db["NAME"]).unlink(missing_ok=True)
        return
    import psycopg

    connections.close_all()
    admin = psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{db["NAME"]}"')


def _seed() -> dict[str, str]:
    """The demo, plus a second edition of its published framework grown to 200 clauses."""
    from django.core.management import call_command

    from deliberation.models import Edition
    from deliberation.publishing.demo import SLUG
    from tests.frontend.publishing.conftest import clauses_of, forge_edition

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    demo = Edition.objects.get(framework__slug=SLUG, number=1)
    grown = forge_edition(demo, clauses_of(demo, 200))
    return {
        "demo": f"/frameworks/{SLUG}/editions/{demo.number}/",
        "200 clauses": f"/frameworks/{SLUG}/editions/{grown.number}/",
    }


def _scenarios(urls: dict[str, str]) -> dict[str, Callable[[Any], Any]]:
    from frontend.views.publishing import caching

    def uncached(url: str) -> Callable[[Any], Any]:
        def get(client: Any) -> Any:
            with mock.patch.object(caching, "_from_cache", lambda key: None):
                return client.get(url)

        return get

    def conditional(url: str) -> Callable[[Any], Any]:
        etag: dict[str, str] = {}

        def get(client: Any) -> Any:
            if not etag:
                etag["value"] = client.get(url)["ETag"]
            return client.get(url, headers={"if_none_match": etag["value"]})

        return get

    scenarios: dict[str, Callable[[Any], Any]] = {
        FLOOR: lambda client: client.get("/bench/floor/bare/"),
        "floor: SELECT 1": lambda client: client.get("/bench/floor/select-one/"),
    }
    for size, url in urls.items():
        scenarios[f"reader {size}, cached"] = lambda client, url=url: client.get(url)
        scenarios[f"reader {size}, uncached"] = uncached(url)
        scenarios[f"reader {size}, 304"] = conditional(url)
    return scenarios


def _measure(scenarios: dict[str, Callable[[Any], Any]], rounds: int) -> dict[str, dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    out: dict[str, dict[str, Any]] = {}
    for name, get in scenarios.items():  # warm-up, and each scenario's queries and size
        get(client)
        with CaptureQueriesContext(connection) as ctx:
            response = get(client)
        out[name] = {
            "status": response.status_code,
            "queries": len(ctx.captured_queries),
            "bytes": len(response.content),
            "samples": [],
        }
    for _ in range(rounds):
        for name, get in scenarios.items():
            start = time.perf_counter_ns()
            get(client)
            out[name]["samples"].append((time.perf_counter_ns() - start) / 1e6)
    return out


def _summary(measured: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    floor = statistics.median(measured[FLOOR]["samples"])
    rows = []
    for name, m in measured.items():
        samples = sorted(m["samples"])
        p50 = statistics.median(samples)
        rows.append(
            {
                "scenario": name,
                "status": m["status"],
                "p50_ms": round(p50, 3),
                "p99_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 3),
                "ratio_to_floor": round(p50 / floor, 2),
                "queries": m["queries"],
                "bytes": m["bytes"],
            }
        )
    return rows


def _table(rows: list[dict[str, Any]]) -> str:
    head = (
        f"{'scenario':34} {'status':>6} {'p50 ms':>9} {'p99 ms':>9} {'x floor':>8} "
        f"{'queries':>7} {'bytes':>9}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['scenario']:34} {r['status']:>6} {r['p50_ms']:>9.3f} {r['p99_ms']:>9.3f} "
            f"{r['ratio_to_floor']:>8.2f} {r['queries']:>7} {r['bytes']:>9}"
        )
    return "\n".join(lines)


def main() -> int:
    import django

    rounds = int(os.environ.get("BENCH_ROUNDS", "200"))
    _fresh_database()
    django.setup()
    from django.conf import settings

    rows = _summary(_measure(_scenarios(_seed()), rounds))
    print(_table(rows))
    RESULTS.mkdir(exist_ok=True)
    report = {
        "benchmark": "reader",
        "rounds": rounds,
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "rows": rows,
    }
    (RESULTS / "reader.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
