"""How a comment's author is shown: by name, or only by stakeholder group (Chatham House)."""

from __future__ import annotations

from typing import Any

from deliberation.models import Comment


def author_of(comment: Comment, *, names: bool, show_country: bool) -> dict[str, Any] | None:
    """The author as this viewer may see them: named, or only by group in Chatham House mode."""
    if comment.status == Comment.Status.DELETED:
        return None
    org = comment.author_organization
    if names:
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
    if show_country:
        author["country"] = org.country if org else None
    return author
