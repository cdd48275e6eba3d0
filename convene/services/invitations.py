"""Invitations by email: create, revoke, accept; and adding a member by address, which
invites unless the address belongs to an account that has proved it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from convene.audit import audit_append
from convene.errors import Conflict, DomainError, Gone, Refused
from convene.models import (
    Convening,
    Invitation,
    Membership,
    Organization,
    User,
)
from convene.notifications.services import outbox_enqueue
from convene.plaintext import clean_single_line
from convene.services.accounts import (
    email_address_verify,
    email_verified_account,
    validate_password,
)
from convene.services.members import check_member_fields, member_add, membership_payload

OPEN_INVITATION_EXISTS = "A pending invitation for this address exists; revoke it first."


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_not_invited(convening: Convening, email: str, now: datetime) -> None:
    if Membership.objects.filter(convening=convening, user__email=email).exists():
        raise Conflict("This person is already a member.", field="email")
    pending = Invitation.objects.filter(
        convening=convening,
        email__iexact=email,
        accepted_at=None,
        revoked_at=None,
        expires_at__gt=now,
    )
    if pending.exists():
        raise Conflict(OPEN_INVITATION_EXISTS, field="email")


def _retire_expired(convening: Convening, email: str, now: datetime) -> list[Invitation]:
    """Retire the address's invitations that are past their date but were never used or
    revoked, so that ``convene_invitation_one_open_per_address`` admits a new one. Revoked at
    ``now``, after their expiry, they still read as expired. Locked: two invitations of the
    address at once must not both retire (and audit) the same row."""
    stale = list(
        Invitation.objects.select_for_update().filter(
            convening=convening,
            email__iexact=email,
            accepted_at=None,
            revoked_at=None,
            expires_at__lte=now,
        )
    )
    Invitation.objects.filter(pk__in=[i.pk for i in stale]).update(revoked_at=now)
    return stale


def _invitation_mail(*, invitation: Invitation, token: str, inviter: User) -> None:
    context = {
        "invitation": invitation,
        "convening": invitation.convening,
        "inviter": inviter,
        "accept_url": f"{settings.SITE_URL}/invitations/{token}/",
    }
    outbox_enqueue(
        to=invitation.email,
        # One line whatever was stored before titles were checked: a header can't be split.
        subject=f"Invitation to {' '.join(invitation.convening.title.split())} on Convene",
        body=render_to_string("convene/email/invitation.txt", context),
    )


# Long on purpose: one transaction whose checks (who, input, the open-invitation constraint) and
# writes (row, audit, outbox) must stay in this order to read as the contract they are.
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
    try:
        with transaction.atomic():
            now = timezone.now()
            _check_not_invited(convening, email, now)
            retired = _retire_expired(convening, email, now)
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
            for old in retired:
                audit_append(
                    convening=convening,
                    actor=actor,
                    verb="invitation.retired",
                    target=old,
                    payload={"replaced_by": invitation.pk},
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
            _invitation_mail(invitation=invitation, token=token, inviter=actor)
    except IntegrityError as exc:
        # A simultaneous invitation of the same address won: the check above can't see an
        # uncommitted row, the constraint convene_invitation_one_open_per_address can.
        raise Conflict(OPEN_INVITATION_EXISTS, field="email") from exc
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


def invitation_for_token(token: str, *, lock: bool = False) -> Invitation:
    """The invitation a token opens, or Gone with the reason it can't be used. With ``lock``
    (inside a transaction) its row stays locked until the transaction ends."""
    invitations = Invitation.objects.select_related("convening", "organization")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(token_hash=token_hash(token)).first()
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


def _wrong_account(invitation: Invitation, user: User) -> Refused:
    return Refused(f"This invitation is for {invitation.email}; you are signed in as {user.email}.")


def _check_accepting_account(
    invitation: Invitation,
    existing: User | None,
    user: User | None,
    password: str | None,
    display_name: str | None,
) -> None:
    """The accepting side must be the account the invitation names, signed in; or, when that
    account doesn't exist yet, a visitor choosing a valid password and a display name."""
    signed_in = user if user is not None and user.is_authenticated else None
    if existing is not None:
        if signed_in is None:
            raise Refused(f"An account for {invitation.email} exists: sign in as it to accept.")
        if signed_in.pk != existing.pk:
            raise _wrong_account(invitation, signed_in)
        return
    if signed_in is not None:
        raise _wrong_account(invitation, signed_in)
    if not password:
        raise DomainError("Choose a password for your new account.", field="password")
    if not clean_single_line(display_name or "", field="display_name"):
        raise DomainError("A display name is required.", field="display_name")
    validate_password(password, User(email=invitation.email, display_name=display_name or ""))


def _claim(invitation: Invitation, user: User, now: datetime) -> None:
    """Mark the invitation used by ``user``; must hold its row lock. The conditional UPDATE
    backs the lock: of two acceptances only one can match ``accepted_at=None``."""
    claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at=None, revoked_at=None).update(
        accepted_at=now, accepted_by=user
    )
    if claimed != 1:
        raise Gone("This invitation has already been used.")


def _membership_from(invitation: Invitation, user: User) -> Membership:
    if Membership.objects.filter(convening=invitation.convening, user=user).exists():
        raise Conflict("You are already a member of this convening.")
    membership = Membership.objects.create(
        convening=invitation.convening,
        user=user,
        role=invitation.role,
        stakeholder_group=invitation.stakeholder_group,
        organization=invitation.organization,
    )
    audit_append(
        convening=invitation.convening,
        actor=user,
        verb="invitation.accepted",
        target=invitation,
        payload={"membership": membership.pk, **membership_payload(membership)},
    )
    return membership


def invitation_accept(
    *,
    token: str,
    user: User | None = None,
    password: str | None = None,
    display_name: str | None = None,
) -> Membership:
    """Accept an invitation: as the signed-in ``user`` whose email it names, or, when no
    account has that email, by creating one (the token proves the address).

    Single-use even under concurrent submissions: everything is decided holding the
    invitation's row lock, so a second acceptance waits and then finds it used (410), whatever
    the first one created meanwhile; the claim is also a conditional update.
    """
    try:
        with transaction.atomic():
            invitation = invitation_for_token(token, lock=True)
            existing = User.objects.filter(email=invitation.email).first()
            _check_accepting_account(invitation, existing, user, password, display_name)
            now = timezone.now()
            if existing is None:
                existing = User.objects.create_user(
                    email=invitation.email,
                    password=password,
                    display_name=(display_name or "").strip(),
                )
                audit_append(convening=None, actor=existing, verb="user.created", target=existing)
            _claim(invitation, existing, now)
            # The token came to this address: the account has proved it (and may sign in
            # under mandatory verification, and be added by address from now on).
            email_address_verify(user=existing)
            membership = _membership_from(invitation, existing)
    except IntegrityError as exc:
        raise Gone("This invitation has already been used.") from exc
    return membership


# Long on purpose: it must answer alike whether or not an account has the address (enumeration),
# and the two branches share their checks; split, the sameness would be harder to see.
def member_add_by_email(
    *,
    actor: User,
    convening: Convening,
    email: str,
    role: str,
    stakeholder_group: str = "",
    organization: Organization | None = None,
    head_of_delegation: bool = False,
) -> Membership | Invitation:
    """Add the account that has proved ``email`` (a verified address) as a member; invite any
    other address, which accepting the mailed link proves.

    Anyone can sign up under any address, so an unverified account is never linked: that would
    let an impostor of minister@gov.example into a private convening. And the answer for an
    address without a verified account is the same whether some account has it or not, so
    adding members doesn't tell who has signed up.
    """
    email = User.objects.normalize_email(email).strip().lower()
    check_member_fields(
        role=role,
        stakeholder_group=stakeholder_group,
        organization=organization,
        head=head_of_delegation,
    )
    user = email_verified_account(email)
    if user is not None:
        return member_add(
            actor=actor,
            convening=convening,
            user=user,
            role=role,
            stakeholder_group=stakeholder_group,
            organization=organization,
            head_of_delegation=head_of_delegation,
        )
    if head_of_delegation:
        raise DomainError(
            "This address is invited rather than added, and an invitation can't make a head "
            "of delegation: send it without, and set it once they have joined.",
            field="head_of_delegation",
        )
    invitation, _token = invitation_create(
        actor=actor,
        convening=convening,
        email=email,
        role=role,
        stakeholder_group=stakeholder_group,
        organization=organization,
    )
    return invitation
