"""Following a clause or a framework from its page: a button that says which it is now."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from convene.permissions import Need
from deliberation.discussion.follows import follow_set, is_following
from deliberation.models import Clause, Framework
from deliberation.text.permissions import access_clause, access_framework, can_follow
from frontend.views import htmx, signed_in_user

PARTIAL = "frontend/partials/follow.html"


def follow_context(
    user: Any, *, clause: Clause | None = None, framework: Framework | None = None
) -> dict[str, Any] | None:
    """The button's state for a member; None for anyone who cannot follow."""
    owner = framework if framework is not None else clause.framework  # type: ignore[union-attr]
    if not user.is_authenticated or not can_follow(user, owner):
        return None
    if clause is not None:
        url, what = reverse("clause_follow", args=[clause.pk]), "clause"
    else:
        url, what = reverse("framework_follow", args=[owner.slug]), "framework"
    following = is_following(user, clause=clause) if clause else is_following(user, framework=owner)
    return {"url": url, "what": what, "following": following}


def _answer(request: HttpRequest, follow: dict[str, Any] | None, back: str) -> HttpResponse:
    if htmx(request):
        return render(request, PARTIAL, {"follow": follow, "announce": True})
    return redirect(back)


@login_required
@require_http_methods(["POST"])
def clause_follow(request: HttpRequest, clause_id: int) -> HttpResponse:
    clause = access_clause(request.user, clause_id, need=Need.FOLLOW)
    user = signed_in_user(request)
    follow_set(user=user, clause=clause, active=request.POST.get("follow") == "1")
    return _answer(
        request, follow_context(user, clause=clause), reverse("clause_detail", args=[clause.pk])
    )


@login_required
@require_http_methods(["POST"])
def framework_follow(request: HttpRequest, slug: str) -> HttpResponse:
    framework = access_framework(request.user, slug, need=Need.FOLLOW)
    user = signed_in_user(request)
    follow_set(user=user, framework=framework, active=request.POST.get("follow") == "1")
    return _answer(
        request, follow_context(user, framework=framework), reverse("framework_detail", args=[slug])
    )
