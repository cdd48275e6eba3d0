"""Demo public record: a short protocol negotiated, adopted by a recorded vote, and published as
edition 1, so a fresh ``make run`` has a published framework to read (``/api/v1/published/``).
Everything goes through the services."""

from __future__ import annotations

from convene.models import Convening, Membership, Role, User
from deliberation.models import Framework
from deliberation.publishing import services
from deliberation.text import services as text_services
from deliberation.voting import services as voting
from deliberation.voting.demo import drafted

SLUG = "emergency-pause-protocol"
TITLE = "Emergency Pause Protocol"
CLAUSES = [
    (
        "scope",
        "Scope",
        "This protocol applies when a Party's evaluators report that a frontier model meets "
        "the capability trigger of the Framework.",
    ),
    (
        "obligation",
        "Notification",
        "The developer notifies every Party within 24 hours and pauses further training of "
        "the model until the verifier reports.",
    ),
    (
        "general",
        "Review",
        "The Parties review this protocol at their first meeting after any pause.",
    ),
]


def seed(*, convening: Convening, organizer: User) -> Framework:
    """Create, adopt and publish the protocol if missing; leave what exists alone."""
    framework = Framework.objects.filter(slug=SLUG).first()
    if framework is not None:
        return framework
    framework, clauses = drafted(
        convening=convening,
        organizer=organizer,
        slug=SLUG,
        title=TITLE,
        preamble="Adopted by recorded vote of every stakeholder group.",
        clauses=CLAUSES,
    )
    # A second version of the notification clause, so its history has a diff to show.
    clauses[1] = text_services.clause_update(
        actor=organizer,
        clause=clauses[1],
        text="The developer notifies every Party within 12 hours, publishes a summary of the "
        "evaluators' report, and pauses further training of the model until the verifier "
        "reports.",
        rationale="Delegations asked for faster notice and a public summary.",
    )
    for to in ("consultation", "voting"):
        framework = text_services.framework_transition(actor=organizer, framework=framework, to=to)
    rule = {"threshold": "two_thirds", "quorum_percent": 50, "chambers": True}
    round_ = voting.round_create(
        actor=organizer,
        framework=framework,
        title="Final vote on the protocol",
        motions=[
            *({"kind": "adopt_clause", "clause": c.pk, "rule": rule} for c in clauses),
            {"kind": "adopt_framework", "rule": rule},
        ],
    )
    round_ = voting.round_open(actor=organizer, round_=round_)
    motions = list(round_.motions.order_by("position"))
    voters = Membership.objects.filter(convening=convening, role=Role.PARTICIPANT).select_related(
        "user"
    )
    for i, membership in enumerate(voters.order_by("user__email")):
        position = "abstain" if i % 7 == 3 else "yes"
        voting.ballot_cast(
            actor=membership.user,
            round_=round_,
            choices=[{"motion": m.pk, "position": position} for m in motions],
        )
    voting.round_close(actor=organizer, round_=round_)
    framework.refresh_from_db()
    services.framework_publish(actor=organizer, framework=framework)
    return framework
