"""Amendments: a proposed replacement text for a clause, decided by the organizers."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from convene.audit import audit_append
from convene.errors import DomainError
from convene.models import User
from deliberation import notices
from deliberation.models import Amendment, Clause, ClauseVersion, Framework
from deliberation.text import diff
from deliberation.text.permissions import (
    can_accept,
    can_decide,
    can_propose,
    can_rebase,
    can_withdraw_amendment,
)
from deliberation.text.selectors import clause_refs
from deliberation.text.services.common import (
    clean_rationale,
    clean_spec,
    clean_text,
    lock_clause,
    version_add,
)


def amendment_propose(
    *, actor: User, clause: Clause, text: str, spec: Any = ..., rationale: str
) -> Amendment:
    """Propose a replacement for the clause's current version. Without ``spec`` the current
    spec is kept. The word diff against that version is stored with it, for every page that
    shows the amendment."""
    text = clean_text(text)
    why = clean_rationale(rationale)
    with transaction.atomic():
        clause, framework = lock_clause(clause.pk)
        can_propose(actor, clause).enforce()
        refs = clause_refs(framework=framework)
        text = refs.store(text)
        new_spec = clean_spec(clause.kind, clause.spec if spec is ... else spec)
        if text == clause.text and new_spec == clause.spec:
            raise DomainError("The amendment does not change the text or the spec.", field="text")
        base = clause.current_version
        assert base is not None, "only null inside clause_create, before the first version"
        amendment = Amendment.objects.create(
            clause=clause,
            number=_next_number(clause),
            base_version=base,
            text=text,
            diff_ops=diff.diff(refs.store(base.text), text),
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


def _next_number(clause: Clause) -> int:
    """The clause's next amendment number. Must hold the clause's row lock: two members
    proposing at once would otherwise both read the same highest number, and the second
    insert would fail on deliberation_amendment_unique_number."""
    highest = Amendment.objects.filter(clause=clause).aggregate(n=Max("number"))["n"]
    return (highest or 0) + 1


def _lock_amendment(amendment: Amendment) -> tuple[Amendment, Clause, Framework]:
    """Lock the clause, then the amendment (always in this order, as accepting does)."""
    clause, framework = lock_clause(amendment.clause_id)
    amendment = (
        Amendment.objects.select_for_update().select_related("base_version").get(pk=amendment.pk)
    )
    amendment.clause = clause
    return amendment, clause, framework


def _decide(amendment: Amendment, actor: User | None, status: str, reason: str) -> None:
    amendment.status = status
    amendment.decided_by, amendment.decided_at = actor, timezone.now()
    amendment.decision_reason = reason
    amendment.save()
    if status in (Amendment.Status.ACCEPTED, Amendment.Status.REJECTED):
        notices.amendment_decided(amendment, actor=actor)


def amendment_accept(*, actor: User, amendment: Amendment, reason: str = "") -> Amendment:
    """Make the amendment the clause's next version: written by its author, accepted by
    ``actor``. Refused (409) when its base version is no longer current: the author must rebase
    it first, so no one's text is silently overwritten."""
    with transaction.atomic():
        amendment, clause, framework = _lock_amendment(amendment)
        can_accept(actor, amendment).enforce()
        note = f"Organizer: {reason.strip()}" if reason.strip() else ""
        amendment_apply(amendment=amendment, clause=clause, actor=actor, note=note)
        _decide(amendment, actor, Amendment.Status.ACCEPTED, reason.strip())
        _record_accepted(amendment, framework, actor, {})
    return amendment


def amendment_apply(
    *, amendment: Amendment, clause: Clause, actor: User | None, note: str
) -> ClauseVersion:
    """Make the amendment the clause's next version, written by its author and accepted by
    ``actor`` (None: by a vote closed on schedule). The caller holds the locks of
    ``_lock_amendment`` and has checked that it may be accepted."""
    rationale = f"Amendment {amendment.number} accepted: {amendment.rationale}"
    if note:
        rationale += f"\n\n{note}"
    version = version_add(
        clause=clause,
        text=amendment.text,
        spec=clean_spec(clause.kind, amendment.spec),
        author=amendment.author,
        rationale=rationale,
        amendment=amendment,
        accepted_by=actor,
    )
    amendment.resulting_version = version
    return version


def _record_accepted(
    amendment: Amendment, framework: Framework, actor: User | None, extra: dict[str, Any]
) -> None:
    version = amendment.resulting_version
    assert version is not None
    audit_append(
        convening=framework.convening,
        actor=actor,
        verb="amendment.accepted",
        target=amendment,
        payload={
            "clause": amendment.clause_id,
            "version": version.number,
            "version_hash": version.hash,
            **extra,
        },
    )


def amendment_accept_by_vote(*, amendment: Amendment, actor: User | None, round_id: int) -> str:
    """Accept the amendment because a round adopted the motion to accept it; what happened,
    for the motion's record. Must run inside the closing transaction."""
    amendment, clause, framework = _lock_amendment(amendment)
    if amendment.status != Amendment.Status.OPEN:
        return f"Not applied: the amendment is {amendment.status}."
    if clause.current_version_id != amendment.base_version_id:
        return "Not applied: the clause changed after the amendment was written; rebase it."
    version = amendment_apply(
        amendment=amendment, clause=clause, actor=actor, note=f"Adopted in voting round {round_id}."
    )
    _decide(amendment, actor, Amendment.Status.ACCEPTED, f"Adopted in voting round {round_id}.")
    _record_accepted(amendment, framework, actor, {"round": round_id})
    return f"Accepted: version {version.number} of the clause."


def amendment_reject(*, actor: User, amendment: Amendment, reason: str) -> Amendment:
    reason = clean_rationale(reason, field="reason")
    with transaction.atomic():
        amendment, _clause, framework = _lock_amendment(amendment)
        can_decide(actor, amendment).enforce()
        _decide(amendment, actor, Amendment.Status.REJECTED, reason)
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
        can_withdraw_amendment(actor, amendment).enforce()
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
    """Move an open amendment onto the clause's current version, optionally with new wording;
    its stored diff is recomputed against that version."""
    with transaction.atomic():
        amendment, clause, framework = _lock_amendment(amendment)
        can_rebase(actor, amendment).enforce()
        refs = clause_refs(framework=framework)
        if text is not None:
            amendment.text = refs.store(clean_text(text))
        amendment.spec = clean_spec(clause.kind, amendment.spec if spec is ... else spec)
        if rationale is not None:
            amendment.rationale = clean_rationale(rationale)
        previous = amendment.base_version.number
        current = clause.current_version
        assert current is not None, "only null inside clause_create, before the first version"
        amendment.base_version = current
        amendment.diff_ops = diff.diff(refs.store(current.text), amendment.text)
        amendment.save()
        audit_append(
            convening=framework.convening,
            actor=actor,
            verb="amendment.rebased",
            target=amendment,
            payload={"from_version": previous, "to_version": current.number},
        )
    return amendment
