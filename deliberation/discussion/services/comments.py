"""Comments: post, edit, delete (tombstone), react, flag, moderate."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from convene.audit import audit_append
from convene.errors import Conflict, DomainError
from convene.models import Convening, Membership, User
from convene.notifications.services import nudge
from convene.permissions import membership_of
from convene.plaintext import clean_single_line
from convene.text import render_markdown
from deliberation import notices
from deliberation.discussion import anchors
from deliberation.discussion.follows import follow_auto
from deliberation.discussion.permissions import (
    can_comment,
    can_delete_comment,
    can_edit_comment,
    can_flag,
    can_moderate,
    can_react,
    can_reply,
)
from deliberation.models import (
    Clause,
    ClauseVersion,
    Comment,
    CommentRevision,
    Flag,
    Framework,
    Reaction,
)
from deliberation.text.selectors import display_text

MAX_BODY = 10_000
MAX_REASON = 500
COUNT_FIELD = {"agree": "agree_count", "disagree": "disagree_count", "pass": "pass_count"}


def _clean_body(body: Any) -> str:
    if not isinstance(body, str) or not body.strip():
        raise DomainError("Write something: the comment is empty.", field="body")
    if len(body) > MAX_BODY:
        raise DomainError(
            f"A comment can have at most {MAX_BODY:,} characters; this one has {len(body):,}.",
            field="body",
        )
    # Kept as written: Markdown source is significant to the character (an indented line is
    # code), and the API returns exactly what was posted.
    return body


def _clean_reason(reason: Any, field: str = "reason") -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise DomainError("Give a reason.", field=field)
    if len(reason) > MAX_REASON:
        raise DomainError(f"At most {MAX_REASON} characters.", field=field)
    return clean_single_line(reason, field=field)


def _speaker(actor: User, framework: Framework, comment: Comment | None = None) -> User | None:
    """Who the public audit record names for what a member says or flags.

    Under group (Chatham House) attribution, nobody: the record would otherwise map each comment
    to its author. The event then carries the stakeholder group in its payload instead; the
    comment row keeps the author for organizers.
    """
    attribution = comment.attribution if comment else framework.convening.attribution
    return None if attribution == Convening.Attribution.GROUP else actor


def _mentions(body: str, framework: Framework) -> list[User]:
    handles = anchors.mentioned_handles(body)
    if not handles:
        return []
    return list(
        User.objects.filter(
            handle__in=handles, memberships__convening_id=framework.convening_id
        ).distinct()
    )


def render_comment(body: str, framework: Framework, mentioned: list[User]) -> str:
    """The body as HTML, each ``@handle`` of a member linking to them in the convening's list
    of members (a mention of anyone else stays text)."""
    people = reverse("convening_detail", args=[framework.convening.slug])
    links = {u.handle: f"{people}#member-{u.handle}" for u in mentioned if u.handle}
    return render_markdown(body, mentions=links)


def _parent(clause: Clause, parent_id: int | None) -> Comment | None:
    """The comment replied to: it must be on the same clause."""
    if parent_id is None:
        return None
    parent = Comment.objects.filter(pk=parent_id, clause=clause).first()
    if parent is None:
        raise DomainError("No such comment on this clause.", field="parent")
    parent.clause = clause
    return parent


def _anchor(version: ClauseVersion, anchor: Any, *, framework_id: int) -> tuple[int | None, str]:
    """(paragraph, quote) of a valid anchor into ``version``, or (None, "") without one."""
    if anchor is None:
        return None, ""
    if not isinstance(anchor, dict):
        raise DomainError("An anchor is {paragraph, quote}.", field="anchor")
    paragraph, quote = anchor.get("paragraph"), anchor.get("quote")
    # Quotes are of the text as readers see it, with clause numbers, not stored references.
    text = display_text(framework=framework_id, text=version.text)
    problem = anchors.anchor_error(text, paragraph, quote)
    if problem:
        raise DomainError(problem[1], field=problem[0])
    assert isinstance(paragraph, int) and isinstance(quote, str)
    # A selection that cuts a word is stored as whole words: a quote reads as the text does.
    quote = anchors.snap_quote(anchors.paragraphs(text)[paragraph], quote)
    if len(quote) > anchors.MAX_QUOTE:
        raise DomainError("Quote at most 1,000 characters.", field="anchor.quote")
    return paragraph, quote


def _create_comment(
    *,
    actor: User,
    membership: Membership,
    clause: Clause,
    version: ClauseVersion,
    parent: Comment | None,
    anchor: tuple[int | None, str],
    body: str,
) -> Comment:
    """The comment row, its thread root and its mentions (inside the caller's transaction)."""
    mentioned = _mentions(body, clause.framework)
    now = timezone.now()
    comment = Comment.objects.create(
        created_at=now,
        last_activity_at=now,
        clause=clause,
        version=version,
        parent=parent,
        root=(parent.root or parent) if parent else None,
        depth=parent.depth + 1 if parent else 0,
        anchor_paragraph=anchor[0],
        anchor_quote=anchor[1],
        body=body,
        body_html=render_comment(body, clause.framework, mentioned),
        author=actor,
        author_group=membership.stakeholder_group,
        author_organization=membership.organization,
        author_role=membership.role,
        attribution=clause.framework.convening.attribution,
    )
    if parent is None:
        Comment.objects.filter(pk=comment.pk).update(root=comment)
        comment.root = comment
    else:
        # The thread's figures that "most replies" and "recently discussed" order by.
        Comment.objects.filter(pk=parent.root_id or parent.pk).update(
            reply_count=F("reply_count") + 1, last_activity_at=comment.created_at
        )
    comment.mentions.set(mentioned)
    return comment


def comment_post(
    *,
    actor: User,
    clause: Clause,
    body: str,
    parent_id: int | None = None,
    anchor: dict[str, Any] | None = None,
) -> Comment:
    """Post a comment on the clause's current version, or a reply in a thread of the same clause
    (``parent_id``)."""
    body = _clean_body(body)
    clause.framework = Framework.objects.select_related("convening").get(pk=clause.framework_id)
    framework = clause.framework
    can_comment(actor, clause).enforce()
    parent = _parent(clause, parent_id)
    if parent is not None:
        can_reply(actor, parent).enforce(field="parent")
    membership = membership_of(actor, framework.convening)
    assert membership is not None and clause.current_version_id is not None
    version = ClauseVersion.objects.get(pk=clause.current_version_id)
    position = _anchor(version, anchor, framework_id=clause.framework_id)
    with transaction.atomic():
        comment = _create_comment(
            actor=actor,
            membership=membership,
            clause=clause,
            version=version,
            parent=parent,
            anchor=position,
            body=body,
        )
        audit_append(
            convening=framework.convening,
            actor=_speaker(actor, framework),
            verb="comment.posted",
            target=comment,
            payload={
                "clause": clause.pk,
                "version": version.number,
                "parent": parent.pk if parent else None,
                "stakeholder_group": membership.stakeholder_group,
            },
        )
        follow_auto(user=actor, clause=clause)
        notices.comment_posted(comment, parent=parent, mentioned=list(comment.mentions.all()))
        from deliberation.tasks import summary_refresh

        nudge(summary_refresh, clause.pk)
    return comment


def _resummarize(clause_id: int) -> None:
    """A comment left the thread (deleted, hidden) or came back: the summary must not keep
    quoting it, so it is rebuilt whatever the count says."""
    from deliberation.tasks import summary_refresh

    nudge(summary_refresh, clause_id, True)


def lock_comment(comment: Comment) -> tuple[Comment, Framework]:
    """Lock the comment row; it comes back with its clause, framework and convening attached,
    as the predicates read them."""
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    clause = Clause.objects.select_related("framework__convening").get(pk=locked.clause_id)
    locked.clause = clause
    return locked, clause.framework


def _keep_revision(comment: Comment) -> None:
    CommentRevision.objects.create(
        comment=comment, body=comment.body, created_at=comment.edited_at or comment.created_at
    )


def comment_edit(*, actor: User, comment: Comment, body: str) -> Comment:
    body = _clean_body(body)
    with transaction.atomic():
        comment, framework = lock_comment(comment)
        can_edit_comment(actor, comment).enforce()
        if body == comment.body:
            return comment
        _keep_revision(comment)
        mentioned = _mentions(body, framework)
        comment.body, comment.body_html = body, render_comment(body, framework, mentioned)
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "body_html", "edited_at"])
        comment.mentions.set(mentioned)
        audit_append(
            convening=framework.convening,
            actor=_speaker(actor, framework, comment),
            verb="comment.edited",
            target=comment,
        )
    return comment


def comment_delete(*, actor: User, comment: Comment) -> Comment:
    """Leave a tombstone: replies stay in place; the text is kept as a revision for the record
    but is no longer shown."""
    with transaction.atomic():
        comment, framework = lock_comment(comment)
        can_delete_comment(actor, comment).enforce()
        _keep_revision(comment)
        comment.status = Comment.Status.DELETED
        comment.body = comment.body_html = ""
        comment.save(update_fields=["status", "body", "body_html"])
        comment.mentions.clear()
        audit_append(
            convening=framework.convening,
            actor=_speaker(actor, framework, comment),
            verb="comment.deleted",
            target=comment,
        )
        _resummarize(comment.clause_id)
    return comment


def _count_changes(previous: str | None, stance: str | None) -> dict[str, Any]:
    """The denormalized count updates for moving a reaction from ``previous`` to ``stance``."""
    changes: dict[str, Any] = {}
    if previous:
        changes[COUNT_FIELD[previous]] = F(COUNT_FIELD[previous]) - 1
    if stance:
        field = COUNT_FIELD[stance]
        changes[field] = changes.get(field, F(field)) + 1
    return changes


def _agreeing_groups(comment: Comment) -> int:
    """In how many stakeholder groups more members agree than disagree with ``comment``, from
    its reaction rows as they now stand (the "most agreed across groups" order)."""
    rows = (
        Reaction.objects.filter(comment=comment)
        .exclude(stakeholder_group="")
        .values("stakeholder_group")
        .annotate(
            agree=Count("pk", filter=Q(stance=Reaction.Stance.AGREE)),
            disagree=Count("pk", filter=Q(stance=Reaction.Stance.DISAGREE)),
        )
        .order_by()
    )
    return sum(1 for row in rows if row["agree"] > row["disagree"])


def reaction_set(*, actor: User, comment: Comment, stance: str | None) -> Comment:
    """Set the actor's stance (agree/disagree/pass), or clear it with None."""
    if stance is not None and stance not in Reaction.Stance.values:
        raise DomainError(
            f"Unknown stance {stance!r}; use agree, disagree or pass.", field="stance"
        )
    with transaction.atomic():
        # Locked so that the denormalized counts match the reaction rows.
        comment, framework = lock_comment(comment)
        can_react(actor, comment).enforce()
        existing = Reaction.objects.filter(comment=comment, user=actor).first()
        if existing and existing.stance == stance:
            return comment
        if existing:
            existing.delete()
        if stance:
            membership = membership_of(actor, framework.convening)
            Reaction.objects.create(
                comment=comment,
                user=actor,
                stance=stance,
                stakeholder_group=membership.stakeholder_group if membership else "",
            )
        changes = _count_changes(existing.stance if existing else None, stance)
        if changes:
            Comment.objects.filter(pk=comment.pk).update(
                **changes, agree_groups=_agreeing_groups(comment)
            )
    comment.refresh_from_db()
    return comment


def comment_flag(*, actor: User, comment: Comment, reason: str) -> Flag:
    reason = _clean_reason(reason)
    try:
        with transaction.atomic():
            comment, framework = lock_comment(comment)
            can_flag(actor, comment).enforce()
            flag = Flag.objects.create(comment=comment, user=actor, reason=reason)
            Comment.objects.filter(pk=comment.pk).update(flag_count=F("flag_count") + 1)
            audit_append(
                convening=framework.convening,
                actor=_speaker(actor, framework),
                verb="comment.flagged",
                target=comment,
                payload={"reason": reason},
            )
    except IntegrityError as exc:
        raise Conflict("You have already flagged this comment.") from exc
    return flag


def comment_moderate(*, actor: User, comment: Comment, action: str, reason: str) -> Comment:
    """Hide a comment (or restore it) with a reason shown in place; resolves open flags."""
    if action not in {"hide", "restore"}:
        raise DomainError("The action is hide or restore.", field="action")
    reason = _clean_reason(reason)
    with transaction.atomic():
        comment, framework = lock_comment(comment)
        can_moderate(actor, comment).enforce()
        target = Comment.Status.HIDDEN if action == "hide" else Comment.Status.VISIBLE
        if comment.status == target:
            raise Conflict(f"This comment is already {target}.")
        now = timezone.now()
        comment.status = target
        comment.moderation_reason, comment.moderated_by, comment.moderated_at = reason, actor, now
        comment.save(update_fields=["status", "moderation_reason", "moderated_by", "moderated_at"])
        Flag.objects.filter(comment=comment, resolved_at=None).update(resolved_at=now)
        audit_append(
            convening=framework.convening,
            actor=actor,
            verb=f"comment.{'hidden' if action == 'hide' else 'restored'}",
            target=comment,
            payload={"reason": reason},
        )
        _resummarize(comment.clause_id)
    return comment
