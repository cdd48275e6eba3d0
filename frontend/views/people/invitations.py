"""Accepting an invitation from the emailed link.

Which form the page shows depends on who follows the link: no account has the invited address
→ create one; it has one and they are signed in as it → accept; signed out → sign in first;
signed in as someone else → refused, naming the invited address.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from convene import services
from convene.errors import DomainError
from convene.models import Invitation, User
from frontend.forms import AcceptWithNewAccountForm, add_domain_error
from frontend.views import signed_in_user

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _situation(request: HttpRequest, invitation: Invitation) -> str:
    has_account = User.objects.filter(email=invitation.email).exists()
    user: Any = request.user
    if not user.is_authenticated:
        return "sign_in" if has_account else "new_account"
    return "accept" if user.email == invitation.email else "wrong_account"


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_for_token(token)
    except DomainError as error:
        return render(
            request,
            "frontend/invitation_gone.html",
            {"message": error.message},
            status=error.status,
        )
    situation = _situation(request, invitation)
    form = AcceptWithNewAccountForm(request.POST or None) if situation == "new_account" else None
    status = 403 if situation == "wrong_account" else 200
    if request.method == "POST" and situation in {"new_account", "accept"}:
        status = 400
        if form is None or form.is_valid():
            try:
                membership = _accept(request, token, form)
            except DomainError as error:
                if error.status == 410:
                    return render(
                        request,
                        "frontend/invitation_gone.html",
                        {"message": error.message},
                        status=410,
                    )
                if form is None:
                    messages.error(request, error.message)
                else:
                    add_domain_error(form, error)
                status = error.status
            else:
                messages.success(request, f"Welcome to {membership.convening.title}.")
                return redirect("convening_detail", slug=membership.convening.slug)
    context = {
        "invitation": invitation,
        "situation": situation,
        "form": form,
        "sign_in_url": f"{reverse('account_login')}?{urlencode({'next': request.path})}",
    }
    return render(request, "frontend/invitation_accept.html", context, status=status)


def _accept(request: HttpRequest, token: str, form: AcceptWithNewAccountForm | None) -> Any:
    if form is None:
        return services.invitation_accept(token=token, user=signed_in_user(request))
    membership = services.invitation_accept(
        token=token,
        password=form.cleaned_data["password"],
        display_name=form.cleaned_data["display_name"],
    )
    login(request, membership.user, backend=MODEL_BACKEND)
    return membership
