"""Settings for the real Celery workers that tests/convene/workers.py starts.

The test settings, pointed at the test process's database (whose name only the test process
knows) and at a mail backend another process can observe (tests.settings forces locmem): a
directory of files, or with ``CONVENE_WORKER_SMTP_PORT`` an SMTP server the test runs.
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
if os.environ.get("CONVENE_WORKER_SMTP_PORT"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = "127.0.0.1"
    EMAIL_PORT = int(os.environ["CONVENE_WORKER_SMTP_PORT"])
    EMAIL_HOST_USER = EMAIL_HOST_PASSWORD = ""
    EMAIL_USE_TLS = EMAIL_USE_SSL = False
else:
    # Set directly rather than via EMAIL_URL: django-environ reads "filemail:///tmp/x" as the
    # relative path "tmp/x".
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["CONVENE_WORKER_MAIL_DIR"]
CELERY_TASK_ALWAYS_EAGER = False
