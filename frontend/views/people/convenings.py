from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from convene import selectors, services
from convene.errors import DomainError
from convene.models import Membership, Role, StakeholderGroup
from convene.permissions import (
    access_convening,
    can_manage_convening,
    can_view_member_pages,
    can_view_members,
)
from convene.privacy import privacy_lines
from deliberation.publishing import selectors as publishing
from frontend.forms import ConveningForm, add_domain_error
from frontend.views import signed_in_user

# Page sections, in order: the three stakeholder groups, then organizers and observers.
# A participant is filed under their group; organizers and observers under their role, whatever
# group they may also carry.
SECTIONS = [
    *((value, f"{label} delegates") for value, label in StakeholderGroup.choices),
    ("organizer", "Organizers"),
    ("observer", "Observers"),
]


def _section_of(role: str, group: str) -> str:
    return group if role == Role.PARTICIPANT else role


@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """Published frameworks first, then convenings: each listed once (a signed-in user's own
    convenings are not repeated among the public ones)."""
    context: dict[str, Any] = {"published": publishing.published_list()}
    if request.user.is_authenticated:
        user = signed_in_user(request)
        context["my_convenings"] = selectors.convening_cards(user=user)
        context["public_convenings"] = selectors.convening_cards(besides=user)
    else:
        context["public_convenings"] = selectors.convening_cards()
    return render(request, "frontend/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def convening_new(request: HttpRequest) -> HttpResponse:
    form = ConveningForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                convening = services.convening_create(
                    actor=signed_in_user(request), **form.cleaned_data
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status
            else:
                messages.success(request, "Convening created. Invite its delegates next.")
                return redirect("convening_detail", slug=convening.slug)
    return render(request, "frontend/convening_new.html", {"form": form}, status=status)


def _people_sections(members: list[Membership]) -> list[dict[str, Any]]:
    by_section: dict[str, list[Membership]] = defaultdict(list)
    for m in members:
        by_section[_section_of(m.role, m.stakeholder_group)].append(m)
    return [
        {"key": key, "label": label, "members": by_section[key]}
        for key, label in SECTIONS
        if by_section[key]
    ]


def _delegation_sections(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_section: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_section[_section_of(row["role"], row["stakeholder_group"])].append(row)
    return [
        {
            "key": key,
            "label": label,
            "delegations": by_section[key],
            "total": sum(r["count"] for r in by_section[key]),
        }
        for key, label in SECTIONS
        if by_section[key]
    ]


@require_http_methods(["GET"])
def convening_detail(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access_convening(request.user, slug)
    context: dict[str, Any] = {
        "convening": convening,
        "is_organizer": can_manage_convening(request.user, convening),
        "is_member": can_view_members(request.user, convening),
        "member_pages": bool(can_view_member_pages(request.user, convening)),
        "privacy": privacy_lines(convening),
    }
    if context["is_member"]:
        members = list(selectors.member_list(convening=convening))
        context["sections"] = _people_sections(members)
        context["member_count"] = len(members)
    else:
        rows = selectors.delegation_summary(convening=convening)
        context["sections"] = _delegation_sections(rows)
        context["member_count"] = sum(r["count"] for r in rows)
    return render(request, "frontend/convening_detail.html", context)
