"""Memberships: add, change, remove; the last organizer stays."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from convene.audit import audit_append
from convene.errors import Conflict, DomainError
from convene.models import (
    Convening,
    Membership,
    Organization,
    Role,
    StakeholderGroup,
    User,
)


def membership_payload(membership: Membership) -> dict[str, Any]:
    return {
        "user": membership.user_id,
        "role": membership.role,
        "stakeholder_group": membership.stakeholder_group,
        "organization": membership.organization_id,
        "head_of_delegation": membership.head_of_delegation,
    }


def check_member_fields(
    *, role: str, stakeholder_group: str, organization: Organization | None, head: bool
) -> None:
    if role not in Role.values:
        raise DomainError(f"Unknown role {role!r}.", field="role")
    if stakeholder_group and stakeholder_group not in StakeholderGroup.values:
        raise DomainError(
            f"Unknown stakeholder group {stakeholder_group!r}.", field="stakeholder_group"
        )
    if role == Role.PARTICIPANT and not stakeholder_group:
        raise DomainError("Participants need a stakeholder group.", field="stakeholder_group")
    if head and organization is None:
        raise DomainError("A head of delegation needs an organization.", field="head_of_delegation")


def _check_one_head(
    convening: Convening, organization: Organization | None, exclude: int | None
) -> None:
    heads = Membership.objects.filter(
        convening=convening, organization=organization, head_of_delegation=True
    )
    if exclude is not None:
        heads = heads.exclude(pk=exclude)
    if heads.exists():
        raise Conflict(
            "This organization already has a head of delegation here.", field="head_of_delegation"
        )


def member_add(
    *,
    actor: User,
    convening: Convening,
    user: User,
    role: str,
    stakeholder_group: str = "",
    organization: Organization | None = None,
    head_of_delegation: bool = False,
) -> Membership:
    check_member_fields(
        role=role,
        stakeholder_group=stakeholder_group,
        organization=organization,
        head=head_of_delegation,
    )
    try:
        with transaction.atomic():
            if Membership.objects.filter(convening=convening, user=user).exists():
                raise Conflict("This person is already a member.", field="email")
            if head_of_delegation:
                _check_one_head(convening, organization, None)
            membership = Membership.objects.create(
                convening=convening,
                user=user,
                role=role,
                stakeholder_group=stakeholder_group,
                organization=organization,
                head_of_delegation=head_of_delegation,
            )
            audit_append(
                convening=convening,
                actor=actor,
                verb="membership.created",
                target=membership,
                payload=membership_payload(membership),
            )
            _tell_added(membership, actor)
    except IntegrityError as exc:
        raise Conflict("This membership conflicts with an existing one.") from exc
    return membership


def _tell_added(membership: Membership, actor: User) -> None:
    """A verified account added directly gets no invitation mail: this item (and its mail, by
    the member's preference for invitations) is how they learn of it."""
    from django.urls import reverse

    from convene.notifications.inbox import Notice, notify
    from convene.notifications.models import Category

    convening = membership.convening
    role = Role(membership.role).label.lower()
    notice = Notice(
        event=f"membership.created:{membership.pk}",
        verb="membership.created",
        title=f"You were added to {' '.join(convening.title.split())} as {role}",
        target_url=reverse("convening_detail", args=[convening.slug]),
        convening_id=convening.pk,
        actor_name=actor.display_name or f"@{actor.handle}",
        actor_handle=actor.handle or "",
    )
    notify(notice, {membership.user_id: Category.INVITATIONS}, exclude=actor.pk)


def _lock_organizers(convening: Convening) -> int:
    """Lock the convening row and count its organizers.

    Two organizers demoting each other at once would otherwise both see "another organizer
    remains" and leave the convening with none.
    """
    Convening.objects.select_for_update().filter(pk=convening.pk).first()
    return Membership.objects.filter(convening=convening, role=Role.ORGANIZER).count()


def member_update(*, actor: User, membership: Membership, **changes: Any) -> Membership:
    allowed = {"role", "stakeholder_group", "organization", "head_of_delegation"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(f"Cannot change {', '.join(sorted(unknown))}.")
    try:
        with transaction.atomic():
            organizers = _lock_organizers(membership.convening)
            membership = Membership.objects.select_for_update().get(pk=membership.pk)
            merged = {key: changes.get(key, getattr(membership, key)) for key in allowed}
            check_member_fields(
                role=merged["role"],
                stakeholder_group=merged["stakeholder_group"],
                organization=merged["organization"],
                head=merged["head_of_delegation"],
            )
            if (
                membership.role == Role.ORGANIZER
                and merged["role"] != Role.ORGANIZER
                and organizers <= 1
            ):
                raise Conflict(
                    "The last organizer cannot step down; add another organizer first.",
                    field="role",
                )
            if merged["head_of_delegation"]:
                _check_one_head(membership.convening, merged["organization"], membership.pk)
            before = membership_payload(membership)
            for key, value in merged.items():
                setattr(membership, key, value)
            membership.save()
            after = membership_payload(membership)
            if before != after:
                audit_append(
                    convening=membership.convening,
                    actor=actor,
                    verb="membership.updated",
                    target=membership,
                    payload={"before": before, "after": after},
                )
    except IntegrityError as exc:
        raise Conflict("This change conflicts with another membership.") from exc
    return membership


def member_remove(*, actor: User, membership: Membership) -> None:
    with transaction.atomic():
        organizers = _lock_organizers(membership.convening)
        if membership.role == Role.ORGANIZER and organizers <= 1:
            raise Conflict("The last organizer cannot be removed.")
        audit_append(
            convening=membership.convening,
            actor=actor,
            verb="membership.removed",
            target=membership,
            payload=membership_payload(membership),
        )
        membership.delete()
