"""How a comment's author is shown: by name, or only by stakeholder group (Chatham House).

The one place attribution is applied: the API, the CSV, the pages and (next) the public record
all show authors through ``Reader`` and ``author_of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from convene.models import Convening, Membership
from convene.permissions import can_view_member_pages, membership_of
from deliberation.models import Comment, Framework
from deliberation.text.permissions import is_framework_organizer


@dataclass(frozen=True)
class Reader:
    """Who reads a framework's comments, and what attribution and moderation let them see."""

    user: Any
    membership: Membership | None
    organizer: bool
    # Whether comments said from now on would show their authors to this reader; each comment
    # keeps its own attribution (``names_author``).
    names: bool
    show_country: bool
    # Whether names link to member pages (``can_view_member_pages``), and the convening whose
    # pages they are: decided once per reader, not per comment.
    member_pages: bool = False
    convening_slug: str = ""


def reader_for(user: Any, framework: Framework) -> Reader:
    """In group attribution only organizers see who wrote what."""
    organizer = is_framework_organizer(user, framework)
    convening = framework.convening
    return Reader(
        user=user,
        membership=membership_of(user, convening),
        organizer=organizer,
        names=convening.attribution == Convening.Attribution.NAMED or organizer,
        show_country=convening.attribution_shows_country,
        member_pages=bool(can_view_member_pages(user, convening)),
        convening_slug=convening.slug,
    )


def names_author(comment: Comment, reader: Reader) -> bool:
    """Whether the reader sees who wrote the comment: organizers always; others when it was
    said on the record (the attribution under which it was said, not the convening's now)."""
    return reader.organizer or comment.attribution == Convening.Attribution.NAMED


def author_of(comment: Comment, reader: Reader) -> dict[str, Any] | None:
    """The author as this reader may see them: named, or only by group in Chatham House mode."""
    if comment.status == Comment.Status.DELETED:
        return None
    org = comment.author_organization
    if names_author(comment, reader):
        return {
            "id": comment.author_id,
            "display_name": comment.author.display_name,
            "handle": comment.author.handle,
            "stakeholder_group": comment.author_group,
            "organization": org.name if org else None,
            "organization_id": org.pk if org else None,
            "country": org.country if org else None,
        }
    author: dict[str, Any] = {"stakeholder_group": comment.author_group}
    if reader.show_country:
        author["country"] = org.country if org else None
    return author
