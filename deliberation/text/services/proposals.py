"""Amendments (a proposed replacement text) and alternatives (competing wordings in brackets)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from convene.audit import audit_append
from convene.errors import Conflict, DomainError
from convene.models import User
from deliberation.models import Alternative, Amendment, Clause, Framework
from deliberation.text.services.common import (
    clean_rationale,
    clean_spec,
    clean_text,
    require_gate,
    version_add,
)

_CLOSED = {Clause.Status.ADOPTED, Clause.Status.REJECTED, Clause.Status.WITHDRAWN}


def _lock_clause(clause_id: int) -> tuple[Clause, Framework]:
    """Lock the clause row: accepting, resolving and revising must see its true current version."""
    clause = Clause.objects.select_for_update().get(pk=clause_id)
    framework = Framework.objects.select_related("convening").get(pk=clause.framework_id)
    return clause, framework


def _require_open_clause(clause: Clause) -> None:
    if clause.status in _CLOSED:
        raise Conflict(f"This clause is {clause.status}; its text can no longer change.")


def amendment_propose(
    *, actor: User, clause: Clause, text: str, spec: Any = ..., rationale: str
) -> Amendment:
    """Propose a replacement for the clause's current version. Without ``spec`` the current
    spec is kept."""
    text = clean_text(text)
    why = clean_rationale(rationale)
    with transaction.atomic():
        clause, framework = _lock_clause(clause.pk)
        require_gate("propose", framework)
        _require_open_clause(clause)
        new_spec = clean_spec(clause.kind, clause.spec if spec is ... else spec)
        if text == clause.text and new_spec == clause.spec:
            raise DomainError("The amendment does not change the text or the spec.", field="text")
        base = clause.current_version
        assert base is not None, "only null inside clause_create, before the first version"
        amendment = Amendment.objects.create(
            clause=clause,
            base_version=base,
            text=text,
            spec=new_spec,
            rationale=why,
            author=actor,
        )
        audit_append(
            convening=framework.convening,
            actor=actor,
            verb="amendment.proposed",
            target=amendment,
            payload={"clause": clause.pk, "base_version": base.number},
        )
    return amendment


def _lock_amendment(amendment: Amendment) -> tuple[Amendment, Clause, Framework]:
    clause, framework = _lock_clause(amendment.clause_id)
    amendment = (
        Amendment.objects.select_for_update().select_related("base_version").get(pk=amendment.pk)
    )
    return amendment, clause, framework


def _require_open(amendment: Amendment) -> None:
    if amendment.status != Amendment.Status.OPEN:
        raise Conflict(f"This amendment is already {amendment.status}.")


def amendment_accept(*, actor: User, amendment: Amendment, reason: str = "") -> Amendment:
    """Make the amendment the clause's next version. Refused (409) when its base version is no
    longer current: the author must rebase it first, so no one's text is silently overwritten."""
    with transaction.atomic():
        amendment, clause, framework = _lock_amendment(amendment)
        require_gate("decide", framework)
        _require_open(amendment)
        _require_open_clause(clause)
        if amendment.base_version_id != clause.current_version_id:
            raise Conflict(
                f"This amendment was written against version {amendment.base_version.number}, "
                "but the clause has changed since; it must be rebased before it can be accepted."
            )
        spec = clean_spec(clause.kind, amendment.spec)
        rationale = f"Amendment #{amendment.pk} accepted: {amendment.rationale}"
        if reason.strip():
            rationale += f"\n\nOrganizer: {reason.strip()}"
        version = version_add(
            clause=clause,
            text=amendment.text,
            spec=spec,
            author=actor,
            rationale=rationale,
            amendment=amendment,
        )
        amendment.status = Amendment.Status.ACCEPTED
        amendment.decided_by, amendment.decided_at = actor, timezone.now()
        amendment.decision_reason = reason.strip()
        amendment.resulting_version = version
        amendment.save()
        audit_append(
            convening=framework.convening,
            actor=actor,
            verb="amendment.accepted",
            target=amendment,
            payload={"clause": clause.pk, "version": version.number, "version_hash": version.hash},
        )
    return amendment


def amendment_reject(*, actor: User, amendment: Amendment, reason: str) -> Amendment:
    reason = clean_rationale(reason, field="reason")
    with transaction.atomic():
        amendment, _clause, framework = _lock_amendment(amendment)
        require_gate("decide", framework)
        _require_open(amendment)
        amendment.status = Amendment.Status.REJECTED
        amendment.decided_by, amendment.decided_at = actor, timezone.now()
        amendment.decision_reason = reason
        amendment.save()
        audit_append(
            convening=framework.convening,
            actor=actor,
            verb="amendment.rejected",
            target=amendment,
            payload={"reason": reason},
        )
    return amendment


def amendment_withdraw(*, actor: User, amendment: Amendment) -> Amendment:
    with transaction.atomic():
        amendment, _clause, framework = _lock_amendment(amendment)
        require_gate("withdraw_proposal", framework)
        _require_open(amendment)
        amendment.status = Amendment.Status.WITHDRAWN
        amendment.decided_at = timezone.now()
        amendment.save()
        audit_append(
            convening=framework.convening, actor=actor, verb="amendment.withdrawn", target=amendment
        )
    return amendment


def amendment_rebase(
    *,
    actor: User,
    amendment: Amendment,
    text: str | None = None,
    spec: Any = ...,
    rationale: str | None = None,
) -> Amendment:
    """Move an open amendment onto the clause's current version, optionally with new wording."""
    with transaction.atomic():
        amendment, clause, framework = _lock_amendment(amendment)
        require_gate("propose", framework)
        _require_open(amendment)
        if text is not None:
            amendment.text = clean_text(text)
        if spec is not ...:
            amendment.spec = clean_spec(clause.kind, spec)
        else:
            amendment.spec = clean_spec(clause.kind, amendment.spec)
        if rationale is not None:
            amendment.rationale = clean_rationale(rationale)
        previous = amendment.base_version.number
        current = clause.current_version
        assert current is not None, "only null inside clause_create, before the first version"
        amendment.base_version = current
        amendment.save()
        audit_append(
            convening=framework.convening,
            actor=actor,
            verb="amendment.rebased",
            target=amendment,
            payload={"from_version": previous, "to_version": current.number},
        )
    return amendment


def _next_label(clause: Clause) -> str:
    """A, B, … Z, AA, AB, …: labels are never reused within a clause."""
    count = Alternative.objects.filter(clause=clause).count()
    label, n = "", count
    while True:
        label = chr(ord("A") + n % 26) + label
        n = n // 26 - 1
        if n < 0:
            return label


def _refresh_bracket(clause: Clause) -> None:
    open_count = Alternative.objects.filter(clause=clause, status=Alternative.Status.OPEN).count()
    status = Clause.Status.BRACKETED if open_count >= 2 else Clause.Status.OPEN
    if clause.status in {Clause.Status.OPEN, Clause.Status.BRACKETED} and clause.status != status:
        clause.status = status
        clause.save(update_fields=["status"])


def alternative_propose(
    *, actor: User, clause: Clause, text: str, spec: Any = ..., rationale: str = ""
) -> Alternative:
    text = clean_text(text)
    why = clean_rationale(rationale, required=False)
    with transaction.atomic():
        clause, framework = _lock_clause(clause.pk)
        require_gate("propose", framework)
        _require_open_clause(clause)
        new_spec = clean_spec(clause.kind, clause.spec if spec is ... else spec)
        alternative = Alternative.objects.create(
            clause=clause,
            label=_next_label(clause),
            text=text,
            spec=new_spec,
            rationale=why,
            proposer=actor,
        )
        _refresh_bracket(clause)
        audit_append(
            convening=framework.convening,
            actor=actor,
            verb="alternative.proposed",
            target=alternative,
            payload={"clause": clause.pk, "label": alternative.label},
        )
    return alternative


def alternative_withdraw(*, actor: User, alternative: Alternative) -> Alternative:
    with transaction.atomic():
        clause, framework = _lock_clause(alternative.clause_id)
        alternative = Alternative.objects.select_for_update().get(pk=alternative.pk)
        require_gate("withdraw_proposal", framework)
        if alternative.status != Alternative.Status.OPEN:
            raise Conflict(f"This alternative is already {alternative.status}.")
        alternative.status = Alternative.Status.WITHDRAWN
        alternative.save(update_fields=["status"])
        _refresh_bracket(clause)
        audit_append(
            convening=framework.convening,
            actor=actor,
            verb="alternative.withdrawn",
            target=alternative,
            payload={"clause": clause.pk, "label": alternative.label},
        )
    return alternative


def alternatives_resolve(
    *, actor: User, clause: Clause, alternative: Alternative, reason: str
) -> Clause:
    """Choose one open alternative: it becomes the clause's next version; the other open ones are
    marked not chosen, and the record keeps who chose which and why."""
    reason = clean_rationale(reason, field="reason")
    with transaction.atomic():
        clause, framework = _lock_clause(clause.pk)
        require_gate("decide", framework)
        _require_open_clause(clause)
        chosen = (
            Alternative.objects.select_for_update().filter(pk=alternative.pk, clause=clause).first()
        )
        if chosen is None:
            raise DomainError("This alternative belongs to another clause.", field="alternative")
        if chosen.status != Alternative.Status.OPEN:
            raise Conflict(f"Option {chosen.label} is {chosen.status}; choose an open one.")
        now = timezone.now()
        others = list(
            Alternative.objects.filter(clause=clause, status=Alternative.Status.OPEN)
            .exclude(pk=chosen.pk)
            .values_list("label", flat=True)
        )
        Alternative.objects.filter(clause=clause, status=Alternative.Status.OPEN).exclude(
            pk=chosen.pk
        ).update(
            status=Alternative.Status.NOT_CHOSEN,
            resolved_by=actor,
            resolved_at=now,
            resolution_reason=reason,
        )
        chosen.status = Alternative.Status.CHOSEN
        chosen.resolved_by, chosen.resolved_at, chosen.resolution_reason = actor, now, reason
        chosen.save()
        version = version_add(
            clause=clause,
            text=chosen.text,
            spec=clean_spec(clause.kind, chosen.spec),
            author=actor,
            rationale=(
                f"Option {chosen.label} chosen over "
                f"{', '.join(others) or 'no other option'}: {reason}"
            ),
            alternative=chosen,
        )
        _refresh_bracket(clause)
        audit_append(
            convening=framework.convening,
            actor=actor,
            verb="clause.alternatives_resolved",
            target=clause,
            payload={
                "chosen": chosen.label,
                "not_chosen": others,
                "reason": reason,
                "version": version.number,
                "version_hash": version.hash,
            },
        )
    return clause
