"""The platform's URLs plus the floors, what a request costs before any of our work, and the
public reader with its cache bypassed (the cost of a miss, on demand)."""

from __future__ import annotations

from unittest import mock

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path, resolve

from convene.urls import handler400, handler403, handler404, handler500  # noqa: F401
from convene.urls import urlpatterns as platform
from frontend.views.publishing import caching


def bare(request: HttpRequest) -> HttpResponse:
    """The floor: the same middleware, no work."""
    return HttpResponse(b"ok", content_type="text/plain")


def select_one(request: HttpRequest) -> HttpResponse:
    """The floor with one round trip to the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse(b"ok", content_type="text/plain")


def uncached(request: HttpRequest, rest: str) -> HttpResponse:
    """The platform's page at ``/<rest>`` as if its cached copy had expired."""
    match = resolve(f"/{rest}", urlconf="convene.urls")
    with mock.patch.object(caching, "_from_cache", lambda key, request=None: None):
        return match.func(request, *match.args, **match.kwargs)  # type: ignore[no-any-return]


urlpatterns = [
    path("bench/floor/bare/", bare),
    path("bench/floor/select-one/", select_one),
    path("bench/uncached/<path:rest>", uncached),
    *platform,
]
