"""A framework's rounds, the round builder, the round page and its organizer actions.

The round page is ``render_round_page``; its ballot section (``#ballot``) is the ballots
module's. Open, close and cancel are POST forms drawn when their predicate allows; a refusal
re-renders the page with the message next to the actions, at the service's status (409 when
the round's state forbids it), and success redirects back (POST/redirect/GET).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from convene.errors import DomainError
from convene.permissions import Need
from deliberation.models import Clause, Framework, Motion, VotingRound
from deliberation.text import selectors as text_selectors
from deliberation.voting import selectors, services
from deliberation.voting.permissions import (
    access_framework_rounds,
    access_round,
    can_cancel_round,
    can_close_round,
    can_create_round,
    can_open_round,
)
from frontend.forms import add_domain_error
from frontend.views import signed_in_user
from frontend.views.voting import STATUS_HELP, motion_rows, render_voting
from frontend.views.voting.forms import Candidate, RoundForm, RuleForm, explain, unit_or_default


# --- the framework's rounds -----------------------------------------------------------------------
@require_http_methods(["GET"])
def round_list(request: HttpRequest, slug: str) -> HttpResponse:
    framework = access_framework_rounds(request.user, slug)
    rounds = list(selectors.round_list(framework=framework))
    mine = selectors.my_ballots(user=request.user, rounds=rounds)
    create = can_create_round(request.user, framework)
    context = {
        "framework": framework,
        "convening": framework.convening,
        "rows": [{"round": r, "ballot": mine.get(r.pk)} for r in rounds],
        "can_create": bool(create),
        # Organizers learn why they cannot draft a round now (the framework's status).
        "create_refusal": create.message if create.status == 409 else "",
    }
    return render_voting(request, "round_list.html", context)


# --- the builder ----------------------------------------------------------------------------------
def _label(clause: Clause) -> str:
    return f"§{clause.position} {clause.title}"


def candidates(framework: Framework) -> list[Candidate]:
    """What a round can decide now, in clause order: open clauses to adopt, open amendments to
    accept, bracketed clauses to choose among; then the whole framework (three queries)."""
    clauses = list(text_selectors.clause_list(framework=framework))
    amendments: dict[int, list[tuple[int, int]]] = defaultdict(list)
    brackets: dict[int, list[str]] = {}
    for item in text_selectors.open_items(framework=framework):
        if item["kind"] == "amendment":
            amendments[item["clause"]].append((item["id"], item["number"]))
        elif len(item["options"]) >= 2:
            brackets[item["clause"]] = item["options"]
    out = [
        candidate
        for clause in clauses
        for candidate in _clause_candidates(
            clause, amendments.get(clause.pk, []), brackets.get(clause.pk)
        )
    ]
    out.append(
        Candidate(
            key="adopt_framework",
            kind=Motion.Kind.ADOPT_FRAMEWORK,
            label="Adopt the framework as a whole",
            detail="If adopted, the framework moves to adopted and its text can no longer change.",
        )
    )
    return out


def _clause_candidates(
    clause: Clause, amendments: list[tuple[int, int]], options: list[str] | None
) -> list[Candidate]:
    """What a round can decide about one clause: adopt it, accept an amendment, choose a wording."""
    out = []
    if clause.status == Clause.Status.OPEN:
        version = clause.current_version.number if clause.current_version else None
        out.append(
            Candidate(
                key=f"adopt_clause-{clause.pk}",
                kind=Motion.Kind.ADOPT_CLAUSE,
                label=f"Adopt {_label(clause)}",
                clause=clause.pk,
                detail=f"The version current when the round opens (now version {version})."
                if version
                else "",
            )
        )
    out += [
        Candidate(
            key=f"accept_amendment-{pk}",
            kind=Motion.Kind.ACCEPT_AMENDMENT,
            label=f"Accept amendment {number} to {_label(clause)}",
            clause=clause.pk,
            amendment=pk,
        )
        for pk, number in amendments
    ]
    if options:
        out.append(
            Candidate(
                key=f"choose_alternative-{clause.pk}",
                kind=Motion.Kind.CHOOSE_ALTERNATIVE,
                label=f"Choose the wording of {_label(clause)}",
                clause=clause.pk,
                options=options,
                detail="Options " + ", ".join(options) + ".",
            )
        )
    return out


def _create(request: HttpRequest, framework: Framework, form: RoundForm) -> VotingRound:
    data = form.cleaned_data
    return services.round_create(
        actor=signed_in_user(request),
        framework=framework,
        title=data["title"],
        description=data["description"],
        ballot_mode=data["ballot_mode"],
        opens_at=data["opens_at"],
        closes_at=data["closes_at"],
        motions=form.motion_entries(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest, slug: str) -> HttpResponse:
    framework = access_framework_rounds(request.user, slug, need=Need.RUN)
    form = RoundForm(request.POST or None, candidates=candidates(framework))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                round_ = _create(request, framework, form)
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status
            else:
                messages.success(request, "Round drafted. Check its motions, then open it.")
                return redirect("round_detail", round_id=round_.pk)
    context = {
        "framework": framework,
        "convening": framework.convening,
        "form": form,
        "rows": form.rows(),
        "gate_refusal": can_create_round(request.user, framework).message,
    }
    return render_voting(request, "round_new.html", context, status=status)


@require_http_methods(["GET"])
def rule_explained(request: HttpRequest) -> HttpResponse:
    """The builder's rule in words as it is being typed (htmx asks on every change): the rule
    fields prefixed with ``prefix``, and the round's ``unit``."""
    prefix = request.GET.get("prefix", "")[:60]
    unit = unit_or_default(request.GET.get("unit"))
    text = explain(RuleForm(request.GET, prefix=prefix), unit)
    return render_voting(request, "partials/rule_explained.html", {"explanation": text})


# --- the round page -------------------------------------------------------------------------------
def round_for_page(request: HttpRequest, round_id: int, need: Need = Need.VIEW) -> VotingRound:
    """The round with its motions, clauses, amendments and versions, once ``need`` allows."""
    access_round(request.user, round_id, need=need)
    return selectors.round_detail(round_id=round_id)


def render_round_page(
    request: HttpRequest,
    round_: VotingRound,
    *,
    action_error: str = "",
    ballot: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The round page; ``ballot`` is the ballot section's context when a POST re-shows it."""
    from frontend.views.voting.ballots import ballot_context

    user = request.user
    context = {
        "round": round_,
        "framework": round_.framework,
        "convening": round_.framework.convening,
        "motions": motion_rows(round_),
        "status_help": STATUS_HELP.get(round_.status, ""),  # type: ignore[call-overload]
        "can_open": bool(can_open_round(user, round_)),
        "can_close": bool(can_close_round(user, round_)),
        "can_cancel": bool(can_cancel_round(user, round_)),
        "action_error": action_error,
        **(ballot if ballot is not None else ballot_context(request, round_)),
    }
    return render_voting(request, "round_detail.html", context, status=status)


@require_http_methods(["GET"])
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    return render_round_page(request, round_for_page(request, round_id))


ACTIONS: dict[str, tuple[Callable[..., VotingRound], str]] = {
    "open": (services.round_open, "The round is open: delegates on the roll can vote."),
    "close": (services.round_close, "The round is closed: the results and record are final."),
    "cancel": (services.round_cancel, "The round is cancelled."),
}


def _act(request: HttpRequest, round_id: int, action: str) -> HttpResponse:
    round_ = round_for_page(request, round_id, need=Need.RUN)
    service, done = ACTIONS[action]
    try:
        service(actor=signed_in_user(request), round_=round_)
    except DomainError as error:
        round_ = selectors.round_detail(round_id=round_id)
        return render_round_page(request, round_, action_error=error.message, status=error.status)
    messages.success(request, done)
    if action == "close":
        return redirect("round_results", round_id=round_id)
    return redirect("round_detail", round_id=round_id)


@login_required
@require_http_methods(["POST"])
def round_open(request: HttpRequest, round_id: int) -> HttpResponse:
    return _act(request, round_id, "open")


@login_required
@require_http_methods(["POST"])
def round_close(request: HttpRequest, round_id: int) -> HttpResponse:
    return _act(request, round_id, "close")


@login_required
@require_http_methods(["POST"])
def round_cancel(request: HttpRequest, round_id: int) -> HttpResponse:
    return _act(request, round_id, "cancel")
