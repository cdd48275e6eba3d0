"""Comments: post, edit, delete (tombstone), react, flag, moderate, and dispositions."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from convene.audit import audit_append
from convene.errors import Conflict, DomainError, Refused
from convene.models import Membership, Role, User
from convene.permissions import membership_of
from convene.text import render_markdown
from deliberation.discussion import anchors
from deliberation.models import (
    Amendment,
    Clause,
    ClauseVersion,
    Comment,
    CommentRevision,
    Disposition,
    Flag,
    Framework,
    Reaction,
)

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
    return reason.strip()


def _require_comment_phase(framework: Framework, membership: Membership) -> None:
    """Comments are open during consultation; organizers may also comment while drafting."""
    if framework.status == Framework.Status.CONSULTATION:
        return
    if framework.status == Framework.Status.DRAFT and membership.role == Role.ORGANIZER:
        return
    raise Conflict(
        "Comments are open only while the framework is in consultation (organizers also in "
        f"draft); it is in {framework.status}."
    )


def _member(actor: User, framework: Framework) -> Membership:
    membership = membership_of(actor, framework.convening)
    if membership is None:
        raise Refused("Only members of this convening may do this.")
    return membership


def _speaker(actor: User, framework: Framework) -> User | None:
    """Who the public audit record names for what a member says or flags.

    Under group (Chatham House) attribution, nobody: the record would otherwise map each comment
    to its author. The event then carries the stakeholder group in its payload instead; the
    comment row keeps the author for organizers.
    """
    return None if framework.convening.attribution == "group" else actor


def _mentions(body: str, framework: Framework) -> list[User]:
    handles = anchors.mentioned_handles(body)
    if not handles:
        return []
    return list(
        User.objects.filter(
            handle__in=handles, memberships__convening_id=framework.convening_id
        ).distinct()
    )


def comment_post(
    *,
    actor: User,
    clause: Clause,
    body: str,
    parent: Comment | None = None,
    anchor: dict[str, Any] | None = None,
) -> Comment:
    """Post a comment on the clause's current version, or a reply in a thread of the same clause."""
    body = _clean_body(body)
    framework = Framework.objects.select_related("convening").get(pk=clause.framework_id)
    membership = _member(actor, framework)
    _require_comment_phase(framework, membership)
    assert clause.current_version_id is not None, "only null inside clause_create"
    version = ClauseVersion.objects.get(pk=clause.current_version_id)
    if parent is not None:
        if parent.clause_id != clause.pk:
            raise DomainError("The parent comment is on another clause.", field="parent")
        if parent.status != Comment.Status.VISIBLE:
            raise Conflict(
                "This comment is no longer visible; it cannot take new replies.", field="parent"
            )
    paragraph = quote = None
    if anchor is not None:
        if not isinstance(anchor, dict):
            raise DomainError("An anchor is {paragraph, quote}.", field="anchor")
        paragraph, quote = anchor.get("paragraph"), anchor.get("quote")
        problem = anchors.anchor_error(version.text, paragraph, quote)
        if problem:
            raise DomainError(problem[1], field=problem[0])
    with transaction.atomic():
        comment = Comment.objects.create(
            clause=clause,
            version=version,
            parent=parent,
            root=(parent.root or parent) if parent else None,
            depth=parent.depth + 1 if parent else 0,
            anchor_paragraph=paragraph,
            anchor_quote=quote or "",
            body=body,
            body_html=render_markdown(body),
            author=actor,
            author_group=membership.stakeholder_group,
            author_organization=membership.organization,
            author_role=membership.role,
        )
        if parent is None:
            Comment.objects.filter(pk=comment.pk).update(root=comment)
            comment.root = comment
        comment.mentions.set(_mentions(body, framework))
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
    return comment


def _lock(comment: Comment) -> tuple[Comment, Framework]:
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    framework = Framework.objects.select_related("convening").get(clauses__id=locked.clause_id)
    return locked, framework


def comment_edit(*, actor: User, comment: Comment, body: str) -> Comment:
    body = _clean_body(body)
    with transaction.atomic():
        comment, framework = _lock(comment)
        if comment.author_id != actor.pk:
            raise Refused("Only the author may edit a comment.")
        if comment.status != Comment.Status.VISIBLE:
            raise Conflict(f"This comment is {comment.status}; it cannot be edited.")
        _require_comment_phase(framework, _member(actor, framework))
        if body == comment.body:
            return comment
        CommentRevision.objects.create(
            comment=comment, body=comment.body, created_at=comment.edited_at or comment.created_at
        )
        comment.body, comment.body_html = body, render_markdown(body)
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "body_html", "edited_at"])
        comment.mentions.set(_mentions(body, framework))
        audit_append(
            convening=framework.convening,
            actor=_speaker(actor, framework),
            verb="comment.edited",
            target=comment,
        )
    return comment


def comment_delete(*, actor: User, comment: Comment) -> Comment:
    """Leave a tombstone: replies stay in place; the text is kept as a revision for the record
    but is no longer shown."""
    with transaction.atomic():
        comment, framework = _lock(comment)
        if comment.author_id != actor.pk:
            raise Refused("Only the author may delete a comment.")
        if comment.status == Comment.Status.DELETED:
            raise Conflict("This comment is already deleted.")
        CommentRevision.objects.create(
            comment=comment, body=comment.body, created_at=comment.edited_at or comment.created_at
        )
        comment.status = Comment.Status.DELETED
        comment.body = comment.body_html = ""
        comment.save(update_fields=["status", "body", "body_html"])
        comment.mentions.clear()
        audit_append(
            convening=framework.convening,
            actor=_speaker(actor, framework),
            verb="comment.deleted",
            target=comment,
        )
    return comment


def reaction_set(*, actor: User, comment: Comment, stance: str | None) -> Comment:
    """Set the actor's stance (agree/disagree/pass), or clear it with None."""
    if stance is not None and stance not in Reaction.Stance.values:
        raise DomainError(
            f"Unknown stance {stance!r}; use agree, disagree or pass.", field="stance"
        )
    with transaction.atomic():
        # Locked so that the denormalized counts match the reaction rows.
        comment, framework = _lock(comment)
        membership = _member(actor, framework)
        if comment.status != Comment.Status.VISIBLE:
            raise Conflict(f"This comment is {comment.status}; it takes no reactions.")
        existing = Reaction.objects.filter(comment=comment, user=actor).first()
        if existing and existing.stance == stance:
            return comment
        changes: dict[str, Any] = {}
        if existing:
            changes[COUNT_FIELD[existing.stance]] = F(COUNT_FIELD[existing.stance]) - 1
            existing.delete()
        if stance:
            Reaction.objects.create(
                comment=comment,
                user=actor,
                stance=stance,
                stakeholder_group=membership.stakeholder_group,
            )
            field = COUNT_FIELD[stance]
            changes[field] = changes.get(field, F(field)) + 1
        if changes:
            Comment.objects.filter(pk=comment.pk).update(**changes)
    comment.refresh_from_db()
    return comment


def comment_flag(*, actor: User, comment: Comment, reason: str) -> Flag:
    reason = _clean_reason(reason)
    try:
        with transaction.atomic():
            comment, framework = _lock(comment)
            _member(actor, framework)
            if comment.status == Comment.Status.DELETED:
                raise Conflict("This comment is deleted.")
            if comment.author_id == actor.pk:
                raise Conflict("You cannot flag your own comment; edit or delete it instead.")
            if Flag.objects.filter(comment=comment, user=actor).exists():
                raise Conflict("You have already flagged this comment.")
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
        comment, framework = _lock(comment)
        if comment.status == Comment.Status.DELETED:
            raise Conflict("This comment was deleted by its author.")
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
    return comment


def disposition_set(
    *,
    actor: User,
    comment: Comment,
    outcome: str,
    response: str,
    version: ClauseVersion | None = None,
    amendment: Amendment | None = None,
) -> Disposition:
    """Record (or replace) the organizers' answer to a top-level comment."""
    if outcome not in Disposition.Outcome.values:
        raise DomainError(f"Unknown outcome {outcome!r}.", field="outcome")
    if not isinstance(response, str) or not response.strip():
        raise DomainError("Write the response the commenter will read.", field="response")
    if len(response) > MAX_BODY:
        raise DomainError(f"At most {MAX_BODY:,} characters.", field="response")
    if comment.parent_id is not None:
        raise DomainError("Dispositions are recorded on top-level comments only.", field="comment")
    if version is not None and version.clause_id != comment.clause_id:
        raise DomainError("This version belongs to another clause.", field="version")
    if amendment is not None and amendment.clause_id != comment.clause_id:
        raise DomainError("This amendment belongs to another clause.", field="amendment")
    with transaction.atomic():
        comment, framework = _lock(comment)
        if comment.status == Comment.Status.DELETED:
            raise Conflict("This comment was deleted by its author; it takes no disposition.")
        disposition, created = Disposition.objects.update_or_create(
            comment=comment,
            defaults={
                "outcome": outcome,
                "response": response.strip(),
                "version": version,
                "amendment": amendment,
                "decided_by": actor,
                "decided_at": timezone.now(),
            },
        )
        audit_append(
            convening=framework.convening,
            actor=actor,
            verb="comment.disposition_recorded" if created else "comment.disposition_changed",
            target=comment,
            payload={
                "outcome": outcome,
                "version": version.number if version else None,
                "amendment": amendment.pk if amendment else None,
            },
        )
    return disposition
