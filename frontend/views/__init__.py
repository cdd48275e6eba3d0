"""Server-rendered pages. Views parse input, check access, call one service or selector, and
render; the services' ``DomainError`` is shown in the form with its status."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from convene.models import User


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (django-htmx's documented typing)."""

    htmx: HtmxDetails


def htmx(request: HttpRequest) -> bool:
    """Whether the request was made by htmx (a swap is answered with a partial)."""
    return bool(cast(HtmxHttpRequest, request).htmx)


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, for views behind ``login_required``."""
    return cast(User, request.user)
