"""The POST actions on one comment: reply, edit, delete, react, flag, moderate, dispose.

Every action is a plain POST form that redirects back (POST/redirect/GET); with htmx it answers
with the comment's partial, swapped in place, naming what takes focus (the control pressed, or
the new reply) and what the page's live region announces. The comment is fetched and
authorized with the action's need (404 / 403, as the API); a refusal by the service re-shows
the form with its message and status, in the swapped partial (htmx) or on the comment's thread
page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from convene.errors import DomainError
from convene.parsing import parse_optional_id, parse_version_number
from convene.permissions import Need
from deliberation.discussion import selectors, services
from deliberation.discussion.permissions import access_comment
from deliberation.models import Comment, Reaction
from frontend.views import htmx, signed_in_user
from frontend.views.discussion.limits import check_rate, too_many
from frontend.views.discussion.tables import render_queue
from frontend.views.discussion.threads import disposition_choices, next_url, thread_context


def _base_depth(request: HttpRequest) -> int | None:
    """The depth the page the comment sits on starts from (a thread page's focus)."""
    try:
        return parse_optional_id(request.POST.get("base"), field="base")
    except DomainError:
        return None


def _focus(action: str, comment: Comment, result: Any, request: HttpRequest) -> dict[str, Any]:
    """What takes focus after the swap: the new reply (or, past the nesting limit, the link
    that continues its thread), the stance pressed, or the control the action came from."""
    if action == "reply" and isinstance(result, Comment):
        return {"comment": result.pk, "on": "comment", "parent": comment.pk}
    if action == "react":
        return {"comment": comment.pk, "stance": request.POST.get("stance", "")}
    return {"comment": comment.pk, "on": "comment" if action == "delete" else action}


def _render_node(
    request: HttpRequest,
    comment: Comment,
    *,
    error: dict[str, Any] | None = None,
    status: int = 200,
    focus: dict[str, Any] | None = None,
    announce: str = "",
) -> HttpResponse:
    """The comment's partial (with its replies) for an htmx swap, with ``announce`` for the
    live region."""
    base = _base_depth(request)
    viewer = selectors.viewer_for(request.user, comment.clause)
    errors = {comment.pk: error} if error else {}
    node = selectors.build_thread(comment, viewer, errors=errors, base_depth=base)
    target = request.POST.get("next", "")
    on_thread_page = target.startswith("/comments/")
    context = {
        "node": node,
        "viewer": viewer,
        "clause": comment.clause,
        "next_url": target,
        "base": base if base is not None else comment.depth,
        "mark_base": reverse("clause_comments", args=[comment.clause_id]) if on_thread_page else "",
        "focus_after": focus or {},
        "announce": announce,
        **(disposition_choices(viewer, comment.clause) if error else {}),
    }
    response = render(request, "frontend/comments/action_result.html", context, status=status)
    # anchors.js swaps refusals (403/429) in only when they are this partial, not an error page.
    response["X-Comment-Partial"] = str(comment.pk)
    return response


def _refused(
    request: HttpRequest, comment: Comment, action: str, error: DomainError
) -> HttpResponse:
    shown = {"action": action, "message": error.message, "data": request.POST}
    if htmx(request):
        response = _render_node(request, comment, error=shown, status=error.status)
    elif action == "moderate" and request.POST.get("queue"):
        framework = comment.clause.framework
        response = render_queue(
            request, framework, errors={comment.pk: error.message}, status=error.status
        )
    else:
        context = thread_context(request, comment, errors={comment.pk: shown})
        template = "frontend/comments/thread_page.html"
        response = render(request, template, context, status=error.status)
    return too_many(response, error)


def _act(
    request: HttpRequest,
    comment_id: int,
    action: str,
    call: Callable[[Comment], Any],
    *,
    done: str,
    need: Need,
) -> HttpResponse:
    """Fetch and authorize the comment, call one service, answer the page or the htmx swap."""
    comment = access_comment(request.user, comment_id, need=need)
    try:
        result = call(comment)
    except DomainError as error:
        return _refused(request, comment, action, error)
    if htmx(request):
        focus = _focus(action, comment, result, request)
        return _render_node(request, comment, focus=focus, announce=done)
    messages.success(request, done)
    # Back at the comment, or at the new reply.
    return redirect(next_url(request, result if isinstance(result, Comment) else comment))


def _login_first(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like ``login_required``, but back to the page the form was on, not to the POST URL."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            target = request.POST.get("next", "")
            if not (target.startswith("/") and url_has_allowed_host_and_scheme(target, None)):
                target = request.get_full_path()
            return redirect_to_login(target)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_login_first
@require_http_methods(["POST"])
def comment_reply(request: HttpRequest, comment_id: int) -> HttpResponse:
    def reply(comment: Comment) -> Comment:
        check_rate(request)
        return services.comment_post(
            actor=signed_in_user(request),
            clause=comment.clause,
            body=request.POST.get("body", ""),
            parent_id=comment.pk,
        )

    return _act(request, comment_id, "reply", reply, done="Your reply is posted.", need=Need.REPLY)


@_login_first
@require_http_methods(["POST"])
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    def edit(comment: Comment) -> Comment:
        body = request.POST.get("body", "")
        return services.comment_edit(actor=signed_in_user(request), comment=comment, body=body)

    done = "Your comment is updated."
    return _act(request, comment_id, "edit", edit, done=done, need=Need.EDIT)


@_login_first
@require_http_methods(["POST"])
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    def delete(comment: Comment) -> Comment:
        return services.comment_delete(actor=signed_in_user(request), comment=comment)

    done = "Your comment is deleted."
    return _act(request, comment_id, "delete", delete, done=done, need=Need.DELETE)


@_login_first
@require_http_methods(["POST"])
def comment_react(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Set a stance; choosing the stance you already hold clears it (the button is a toggle)."""

    def react(comment: Comment) -> Comment:
        stance = request.POST.get("stance", "")
        actor = signed_in_user(request)
        current = (
            Reaction.objects.filter(comment=comment, user=actor)
            .values_list("stance", flat=True)
            .first()
        )
        return services.reaction_set(
            actor=actor, comment=comment, stance=None if stance == current else stance
        )

    done = "Your reaction is recorded."
    return _act(request, comment_id, "react", react, done=done, need=Need.REACT)


@_login_first
@require_http_methods(["POST"])
def comment_flag(request: HttpRequest, comment_id: int) -> HttpResponse:
    def flag(comment: Comment) -> Any:
        reason = request.POST.get("reason", "")
        return services.comment_flag(actor=signed_in_user(request), comment=comment, reason=reason)

    done = "Thank you: the organizers will review it."
    return _act(request, comment_id, "flag", flag, done=done, need=Need.FLAG)


@_login_first
@require_http_methods(["POST"])
def comment_moderate(request: HttpRequest, comment_id: int) -> HttpResponse:
    def moderate(comment: Comment) -> Comment:
        return services.comment_moderate(
            actor=signed_in_user(request),
            comment=comment,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
        )

    done = "Moderation recorded."
    return _act(request, comment_id, "moderate", moderate, done=done, need=Need.MODERATE)


@_login_first
@require_http_methods(["POST"])
def comment_disposition(request: HttpRequest, comment_id: int) -> HttpResponse:
    def dispose(comment: Comment) -> Any:
        raw_version = request.POST.get("version", "").strip()
        return services.disposition_set(
            actor=signed_in_user(request),
            comment=comment,
            outcome=request.POST.get("outcome", ""),
            response=request.POST.get("response", ""),
            version_number=parse_version_number(raw_version, field="version")
            if raw_version
            else None,
            amendment_id=parse_optional_id(
                request.POST.get("amendment"), field="amendment", noun="amendment"
            ),
        )

    done = "Disposition recorded."
    return _act(request, comment_id, "disposition", dispose, done=done, need=Need.DISPOSE)
