"""Deliberation models: the text (frameworks, clauses, versions, proposals) and the talk
about it (comments, reactions, flags, dispositions)."""

from deliberation.discussion.models import Comment, CommentRevision, Disposition, Flag, Reaction
from deliberation.text.models import (
    Alternative,
    Amendment,
    Clause,
    ClauseKind,
    ClauseVersion,
    ClauseVersionQuerySet,
    Framework,
)

__all__ = [
    "Alternative",
    "Amendment",
    "Clause",
    "ClauseKind",
    "ClauseVersion",
    "ClauseVersionQuerySet",
    "Comment",
    "CommentRevision",
    "Disposition",
    "Flag",
    "Framework",
    "Reaction",
]
