"""Server-rendered pages. Views parse input, check access, call one service or selector, and
render; the services' ``DomainError`` is shown in the form with its status."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from convene.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, for views behind ``login_required``."""
    return cast(User, request.user)
