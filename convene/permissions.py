"""Who may do what on the people side, as predicates composed with ``rules``.

Object-level checks take the convening. Fetch-and-authorize helpers (``access_*``) raise
Http404 for what the user may not even see, and PermissionDenied for what they see but may not
change.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404

from convene.models import Convening, Invitation, Membership, Role


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

rules.add_perm("convene.view_convening", can_view_convening)
rules.add_perm("convene.view_members", can_view_members)
rules.add_perm("convene.manage_convening", can_manage_convening)
rules.add_perm("convene.view_audit", can_view_audit)


def access_convening(user: Any, slug: str, *, manage: bool = False) -> Convening:
    """Fetch a convening the user may see (else 404); with ``manage``, one they organize
    (else 403)."""
    convening = Convening.objects.filter(slug=slug).first()
    if convening is None or not can_view_convening(user, convening):
        raise Http404("No such convening.")
    if manage and not can_manage_convening(user, convening):
        raise PermissionDenied("Only organizers of this convening may do this.")
    return convening


def access_members(user: Any, slug: str, *, manage: bool = False) -> Convening:
    convening = access_convening(user, slug, manage=manage)
    if not can_view_members(user, convening):
        raise PermissionDenied("Only members of this convening may see its members.")
    return convening


def access_membership(user: Any, slug: str, membership_id: int) -> Membership:
    convening = access_members(user, slug, manage=True)
    membership = (
        Membership.objects.filter(convening=convening, pk=membership_id)
        .select_related("convening", "user", "organization")
        .first()
    )
    if membership is None:
        raise Http404("No such member.")
    return membership


def access_invitation(user: Any, slug: str, invitation_id: int) -> Invitation:
    convening = access_members(user, slug, manage=True)
    invitation = Invitation.objects.filter(convening=convening, pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation
