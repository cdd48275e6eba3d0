"""Convenings: create and edit."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

from convene.audit import audit_append, chain_open, convening_chain_key
from convene.errors import Conflict, DomainError
from convene.models import (
    Convening,
    Membership,
    Role,
    User,
)
from convene.plaintext import clean_single_line
from convene.services.members import membership_payload

# Taken by page URLs under /c/ (e.g. /c/new/ is the create form).
RESERVED_SLUGS = frozenset({"new", "edit", "api", "admin"})


def _unique_slug(title: str) -> str:
    base = slugify(title)[:60].strip("-") or "convening"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Convening.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _clean_title(title: str) -> str:
    title = clean_single_line(title, field="title")
    if not title:
        raise DomainError("A title is required.", field="title")
    return title


def _check_choice(value: str, choices: type[models.TextChoices], field: str) -> None:
    if value not in choices.values:
        raise DomainError(f"Unknown {field} {value!r}.", field=field)


def _clean_slug(slug: str) -> str:
    slug = slug.strip().lower()
    if slug != slugify(slug) or not slug:
        raise DomainError("Use lower-case letters, digits and hyphens.", field="slug")
    if slug in RESERVED_SLUGS:
        raise DomainError(f"The slug {slug!r} is reserved; choose another.", field="slug")
    return slug


def _first_organizer_add(*, actor: User, convening: Convening) -> Membership:
    membership = Membership.objects.create(convening=convening, user=actor, role=Role.ORGANIZER)
    audit_append(
        convening=convening,
        actor=actor,
        verb="membership.created",
        target=membership,
        payload=membership_payload(membership),
    )
    return membership


def convening_create(
    *,
    actor: User,
    title: str,
    description: str = "",
    visibility: str = Convening.Visibility.PUBLIC,
    slug: str | None = None,
) -> Convening:
    """Create a convening with ``actor`` as its first organizer, and open its audit chain."""
    title = _clean_title(title)
    _check_choice(visibility, Convening.Visibility, "visibility")
    slug = _clean_slug(slug) if slug is not None else None
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
            chain_open(key=convening_chain_key(convening), convening=convening)
            audit_append(
                convening=convening,
                actor=actor,
                verb="convening.created",
                target=convening,
                payload={"title": title, "visibility": visibility, "slug": convening.slug},
            )
            _first_organizer_add(actor=actor, convening=convening)
    except IntegrityError as exc:
        # A simultaneous create with the same slug won; the unique index decided.
        raise Conflict("This slug is taken.", field="slug") from exc
    return convening


ATTRIBUTION_SWITCH = (
    "Switching attribution from {old} to {new} applies to what is said from now on: comments "
    "already posted keep the attribution they were said under. Send "
    "confirm_attribution_change: true with the change to switch."
)


def convening_update(
    *, actor: User, convening: Convening, confirm_attribution_change: bool = False, **changes: Any
) -> Convening:
    """Change a convening's settings. A change of ``attribution`` must be confirmed: it does not
    reach back to what was said under the old mode, and the organizer should know that."""
    allowed = {"title", "description", "visibility", "attribution", "attribution_shows_country"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(f"Cannot change {', '.join(sorted(unknown))}.")
    if "title" in changes:
        changes["title"] = _clean_title(changes["title"])
    if "attribution" in changes:
        _check_choice(changes["attribution"], Convening.Attribution, "attribution")
    if "visibility" in changes:
        _check_choice(changes["visibility"], Convening.Visibility, "visibility")
    with transaction.atomic():
        convening = Convening.objects.select_for_update().get(pk=convening.pk)
        changed = {k: v for k, v in changes.items() if getattr(convening, k) != v}
        if not changed:
            return convening
        if "attribution" in changed and not confirm_attribution_change:
            raise DomainError(
                ATTRIBUTION_SWITCH.format(old=convening.attribution, new=changed["attribution"]),
                field="confirm_attribution_change",
            )
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
