"""Frameworks: create, edit, and move them through their statuses
(draft → consultation → voting → adopted → published, or withdrawn)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from convene.audit import audit_append
from convene.errors import Conflict, DomainError
from convene.models import Convening, User
from convene.plaintext import clean_single_line
from deliberation.models import Framework
from deliberation.text.permissions import can_edit_framework, can_transition


def _unique_slug(title: str) -> str:
    base = slugify(title)[:60].strip("-") or "framework"
    slug, n = base, 2
    while Framework.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def framework_create(
    *, actor: User, convening: Convening, title: str, preamble: str = "", slug: str | None = None
) -> Framework:
    title = clean_single_line(title, field="title")
    if not title:
        raise DomainError("A title is required.", field="title")
    if slug is not None:
        slug = slug.strip().lower()
        if not slug or slug != slugify(slug):
            raise DomainError("Use lower-case letters, digits and hyphens.", field="slug")
    try:
        with transaction.atomic():
            if slug and Framework.objects.filter(slug=slug).exists():
                raise Conflict("This slug is taken.", field="slug")
            framework = Framework.objects.create(
                convening=convening,
                slug=slug or _unique_slug(title),
                title=title,
                preamble=preamble,
                created_by=actor,
            )
            audit_append(
                convening=convening,
                actor=actor,
                verb="framework.created",
                target=framework,
                payload={"slug": framework.slug, "title": title},
            )
    except IntegrityError as exc:
        raise Conflict("This slug is taken.", field="slug") from exc
    return framework


def framework_update(*, actor: User, framework: Framework, **changes: Any) -> Framework:
    unknown = set(changes) - {"title", "preamble", *PHASE_FIELDS}
    if unknown:
        raise DomainError(f"Cannot change {', '.join(sorted(unknown))}.")
    if "title" in changes:
        changes["title"] = clean_single_line(changes["title"], field="title")
        if not changes["title"]:
            raise DomainError("A title is required.", field="title")
    with transaction.atomic():
        framework = (
            Framework.objects.select_for_update().select_related("convening").get(pk=framework.pk)
        )
        can_edit_framework(actor, framework).enforce()
        _check_phase_order({k: changes.get(k, getattr(framework, k)) for k in PHASE_FIELDS})
        changed = {k: v for k, v in changes.items() if getattr(framework, k) != v}
        if changed:
            for key, value in changed.items():
                setattr(framework, key, value)
            if "consultation_closes_at" in changed:
                framework.close_announced_at = None  # a moved close is announced again
                changed_fields = [*changed, "close_announced_at"]
            else:
                changed_fields = list(changed)
            framework.save(update_fields=changed_fields)
            audit_append(
                convening=framework.convening,
                actor=actor,
                verb="framework.updated",
                target=framework,
                payload={"changed": {k: _jsonable(v) for k, v in changed.items()}},
            )
    return framework


PHASE_FIELDS = ("consultation_opens_at", "consultation_closes_at", "voting_planned_at")


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _check_phase_order(phases: dict[str, datetime | None]) -> None:
    """The dated phases come in order: consultation opens, closes, then voting (each optional)."""
    for key, value in phases.items():
        if value is not None and timezone.is_naive(value):
            raise DomainError("Give a date and time with its time zone.", field=key)
    opens, closes, voting = (phases[k] for k in PHASE_FIELDS)
    if opens and closes and closes <= opens:
        raise DomainError(
            "The consultation must close after it opens.", field="consultation_closes_at"
        )
    if closes and voting and voting < closes:
        raise DomainError(
            "Voting is planned before the consultation closes; plan it at or after the close.",
            field="voting_planned_at",
        )


def framework_transition(*, actor: User, framework: Framework, to: str) -> Framework:
    """Move the framework to status ``to``; 409 naming the allowed targets if it can't go there."""
    if to not in Framework.Status.values:
        raise DomainError(
            f"Unknown status {to!r}; statuses are {', '.join(Framework.Status.values)}.", field="to"
        )
    with transaction.atomic():
        # Locked: two organizers moving the framework at once must not both succeed from one state.
        framework = _locked(framework)
        can_transition(actor, framework, to).enforce(field="to")
        _move(framework, to, actor, {})
    return framework


def _locked(framework: Framework) -> Framework:
    return Framework.objects.select_for_update().select_related("convening").get(pk=framework.pk)


def _move(framework: Framework, to: str, actor: User | None, extra: dict[str, Any]) -> None:
    """Set the (locked) framework's status and record the move."""
    current = framework.status
    framework.status = to
    framework.status_changed_at = timezone.now()
    framework.save(update_fields=["status", "status_changed_at"])
    audit_append(
        convening=framework.convening,
        actor=actor,
        verb="framework.transitioned",
        target=framework,
        payload={"from": current, "to": to, **extra},
    )


def framework_adopt_by_vote(*, framework: Framework, actor: User | None, round_id: int) -> str:
    """Adopt the framework because a round adopted the motion to adopt it: the only way a
    framework becomes adopted. Must run inside the closing transaction."""
    framework = _locked(framework)
    if framework.status != Framework.Status.VOTING:
        return f"Not applied: the framework is in {framework.status}."
    _move(framework, Framework.Status.ADOPTED, actor, {"round": round_id})
    return "Adopted: the framework is adopted."
