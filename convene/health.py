"""``/healthz``: is the database answering, and the broker when one is configured."""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "down"; the log has the cause
        logger.exception("health check: database is down")
        return "down"
    return "ok"


def _broker() -> str:
    if not settings.REDIS_URL:
        return "inline"
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
        client.ping()
    except redis.RedisError:
        logger.exception("health check: broker is down")
        return "down"
    return "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    body = {"database": _database(), "broker": _broker()}
    healthy = all(value in {"ok", "inline"} for value in body.values())
    return JsonResponse(body, status=200 if healthy else 503)
