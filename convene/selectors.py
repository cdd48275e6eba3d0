"""Reads of the people side; each returns what its callers touch already joined."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from convene.models import AuditEvent, Convening, Invitation, Membership, Organization, User


def convening_list(*, user: Any) -> QuerySet[Convening]:
    """Public convenings plus those the user belongs to."""
    visible = Q(visibility=Convening.Visibility.PUBLIC)
    if user is not None and user.is_authenticated:
        visible |= Q(memberships__user=user)
    return Convening.objects.filter(
        pk__in=Convening.objects.filter(visible).values("pk")
    ).order_by("-created_at", "-id")


def public_convening_list() -> QuerySet[Convening]:
    return Convening.objects.filter(visibility=Convening.Visibility.PUBLIC).order_by(
        "-created_at", "-id"
    )


def member_list(*, convening: Convening) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(convening=convening)
        .select_related("user", "organization")
        .order_by("stakeholder_group", "organization__name", "user__display_name", "id")
    )


def invitation_list(*, convening: Convening) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(convening=convening)
        .select_related("organization")
        .order_by("-created_at", "-id")
    )


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("convening", "organization")
        .order_by("convening__title", "id")
    )


def organization_list() -> QuerySet[Organization]:
    return Organization.objects.order_by("name", "id")


def audit_event_list(*, convening: Convening) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(convening=convening)
        .select_related("actor")
        .order_by("seq")
    )
