"""Accounts and organizations."""

from __future__ import annotations

import re

from allauth.account.models import EmailAddress
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_countries import countries

from convene.audit import audit_append
from convene.errors import Conflict, DomainError
from convene.models import (
    Organization,
    User,
)
from convene.plaintext import clean_single_line


def validate_password(password: str, user: User | None = None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc


def email_verified_account(email: str) -> User | None:
    """The account that has proved ``email`` (allauth's verified EmailAddress), if any. An
    account merely signed up under the address does not count: anyone can type any address."""
    address = (
        EmailAddress.objects.filter(email__iexact=email, verified=True)
        .select_related("user")
        .first()
    )
    return address.user if address is not None else None


def has_verified_email(user: User) -> bool:
    """Whether ``user`` has proved their own address, as allauth's mandatory verification asks
    before a page sign-in; the API's token sign-in asks the same."""
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def email_address_verify(*, user: User) -> None:
    """Record that ``user`` has proved their address (``user.email``): they accepted an
    invitation mailed to it, or they are a seeded demo account. Idempotent. Left unverified
    when another account has proved the same address, which allauth's unique index forbids."""
    others = EmailAddress.objects.filter(email__iexact=user.email, verified=True).exclude(user=user)
    with transaction.atomic():
        if others.exists():
            return
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is None:
            address = EmailAddress(user=user, email=user.email)
        if address.verified and address.primary:
            return
        address.verified = True
        # The account's own address is its primary one, unless allauth already made another so.
        address.primary = not (
            EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).exists()
        )
        address.save()


def user_create(*, email: str, password: str, display_name: str) -> User:
    email = User.objects.normalize_email(email).strip().lower()
    display_name = clean_single_line(display_name, field="display_name")
    if not display_name:
        raise DomainError("A display name is required.", field="display_name")
    if User.objects.filter(email=email).exists():
        raise Conflict("An account with this email address already exists.", field="email")
    validate_password(password, User(email=email, display_name=display_name))
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
    name = clean_single_line(name, field="name")
    country = clean_single_line(country, field="country").upper()
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


# A handle as @mentions find it (convene.text) and sign-up makes it (slugify keeps "_"): lower-case
# ASCII letters, digits, underscores and inner hyphens.
HANDLE = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,38}[a-z0-9_])?")
HANDLE_TAKEN = "This handle is taken; choose another."


def _clean_handle(handle: str) -> str:
    handle = clean_single_line(handle, field="handle").lstrip("@").lower()
    if not HANDLE.fullmatch(handle):
        raise DomainError(
            "A handle is 1 to 40 lower-case letters, digits, underscores and hyphens, not "
            "starting or ending with a hyphen (e.g. lena-hartmann).",
            field="handle",
        )
    return handle


def user_profile_update(
    *, user: User, display_name: str, handle: str, time_zone: str | None = None
) -> User:
    """Change the name others see, the @handle they mention and, when given, the time zone the
    pages and digests use. All checked before anything is saved; audited."""
    from convene.notifications import inbox

    display_name = clean_single_line(display_name, field="display_name")
    if not display_name:
        raise DomainError("A display name is required.", field="display_name")
    if len(display_name) > 120:
        raise DomainError("At most 120 characters.", field="display_name")
    handle = _clean_handle(handle)
    if User.objects.filter(handle=handle).exclude(pk=user.pk).exists():
        raise Conflict(HANDLE_TAKEN, field="handle")
    changed = {
        name: value
        for name, value in (("display_name", display_name), ("handle", handle))
        if getattr(user, name) != value
    }
    try:
        with transaction.atomic():
            if time_zone is not None:
                inbox.notification_settings_update(user=user, changes={"timezone": time_zone})
            if changed:
                User.objects.filter(pk=user.pk).update(**changed)
                audit_append(
                    convening=None,
                    actor=user,
                    verb="user.updated",
                    target=user,
                    payload=changed,
                )
    except IntegrityError as exc:
        # A simultaneous change took the handle between the check and the update.
        raise Conflict(HANDLE_TAKEN, field="handle") from exc
    for name, value in changed.items():
        setattr(user, name, value)
    return user
