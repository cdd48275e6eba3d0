"""Comment threads under clauses: the thread section the clause page includes, a clause's own
comments page, a thread's own page, and the POST actions on comments.

Every action is a plain POST form that redirects back (POST/redirect/GET); with htmx it answers
with the comment's partial, swapped in place. A refusal re-shows the form with the service's
message and status: in the swapped partial (htmx) or on the comment's thread page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from convene.errors import DomainError
from deliberation.discussion import anchors, services
from deliberation.models import Amendment, Clause, ClauseVersion, Comment, Disposition, Reaction
from deliberation.text.permissions import access_clause, access_comment
from frontend.views import signed_in_user
from frontend.views.discussion.tables import render_queue
from frontend.views.discussion.threads import (
    MAX_DEPTH,
    Viewer,
    anchors_for,
    build_thread,
    clause_threads,
    source_quote,
    viewer_for,
)

# Page posting limit per user (the API's throttle does not cover pages): a fixed one-minute
# window in the cache, so it holds across processes when the cache is Redis.
PAGE_POSTS_PER_MINUTE = 10


# --- the section and its pages ----------------------------------------------------------------
def _paragraph_choices(clause: Clause) -> list[tuple[int, str]]:
    """The no-JavaScript anchor picker: each paragraph's number and first words."""
    choices = []
    for index, text in enumerate(anchors.paragraphs(clause.text)):
        words = " ".join(text.split()[:8])
        choices.append(
            (
                index,
                f"¶{index + 1}: {words}…" if len(text.split()) > 8 else f"¶{index + 1}: {words}",
            )
        )
    return choices


def _disposition_choices(viewer: Viewer, clause: Clause) -> dict[str, Any]:
    """Versions and amendments an organizer may name in a disposition (none for others)."""
    if not viewer.organizer:
        return {}
    return {
        "comment_outcomes": Disposition.Outcome.choices,
        "comment_versions": list(
            ClauseVersion.objects.filter(clause=clause).values_list("number", flat=True)
        ),
        "comment_amendments": list(
            Amendment.objects.filter(clause=clause).values_list("pk", "status")
        ),
    }


def comments_context(
    request: HttpRequest,
    clause: Clause,
    *,
    new_comment: dict[str, Any] | None = None,
    errors: dict[int, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Everything ``frontend/comments/section.html`` needs for the clause page.

    ``clause`` comes from ``access_clause`` (framework and convening joined). The top-level
    threads are paged by ``?after=<comment id>``; ``new_comment`` re-shows a refused new comment.
    """
    viewer = viewer_for(request, clause.framework)
    after = request.GET.get("after", "")
    threads, next_after = clause_threads(
        clause, viewer, after=int(after) if after.isdigit() else 0, errors=errors or {}
    )
    more_url = (
        f"{reverse('clause_comments', args=[clause.pk])}?after={next_after}" if next_after else ""
    )
    return {
        "clause": clause,
        "v": viewer,
        "threads": threads,
        "more_url": more_url,
        "new_comment": new_comment or {},
        "paragraph_choices": _paragraph_choices(clause),
        "comment_anchors": anchors_for(clause),
        "next_url": request.get_full_path(),
        # The clause text (with the marks quotes link to) is on the same page.
        "mark_base": "",
        "base": 0,
        **_disposition_choices(viewer, clause),
    }


def _render_clause_page(
    request: HttpRequest, clause: Clause, *, status: int = 200, **kwargs: Any
) -> HttpResponse:
    context = comments_context(request, clause, **kwargs)
    return render(request, "frontend/comments/clause_page.html", context, status=status)


def _rate_limited(request: HttpRequest) -> int | None:
    """Seconds until the user may post again, or None while under the page limit."""
    now = int(time.time())
    window = now // 60
    key = f"comment-page-posts:{request.user.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > PAGE_POSTS_PER_MINUTE:
        return 60 - now % 60
    return None


def _too_many(response: HttpResponse, retry_after: int) -> HttpResponse:
    response["Retry-After"] = str(retry_after)
    return response


RATE_MESSAGE = "You are posting too fast: at most {n} comments a minute. Try again in {s} seconds."


def _anchor_input(request: HttpRequest, clause: Clause) -> dict[str, Any] | None:
    """The anchor from the picker (or the selection script): paragraph index and quote. A quote
    selected in the rendered text is mapped back to the Markdown source it came from."""
    paragraph, quote = (
        request.POST.get("anchor_paragraph", ""),
        request.POST.get("anchor_quote", ""),
    )
    if not paragraph.strip() and not quote.strip():
        return None
    if not paragraph.strip().isdigit():
        raise DomainError("Choose the paragraph you quote.", field="anchor_paragraph")
    index = int(paragraph)
    parts = anchors.paragraphs(
        clause.current_version.text if clause.current_version else clause.text
    )
    if 0 <= index < len(parts):
        quote = source_quote(parts[index], quote)
    return {"paragraph": index, "quote": quote}


@require_http_methods(["GET", "POST"])
def clause_comments(request: HttpRequest, clause_id: int) -> HttpResponse:
    """The clause text and its whole thread; POST adds a top-level comment."""
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    clause = access_clause(request.user, clause_id)
    if request.method == "GET":
        return _render_clause_page(request, clause)
    body = request.POST.get("body", "")
    new_comment = {
        "body": body,
        "anchor_paragraph": request.POST.get("anchor_paragraph", ""),
        "anchor_quote": request.POST.get("anchor_quote", ""),
    }
    retry_after = _rate_limited(request)
    if retry_after:
        new_comment["error"] = RATE_MESSAGE.format(n=PAGE_POSTS_PER_MINUTE, s=retry_after)
        return _too_many(
            _render_clause_page(request, clause, status=429, new_comment=new_comment), retry_after
        )
    try:
        anchor = _anchor_input(request, clause)
        comment = services.comment_post(
            actor=signed_in_user(request), clause=clause, body=body, anchor=anchor
        )
    except DomainError as error:
        new_comment["error"], new_comment["field"] = error.message, error.field or ""
        return _render_clause_page(request, clause, status=error.status, new_comment=new_comment)
    messages.success(request, "Your comment is posted.")
    return redirect(_next_url(request, comment))


def _thread_context(
    request: HttpRequest, comment: Comment, errors: dict[int, dict[str, Any]] | None = None
) -> dict[str, Any]:
    clause = comment.clause
    viewer = viewer_for(request, clause.framework)
    node = build_thread(comment, viewer, errors=errors or {})
    parent = comment.parent_id
    return {
        "clause": clause,
        "v": viewer,
        "focus": comment,
        "threads": [node],
        "parent_url": reverse("comment_thread", args=[parent]) if parent else "",
        "next_url": request.get_full_path(),
        "mark_base": reverse("clause_comments", args=[clause.pk]),
        "base": comment.depth,
        **_disposition_choices(viewer, clause),
    }


@require_http_methods(["GET"])
def comment_thread(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A comment and its replies: where a thread deeper than the section's nesting continues."""
    comment = access_comment(request.user, comment_id)
    return render(request, "frontend/comments/thread_page.html", _thread_context(request, comment))


# --- actions on one comment -------------------------------------------------------------------
def _next_url(request: HttpRequest, comment: Comment) -> str:
    """Back where the form was (the clause page, this page, a thread page), at the comment."""
    target = request.POST.get("next", "")
    if not (
        target.startswith("/")
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        target = reverse("clause_comments", args=[comment.clause_id])
    return f"{target.split('#', 1)[0]}#comment-{comment.pk}"


def _render_node(
    request: HttpRequest,
    comment: Comment,
    *,
    error: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The comment's partial (with its replies) for an htmx swap."""
    raw_base = request.POST.get("base", "")
    base = int(raw_base) if raw_base.isdigit() else None
    errors = {comment.pk: error} if error else {}
    viewer = viewer_for(request, comment.clause.framework)
    node = build_thread(comment, viewer, errors=errors, base_depth=base)
    next_url = request.POST.get("next", "")
    on_thread_page = next_url.startswith("/comments/")
    context = {
        "node": node,
        "v": viewer,
        "clause": comment.clause,
        "next_url": next_url,
        "base": base if base is not None else comment.depth,
        "mark_base": reverse("clause_comments", args=[comment.clause_id]) if on_thread_page else "",
        **_disposition_choices(viewer, comment.clause),
    }
    response = render(request, "frontend/comments/comment.html", context, status=status)
    # anchors.js swaps refusals (403/429) in only when they are this partial, not an error page.
    response["X-Comment-Partial"] = str(comment.pk)
    return response


def _refused(
    request: HttpRequest, comment: Comment, action: str, message: str, status: int
) -> HttpResponse:
    error = {"action": action, "message": message, "data": request.POST}
    if request.htmx:  # type: ignore[attr-defined]
        return _render_node(request, comment, error=error, status=status)
    if action == "moderate" and request.POST.get("queue"):
        return render_queue(
            request, comment.clause.framework, errors={comment.pk: message}, status=status
        )
    context = _thread_context(request, comment, errors={comment.pk: error})
    return render(request, "frontend/comments/thread_page.html", context, status=status)


def _act(
    request: HttpRequest,
    comment_id: int,
    action: str,
    call: Callable[[Comment], Any],
    *,
    done: str,
    manage: bool = False,
) -> HttpResponse:
    """Fetch and authorize the comment, call one service, answer the page or the htmx swap."""
    comment = access_comment(request.user, comment_id, manage=manage)
    try:
        result = call(comment)
    except DomainError as error:
        return _refused(request, comment, action, error.message, error.status)
    if request.htmx:  # type: ignore[attr-defined]
        return _render_node(request, comment)
    messages.success(request, done)
    # Back at the comment, or at the new reply.
    return redirect(_next_url(request, result if isinstance(result, Comment) else comment))


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
    retry_after = _rate_limited(request)

    def reply(comment: Comment) -> Comment:
        if retry_after:
            message = RATE_MESSAGE.format(n=PAGE_POSTS_PER_MINUTE, s=retry_after)
            raise DomainError(message, field="body", status=429)
        return services.comment_post(
            actor=signed_in_user(request),
            clause=comment.clause,
            body=request.POST.get("body", ""),
            parent=comment,
        )

    response = _act(request, comment_id, "reply", reply, done="Your reply is posted.")
    return _too_many(response, retry_after) if retry_after else response


@_login_first
@require_http_methods(["POST"])
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    def edit(comment: Comment) -> Comment:
        body = request.POST.get("body", "")
        return services.comment_edit(actor=signed_in_user(request), comment=comment, body=body)

    return _act(request, comment_id, "edit", edit, done="Your comment is updated.")


@_login_first
@require_http_methods(["POST"])
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    def delete(comment: Comment) -> Comment:
        return services.comment_delete(actor=signed_in_user(request), comment=comment)

    return _act(request, comment_id, "delete", delete, done="Your comment is deleted.")


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

    return _act(request, comment_id, "react", react, done="Your reaction is recorded.")


@_login_first
@require_http_methods(["POST"])
def comment_flag(request: HttpRequest, comment_id: int) -> HttpResponse:
    def flag(comment: Comment) -> Any:
        reason = request.POST.get("reason", "")
        return services.comment_flag(actor=signed_in_user(request), comment=comment, reason=reason)

    return _act(request, comment_id, "flag", flag, done="Thank you: the organizers will review it.")


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

    return _act(request, comment_id, "moderate", moderate, done="Moderation recorded.", manage=True)


def _optional_ref(request: HttpRequest, comment: Comment, name: str) -> Any:
    raw = request.POST.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise DomainError(f"Choose a {name} from the list.", field=name)
    found: Any
    if name == "version":
        found = ClauseVersion.objects.filter(clause_id=comment.clause_id, number=int(raw)).first()
    else:
        found = Amendment.objects.filter(clause_id=comment.clause_id, pk=int(raw)).first()
    if found is None:
        raise DomainError(f"No such {name} of this clause.", field=name)
    return found


@_login_first
@require_http_methods(["POST"])
def comment_disposition(request: HttpRequest, comment_id: int) -> HttpResponse:
    def dispose(comment: Comment) -> Any:
        return services.disposition_set(
            actor=signed_in_user(request),
            comment=comment,
            outcome=request.POST.get("outcome", ""),
            response=request.POST.get("response", ""),
            version=_optional_ref(request, comment, "version"),
            amendment=_optional_ref(request, comment, "amendment"),
        )

    return _act(
        request, comment_id, "disposition", dispose, done="Disposition recorded.", manage=True
    )


__all__ = ["MAX_DEPTH", "comments_context"]
