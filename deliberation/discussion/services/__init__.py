"""Every write on comment threads. See the modules for the contracts."""

from deliberation.discussion.services.comments import (
    comment_delete,
    comment_edit,
    comment_flag,
    comment_moderate,
    comment_post,
    reaction_set,
)
from deliberation.discussion.services.dispositions import disposition_set
from deliberation.discussion.services.flags import comment_flags_dismiss
from deliberation.discussion.services.visits import clause_visit_record

__all__ = [
    "clause_visit_record",
    "comment_delete",
    "comment_edit",
    "comment_flag",
    "comment_flags_dismiss",
    "comment_moderate",
    "comment_post",
    "disposition_set",
    "reaction_set",
]
