"""Test settings: the real settings (same DATABASE_URL / REDIS_URL), made fast and isolated."""

from __future__ import annotations

import os
import uuid

from convene.settings import *  # noqa: F403
from convene.settings import CACHES, REST_FRAMEWORK

# Each test process gets its own cache namespace, so rate-limit counters never leak between
# runs or xdist workers sharing one Redis.
_prefix = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{uuid.uuid4().hex[:8]}"
for _cache in CACHES.values():
    _cache["KEY_PREFIX"] = _prefix

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run inline unless a test starts a real worker (tests/convene/test_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "write": "10000/min",
        "anon_write": "10000/min",
        "sign_in": "10000/min",
        "comment": "10000/min",
    },
}
ACCOUNT_RATE_LIMITS = False
# The sign-in lockout stays on (django-axes, attempts in the database, so each test starts
# clean) but out of reach; tests of it lower the limit with override_settings.
AXES_FAILURE_LIMIT = 1000
SITE_URL = "http://testserver"
