"""Comment threads on the pages: the section the clause page includes, a clause's own comments
page (where a new top-level comment is posted) and a thread's own page.

The threads, who may see what and which controls to draw come from the discussion selectors;
this module only reads the request and renders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods

from convene.errors import DomainError
from convene.parsing import parse_optional_id, parse_positive_int
from deliberation.discussion import anchors, ordering, quotes, selectors, services
from deliberation.discussion.permissions import access_comment, can_sort_threads
from deliberation.discussion.selectors import Viewer
from deliberation.models import Amendment, Clause, ClauseVersion, Comment, Disposition
from deliberation.text.permissions import access_clause
from deliberation.text.selectors import display_text
from frontend.views import htmx, signed_in_user
from frontend.views.discussion.limits import check_rate, too_many


def _paragraph_choices(clause_text: str) -> list[tuple[int, str]]:
    """The no-JavaScript anchor picker: each paragraph's number and first words."""
    choices = []
    for index, text in enumerate(anchors.paragraphs(clause_text)):
        words = text.split()
        label = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
        choices.append((index, f"¶{index + 1}: {label}"))
    return choices


def disposition_choices(viewer: Viewer, clause: Clause) -> dict[str, Any]:
    """Versions and amendments an organizer may name in a disposition (none for others)."""
    if not viewer.organizer:
        return {}
    return {
        "comment_outcomes": Disposition.Outcome.choices,
        "comment_versions": list(
            ClauseVersion.objects.filter(clause=clause).values_list("number", flat=True)
        ),
        "comment_amendments": list(
            Amendment.objects.filter(clause=clause).values_list("pk", "number", "status")
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
    viewer = selectors.viewer_for(request.user, clause)
    after = _after(request)
    order = thread_order(request, clause)
    since = None
    if viewer.membership is not None and request.method == "GET":
        since = services.clause_visit_record(user=signed_in_user(request), clause=clause)
    threads, next_after = selectors.clause_threads(
        clause, viewer, after=after, errors=errors or {}, order=order, since=since
    )
    query: dict[str, str | int] = {"sort": order.key} if order is not ordering.DEFAULT else {}
    page = reverse("clause_comments", args=[clause.pk])
    more_url = f"{page}?{urlencode({**query, 'after': next_after})}" if next_after else ""
    clause_text = display_text(framework=clause.framework_id, text=clause.text)
    return {
        # As readers see it: clause references with their current numbers.
        "clause_text": clause_text,
        "clause": clause,
        "viewer": viewer,
        "threads": threads,
        "more_url": more_url,
        "order": order,
        # A later page (or a link to one thread) leads back to the first.
        "start_url": (f"{page}?{urlencode(query)}" if after else ""),
        "orders": [
            o for o in ordering.ORDERS.values() if can_sort_threads(request.user, clause, o)
        ],
        "since": since,
        "new_comment": new_comment or {},
        "paragraph_choices": _paragraph_choices(clause_text),
        "comment_anchors": quotes.anchors_for(clause),
        "summary": selectors.summary_for(clause),
        "next_url": request.get_full_path(),
        # The clause text (with the marks quotes link to) is on the same page.
        "mark_base": "",
        "base": 0,
        # Only a form re-shown with its error is on the page (the rest load when opened).
        **(disposition_choices(viewer, clause) if errors else {}),
    }


def thread_order(request: HttpRequest, clause: Clause) -> ordering.ThreadOrder:
    """``?sort=`` as an order the reader may use; the default for anything else (a page is
    read, not refused, when a bookmarked order is no longer the reader's)."""
    order = ordering.ORDERS.get(request.GET.get("sort", ""), ordering.DEFAULT)
    return order if can_sort_threads(request.user, clause, order) else ordering.DEFAULT


def _render_clause_page(
    request: HttpRequest, clause: Clause, *, status: int = 200, **kwargs: Any
) -> HttpResponse:
    context = comments_context(request, clause, **kwargs)
    return render(request, "frontend/comments/clause_page.html", context, status=status)


def _anchor_input(request: HttpRequest, clause: Clause) -> dict[str, Any] | None:
    """The anchor from the picker (or the selection script): paragraph index and quote. A quote
    selected in the rendered text is mapped back to the Markdown source it came from."""
    raw_paragraph = request.POST.get("anchor_paragraph", "")
    quote = request.POST.get("anchor_quote", "")
    if not raw_paragraph.strip() and not quote.strip():
        return None
    index = parse_positive_int(
        raw_paragraph.strip(),
        field="anchor_paragraph",
        message="Choose the paragraph you quote.",
        minimum=0,
    )
    text = clause.current_version.text if clause.current_version else clause.text
    parts = anchors.paragraphs(display_text(framework=clause.framework_id, text=text))
    if 0 <= index < len(parts):
        quote = anchors.source_quote(parts[index], quote)
    return {"paragraph": index, "quote": quote}


@require_http_methods(["GET", "POST"])
def clause_comments(request: HttpRequest, clause_id: int) -> HttpResponse:
    """The clause text and its whole thread; POST adds a top-level comment."""
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    clause = access_clause(request.user, clause_id)
    if request.method == "GET":
        return _render_clause_page(request, clause)
    new_comment = {
        "body": request.POST.get("body", ""),
        "anchor_paragraph": request.POST.get("anchor_paragraph", ""),
        "anchor_quote": request.POST.get("anchor_quote", ""),
    }
    try:
        anchor = _anchor_input(request, clause)
        check_rate(request)
        comment = services.comment_post(
            actor=signed_in_user(request), clause=clause, body=new_comment["body"], anchor=anchor
        )
    except DomainError as error:
        new_comment["error"], new_comment["field"] = error.message, error.field or ""
        response = _render_clause_page(
            request, clause, status=error.status, new_comment=new_comment
        )
        # With htmx the form is picked out of the page and swapped in place (anchors.js).
        response["X-Comment-Partial"] = "new"
        return too_many(response, error)
    messages.success(request, "Your comment is posted.")
    if htmx(request):
        # A whole-page load at the new comment (anchors.js), wherever the thread's order puts it;
        # not HX-Redirect, which only scrolls when the page is already the target.
        response = HttpResponse(status=204)
        response["X-Comment-Posted"] = next_url(request, comment)
        return response
    return redirect(next_url(request, comment))


def _after(request: HttpRequest) -> int:
    """``?after=<comment id>``: where a later page of a thread starts (0: at its start)."""
    try:
        return parse_optional_id(request.GET.get("after"), field="after") or 0
    except DomainError:
        return 0


def thread_context(
    request: HttpRequest,
    comment: Comment,
    errors: dict[int, dict[str, Any]] | None = None,
    *,
    after: int = 0,
) -> dict[str, Any]:
    """A thread's page: ``comment`` and its first replies, or (``after``) its later ones."""
    clause = comment.clause
    viewer = selectors.viewer_for(request.user, clause)
    node = selectors.build_thread(comment, viewer, errors=errors or {}, after=after)
    parent = comment.parent_id
    return {
        "clause": clause,
        "viewer": viewer,
        "focus": comment,
        "threads": [node],
        "later_page": bool(after) and comment.parent_id is None,
        "parent_url": reverse("comment_thread", args=[parent]) if parent else "",
        "next_url": request.get_full_path(),
        "mark_base": reverse("clause_comments", args=[clause.pk]),
        "base": comment.depth,
        **(disposition_choices(viewer, clause) if errors else {}),
    }


@require_http_methods(["GET"])
def comment_thread(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A comment and its replies: where a thread deeper than the section's nesting continues,
    and where a long thread is read, a page of replies at a time (``?after=``)."""
    comment = access_comment(request.user, comment_id)
    if htmx(request) and comment.parent_id is None:
        # "Show all N replies" on the clause page: the thread's first page in place of its
        # start, focus on the first reply it had left out (``?after=`` the last one it showed).
        context = thread_context(request, comment)
        after = _after(request)
        later = [n.comment.pk for n in _walk(context["threads"][0]) if n.comment.pk > after]
        context["focus_after"] = {"comment": min(later), "on": "comment"} if later else {}
        context["announce"] = f"{len(later)} more replies shown."
        return render(request, "frontend/comments/thread_fragment.html", context)
    context = thread_context(request, comment, after=_after(request))
    return render(request, "frontend/comments/thread_page.html", context)


def _walk(node: selectors.Node) -> list[selectors.Node]:
    return [node, *(n for child in node.children for n in _walk(child))]


@require_http_methods(["GET"])
def comment_link(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A permanent link to one comment: the clause's comments page opened at its thread (the
    page that starts with that thread, whichever page of the default order it falls on), or
    the thread's own page when the comment sits deeper than the clause page nests."""
    comment = access_comment(request.user, comment_id)
    root = comment.root_id or comment.pk
    if comment.depth > selectors.MAX_DEPTH:
        return redirect(f"{reverse('comment_thread', args=[comment.pk])}#comment-{comment.pk}")
    if not selectors.shown_on_clause_page(comment):
        # A later reply: on the page of the thread's own pages that shows it.
        after = selectors.thread_page_start(comment)
        query = f"?after={after}" if after else ""
        return redirect(f"{reverse('comment_thread', args=[root])}{query}#comment-{comment.pk}")
    page = reverse("clause_comments", args=[comment.clause_id])
    return redirect(f"{page}?{urlencode({'after': root - 1})}#comment-{comment.pk}")


def return_path(request: HttpRequest, target: str, comment: Comment) -> str:
    """``target`` if it is a page of this site, else the comment's clause page; no fragment."""
    if not (
        target.startswith("/")
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        target = reverse("clause_comments", args=[comment.clause_id])
    return target.split("#", 1)[0]


def next_url(request: HttpRequest, comment: Comment) -> str:
    """Back where the form was (the clause page, this page, a thread page), at the comment."""
    return f"{return_path(request, request.POST.get('next', ''), comment)}#comment-{comment.pk}"
