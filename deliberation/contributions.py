"""One member's contributions in a convening, for their member page: the comments and the
amendments a reader may tie to them.

Who may open a member page at all is ``convene.permissions.can_view_member_pages``; these reads
then keep each comment's own attribution, the one it was said under: a comment made under group
(Chatham House) attribution is listed only to organizers, even after the convening turned to
named attribution.
"""

from __future__ import annotations

from django.db.models import QuerySet

from convene.models import Convening, User
from deliberation.models import Amendment, Comment


def member_comments(*, convening: Convening, author: User, organizer: bool) -> QuerySet[Comment]:
    """``author``'s visible comments in the convening, newest first, their clause and framework
    joined. Without ``organizer``, only those said on the record (named attribution)."""
    comments = Comment.objects.filter(
        clause__framework__convening=convening, author=author, status=Comment.Status.VISIBLE
    )
    if not organizer:
        comments = comments.filter(attribution=Convening.Attribution.NAMED)
    return comments.select_related("clause__framework").order_by("-created_at", "-id")


def member_amendments(*, convening: Convening, author: User) -> QuerySet[Amendment]:
    """``author``'s amendments in the convening, newest first, their clause and framework
    joined. Amendment cards name their author to every reader, so all are listed."""
    return (
        Amendment.objects.filter(clause__framework__convening=convening, author=author)
        .select_related("clause__framework")
        .defer("text", "diff_ops", "spec")
        .order_by("-created_at", "-id")
    )
