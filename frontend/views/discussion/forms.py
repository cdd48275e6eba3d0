"""The form of one action on a comment, on demand.

The clause and thread pages carry, for each action a reader may take on a comment, only a
disclosure with a link: anchors.js loads the form into it with htmx when it first opens, and
without JavaScript the link opens the form on a page of its own. So a page of a hundred
comments does not carry six hundred forms. The form is authorized exactly as its POST is
(``access_comment`` with the action's need: 404 / 403) and posts to the same action view.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from convene.permissions import Need
from deliberation.discussion import selectors
from deliberation.discussion.permissions import COMMENT_NEEDS, access_comment
from deliberation.models import Disposition
from frontend.views import htmx
from frontend.views.discussion.threads import disposition_choices, return_path

# Each action's need (as its POST view) and the heading of its own page.
ACTIONS: dict[str, tuple[Need, str]] = {
    "reply": (Need.REPLY, "Reply to a comment"),
    "edit": (Need.EDIT, "Edit your comment"),
    "delete": (Need.DELETE, "Delete your comment"),
    "flag": (Need.FLAG, "Flag a comment for the organizers"),
    "moderate": (Need.MODERATE, "Moderate a comment"),
    "disposition": (Need.DISPOSE, "Record a disposition"),
}


def _base(request: HttpRequest) -> int:
    """The depth the page's nesting starts from; 0 for anything that is not one."""
    raw = request.GET.get("base", "")
    return int(raw) if raw.isdigit() and len(raw) < 4 else 0


@require_GET
def comment_action_form(request: HttpRequest, comment_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("No such action.")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    need, title = ACTIONS[action]
    comment = access_comment(request.user, comment_id)
    # The action's own predicate, asked once: 404 / 403 as its POST answers; what the
    # comment's state forbids (409: flagged already, no longer visible) is not drawn on the
    # page either, so no form, the reason instead.
    verdict = COMMENT_NEEDS[need](request.user, comment)
    verdict.authorize()
    context = {
        "c": comment,
        "err": {},
        "action": action,
        "title": title,
        "clause": comment.clause,
        "next_url": return_path(request, request.GET.get("next", ""), comment),
        "base": _base(request),
    }
    if action == "disposition":
        viewer = selectors.viewer_for(request.user, comment.clause)
        context["d"] = Disposition.objects.filter(comment=comment).select_related("version").first()
        context.update(disposition_choices(viewer, comment.clause))
    template = f"frontend/comments/forms/{action}.html"
    if not verdict:
        context["refusal"] = verdict.message
        template = "frontend/comments/forms/refusal.html"
    if htmx(request):
        return render(request, template, context, status=verdict.status)
    context["form_template"] = template
    return render(request, "frontend/comments/action_page.html", context, status=verdict.status)
