"""Who may do what on the people side, as predicates composed with ``rules``.

Object-level checks take the convening. Fetch-and-authorize helpers (``access_*``) raise
Http404 for what the user may not even see, and PermissionDenied for what they see but may not
change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404

from convene.errors import Conflict, DomainError, Refused
from convene.models import Convening, Invitation, Membership, Role


@dataclass(frozen=True)
class Verdict:
    """The answer of a ``can_<action>`` predicate: allowed, or refused with the HTTP status the
    interfaces answer (404 for what the user may not see, 403 for what is not theirs to do, 409
    for what the current state forbids) and a message that says why.

    Truthy when allowed, so pages and templates can draw a control with ``{% if can.flag %}``.
    """

    status: int = 200
    message: str = ""
    # The input field the refusal is about, when there is one (shown next to it).
    field: str | None = None

    def __bool__(self) -> bool:
        return self.status == 200

    def enforce(self, *, field: str | None = None) -> None:
        """For services: refuse with the domain error the API maps to this status (Refused
        for 403, Conflict for 409)."""
        if self:
            return
        error_type = {403: Refused, 409: Conflict}.get(self.status, DomainError)
        raise error_type(self.message, field=field or self.field, status=self.status)

    def authorize(self) -> None:
        """For fetch-and-authorize helpers: who may act (404, 403), as Django's exceptions.

        A refusal by state (409) passes here on purpose: the request's input is validated first
        (400), and the service then enforces the same predicate.
        """
        if self.status == 404:
            raise Http404(self.message)
        if self.status == 403:
            raise PermissionDenied(self.message)


ALLOW = Verdict()


def refuse(status: int, message: str, *, field: str | None = None) -> Verdict:
    return Verdict(status, message, field)


def first_refusal(*checks: Callable[[], Verdict]) -> Verdict:
    """The first refusal among ``checks``, evaluated in order (who before when), else ALLOW."""
    for check in checks:
        verdict = check()
        if not verdict:
            return verdict
    return ALLOW


class Need(StrEnum):
    """What a caller needs to do with the object an ``access_*`` helper fetches."""

    VIEW = "view"
    MANAGE = "manage"
    EDIT = "edit"
    EDIT_CLAUSES = "edit_clauses"
    TRANSITION = "transition"
    PROPOSE = "propose"
    DECIDE = "decide"
    WITHDRAW = "withdraw"
    REBASE = "rebase"
    RESOLVE = "resolve"
    COMMENT = "comment"
    REPLY = "reply"
    REACT = "react"
    FLAG = "flag"
    MODERATE = "moderate"
    DISPOSE = "dispose"
    DELETE = "delete"
    RUN = "run"
    VOTE = "vote"
    FOLLOW = "follow"


def membership_of(user: Any, convening: Convening) -> Membership | None:
    """The user's membership, cached on the user object for the length of the request."""
    if user is None or not user.is_authenticated:
        return None
    cache: dict[int, Membership | None] = user.__dict__.setdefault("_membership_cache", {})
    if convening.pk not in cache:
        cache[convening.pk] = (
            Membership.objects.filter(convening=convening, user=user)
            .select_related("organization")
            .first()
        )
    return cache[convening.pk]


@rules.predicate
def is_member(user: Any, convening: Convening) -> bool:
    return membership_of(user, convening) is not None


@rules.predicate
def is_organizer(user: Any, convening: Convening) -> bool:
    membership = membership_of(user, convening)
    return membership is not None and membership.role == Role.ORGANIZER


@rules.predicate
def is_public(user: Any, convening: Convening) -> bool:
    return convening.is_public


can_view_convening = is_public | is_member
can_view_members = is_member
can_manage_convening = is_organizer
can_view_audit = is_public | is_member


ORGANIZERS_ONLY = "Only organizers of this convening may do this."


def can_see_convening(user: Any, convening: Convening) -> Verdict:
    if can_view_convening(user, convening):
        return ALLOW
    return refuse(404, "No such convening.")


def can_manage(user: Any, convening: Convening) -> Verdict:
    """Organize the convening: its members, invitations, settings and frameworks."""
    return first_refusal(
        lambda: can_see_convening(user, convening),
        lambda: ALLOW if is_organizer(user, convening) else refuse(403, ORGANIZERS_ONLY),
    )


def can_see_members(user: Any, convening: Convening) -> Verdict:
    return first_refusal(
        lambda: can_see_convening(user, convening),
        lambda: (
            ALLOW
            if is_member(user, convening)
            else refuse(403, "Only members of this convening may see its members.")
        ),
    )


def can_view_member_pages(user: Any, convening: Convening) -> Verdict:
    """See members' own pages (group, organization, what they said) and the links to them.

    They tie people to what they said, so they follow the convening's attribution: organizers
    always; other members only under named attribution (under group attribution, Chatham House,
    nobody else may learn who said what). Everyone else is told there is no such page (404),
    which reveals neither the member nor the convening.
    """
    if is_organizer(user, convening):
        return ALLOW
    named = convening.attribution == Convening.Attribution.NAMED
    if named and is_member(user, convening):
        return ALLOW
    return refuse(404, "No such member.")


def can_view_member(user: Any, membership: Membership) -> Verdict:
    """One member's page: the convening's rule for member pages (``can_view_member_pages``)."""
    return can_view_member_pages(user, membership.convening)


CONVENING_NEEDS = {Need.VIEW: can_see_convening, Need.MANAGE: can_manage}
MEMBERS_NEEDS = {Need.VIEW: can_see_members, Need.MANAGE: can_manage}


def access_convening(user: Any, slug: str, *, need: Need = Need.VIEW) -> Convening:
    """The convening, if the user may see it (else 404) and, with ``Need.MANAGE``, organizes
    it (else 403)."""
    convening = Convening.objects.filter(slug=slug).first()
    if convening is None:
        raise Http404("No such convening.")
    CONVENING_NEEDS[need](user, convening).authorize()
    return convening


def access_members(user: Any, slug: str, *, need: Need = Need.VIEW) -> Convening:
    """The convening whose member list the user may read (members) or manage (organizers)."""
    convening = Convening.objects.filter(slug=slug).first()
    if convening is None:
        raise Http404("No such convening.")
    MEMBERS_NEEDS[need](user, convening).authorize()
    return convening


def access_membership(user: Any, slug: str, membership_id: int) -> Membership:
    convening = access_members(user, slug, need=Need.MANAGE)
    membership = (
        Membership.objects.filter(convening=convening, pk=membership_id)
        .select_related("convening", "user", "organization")
        .first()
    )
    if membership is None:
        raise Http404("No such member.")
    return membership


def access_member(user: Any, slug: str, handle: str) -> Membership:
    """The membership of the user with ``handle`` in the convening, if the reader may see
    member pages there; 404 otherwise, as for a handle that is no member."""
    membership = (
        Membership.objects.filter(convening__slug=slug, user__handle=handle)
        .select_related("convening", "user", "organization")
        .first()
    )
    if membership is None:
        raise Http404("No such member.")
    if not can_view_member(user, membership):
        raise Http404("No such member.")
    return membership


def access_invitation(user: Any, slug: str, invitation_id: int) -> Invitation:
    convening = access_members(user, slug, need=Need.MANAGE)
    invitation = Invitation.objects.filter(convening=convening, pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation
