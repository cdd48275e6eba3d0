"""Demo text for ``manage.py seed_demo``: the framework the demo convening negotiates."""

from __future__ import annotations

from typing import Any

from convene.models import Convening, User
from deliberation.models import Clause, Framework
from deliberation.text import services

SLUG = "coordinated-pause-framework"
TITLE = "Framework for a Coordinated Pause of Frontier AI Development"
PREAMBLE = """\
The Parties, recognising that frontier AI systems may come to improve themselves faster than
humans can oversee them, agree on **identical terms** for when development pauses, how
compliance is verified, who decides, and when a pause ends.
"""

# kind, title, text, spec, later revisions [(text, spec or None to keep, rationale)]
CLAUSES: list[tuple[str, str, str, dict[str, Any] | None, list[tuple[str, Any, str]]]] = [
    (
        "scope",
        "Scope",
        "This Framework applies to every developer that trains a general-purpose AI model with "
        "more than 10^26 floating-point operations.",
        None,
        [
            (
                "This Framework applies to every developer, public or private, that trains or "
                "fine-tunes a general-purpose AI model with more than 10^26 floating-point operations.",
                None,
                "Close the fine-tuning loophole raised by civil society.",
            )
        ],
    ),
    (
        "definition",
        "Frontier model",
        "A *frontier model* is a model whose training compute exceeds the threshold in §1.",
        None,
        [],
    ),
    (
        "definition",
        "Self-directed model development",
        "*Self-directed model development* means an AI system designing, training or modifying "
        "AI systems with no human approval of each step.",
        None,
        [],
    ),
    (
        "trigger",
        "Capability trigger: autonomous task horizon",
        "A pause is triggered when the length of tasks that frontier models complete autonomously "
        "doubles faster than the threshold below.",
        {
            "metric": "autonomous task horizon doubling time",
            "comparator": "<=",
            "threshold": 6,
            "unit": "months",
            "window": "P180D",
            "evidence_source": "independent evaluation lab report",
        },
        [
            (
                "A pause is triggered when the length of tasks that frontier models complete "
                "autonomously doubles faster than the threshold below, as measured on the agreed "
                "benchmark suite.",
                {
                    "metric": "autonomous task horizon doubling time",
                    "comparator": "<=",
                    "threshold": 4,
                    "unit": "months",
                    "window": "P180D",
                    "evidence_source": "independent evaluation lab report",
                },
                "Industry and policymakers converged on four months at the second session.",
            )
        ],
    ),
    (
        "trigger",
        "Capability trigger: self-directed development",
        "A pause is triggered when a frontier model carries out self-directed model development "
        "in a sanctioned evaluation.",
        {
            "metric": "share of a training run planned and executed by the model itself",
            "comparator": ">=",
            "threshold": 50,
            "unit": "percent",
            "window": "P30D",
            "evidence_source": "developer incident report verified by the Panel",
        },
        [],
    ),
    (
        "trigger",
        "Red-team trigger",
        "A pause is triggered when independent red teams find critical loss-of-control findings "
        "that the developer cannot remediate.",
        {
            "metric": "unremediated critical red-team findings",
            "comparator": ">=",
            "threshold": 1,
            "unit": "findings",
            "window": "P90D",
            "evidence_source": "accredited red-team consortium",
        },
        [],
    ),
    (
        "obligation",
        "Obligations during a pause",
        "During a pause, Parties ensure that no covered developer starts a training run above the "
        "threshold in §1 or deploys a model trained in breach of this Framework.",
        None,
        [],
    ),
    (
        "lift_condition",
        "Lifting the pause",
        "A pause is lifted when the trigger condition no longer holds and the Panel confirms that "
        "oversight measures are in place.",
        {
            "metric": "autonomous task horizon doubling time",
            "comparator": ">",
            "threshold": 12,
            "unit": "months",
            "window": "P180D",
            "evidence_source": "independent evaluation lab report",
            "min_duration": "P90D",
        },
        [],
    ),
    (
        "verification",
        "Compute audits",
        "Parties verify compliance through audits of data-centre compute usage.",
        {
            "mechanism": "compute audit",
            "verifier": "accredited national auditor",
            "frequency": "quarterly",
        },
        [
            (
                "Parties verify compliance through on-site and remote audits of data-centre compute "
                "usage, with results shared with every Party.",
                None,
                "Make audit results available to all Parties.",
            )
        ],
    ),
    (
        "verification",
        "Training-run registration",
        "Developers register every training run above the threshold in §1 before it starts.",
        {
            "mechanism": "training-run registration",
            "verifier": "Framework Secretariat",
            "frequency": "before each covered training run",
        },
        [],
    ),
    (
        "adjudication",
        "Independent Adjudication Panel",
        "An Independent Adjudication Panel decides whether a trigger or lift condition is met.",
        {
            "body": "Independent Adjudication Panel",
            "composition": "three seats for each stakeholder group: policymakers, industry, civil society",
            "decision_rule": "two-thirds of seated members, including one member of each group",
        },
        [],
    ),
    (
        "general",
        "Review",
        "The Parties review this Framework every two years.",
        None,
        [],
    ),
]

AMENDMENTS = [
    # clause index, author email, text, rationale
    (
        6,
        "maya.goldberg@example.org",
        "During a pause, Parties ensure that no covered developer starts a training run above the "
        "threshold in §1, deploys a model trained in breach of this Framework, or exports its weights.",
        "Weight exports would let development continue elsewhere.",
    ),
    (
        9,
        "dana.brooks@example.org",
        "Developers register every training run above the threshold in §1 at least 30 days before "
        "it starts, with a confidential annex for commercially sensitive details.",
        "Registration needs lead time and protection for trade secrets.",
    ),
]

BRACKETED = (
    11,
    [
        (
            "lena.hartmann@example.org",
            "The Parties review this Framework every two years.",
            "Predictable cadence.",
        ),
        (
            "wanjiru.kamau@example.org",
            "The Parties review this Framework every year, and within 60 days of any pause.",
            "A fast-moving field needs yearly review, and every pause teaches something.",
        ),
    ],
)


def seed(*, convening: Convening, organizer: User) -> Framework:
    """Create the demo framework and its discussion if missing; leave what exists alone."""
    from deliberation.discussion import demo as demo_comments

    framework = Framework.objects.filter(slug=SLUG).first()
    if framework is None:
        framework = _framework(convening=convening, organizer=organizer)
    demo_comments.seed(framework=framework, organizer=organizer)
    return framework


def _framework(*, convening: Convening, organizer: User) -> Framework:
    framework = services.framework_create(
        actor=organizer, convening=convening, title=TITLE, preamble=PREAMBLE, slug=SLUG
    )
    clauses: list[Clause] = []
    for kind, title, text, spec, revisions in CLAUSES:
        clause = services.clause_create(
            actor=organizer, framework=framework, kind=kind, title=title, text=text, spec=spec
        )
        for new_text, new_spec, rationale in revisions:
            clause = services.clause_update(
                actor=organizer,
                clause=clause,
                text=new_text,
                spec=new_spec if new_spec is not None else ...,
                rationale=rationale,
            )
        clauses.append(clause)
    framework = services.framework_transition(
        actor=organizer, framework=framework, to="consultation"
    )
    for index, email, text, rationale in AMENDMENTS:
        services.amendment_propose(
            actor=User.objects.get(email=email),
            clause=clauses[index],
            text=text,
            rationale=rationale,
        )
    index, options = BRACKETED
    for email, text, rationale in options:
        services.alternative_propose(
            actor=User.objects.get(email=email),
            clause=clauses[index],
            text=text,
            rationale=rationale,
        )
    return framework
