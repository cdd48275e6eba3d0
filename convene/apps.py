from __future__ import annotations

import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger("convene")


class ConveneConfig(AppConfig):
    name = "convene"
    verbose_name = "Convene: people and audit"

    def ready(self) -> None:
        from convene.notifications import checks  # noqa: F401  (registers the system check)

        if settings.CELERY_TASK_ALWAYS_EAGER and not settings.REDIS_URL:
            logger.info("REDIS_URL is not set: Celery tasks run inline, in the calling process.")
