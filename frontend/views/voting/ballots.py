"""The delegate's ballot on the round page (``#ballot``): drawn exactly when ``can_vote``
allows, otherwise its message; the receipt of the ballot cast, with a link to find it in the
record.

Without JavaScript casting is a plain POST that redirects to the round page's receipt; a refused
or invalid ballot re-renders the page with the errors next to their motions. With htmx the answer
is the ballot section alone, in both cases, and voting.js moves focus to the receipt or the error
and announces it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from convene.errors import DomainError
from convene.permissions import Need
from deliberation.models import VotingRound
from deliberation.voting import selectors, services
from deliberation.voting.permissions import can_vote
from frontend.forms import add_domain_error
from frontend.views import htmx, signed_in_user
from frontend.views.voting import render_voting
from frontend.views.voting.ballot_form import BallotForm
from frontend.views.voting.rounds import render_round_page, round_for_page

DONE = "Your ballot is cast. Keep your receipt to find your ballot in the published record."


def _alternatives(round_: VotingRound) -> dict[int, list[Any]]:
    if all(m.is_yes_no for m in round_.motions.all()):
        return {}
    return selectors.alternatives_of(round_)


def ballot_context(
    request: HttpRequest,
    round_: VotingRound,
    *,
    form: BallotForm | None = None,
    error: str = "",
    done: str = "",
) -> dict[str, Any]:
    """What the ballot section shows: the form when ``can_vote`` allows (filled with the
    viewer's ballot, to change it), else why not; and the viewer's receipt."""
    verdict = can_vote(request.user, round_)
    mine = selectors.my_ballot(user=request.user, round_=round_)
    if not verdict:
        form = None
    elif form is None:
        motions = list(round_.motions.all())
        initial = BallotForm.initial_from(mine.choices, motions) if mine else {}
        form = BallotForm(initial=initial, motions=motions, alternatives=_alternatives(round_))
    return {
        "vote": verdict,
        "ballot_form": form,
        "ballot_rows": form.rows() if form is not None else [],
        "my_ballot": mine,
        "ballot_error": error,
        "ballot_done": done,
    }


def _answer(
    request: HttpRequest, round_: VotingRound, context: dict[str, Any], status: int
) -> HttpResponse:
    if htmx(request):
        context = {"round": round_, **context}
        return render_voting(request, "partials/ballot.html", context, status=status)
    return render_round_page(request, round_, ballot=context, status=status)


@login_required
@require_http_methods(["POST"])
def ballot_cast(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = round_for_page(request, round_id, need=Need.VOTE)
    form = BallotForm(
        request.POST, motions=list(round_.motions.all()), alternatives=_alternatives(round_)
    )
    status, error = 400, ""
    if form.is_valid():
        try:
            services.ballot_cast(
                actor=signed_in_user(request), round_=round_, choices=form.choices()
            )
        except DomainError as refusal:
            add_domain_error(form, refusal)
            status, error = refusal.status, refusal.message
        else:
            if htmx(request):
                return _answer(request, round_, ballot_context(request, round_, done=DONE), 200)
            messages.success(request, DONE)
            return redirect(reverse("round_detail", args=[round_.pk]) + "#receipt")
    return _answer(request, round_, ballot_context(request, round_, form=form, error=error), status)
