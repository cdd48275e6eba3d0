"""Token authentication against hashed, expiring keys (``convene.models.ApiToken``)."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from convene import selectors
from convene.models import ApiToken, User


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, parsed by DRF as before; the key is looked up by its
    SHA-256 among unexpired tokens, in one query with the user. ``request.auth`` is the
    ``ApiToken``."""

    def authenticate_credentials(self, key: str) -> tuple[User, ApiToken]:
        token = selectors.api_token_for_key(key=key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        return token.user, token


class BearerTokenAuthentication(ApiTokenAuthentication):
    """The same keys as ``Authorization: Bearer <key>``, the prefix most generated clients
    send by default (openapi-python-client's ``AuthenticatedClient``, for one)."""

    keyword = "Bearer"
