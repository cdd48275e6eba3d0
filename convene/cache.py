"""A Redis cache whose outage degrades the site instead of failing its requests.

The cache holds only what can be lost: rate-limit counters and the like. With Redis down, a read
answers as a miss, a write is dropped, and a warning is logged (at most once a minute per
process, so an outage does not flood the log). Rate limits then fail open: a request is not
refused because its counter cannot be read. Celery's broker is checked by ``healthz`` apart.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("convene.cache")

_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
_WARN_EVERY = 60.0
_last_warning = 0.0


def _warn(operation: str, error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= _WARN_EVERY:
        _last_warning = now
        logger.warning("cache unavailable (%s: %s): rate limits fail open", operation, error)


def _fail_open(operation: str, fallback: Callable[..., Any]) -> Callable[..., Any]:
    parent = getattr(RedisCache, operation)

    def method(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return parent(self, *args, **kwargs)
        except _UNAVAILABLE as error:
            _warn(operation, error)
            return fallback(*args, **kwargs)

    method.__name__ = operation
    return method


def _default(key: Any, default: Any = None, **kwargs: Any) -> Any:
    return default


def _stored(*args: Any, **kwargs: Any) -> bool:
    return True


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


def _missing(*args: Any, **kwargs: Any) -> bool:
    return False


def _delta(key: Any, delta: int = 1, version: Any = None) -> int:
    # As if the counter had just been created: a rate limit then counts this request as the
    # first of its window.
    return delta


class FailOpenRedisCache(RedisCache):
    get = _fail_open("get", _default)
    get_many = _fail_open("get_many", lambda keys, **kwargs: {})
    set = _fail_open("set", _nothing)
    set_many = _fail_open("set_many", lambda data, **kwargs: [])
    add = _fail_open("add", _stored)
    touch = _fail_open("touch", _missing)
    delete = _fail_open("delete", _missing)
    delete_many = _fail_open("delete_many", _nothing)
    has_key = _fail_open("has_key", _missing)
    incr = _fail_open("incr", _delta)
    decr = _fail_open("decr", lambda key, delta=1, version=None: -delta)
    clear = _fail_open("clear", _missing)
