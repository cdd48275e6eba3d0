"""The comment posting limit on the pages: the API's own throttle, so one counter per user
covers both (THROTTLE_COMMENT)."""

from __future__ import annotations

import math
from typing import Any, cast

from django.http import HttpRequest, HttpResponse

from convene.api.throttling import CommentPostThrottle
from convene.errors import DomainError

RATE_MESSAGE = "You are posting too fast: at most {n} comments a minute. Try again in {s} seconds."


class PostingTooFast(DomainError):
    status = 429

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, field="body")
        self.retry_after = retry_after


def check_rate(request: HttpRequest) -> None:
    """Count one post; raise PostingTooFast (429, naming the wait) when over the limit."""
    throttle = CommentPostThrottle()
    # DRF's throttles read only ``user`` and ``META``, which a page's request has too.
    if throttle.allow_request(cast(Any, request), cast(Any, None)):
        return
    wait = max(1, math.ceil(throttle.wait() or 1))
    message = RATE_MESSAGE.format(n=getattr(throttle, "num_requests", "?"), s=wait)
    raise PostingTooFast(message, retry_after=wait)


def too_many(response: HttpResponse, error: DomainError) -> HttpResponse:
    """``response`` with Retry-After when ``error`` is the posting limit."""
    if isinstance(error, PostingTooFast):
        response["Retry-After"] = str(error.retry_after)
    return response
