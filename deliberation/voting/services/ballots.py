"""Casting a ballot: checked against the round's motions, linked into the round's chain."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from convene.audit import audit_append, timestamp
from convene.errors import DomainError
from convene.models import Convening, User
from deliberation.models import Alternative, Ballot, BallotChoice, Motion, RollEntry, VotingRound
from deliberation.voting import record
from deliberation.voting.permissions import can_vote
from deliberation.voting.services.rounds import round_chain_key

POSITIONS = ("yes", "no", "abstain", "object")
MAX_REASON = 5_000


def _invalid(message: str) -> DomainError:
    return DomainError(message, field="choices")


def _alternative_ids(value: Any, motion: Motion, options: Mapping[int, str], key: str) -> list[int]:
    if not isinstance(value, list) or not value:
        raise _invalid(f"Motion {motion.pk}: {key} must list at least one alternative.")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise _invalid(f"Motion {motion.pk}: {key} must list alternative ids.")
    if len(set(value)) != len(value):
        raise _invalid(f"Motion {motion.pk}: an alternative appears twice in {key}.")
    unknown = [v for v in value if v not in options]
    if unknown:
        raise _invalid(f"Motion {motion.pk}: {unknown[0]} is not an alternative on its ballot.")
    return list(value)


def _yes_no(choice: Mapping[str, Any], motion: Motion) -> dict[str, Any]:
    position = choice.get("position")
    if position not in POSITIONS:
        raise _invalid(f"Motion {motion.pk}: position must be one of {', '.join(POSITIONS)}.")
    if set(choice) - {"motion", "position", "reason"}:
        raise _invalid(f"Motion {motion.pk}: a yes/no motion takes a position and a reason.")
    reason = choice.get("reason") or ""
    if not isinstance(reason, str):
        raise _invalid(f"Motion {motion.pk}: the reason must be text.")
    reason = reason.strip()
    if position == "object" and not reason:
        raise _invalid(f"Motion {motion.pk}: an objection needs a reason, which is recorded.")
    if position != "object" and reason:
        raise _invalid(f"Motion {motion.pk}: a reason goes with an objection only.")
    if len(reason) > MAX_REASON or "\x00" in reason:
        raise _invalid(f"Motion {motion.pk}: the reason is at most {MAX_REASON} characters.")
    return {"motion": motion.pk, "position": position, **({"reason": reason} if reason else {})}


def _alternatives(
    choice: Mapping[str, Any], motion: Motion, options: Mapping[int, str]
) -> dict[str, Any]:
    key = "ranking" if motion.method == Motion.Method.SCHULZE else "approvals"
    if set(choice) != {"motion", key}:
        raise _invalid(f"Motion {motion.pk} is decided by {motion.method}: send {key} only.")
    ids = _alternative_ids(choice[key], motion, options, key)
    # A ranking's order is the vote; approvals are a set, kept in one order so that equal
    # ballots are equal.
    return {"motion": motion.pk, key: ids if key == "ranking" else sorted(ids)}


def clean_choices(
    round_: VotingRound, choices: Any, options: Mapping[int, Mapping[int, str]]
) -> list[dict[str, Any]]:
    """The ballot's choices, checked against the round's motions and the alternatives on its
    ballot (``alternative_labels``), in canonical form (400 on anything else). A voter may skip
    motions, but must choose on at least one."""
    if not isinstance(choices, list) or not choices:
        raise _invalid("Choose on at least one motion.")
    motions = {m.pk: m for m in round_.motions.all()}
    cleaned = []
    for choice in choices:
        if not isinstance(choice, Mapping):
            raise _invalid("Each choice is an object with a motion.")
        motion_id = choice.get("motion")
        motion = motions.get(motion_id) if isinstance(motion_id, int) else None
        if motion is None:
            raise _invalid(f"{choice.get('motion')!r} is not a motion of this round.")
        if motion.is_yes_no:
            cleaned.append(_yes_no(choice, motion))
        else:
            cleaned.append(_alternatives(choice, motion, options.get(motion.pk, {})))
    if len({c["motion"] for c in cleaned}) != len(cleaned):
        raise _invalid("Each motion takes one choice per ballot.")
    return record.canonical_choices(cleaned)


def alternative_labels(round_: VotingRound) -> dict[int, dict[int, str]]:
    """motion id → {alternative id: label} for the round's choose_alternative motions: the
    alternatives fixed on the ballot when the round opened (before: those open now)."""
    if round_.opened_at is not None:
        return {
            m.pk: {option["id"]: option["label"] for option in m.options}
            for m in round_.motions.all()
            if not m.is_yes_no
        }
    clauses = {m.clause_id: m.pk for m in round_.motions.all() if not m.is_yes_no and m.clause_id}
    out: dict[int, dict[int, str]] = {pk: {} for pk in clauses.values()}
    rows = Alternative.objects.filter(
        clause_id__in=clauses, status=Alternative.Status.OPEN
    ).values_list("clause_id", "pk", "label")
    for clause_id, pk, label in rows:
        out[clauses[clause_id]][pk] = label
    return out


def _preference(choice: Mapping[str, Any], labels: Mapping[int, str]) -> str:
    if "ranking" in choice:
        return ">".join(labels[v] for v in choice["ranking"])
    if "approvals" in choice:
        return ",".join(sorted(labels[v] for v in choice["approvals"]))
    return ""


def ballot_cast(*, actor: User, round_: VotingRound, choices: Any) -> Ballot:
    """Cast (or replace) ``actor``'s ballot. The earlier one stays in the record, not counted.
    Refused with 409 once the round is closed: closing locks the round row first."""
    labels = alternative_labels(round_)
    cleaned = clean_choices(round_, choices, labels)
    with transaction.atomic():
        round_ = (
            VotingRound.objects.select_for_update()
            .select_related("framework__convening")
            .get(pk=round_.pk)
        )
        can_vote(actor, round_).enforce()
        entry = RollEntry.objects.get(round=round_, user=actor)
        earlier = Ballot.objects.filter(round=round_, voter=actor, counted=True)
        BallotChoice.objects.filter(ballot__in=earlier).update(counted=False)
        earlier.update(counted=False)
        ballot = _linked_ballot(round_, actor, entry, cleaned)
        BallotChoice.objects.bulk_create(
            BallotChoice(
                ballot=ballot,
                motion_id=choice["motion"],
                stakeholder_group=entry.stakeholder_group,
                position=choice.get("position", ""),
                reason=choice.get("reason", ""),
                preference=_preference(choice, labels.get(choice["motion"], {})),
            )
            for choice in cleaned
        )
    return ballot


def _linked_ballot(
    round_: VotingRound, actor: User, entry: RollEntry, cleaned: list[dict[str, Any]]
) -> Ballot:
    """The ballot, its leaf over a fresh nonce, appended as the next link of the round chain."""
    nonce = secrets.token_hex(32)
    voter = leaf_voter(round_, actor.pk)
    leaf = record.leaf_hash(round_id=round_.pk, voter=voter, choices=cleaned, nonce=nonce)
    event = audit_append(
        convening=round_.framework.convening,
        actor=None,
        verb=record.LEAF_VERB,
        target=round_,
        payload={"leaf": leaf},
        chain=round_chain_key(round_),
    )
    return Ballot.objects.create(
        round=round_,
        voter=actor,
        stakeholder_group=entry.stakeholder_group,
        organization_id=entry.organization_id,
        choices=cleaned,
        nonce=nonce,
        leaf=leaf,
        seq=event.seq,
        prev=event.prev_hash,
        entry=event.hash,
        cast_at=event.created_at,
    )


def leaf_voter(round_: VotingRound, user_id: int) -> int | None:
    """The voter a leaf names: the user id in a recorded round voted under named attribution;
    none in a secret round or under group attribution, whose record shows no voter ids, so
    that anyone can still recompute every leaf from the record."""
    if round_.is_secret or round_.attribution == Convening.Attribution.GROUP:
        return None
    return user_id


def cast_at_text(ballot: Ballot) -> str:
    """The cast time exactly as the round chain's entry hashed it."""
    return timestamp(ballot.cast_at)
