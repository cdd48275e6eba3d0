"""Amendments and alternatives on the clause page: propose, accept, reject, withdraw, rebase,
resolve, withdraw an alternative.

Without JavaScript every action is a plain POST that redirects back to the clause page; a
refused one re-renders the page with the message next to the amendment, alternative or form it
was about, at the service's status. With htmx (``request.htmx``) the answer is the clause's
article (``#clause-drafting``) in both cases, so the action happens in place; the proposal forms
are fetched into the page and, while refused, re-rendered where they are.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import reswap, retarget

from convene.errors import DomainError
from convene.permissions import Need
from deliberation.models import Alternative, Amendment, Clause
from deliberation.text import selectors, services
from deliberation.text.permissions import (
    access_alternative,
    access_amendment,
    access_clause,
    can_propose,
)
from frontend.forms.text import DecisionForm, ProposalForm, RebaseForm, ResolveForm
from frontend.views import htmx, signed_in_user
from frontend.views.text.clause import render_clause_page

KINDS: dict[str, dict[str, Any]] = {
    "amendment": {
        "title": "Propose an amendment",
        "button": "Propose amendment",
        "service": services.amendment_propose,
        "done": "Amendment proposed. Organizers will accept or reject it.",
    },
    "alternative": {
        "title": "Propose an alternative wording",
        "button": "Propose alternative",
        "service": services.alternative_propose,
        "done": "Alternative proposed.",
    },
}


def _htmx(request: HttpRequest) -> bool:
    return htmx(request)


def _done(request: HttpRequest, clause: Clause, done: str, anchor: str = "") -> HttpResponse:
    """After a successful action: the updated article for htmx, else back to the clause page."""
    if _htmx(request):
        clause = access_clause(request.user, clause.pk)  # re-read: the action changed it
        return render_clause_page(request, clause, done=done, partial=True)
    messages.success(request, done)
    url = reverse("clause_detail", kwargs={"clause_id": clause.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _propose(request: HttpRequest, clause: Clause, what: str, form: ProposalForm) -> None:
    """Call the proposal's service with the form's cleaned data (DomainError on refusal)."""
    arguments: dict[str, Any] = {
        "actor": signed_in_user(request),
        "clause": clause,
        "text": form.cleaned_data["text"],
        "rationale": form.cleaned_data["rationale"],
    }
    if form.spec_kinds:
        arguments["spec"] = form.spec()
    KINDS[what]["service"](**arguments)


def _proposal_page(request: HttpRequest, clause_id: int, what: str) -> HttpResponse:
    clause = access_clause(request.user, clause_id, need=Need.PROPOSE)
    inline = _htmx(request)
    form = ProposalForm(
        request.POST or None,
        kind=clause.kind,
        initial={"text": selectors.display_text(framework=clause.framework_id, text=clause.text)},
        initial_spec=clause.spec,
        rationale_required=what == "amendment",
        # Both forms may be open on the clause page at once: keep their ids apart.
        auto_id=f"{what}-%s" if inline else "id_%s",
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                _propose(request, clause, what, form)
            except DomainError as error:
                form.add_service_error(error, clause.kind)
                status = error.status
            else:
                response = _done(request, clause, KINDS[what]["done"])
                # Inline, the form sits inside the article, which replaces itself.
                if inline:
                    response = reswap(retarget(response, "#clause-drafting"), "outerHTML")
                return response
    context = {
        "clause": clause,
        "framework": clause.framework,
        "form": form,
        "what": what,
        "page": KINDS[what],
        "gate_refusal": can_propose(request.user, clause).message,
        "inline": inline,
    }
    template = (
        "frontend/drafting/partials/proposal_form.html"
        if inline
        else ("frontend/drafting/proposal_form.html")
    )
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def amendment_new(request: HttpRequest, clause_id: int) -> HttpResponse:
    return _proposal_page(request, clause_id, "amendment")


@login_required
@require_http_methods(["GET", "POST"])
def alternative_new(request: HttpRequest, clause_id: int) -> HttpResponse:
    return _proposal_page(request, clause_id, "alternative")


def _refused(
    request: HttpRequest, clause_id: int, action_error: dict[str, Any], status: int
) -> HttpResponse:
    clause = access_clause(request.user, clause_id)
    return render_clause_page(
        request, clause, action_error=action_error, partial=_htmx(request), status=status
    )


AMENDMENT_ACTIONS: dict[str, dict[str, Any]] = {
    "accept": {
        "need": Need.DECIDE,
        "done": "{name} accepted: it is the clause's new version.",
    },
    "reject": {"need": Need.DECIDE, "done": "{name} rejected."},
    "withdraw": {"need": Need.WITHDRAW, "done": "{name} withdrawn."},
    "rebase": {"need": Need.REBASE, "done": "{name} now applies to the current version."},
}


def _call_amendment_service(request: HttpRequest, amendment: Amendment, action: str) -> None:
    actor = signed_in_user(request)
    if action == "accept":
        form = DecisionForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.amendment_accept(actor=actor, amendment=amendment, reason=reason)
    elif action == "reject":
        reason = request.POST.get("reason", "")
        services.amendment_reject(actor=actor, amendment=amendment, reason=reason)
    elif action == "withdraw":
        services.amendment_withdraw(actor=actor, amendment=amendment)
    else:
        rebase = RebaseForm(request.POST)
        text = rebase.cleaned_data["text"] if rebase.is_valid() else None
        if text is None and request.POST.get("text", "").strip():
            # New wording the form refuses (too long) is refused, not silently dropped.
            raise DomainError(str(rebase.errors["text"][0]), field="text")
        services.amendment_rebase(actor=actor, amendment=amendment, text=text)


def _amendment_action(request: HttpRequest, amendment_id: int, action: str) -> HttpResponse:
    spec = AMENDMENT_ACTIONS[action]
    amendment = access_amendment(request.user, amendment_id, need=spec["need"])
    try:
        _call_amendment_service(request, amendment, action)
    except DomainError as error:
        action_error = {"amendment": amendment.pk, "action": action, "message": error.message}
        return _refused(request, amendment.clause_id, action_error, error.status)
    name = f"Amendment {amendment.number} to §{amendment.clause.position}"
    done = spec["done"].format(name=name)
    return _done(request, amendment.clause, done, anchor=f"amendment-{amendment.pk}")


@login_required
@require_http_methods(["POST"])
def amendment_accept(request: HttpRequest, amendment_id: int) -> HttpResponse:
    return _amendment_action(request, amendment_id, "accept")


@login_required
@require_http_methods(["POST"])
def amendment_reject(request: HttpRequest, amendment_id: int) -> HttpResponse:
    return _amendment_action(request, amendment_id, "reject")


@login_required
@require_http_methods(["POST"])
def amendment_withdraw(request: HttpRequest, amendment_id: int) -> HttpResponse:
    return _amendment_action(request, amendment_id, "withdraw")


@login_required
@require_http_methods(["POST"])
def amendment_rebase(request: HttpRequest, amendment_id: int) -> HttpResponse:
    return _amendment_action(request, amendment_id, "rebase")


@login_required
@require_http_methods(["POST"])
def alternatives_resolve(request: HttpRequest, clause_id: int) -> HttpResponse:
    clause: Clause = access_clause(request.user, clause_id, need=Need.RESOLVE)
    open_ones = list(
        selectors.alternative_list(clause=clause).filter(status=Alternative.Status.OPEN)
    )
    form = ResolveForm(request.POST, alternatives=open_ones)
    status = 400
    if form.is_valid():
        try:
            version = services.alternatives_resolve(
                actor=signed_in_user(request),
                clause=clause,
                alternative_id=form.cleaned_data["alternative"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            status = error.status
        else:
            label = version.alternative.label if version.alternative else ""
            return _done(request, clause, f"Option {label} chosen; it is the clause's new version.")
    return render_clause_page(
        request, clause, resolve_form=form, partial=_htmx(request), status=status
    )


@login_required
@require_http_methods(["POST"])
def alternative_withdraw(request: HttpRequest, alternative_id: int) -> HttpResponse:
    """The proposer withdraws an open alternative (readers of the clause get 403, others 404)."""
    alternative = access_alternative(request.user, alternative_id, need=Need.WITHDRAW)
    try:
        services.alternative_withdraw(actor=signed_in_user(request), alternative=alternative)
    except DomainError as error:
        action_error = {"alternative": alternative.pk, "message": error.message}
        return _refused(request, alternative.clause_id, action_error, error.status)
    done = f"Option {alternative.label} withdrawn."
    return _done(request, alternative.clause, done, anchor=f"alternative-{alternative.pk}")
