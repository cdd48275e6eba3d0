"""The account's API tokens: listed, and revoked one by one (issued by the API's sign-in)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from convene import selectors, services
from convene.errors import DomainError
from frontend.views import signed_in_user


def _render_page(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    context = {
        "tokens": selectors.api_token_list(user=signed_in_user(request)),
        "ttl_days": settings.API_TOKEN_TTL.days,
    }
    return render(request, "frontend/api_tokens.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    return _render_page(request)


@login_required
@require_http_methods(["POST"])
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = services.api_token_revoke(user=signed_in_user(request), token_id=token_id)
    except DomainError as error:
        messages.error(request, error.message)
        return _render_page(request, status=error.status)
    messages.success(request, f"API token “{token.name}” revoked.")
    return redirect("api_tokens")
