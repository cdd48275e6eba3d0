"""allauth's adapter: the sign-in page says when a lockout refused it, and account emails
speak as Convene (not as the host name allauth would take from the request)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django import forms
from django.conf import settings
from django.contrib.sites.requests import RequestSite
from django.http import HttpRequest

from convene import signin


class _Site(RequestSite):
    """The request's domain (links in the mail point at it), under the platform's name."""

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request)
        self.name = settings.SITE_NAME


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        site = _Site(allauth_context.request)
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        """A sign-in the lockout refused (django-axes flags the request) is shown as that in
        the form, not as a wrong password; ``AxesMiddleware`` then answers the page 429."""
        if signin.locked_out(request):
            raise forms.ValidationError(signin.lockout_message(request), code="locked_out")
