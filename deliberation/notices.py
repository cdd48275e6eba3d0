"""What deliberation tells its members: who hears of a comment, a version, an amendment, a
disposition, a round or a publication, and in what words. Every function runs inside the
transaction of the change and hands the result to ``convene.notifications.inbox.notify``.

Names follow the attribution promise: under group attribution the actor is only a
stakeholder group, in the item, its mail and its digest.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from convene.models import Convening, Membership, User
from convene.notifications.inbox import Notice, excerpt, first_reasons, notify
from convene.notifications.models import Category
from deliberation.models import (
    Amendment,
    Ballot,
    Clause,
    ClauseVersion,
    Comment,
    Disposition,
    Framework,
    Motion,
    RollEntry,
    VotingRound,
)

GROUP_WORDS = {
    "policymaker": "A policymaker delegate",
    "industry": "An industry delegate",
    "civil_society": "A civil-society delegate",
}


def actor_words(user: User, *, attribution: str, group: str) -> tuple[str, str]:
    """(name, handle) of who acted, as every recipient may see them."""
    if attribution == Convening.Attribution.GROUP:
        return GROUP_WORDS.get(group, "A member"), ""
    return user.display_name or f"@{user.handle}", user.handle or ""


def members(convening_id: int, user_ids: Iterable[int]) -> set[int]:
    """Those of ``user_ids`` who are still members (one query): nobody hears of a convening
    they have left."""
    ids = set(user_ids)
    if not ids:
        return set()
    found = Membership.objects.filter(convening_id=convening_id, user_id__in=ids)
    return set(found.values_list("user_id", flat=True))


def _where(clause: Clause) -> str:
    return f"§{clause.position} {clause.title}"


def comment_posted(comment: Comment, *, parent: Comment | None, mentioned: list[User]) -> None:
    """A reply tells the parent's author; a mention tells who is mentioned (once, as a reply
    if it is both)."""
    clause = comment.clause
    convening_id = clause.framework.convening_id
    name, handle = actor_words(
        comment.author, attribution=comment.attribution, group=comment.author_group
    )
    replied = [parent.author_id] if parent and parent.status != Comment.Status.DELETED else []
    reasons = first_reasons(
        [(replied, Category.REPLIES), ([u.pk for u in mentioned], Category.MENTIONS)]
    )
    allowed = members(convening_id, reasons)
    url = f"{reverse('comment_link', args=[comment.pk])}"
    for category, verb, title in (
        (
            Category.REPLIES,
            "comment.replied",
            f"{name} replied to your comment on {_where(clause)}",
        ),
        (Category.MENTIONS, "comment.mentioned", f"{name} mentioned you on {_where(clause)}"),
    ):
        notice = Notice(
            event=f"comment.posted:{comment.pk}",
            verb=verb,
            title=title,
            target_url=url,
            convening_id=convening_id,
            excerpt=excerpt(comment.body),
            actor_name=name,
            actor_handle=handle,
        )
        chosen = {uid: cat for uid, cat in reasons.items() if cat == category and uid in allowed}
        notify(notice, chosen, exclude=comment.author_id)


def disposition_recorded(disposition: Disposition, *, created: bool) -> None:
    comment = disposition.comment
    clause = comment.clause
    outcome = Disposition.Outcome(disposition.outcome).label.lower()
    notice = Notice(
        event=f"comment.disposition:{comment.pk}:{disposition.decided_at.timestamp():.6f}",
        verb="comment.disposition_recorded" if created else "comment.disposition_changed",
        title=f"The organizers answered your comment on {_where(clause)}: {outcome}",
        target_url=f"{reverse('comment_link', args=[comment.pk])}",
        convening_id=clause.framework.convening_id,
        excerpt=excerpt(disposition.response),
    )
    notify(
        notice,
        {comment.author_id: Category.DISPOSITIONS},
        exclude=disposition.decided_by_id,
    )


def _clause_followers(clause: Clause) -> list[int]:
    from deliberation.discussion.follows import followers

    return followers(clause)


def version_added(version: ClauseVersion, clause: Clause) -> None:
    """A new version of a followed clause (amendments are told when they are decided)."""
    framework = clause.framework
    ids = members(framework.convening_id, _clause_followers(clause))
    notice = Notice(
        event=f"clause.version:{version.pk}",
        verb="clause.revised",
        title=f"{_where(clause)} has a new version ({version.number})",
        target_url=reverse("clause_detail", args=[clause.pk]),
        convening_id=framework.convening_id,
        excerpt=excerpt(version.rationale),
    )
    notify(notice, dict.fromkeys(ids, Category.FOLLOWING), exclude=version.accepted_by_id)


def amendment_decided(amendment: Amendment, *, actor: User | None) -> None:
    """Its proposer hears of it as theirs; the clause's followers as news of the clause."""
    clause = amendment.clause
    framework = clause.framework
    status = Amendment.Status(amendment.status).label.lower()
    reasons = first_reasons(
        [
            ([amendment.author_id], Category.AMENDMENTS),
            (_clause_followers(clause), Category.FOLLOWING),
        ]
    )
    allowed = members(framework.convening_id, reasons)
    url = f"{reverse('clause_detail', args=[clause.pk])}#amendment-{amendment.pk}"
    for category, title in (
        (
            Category.AMENDMENTS,
            f"Your amendment {amendment.number} to {_where(clause)} was {status}",
        ),
        (Category.FOLLOWING, f"Amendment {amendment.number} to {_where(clause)} was {status}"),
    ):
        notice = Notice(
            event=f"amendment.decided:{amendment.pk}",
            verb=f"amendment.{amendment.status}",
            title=title,
            target_url=url,
            convening_id=framework.convening_id,
            excerpt=excerpt(amendment.decision_reason),
        )
        chosen = {uid: cat for uid, cat in reasons.items() if cat == category and uid in allowed}
        notify(notice, chosen, exclude=actor.pk if actor else None)


def framework_published(framework: Framework, *, number: int, actor: User) -> None:
    """Every member, and whoever follows the framework, hears of an edition."""
    from deliberation.discussion.follows import framework_followers

    member_ids = Membership.objects.filter(convening_id=framework.convening_id).values_list(
        "user_id", flat=True
    )
    reasons = first_reasons([(member_ids, Category.PUBLICATIONS)])
    for uid in framework_followers(framework):
        reasons.setdefault(uid, Category.PUBLICATIONS)
    notice = Notice(
        event=f"framework.published:{framework.pk}:{number}",
        verb="framework.published",
        title=f"{framework.title} is published (edition {number})",
        target_url=reverse("reader_edition", args=[framework.slug, number]),
        convening_id=framework.convening_id,
    )
    notify(notice, reasons, exclude=actor.pk)


def _roll(round_: VotingRound) -> list[int]:
    return list(RollEntry.objects.filter(round=round_).values_list("user_id", flat=True))


def _round_notice(
    round_: VotingRound, what: str, verb: str, title: str, url: str, text: str
) -> Notice:
    return Notice(
        event=f"{what}:{round_.pk}",
        verb=verb,
        title=title,
        target_url=url,
        convening_id=round_.framework.convening_id,
        excerpt=text,
    )


def _closes(round_: VotingRound) -> str:
    if round_.closes_at is None:
        return "It stays open until the organizers close it."
    return f"It closes {round_.closes_at:%d %B %Y at %H:%M} UTC."


def round_opened(round_: VotingRound, *, actor: User | None) -> None:
    """Everyone on the roll (the eligible voters, frozen as the round opened)."""
    notice = _round_notice(
        round_,
        "round.opened",
        "round.opened",
        f"Voting is open: {round_.title}",
        reverse("round_detail", args=[round_.pk]),
        _closes(round_),
    )
    notify(
        notice, dict.fromkeys(_roll(round_), Category.ROUNDS), exclude=actor.pk if actor else None
    )


def round_closing_soon(round_: VotingRound) -> int:
    """Voters on the roll who have not voted yet; once each per round."""
    voted = set(Ballot.objects.filter(round=round_).values_list("voter_id", flat=True))
    waiting = [uid for uid in _roll(round_) if uid not in voted]
    notice = _round_notice(
        round_,
        "round.closing",
        "round.closing_soon",
        f"Voting closes soon and you have not voted: {round_.title}",
        reverse("round_detail", args=[round_.pk]),
        _closes(round_),
    )
    return len(notify(notice, dict.fromkeys(waiting, Category.ROUNDS)))


def round_closed(round_: VotingRound, motions: list[Motion], *, actor: User | None) -> None:
    """The roll hears the results, each motion in its plain-language narrative."""
    text = "\n".join(f"{m.position}. {m.narrative}" for m in motions if m.narrative)
    notice = _round_notice(
        round_,
        "round.closed",
        "round.closed",
        f"Results: {round_.title}",
        reverse("round_results", args=[round_.pk]),
        text,
    )
    notify(
        notice, dict.fromkeys(_roll(round_), Category.ROUNDS), exclude=actor.pk if actor else None
    )


def consultation_closing_soon(framework: Framework) -> int:
    """Every member of the convening, once per close time: the consultation closes soon."""
    closes = framework.consultation_closes_at
    assert closes is not None
    recipients = Membership.objects.filter(convening_id=framework.convening_id)
    notice = Notice(
        event=f"consultation.closing:{framework.pk}:{closes:%Y%m%d%H%M}",
        verb="consultation.closing_soon",
        title=f"The consultation closes soon: {framework.title}",
        target_url=reverse("framework_detail", args=[framework.slug]),
        convening_id=framework.convening_id,
        excerpt=f"Comments and proposals close {closes:%d %B %Y at %H:%M} UTC.",
    )
    ids = recipients.values_list("user_id", flat=True)
    return len(notify(notice, dict.fromkeys(ids, Category.FOLLOWING)))
