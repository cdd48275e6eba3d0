"""Who may do what in a clause's comment threads, and when: one predicate per action.

Each ``can_<action>`` answers a ``Verdict`` (see ``convene.permissions``): 404 when the framework
is not visible, 403 when the action is not the user's (not a member, not the author, not an
organizer), 409 when the comment's or the framework's state forbids it now. Services enforce
them; the API authorizes with them through ``access_comment``; the pages draw every control of a
comment from ``comment_actions``, which asks the same predicates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from django.http import Http404

from convene.models import Role
from convene.permissions import ALLOW, Need, Verdict, first_refusal, membership_of, refuse
from deliberation.models import Clause, Comment, Flag, Framework
from deliberation.text.permissions import (
    ORGANIZERS_ONLY,
    can_view_framework,
    consultation_open,
)

if TYPE_CHECKING:
    from deliberation.discussion.ordering import ThreadOrder

MEMBERS_ONLY = "Only members of this convening may do this."


def _member(user: Any, framework: Framework) -> Verdict:
    if membership_of(user, framework.convening) is None:
        return refuse(403, MEMBERS_ONLY)
    return ALLOW


def _organizer(user: Any, framework: Framework) -> Verdict:
    membership = membership_of(user, framework.convening)
    if membership is None or membership.role != Role.ORGANIZER:
        return refuse(403, ORGANIZERS_ONLY)
    return ALLOW


def _phase(user: Any, framework: Framework) -> Verdict:
    """Comments are open during consultation, until its close time if one is set; organizers
    may also comment while drafting."""
    closed = consultation_open(framework)
    if not closed:
        return closed
    if framework.status == Framework.Status.CONSULTATION:
        return ALLOW
    membership = membership_of(user, framework.convening)
    if (
        framework.status == Framework.Status.DRAFT
        and membership
        and membership.role == Role.ORGANIZER
    ):
        return ALLOW
    return refuse(
        409,
        "Comments are open only while the framework is in consultation (organizers also in "
        f"draft); it is in {framework.status}.",
    )


def _author(user: Any, comment: Comment, verb: str) -> Verdict:
    if comment.author_id == getattr(user, "pk", None):
        return ALLOW
    return refuse(403, f"Only the author may {verb} a comment.")


def _not_deleted(comment: Comment, message: str) -> Verdict:
    return refuse(409, message) if comment.status == Comment.Status.DELETED else ALLOW


def can_comment(user: Any, clause: Clause) -> Verdict:
    """Post a top-level comment on the clause."""
    framework = clause.framework
    return first_refusal(
        lambda: can_view_framework(user, framework),
        lambda: _member(user, framework),
        lambda: _phase(user, framework),
    )


def can_reply(user: Any, comment: Comment) -> Verdict:
    def visible() -> Verdict:
        if comment.status == Comment.Status.VISIBLE:
            return ALLOW
        return refuse(409, "This comment is no longer visible; it cannot take new replies.")

    return first_refusal(lambda: can_comment(user, comment.clause), visible)


def can_edit_comment(user: Any, comment: Comment) -> Verdict:
    framework = comment.clause.framework

    def visible() -> Verdict:
        if comment.status == Comment.Status.VISIBLE:
            return ALLOW
        return refuse(409, f"This comment is {comment.status}; it cannot be edited.")

    return first_refusal(
        lambda: can_view_framework(user, framework),
        lambda: _author(user, comment, "edit"),
        visible,
        lambda: _member(user, framework),
        lambda: _phase(user, framework),
    )


def can_delete_comment(user: Any, comment: Comment) -> Verdict:
    return first_refusal(
        lambda: can_view_framework(user, comment.clause.framework),
        lambda: _author(user, comment, "delete"),
        lambda: _not_deleted(comment, "This comment is already deleted."),
    )


def can_react(user: Any, comment: Comment) -> Verdict:
    framework = comment.clause.framework

    def visible() -> Verdict:
        if comment.status == Comment.Status.VISIBLE:
            return ALLOW
        return refuse(409, f"This comment is {comment.status}; it takes no reactions.")

    return first_refusal(
        lambda: can_view_framework(user, framework), lambda: _member(user, framework), visible
    )


def _flagged_by(user: Any, comment: Comment) -> bool:
    """Whether ``user`` has flagged the comment: the thread selectors annotate it for the reader
    (``flagged_by_viewer``, no query); otherwise one query."""
    flagged = getattr(comment, "flagged_by_viewer", None)
    if flagged is None:
        flagged = Flag.objects.filter(comment_id=comment.pk, user_id=user.pk).exists()
    return bool(flagged)


def can_flag(user: Any, comment: Comment) -> Verdict:
    """Flag the comment for the organizers: once, and not one's own."""
    framework = comment.clause.framework

    def not_own() -> Verdict:
        if comment.author_id == getattr(user, "pk", None):
            return refuse(409, "You cannot flag your own comment; edit or delete it instead.")
        return ALLOW

    def not_yet() -> Verdict:
        if _flagged_by(user, comment):
            return refuse(409, "You have already flagged this comment.")
        return ALLOW

    return first_refusal(
        lambda: can_view_framework(user, framework),
        lambda: _member(user, framework),
        lambda: _not_deleted(comment, "This comment is deleted."),
        not_own,
        not_yet,
    )


def can_moderate(user: Any, comment: Comment) -> Verdict:
    """Hide the comment, or restore it."""
    framework = comment.clause.framework
    return first_refusal(
        lambda: can_view_framework(user, framework),
        lambda: _organizer(user, framework),
        lambda: _not_deleted(comment, "This comment was deleted by its author."),
    )


def can_dismiss_flags(user: Any, comment: Comment) -> Verdict:
    """Dismiss the comment's open flags as unfounded: the comment stays as it is."""

    def flagged() -> Verdict:
        if Flag.objects.filter(comment=comment, resolved_at=None).exists():
            return ALLOW
        return refuse(409, "This comment has no open flag to dismiss.")

    return first_refusal(lambda: can_moderate(user, comment), flagged)


def can_dispose(user: Any, comment: Comment) -> Verdict:
    """Record the organizers' answer (a disposition) to a top-level comment."""
    framework = comment.clause.framework

    def top_level() -> Verdict:
        if comment.parent_id is None:
            return ALLOW
        return refuse(400, "Dispositions are recorded on top-level comments only.", field="comment")

    return first_refusal(
        lambda: can_view_framework(user, framework),
        lambda: _organizer(user, framework),
        top_level,
        lambda: _not_deleted(
            comment, "This comment was deleted by its author; it takes no disposition."
        ),
    )


def can_sort_threads(user: Any, clause: Clause, order: ThreadOrder) -> Verdict:
    """Read the clause's threads in ``order``: "no disposition yet" is the organizers'
    worklist."""
    if order.organizers_only:
        return _organizer(user, clause.framework)
    return ALLOW


def can_read_hidden(user: Any, framework: Framework) -> bool:
    """What moderation hides (text, quote, mentions) stays readable to organizers only."""
    return bool(_organizer(user, framework))


def shows_content(user: Any, comment: Comment, *, organizer: bool | None = None) -> bool:
    """Whether this reader sees the comment's words: its body, quoted passage and mentions.

    ``organizer`` may be passed when the caller already knows (a page of comments)."""
    if comment.status == Comment.Status.VISIBLE:
        return True
    if comment.status == Comment.Status.HIDDEN:
        if organizer is None:
            organizer = can_read_hidden(user, comment.clause.framework)
        return organizer
    return False


# Every action a page draws a control for, by the name templates use (``can.flag``).
COMMENT_ACTIONS = {
    "reply": can_reply,
    "edit": can_edit_comment,
    "delete": can_delete_comment,
    "react": can_react,
    "flag": can_flag,
    "moderate": can_moderate,
    "dispose": can_dispose,
}


def comment_actions(user: Any, comment: Comment) -> dict[str, bool]:
    """Which of the comment's controls to draw for this user: each one the API would allow.

    ``comment.clause.framework.convening`` must be loaded (the thread selectors attach them),
    and the user's membership is cached per request, so this costs no query."""
    return {name: bool(can(user, comment)) for name, can in COMMENT_ACTIONS.items()}


COMMENT_NEEDS = {
    Need.VIEW: lambda user, comment: can_view_framework(user, comment.clause.framework),
    Need.REPLY: can_reply,
    Need.EDIT: can_edit_comment,
    Need.DELETE: can_delete_comment,
    Need.REACT: can_react,
    Need.FLAG: can_flag,
    Need.MODERATE: can_moderate,
    Need.DISPOSE: can_dispose,
}


def access_comment(user: Any, comment_id: int, *, need: Need = Need.VIEW) -> Comment:
    """The comment, if the user may see it (else 404) and, for ``need``, act on it (else 403).

    Refusals by state (409) and structure (400) are left to the service, after input checks."""
    comment = (
        Comment.objects.select_related("clause__framework__convening", "clause__current_version")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        _not_found()
    verdict = COMMENT_NEEDS[need](user, comment)
    verdict.authorize()
    return comment


def _not_found() -> NoReturn:
    raise Http404("No such comment.")
