"""Invitations by email: create, revoke, accept; the mail outbox."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from convene.audit import audit_append
from convene.errors import Conflict, DomainError, Gone, Refused
from convene.models import (
    Convening,
    EmailOutbox,
    Invitation,
    Membership,
    Organization,
    User,
)
from convene.services.accounts import validate_password
from convene.services.members import check_member_fields, membership_payload


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def email_enqueue(*, to: str, subject: str, body: str) -> EmailOutbox:
    """Write a mail to the outbox; it is sent by a task once the transaction commits."""
    from convene.tasks import email_send

    message = EmailOutbox.objects.create(to=to, subject=subject, body=body)
    transaction.on_commit(lambda: email_send.delay(message.pk))
    return message


def invitation_create(
    *,
    actor: User,
    convening: Convening,
    email: str,
    role: str,
    stakeholder_group: str = "",
    organization: Organization | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation and queue its email. Returns the invitation and the raw token,
    which exists only in the email (and this return value)."""
    email = User.objects.normalize_email(email).strip().lower()
    check_member_fields(
        role=role, stakeholder_group=stakeholder_group, organization=organization, head=False
    )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        if Membership.objects.filter(convening=convening, user__email=email).exists():
            raise Conflict("This person is already a member.", field="email")
        now = timezone.now()
        pending = Invitation.objects.filter(
            convening=convening, email=email, accepted_at=None, revoked_at=None, expires_at__gt=now
        )
        if pending.exists():
            raise Conflict(
                "A pending invitation for this address exists; revoke it first.", field="email"
            )
        invitation = Invitation.objects.create(
            convening=convening,
            email=email,
            role=role,
            stakeholder_group=stakeholder_group,
            organization=organization,
            token_hash=token_hash(token),
            invited_by=actor,
            expires_at=now + settings.INVITATION_TTL,
        )
        audit_append(
            convening=convening,
            actor=actor,
            verb="invitation.created",
            target=invitation,
            # No address here: a public convening's audit record is public.
            payload={
                "role": role,
                "stakeholder_group": stakeholder_group,
                "organization": organization.pk if organization else None,
                "expires_at": invitation.expires_at.isoformat(),
            },
        )
        context = {
            "invitation": invitation,
            "convening": convening,
            "inviter": actor,
            "accept_url": f"{settings.SITE_URL}/invitations/{token}/",
        }
        email_enqueue(
            to=email,
            subject=f"Invitation to {convening.title} on Convene",
            body=render_to_string("convene/email/invitation.txt", context),
        )
    return invitation, token


def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        status = invitation.status
        if status != Invitation.Status.PENDING:
            raise Conflict(f"This invitation is already {status}.")
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_append(
            convening=invitation.convening,
            actor=actor,
            verb="invitation.revoked",
            target=invitation,
        )
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The invitation a token opens, or Gone with the reason it can't be used."""
    invitation = (
        Invitation.objects.select_related("convening", "organization")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise DomainError("This invitation link is not valid.", status=404)
    status = invitation.status
    if status == Invitation.Status.ACCEPTED:
        raise Gone("This invitation has already been used.")
    if status == Invitation.Status.REVOKED:
        raise Gone("This invitation was revoked by an organizer.")
    if status == Invitation.Status.EXPIRED:
        raise Gone("This invitation has expired; ask an organizer for a new one.")
    return invitation


def invitation_accept(
    *,
    token: str,
    user: User | None = None,
    password: str | None = None,
    display_name: str | None = None,
) -> Membership:
    """Accept an invitation: as the signed-in ``user`` whose email it names, or, when no
    account has that email, by creating one (the token proves the address).

    Single-use even under concurrent submissions: the invitation row is locked and the claim
    is a conditional update.
    """
    invitation = invitation_for_token(token)
    existing = User.objects.filter(email=invitation.email).first()
    if existing is not None:
        if user is None or not user.is_authenticated:
            raise Refused(f"An account for {invitation.email} exists: sign in as it to accept.")
        if user.pk != existing.pk:
            raise Refused(
                f"This invitation is for {invitation.email}; you are signed in as {user.email}."
            )
    else:
        if user is not None and user.is_authenticated:
            raise Refused(
                f"This invitation is for {invitation.email}; you are signed in as {user.email}."
            )
        if not password:
            raise DomainError("Choose a password for your new account.", field="password")
        if not (display_name or "").strip():
            raise DomainError("A display name is required.", field="display_name")
        validate_password(password, User(email=invitation.email, display_name=display_name or ""))
    try:
        with transaction.atomic():
            locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
            now = timezone.now()
            if locked.status_at(now) != Invitation.Status.PENDING:
                raise Gone("This invitation has already been used.")
            if existing is None:
                existing = User.objects.create_user(
                    email=invitation.email,
                    password=password,
                    display_name=(display_name or "").strip(),
                )
                audit_append(convening=None, actor=existing, verb="user.created", target=existing)
            claimed = Invitation.objects.filter(
                pk=invitation.pk, accepted_at=None, revoked_at=None
            ).update(accepted_at=now, accepted_by=existing)
            if claimed != 1:
                raise Gone("This invitation has already been used.")
            if Membership.objects.filter(convening=locked.convening, user=existing).exists():
                raise Conflict("You are already a member of this convening.")
            membership = Membership.objects.create(
                convening=locked.convening,
                user=existing,
                role=locked.role,
                stakeholder_group=locked.stakeholder_group,
                organization=locked.organization,
            )
            audit_append(
                convening=locked.convening,
                actor=existing,
                verb="invitation.accepted",
                target=locked,
                payload={"membership": membership.pk, **membership_payload(membership)},
            )
    except IntegrityError as exc:
        raise Gone("This invitation has already been used.") from exc
    return membership
