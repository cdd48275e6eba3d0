"""The platform's URLs plus the floors: what a request costs before any of our work."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from convene.urls import handler400, handler403, handler404, handler500  # noqa: F401
from convene.urls import urlpatterns as platform


def bare(request: HttpRequest) -> HttpResponse:
    """The floor: the same middleware, no work."""
    return HttpResponse(b"ok", content_type="text/plain")


def select_one(request: HttpRequest) -> HttpResponse:
    """The floor with one round trip to the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/floor/bare/", bare),
    path("bench/floor/select-one/", select_one),
    *platform,
]
