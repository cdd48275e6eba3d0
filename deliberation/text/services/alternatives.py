"""Alternatives: competing wordings of one clause, shown in brackets until one is chosen."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from convene.audit import audit_append
from convene.errors import Conflict, DomainError
from convene.models import User
from deliberation.models import Alternative, Clause, ClauseVersion, Framework
from deliberation.text.permissions import can_propose, can_resolve, can_withdraw_alternative
from deliberation.text.selectors import clause_refs
from deliberation.text.services.common import (
    clean_rationale,
    clean_spec,
    clean_text,
    lock_clause,
    version_add,
)


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
        clause, framework = lock_clause(clause.pk)
        can_propose(actor, clause).enforce()
        new_spec = clean_spec(clause.kind, clause.spec if spec is ... else spec)
        alternative = Alternative.objects.create(
            clause=clause,
            label=_next_label(clause),
            text=clause_refs(framework=framework).store(text),
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
        clause, framework = lock_clause(alternative.clause_id)
        alternative = Alternative.objects.select_for_update().get(pk=alternative.pk)
        alternative.clause = clause
        can_withdraw_alternative(actor, alternative).enforce()
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


def _open_choice(clause: Clause, alternative_id: int) -> Alternative:
    """The chosen alternative, locked; it must be an open option of this clause."""
    chosen = (
        Alternative.objects.select_for_update().filter(pk=alternative_id, clause=clause).first()
    )
    if chosen is None:
        raise DomainError("No such alternative on this clause.", field="alternative")
    if chosen.status != Alternative.Status.OPEN:
        raise Conflict(f"Option {chosen.label} is {chosen.status}; choose an open one.")
    return chosen


def _mark_resolved(
    clause: Clause, chosen: Alternative, actor: User | None, reason: str
) -> list[str]:
    """Mark ``chosen`` chosen and the other open options not chosen; their labels."""
    now = timezone.now()
    others = Alternative.objects.filter(clause=clause, status=Alternative.Status.OPEN).exclude(
        pk=chosen.pk
    )
    labels = list(others.values_list("label", flat=True))
    others.update(
        status=Alternative.Status.NOT_CHOSEN,
        resolved_by=actor,
        resolved_at=now,
        resolution_reason=reason,
    )
    chosen.status = Alternative.Status.CHOSEN
    chosen.resolved_by, chosen.resolved_at, chosen.resolution_reason = actor, now, reason
    chosen.save()
    return labels


def alternatives_resolve(
    *, actor: User, clause: Clause, alternative_id: int, reason: str
) -> ClauseVersion:
    """Choose one open alternative: it becomes the clause's next version (written by its
    proposer, accepted by ``actor``); the other open ones are marked not chosen, and the record
    keeps who chose which and why."""
    reason = clean_rationale(reason, field="reason")
    with transaction.atomic():
        clause, framework = lock_clause(clause.pk)
        can_resolve(actor, clause).enforce()
        chosen = _open_choice(clause, alternative_id)
        return _choose(clause, framework, chosen, actor, reason, {})


def _choose(
    clause: Clause,
    framework: Framework,
    chosen: Alternative,
    actor: User | None,
    reason: str,
    extra: dict[str, Any],
) -> ClauseVersion:
    others = _mark_resolved(clause, chosen, actor, reason)
    version = version_add(
        clause=clause,
        text=chosen.text,
        spec=clean_spec(clause.kind, chosen.spec),
        author=chosen.proposer,
        rationale=(
            f"Option {chosen.label} chosen over {', '.join(others) or 'no other option'}: {reason}"
        ),
        alternative=chosen,
        accepted_by=actor,
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
            **extra,
        },
    )
    return version


def alternative_choose_by_vote(
    *, clause: Clause, alternative_id: int, actor: User | None, round_id: int, narrative: str
) -> str:
    """Resolve the bracket with the alternative a round chose; what happened, for the motion's
    record. Must run inside the closing transaction."""
    clause, framework = lock_clause(clause.pk)
    chosen = (
        Alternative.objects.select_for_update().filter(pk=alternative_id, clause=clause).first()
    )
    if chosen is None or chosen.status != Alternative.Status.OPEN:
        return "Not applied: the chosen alternative is no longer open."
    version = _choose(
        clause,
        framework,
        chosen,
        actor,
        f"Chosen in voting round {round_id}. {narrative}",
        {"round": round_id},
    )
    return f"Option {chosen.label} chosen: version {version.number} of the clause."
