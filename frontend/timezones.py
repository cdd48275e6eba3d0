"""Pages show times in the reader's time zone (their notification settings' ``time_zone``).

The zone is kept in the session, set when the user signs in and when they change it, so a page
costs no query to find it. API responses stay in UTC: the middleware leaves ``/api/`` alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import lazy

SESSION_KEY = "convene_time_zone"


def remember_time_zone(request: HttpRequest, name: str) -> None:
    """Show this session's pages in ``name`` (an IANA zone, validated by the settings service)."""
    request.session[SESSION_KEY] = name


def remember_on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: the user's zone, for the pages of the new session."""
    from convene.notifications.models import NotificationSettings

    if request is None or not hasattr(request, "session"):
        return
    name = (
        NotificationSettings.objects.filter(user=user).values_list("time_zone", flat=True).first()
    )
    if name:
        remember_time_zone(request, name)


def current_zone() -> str:
    """The active zone's name, resolved when rendered (labels of form fields defined once)."""
    return _current_zone_name()


_current_zone_name = lazy(timezone.get_current_timezone_name, str)


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


class TimeZoneMiddleware:
    """Activate the session's time zone for pages (after the session middleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = None
        if not request.path.startswith("/api/") and hasattr(request, "session"):
            name = request.session.get(SESSION_KEY)
        zone = _zone(name) if name else None
        if zone is None:
            return self.get_response(request)
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
