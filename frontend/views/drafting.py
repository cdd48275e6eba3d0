"""Drafting pages: the framework workspace, its organizer forms, and the clause page.

Every write calls one service; a ``DomainError`` re-shows the form (or the page) with the
message at the service's status (400, or 409 when the framework's status forbids it). Success
redirects (POST/redirect/GET). Amendments and alternatives are in ``drafting_proposals``.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from convene.errors import DomainError
from convene.permissions import access_convening
from deliberation import diff, gates, selectors, services, specs
from deliberation.models import Alternative, Amendment, Clause, ClauseVersion, Framework
from deliberation.permissions import (
    access_clause,
    access_framework,
    can_manage_framework,
    can_propose,
)
from frontend.forms import add_domain_error
from frontend.forms_drafting import (
    ClauseForm,
    DecisionForm,
    FrameworkCreateForm,
    FrameworkForm,
    ResolveForm,
)
from frontend.views import signed_in_user
from frontend.views.comments import comments_context
from frontend.views.drafting_diff import compare_context

STATUS_HELP = {
    "draft": "Organizers are writing the text; members can read it.",
    "consultation": "Members comment, and participants propose amendments and alternatives.",
    "voting": "The text is frozen while members vote on it.",
    "adopted": "The text is adopted and can no longer change.",
    "published": "The adopted text is published.",
    "withdrawn": "The framework was withdrawn.",
}


def _gate_refusal(action: str, framework: Framework) -> str:
    """The gate's message when ``action`` is closed in the framework's status, else ''."""
    return (
        "" if gates.allowed(action, framework.status) else gates.refusal(action, framework.status)
    )


# --- Frameworks ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def framework_new(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access_convening(request.user, slug, manage=True)
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
    status: int = 200,
) -> HttpResponse:
    is_organizer = can_manage_framework(request.user, framework)
    clauses = list(selectors.clause_list(framework=framework))
    context = {
        "framework": framework,
        "convening": framework.convening,
        "clauses": clauses,
        "bracketed_count": sum(c.status == Clause.Status.BRACKETED for c in clauses),
        "is_organizer": is_organizer,
        "can_edit_clauses": is_organizer and gates.allowed("edit_clause", framework.status),
        "can_edit_framework": is_organizer and gates.allowed("edit_framework", framework.status),
        "transitions": gates.TRANSITIONS[framework.status] if is_organizer else (),
        "status_help": STATUS_HELP.get(framework.status, ""),
        "error": error,
        "error_field": error_field,
    }
    return render(request, "frontend/drafting/workspace.html", context, status=status)


@require_http_methods(["GET"])
def framework_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_workspace(request, access_framework(request.user, slug))


@login_required
@require_http_methods(["GET", "POST"])
def framework_edit(request: HttpRequest, slug: str) -> HttpResponse:
    framework = access_framework(request.user, slug, manage=True)
    initial = {"title": framework.title, "preamble": framework.preamble}
    form = FrameworkForm(request.POST or None, initial=initial)
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
        "gate_refusal": _gate_refusal("edit_framework", framework),
    }
    return render(request, "frontend/drafting/framework_edit.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def framework_transition(request: HttpRequest, slug: str) -> HttpResponse:
    framework = access_framework(request.user, slug, manage=True)
    try:
        framework = services.framework_transition(
            actor=signed_in_user(request), framework=framework, to=request.POST.get("to", "")
        )
    except DomainError as error:
        return _render_workspace(
            request, framework, error=error.message, error_field="to", status=error.status
        )
    messages.success(request, f"The framework is now in {framework.get_status_display().lower()}.")
    return redirect("framework_detail", slug=framework.slug)


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
    framework = access_framework(request.user, slug, manage=True)
    clauses = list(framework.clauses.order_by("position"))
    try:
        order = _requested_order(request, clauses)
        services.clause_reorder(actor=signed_in_user(request), framework=framework, order=order)
    except DomainError as error:
        return _render_workspace(
            request, framework, error=error.message, error_field="order", status=error.status
        )
    messages.success(request, "Clauses renumbered.")
    return redirect("framework_detail", slug=framework.slug)


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
        "gate_refusal": _gate_refusal("edit_clause", framework),
    }
    return render(request, "frontend/drafting/clause_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def clause_new(request: HttpRequest, slug: str) -> HttpResponse:
    framework = access_framework(request.user, slug, manage=True)
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
    clause = access_clause(request.user, clause_id, manage=True)
    initial = {"kind": clause.kind, "title": clause.title, "text": clause.text}
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


# --- The clause page -----------------------------------------------------------------------


def spec_rows(kind: str, spec: Any) -> list[tuple[str, Any]]:
    """(label, value) per schema property, in schema order, for the readable table."""
    if not spec or not specs.has_spec(kind):
        return []
    properties = specs.SCHEMAS[kind]["properties"]
    return [(schema.get("title", name), spec.get(name, "")) for name, schema in properties.items()]


def _spec_sentence(kind: str, spec: Any) -> str:
    try:
        return specs.describe(spec, kind) if spec else ""
    except (KeyError, TypeError, ValueError):
        return ""


def _amendment_rows(
    request: HttpRequest, clause: Clause, amendments: list[Amendment], *, may_decide: bool
) -> list[dict[str, Any]]:
    user_id = getattr(request.user, "pk", None)
    framework = clause.framework
    rows = []
    for a in amendments:
        is_open = a.status == Amendment.Status.OPEN
        is_author = a.author_id == user_id
        stale = is_open and a.base_version_id != clause.current_version_id
        ops = diff.diff(a.base_version.text, a.text)
        rows.append(
            {
                "amendment": a,
                "stale": stale,
                "diff_html": diff.render_html(ops),
                "spec_rows": spec_rows(clause.kind, a.spec)
                if a.spec != a.base_version.spec
                else [],
                "can_decide": may_decide and is_open,
                "can_withdraw": is_author
                and is_open
                and gates.allowed("withdraw_proposal", framework.status),
                "can_rebase": is_author and stale and gates.allowed("propose", framework.status),
            }
        )
    return rows


def _bracket(alternatives: list[Alternative]) -> list[Alternative]:
    """The open options shown as ``[Option A: … / Option B: …]``: two or more, or none."""
    open_ones = [a for a in alternatives if a.status == Alternative.Status.OPEN]
    return open_ones if len(open_ones) >= 2 else []


def render_clause_page(
    request: HttpRequest,
    clause: Clause,
    *,
    action_error: dict[str, Any] | None = None,
    resolve_form: ResolveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The clause page; ``action_error`` ({"amendment": pk, "form": "reject", "message": …})
    shows a refused action next to the amendment it was about."""
    framework = clause.framework
    is_organizer = can_manage_framework(request.user, framework)
    may_decide = is_organizer and gates.allowed("decide", framework.status)
    versions = list(selectors.version_list(clause=clause))
    alternatives = list(selectors.alternative_list(clause=clause))
    open_alternatives = [a for a in alternatives if a.status == Alternative.Status.OPEN]
    amendments = list(selectors.amendment_list(clause=clause))
    if resolve_form is None and may_decide and open_alternatives:
        resolve_form = ResolveForm(alternatives=open_alternatives)
    elif resolve_form is not None and not resolve_form.is_bound:
        resolve_form = None
    context: dict[str, Any] = {
        "framework": framework,
        "convening": framework.convening,
        "clause": clause,
        "version": clause.current_version,
        # Named apart from the comments section's own "versions" and "amendments".
        "clause_versions": versions,
        "spec_rows": spec_rows(clause.kind, clause.spec),
        "spec_sentence": _spec_sentence(clause.kind, clause.spec),
        "amendment_rows": _amendment_rows(request, clause, amendments, may_decide=may_decide),
        "open_amendment_count": sum(a.status == Amendment.Status.OPEN for a in amendments),
        "alternatives": alternatives,
        "bracket": _bracket(alternatives),
        # A refused resolve keeps its form on the page, whatever the status, to show why.
        "resolve_form": resolve_form,
        "is_organizer": is_organizer,
        "can_edit": is_organizer and gates.allowed("edit_clause", framework.status),
        "can_propose": can_propose(request.user, framework)
        and gates.allowed("propose", framework.status)
        and clause.status in {Clause.Status.OPEN, Clause.Status.BRACKETED},
        "decision_form": DecisionForm(),
        "action_error": action_error or {},
        "compare": compare_context(versions, request.GET) if versions else {},
    }
    context.update(comments_context(request, clause))
    return render(request, "frontend/drafting/clause_detail.html", context, status=status)


@require_http_methods(["GET"])
def clause_detail(request: HttpRequest, clause_id: int) -> HttpResponse:
    return render_clause_page(request, access_clause(request.user, clause_id))


@require_http_methods(["GET"])
def clause_history(request: HttpRequest, clause_id: int) -> HttpResponse:
    """Every version, and the diff between any two (``?from=N&to=M``; ``view=side`` for two
    columns). htmx asks for the diff alone, to show it inline on the clause page."""
    clause = access_clause(request.user, clause_id)
    versions: list[ClauseVersion] = list(selectors.version_list(clause=clause))
    compare = compare_context(versions, request.GET)
    context = {
        "clause": clause,
        "framework": clause.framework,
        "clause_versions": versions,
        "compare": compare,
    }
    status = 400 if compare.get("error") else 200
    if request.htmx:  # type: ignore[attr-defined]
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
    "render_clause_page",
]
