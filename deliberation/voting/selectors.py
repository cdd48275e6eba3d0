"""Reads of rounds as the API and the pages show them, with attribution applied.

Every read here is a fixed number of queries, whatever the number of ballots: results come
frozen on the motions once a round closes (and from grouped counts while it is open), and the
record is one query over the ballots with their voters and organizations joined.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from convene.audit import timestamp
from convene.models import Convening, Organization
from deliberation.discussion.attribution import Reader, reader_for
from deliberation.models import Alternative, Ballot, Framework, Motion, RollEntry, VotingRound
from deliberation.text.selectors import Numbering
from deliberation.voting import tally
from deliberation.voting.services.closing import eligible_by_group, turnout_by_group
from deliberation.voting.services.rounds import round_chain_key


def round_list(*, framework: Framework) -> QuerySet[VotingRound]:
    return (
        VotingRound.objects.filter(framework=framework)
        .select_related("framework")
        .prefetch_related(_motions())
        .order_by("-created_at", "-id")
    )


def _motions() -> Prefetch[Any]:
    return Prefetch(
        "motions",
        queryset=Motion.objects.select_related("clause", "amendment", "version", "winner"),
    )


def round_detail(*, round_id: int) -> VotingRound:
    return (
        VotingRound.objects.select_related("framework__convening")
        .prefetch_related(_motions())
        .get(pk=round_id)
    )


# --- who voted, as a reader may see it ---------------------------------------------------------
@dataclass(frozen=True)
class VoterShown:
    """How a round shows its voters to one reader."""

    reader: Reader
    round: VotingRound
    organization_unit: bool
    # The roll shown to organizers: names, even in a secret round.
    roll: bool = False

    @property
    def names(self) -> bool:
        """Persons are named: in a recorded round voted under named attribution, or to
        organizers. Delegations (organization unit) are always named; secret rounds never."""
        if self.roll:
            return True
        if self.round.is_secret:
            return False
        return self.reader.organizer or self.round.attribution != Convening.Attribution.GROUP

    def voter(self, user: Any) -> dict[str, Any] | None:
        if not self.names or user is None:
            return None
        return {"id": user.pk, "display_name": user.display_name}

    def organization(self, organization: Organization | None) -> dict[str, Any] | None:
        if organization is None or (self.round.is_secret and not self.roll):
            return None
        if not (self.names or self.organization_unit):
            return None
        return {"id": organization.pk, "name": organization.name, "country": organization.country}

    def country(self, organization: Organization | None) -> str | None:
        """Under group attribution, the country when the convening shows countries."""
        if organization is None or self.round.is_secret or not self.reader.show_country:
            return None
        return str(organization.country) or None


def voter_shown(user: Any, round_: VotingRound) -> VoterShown:
    from deliberation.voting.permissions import round_unit

    return VoterShown(
        reader=reader_for(user, round_.framework),
        round=round_,
        organization_unit=round_unit(round_) == tally.Unit.ORGANIZATION,
    )


# --- results ----------------------------------------------------------------------------------
def _objections(
    shown: VoterShown, frozen: list[dict[str, Any]], people: dict[int, Any]
) -> list[Any]:
    out = []
    if shown.round.is_secret:
        # In the order cast, objections would tell who objected to anyone who saw who voted when.
        frozen = sorted(frozen, key=lambda o: (o["group"], o["reason"]))
    for objection in frozen:
        entry: dict[str, Any] = {"group": objection["group"], "reason": objection["reason"]}
        voter = shown.voter(people.get(objection["voter"])) if objection.get("voter") else None
        if voter is not None:
            entry["voter"] = voter
        out.append(entry)
    return out


def results(*, user: Any, round_: VotingRound) -> dict[str, Any]:
    """The round's results for ``user``: frozen outcomes once closed; while open, turnout per
    group only, never positions."""
    motions = list(round_.motions.all())
    shown = voter_shown(user, round_)
    if round_.status == VotingRound.Status.CLOSED:
        ids = {o["voter"] for m in motions for o in (m.result or {}).get("objections", [])}
        people = _users(ids) if shown.names and ids else {}
        return {
            "status": round_.status,
            "motions": [_closed_motion(m, shown, people) for m in motions],
        }
    live = round_.status == VotingRound.Status.OPEN
    from deliberation.voting.permissions import round_unit

    eligible = eligible_by_group(round_, round_unit(round_)) if live else {}
    turnout = turnout_by_group(round_) if live else {}
    return {
        "status": round_.status,
        "motions": [_open_motion(m, eligible, turnout.get(m.pk, {})) for m in motions],
    }


def _users(ids: set[int]) -> dict[int, Any]:
    from convene.models import User

    return {u.pk: u for u in User.objects.filter(pk__in=ids).only("id", "display_name")}


def _motion_base(motion: Motion) -> dict[str, Any]:
    return {
        "id": motion.pk,
        "position": motion.position,
        "kind": motion.kind,
        "clause": motion.clause_id,
        "amendment": motion.amendment_id,
    }


def _closed_motion(motion: Motion, shown: VoterShown, people: dict[int, Any]) -> dict[str, Any]:
    frozen = motion.result or {}
    out = {
        **_motion_base(motion),
        "outcome": motion.outcome,
        "narrative": motion.narrative,
        "totals": frozen.get("totals", {}),
        "by_group": frozen.get("by_group", {}),
        "objections": _objections(shown, frozen.get("objections", []), people),
        "effect": motion.effect,
    }
    if not motion.is_yes_no:
        out["winner"] = motion.winner_id
        out["tie_broken"] = motion.tie_broken
    return out


def _open_motion(
    motion: Motion, eligible: dict[str, int], turnout: dict[str, int]
) -> dict[str, Any]:
    return {
        **_motion_base(motion),
        "outcome": None,
        "narrative": "",
        "totals": {"eligible": sum(eligible.values()), "turnout": sum(turnout.values())},
        "by_group": {
            group: {"eligible": eligible.get(group, 0), "turnout": turnout.get(group, 0)}
            for group in tally.GROUPS
        },
        "objections": [],
        "effect": "",
    }


# --- record -----------------------------------------------------------------------------------
def record(*, user: Any, round_: VotingRound) -> dict[str, Any]:
    """The published record of a closed round (docs/verification.md).

    Recorded: every ballot in chain order, counted or not, with its links and who cast it (as
    attribution allows). Secret: the counted ballots only, sorted by leaf, with their choices
    and nonces, and nothing that tells who cast them or when.
    """
    shown = voter_shown(user, round_)
    ballots = Ballot.objects.filter(round=round_)
    if round_.is_secret:
        rows = ballots.filter(counted=True).order_by("leaf").only("leaf", "nonce", "choices")
        entries = [{"leaf": b.leaf, "nonce": b.nonce, "choices": b.choices} for b in rows]
    else:
        rows = ballots.select_related("voter", "organization").order_by("seq")
        entries = [_recorded(b, shown) for b in rows]
    return {
        "round": {
            "id": round_.pk,
            "title": round_.title,
            "ballot_mode": round_.ballot_mode,
            "chain": round_chain_key(round_),
        },
        "head": round_.head,
        "counted_root": round_.counted_root,
        "ballots": entries,
    }


def _recorded(ballot: Ballot, shown: VoterShown) -> dict[str, Any]:
    return {
        "seq": ballot.seq,
        "leaf": ballot.leaf,
        "prev": ballot.prev,
        "entry": ballot.entry,
        "cast_at": timestamp(ballot.cast_at),
        "voter": shown.voter(ballot.voter),
        "group": ballot.stakeholder_group,
        "organization": shown.organization(ballot.organization),
        "country": shown.country(ballot.organization),
        "choices": ballot.choices,
        "counted": ballot.counted,
        "nonce": ballot.nonce,
    }


# --- roll and ballots ---------------------------------------------------------------------------
def roll(*, user: Any, round_: VotingRound) -> list[dict[str, Any]]:
    """The eligible roll as snapshotted at opening (before: as it would be taken now)."""
    shown = voter_shown(user, round_)
    # Who is on the roll is no secret from the organizers, even in a secret round (how they voted
    # is): they see the roll named whatever the ballot mode.
    if shown.reader.organizer:
        shown = VoterShown(reader=shown.reader, round=round_, organization_unit=True, roll=True)
    entries = RollEntry.objects.filter(round=round_).select_related("user", "organization")
    return [
        {
            "voter": shown.voter(entry.user),
            "group": entry.stakeholder_group,
            "organization": shown.organization(entry.organization),
            "country": shown.country(entry.organization),
            "head_of_delegation": entry.head_of_delegation,
        }
        for entry in entries.order_by("stakeholder_group", "id")
    ]


def my_ballot(*, user: Any, round_: VotingRound) -> Ballot | None:
    if user is None or not user.is_authenticated:
        return None
    return Ballot.objects.filter(round=round_, voter=user, counted=True).first()


def my_ballots(*, user: Any, rounds: Iterable[VotingRound]) -> dict[int, Ballot]:
    """round id → the user's counted ballot, for a list of rounds in one query (``my_ballot``
    for many)."""
    ids = [r.pk for r in rounds]
    if not ids or user is None or not user.is_authenticated:
        return {}
    ballots = Ballot.objects.filter(round_id__in=ids, voter=user, counted=True).only(
        "id", "round_id", "cast_at", "leaf"
    )
    return {b.round_id: b for b in ballots}


def alternatives_of(round_: VotingRound) -> dict[int, list[Alternative]]:
    """motion id → the alternatives to choose among (open ones; after close, those that were)."""
    clauses = {m.clause_id: m.pk for m in round_.motions.all() if not m.is_yes_no and m.clause_id}
    out: dict[int, list[Alternative]] = {pk: [] for pk in clauses.values()}
    rows = Alternative.objects.filter(clause_id__in=list(clauses)).exclude(
        status=Alternative.Status.WITHDRAWN
    )
    numbering = Numbering()
    for alternative in rows.order_by("label"):
        # Shown on the ballot, never saved: clause references with their current numbers.
        alternative.text = numbering.display(alternative.text)
        out[clauses[alternative.clause_id]].append(alternative)
    return out
