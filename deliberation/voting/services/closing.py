"""Closing a round: count, decide, freeze the results and the record, apply the effects.

Closing locks the round row first, as casting does, so a ballot either commits before the close
(and is counted) or finds the round closed (409). Counting reads one grouped query over the
motions' counted choice rows, whatever the number of ballots (positions, rankings or approvals,
and turnout all come from it), and the objections with who made them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from convene.audit import audit_append, chain_head
from convene.models import User
from deliberation import notices
from deliberation.models import Ballot, BallotChoice, Motion, RollEntry, VotingRound
from deliberation.text import services as text_services
from deliberation.voting import narrative, record, tally
from deliberation.voting.permissions import can_close_round
from deliberation.voting.services.rounds import _lock, _organizer_of, round_chain_key

YES_NO_POSITIONS = ("yes", "no", "abstain", "object")


def eligible_by_group(round_: VotingRound, unit: str) -> dict[str, int]:
    """Eligible units per stakeholder group: people, or organizations (their heads)."""
    rows = (
        RollEntry.objects.filter(round=round_)
        .values("stakeholder_group")
        .annotate(
            people=Count("id"),
            heads=Count("id", filter=Q(head_of_delegation=True, organization__isnull=False)),
        )
        .order_by()
    )
    heads = unit == tally.Unit.ORGANIZATION
    return {row["stakeholder_group"]: row["heads"] if heads else row["people"] for row in rows}


@dataclass
class ChoiceCounts:
    """What closing counts from the choice rows: positions per motion and group, rankings or
    approvals per motion with their number of identical ballots, and turnout per motion and
    group."""

    positions: dict[int, dict[str, dict[str, int]]]
    profiles: dict[int, list[tuple[str, int]]]
    turnout: dict[int, dict[str, int]]


def choice_counts(motion_ids: list[int]) -> ChoiceCounts:
    """The counted choice rows of these motions, grouped once by motion, group, position and
    preference: one pass over the rows, whatever the number of ballots or motions, on the
    (motion, counted) index rather than a join that scans every round's rows."""
    rows = (
        BallotChoice.objects.filter(motion_id__in=motion_ids, counted=True)
        .values_list("motion_id", "stakeholder_group", "position", "preference")
        .annotate(n=Count("id"))
        .order_by()
    )
    positions: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    profiles: dict[int, Counter[str]] = defaultdict(Counter)
    turnout: dict[int, dict[str, int]] = defaultdict(dict)
    for motion_id, group, position, preference, n in rows:
        if position:
            by_position = positions[motion_id][group]
            by_position[position] = by_position.get(position, 0) + n
        if preference:
            profiles[motion_id][preference] += n
        turnout[motion_id][group] = turnout[motion_id].get(group, 0) + n
    return ChoiceCounts(
        positions=positions,
        profiles=defaultdict(
            list, {pk: sorted(counted.items()) for pk, counted in profiles.items()}
        ),
        turnout=turnout,
    )


def turnout_by_group(round_: VotingRound) -> dict[int, dict[str, int]]:
    """motion id → group → counted ballots choosing on it (positions not read)."""
    rows = (
        BallotChoice.objects.filter(motion__round=round_, counted=True)
        .values("motion_id", "stakeholder_group")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        out[row["motion_id"]][row["stakeholder_group"]] = row["n"]
    return out


def objections(motion_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """motion id → the objections on record, with who made them (attribution is applied when
    they are shown). Read as values: the ballots' other columns (their choices) stay unread."""
    rows = (
        BallotChoice.objects.filter(motion_id__in=motion_ids, counted=True, position="object")
        .order_by("ballot__seq")
        .values_list(
            "motion_id",
            "stakeholder_group",
            "reason",
            "ballot__voter",
            "ballot__organization",
            "ballot__organization__country",
        )
    )
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for motion_id, group, reason, voter, organization, country in rows:
        out[motion_id].append(
            {
                "group": group,
                "reason": reason,
                "voter": voter,
                "organization": organization,
                "country": country or "",
            }
        )
    return out


def _yes_no_result(
    motion: Motion,
    eligible: dict[str, int],
    positions: dict[str, dict[str, int]],
    motion_objections: list[dict[str, Any]],
) -> dict[str, Any]:
    rule = tally.Rule.from_dict(motion.rule or {})
    counts = {
        group: tally.Counts(eligible=eligible.get(group, 0), **positions.get(group, {}))
        for group in tally.GROUPS
    }
    decision = tally.decide(rule, counts)
    text = narrative.narrative(
        rule, decision, objection_groups=[o["group"] for o in motion_objections]
    )
    return {"outcome": decision.outcome.value, "narrative": text, "decision": decision}


def _choice_result(
    motion: Motion, labels: dict[int, str], profiles: list[tuple[str, int]]
) -> dict[str, Any]:
    candidates = sorted(labels.values())
    if motion.method == Motion.Method.SCHULZE:
        choice = tally.schulze(candidates, [(p.split(">"), n) for p, n in profiles])
    else:
        choice = tally.approval(candidates, [(p.split(","), n) for p, n in profiles])
    if not profiles:
        # Nobody chose: no alternative is chosen by default; the bracket stays.
        return {
            "outcome": tally.Outcome.NO_QUORUM.value,
            "choice": choice,
            "winner": None,
            "narrative": "No alternative chosen: nobody ranked or approved any.",
        }
    winner = next(pk for pk, label in labels.items() if label == choice.winner)
    return {
        "outcome": tally.Outcome.ADOPTED.value,
        "choice": choice,
        "winner": winner,
        "narrative": narrative.choice_narrative(motion.method, choice),
    }


def _effect(motion: Motion, actor: User | None, round_: VotingRound, winner: int | None) -> str:
    if motion.outcome != tally.Outcome.ADOPTED:
        return ""
    if motion.kind == Motion.Kind.ADOPT_CLAUSE and motion.clause is not None:
        return text_services.clause_adopt_by_vote(
            clause=motion.clause, version_id=motion.version_id, actor=actor, round_id=round_.pk
        )
    if motion.kind == Motion.Kind.ACCEPT_AMENDMENT and motion.amendment is not None:
        return text_services.amendment_accept_by_vote(
            amendment=motion.amendment, actor=actor, round_id=round_.pk
        )
    if motion.kind == Motion.Kind.CHOOSE_ALTERNATIVE and motion.clause and winner is not None:
        return text_services.alternative_choose_by_vote(
            clause=motion.clause,
            alternative_id=winner,
            actor=actor,
            round_id=round_.pk,
            narrative=motion.narrative,
        )
    if motion.kind == Motion.Kind.ADOPT_FRAMEWORK:
        return text_services.framework_adopt_by_vote(
            framework=round_.framework, actor=actor, round_id=round_.pk
        )
    return ""


def _freeze(motion: Motion, computed: dict[str, Any], totals: dict[str, Any]) -> None:
    motion.outcome = computed["outcome"]
    motion.narrative = computed["narrative"]
    motion.winner_id = computed.get("winner")
    choice = computed.get("choice")
    motion.tie_broken = bool(choice and choice.tie_broken and computed.get("winner"))
    motion.result = totals


def _totals(
    motion: Motion,
    computed: dict[str, Any],
    turnout: dict[str, int],
    eligible: dict[str, int],
    motion_objections: list[dict[str, Any]],
) -> dict[str, Any]:
    """The frozen result, as the results endpoint shows it (before attribution)."""
    decision = computed.get("decision")
    if decision is not None:
        overall = decision.overall.counts
        by_group = {
            group: {
                **{k: scope.counts.to_dict()[k] for k in ("eligible", *YES_NO_POSITIONS)},
                "turnout": scope.counts.participated,
                "quorum_met": scope.quorum_met,
                "threshold_met": scope.threshold_met,
                "skipped": scope.skipped,
            }
            for group, scope in decision.by_group.items()
        }
        totals = {
            **{k: overall.to_dict()[k] for k in ("eligible", *YES_NO_POSITIONS)},
            "turnout": overall.participated,
        }
    else:
        by_group = {
            group: {"eligible": eligible.get(group, 0), "turnout": turnout.get(group, 0)}
            for group in tally.GROUPS
        }
        totals = {"eligible": sum(eligible.values()), "turnout": sum(turnout.values())}
    choice = computed.get("choice")
    return {
        "totals": totals,
        "by_group": by_group,
        "objections": motion_objections,
        "scores": choice.scores if choice is not None else None,
        "winners": list(choice.winners) if choice is not None else None,
    }


def _count_and_freeze(round_: VotingRound, motions: list[Motion]) -> None:
    """Decide every motion from the grouped counts and freeze its result on it (unsaved)."""
    from deliberation.voting.permissions import round_unit
    from deliberation.voting.services.ballots import alternative_labels

    eligible = eligible_by_group(round_, round_unit(round_))
    ids = [motion.pk for motion in motions]
    counts = choice_counts(ids)
    motion_objections = objections(ids)
    labels = alternative_labels(round_)
    for motion in motions:
        if motion.is_yes_no:
            computed = _yes_no_result(
                motion, eligible, counts.positions.get(motion.pk, {}), motion_objections[motion.pk]
            )
        else:
            computed = _choice_result(motion, labels.get(motion.pk, {}), counts.profiles[motion.pk])
        totals = _totals(
            motion, computed, counts.turnout[motion.pk], eligible, motion_objections[motion.pk]
        )
        _freeze(motion, computed, totals)


# record.counted_root in SQL: the leaves sorted bytewise, joined by line feeds, SHA-256, hex.
COUNTED_ROOT_SQL = """
    SELECT encode(sha256(convert_to(
        coalesce(string_agg(leaf, E'\\n' ORDER BY leaf COLLATE "C"), ''), 'UTF8')), 'hex')
    FROM """


def _counted_root(round_: VotingRound) -> str:
    """``record.counted_root`` of the round's counted ballots. On PostgreSQL the database sorts,
    joins and hashes the leaves (byte order, as Python sorts these ASCII strings) and sends
    back one value, not every leaf; elsewhere Python does. Tests check both give one root."""
    # Unordered: the root sorts the leaves itself, so the ballots' default order (by seq) would
    # only add a sort of every ballot.
    leaves = Ballot.objects.filter(round=round_, counted=True).order_by().values("leaf")
    if connection.vendor != "postgresql":
        return record.counted_root(row["leaf"] for row in leaves)
    sql, params = leaves.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(COUNTED_ROOT_SQL + "(" + sql + ") AS counted", params)
        return str(cursor.fetchone()[0])


def round_close(*, actor: User | None, round_: VotingRound) -> VotingRound:
    """Close the round: count, decide each motion, freeze results, chain head and counted
    root (recorded in the convening's chain), then apply what was adopted. ``actor`` None is
    the scheduler, closing a round at its ``closes_at``."""
    with transaction.atomic():
        round_ = _lock(round_)
        can_close_round(actor if actor is not None else _organizer_of(round_), round_).enforce()
        round_.status = VotingRound.Status.CLOSED
        round_.closed_at = timezone.now()
        motions = list(round_.motions.select_related("clause", "amendment").order_by("position"))
        _count_and_freeze(round_, motions)
        round_.counted_root = _counted_root(round_)
        head = chain_head(round_chain_key(round_))
        round_.head = head["hash"]
        round_.save(update_fields=["status", "closed_at", "counted_root", "head"])
        for motion in motions:
            motion.effect = _effect(motion, actor, round_, motion.winner_id)
            motion.save(
                update_fields=["outcome", "narrative", "winner", "tie_broken", "result", "effect"]
            )
        audit_append(
            convening=round_.framework.convening,
            actor=actor,
            verb="round.closed",
            target=round_,
            payload={
                "chain": head,
                "counted_root": round_.counted_root,
                "outcomes": {str(m.pk): m.outcome for m in motions},
            },
        )
        notices.round_closed(round_, motions, actor=actor)
    return round_
