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
from django.urls import reverse

from convene.html_cache import cached_html
from convene.permissions import can_view_member_pages
from deliberation.discussion.quotes import anchors_for
from deliberation.models import Alternative, Amendment, Clause
from deliberation.text import crossrefs, diff, selectors, specs
from deliberation.text.permissions import (
    can_accept,
    can_decide,
    can_edit_clauses,
    can_propose,
    can_rebase,
    can_resolve,
    can_withdraw_alternative,
    can_withdraw_amendment,
    is_framework_organizer,
)
from frontend.forms.text import DecisionForm, ResolveForm
from frontend.views.discussion.following import follow_context
from frontend.views.discussion.threads import comments_context
from frontend.views.text.diff import compare_choice

ARTICLE = "frontend/drafting/partials/clause_article.html"


def spec_rows(kind: str, spec: Any) -> list[tuple[str, Any]]:
    """(label, value) per schema property, in schema order, for the readable table."""
    if not spec or not specs.has_spec(kind):
        return []
    properties = specs.SCHEMAS[kind]["properties"]
    return [
        (schema.get("title", name), specs.readable(name, spec.get(name, "")))
        for name, schema in properties.items()
    ]


def spec_change_rows(kind: str, old: Any, new: Any) -> list[dict[str, Any]]:
    """Only the spec fields an amendment changes: label, old and new value in words, in schema
    order."""
    if not specs.has_spec(kind):
        return []
    old, new = old or {}, new or {}
    return [
        {
            "label": schema.get("title", name),
            "old": specs.readable(name, old.get(name, "")),
            "new": specs.readable(name, new.get(name, "")),
        }
        for name, schema in specs.SCHEMAS[kind]["properties"].items()
        if old.get(name) != new.get(name)
    ]


def spec_sentence(kind: str, spec: Any) -> str:
    """The spec as one plain sentence, or "" when it has none or is not a complete spec."""
    try:
        return specs.describe(spec, kind) if spec else ""
    except (KeyError, TypeError, ValueError):
        return ""


def _diff_html(amendment: Amendment, refs: crossrefs.Refs) -> str:
    """The amendment's stored diff as HTML, cached under the diff and the numbering it shows."""
    return cached_html(
        "diff",
        [amendment.diff_ops, sorted(refs.id_to_number.items())],
        lambda: diff.render_html(refs.display_ops(amendment.diff_ops), spoken=True),
    )


def _amendment_rows(
    request: HttpRequest, clause: Clause, amendments: list[Amendment], refs: crossrefs.Refs
) -> list[dict[str, Any]]:
    rows = []
    for a in amendments:
        a.clause = clause
        stale = a.status == Amendment.Status.OPEN and a.base_version_id != clause.current_version_id
        rows.append(
            {
                "amendment": a,
                "stale": stale,
                # Stored by the service when proposed or rebased: a page view never diffs.
                "diff_html": _diff_html(a, refs),
                "text": refs.display(a.text),
                "text_changed": any(op["op"] != "equal" for op in a.diff_ops),
                "spec_changes": spec_change_rows(clause.kind, a.base_version.spec, a.spec),
                "can_accept": bool(can_accept(request.user, a)),
                "can_reject": bool(can_decide(request.user, a)),
                "can_withdraw": bool(can_withdraw_amendment(request.user, a)),
                "can_rebase": bool(can_rebase(request.user, a)),
            }
        )
    return rows


def _withdrawable(
    request: HttpRequest, clause: Clause, alternatives: list[Alternative]
) -> set[int]:
    """Ids of the alternatives the viewer may withdraw (their own open ones)."""
    withdrawable = set()
    for alternative in alternatives:
        alternative.clause = clause
        if can_withdraw_alternative(request.user, alternative):
            withdrawable.add(alternative.pk)
    return withdrawable


def _bracket(alternatives: list[Alternative]) -> list[Alternative]:
    """The open options shown as ``[Option A: … / Option B: …]``: two or more, or none."""
    open_ones = [a for a in alternatives if a.status == Alternative.Status.OPEN]
    return open_ones if len(open_ones) >= 2 else []


def _crossrefs(refs: crossrefs.Refs) -> dict[int, str]:
    """Where §n in the clause's text leads: clause n's page."""
    return {
        n: reverse("clause_detail", kwargs={"clause_id": pk}) for n, pk in refs.number_to_id.items()
    }


def _page_refs(
    clause: Clause, alternatives: list[Alternative], amendments: list[Amendment]
) -> crossrefs.Refs:
    """The numbering the page's references are shown with (stored by clause id, shown with the
    numbers clauses have now): read only when some text on the page refers to a clause. The
    alternatives' texts are turned to display here, never saved."""
    texts = [clause.text, *(a.text for a in alternatives), *(a.text for a in amendments)]
    texts += [op["text"] for a in amendments for op in a.diff_ops]
    refs = selectors.refs_for(framework=clause.framework, texts=texts)
    for alternative in alternatives:
        alternative.text = refs.display(alternative.text)
    return refs


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
    may_resolve = bool(can_resolve(request.user, clause))
    versions = list(selectors.version_list(clause=clause))
    alternatives = list(selectors.alternative_list(clause=clause))
    open_alternatives = [a for a in alternatives if a.status == Alternative.Status.OPEN]
    amendments = list(selectors.amendment_list(clause=clause))
    refs = _page_refs(clause, alternatives, amendments)
    if resolve_form is None and may_resolve and open_alternatives:
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
        "spec_sentence": spec_sentence(clause.kind, clause.spec),
        "clause_text": refs.display(clause.text),
        "clause_refs": _crossrefs(refs),
        "amendment_rows": _amendment_rows(request, clause, amendments, refs),
        "open_amendment_count": sum(a.status == Amendment.Status.OPEN for a in amendments),
        "alternatives": alternatives,
        "withdrawable_alternatives": _withdrawable(request, clause, alternatives),
        "bracket": _bracket(alternatives),
        # A refused resolve keeps its form on the page, whatever the status, to show why.
        "resolve_form": resolve_form,
        "is_organizer": is_framework_organizer(request.user, framework),
        # Whether authors' names link to their member pages: once per page, not per amendment.
        "member_pages": bool(can_view_member_pages(request.user, framework.convening)),
        "can_edit": bool(can_edit_clauses(request.user, framework)),
        "can_propose": bool(can_propose(request.user, clause)),
        "decision_form": DecisionForm(),
        "action_error": action_error or {},
        # Only the compare form: the diff itself is the history view's (htmx), on demand.
        "compare": compare_choice(versions, request.GET) if versions else {},
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
    context["follow"] = follow_context(request.user, clause=clause)
    return render(request, "frontend/drafting/clause_detail.html", context, status=status)
