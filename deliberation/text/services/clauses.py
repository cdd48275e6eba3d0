"""Clauses: create, revise (every text or spec change is a new version), reorder."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Max

from convene.audit import audit_append
from convene.errors import DomainError
from convene.models import User
from convene.plaintext import clean_single_line
from deliberation.models import Clause, ClauseKind, Framework
from deliberation.text.permissions import can_edit_clauses
from deliberation.text.selectors import clause_refs
from deliberation.text.services.common import (
    clean_rationale,
    clean_spec,
    clean_text,
    lock_clause,
    version_add,
)

# Positions are moved out of the way before renumbering, so the unique (framework, position)
# constraint holds at every statement.
_SHIFT = 1_000_000


def _lock_framework(framework: Framework) -> Framework:
    return Framework.objects.select_for_update().select_related("convening").get(pk=framework.pk)


def clause_create(
    *,
    actor: User,
    framework: Framework,
    kind: str,
    title: str,
    text: str,
    spec: Any = None,
    rationale: str | None = None,
) -> Clause:
    """Append a clause at the end of the framework, with its first version."""
    if kind not in ClauseKind.values:
        raise DomainError(f"Unknown kind {kind!r}.", field="kind")
    title = clean_single_line(title, field="title")
    if not title:
        raise DomainError("A title is required.", field="title")
    text = clean_text(text)
    spec = clean_spec(kind, spec)
    rationale = clean_rationale(rationale, required=False) or "First draft."
    with transaction.atomic():
        # Locked so that two clauses created at once get different positions.
        framework = _lock_framework(framework)
        can_edit_clauses(actor, framework).enforce()
        last = framework.clauses.aggregate(last=Max("position"))["last"] or 0
        clause = Clause.objects.create(
            framework=framework, position=last + 1, kind=kind, title=title, text=text, spec=spec
        )
        # Numbered now, so the text may refer to the new clause itself.
        text = clause_refs(framework=framework).store(text)
        version = version_add(
            clause=clause, text=text, spec=spec, author=actor, rationale=rationale
        )
        audit_append(
            convening=framework.convening,
            actor=actor,
            verb="clause.created",
            target=clause,
            payload={
                "kind": kind,
                "title": title,
                "position": clause.position,
                "version_hash": version.hash,
            },
        )
    return clause


def _revision(
    clause: Clause, *, kind: str | None, text: str | None, spec: Any
) -> tuple[str, str, Any]:
    """The clause's kind, text and spec after the edit, validated; unchanged where not given."""
    new_kind = clause.kind if kind is None else kind
    if new_kind not in ClauseKind.values:
        raise DomainError(f"Unknown kind {new_kind!r}.", field="kind")
    new_text = clause.text if text is None else clean_text(text)
    return new_kind, new_text, clean_spec(new_kind, clause.spec if spec is ... else spec)


def clause_update(
    *,
    actor: User,
    clause: Clause,
    title: str | None = None,
    kind: str | None = None,
    text: str | None = None,
    spec: Any = ...,
    rationale: str | None = None,
) -> Clause:
    """Edit a clause. A change of text, spec or kind makes exactly one new version and needs a
    rationale; a title change alone does not make a version."""
    with transaction.atomic():
        # Locked: a concurrent accept of an amendment would otherwise race this revision.
        clause = Clause.objects.select_for_update().get(pk=clause.pk)
        framework = Framework.objects.select_related("convening").get(pk=clause.framework_id)
        can_edit_clauses(actor, framework).enforce()
        new_kind, new_text, new_spec = _revision(clause, kind=kind, text=text, spec=spec)
        if text is not None:
            new_text = clause_refs(framework=framework).store(new_text)
        changes: dict[str, Any] = {}
        title = None if title is None else clean_single_line(title, field="title")
        if title is not None and title != clause.title:
            if not title:
                raise DomainError("A title is required.", field="title")
            changes["title"] = clause.title = title
        revised = new_text != clause.text or new_spec != clause.spec or new_kind != clause.kind
        if revised:
            why = clean_rationale(rationale)
            if new_kind != clause.kind:
                changes["kind"] = clause.kind = new_kind
            clause.save(update_fields=["title", "kind"])
            version = version_add(
                clause=clause, text=new_text, spec=new_spec, author=actor, rationale=why
            )
            changes["version"] = version.number
            changes["version_hash"] = version.hash
        elif changes:
            clause.save(update_fields=["title"])
        if changes:
            audit_append(
                convening=framework.convening,
                actor=actor,
                verb="clause.revised" if revised else "clause.updated",
                target=clause,
                payload=changes,
            )
    return clause


def clause_reorder(*, actor: User, framework: Framework, order: list[int]) -> list[Clause]:
    """Renumber the clauses in the given order; ``order`` must list every clause exactly once."""
    with transaction.atomic():
        framework = _lock_framework(framework)
        can_edit_clauses(actor, framework).enforce()
        ids = list(framework.clauses.order_by("position").values_list("id", flat=True))
        if len(order) != len(set(order)):
            raise DomainError("Each clause may appear only once.", field="order")
        if set(order) != set(ids):
            missing = sorted(set(ids) - set(order))
            unknown = sorted(set(order) - set(ids))
            parts = []
            if missing:
                parts.append(f"missing {missing}")
            if unknown:
                parts.append(f"not in this framework {unknown}")
            raise DomainError(
                f"List every clause of the framework once ({'; '.join(parts)}).", field="order"
            )
        if order == ids:
            return list(framework.clauses.order_by("position"))
        framework.clauses.update(position=F("position") + _SHIFT)
        for position, clause_id in enumerate(order, start=1):
            Clause.objects.filter(pk=clause_id).update(position=position)
        audit_append(
            convening=framework.convening,
            actor=actor,
            verb="clauses.reordered",
            target=framework,
            payload={"before": ids, "after": order},
        )
    return list(framework.clauses.order_by("position"))


def clause_adopt_by_vote(
    *, clause: Clause, version_id: int | None, actor: User | None, round_id: int
) -> str:
    """Mark the clause adopted because a round adopted it at ``version_id``. Must run inside the
    closing transaction."""
    clause, framework = lock_clause(clause.pk)
    if clause.current_version_id != version_id:
        return "Not applied: the clause has a newer version than the one voted on."
    if clause.status not in {Clause.Status.OPEN}:
        return f"Not applied: the clause is {clause.status}."
    clause.status = Clause.Status.ADOPTED
    clause.save(update_fields=["status"])
    audit_append(
        convening=framework.convening,
        actor=actor,
        verb="clause.adopted",
        target=clause,
        payload={"version": clause.current_version_id, "round": round_id},
    )
    return "Adopted: the clause is adopted."
