"""Helpers for the voting tests: more voters on the roll, ballots through the service, and an
independent recount of a round from its published record."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from convene import services as convene_services
from convene.models import Organization, Role, User
from deliberation.models import Alternative, Motion, VotingRound
from deliberation.voting import tally
from tests.conftest import World
from tests.factories import UserFactory

API = "/api/v1"
GROUPS = tally.GROUPS


def add_voters(world: World, count: int, *, tag: str = "v") -> list[User]:
    """``count`` more participants in the world's convening, spread over the three groups (and
    their organizations) in turn. Add them before a round opens: its roll is taken then."""
    organizations: dict[str, Organization] = {
        "policymaker": world.org_gov,
        "industry": world.org_lab,
        "civil_society": world.org_ngo,
    }
    voters = []
    for i in range(count):
        group = GROUPS[i % len(GROUPS)]
        user = UserFactory(
            email=f"{tag}-voter-{i}@example.org",
            display_name=f"Zed {tag.upper()} Voterson {i:04d}",
            handle=f"{tag}-voter-{i}",
        )
        convene_services.member_add(
            actor=world.organizer,
            convening=world.convening,
            user=user,
            role=Role.PARTICIPANT,
            stakeholder_group=group,
            organization=organizations[group],
        )
        voters.append(user)
    return voters


def motion_ids(round_: VotingRound) -> dict[str, int]:
    """kind → motion id (one motion per kind in the rounds these tests make)."""
    return {m.kind: m.pk for m in Motion.objects.filter(round=round_)}


# --- recounting a round from its record --------------------------------------------------------
def eligible_from_roll(roll: Iterable[Mapping[str, Any]], unit: str) -> dict[str, int]:
    """Eligible units per group, from the published roll."""
    counts: Counter[str] = Counter()
    for entry in roll:
        if unit == tally.Unit.ORGANIZATION and not entry["head_of_delegation"]:
            continue
        counts[entry["group"]] += 1
    return dict(counts)


def recount_yes_no(
    rule: Mapping[str, Any],
    eligible: Mapping[str, int],
    ballots: Sequence[tuple[str, Mapping[str, Any]]],
    motion_id: int,
) -> tally.Decision:
    """Decide a yes/no motion from (group, choices) of the counted ballots."""
    positions: dict[str, Counter[str]] = defaultdict(Counter)
    for group, choices in ballots:
        for choice in choices:
            if choice["motion"] == motion_id and "position" in choice:
                positions[group][choice["position"]] += 1
    counts = {
        group: tally.Counts(eligible=eligible.get(group, 0), **positions.get(group, {}))
        for group in GROUPS
    }
    return tally.decide(tally.Rule.from_dict(rule), counts)


def recount_choice(motion: Motion, ballots: Sequence[Mapping[str, Any]]) -> tuple[int | None, bool]:
    """The winning alternative's id (None when nobody chose) and whether a tie was broken,
    recounted from the counted ballots' choices."""
    alternatives = Alternative.objects.filter(clause_id=motion.clause_id).exclude(
        status=Alternative.Status.WITHDRAWN
    )
    labels = {a.pk: a.label for a in alternatives}
    key = "ranking" if motion.method == Motion.Method.SCHULZE else "approvals"
    profiles = [
        ([labels[pk] for pk in choice[key]], 1)
        for choices in ballots
        for choice in choices
        if choice["motion"] == motion.pk
    ]
    if not profiles:
        return None, False
    count = tally.schulze if key == "ranking" else tally.approval
    chosen = count(sorted(labels.values()), profiles)
    winner = next(pk for pk, label in labels.items() if label == chosen.winner)
    return winner, chosen.tie_broken


def totals_of(decision: tally.Decision) -> dict[str, Any]:
    """What ``Motion.result["totals"]`` holds for a yes/no decision."""
    counts = decision.overall.counts
    return {
        "eligible": counts.eligible,
        "yes": counts.yes,
        "no": counts.no,
        "abstain": counts.abstain,
        "object": counts.object,
        "turnout": counts.participated,
    }


def by_group_of(decision: tally.Decision) -> dict[str, Any]:
    return {
        group: {
            "eligible": scope.counts.eligible,
            "yes": scope.counts.yes,
            "no": scope.counts.no,
            "abstain": scope.counts.abstain,
            "object": scope.counts.object,
            "turnout": scope.counts.participated,
            "quorum_met": scope.quorum_met,
            "threshold_met": scope.threshold_met,
            "skipped": scope.skipped,
        }
        for group, scope in decision.by_group.items()
    }


def assert_record_recounts(round_: VotingRound, record: Mapping[str, Any], roll: Any) -> None:
    """Every motion's frozen result equals a recount of the record's counted ballots.

    A recorded round's record carries each ballot's group, so the recount is per group; a
    secret round's does not, so there only the overall totals (and, without chambers, the
    outcome) are recounted.
    """
    secret = round_.ballot_mode == VotingRound.BallotMode.SECRET
    counted = [b for b in record["ballots"] if secret or b["counted"]]
    unit = next(
        (m.rule.get("unit", "person") for m in Motion.objects.filter(round=round_) if m.rule),
        "person",
    )
    if secret:
        roll_rows = [
            {"group": "policymaker", "head_of_delegation": e["head_of_delegation"]} for e in roll
        ]
        with_groups = [("policymaker", b["choices"]) for b in counted]
    else:
        roll_rows = roll
        with_groups = [(b["group"], b["choices"]) for b in counted]
    eligible = eligible_from_roll(roll_rows, unit)
    for motion in Motion.objects.filter(round=round_).order_by("position"):
        if motion.is_yes_no:
            decision = recount_yes_no(motion.rule or {}, eligible, with_groups, motion.pk)
            assert motion.result is not None
            assert motion.result["totals"] == totals_of(decision), motion
            if not secret:
                assert motion.result["by_group"] == by_group_of(decision), motion
            if not secret or not (motion.rule or {}).get("chambers"):
                assert motion.outcome == decision.outcome.value, motion
        else:
            winner, tie_broken = recount_choice(motion, [b["choices"] for b in counted])
            assert motion.winner_id == winner, motion
            assert motion.tie_broken == tie_broken, motion
            assert motion.outcome == ("adopted" if winner else "no_quorum"), motion
