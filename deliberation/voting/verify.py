"""Check a closed round against its own record: leaves, chain, counted ballots, tally.

``manage.py round_verify ID`` runs this. It recounts from the ballots as stored (their choices),
not from the rows closing counted, so a ballot altered, removed or inserted behind the service's
back shows as a mismatch in the hashes, in the chain, or in the outcome.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from convene.audit import audit_verify, convening_chain
from convene.models import AuditChain, AuditEvent
from deliberation.models import Ballot, Motion, VotingRound
from deliberation.voting import record, tally
from deliberation.voting.permissions import round_unit
from deliberation.voting.services.ballots import leaf_voter
from deliberation.voting.services.closing import YES_NO_POSITIONS, eligible_by_group
from deliberation.voting.services.rounds import round_chain_key


def verify_round(round_: VotingRound) -> list[str]:
    """Every mismatch found, as sentences; empty when the round verifies."""
    if round_.status != VotingRound.Status.CLOSED:
        return [f"Round {round_.pk} is {round_.status}; only closed rounds have a record."]
    ballots = list(Ballot.objects.filter(round=round_).order_by("seq"))
    problems = _leaves(round_, ballots)
    problems += _chain(round_, ballots)
    problems += _counted(round_, ballots)
    problems += _tally(round_, [b for b in ballots if b.counted])
    return problems


def _leaves(round_: VotingRound, ballots: Iterable[Ballot]) -> list[str]:
    problems = []
    for ballot in ballots:
        leaf = record.leaf_hash(
            round_id=round_.pk,
            voter=leaf_voter(round_, ballot.voter_id),
            choices=ballot.choices,
            nonce=ballot.nonce,
        )
        if leaf != ballot.leaf:
            problems.append(f"Ballot seq {ballot.seq}: its leaf does not match its content.")
    return problems


def _chain(round_: VotingRound, ballots: list[Ballot]) -> list[str]:
    chain = AuditChain.objects.filter(key=round_chain_key(round_)).first()
    if chain is None:
        return [f"Round {round_.pk} has no ballot chain."]
    problems = []
    broken = audit_verify(chain)
    if broken is not None:
        problems.append(f"The ballot chain breaks at seq {broken.seq}: {broken.reason}.")
    events = {e.seq: e for e in AuditEvent.objects.filter(chain=chain)}
    if len(events) != len(ballots):
        problems.append(f"The chain holds {len(events)} ballots; the record {len(ballots)}.")
    for ballot in ballots:
        event = events.get(ballot.seq)
        if event is None or (event.hash, event.prev_hash) != (ballot.entry, ballot.prev):
            problems.append(f"Ballot seq {ballot.seq} is not the chain's link {ballot.seq}.")
        elif event.payload.get("leaf") != ballot.leaf:
            problems.append(f"Ballot seq {ballot.seq}: the chain carries another leaf.")
    if round_.head != chain.head_hash:
        problems.append("The head frozen at close is not the chain's head.")
    closed = (
        AuditEvent.objects.filter(
            chain=convening_chain(round_.framework.convening),
            verb="round.closed",
            target_id=str(round_.pk),
        )
        .order_by("seq")
        .first()
    )
    if closed is None:
        problems.append("The convening's chain has no record of the close.")
    elif (closed.payload.get("chain", {}).get("hash"), closed.payload.get("counted_root")) != (
        round_.head,
        round_.counted_root,
    ):
        problems.append("The convening's chain vouches for another head or counted root.")
    return problems


def _counted(round_: VotingRound, ballots: list[Ballot]) -> list[str]:
    last: dict[int, Ballot] = {}
    for ballot in ballots:
        last[ballot.voter_id] = ballot
    problems = [
        f"Ballot seq {b.seq}: counted is {b.counted}, but it is "
        f"{'' if last[b.voter_id] is b else 'not '}its voter's last."
        for b in ballots
        if b.counted != (last[b.voter_id] is b)
    ]
    root = record.counted_root(b.leaf for b in ballots if b.counted)
    if root != round_.counted_root:
        problems.append("The counted root does not match the counted ballots.")
    return problems


def recount(round_: VotingRound, counted: Iterable[Ballot]) -> dict[int, dict[str, Any]]:
    """motion id → {outcome, totals, winner}, recounted from the ballots' stored choices."""
    positions: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    preferences: dict[int, list[tuple[list[int], int]]] = defaultdict(list)
    for ballot in counted:
        for choice in ballot.choices:
            motion_id = int(choice["motion"])
            if "position" in choice:
                group = positions[motion_id][ballot.stakeholder_group]
                group[choice["position"]] = group.get(choice["position"], 0) + 1
            else:
                preferences[motion_id].append((choice.get("ranking") or choice["approvals"], 1))
    eligible = eligible_by_group(round_, round_unit(round_))
    out = {}
    for motion in round_.motions.all():
        if motion.is_yes_no:
            out[motion.pk] = _recount_yes_no(motion, eligible, positions[motion.pk])
        else:
            out[motion.pk] = _recount_choice(motion, preferences[motion.pk])
    return out


def _recount_yes_no(
    motion: Motion, eligible: dict[str, int], positions: dict[str, dict[str, int]]
) -> dict[str, Any]:
    counts = {
        group: tally.Counts(eligible=eligible.get(group, 0), **positions.get(group, {}))
        for group in tally.GROUPS
    }
    decision = tally.decide(tally.Rule.from_dict(motion.rule or {}), counts)
    overall = decision.overall.counts.to_dict()
    return {
        "outcome": decision.outcome.value,
        "totals": {k: overall[k] for k in ("eligible", *YES_NO_POSITIONS)},
        "winner": None,
    }


def _recount_choice(motion: Motion, preferences: list[tuple[list[int], int]]) -> dict[str, Any]:
    labels = {option["id"]: option["label"] for option in motion.options}
    if not preferences:
        return {"outcome": tally.Outcome.NO_QUORUM.value, "totals": None, "winner": None}
    candidates = sorted(labels.values())
    named = [([labels[a] for a in p], n) for p, n in preferences]
    if motion.method == Motion.Method.SCHULZE:
        choice = tally.schulze(candidates, named)
    else:
        choice = tally.approval(candidates, named)
    winner = next((pk for pk, label in labels.items() if label == choice.winner), None)
    return {"outcome": tally.Outcome.ADOPTED.value, "totals": None, "winner": winner}


def _tally(round_: VotingRound, counted: list[Ballot]) -> list[str]:
    problems = []
    try:
        recounted = recount(round_, counted)
    except (ValueError, KeyError) as exc:
        # More ballots than the roll allows, or a choice naming nothing on the ballot.
        return [f"The counted ballots cannot be recounted: {exc}"]
    for motion in round_.motions.all():
        again = recounted[motion.pk]
        if again["outcome"] != motion.outcome:
            problems.append(
                f"Motion {motion.pk}: recounted {again['outcome']}, recorded {motion.outcome}."
            )
        frozen = (motion.result or {}).get("totals", {})
        if again["totals"] is not None and any(
            frozen.get(k) != v for k, v in again["totals"].items()
        ):
            problems.append(f"Motion {motion.pk}: the recounted totals differ from the results.")
        if not motion.is_yes_no and again["winner"] != motion.winner_id:
            problems.append(f"Motion {motion.pk}: recounted another winner.")
    return problems
