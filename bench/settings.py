"""Settings for benchmarks: production's settings (``bench.pages.production_environment``) on a
database of their own, and the floor views' URLs beside the platform's."""

from __future__ import annotations

import os

# The platform's own database configuration (persistent connections included), pointed at the
# benchmarks' database.
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/convene_bench"
)

from convene.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Tasks a measured request queues (a summary to refresh, mail to relay) go to an in-memory
# broker that nothing consumes: never onto a shared Redis queue, where a test run's worker
# would pick them up. What they cost is measured on its own (S7, S8).
CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = False
# No scenario signs in with a password (sessions are made directly), so the demo's accounts
# need not pay production's deliberately slow hashing while the data set is built.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
