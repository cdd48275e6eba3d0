"""Deliberation models: the text (frameworks, clauses, versions, proposals), the talk about
it (comments, reactions, flags, dispositions) and the votes on it (rounds, motions, ballots)."""

from deliberation.discussion.models import (
    ClauseVisit,
    Comment,
    CommentRevision,
    Disposition,
    Flag,
    Follow,
    Reaction,
    Summary,
)
from deliberation.publishing.models import Edition
from deliberation.text.models import (
    Alternative,
    Amendment,
    Clause,
    ClauseKind,
    ClauseVersion,
    ClauseVersionQuerySet,
    Framework,
)
from deliberation.voting.models import Ballot, BallotChoice, Motion, RollEntry, VotingRound

__all__ = [
    "Alternative",
    "Amendment",
    "Ballot",
    "BallotChoice",
    "Clause",
    "ClauseKind",
    "ClauseVersion",
    "ClauseVersionQuerySet",
    "ClauseVisit",
    "Comment",
    "CommentRevision",
    "Disposition",
    "Edition",
    "Flag",
    "Follow",
    "Framework",
    "Motion",
    "Reaction",
    "RollEntry",
    "Summary",
    "VotingRound",
]
