"""Deliberation models: the text (frameworks, clauses, versions, proposals) and the talk
about it (comments, reactions, flags, dispositions)."""

from deliberation.models.comments import Comment, CommentRevision, Disposition, Flag, Reaction
from deliberation.models.text import (
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
