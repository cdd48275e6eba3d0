"""Every write on the people side. Keyword-only arguments, one transaction each, an audit event
for each change, ``DomainError`` for anything refused. Callers check access first
(``convene.permissions``); services enforce the domain's own invariants."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django_countries import countries

from convene import hashchain
from convene.audit import audit_append
from convene.errors import Conflict, DomainError, Gone, Refused
from convene.models import (
    AuditChain,
    Convening,
    EmailOutbox,
    Invitation,
    Membership,
    Organization,
    Role,
    StakeholderGroup,
    User,
)


def _validate_password(password: str, user: User | None = None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc


def user_create(*, email: str, password: str, display_name: str) -> User:
    email = User.objects.normalize_email(email).strip().lower()
    display_name = display_name.strip()
    if not display_name:
        raise DomainError("A display name is required.", field="display_name")
    if User.objects.filter(email=email).exists():
        raise Conflict("An account with this email address already exists.", field="email")
    _validate_password(password, User(email=email, display_name=display_name))
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, password=password, display_name=display_name
            )
            audit_append(convening=None, actor=user, verb="user.created", target=user)
    except IntegrityError as exc:
        # A simultaneous sign-up with the same address won; the unique index decided.
        raise Conflict("An account with this email address already exists.", field="email") from exc
    return user


def organization_create(*, actor: User, name: str, kind: str, country: str) -> Organization:
    name = name.strip()
    country = country.strip().upper()
    if not name:
        raise DomainError("A name is required.", field="name")
    if kind not in Organization.Kind.values:
        raise DomainError(f"Unknown kind {kind!r}.", field="kind")
    if country not in countries:
        raise DomainError(
            f"{country!r} is not an ISO 3166-1 alpha-2 country code.", field="country"
        )
    duplicate = "This organization already exists in that country."
    try:
        with transaction.atomic():
            if Organization.objects.filter(name__iexact=name, country=country).exists():
                raise Conflict(duplicate, field="name")
            org = Organization.objects.create(name=name, kind=kind, country=country)
            audit_append(
                convening=None,
                actor=actor,
                verb="organization.created",
                target=org,
                payload={"name": name, "kind": kind, "country": country},
            )
    except IntegrityError as exc:
        # The check above misses a simultaneous create; the unique constraint catches it.
        raise Conflict(duplicate, field="name") from exc
    return org


def _unique_slug(title: str) -> str:
    base = slugify(title)[:60].strip("-") or "convening"
    slug, n = base, 2
    while Convening.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def convening_create(
    *,
    actor: User,
    title: str,
    description: str = "",
    visibility: str = Convening.Visibility.PUBLIC,
    slug: str | None = None,
) -> Convening:
    """Create a convening with ``actor`` as its first organizer, and open its audit chain."""
    title = title.strip()
    if not title:
        raise DomainError("A title is required.", field="title")
    if visibility not in Convening.Visibility.values:
        raise DomainError(f"Unknown visibility {visibility!r}.", field="visibility")
    if slug is not None:
        slug = slug.strip().lower()
        if slug != slugify(slug) or not slug:
            raise DomainError("Use lower-case letters, digits and hyphens.", field="slug")
    try:
        with transaction.atomic():
            if slug and Convening.objects.filter(slug=slug).exists():
                raise Conflict("This slug is taken.", field="slug")
            convening = Convening.objects.create(
                slug=slug or _unique_slug(title),
                title=title,
                description=description,
                visibility=visibility,
                created_by=actor,
            )
            AuditChain.objects.create(
                key=f"convening:{convening.pk}", convening=convening, head_hash=hashchain.GENESIS
            )
            audit_append(
                convening=convening,
                actor=actor,
                verb="convening.created",
                target=convening,
                payload={"title": title, "visibility": visibility, "slug": convening.slug},
            )
            membership = Membership.objects.create(
                convening=convening, user=actor, role=Role.ORGANIZER
            )
            audit_append(
                convening=convening,
                actor=actor,
                verb="membership.created",
                target=membership,
                payload=_membership_payload(membership),
            )
    except IntegrityError as exc:
        raise Conflict("This slug is taken.", field="slug") from exc
    return convening


def convening_update(*, actor: User, convening: Convening, **changes: Any) -> Convening:
    allowed = {"title", "description", "visibility"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(f"Cannot change {', '.join(sorted(unknown))}.")
    if "title" in changes:
        changes["title"] = changes["title"].strip()
        if not changes["title"]:
            raise DomainError("A title is required.", field="title")
    if "visibility" in changes and changes["visibility"] not in Convening.Visibility.values:
        raise DomainError(f"Unknown visibility {changes['visibility']!r}.", field="visibility")
    with transaction.atomic():
        convening = Convening.objects.select_for_update().get(pk=convening.pk)
        changed = {k: v for k, v in changes.items() if getattr(convening, k) != v}
        if not changed:
            return convening
        for key, value in changed.items():
            setattr(convening, key, value)
        convening.save(update_fields=list(changed))
        audit_append(
            convening=convening,
            actor=actor,
            verb="convening.updated",
            target=convening,
            payload={"changed": changed},
        )
    return convening


def _membership_payload(m: Membership) -> dict[str, Any]:
    return {
        "user": m.user_id,
        "role": m.role,
        "stakeholder_group": m.stakeholder_group,
        "organization": m.organization_id,
        "head_of_delegation": m.head_of_delegation,
    }


def _check_member_fields(
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
    ).exclude(pk=exclude)
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
    _check_member_fields(
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
                payload=_membership_payload(membership),
            )
    except IntegrityError as exc:
        raise Conflict("This membership conflicts with an existing one.") from exc
    return membership


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
            _check_member_fields(
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
            before = _membership_payload(membership)
            for key, value in merged.items():
                setattr(membership, key, value)
            membership.save()
            after = _membership_payload(membership)
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
            payload=_membership_payload(membership),
        )
        membership.delete()


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
    _check_member_fields(
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
        _validate_password(password, User(email=invitation.email, display_name=display_name or ""))
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
                payload={"membership": membership.pk, **_membership_payload(membership)},
            )
    except IntegrityError as exc:
        raise Gone("This invitation has already been used.") from exc
    return membership
