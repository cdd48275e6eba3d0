"""A member's page in a convening: who they are there (group, organization, role) and what
they said, as the convening's attribution lets the reader see it."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from convene.permissions import access_member, is_organizer
from deliberation.contributions import member_amendments, member_comments

# Each list is a bounded page of the member's contributions, newest first.
PER_PAGE = 10


@require_http_methods(["GET"])
def member_page(request: HttpRequest, slug: str, handle: str) -> HttpResponse:
    """``?comments=<n>`` and ``?amendments=<n>`` page each list on its own."""
    membership = access_member(request.user, slug, handle)
    convening = membership.convening
    organizer = bool(is_organizer(request.user, convening))
    comments = Paginator(
        member_comments(convening=convening, author=membership.user, organizer=organizer),
        PER_PAGE,
    ).get_page(request.GET.get("comments"))
    amendments = Paginator(
        member_amendments(convening=convening, author=membership.user), PER_PAGE
    ).get_page(request.GET.get("amendments"))
    context = {
        "convening": convening,
        "member": membership,
        "comments": comments,
        "amendments": amendments,
        "organizer": organizer,
    }
    return render(request, "frontend/member_page.html", context)
