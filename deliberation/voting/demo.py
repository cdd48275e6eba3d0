"""Demo voting: an annex to the demo framework, put to the vote.

One closed round (two clauses adopted, one rejected because industry voted it down, a bracket
resolved by Schulze) and one open round with some ballots cast. Everything goes through the
services, so the rounds' chains and records verify like any other (``round_verify --all``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from convene.models import Convening, Membership, Role, StakeholderGroup, User
from deliberation.models import Clause, Framework
from deliberation.text import services as text_services
from deliberation.voting import services

SLUG = "verification-and-adjudication-annex"
TITLE = "Annex: Verification and Adjudication"
CLAUSES = [
    # kind, title, text
    (
        "general",
        "Purpose of the annex",
        "This annex sets out how a pause is verified and how disputes about it are decided.",
    ),
    (
        "general",
        "Access for verifiers",
        "Developers give accredited verifiers access to "
        "training logs and compute records within 72 hours of a request.",
    ),
    (
        "general",
        "Public reporting",
        "Verification reports are published within 30 days, with "
        "commercially sensitive details redacted by the adjudication body.",
    ),
    (
        "general",
        "Composition of the adjudication body",
        "The adjudication body has nine members, three nominated by each stakeholder group.",
    ),
    ("general", "Entry into force", "This annex takes effect together with the Framework."),
]
REPORTING_OPTIONS = [
    ("lena.hartmann@example.org", "Verification reports are published within 30 days."),
    ("maya.goldberg@example.org", "Verification reports are published within 7 days."),
    ("dana.brooks@example.org", "Verification reports are published within 90 days."),
]


def _delegates() -> dict[str, list[User]]:
    members = (
        Membership.objects.filter(convening__slug="global-ai-safety-brake", role=Role.PARTICIPANT)
        .select_related("user")
        .order_by("user__email")
    )
    out: dict[str, list[User]] = {group: [] for group in StakeholderGroup.values}
    for membership in members:
        out[membership.stakeholder_group].append(membership.user)
    return out


def drafted(
    *,
    convening: Convening,
    organizer: User,
    slug: str,
    title: str,
    preamble: str,
    clauses: list[tuple[str, str, str]],
) -> tuple[Framework, list[Clause]]:
    """A demo framework in draft with its clauses ``(kind, title, text)``."""
    framework = text_services.framework_create(
        actor=organizer, convening=convening, title=title, slug=slug, preamble=preamble
    )
    made = [
        text_services.clause_create(
            actor=organizer, framework=framework, kind=kind, title=clause_title, text=text
        )
        for kind, clause_title, text in clauses
    ]
    return framework, made


def seed(*, convening: Convening, organizer: User) -> Framework:
    """Create the annex and its rounds if missing; leave what exists alone."""
    framework = Framework.objects.filter(slug=SLUG).first()
    if framework is not None:
        return framework
    framework, clauses = drafted(
        convening=convening,
        organizer=organizer,
        slug=SLUG,
        title=TITLE,
        preamble="Put to the vote clause by clause.",
        clauses=CLAUSES,
    )
    framework = text_services.framework_transition(
        actor=organizer, framework=framework, to="consultation"
    )
    for email, text in REPORTING_OPTIONS:
        text_services.alternative_propose(
            actor=User.objects.get(email=email),
            clause=clauses[2],
            text=text,
            rationale="The timing matters.",
        )
    framework = text_services.framework_transition(
        actor=organizer, framework=framework, to="voting"
    )
    _closed_round(framework, organizer, clauses)
    _open_round(framework, organizer, clauses)
    return framework


def _motion(clause: Clause, **rule: Any) -> dict[str, Any]:
    return {"kind": "adopt_clause", "clause": clause.pk, "rule": rule}


def _closed_round(framework: Framework, organizer: User, clauses: list[Clause]) -> None:
    chambers = {"threshold": "two_thirds", "quorum_percent": 50, "chambers": True}
    round_ = services.round_create(
        actor=organizer,
        framework=framework,
        title="First reading of the annex",
        description="Clauses 1, 2 and 4 by two-thirds in each group; the reporting deadline by "
        "ranked ballot.",
        motions=[
            _motion(clauses[0], **chambers),
            _motion(clauses[1], **chambers),
            {"kind": "choose_alternative", "clause": clauses[2].pk, "method": "schulze"},
            _motion(clauses[3], **chambers),
        ],
    )
    round_ = services.round_open(actor=organizer, round_=round_)
    motions = list(round_.motions.order_by("position"))
    options = {a.label: a.pk for a in clauses[2].alternatives.all()}
    rankings = [["B", "A", "C"], ["A", "B"], ["B", "C", "A"], ["A", "C", "B"], ["B", "A"], ["C"]]
    for group, voters in _delegates().items():
        for i, voter in enumerate(voters):
            # Industry votes the composition of the adjudication body down.
            composition = "no" if group == "industry" and i < 4 else "yes"
            choices = [
                {"motion": motions[0].pk, "position": "yes"},
                {"motion": motions[1].pk, "position": "yes" if i != 5 else "abstain"},
                {
                    "motion": motions[2].pk,
                    "ranking": [options[label] for label in rankings[i % len(rankings)]],
                },
                {"motion": motions[3].pk, "position": composition},
            ]
            if group == "industry" and i == 0:
                choices[3] = {
                    "motion": motions[3].pk,
                    "position": "object",
                    "reason": "Industry needs more than a third of the seats.",
                }
            services.ballot_cast(actor=voter, round_=round_, choices=choices)
    services.round_close(actor=organizer, round_=round_)


def _open_round(framework: Framework, organizer: User, clauses: list[Clause]) -> None:
    round_ = services.round_create(
        actor=organizer,
        framework=framework,
        title="Second reading: entry into force",
        motions=[_motion(clauses[4], threshold="simple", quorum_percent=50)],
        closes_at=timezone.now() + timedelta(days=7),
    )
    round_ = services.round_open(actor=organizer, round_=round_)
    motion = round_.motions.get()
    for voters in _delegates().values():
        for voter in voters[:2]:
            services.ballot_cast(
                actor=voter, round_=round_, choices=[{"motion": motion.pk, "position": "yes"}]
            )
