"""Reading requests: one place that validates input serializers and types the signed-in user
for every API view."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from convene.models import User


def validated(serializer_class: type[Any], data: Any, **kwargs: Any) -> dict[str, Any]:
    """The serializer's validated data; a ValidationError (→ 400 with field errors) otherwise."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def signed_in(request: Request) -> User:
    """The request's user as a ``User``, for views behind ``IsAuthenticated`` or a write
    permission; an anonymous caller that got this far is a 401, never a service call."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    return user
