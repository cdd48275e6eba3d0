"""Drafting pages: the framework workspace, its organizer forms, and the clause page.

Every write calls one service; a ``DomainError`` re-shows the form (or the page) with the
message at the service's status (400, or 409 when the framework's status forbids it). Success
redirects (POST/redirect/GET). With htmx, reordering and transitions answer the workspace's
article (``#framework-workspace``) instead, refusals included. The clause page is rendered by
``drafting_clause``; amendments and alternatives are in ``drafting_proposals``.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from convene.errors import DomainError
from convene.permissions import Need, access_convening
from deliberation.discussion import selectors as discussion_selectors
from deliberation.models import Clause, ClauseVersion, Framework
from deliberation.text import gates, selectors, services
from deliberation.text.permissions import (
    access_clause,
    access_framework,
    can_edit_clauses,
    can_edit_framework,
    can_transition,
    is_framework_organizer,
)
from frontend.forms import add_domain_error
from frontend.forms.text import ClauseForm, FrameworkCreateForm, FrameworkEditForm
from frontend.views import htmx, signed_in_user
from frontend.views.discussion.following import follow_context
from frontend.views.text.clause import render_clause_page
from frontend.views.text.diff import compare_context
from frontend.views.text.organizer_tools import organizer_tools

STATUS_HELP = {
    "draft": "Organizers are writing the text; members can read it.",
    "consultation": "Members comment, and participants propose amendments and alternatives.",
    "voting": "The text is frozen: voting rounds decide what is still open, then the framework.",
    "adopted": "The text is adopted and can no longer change.",
    "published": "The adopted text is published.",
    "withdrawn": "The framework was withdrawn.",
}


# --- Frameworks ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def framework_new(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access_convening(request.user, slug, need=Need.MANAGE)
    form = FrameworkCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                framework = services.framework_create(
                    actor=signed_in_user(request),
                    convening=convening,
                    title=form.cleaned_data["title"],
                    preamble=form.cleaned_data["preamble"],
                    slug=form.cleaned_data["slug"] or None,
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status
            else:
                messages.success(request, "Framework created. Add its clauses next.")
                return redirect("framework_detail", slug=framework.slug)
    context = {"convening": convening, "form": form}
    return render(request, "frontend/drafting/framework_new.html", context, status=status)


def _render_workspace(
    request: HttpRequest,
    framework: Framework,
    *,
    error: str = "",
    error_field: str = "",
    done: str = "",
    status: int = 200,
) -> HttpResponse:
    """The workspace; for htmx (``request.htmx``) its article alone, ``done`` saying what the
    inline action did."""
    clauses = list(selectors.clause_list(framework=framework))
    new_comments = discussion_selectors.new_comment_counts(user=request.user, framework=framework)
    for clause in clauses:
        clause.new_comments = new_comments.get(clause.pk, 0)  # type: ignore[attr-defined]
    transitions = (
        gates.TRANSITIONS[framework.status] if can_transition(request.user, framework) else ()
    )
    context = {
        "framework": framework,
        "convening": framework.convening,
        "clauses": clauses,
        "bracketed_count": sum(c.status == Clause.Status.BRACKETED for c in clauses),
        "is_organizer": is_framework_organizer(request.user, framework),
        "can_edit_clauses": bool(can_edit_clauses(request.user, framework)),
        "can_edit_framework": bool(can_edit_framework(request.user, framework)),
        "transitions": transitions,
        "follow": follow_context(request.user, framework=framework),
        # Shown before the organizer confirms the move to voting (it is not refused for them).
        "open_items": selectors.open_items(framework=framework) if "voting" in transitions else [],
        "status_help": STATUS_HELP.get(framework.status, ""),
        "tools": organizer_tools(request.user, framework),
        "error": error,
        "error_field": error_field,
        "done": done,
    }
    template = "frontend/drafting/workspace.html"
    if htmx(request):
        template = "frontend/drafting/partials/workspace_article.html"
    return render(request, template, context, status=status)


def _workspace_done(request: HttpRequest, framework: Framework, done: str) -> HttpResponse:
    """After an organizer action: the updated article for htmx, else back to the workspace."""
    if htmx(request):
        return _render_workspace(request, framework, done=done)
    messages.success(request, done)
    return redirect("framework_detail", slug=framework.slug)


@require_http_methods(["GET"])
def framework_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_workspace(request, access_framework(request.user, slug))


@login_required
@require_http_methods(["GET", "POST"])
def framework_edit(request: HttpRequest, slug: str) -> HttpResponse:
    framework = access_framework(request.user, slug, need=Need.EDIT)
    initial = {
        key: getattr(framework, key) for key in ("title", "preamble", *services.PHASE_FIELDS)
    }
    form = FrameworkEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.framework_update(
                    actor=signed_in_user(request), framework=framework, **form.cleaned_data
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status
            else:
                messages.success(request, "Framework updated.")
                return redirect("framework_detail", slug=framework.slug)
    context = {
        "framework": framework,
        "form": form,
        "gate_refusal": can_edit_framework(request.user, framework).message,
    }
    return render(request, "frontend/drafting/framework_edit.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def framework_transition(request: HttpRequest, slug: str) -> HttpResponse:
    framework = access_framework(request.user, slug, need=Need.TRANSITION)
    try:
        framework = services.framework_transition(
            actor=signed_in_user(request), framework=framework, to=request.POST.get("to", "")
        )
    except DomainError as error:
        return _render_workspace(
            request, framework, error=error.message, error_field="to", status=error.status
        )
    done = f"The framework is now in {framework.get_status_display().lower()}."
    return _workspace_done(request, framework, done)


_POSITION = re.compile(r"[0-9]{1,6}")


def _requested_order(request: HttpRequest, clauses: list[Clause]) -> list[int]:
    """Clause ids sorted by the position typed next to each (``position-<id>``); ties keep the
    current order, so renumbering 3 → 1 moves that clause to the front."""
    keyed = []
    for clause in clauses:
        raw = request.POST.get(f"position-{clause.pk}", "").strip()
        if not _POSITION.fullmatch(raw):
            raise DomainError(
                f"Give §{clause.position} a position number (1, 2, …).", field="order"
            )
        keyed.append(
            (int(raw), 0 if int(raw) != clause.position else 1, clause.position, clause.pk)
        )
    return [clause_id for *_, clause_id in sorted(keyed)]


@login_required
@require_http_methods(["POST"])
def clause_reorder(request: HttpRequest, slug: str) -> HttpResponse:
    framework = access_framework(request.user, slug, need=Need.EDIT_CLAUSES)
    clauses = list(framework.clauses.order_by("position"))
    try:
        order = _requested_order(request, clauses)
        services.clause_reorder(actor=signed_in_user(request), framework=framework, order=order)
    except DomainError as error:
        return _render_workspace(
            request, framework, error=error.message, error_field="order", status=error.status
        )
    return _workspace_done(request, framework, "Clauses renumbered.")


# --- Clause forms --------------------------------------------------------------------------


def _render_clause_form(
    request: HttpRequest,
    framework: Framework,
    form: ClauseForm,
    *,
    clause: Clause | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "framework": framework,
        "clause": clause,
        "form": form,
        "gate_refusal": can_edit_clauses(request.user, framework).message,
    }
    return render(request, "frontend/drafting/clause_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def clause_new(request: HttpRequest, slug: str) -> HttpResponse:
    framework = access_framework(request.user, slug, need=Need.EDIT_CLAUSES)
    form = ClauseForm(request.POST or None, initial={"kind": request.GET.get("kind", "general")})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            try:
                clause = services.clause_create(
                    actor=signed_in_user(request),
                    framework=framework,
                    kind=kind,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    spec=form.spec_for(kind),
                    rationale=form.cleaned_data["rationale"],
                )
            except DomainError as error:
                form.add_service_error(error, kind)
                status = error.status
            else:
                messages.success(request, f"§{clause.position} {clause.title} created.")
                return redirect("clause_detail", clause_id=clause.pk)
    return _render_clause_form(request, framework, form, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def clause_edit(request: HttpRequest, clause_id: int) -> HttpResponse:
    clause = access_clause(request.user, clause_id, need=Need.EDIT)
    text = selectors.display_text(framework=clause.framework_id, text=clause.text)
    initial = {"kind": clause.kind, "title": clause.title, "text": text}
    form = ClauseForm(request.POST or None, initial=initial, initial_spec=clause.spec)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            try:
                services.clause_update(
                    actor=signed_in_user(request),
                    clause=clause,
                    kind=kind,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    spec=form.spec_for(kind),
                    rationale=form.cleaned_data["rationale"],
                )
            except DomainError as error:
                form.add_service_error(error, kind)
                status = error.status
            else:
                messages.success(request, "Clause saved.")
                return redirect("clause_detail", clause_id=clause.pk)
    return _render_clause_form(request, clause.framework, form, clause=clause, status=status)


# --- The clause page (rendered by drafting_clause) -------------------------------------------


@require_http_methods(["GET"])
def clause_detail(request: HttpRequest, clause_id: int) -> HttpResponse:
    return render_clause_page(request, access_clause(request.user, clause_id))


@require_http_methods(["GET"])
def clause_history(request: HttpRequest, clause_id: int) -> HttpResponse:
    """Every version, and the diff between any two (``?from=N&to=M``; ``view=side`` for two
    columns). htmx asks for the diff alone, to show it inline on the clause page."""
    clause = access_clause(request.user, clause_id)
    versions: list[ClauseVersion] = list(selectors.version_list(clause=clause))
    compare = compare_context(
        versions,
        request.GET,
        selectors.refs_for(framework=clause.framework_id, texts=(v.text for v in versions)),
    )
    context = {
        "clause": clause,
        "framework": clause.framework,
        "clause_versions": versions,
        "compare": compare,
    }
    status = 400 if compare.get("error") else 200
    if htmx(request):
        return render(request, "frontend/drafting/partials/diff.html", context, status=status)
    return render(request, "frontend/drafting/history.html", context, status=status)


__all__ = [
    "clause_detail",
    "clause_edit",
    "clause_history",
    "clause_new",
    "clause_reorder",
    "framework_detail",
    "framework_edit",
    "framework_new",
    "framework_transition",
]
