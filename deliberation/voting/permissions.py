"""Who may run rounds and vote in them, and when: one predicate per action.

``can_vote`` is the one eligibility rule: the ballot service enforces it, the API declares it,
and the pages draw the ballot from it. A round's roll is snapshotted when it opens; before that,
eligibility is read from the memberships, as the roll will be taken from them.
"""

from __future__ import annotations

from typing import Any

from convene.models import Role
from convene.permissions import (
    ALLOW,
    Need,
    Verdict,
    first_refusal,
    is_organizer,
    membership_of,
    refuse,
)
from deliberation.models import Framework, Motion, RollEntry, VotingRound
from deliberation.text.permissions import can_view_framework, raise_not_found
from deliberation.voting.tally import Unit

ORGANIZERS_ONLY = "Only organizers of this convening may run voting rounds."
# Framework statuses in which rounds can be drafted, and the one in which they can open.
DRAFTING = frozenset({Framework.Status.CONSULTATION, Framework.Status.VOTING})
EDITABLE = frozenset({VotingRound.Status.DRAFT, VotingRound.Status.SCHEDULED})
CANCELLABLE = EDITABLE | {VotingRound.Status.OPEN}


def _organizer(user: Any, framework: Framework) -> Verdict:
    return first_refusal(
        lambda: can_view_framework(user, framework),
        lambda: ALLOW if is_organizer(user, framework.convening) else refuse(403, ORGANIZERS_ONLY),
    )


def can_view_round(user: Any, round_: VotingRound) -> Verdict:
    if can_view_framework(user, round_.framework):
        return ALLOW
    return refuse(404, "No such round.")


def can_create_round(user: Any, framework: Framework) -> Verdict:
    def drafting() -> Verdict:
        if framework.status in DRAFTING:
            return ALLOW
        return refuse(
            409,
            "Voting rounds can be drafted only while the framework is in consultation or "
            f"voting; it is in {framework.status}.",
        )

    return first_refusal(lambda: _organizer(user, framework), drafting)


def _status_in(round_: VotingRound, allowed: frozenset[str], action: str) -> Verdict:
    if round_.status in allowed:
        return ALLOW
    names = " or ".join(s for s in VotingRound.Status.values if s in allowed)
    return refuse(409, f"A round can be {action} only while {names}; this one is {round_.status}.")


def can_run_round(user: Any, round_: VotingRound) -> Verdict:
    """Organizer of the round's convening: who may edit, open, close or cancel it."""
    return first_refusal(
        lambda: can_view_round(user, round_), lambda: _organizer(user, round_.framework)
    )


def can_edit_round(user: Any, round_: VotingRound) -> Verdict:
    """Change the round's settings and motions: until it opens (rules are frozen then)."""
    return first_refusal(
        lambda: can_run_round(user, round_), lambda: _status_in(round_, EDITABLE, "edited")
    )


def can_open_round(user: Any, round_: VotingRound) -> Verdict:
    def framework_voting() -> Verdict:
        status = round_.framework.status
        if status == Framework.Status.VOTING:
            return ALLOW
        return refuse(
            409, f"A round opens only while its framework is in voting; it is in {status}."
        )

    return first_refusal(
        lambda: can_run_round(user, round_),
        lambda: _status_in(round_, EDITABLE, "opened"),
        framework_voting,
    )


def can_close_round(user: Any, round_: VotingRound) -> Verdict:
    return first_refusal(
        lambda: can_run_round(user, round_),
        lambda: _status_in(round_, frozenset({VotingRound.Status.OPEN}), "closed"),
    )


def can_cancel_round(user: Any, round_: VotingRound) -> Verdict:
    return first_refusal(
        lambda: can_run_round(user, round_),
        lambda: _status_in(round_, CANCELLABLE, "cancelled"),
    )


def round_unit(round_: VotingRound) -> str:
    """The round's vote unit: every yes/no motion of a round shares one (``round_create``)."""
    for motion in round_.motions.all():
        if motion.rule:
            return str(motion.rule.get("unit", Unit.PERSON))
    return Unit.PERSON


def roll_entry(user: Any, round_: VotingRound) -> RollEntry | None:
    if user is None or not user.is_authenticated:
        return None
    return RollEntry.objects.filter(round=round_, user=user).first()


def _eligible(user: Any, round_: VotingRound) -> Verdict:
    if round_.opened_at is not None:
        entry = roll_entry(user, round_)
        on_roll = entry is not None
        head = entry is not None and entry.head_of_delegation
    else:
        membership = membership_of(user, round_.framework.convening)
        on_roll = (
            membership is not None
            and membership.role == Role.PARTICIPANT
            and bool(membership.stakeholder_group)
        )
        head = on_roll and membership is not None and membership.head_of_delegation
    if not on_roll:
        return refuse(403, "Only participants on this round's roll may vote; you are not on it.")
    if round_unit(round_) == Unit.ORGANIZATION and not head:
        return refuse(
            403,
            "This round counts one vote per organization, cast by its head of delegation; "
            "you are not a head of delegation.",
        )
    return ALLOW


def can_vote(user: Any, round_: VotingRound) -> Verdict:
    """Cast or replace a ballot: on the roll (a participant, and the head of delegation when the
    round counts organizations), while the round is open."""
    return first_refusal(
        lambda: can_view_round(user, round_),
        lambda: _eligible(user, round_),
        lambda: _status_in(round_, frozenset({VotingRound.Status.OPEN}), "voted in"),
    )


def can_see_record(user: Any, round_: VotingRound) -> Verdict:
    """The round's ballots are published when it closes."""

    def closed() -> Verdict:
        if round_.status == VotingRound.Status.CLOSED:
            return ALLOW
        return refuse(409, f"The record is published when the round closes; it is {round_.status}.")

    return first_refusal(lambda: can_view_round(user, round_), closed)


def can_see_roll(user: Any, round_: VotingRound) -> Verdict:
    """Organizers always; everyone who sees the round when its ballots are recorded (named)."""

    def allowed() -> Verdict:
        if not round_.is_secret or is_organizer(user, round_.framework.convening):
            return ALLOW
        return refuse(403, "The roll of a secret round is shown to organizers only.")

    return first_refusal(lambda: can_view_round(user, round_), allowed)


def motion_target_open(motion: Motion) -> Verdict:
    """Whether the motion's target can still be decided (checked when the round opens)."""
    if motion.kind == Motion.Kind.ACCEPT_AMENDMENT and motion.amendment is not None:
        amendment = motion.amendment
        if amendment.status != amendment.Status.OPEN:
            return refuse(409, f"Amendment {amendment.number} is {amendment.status}.")
    return ALLOW


# --- fetch and authorize ----------------------------------------------------------------------
ROUND_NEEDS = {
    Need.VIEW: can_view_round,
    Need.EDIT: can_edit_round,
    Need.RUN: can_run_round,
    Need.VOTE: can_vote,
}


def access_round(user: Any, round_id: int, *, need: Need = Need.VIEW) -> VotingRound:
    round_ = (
        VotingRound.objects.select_related("framework__convening")
        .prefetch_related("motions")
        .filter(pk=round_id)
        .first()
    )
    if round_ is None:
        raise_not_found("round")
    ROUND_NEEDS[need](user, round_).authorize()
    return round_


def access_framework_rounds(user: Any, slug: str, *, need: Need = Need.VIEW) -> Framework:
    """The framework whose rounds are listed (VIEW) or drafted (RUN)."""
    framework = Framework.objects.select_related("convening").filter(slug=slug).first()
    if framework is None:
        raise_not_found("framework")
    check = can_create_round if need is Need.RUN else can_view_framework
    check(user, framework).authorize()
    return framework
