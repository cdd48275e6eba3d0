"""The clause page of the drafting pages: current text, spec, version history, amendments and
alternatives (the comments section under it is the comments views').

``render_clause_page`` answers a full page, or with ``partial`` only the clause's article
(``#clause-drafting``), which htmx swaps in after an action on the page. The article holds
everything an action can change (version, status, brackets, stale amendments), so one swap
keeps it consistent.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from deliberation.models import Alternative, Amendment, Clause
from deliberation.text import diff, gates, selectors, specs
from deliberation.text.permissions import can_manage_framework, can_propose
from frontend.forms.text import DecisionForm, ResolveForm
from frontend.views.discussion.comments import comments_context
from frontend.views.discussion.threads import anchors_for
from frontend.views.text.diff import compare_context

ARTICLE = "frontend/drafting/partials/clause_article.html"


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


def _withdrawable(
    request: HttpRequest, clause: Clause, alternatives: list[Alternative]
) -> set[int]:
    """Ids of the open alternatives the viewer proposed and may still withdraw."""
    if not gates.allowed("withdraw_proposal", clause.framework.status):
        return set()
    user_id = getattr(request.user, "pk", None)
    return {
        a.pk
        for a in alternatives
        if a.proposer_id == user_id and a.status == Alternative.Status.OPEN
    }


def _bracket(alternatives: list[Alternative]) -> list[Alternative]:
    """The open options shown as ``[Option A: … / Option B: …]``: two or more, or none."""
    open_ones = [a for a in alternatives if a.status == Alternative.Status.OPEN]
    return open_ones if len(open_ones) >= 2 else []


def clause_context(
    request: HttpRequest,
    clause: Clause,
    *,
    action_error: dict[str, Any] | None = None,
    resolve_form: ResolveForm | None = None,
    done: str = "",
) -> dict[str, Any]:
    """What the clause's article shows (five queries, whatever the number of versions,
    amendments and alternatives)."""
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
    return {
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
        "withdrawable_alternatives": _withdrawable(request, clause, alternatives),
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
        "done": done,
    }


def render_clause_page(
    request: HttpRequest,
    clause: Clause,
    *,
    action_error: dict[str, Any] | None = None,
    resolve_form: ResolveForm | None = None,
    done: str = "",
    partial: bool = False,
    status: int = 200,
) -> HttpResponse:
    """The clause page, or with ``partial`` its article alone (for htmx). ``action_error``
    ({"amendment": pk, "action": "reject", "message": …}, or "alternative": pk) shows a refused
    action next to what it was about; ``done`` says what an inline action did."""
    context = clause_context(
        request, clause, action_error=action_error, resolve_form=resolve_form, done=done
    )
    if partial:
        context["comment_anchors"] = anchors_for(clause)
        return render(request, ARTICLE, context, status=status)
    context.update(comments_context(request, clause))
    return render(request, "frontend/drafting/clause_detail.html", context, status=status)
