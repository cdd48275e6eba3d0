"""The organizer's members & invitations page and its POST actions.

Every action re-renders the page (or, for htmx, the one table row) with the refusal next to
its field and the service's status; success redirects back (POST/redirect/GET).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from convene import selectors, services
from convene.errors import DomainError
from convene.models import Convening, Membership, Organization, Role
from convene.permissions import Need, access_invitation, access_members, access_membership
from frontend.forms import InvitationForm, MemberForm, add_domain_error
from frontend.views import htmx, signed_in_user


def _member_form(
    membership: Membership, organizations: list[Organization], data: Any = None
) -> MemberForm:
    return MemberForm(
        data,
        prefix=f"m{membership.pk}",
        organizations=organizations,
        initial={
            "role": membership.role,
            "stakeholder_group": membership.stakeholder_group,
            "organization": str(membership.organization_id or ""),
            "head_of_delegation": membership.head_of_delegation,
        },
    )


def _render_page(
    request: HttpRequest,
    convening: Convening,
    *,
    organizations: list[Organization] | None = None,
    invite_form: InvitationForm | None = None,
    bound_row: tuple[int, MemberForm] | None = None,
    row_errors: dict[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    if organizations is None:
        organizations = list(selectors.organization_list())
    now = timezone.now()
    rows = []
    for m in selectors.member_list(convening=convening):
        form = bound_row[1] if bound_row and bound_row[0] == m.pk else None
        rows.append(
            {
                "membership": m,
                "form": form or _member_form(m, organizations),
                "error": (row_errors or {}).get(m.pk),
            }
        )
    invitations = [
        {"invitation": i, "status": i.status_at(now)}
        for i in selectors.invitation_list(convening=convening)
    ]
    context = {
        "convening": convening,
        "rows": rows,
        "invitations": invitations,
        "invite_form": invite_form or InvitationForm(organizations=organizations),
    }
    return render(request, "frontend/members.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def members(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access_members(request.user, slug, need=Need.MANAGE)
    return _render_page(request, convening)


@login_required
@require_http_methods(["POST"])
def invitation_create(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access_members(request.user, slug, need=Need.MANAGE)
    organizations = list(selectors.organization_list())
    form = InvitationForm(request.POST, organizations=organizations)
    status = 400
    if form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                actor=signed_in_user(request), convening=convening, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("members", slug=convening.slug)
    return _render_page(
        request, convening, organizations=organizations, invite_form=form, status=status
    )


@login_required
@require_http_methods(["POST"])
def invitation_revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    invitation = access_invitation(request.user, slug, invitation_id)
    try:
        services.invitation_revoke(actor=signed_in_user(request), invitation=invitation)
    except DomainError as error:
        messages.error(request, error.message)
        return _render_page(request, invitation.convening, status=error.status)
    messages.success(request, f"Invitation to {invitation.email} revoked.")
    return redirect("members", slug=slug)


def _render_row(
    request: HttpRequest,
    membership: Membership,
    form: MemberForm,
    *,
    error: str | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "convening": membership.convening,
        "row": {"membership": membership, "form": form, "error": error},
    }
    return render(request, "frontend/partials/member_row.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def member_update(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    membership = access_membership(request.user, slug, membership_id)
    organizations = list(selectors.organization_list())
    form = _member_form(membership, organizations, data=request.POST)
    status = 400
    if form.is_valid():
        try:
            membership = services.member_update(
                actor=signed_in_user(request), membership=membership, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status
        else:
            if membership.user_id == request.user.pk and membership.role != Role.ORGANIZER:
                # They stepped down: the members page is no longer theirs to see.
                messages.success(request, "You are no longer an organizer of this convening.")
                url = reverse("convening_detail", kwargs={"slug": slug})
                if htmx(request):
                    return HttpResponse(headers={"HX-Redirect": url})
                return redirect(url)
            if htmx(request):
                membership = access_membership(request.user, slug, membership_id)
                fresh = _member_form(membership, organizations)
                return _render_row(request, membership, fresh)
            messages.success(request, f"{membership.user.display_name} updated.")
            return redirect("members", slug=slug)
    if htmx(request):
        return _render_row(request, membership, form, status=status)
    return _render_page(
        request,
        membership.convening,
        organizations=organizations,
        bound_row=(membership.pk, form),
        status=status,
    )


@login_required
@require_http_methods(["POST"])
def member_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    membership = access_membership(request.user, slug, membership_id)
    try:
        services.member_remove(actor=signed_in_user(request), membership=membership)
    except DomainError as error:
        return _render_page(
            request,
            membership.convening,
            row_errors={membership.pk: error.message},
            status=error.status,
        )
    messages.success(request, f"{membership.user.display_name} removed from the convening.")
    return redirect("members", slug=slug)


# Suggestions shown while typing an @mention.
HANDLE_SUGGESTIONS = 8


@require_http_methods(["GET"])
def member_handles(request: HttpRequest, slug: str) -> JsonResponse:
    """``?q=lena``: members whose handle or name starts with it, for the comment box's @mention
    suggestions (members of the convening only, as its member list)."""
    convening = access_members(request.user, slug)
    query = request.GET.get("q", "").strip().lstrip("@")[:40]
    if not query:
        return JsonResponse({"results": []})
    found = (
        Membership.objects.filter(convening=convening, user__is_active=True)
        .filter(Q(user__handle__istartswith=query) | Q(user__display_name__istartswith=query))
        .exclude(user__handle=None)
        .order_by("user__handle")
        .values_list("user__handle", "user__display_name")[:HANDLE_SUGGESTIONS]
    )
    return JsonResponse({"results": [{"handle": h, "name": n} for h, n in found]})
