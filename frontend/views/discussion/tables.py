"""Per-framework comment tables: the organizers' moderation queue and the readers'
disposition table (with filters and a CSV download from the API)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from convene.errors import DomainError
from convene.models import StakeholderGroup
from convene.parsing import parse_optional_id
from convene.permissions import Need
from deliberation.discussion import services
from deliberation.discussion.attribution import reader_for
from deliberation.discussion.permissions import access_comment
from deliberation.discussion.selectors import author_for
from deliberation.discussion.tables import AWAITING, disposition_table, moderation_queue
from deliberation.models import Comment, Disposition, Framework
from deliberation.text.permissions import access_framework
from frontend.views import htmx, signed_in_user

QUEUE_PAGE = 50
TABLE_PAGE = 100


def _page_number(request: HttpRequest) -> int:
    """The ``?page=`` asked for; the first page for anything that is not a page number."""
    try:
        return parse_optional_id(request.GET.get("page"), field="page") or 1
    except DomainError:
        return 1


def render_queue(
    request: HttpRequest,
    framework: Framework,
    *,
    errors: dict[int, str] | None = None,
    status: int = 200,
    done: str = "",
) -> HttpResponse:
    """The queue, with a refused moderation shown on its row."""
    paginator = Paginator(moderation_queue(framework=framework), QUEUE_PAGE)
    page = paginator.get_page(_page_number(request))
    rows = [
        {
            "comment": c,
            "flags": [f for f in c.flags.all() if f.resolved_at is None],
            "resolved": [f for f in c.flags.all() if f.resolved_at is not None],
            "error": (errors or {}).get(c.pk),
        }
        for c in page
    ]
    listed = {c.pk for c in page}
    # A refusal about a comment that is not (or no longer) in the queue shows above it.
    other_errors = [message for pk, message in (errors or {}).items() if pk not in listed]
    context = {
        "other_errors": other_errors,
        "framework": framework,
        "rows": rows,
        "page": page,
        "next_url": reverse("comment_moderation", args=[framework.slug])
        if request.method == "POST"
        else request.get_full_path(),
        "done": done,
    }
    template = "_moderation_queue" if htmx(request) else "moderation"
    return render(request, f"frontend/comments/{template}.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def comment_flags_dismiss(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Dismiss a comment's open flags from the moderation queue: htmx swaps the queue and
    announces it; without JavaScript the queue page is shown again."""
    comment = access_comment(request.user, comment_id, need=Need.MODERATE)
    framework = comment.clause.framework
    try:
        services.comment_flags_dismiss(
            actor=signed_in_user(request), comment=comment, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        return render_queue(
            request, framework, errors={comment.pk: error.message}, status=error.status
        )
    done = f"Flags dismissed on comment {comment.pk}; it left the queue."
    if htmx(request):
        return render_queue(request, framework, done=done)
    messages.success(request, done)
    return redirect("comment_moderation", slug=framework.slug)


@login_required
@require_http_methods(["GET"])
def moderation(request: HttpRequest, slug: str) -> HttpResponse:
    framework = access_framework(request.user, slug, need=Need.MODERATE)
    return render_queue(request, framework)


class DispositionFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), (AWAITING, "Awaiting response"), *Disposition.Outcome.choices],
    )
    group = forms.ChoiceField(
        required=False, label="Stakeholder group", choices=[("", "Any"), *StakeholderGroup.choices]
    )


@require_http_methods(["GET"])
def dispositions(request: HttpRequest, slug: str) -> HttpResponse:
    """Every top-level comment with its disposition or "awaiting response"."""
    framework = access_framework(request.user, slug)
    form = DispositionFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    filters = {k: v for k, v in (form.cleaned_data if form.is_bound and valid else {}).items() if v}
    table = disposition_table(
        framework=framework, outcome=filters.get("outcome"), group=filters.get("group")
    )
    paginator = Paginator(table, TABLE_PAGE)
    page = paginator.get_page(_page_number(request))
    viewer = reader_for(request.user, framework)
    rows = [
        {
            "comment": c,
            "author": author_for(c, viewer),
            "disposition": getattr(c, "disposition", None),
        }
        for c in page
    ]
    api = reverse("api-dispositions", kwargs={"slug": framework.slug})
    query = urlencode({"format": "csv", **filters})
    context = {
        "framework": framework,
        "form": form,
        "rows": rows,
        "page": page,
        "filters_query": urlencode(filters),
        "csv_url": f"{api}?{query}",
        "viewer": viewer,
        "hidden_status": Comment.Status.HIDDEN,
    }
    return render(
        request, "frontend/comments/dispositions.html", context, status=200 if valid else 400
    )
