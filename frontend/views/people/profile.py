"""The account page: name, @handle and time zone; sign-in and email; the user's memberships."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from convene import selectors, services
from convene.errors import DomainError
from convene.notifications import inbox
from convene.notifications.models import TIME_ZONES
from frontend.forms import ProfileForm, add_domain_error
from frontend.timezones import remember_time_zone
from frontend.views import signed_in_user


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    time_zone = inbox.settings_of(user).time_zone
    initial = {"display_name": user.display_name, "handle": user.handle, "timezone": time_zone}
    form = ProfileForm(request.POST or None, initial=initial, time_zones=TIME_ZONES)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.user_profile_update(
                    user=user,
                    display_name=form.cleaned_data["display_name"],
                    handle=form.cleaned_data["handle"],
                    time_zone=form.cleaned_data["timezone"],
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status
            else:
                remember_time_zone(request, form.cleaned_data["timezone"])
                messages.success(request, "Your account is saved.")
                return redirect("account")
    context = {
        "form": form,
        "emails": EmailAddress.objects.filter(user=user).order_by("-primary", "email"),
        "memberships": selectors.user_memberships(user=user),
    }
    return render(request, "frontend/account.html", context, status=status)
