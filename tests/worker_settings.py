"""Settings for the real Celery worker that tests/convene/test_worker.py starts.

The test settings, pointed at the test process's database (whose name only the test process
knows) and at a mail backend another process can observe (tests.settings forces locmem).
"""

from __future__ import annotations

import os

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES

DATABASES = {
    "default": {
        **DATABASES["default"],
        "NAME": os.environ["CONVENE_WORKER_DATABASE_NAME"],
        # Hold no connection between tasks, so the test run can drop its database at the end.
        "CONN_MAX_AGE": 0,
    }
}
# Set directly rather than via EMAIL_URL: django-environ reads "filemail:///tmp/x" as the
# relative path "tmp/x".
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["CONVENE_WORKER_MAIL_DIR"]
CELERY_TASK_ALWAYS_EAGER = False
