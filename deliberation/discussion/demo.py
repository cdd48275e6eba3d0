"""Demo discussion for ``manage.py seed_demo``: about 150 comments on the demo framework.

Deterministic (a seeded generator), so the demo looks the same on every machine.
"""

from __future__ import annotations

import random

from convene.models import Membership, Role, User
from deliberation.discussion import anchors, services
from deliberation.models import Clause, Comment, Framework
from deliberation.text.selectors import display_text

OPENERS = {
    "policymaker": [
        "Our ministry can support this wording if the evidence source is named in an annex.",
        "This needs to be enforceable under national law; as drafted, the obligation falls on no one in particular.",
        "We should align this with the reporting cycle already agreed for compute audits.",
        "Several capitals will ask who pays for the verification described here.",
        "The threshold is defensible, but we need a review clause so it can move with the science.",
    ],
    "industry": [
        "The measurement window is too short to separate signal from noise in evaluation results.",
        "We can commit to this if commercially sensitive details go to the Secretariat under confidentiality.",
        "A single lab report should not be enough to trigger a global pause; require two independent evaluations.",
        "This is workable for us, provided the same terms bind every jurisdiction at the same time.",
        "Please define who counts as a *covered developer* before we sign up to obligations on them.",
    ],
    "civil_society": [
        "The public needs to see the evidence behind a trigger decision, not only the outcome.",
        "Affected communities have no seat in the adjudication panel as drafted.",
        "This threshold was set by the developers being measured; independent evaluators should set it.",
        "Weight exports during a pause are the obvious loophole here.",
        "We support this clause and ask that the verification reports be published within 30 days.",
    ],
}

REPLIES = [
    "Agreed, and the same point applies to §{n}.",
    "I disagree: this would delay a pause by months when speed matters most.",
    "Could you propose concrete wording as an amendment?",
    "We raised this at the last session; the organizers noted it.",
    "That would work for us if the timeline is at least 30 days.",
    "Our delegation shares this concern.",
    "How would this be verified in practice?",
    "A compromise: keep the threshold, but add a review after one year.",
]

RESPONSES = {
    "accepted": "Accepted: the next version will reflect this.",
    "partly_accepted": "Partly accepted: we adjusted the wording but kept the threshold.",
    "not_accepted": "Not accepted: the plenary preferred the current text; see the session notes.",
    "noted": "Noted for the review conference.",
}


def _members(framework: Framework, role: str) -> list[Membership]:
    return list(
        Membership.objects.filter(convening=framework.convening, role=role).select_related("user")
    )


def _openers(rng: random.Random, members: list[Membership], clauses: list[Clause]) -> list[Comment]:
    """Four top-level comments per clause, half of them quoting words of its first paragraph."""
    top_level = []
    for clause in clauses:
        for _ in range(4):
            member = rng.choice(members)
            body = rng.choice(OPENERS[member.stakeholder_group])
            anchor = None
            # Quotes are of the text as readers see it (clause references by number).
            shown = display_text(framework=clause.framework_id, text=clause.text)
            paragraphs = anchors.paragraphs(shown)
            if paragraphs and rng.random() < 0.5:
                words = paragraphs[0].split()
                start = rng.randrange(max(1, len(words) - 4))
                anchor = {"paragraph": 0, "quote": " ".join(words[start : start + 4])}
            top_level.append(
                services.comment_post(actor=member.user, clause=clause, body=body, anchor=anchor)
            )
    return top_level


def _replies(
    rng: random.Random, speakers: list[Membership], threads: list[Comment], *, until: int
) -> list[Comment]:
    """Replies anywhere in the threads until ``until`` comments exist; every comment posted."""
    threads = list(threads)
    posted = len(threads)
    clause_count = len({c.clause_id for c in threads})
    while posted < until:
        parent = rng.choice(threads)
        author = rng.choice(speakers)
        body = rng.choice(REPLIES).format(n=rng.randint(1, clause_count))
        if rng.random() < 0.15 and parent.author.handle:
            body = f"@{parent.author.handle} {body}"
        reply = services.comment_post(
            actor=author.user, clause=parent.clause, body=body, parent_id=parent.pk
        )
        if reply.depth < 5:
            threads.append(reply)
        posted += 1
    return threads


def seed(*, framework: Framework, organizer: User) -> int:
    """Add the demo discussion unless the framework already has comments. Returns how many."""
    if Comment.objects.filter(clause__framework=framework).exists():
        return 0
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    members = _members(framework, Role.PARTICIPANT)
    observers = _members(framework, Role.OBSERVER)
    clauses = list(Clause.objects.filter(framework=framework).order_by("position"))
    top_level = _openers(rng, members, clauses)
    threads = _replies(rng, members + observers[:1], top_level, until=150)
    everyone = members + observers
    for comment in rng.sample(threads, 80):
        for member in rng.sample(everyone, rng.randint(1, 6)):
            if member.user_id != comment.author_id:
                stance = rng.choices(["agree", "disagree", "pass"], weights=[5, 3, 1])[0]
                services.reaction_set(actor=member.user, comment=comment, stance=stance)
    for comment in top_level[: len(top_level) // 3]:
        outcome = rng.choice(list(RESPONSES))
        services.disposition_set(
            actor=organizer, comment=comment, outcome=outcome, response=RESPONSES[outcome]
        )
    for comment, reason in (
        (threads[-1], "Off-topic"),
        (threads[-2], "Personal remark about a delegate"),
    ):
        flagger = next(m for m in members if m.user_id != comment.author_id)
        services.comment_flag(actor=flagger.user, comment=comment, reason=reason)
    return Comment.objects.filter(clause__framework=framework).count()
