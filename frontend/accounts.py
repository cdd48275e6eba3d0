"""allauth's adapter: the sign-in page says when a lockout refused it."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.http import HttpRequest

from convene import signin


class AccountAdapter(DefaultAccountAdapter):
    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        """A sign-in the lockout refused (django-axes flags the request) is shown as that in
        the form, not as a wrong password; ``AxesMiddleware`` then answers the page 429."""
        if signin.locked_out(request):
            raise forms.ValidationError(signin.lockout_message(request), code="locked_out")
