"""allauth's sign-up form, checked against the display name typed with it.

Kept apart from ``frontend.forms``: allauth's forms module imports that one (for
``ACCOUNT_SIGNUP_FORM_CLASS``), so importing allauth's forms there would be circular.
"""

from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from convene.models import User


class AccountSignupForm(SignupForm):
    """allauth validates the password against a blank user that has only the email; the
    validators (``AUTH_PASSWORD_VALIDATORS``) also compare it with the display name, so they run
    again, once, with both."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        password = cleaned.get("password1")
        display_name = cleaned.get("display_name")
        if password and display_name and "password1" not in self.errors:
            user = User(email=cleaned.get("email") or "", display_name=display_name)
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned
