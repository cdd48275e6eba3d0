"""What a password change ends besides other sessions: the account's API tokens."""

from __future__ import annotations

from typing import Any


class RevokeApiTokensOnPasswordChange:
    """Listed in ``AUTH_PASSWORD_VALIDATORS`` but not a rule on passwords: Django calls
    ``password_changed()`` on every configured validator once a new password is saved, whichever
    way it was set (allauth's change and reset pages, the admin, ``manage.py changepassword``,
    ``set_password()`` anywhere). That makes it the one place that catches them all; a
    password-hash upgrade at sign-in is not a change and does not call it."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None and user.pk is not None:
            from convene import services

            services.api_tokens_revoke_all(user=user)

    def get_help_text(self) -> str:
        return "Setting a new password revokes your API tokens."
