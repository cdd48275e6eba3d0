"""Rate limits on writes. Reads are not throttled; rates are in settings (THROTTLE_*)."""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

SAFE = {"GET", "HEAD", "OPTIONS"}


class WriteRateThrottle(UserRateThrottle):
    scope = "write"

    def allow_request(self, request: Any, view: Any) -> bool:
        if request.method in SAFE or not request.user.is_authenticated:
            return True
        return super().allow_request(request, view)


class AnonWriteRateThrottle(AnonRateThrottle):
    scope = "anon_write"

    def allow_request(self, request: Any, view: Any) -> bool:
        if request.method in SAFE:
            return True
        return super().allow_request(request, view)


class SignInRateThrottle(SimpleRateThrottle):
    """Per client address, for the token endpoint: slows password guessing."""

    scope = "sign_in"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class CommentPostThrottle(UserRateThrottle):
    """Posting comments, per user (THROTTLE_COMMENT): keeps a thread readable under a flood."""

    scope = "comment"
