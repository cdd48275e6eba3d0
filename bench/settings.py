"""Settings for benchmarks: production's middleware and templates, a database of their own, and
the floor views' URLs beside the platform's."""

from __future__ import annotations

import os

import environ

from convene.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {
    "default": environ.Env.db_url_config(
        os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/convene_bench")
    )
}
