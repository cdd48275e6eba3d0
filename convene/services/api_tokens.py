"""API tokens: issued at sign-in, listed and revoked by their user, ended by a password change.

No audit events: tokens are credentials, not part of the record of what was decided, and a
public chain must not show when someone signs in."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from convene.errors import Conflict, DomainError
from convene.models import ApiToken, User

DEFAULT_NAME = "API token"
# A bound on what one account can pile up (each sign-in issues a new token). Two simultaneous
# sign-ins may both pass it by one; it limits growth, it is not an exact count.
MAX_TOKENS_PER_USER = 50


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``, valid for ``API_TOKEN_TTL``, and its key. Only the key's hash
    is stored, so this is the one time the key can be shown. The user's expired tokens go."""
    now = timezone.now()
    with transaction.atomic():
        ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
        if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
            raise Conflict(
                f"This account already has {MAX_TOKENS_PER_USER} API tokens; "
                "revoke one before signing in for another."
            )
        # 160 random bits, hex: the format DRF's tokens had, so clients' storage still fits.
        key = secrets.token_hex(20)
        token = ApiToken.objects.create(
            user=user,
            name=name.strip() or DEFAULT_NAME,
            key_hash=ApiToken.hash_key(key),
            created_at=now,
            expires_at=now + settings.API_TOKEN_TTL,
        )
    return token, key


def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """End one of ``user``'s tokens at once. Another user's token is 404, as if it did not
    exist. Returns the (now deleted) token, for its name."""
    with transaction.atomic():
        token = ApiToken.objects.filter(user=user, pk=token_id).first()
        if token is None:
            raise DomainError("No such API token.", status=404)
        token.delete()
    return token


def api_tokens_revoke_all(*, user: User) -> int:
    """End every token of ``user`` (their password changed); returns how many there were."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted
