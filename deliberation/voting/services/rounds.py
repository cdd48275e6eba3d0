"""Drafting, opening and cancelling voting rounds. Closing is in ``closing.py``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from convene.audit import ChainKind, audit_append, chain_key, chain_open
from convene.errors import Conflict, DomainError
from convene.models import Membership, Role, User
from convene.permissions import Verdict
from convene.plaintext import clean_single_line
from deliberation import notices
from deliberation.models import (
    Alternative,
    Amendment,
    Clause,
    Framework,
    Motion,
    RollEntry,
    VotingRound,
)
from deliberation.voting import tally
from deliberation.voting.permissions import (
    can_cancel_round,
    can_create_round,
    can_edit_round,
    can_open_round,
    motion_target_open,
)

MAX_MOTIONS = 100
ROUND_FIELDS = {"title", "description", "ballot_mode", "opens_at", "closes_at", "motions"}


def round_chain_key(round_: VotingRound) -> str:
    return chain_key(ChainKind.ROUND, round_.pk)


# --- input ------------------------------------------------------------------------------------
def _clean_title(title: Any) -> str:
    title = clean_single_line(title if isinstance(title, str) else "", field="title")
    if not title:
        raise DomainError("A title is required.", field="title")
    return title


def _clean_times(opens_at: datetime | None, closes_at: datetime | None) -> None:
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise DomainError("The round must close after it opens.", field="closes_at")
    if closes_at is not None and closes_at <= timezone.now():
        raise DomainError("The closing time must be in the future.", field="closes_at")


def _one(model: Any, pk: Any, noun: str, index: int, **where: Any) -> Any:
    """The motion's target; a refusal names the ``motions`` field, as the API's body does."""
    found = model.objects.filter(pk=pk, **where).first() if isinstance(pk, int) else None
    if found is None:
        raise DomainError(f"Motion {index}: no such {noun} in this framework.", field="motions")
    return found


def _rule(data: Any, index: int) -> dict[str, Any]:
    try:
        return tally.Rule.from_dict(data if data is not None else {"threshold": "simple"}).to_dict()
    except ValueError as exc:
        raise DomainError(f"Motion {index}: {exc}", field="motions") from exc


def _motion(framework: Framework, data: dict[str, Any], index: int) -> Motion:
    """An unsaved motion from one entry of ``motions``: its kind, target and rule checked."""
    kind = data.get("kind")
    if kind not in Motion.Kind.values:
        raise DomainError(f"Motion {index}: unknown kind {kind!r}.", field="motions")
    motion = Motion(kind=kind, position=index)
    if kind in {Motion.Kind.ADOPT_CLAUSE, Motion.Kind.CHOOSE_ALTERNATIVE}:
        motion.clause = _one(Clause, data.get("clause"), "clause", index, framework=framework)
    if kind == Motion.Kind.ACCEPT_AMENDMENT:
        motion.amendment = _one(
            Amendment, data.get("amendment"), "amendment", index, clause__framework=framework
        )
        motion.clause = motion.amendment.clause
    if kind == Motion.Kind.CHOOSE_ALTERNATIVE:
        clause = motion.clause
        assert clause is not None
        open_options = Alternative.objects.filter(
            clause=clause, status=Alternative.Status.OPEN
        ).count()
        if open_options < 2:
            raise DomainError(
                f"Motion {index}: clause §{clause.position} has {open_options} open "
                "alternatives; choosing needs at least two.",
                field="motions",
            )
        method = data.get("method") or Motion.Method.SCHULZE
        if method not in Motion.Method.values:
            raise DomainError(f"Motion {index}: unknown method {method!r}.", field="motions")
        motion.method = method
        if data.get("rule") is not None:
            raise DomainError(
                f"Motion {index}: choosing among alternatives takes a method, not a rule.",
                field="motions",
            )
    else:
        motion.rule = _rule(data.get("rule"), index)
        if data.get("method"):
            raise DomainError(
                f"Motion {index}: a yes/no motion takes a rule, not a method.", field="motions"
            )
    return motion


def _motions(framework: Framework, entries: Any) -> list[Motion]:
    if not isinstance(entries, list) or not entries:
        raise DomainError("A round needs at least one motion.", field="motions")
    if len(entries) > MAX_MOTIONS:
        raise DomainError(f"A round takes at most {MAX_MOTIONS} motions.", field="motions")
    motions = [_motion(framework, entry, i) for i, entry in enumerate(entries, start=1)]
    clauses = [m.clause_id for m in motions if m.clause_id is not None]
    frameworks = [m for m in motions if m.kind == Motion.Kind.ADOPT_FRAMEWORK]
    if len(set(clauses)) != len(clauses) or len(frameworks) > 1:
        # Two decisions on one clause in one round could contradict each other (adopt this
        # version, and replace it): one motion per clause, and per framework.
        raise DomainError(
            "Each clause (and the framework) can be put to the vote once per round.",
            field="motions",
        )
    units = {m.rule["unit"] for m in motions if m.rule}
    if len(units) > 1:
        raise DomainError(
            "The yes/no motions of one round must share a vote unit (person or organization).",
            field="motions",
        )
    return motions


def _who_first(verdict: Verdict) -> None:
    """Enforce who may act (403, 404) now; a refusal by state (409) waits until the input has
    been checked (400), the order every interface answers in."""
    if verdict.status != 409:
        verdict.enforce()


def _status_for(opens_at: datetime | None) -> str:
    return VotingRound.Status.SCHEDULED if opens_at else VotingRound.Status.DRAFT


def _save_motions(round_: VotingRound, motions: Sequence[Motion]) -> None:
    for motion in motions:
        motion.round = round_
    Motion.objects.bulk_create(motions)


def _describe(round_: VotingRound) -> dict[str, Any]:
    """What the audit record keeps of a round's settings."""
    return {
        "title": round_.title,
        "ballot_mode": round_.ballot_mode,
        "opens_at": round_.opens_at.isoformat() if round_.opens_at else None,
        "closes_at": round_.closes_at.isoformat() if round_.closes_at else None,
        "motions": [
            {
                "kind": m.kind,
                "clause": m.clause_id,
                "amendment": m.amendment_id,
                "rule": m.rule,
                "method": m.method,
            }
            for m in round_.motions.all()
        ],
    }


# --- services ---------------------------------------------------------------------------------
def round_create(
    *,
    actor: User,
    framework: Framework,
    title: Any,
    motions: Any,
    description: str = "",
    ballot_mode: str = VotingRound.BallotMode.RECORDED,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> VotingRound:
    """Draft a round (scheduled when it has an opening time) with its motions."""
    title = _clean_title(title)
    if ballot_mode not in VotingRound.BallotMode.values:
        raise DomainError("Choose recorded or secret.", field="ballot_mode")
    _clean_times(opens_at, closes_at)
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        allowed = can_create_round(actor, framework)
        _who_first(allowed)
        drafted = _motions(framework, motions)
        allowed.enforce()
        round_ = VotingRound.objects.create(
            framework=framework,
            title=title,
            description=description,
            ballot_mode=ballot_mode,
            opens_at=opens_at,
            closes_at=closes_at,
            status=_status_for(opens_at),
            created_by=actor,
        )
        _save_motions(round_, drafted)
        chain_open(key=round_chain_key(round_), convening=framework.convening)
        audit_append(
            convening=framework.convening,
            actor=actor,
            verb="round.created",
            target=round_,
            payload=_describe(round_),
        )
    return round_


def round_update(*, actor: User, round_: VotingRound, **changes: Any) -> VotingRound:
    """Change a round before it opens; ``motions``, when given, replaces them all."""
    unknown = set(changes) - ROUND_FIELDS
    if unknown:
        raise DomainError(f"Cannot change {', '.join(sorted(unknown))}.")
    if "title" in changes:
        changes["title"] = _clean_title(changes["title"])
    if changes.get("ballot_mode", VotingRound.BallotMode.RECORDED) not in (
        VotingRound.BallotMode.values
    ):
        raise DomainError("Choose recorded or secret.", field="ballot_mode")
    with transaction.atomic():
        round_ = (
            VotingRound.objects.select_for_update()
            .select_related("framework__convening")
            .get(pk=round_.pk)
        )
        allowed = can_edit_round(actor, round_)
        _who_first(allowed)
        opens_at = changes.get("opens_at", round_.opens_at)
        closes_at = changes.get("closes_at", round_.closes_at)
        _clean_times(opens_at, closes_at)
        motions = changes.pop("motions", None)
        drafted = _motions(round_.framework, motions) if motions is not None else None
        allowed.enforce()
        if drafted is not None:
            round_.motions.all().delete()
            _save_motions(round_, drafted)
        for key, value in changes.items():
            setattr(round_, key, value)
        round_.status = _status_for(round_.opens_at)
        round_.save()
        audit_append(
            convening=round_.framework.convening,
            actor=actor,
            verb="round.updated",
            target=round_,
            payload=_describe(round_),
        )
    return round_


def _lock(round_: VotingRound) -> VotingRound:
    return (
        VotingRound.objects.select_for_update()
        .select_related("framework__convening")
        .get(pk=round_.pk)
    )


def _snapshot_roll(round_: VotingRound) -> int:
    """The eligible roll, as the memberships are now: participants with a group."""
    members = Membership.objects.filter(
        convening=round_.framework.convening, role=Role.PARTICIPANT
    ).exclude(stakeholder_group="")
    RollEntry.objects.bulk_create(
        RollEntry(
            round=round_,
            user_id=m.user_id,
            stakeholder_group=m.stakeholder_group,
            organization_id=m.organization_id,
            head_of_delegation=m.head_of_delegation,
        )
        for m in members
    )
    return RollEntry.objects.filter(round=round_).count()


def _freeze_motions(round_: VotingRound) -> None:
    """Fix what each motion decides: the clause version put to the vote; targets still open."""
    motions = list(
        round_.motions.select_related("clause", "amendment").select_for_update(of=("self",))
    )
    for motion in motions:
        motion_target_open(motion).enforce()
        if motion.kind == Motion.Kind.ADOPT_CLAUSE and motion.clause is not None:
            motion.version_id = motion.clause.current_version_id
            motion.save(update_fields=["version"])
        if motion.kind == Motion.Kind.CHOOSE_ALTERNATIVE and motion.clause is not None:
            open_options = Alternative.objects.filter(
                clause=motion.clause, status=Alternative.Status.OPEN
            ).order_by("label")
            motion.options = [{"id": a.pk, "label": a.label} for a in open_options]
            if len(motion.options) < 2:
                raise Conflict(
                    f"Motion {motion.position}: fewer than two alternatives are still open."
                )
            motion.save(update_fields=["options"])


def round_open(*, actor: User | None, round_: VotingRound) -> VotingRound:
    """Open the round: freeze its motions and rules, snapshot the roll. ``actor`` None is the
    scheduler (``tasks.rounds_advance``), which opens scheduled rounds on time."""
    with transaction.atomic():
        round_ = _lock(round_)
        if actor is not None:
            can_open_round(actor, round_).enforce()
        else:
            # The scheduler acts for the organizers: the same state checks, no role check.
            can_open_round(_organizer_of(round_), round_).enforce()
        _freeze_motions(round_)
        size = _snapshot_roll(round_)
        round_.status = VotingRound.Status.OPEN
        round_.opened_at = timezone.now()
        round_.attribution = round_.framework.convening.attribution
        round_.save(update_fields=["status", "opened_at", "attribution"])
        audit_append(
            convening=round_.framework.convening,
            actor=actor,
            verb="round.opened",
            target=round_,
            payload={"roll": size, **_describe(round_)},
        )
        notices.round_opened(round_, actor=actor)
    return round_


def _organizer_of(round_: VotingRound) -> User:
    """Any organizer of the round's convening: the scheduler's checks are made as one."""
    membership = (
        Membership.objects.filter(convening=round_.framework.convening, role=Role.ORGANIZER)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise DomainError("The convening has no organizer.", status=409)
    return membership.user


def round_cancel(*, actor: User, round_: VotingRound) -> VotingRound:
    with transaction.atomic():
        round_ = _lock(round_)
        can_cancel_round(actor, round_).enforce()
        was_open = round_.status == VotingRound.Status.OPEN
        round_.status = VotingRound.Status.CANCELLED
        round_.cancelled_at = timezone.now()
        round_.save(update_fields=["status", "cancelled_at"])
        audit_append(
            convening=round_.framework.convening,
            actor=actor,
            verb="round.cancelled",
            target=round_,
            payload={"was_open": was_open},
        )
    return round_


# How long before a round closes its remaining voters are reminded.
REMIND_BEFORE = timedelta(hours=24)


def rounds_closing_remind(*, now: datetime) -> int:
    """Remind the eligible voters who have not voted of every open round closing within
    ``REMIND_BEFORE``; how many were told. Safe to run again: nobody is told twice a round."""
    due = VotingRound.objects.filter(
        status=VotingRound.Status.OPEN, closes_at__gt=now, closes_at__lte=now + REMIND_BEFORE
    ).select_related("framework")
    told = 0
    for round_ in due:
        with transaction.atomic():
            told += notices.round_closing_soon(round_)
    return told
