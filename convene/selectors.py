"""Reads of the people side; each returns what its callers touch already joined."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from convene.audit import audit_verify, convening_chain_key
from convene.models import (
    ApiToken,
    AuditChain,
    AuditEvent,
    Convening,
    Invitation,
    Membership,
    Organization,
    User,
)


def convening_list(*, user: Any) -> QuerySet[Convening]:
    """Public convenings plus those the user belongs to."""
    visible = Q(visibility=Convening.Visibility.PUBLIC)
    if user is not None and user.is_authenticated:
        visible |= Q(memberships__user=user)
    return Convening.objects.filter(pk__in=Convening.objects.filter(visible).values("pk")).order_by(
        "-created_at", "-id"
    )


def member_list(*, convening: Convening) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(convening=convening)
        .select_related("user", "organization")
        .order_by("stakeholder_group", "organization__name", "user__display_name", "id")
    )


def member_search(
    *, convening: Convening, q: str = "", group: str = "", role: str = "", organization: int = 0
) -> QuerySet[Membership]:
    """``member_list`` narrowed to what the organizers' table asks for: ``q`` in the name, email
    or handle, and exact group, role and organization (empty or 0: any)."""
    members = member_list(convening=convening)
    if q:
        members = members.filter(
            Q(user__display_name__icontains=q)
            | Q(user__email__icontains=q)
            | Q(user__handle__icontains=q.lstrip("@"))
        )
    if group:
        members = members.filter(stakeholder_group=group)
    if role:
        members = members.filter(role=role)
    if organization:
        members = members.filter(organization_id=organization)
    return members


def member_organizations(*, convening: Convening) -> QuerySet[Organization]:
    """The organizations the convening's members belong to, for filtering its members."""
    return Organization.objects.filter(
        pk__in=Membership.objects.filter(convening=convening).values("organization_id")
    ).order_by("name", "id")


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
    """The convening's own chain, in order. Its other chains (a round's ballots) are read with
    what they belong to; only their heads are recorded here."""
    return (
        AuditEvent.objects.filter(chain__key=convening_chain_key(convening))
        .select_related("actor")
        .order_by("seq")
    )


def convening_cards(*, user: Any = None, besides: Any = None) -> QuerySet[Convening]:
    """Convenings with ``member_count`` annotated: the public ones (those ``besides`` does not
    belong to, when given), or with ``user``, the ones they belong to (private included). The
    membership filters are subqueries so that they do not share the join the count runs over."""
    if user is None:
        chosen = Convening.objects.filter(visibility=Convening.Visibility.PUBLIC)
        if besides is not None:
            chosen = chosen.exclude(
                pk__in=Membership.objects.filter(user=besides).values("convening_id")
            )
    else:
        chosen = Convening.objects.filter(
            pk__in=Membership.objects.filter(user=user).values("convening_id")
        )
    return chosen.annotate(member_count=Count("memberships")).order_by("-created_at", "-id")


def delegation_summary(*, convening: Convening) -> list[dict[str, Any]]:
    """Per role and stakeholder group, each organization with its member count; members with
    no organization are counted under ``organization__name`` None. No names of people."""
    rows: Any = (
        Membership.objects.filter(convening=convening)
        .values("role", "stakeholder_group", "organization__name", "organization__country")
        .annotate(count=Count("id"))
        .order_by("role", "stakeholder_group", "organization__name")
    )
    return list(rows)


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """``user``'s unexpired tokens, newest first (expired ones are never shown; the next
    sign-in deletes them)."""
    return ApiToken.objects.filter(user=user, expires_at__gt=timezone.now()).order_by(
        "-created_at", "-id"
    )


def api_token_for_key(*, key: str) -> ApiToken | None:
    """The unexpired token with this key, its user joined: the one query of token auth."""
    try:
        return ApiToken.objects.select_related("user").get(
            key_hash=ApiToken.hash_key(key), expires_at__gt=timezone.now()
        )
    except ApiToken.DoesNotExist:
        return None


def audit_status(*, convening: Convening) -> dict[str, Any]:
    """A convening's audit chain in one line: how many events, its head, and whether it holds.

    Verifying reads the whole chain, so the verdict is cached under the head it was reached for:
    a new event moves the head and the next reader verifies again; tampering that leaves the
    head in place is found when the cached verdict expires (an hour), or at once by
    ``manage.py audit_verify``, which never uses the cache.
    """
    chain = AuditChain.objects.get(key=convening_chain_key(convening))
    key = f"audit-status:{chain.key}:{chain.last_seq}:{chain.head_hash}"
    verdict = cache.get(key)
    if verdict is None:
        broken = audit_verify(chain)
        verdict = {"verified": broken is None, "broken_at": broken.seq if broken else None}
        cache.set(key, verdict, 3600)
    return {"events": chain.last_seq, "head": chain.head_hash, **verdict}
