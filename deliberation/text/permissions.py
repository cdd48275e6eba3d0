"""Who may do what to frameworks, clauses and proposals, and when: one predicate per action.

Each ``can_<action>`` answers a ``Verdict``: allowed, or refused with 404 (the framework is not
visible to the user), 403 (not their role, not their proposal) or 409 (the framework's status or
the object's state forbids it now; the gates in ``gates.py`` say which statuses). Services
enforce them, API and page views authorize with them through the ``access_*`` helpers, and the
pages draw their controls from them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

from django.http import Http404
from django.utils import timezone

from convene.models import Role
from convene.permissions import (
    ALLOW,
    Need,
    Verdict,
    can_view_convening,
    first_refusal,
    is_organizer,
    membership_of,
    refuse,
)
from deliberation.models import Alternative, Amendment, Clause, Framework
from deliberation.text import gates

ORGANIZERS_ONLY = "Only organizers of this convening may do this."
_CLOSED = {Clause.Status.ADOPTED, Clause.Status.REJECTED, Clause.Status.WITHDRAWN}


def can_view_framework(user: Any, framework: Framework) -> Verdict:
    if can_view_convening(user, framework.convening):
        return ALLOW
    return refuse(404, "No such framework.")


def _organizer(user: Any, framework: Framework, message: str = ORGANIZERS_ONLY) -> Verdict:
    return first_refusal(
        lambda: can_view_framework(user, framework),
        lambda: ALLOW if is_organizer(user, framework.convening) else refuse(403, message),
    )


def _gate(action: str, framework: Framework) -> Verdict:
    if gates.allowed(action, framework.status):
        return ALLOW
    return refuse(409, gates.refusal(action, framework.status))


def consultation_open(framework: Framework) -> Verdict:
    """Contributions close by themselves once the consultation's close time has passed."""
    closes = framework.consultation_closes_at
    if closes is None or timezone.now() < closes:
        return ALLOW
    return refuse(
        409, f"The consultation closed at {closes.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC."
    )


def clause_open(clause: Clause) -> Verdict:
    if clause.status in _CLOSED:
        return refuse(409, f"This clause is {clause.status}; its text can no longer change.")
    return ALLOW


def is_framework_organizer(user: Any, framework: Framework) -> bool:
    """Organizers see what only organizers see (hidden text, who wrote what)."""
    return bool(is_organizer(user, framework.convening))


def can_moderate_framework(user: Any, framework: Framework) -> Verdict:
    """Work through the framework's moderation queue."""
    return _organizer(user, framework)


def can_edit_framework(user: Any, framework: Framework) -> Verdict:
    return first_refusal(
        lambda: _organizer(user, framework), lambda: _gate("edit_framework", framework)
    )


def can_edit_clauses(user: Any, framework: Framework) -> Verdict:
    """Create, edit and reorder the framework's clauses."""
    return first_refusal(
        lambda: _organizer(user, framework), lambda: _gate("edit_clause", framework)
    )


def can_transition(user: Any, framework: Framework, to: str | None = None) -> Verdict:
    """Move the framework to status ``to`` (with ``to`` None: to any status it may reach)."""
    allowed = gates.TRANSITIONS.get(framework.status, ())

    def reachable() -> Verdict:
        if (to in allowed) if to is not None else bool(allowed):
            return ALLOW
        return refuse(409, gates.transition_refusal(framework.status, to or "another status"))

    return first_refusal(lambda: _organizer(user, framework), reachable)


def _proposer_role(user: Any, framework: Framework) -> Verdict:
    membership = membership_of(user, framework.convening)
    if membership is not None and membership.role in {Role.ORGANIZER, Role.PARTICIPANT}:
        return ALLOW
    return refuse(403, "Only participants and organizers may propose text.")


def can_propose(user: Any, clause: Clause) -> Verdict:
    """Propose an amendment or an alternative wording for the clause."""
    framework = clause.framework
    return first_refusal(
        lambda: can_view_framework(user, framework),
        lambda: _proposer_role(user, framework),
        lambda: _gate("propose", framework),
        lambda: consultation_open(framework),
        lambda: clause_open(clause),
    )


def _amendment_open(amendment: Amendment) -> Verdict:
    if amendment.status == Amendment.Status.OPEN:
        return ALLOW
    return refuse(409, f"This amendment is already {amendment.status}.")


def can_decide(user: Any, amendment: Amendment) -> Verdict:
    """Accept or reject the amendment."""
    framework = amendment.clause.framework
    return first_refusal(
        lambda: _organizer(user, framework, "Only organizers may accept or reject amendments."),
        lambda: _gate("decide", framework),
        lambda: _amendment_open(amendment),
    )


def can_accept(user: Any, amendment: Amendment) -> Verdict:
    """Accept the amendment: as deciding, and only while it applies to the clause's current
    version (else its author must rebase it first, so no one's text is silently overwritten)
    and the clause is still open."""
    clause = amendment.clause

    def current() -> Verdict:
        if amendment.base_version_id == clause.current_version_id:
            return ALLOW
        return refuse(
            409,
            f"This amendment was written against version {amendment.base_version.number}, "
            "but the clause has changed since; it must be rebased before it can be accepted.",
        )

    return first_refusal(lambda: can_decide(user, amendment), lambda: clause_open(clause), current)


def _author(user: Any, amendment: Amendment, verb: str) -> Verdict:
    if amendment.author_id is not None and amendment.author_id == getattr(user, "pk", None):
        return ALLOW
    return refuse(403, f"Only the author may {verb} an amendment.")


def can_withdraw_amendment(user: Any, amendment: Amendment) -> Verdict:
    framework = amendment.clause.framework
    return first_refusal(
        lambda: can_view_framework(user, framework),
        lambda: _author(user, amendment, "withdraw"),
        lambda: _gate("withdraw_proposal", framework),
        lambda: _amendment_open(amendment),
        lambda: off_open_ballots(framework, amendment_id=amendment.pk),
    )


def can_rebase(user: Any, amendment: Amendment) -> Verdict:
    """Move the amendment onto the clause's current version, optionally rewording it."""
    framework = amendment.clause.framework
    return first_refusal(
        lambda: can_view_framework(user, framework),
        lambda: _author(user, amendment, "rebase"),
        lambda: _gate("propose", framework),
        lambda: _amendment_open(amendment),
    )


def off_open_ballots(
    framework: Framework, *, clause_id: int | None = None, amendment_id: int | None = None
) -> Verdict:
    """A proposal on the ballot of an open voting round stays until the round closes: voters
    are ranking it (or voting on it) now. Rounds are open only while the framework votes."""
    from deliberation.models import Motion, VotingRound

    if framework.status != Framework.Status.VOTING:
        return ALLOW
    motions = Motion.objects.filter(round__status=VotingRound.Status.OPEN)
    if clause_id is not None:
        motions = motions.filter(clause_id=clause_id, kind=Motion.Kind.CHOOSE_ALTERNATIVE)
    elif amendment_id is not None:
        motions = motions.filter(amendment_id=amendment_id)
    if motions.exists():
        return refuse(409, "This is on the ballot of an open voting round; wait until it closes.")
    return ALLOW


def can_withdraw_alternative(user: Any, alternative: Alternative) -> Verdict:
    framework = alternative.clause.framework

    def proposer() -> Verdict:
        if alternative.proposer_id is not None and alternative.proposer_id == getattr(
            user, "pk", None
        ):
            return ALLOW
        return refuse(403, "Only the proposer may withdraw an alternative.")

    def still_open() -> Verdict:
        if alternative.status == Alternative.Status.OPEN:
            return ALLOW
        return refuse(409, f"This alternative is already {alternative.status}.")

    return first_refusal(
        lambda: can_view_framework(user, framework),
        proposer,
        lambda: _gate("withdraw_proposal", framework),
        still_open,
        lambda: off_open_ballots(framework, clause_id=alternative.clause_id),
    )


def can_resolve(user: Any, clause: Clause) -> Verdict:
    """Choose one of the clause's bracketed alternatives."""
    framework = clause.framework
    return first_refusal(
        lambda: _organizer(user, framework),
        lambda: _gate("decide", framework),
        lambda: clause_open(clause),
    )


# --- fetch and authorize ----------------------------------------------------------------------
def can_follow(user: Any, framework: Framework) -> Verdict:
    """Follow the framework or one of its clauses: any member, in any status."""
    return first_refusal(
        lambda: can_view_framework(user, framework),
        lambda: (
            ALLOW
            if membership_of(user, framework.convening) is not None
            else refuse(403, "Only members of this convening can follow its texts.")
        ),
    )


FRAMEWORK_NEEDS = {
    Need.VIEW: can_view_framework,
    Need.EDIT: can_edit_framework,
    Need.EDIT_CLAUSES: can_edit_clauses,
    Need.TRANSITION: can_transition,
    Need.MODERATE: can_moderate_framework,
    Need.FOLLOW: can_follow,
}
CLAUSE_NEEDS = {
    Need.VIEW: lambda user, clause: can_view_framework(user, clause.framework),
    Need.EDIT: lambda user, clause: can_edit_clauses(user, clause.framework),
    Need.PROPOSE: can_propose,
    Need.RESOLVE: can_resolve,
    Need.FOLLOW: lambda user, clause: can_follow(user, clause.framework),
}
AMENDMENT_NEEDS = {
    Need.VIEW: lambda user, amendment: can_view_framework(user, amendment.clause.framework),
    # Accepting adds state checks (409) to deciding; who may do it (403) is the same.
    Need.DECIDE: can_decide,
    Need.WITHDRAW: can_withdraw_amendment,
    Need.REBASE: can_rebase,
}
ALTERNATIVE_NEEDS = {
    Need.VIEW: lambda user, alternative: can_view_framework(user, alternative.clause.framework),
    Need.WITHDRAW: can_withdraw_alternative,
}


def access_framework(user: Any, slug: str, *, need: Need = Need.VIEW) -> Framework:
    """The framework, if the user may see it (else 404) and act as ``need`` says (else 403)."""
    framework = Framework.objects.select_related("convening").filter(slug=slug).first()
    if framework is None:
        raise_not_found("framework")
    FRAMEWORK_NEEDS[need](user, framework).authorize()
    return framework


def access_clause(user: Any, clause_id: int, *, need: Need = Need.VIEW) -> Clause:
    clause = (
        Clause.objects.select_related("framework__convening", "current_version")
        .filter(pk=clause_id)
        .first()
    )
    if clause is None:
        raise_not_found("clause")
    CLAUSE_NEEDS[need](user, clause).authorize()
    return clause


def access_amendment(user: Any, amendment_id: int, *, need: Need = Need.VIEW) -> Amendment:
    amendment = (
        Amendment.objects.select_related("clause__framework__convening", "base_version", "author")
        .filter(pk=amendment_id)
        .first()
    )
    if amendment is None:
        raise_not_found("amendment")
    AMENDMENT_NEEDS[need](user, amendment).authorize()
    return amendment


def access_alternative(user: Any, alternative_id: int, *, need: Need = Need.VIEW) -> Alternative:
    alternative = (
        Alternative.objects.select_related("clause__framework__convening")
        .filter(pk=alternative_id)
        .first()
    )
    if alternative is None:
        raise_not_found("alternative")
    ALTERNATIVE_NEEDS[need](user, alternative).authorize()
    return alternative


def raise_not_found(noun: str) -> NoReturn:
    raise Http404(f"No such {noun}.")
